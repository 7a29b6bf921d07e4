package rollup

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/uptrace/bun"

	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// DefaultStaleness is how long a Resident trusts what it holds while this process writes nothing:
// what another process writes (another instance, hotro import) shows within it.
const DefaultStaleness = time.Second

// Resident answers stats as Engine does, from the rollups held in memory: a fresh answer makes no
// database round trip. It holds every rollup row, column by column for each level and unit, with
// the reference data of the same database snapshot, and follows writes through the rollup log: at
// most once per staleness period while this process writes nothing, and at every answer while it
// does (BeginWrite, EndWrite), it reads the versions (one small round trip) and, when they moved,
// the rows of the units logged since. While it first loads, the database answers (Engine).
type Resident struct {
	db        bun.IDB
	reference *reference.Cache
	fallback  *Engine
	staleness time.Duration
	now       func() time.Time
	memoRead  int // rows read past which a question's sums are kept (answerMemo)
	// aggregates are the scratch of answers, made again for the next.
	aggregates sync.Pool

	state   atomic.Pointer[memState]
	refresh sync.Mutex  // held by the one refresh under way
	loading atomic.Bool // a refresh is loading every row

	clock   sync.Mutex
	checked time.Time // when state was last known current; zero: check at the next answer
	gen     uint64    // moves when a write begins or ends
	writing int       // writes under way in this process
}

// ResidentOptions tune a Resident; the zero value serves.
type ResidentOptions struct {
	// Staleness is how long what was read is trusted while this process writes nothing (zero:
	// DefaultStaleness).
	Staleness time.Duration
	// Now tells the time (nil: time.Now).
	Now func() time.Time
	// MemoRead is how many rows a question reads for its sums to be kept until the rows change
	// (zero: answerMemoRead; tests keep every answer with 1).
	MemoRead int
}

