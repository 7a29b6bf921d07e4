package rollup

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/uptrace/bun"

	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// Engine answers stats queries from the rollups, with the same answers as report.SQL gives from
// the lines: sums add up, and distinct recipients and persons are unions of the rows' bitmaps, so
// they are exact for any filter. Its cost follows the number of rollup rows read, which depends on
// the units, groups and periods asked about, not on the number of lines.
type Engine struct {
	db        bun.IDB
	reference *reference.Cache
	units     treeCache
	lineScans chan struct{} // the turns of fromLines: at most MaxLineScans at once
}

// NewEngine returns an engine reading from idb (a database, a replica pool or a transaction), with
// a reference data cache of its own.
func NewEngine(idb bun.IDB) *Engine { return NewEngineShared(idb, reference.NewCache(idb)) }

// NewEngineShared returns an engine reading from idb that takes the units, and the codes a filter
// may name, from ref, a cache shared with the rest of the server.
func NewEngineShared(idb bun.IDB, ref *reference.Cache) *Engine {
	return &Engine{db: idb, reference: ref, lineScans: make(chan struct{}, MaxLineScans)}
}

var _ report.Engine = (*Engine)(nil)

// Stats answers q.
func (e *Engine) Stats(ctx context.Context, q report.Query) (*report.Result, error) {
	const op = "rollup: stats"
	if q.NeedsLines() {
		return e.fromLines(ctx, q)
	}
	idb := e.db
	ref, err := e.reference.Get(ctx)
	if err != nil {
		return nil, errs.E(op, err)
	}
	q, err = report.PrepareKnown(ctx, idb, q, ref.Known, ref.EarliestUnit)
	if err != nil {
		return nil, err
	}
	t := e.units.get(ref)
	p := newPlanner(q, t)
	reads := p.plan()
	agg := newAggregate(p, reads, ref.RoundOfGroup)
	if len(reads) > 0 {
		query, args := p.sql(reads)
		if err := scanRows(ctx, idb, query, args, agg.add); err != nil {
			return nil, errs.E(op, err)
		}
	}
	if err := report.CheckRows(op, len(agg.groups)); err != nil {
		return nil, err
	}
	res := agg.result()
	report.Arrange(res, q)
	return res, nil
}

// groupKey identifies a result row: only the dimensions grouped by are set.
type groupKey struct {
	unitPart
	program, group, fund int64
	round                int64 // the round of the group (reference.Snapshot.RoundOfGroup)
	status, channel      uint8
	period               int32 // first day of the bucket as YYYYMMDD; 0: no paid date
}

// rowID is groupKey with the unit side named by its index in the plan's parts: no string to hash.
type rowID struct {
	part                        int32
	status, channel             uint8
	period                      int32
	program, group, fund, round int64
}

// group is one result row being added up.
type group struct {
	id     rowID
	totals report.Totals
	sets   int32 // rollup rows with sets of IDs
	first  int32 // the first of them, in aggregate.setGroups
}

// aggregate adds rollup rows up into result rows. Of the rows it keeps the sets of IDs only. The
// Resident's are pooled: reset readies one for an answer, release lets go of it.
type aggregate struct {
	p       *planner
	roundOf func(groupID int64) int64
	parts   []unitPart                // the unit sides of the rows, by index
	partOf  map[int16]map[int64]int32 // index in parts of each level's units (Engine only)
	index   map[rowID]int32           // index in groups
	// the result row of the last rollup row added
	lastID    rowID
	lastGroup int32
	lastSet   bool
	groups    []group
	// The sets of IDs of the rollup rows with some, in the order they were added, and the result
	// row of each.
	setGroups                 []int32
	setRecipients, setPersons valueSets
	unions                    *unionMemo    // distinct counts already made (nil: none)
	periods                   *periodLabels // the periods of rows already made (nil: none)

	// scratch of result
	order               []int32
	next                []int32
	recipients, persons valueSets
}

func newAggregate(p *planner, reads []*read, roundOf func(int64) int64) *aggregate {
	a := &aggregate{p: p, roundOf: roundOf, partOf: map[int16]map[int64]int32{}, index: map[rowID]int32{}}
	seen := map[unitPart]int32{}
	for _, r := range reads {
		m := make(map[int64]int32, len(r.parts))
		for unit, part := range r.parts {
			i, ok := seen[part]
			if !ok {
				i = int32(len(a.parts))
				seen[part] = i
				a.parts = append(a.parts, part)
			}
			m[unit] = i
		}
		a.partOf[r.level.ID] = m
	}
	var renumber []int32
	a.parts, renumber = sortParts(a.parts)
	for _, m := range a.partOf {
		for unit, i := range m {
			m[unit] = renumber[i]
		}
	}
	return a
}