// NewResident returns a Resident reading from idb, sharing ref with the rest of the server. It loads
// nothing until asked (or warmed: Warm).
func NewResident(idb bun.IDB, ref *reference.Cache, o ResidentOptions) *Resident {
	if o.Staleness <= 0 {
		o.Staleness = DefaultStaleness
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MemoRead <= 0 {
		o.MemoRead = answerMemoRead
	}
	r := &Resident{db: idb, reference: ref, fallback: NewEngineShared(idb, ref), staleness: o.Staleness, now: o.Now, memoRead: o.MemoRead}
	r.aggregates.New = func() any { return &aggregate{index: map[rowID]int32{}} }
	return r
}

var _ report.Engine = (*Resident)(nil)

// memState is the rollups and reference data as of one database snapshot. It is never changed once
// made: a refresh makes a new one, sharing the blocks that did not change.
type memState struct {
	rollupVersion int64 // rollup_writes
	dataVersion   int64 // data_version + reference_writes, as dataset.Store.Version
	ref           *reference.Snapshot
	tree          *tree
	// levels[i] holds the rows of Levels[i] by unit.
	levels  [maxLevels]map[int64]*block
	plans   *planMemo   // of this tree
	unions  *unionMemo  // of these rows
	answers *answerMemo // of these rows
}

// block is the rows of one unit at one level, column by column. The recipients and persons of PAID
// rows are kept as sorted IDs in one array when they are few (most rows), else as bitmaps
// serialised one after another in one array of bytes, decoded only when a union needs them: the
// garbage collector has no pointer to follow in either.
type block struct {
	program, group, fund []int32 // IDs, which a block keeps in 32 bits (checked as it is loaded)
	status, channel      []uint8
	period               []int32
	lines, amount        []int64
	recipients, persons  []setRef
	small                []byte // the small sets, packed (packSmall), one after another
	bitmaps              []byte // the large sets, serialised, one after another
}

// setRef finds one row's set in its block: small[from:to], or bitmaps[from:to&^bigSet] when to has
// bigSet; an empty range is no set.
type setRef struct{ from, to uint32 }

const bigSet = uint32(1) << 31

func (b *block) set(r setRef) valueSet {
	switch {
	case r.to&bigSet != 0:
		to := r.to &^ bigSet
		return valueSet{bitmap: b.bitmaps[r.from:to:to]}
	case r.from == r.to:
		return valueSet{}
	}
	return valueSet{small: b.small[r.from:r.to:r.to]}
}

// keep adds a set read from the database and returns where it is.
func (b *block) keep(raw []byte) (setRef, error) {
	bm, err := decodeCopy(raw)
	if err != nil || bm == nil || bm.IsEmpty() {
		return setRef{}, err
	}
	if bm.GetCardinality() <= smallSet {
		from := len(b.small)
		b.small = packSmall(b.small, bm.ToArray()) // in order, each once
		if len(b.small) >= int(bigSet) {
			return setRef{}, fmt.Errorf("%d bytes of small sets in one unit: more than a block holds", len(b.small))
		}
		return setRef{uint32(from), uint32(len(b.small))}, nil
	}
	bm.RunOptimize()
	buf, err := bm.ToBytes()
	if err != nil {
		return setRef{}, err
	}
	from := len(b.bitmaps)
	b.bitmaps = append(b.bitmaps, buf...)
	if len(b.bitmaps) >= int(bigSet) {
		return setRef{}, fmt.Errorf("%d bytes of bitmaps in one unit: more than a block holds", len(b.bitmaps))
	}
	return setRef{uint32(from), uint32(len(b.bitmaps)) | bigSet}, nil
}

func (b *block) append(r storedRow) error {
	var recipients, persons setRef
	if r.key.status == paidIndex {
		var err error
		if recipients, err = b.keep(r.recipients); err != nil {
			return fmt.Errorf("row %s: recipients: %w", r.key, err)
		}
		if persons, err = b.keep(r.persons); err != nil {
			return fmt.Errorf("row %s: persons: %w", r.key, err)
		}
	}
	for _, id := range []int64{r.key.program, r.key.group, r.key.fund} {
		if id < 0 || id > math.MaxInt32 {
			return fmt.Errorf("row %s: ID %d does not fit in the 32 bits rows held in memory keep", r.key, id)
		}
	}
	b.program = append(b.program, int32(r.key.program))
	b.group = append(b.group, int32(r.key.group))
	b.fund = append(b.fund, int32(r.key.fund))
	b.status = append(b.status, r.key.status)
	b.channel = append(b.channel, r.key.channel)
	b.period = append(b.period, r.key.period)
	b.lines = append(b.lines, r.cell.lines)
	b.amount = append(b.amount, r.cell.amount)
	b.recipients = append(b.recipients, recipients)
	b.persons = append(b.persons, persons)
	return nil
}

// trim moves the columns, once the block is complete, into one array of the size they need, which
// holds no pointer: the collector marks it without looking into it, and finds one object per block
// rather than one per column.
func (b *block) trim() {
	n := len(b.lines)
	// lines, amount; recipients, persons; program, group, fund, period; status, channel; the sets
	size := 2*8*n + 2*8*n + 4*4*n + 2*n + len(b.small) + len(b.bitmaps)
	words := make([]uint64, (size+7)/8)
	arena := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(words)*8)
	at := 0
	b.lines, b.amount = moveInto(arena, &at, b.lines), moveInto(arena, &at, b.amount) // 8-byte aligned first
	b.recipients, b.persons = moveInto(arena, &at, b.recipients), moveInto(arena, &at, b.persons)
	b.program, b.group = moveInto(arena, &at, b.program), moveInto(arena, &at, b.group)
	b.fund, b.period = moveInto(arena, &at, b.fund), moveInto(arena, &at, b.period)
	b.status, b.channel = moveInto(arena, &at, b.status), moveInto(arena, &at, b.channel)
	b.small, b.bitmaps = moveInto(arena, &at, b.small), moveInto(arena, &at, b.bitmaps)
	if at != size {
		panic(fmt.Sprintf("rollup: block columns take %d bytes, not %d", at, size))
	}
}

// moveInto copies the column into arena at *at, which must be aligned for T (columns are placed
// from the widest type to the narrowest), and returns the copy.
func moveInto[T int64 | int32 | uint8 | setRef](arena []byte, at *int, column []T) []T {
	if len(column) == 0 {
		return nil
	}
	out := unsafe.Slice((*T)(unsafe.Pointer(&arena[*at])), len(column))
	copy(out, column)
	*at += len(column) * int(unsafe.Sizeof(column[0]))
	return out[:len(column):len(column)]
}

func levelIndex(id int16) int {
	for i, l := range Levels {
		if l.ID == id {
			return i
		}
	}
	return -1
}

// Stats answers q from memory, with the answer Engine gives from the database.
func (r *Resident) Stats(ctx context.Context, q report.Query) (*report.Result, error) {
	const op = "rollup: stats"
	st, err := r.current(ctx)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if st == nil || q.NeedsLines() {
		// Still loading, or a question the rollups do not hold (a listing date, a kind...): the
		// engine counts it from the lines.
		return r.fallback.Stats(ctx, q)
	}
	// The rest of the answer (names of rows) uses the same reference data, and reads no version.
	ref := reference.Use(ctx, st.ref)
	q, err = report.PrepareKnown(ctx, r.db, q, ref.Known, ref.EarliestUnit)
	if err != nil {
		return nil, err
	}
	pq := st.plans.get(q, func() *plannedQuery { return newPlannedQuery(q, st.tree, st.ref) })
	if kept := st.answers.get(pq); kept != nil {
		return kept.arranged(q), nil
	}
	agg := r.aggregates.Get().(*aggregate)
	defer r.aggregates.Put(agg)
	defer agg.release()
	agg.reset(pq.p, pq.parts, st.ref.RoundOfGroup, st.unions, st.plans.periods)
	f := &pq.filter
	read := 0
	for _, rd := range pq.reads {
		blocks := st.levels[rd.level]
		for j, unit := range rd.units {
			b := blocks[unit]
			if b == nil {
				continue
			}
			read += len(b.lines)
			part := rd.parts[j]
			key := cellKey{level: Levels[rd.level].ID, unit: unit}
			for i := range b.lines {
				if !inPeriods(b.period[i], rd.periods) || !f.pass(b, i) {
					continue
				}
				key.program, key.group, key.fund = int64(b.program[i]), int64(b.group[i]), int64(b.fund[i])
				key.status, key.channel, key.period = b.status[i], b.channel[i], b.period[i]
				agg.addCell(part, key, b.lines[i], b.amount[i], b.set(b.recipients[i]), b.set(b.persons[i]))
			}
		}
	}
	if err := report.CheckRows(op, len(agg.groups)); err != nil {
		return nil, err
	}
	res := agg.result()
	if read >= r.memoRead {
		return st.answers.put(pq, res).arranged(q), nil
	}
	report.Arrange(res, q)
	return res, nil
}

// UnitsWithLines tells which of the units have payment lines, as disbursement.Reader's does (a
// ward with lines recorded in it, a district or province with lines in one of its wards), from the
// rollups held: ok is false while they are first loaded, and the database must be asked.
func (r *Resident) UnitsWithLines(ctx context.Context, ids []int64) (found map[int64]bool, ok bool, err error) {
	st, err := r.current(ctx)
	if err != nil {
		return nil, false, errs.E("rollup: units with lines", err)
	}
	if st == nil {
		return nil, false, nil
	}
	found = map[int64]bool{}
	for _, id := range ids {
		for _, l := range unitLevels {
			if b := st.levels[levelIndex(l)][id]; b != nil && slices.ContainsFunc(b.lines, func(n int64) bool { return n > 0 }) {
				found[id] = true
				break
			}
		}
	}
	return found, true, nil
}

// unitLevels are the levels that hold, without dates, the rows of a ward, of a ward's parent unit
// and of its province: every unit with lines has a row in one of them.
var unitLevels = func() []int16 {
	var out []int16
	for _, u := range []unitGrain{grainWard, grainParent, grainProvince} {
		l, ok := levelOf(u, timeAll, true)
		if !ok {
			panic("rollup: no slim level without dates for a unit grain")
		}
		out = append(out, l.ID)
	}
	return out
}()

// inPeriods is the planner's period condition (none: every period).
func inPeriods(period int32, ranges []periodRange) bool {
	if len(ranges) == 0 {
		return true
	}
	for _, pr := range ranges {
		if period >= pr.from && period <= pr.to {
			return true
		}
	}
	return false
}

// rowFilter is disbursement.Filter.LineConditions applied to rows in memory, the codes resolved
// with the reference data.
type rowFilter struct {
	sets     []idCondition
	statuses uint64 // bit per index in disbursement.Statuses; 0: any
	channels uint64 // bit per channel index (1 + index in disbursement.Channels); 0: any
}