// sortParts sorts the unit sides of rows as compareGroupKeys does, so that rows compare by the
// index of theirs, and returns where each went.
func sortParts(parts []unitPart) ([]unitPart, []int32) {
	order := make([]int32, len(parts))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		return compareGroupKeys(groupKey{unitPart: parts[x]}, groupKey{unitPart: parts[y]})
	})
	sorted := make([]unitPart, len(parts))
	renumber := make([]int32, len(parts))
	for to, from := range order {
		sorted[to] = parts[from]
		renumber[from] = int32(to)
	}
	return sorted, renumber
}

// compareRowIDs orders rows as compareGroupKeys orders their keys, the parts sorted (sortParts).
func compareRowIDs(x, y rowID) int {
	return cmp.Or(cmp.Compare(x.part, y.part),
		cmp.Compare(x.program, y.program), cmp.Compare(x.group, y.group), cmp.Compare(x.fund, y.fund), cmp.Compare(x.round, y.round),
		cmp.Compare(x.status, y.status), cmp.Compare(x.channel, y.channel), cmp.Compare(x.period, y.period))
}

func (a *aggregate) add(r storedRow) error {
	if r.cell.lines == 0 {
		return nil
	}
	part, ok := a.partOf[r.key.level][r.key.unit]
	if !ok {
		return nil // a unit the plan did not ask for (a row of a level read for other units)
	}
	var recipients, persons valueSet
	if disbursement.Statuses[r.key.status] == disbursement.Paid {
		for _, raw := range [][]byte{r.recipients, r.persons} {
			if _, err := decodeView(raw); err != nil {
				return err
			}
		}
		recipients, persons = valueSet{bitmap: r.recipients}, valueSet{bitmap: r.persons}
	}
	a.addCell(part, r.key, r.cell.lines, r.cell.amount, recipients, persons)
	return nil
}

// addCell adds one rollup row of the unit side parts[part], its sets of IDs (empty: none), into
// its result row.
func (a *aggregate) addCell(part int32, key cellKey, lines, amount int64, recipients, persons valueSet) {
	if lines == 0 {
		return
	}
	d := &a.p.flags
	k := rowID{part: part}
	if d.program {
		k.program = key.program
	}
	if d.group {
		k.group = key.group
	}
	if d.fund {
		k.fund = key.fund
	}
	if d.round {
		// Rows of the groups of one round add up into the round's row, their bitmaps unioned:
		// exact, as a group is in one round at most.
		k.round = a.roundOf(key.group)
	}
	if d.status {
		k.status = key.status
	}
	if d.channel {
		k.channel = key.channel
	}
	if a.p.bucket != "" && key.period != 0 {
		k.period = bucketStart(a.p.bucket, key.period)
	}
	// Rows come in key order within a unit, so that consecutive rows mostly add up into one row.
	gi := a.lastGroup
	if !a.lastSet || k != a.lastID {
		var ok bool
		if gi, ok = a.index[k]; !ok {
			gi = int32(len(a.groups))
			a.index[k] = gi
			a.groups = append(a.groups, group{id: k})
		}
		a.lastID, a.lastGroup, a.lastSet = k, gi, true
	}
	g := &a.groups[gi]
	t := &g.totals
	t.Disbursements += lines
	switch disbursement.Statuses[key.status] {
	case disbursement.Paid:
		t.AmountPaid += amount
		t.AmountApproved += amount
		t.AmountListed += amount
		if !recipients.empty() || !persons.empty() {
			if g.sets == 0 {
				g.first = int32(len(a.setGroups))
			}
			g.sets++
			a.setGroups = append(a.setGroups, gi)
			a.setRecipients, a.setPersons = append(a.setRecipients, recipients), append(a.setPersons, persons)
		}
	case disbursement.Approved:
		t.AmountApproved += amount
		t.AmountListed += amount
	case disbursement.Returned:
		t.AmountReturned += amount
	case disbursement.Cancelled:
		t.AmountCancelled += amount
	default:
		t.AmountListed += amount
	}
}