type idCondition struct {
	column int // 0 program, 1 group, 2 fund
	ids    map[int64]bool
	few    []int64 // the ids when they are few (faster to scan than to hash); nil: look in ids
}

func (c *idCondition) has(id int64) bool {
	if c.few != nil {
		return slices.Contains(c.few, id)
	}
	return c.ids[id]
}

func newRowFilter(f disbursement.Filter, ref *reference.Snapshot) rowFilter {
	var rf rowFilter
	add := func(column int, ids map[int64]bool) {
		c := idCondition{column: column, ids: ids}
		if len(ids) <= 8 {
			c.few = make([]int64, 0, len(ids)+1) // not nil when empty: no ID passes
			for id := range ids {
				c.few = append(c.few, id)
			}
		}
		rf.sets = append(rf.sets, c)
	}
	if len(f.Programs) > 0 {
		add(0, ref.IDsWithCodes(disbursement.ProgramCode, f.Programs))
	}
	if len(f.Groups) > 0 {
		add(1, ref.IDsWithCodes(disbursement.GroupCode, f.Groups))
	}
	if len(f.Funds) > 0 {
		add(2, ref.IDsWithCodes(disbursement.FundCode, f.Funds))
	}
	if len(f.Rounds) > 0 {
		add(1, idSet(ref.GroupsOfRounds(f.Rounds)))
	}
	for column, ids := range [][]int64{f.ProgramIDs, f.GroupIDs, f.FundIDs} {
		if ids != nil {
			// As the SQL's "IN (0, ids…)": an empty list keeps the rows with no group or fund only.
			add(column, idSet(append([]int64{0}, ids...)))
		}
	}
	for _, s := range f.Statuses {
		if i, err := statusIndex(s); err == nil {
			rf.statuses |= 1 << i
		}
	}
	for _, c := range f.Channels {
		if i, err := channelIndex(&c); err == nil {
			rf.channels |= 1 << i
		}
	}
	if len(f.Statuses) > 0 && rf.statuses == 0 {
		rf.statuses = 1 << 63 // none of the statuses exists: no row passes
	}
	if len(f.Channels) > 0 && rf.channels == 0 {
		rf.channels = 1 << 63
	}
	return rf
}

func (f *rowFilter) pass(b *block, i int) bool {
	if f.statuses != 0 && f.statuses&(1<<b.status[i]) == 0 {
		return false
	}
	if f.channels != 0 && f.channels&(1<<b.channel[i]) == 0 {
		return false
	}
	for k := range f.sets {
		c := &f.sets[k]
		var id int32
		switch c.column {
		case 0:
			id = b.program[i]
		case 1:
			id = b.group[i]
		default:
			id = b.fund[i]
		}
		if !c.has(int64(id)) {
			return false
		}
	}
	return true
}

// current returns the state to answer from: the one held while it is trusted, else one brought up
// to date now; nil while every row is being loaded.
func (r *Resident) current(ctx context.Context) (*memState, error) {
	if st := r.state.Load(); st != nil && r.trusted() {
		return st, nil
	}
	if r.loading.Load() {
		return nil, nil
	}
	return r.update(ctx, false)
}

// HeldVersion returns the data version (dataset.Store.Version) of the rollups the answers come
// from: read from the database only when Stats would read it (past the staleness period, or while
// this process writes), so that what is built on the answers (the public release) is tagged with
// the version they are of, without a round trip per question.
func (r *Resident) HeldVersion(ctx context.Context) (int64, error) {
	st, err := r.current(ctx)
	if err != nil {
		return 0, errs.E("rollup: version", err)
	}
	if st == nil {
		// Still loading: answers come from the database meanwhile.
		return r.readDataVersion(ctx)
	}
	return st.dataVersion, nil
}

// trusted tells whether the state held may answer without looking at the database.
func (r *Resident) trusted() bool {
	r.clock.Lock()
	defer r.clock.Unlock()
	return r.writing == 0 && !r.checked.IsZero() && r.now().Sub(r.checked) < r.staleness
}

// Version returns the data version (dataset.Store.Version) of what the Resident holds, brought up
// to date now: the response cache keys answers with it, so that no answer is kept under a version
// newer than its data.
func (r *Resident) Version(ctx context.Context) (int64, error) {
	if r.loading.Load() {
		// Answers come from the database meanwhile.
		return r.readDataVersion(ctx)
	}
	st, err := r.update(ctx, true)
	if err != nil {
		return 0, errs.E("rollup: version", err)
	}
	return st.dataVersion, nil
}

func (r *Resident) readDataVersion(ctx context.Context) (int64, error) {
	v, err := readVersions(ctx, r.db)
	if err != nil {
		return 0, errs.E("rollup: version", err)
	}
	return v.data, nil
}

// BeginWrite tells the Resident that this process may be writing: until EndWrite, every answer
// first brings it up to date, so that a writer reads what it wrote as soon as it committed.
func (r *Resident) BeginWrite() { r.changeWriting(+1) }

// EndWrite ends what BeginWrite began.
func (r *Resident) EndWrite() { r.changeWriting(-1) }

func (r *Resident) changeWriting(n int) {
	r.clock.Lock()
	r.writing += n
	r.gen++
	r.checked = time.Time{}
	r.clock.Unlock()
}

// Warm loads every row, for a server to call as it starts; answers come from the database
// until it is done (as during any load of every row: after a rebuild, or far behind the log).
func (r *Resident) Warm(ctx context.Context) error {
	r.loading.Store(true)
	defer r.loading.Store(false)
	_, err := r.update(ctx, true)
	return err
}

// update brings the state up to date, unless (and force is false) another update made it current
// while this one waited for its turn.
func (r *Resident) update(ctx context.Context, force bool) (*memState, error) {
	r.refresh.Lock()
	defer r.refresh.Unlock()
	old := r.state.Load()
	if !force && old != nil && r.trusted() {
		return old, nil
	}
	r.clock.Lock()
	gen := r.gen
	r.clock.Unlock()
	next, full, err := r.read(ctx, old)
	if err != nil {
		return nil, err
	}
	r.state.Store(next)
	r.clock.Lock()
	// Trusted for the staleness period unless a write began or ended meanwhile; a full load took
	// long enough for writes to have happened since its snapshot: the next answer checks.
	if r.gen == gen && r.writing == 0 && !full {
		r.checked = r.now()
	} else {
		r.checked = time.Time{}
	}
	r.clock.Unlock()
	return next, nil
}

type versions struct {
	data, rollups int64
	reference     string
}

func readVersions(ctx context.Context, idb bun.IDB) (versions, error) {
	var rows []struct {
		Key   string `bun:"key"`
		Value string `bun:"value"`
	}
	var v versions
	if err := idb.NewRaw("SELECT key, value FROM dataset_info WHERE key IN ('data_version', 'reference_writes', 'rollup_writes')").
		Scan(ctx, &rows); err != nil {
		return v, err
	}
	found := 0
	for _, row := range rows {
		n, err := strconv.ParseInt(row.Value, 10, 64)
		if err != nil {
			return v, fmt.Errorf("dataset_info %s = %q: %w", row.Key, row.Value, err)
		}
		switch row.Key {
		case "rollup_writes":
			v.rollups = n
			found++
		case "reference_writes":
			v.reference = row.Value
			v.data += n
		default:
			v.data += n
		}
	}
	if found == 0 {
		return v, errs.E("rollup: versions", errs.Internal, errs.Msg("Cơ sở dữ liệu chưa được nâng cấp (thiếu rollup_writes): hãy chạy hotro migrate."))
	}
	return v, nil
}