// release drops what a pooled aggregate points to of the answer it made: the pool keeps no state
// of the rollups alive.
func (a *aggregate) release() {
	a.p, a.parts, a.roundOf, a.unions, a.periods = nil, nil, nil, nil, nil
	clear(a.setRecipients)
	clear(a.setPersons)
	clear(a.recipients)
	clear(a.persons)
}

// reset makes a pooled aggregate ready for another answer.
func (a *aggregate) reset(p *planner, parts []unitPart, roundOf func(int64) int64, unions *unionMemo, periods *periodLabels) {
	clear(a.index)
	clear(a.setRecipients) // no set kept alive by scratch
	clear(a.setPersons)
	clear(a.recipients)
	clear(a.persons)
	a.p, a.parts, a.roundOf, a.unions, a.periods = p, parts, roundOf, unions, periods
	a.groups, a.setGroups, a.setRecipients, a.setPersons = a.groups[:0], a.setGroups[:0], a.setRecipients[:0], a.setPersons[:0]
	a.lastSet = false
}

// result counts the distinct recipients and persons of each row, and of all rows for the total.
func (a *aggregate) result() *report.Result {
	res := &report.Result{}
	order := a.order[:0]
	for i := range a.groups {
		order = append(order, int32(i))
	}
	slices.SortFunc(order, func(x, y int32) int { return compareRowIDs(a.groups[x].id, a.groups[y].id) })
	a.order = order
	// The sets of the rows with more than one, each row's together.
	var recipients, persons valueSets
	var next []int32
	multi := false
	for i := range a.groups {
		multi = multi || a.groups[i].sets > 1
	}
	if multi {
		at := int32(0)
		next = a.next[:0]
		for i := range a.groups {
			next = append(next, at)
			if n := a.groups[i].sets; n > 1 {
				at += n
			}
		}
		recipients, persons = grow(a.recipients, int(at)), grow(a.persons, int(at))
		for i, gi := range a.setGroups {
			if a.groups[gi].sets > 1 {
				recipients[next[gi]], persons[next[gi]] = a.setRecipients[i], a.setPersons[i]
				next[gi]++
			}
		}
		a.recipients, a.persons, a.next = recipients, persons, next
	}
	res.Rows = make([]report.Row, len(order))
	keys := a.keyParts(len(order))
	for i, gi := range order {
		g := &a.groups[gi]
		switch g.sets {
		case 0:
		case 1:
			g.totals.Beneficiaries = int64(a.setRecipients[g.first].count())
			g.totals.PeopleSupported = int64(a.setPersons[g.first].count())
		default:
			end := next[gi]
			g.totals.Beneficiaries = int64(a.unions.cardinality(nonEmpty(recipients[end-g.sets : end])))
			g.totals.PeopleSupported = int64(a.unions.cardinality(nonEmpty(persons[end-g.sets : end])))
		}
		t := &g.totals
		res.Total.AmountPaid += t.AmountPaid
		res.Total.AmountListed += t.AmountListed
		res.Total.AmountApproved += t.AmountApproved
		res.Total.Disbursements += t.Disbursements
		res.Total.AmountReturned += t.AmountReturned
		res.Total.AmountCancelled += t.AmountCancelled
		row := &res.Rows[i]
		a.rowKey(&row.Key, g, keys)
		row.Totals = *t
	}
	// The union of every row's sets, in the order the rows were read: the same order for the same
	// question of the same rollups, which the memo recognises.
	res.Total.Beneficiaries = int64(a.unions.cardinality(nonEmpty(a.setRecipients)))
	res.Total.PeopleSupported = int64(a.unions.cardinality(nonEmpty(a.setPersons)))
	if len(a.p.q.GroupBy) == 0 {
		// Without grouping the SQL answers one row, lines or not.
		res.Rows = []report.Row{{Totals: res.Total}}
	}
	return res
}

// nonEmpty is s without its empty sets: s itself when it has none (mostly).
func nonEmpty(s valueSets) valueSets {
	for i, v := range s {
		if v.empty() {
			out := slices.Clone(s[:i])
			for _, w := range s[i+1:] {
				if !w.empty() {
					out = append(out, w)
				}
			}
			return out
		}
	}
	return s
}

func grow(s valueSets, n int) valueSets {
	if cap(s) < n {
		return make(valueSets, n)
	}
	return s[:n]
}

// keyValues holds the values the keys of one answer's rows point to: one allocation each for all
// rows rather than one per row.
type keyValues struct {
	statuses []disbursement.Status
	channels []disbursement.Channel
	periods  []report.Period
}