// read makes the state of the database now from old (nil: none yet). It reports whether it read
// every row. On PostgreSQL it reads in one read-only transaction, so that versions, reference data
// and rows agree. SQLite transactions take the write lock (_txlock=immediate), so there it reads
// statement by statement: the versions first, so that rows written meanwhile are newer than the
// version they are held under, never older, and are read again with the next version's log.
func (r *Resident) read(ctx context.Context, old *memState) (next *memState, full bool, err error) {
	pg := db.DialectOf(r.db) == db.Postgres
	body := func(ctx context.Context, tx bun.IDB) error {
		v, err := readVersions(ctx, tx)
		if err != nil {
			return err
		}
		if old != nil && v.rollups == old.rollupVersion && v.reference == old.ref.Version {
			st := *old
			st.dataVersion = v.data
			next = &st
			return nil
		}
		st := &memState{rollupVersion: v.rollups, dataVersion: v.data, unions: newUnionMemo(), answers: newAnswerMemo()}
		if old != nil && v.reference == old.ref.Version {
			st.ref, st.tree, st.plans = old.ref, old.tree, old.plans
		} else {
			if st.ref, err = reference.Load(ctx, tx); err != nil {
				return err
			}
			st.tree, st.plans = newTree(st.ref), newPlanMemo()
		}
		var pairs []unitOfLevel
		full = old == nil || v.rollups < old.rollupVersion || v.rollups-old.rollupVersion > logKept-logPruneEvery
		if !full && v.rollups != old.rollupVersion {
			if pairs, err = loggedSince(ctx, tx, old.rollupVersion, v.rollups); err != nil {
				return err
			}
			for _, p := range pairs {
				if p.level == levelAll {
					full = true
				}
			}
		}
		if full {
			// Answers come from the database meanwhile, rather than waiting for every row.
			r.loading.Store(true)
			defer r.loading.Store(false)
			if pg {
				// Every row: no statement timeout for it, as a rebuild.
				if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
					return err
				}
			}
			next = st
			return loadAll(ctx, tx, st)
		}
		st.levels = old.levels
		next = st
		return loadPairs(ctx, tx, st, pairs)
	}
	if !pg {
		err = body(ctx, r.db)
		return next, full, err
	}
	err = r.db.RunInTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		return body(ctx, tx)
	})
	return next, full, err
}

// loggedSince reads the (level, unit) pairs logged after version from up to version to.
func loggedSince(ctx context.Context, tx bun.IDB, from, to int64) ([]unitOfLevel, error) {
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT level, unit_id FROM rollup_log WHERE version > ? AND version <= ?", from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unitOfLevel
	for rows.Next() {
		var level, unit int64
		if err := rows.Scan(&level, &unit); err != nil {
			return nil, err
		}
		out = append(out, unitOfLevel{int16(level), unit})
	}
	return out, rows.Err()
}

const selectRows = "SELECT " + keyColumns + ", lines, amount, recipients, persons FROM rollups"

// loadAll reads every row into st.
func loadAll(ctx context.Context, tx bun.IDB, st *memState) error {
	for i := range Levels {
		st.levels[i] = map[int64]*block{}
	}
	if err := scanRows(ctx, tx, selectRows+" ORDER BY "+keyColumns, nil, st.put); err != nil {
		return err
	}
	for _, blocks := range st.levels {
		for _, b := range blocks {
			b.trim()
		}
	}
	return nil
}

func (st *memState) put(row storedRow) error {
	i := levelIndex(row.key.level)
	if i < 0 {
		return fmt.Errorf("row %s: no such level", row.key)
	}
	b := st.levels[i][row.key.unit]
	if b == nil {
		b = &block{}
		st.levels[i][row.key.unit] = b
	}
	return b.append(row)
}

// loadPairs reads again the rows of the pairs into st, whose levels are still old's: the maps of
// the levels concerned are copied first, the blocks of the pairs dropped and made anew.
func loadPairs(ctx context.Context, tx bun.IDB, st *memState, pairs []unitOfLevel) error {
	byLevel := map[int16][]int64{}
	for _, p := range pairs {
		byLevel[p.level] = append(byLevel[p.level], p.unit)
	}
	for level, units := range byLevel {
		i := levelIndex(level)
		if i < 0 {
			continue // a level this version does not keep
		}
		copied := make(map[int64]*block, len(st.levels[i])+len(units))
		for unit, b := range st.levels[i] {
			copied[unit] = b
		}
		for _, unit := range units {
			delete(copied, unit)
		}
		st.levels[i] = copied
		const chunk = 1000
		for j := 0; j < len(units); j += chunk {
			var b strings.Builder
			fmt.Fprintf(&b, "%s WHERE level = %d AND unit_id IN (%s) ORDER BY %s", selectRows, level, joinInts(units[j:min(j+chunk, len(units))]), keyColumns)
			if err := scanRows(ctx, tx, b.String(), nil, st.put); err != nil {
				return err
			}
		}
		for _, unit := range units {
			if b := st.levels[i][unit]; b != nil {
				b.trim()
			}
		}
	}
	return nil
}