func (a *aggregate) keyParts(rows int) *keyValues {
	kv := &keyValues{}
	if a.p.flags.status {
		kv.statuses = make([]disbursement.Status, 0, rows)
	}
	if a.p.flags.channel {
		kv.channels = make([]disbursement.Channel, 0, rows)
	}
	if a.p.bucket != "" {
		kv.periods = make([]report.Period, 0, rows)
	}
	return kv
}

// rowKey writes the key of the row of g into out, which is zero.
func (a *aggregate) rowKey(out *report.Key, g *group, kv *keyValues) {
	d := &a.p.flags
	k := g.id
	part := &a.parts[k.part]
	out.ProgramID, out.GroupID, out.FundID, out.RoundID = k.program, k.group, k.fund, k.round
	out.WardID, out.WardCode, out.WardSplit = part.wardID, part.wardCode, part.wardSplit
	out.DistrictID, out.DistrictCode = part.districtID, part.districtCode
	out.ProvinceID, out.ProvinceCode = part.provinceID, part.provinceCode
	out.NoDistrict = d.district && part.districtID == 0 && part.provinceID != 0
	if d.status {
		kv.statuses = append(kv.statuses, disbursement.Statuses[k.status])
		out.Status = &kv.statuses[len(kv.statuses)-1]
	}
	if d.channel && k.channel != 0 {
		kv.channels = append(kv.channels, disbursement.Channels[k.channel-1])
		out.Channel = &kv.channels[len(kv.channels)-1]
	}
	if a.p.bucket != "" && k.period != 0 {
		kv.periods = append(kv.periods, a.periods.of(a.p.bucket, k.period))
		out.Period = &kv.periods[len(kv.periods)-1]
	}
}

// bucketStart is the first day of the bucket that holds the day (YYYYMMDD), as YYYYMMDD: the
// start of report.PeriodOf, without writing its label.
func bucketStart(bucket report.Dimension, day int32) int32 {
	switch bucket {
	case report.Day:
		return day
	case report.Month:
		return day/100*100 + 1
	case report.Quarter:
		month := day / 100 % 100
		return day/10000*10000 + ((month-1)/3*3+1)*100 + 1
	case report.Year:
		return day/10000*10000 + 101
	}
	// A week, from Monday.
	d := dateOfKey(day)
	return dayKey(d.AddDays(-((int(d.Time().Weekday()) + 6) % 7)))
}

// periodLabels keeps the periods of rows already made (their labels are written with fmt), by
// bucket and first day: there are as many as days with payments at most.
type periodLabels struct {
	mu sync.Mutex
	m  map[periodOfKey]report.Period
}

type periodOfKey struct {
	bucket report.Dimension
	start  int32
}

func newPeriodLabels() *periodLabels { return &periodLabels{m: map[periodOfKey]report.Period{}} }

// of is report.PeriodOf the bucket that starts on the day start (pl nil: made now).
func (pl *periodLabels) of(bucket report.Dimension, start int32) report.Period {
	if pl == nil {
		return report.PeriodOf(bucket, dateOfKey(start))
	}
	k := periodOfKey{bucket, start}
	pl.mu.Lock()
	per, ok := pl.m[k]
	pl.mu.Unlock()
	if ok {
		return per
	}
	per = report.PeriodOf(bucket, dateOfKey(start))
	pl.mu.Lock()
	if len(pl.m) >= periodLabelsSize {
		clear(pl.m)
	}
	pl.m[k] = per
	pl.mu.Unlock()
	return per
}

const periodLabelsSize = 1 << 16

// compareGroupKeys orders rows by every part of their key, so that rows Arrange finds equal (two
// units with one code) come in the same order every time.
func compareGroupKeys(x, y groupKey) int {
	return cmp.Or(
		cmp.Compare(x.provinceCode, y.provinceCode), cmp.Compare(x.provinceID, y.provinceID),
		cmp.Compare(x.districtCode, y.districtCode), cmp.Compare(x.districtID, y.districtID),
		cmp.Compare(x.wardCode, y.wardCode), cmp.Compare(x.wardID, y.wardID), compareBool(x.wardSplit, y.wardSplit),
		cmp.Compare(x.program, y.program), cmp.Compare(x.group, y.group), cmp.Compare(x.fund, y.fund), cmp.Compare(x.round, y.round),
		cmp.Compare(x.status, y.status), cmp.Compare(x.channel, y.channel), cmp.Compare(x.period, y.period),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
