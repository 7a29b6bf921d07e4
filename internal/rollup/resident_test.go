package rollup

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// otherHandle opens the world's database again, as another process would: its own connections.
func otherHandle(t *testing.T, w *world) *bun.DB {
	t.Helper()
	ctx := context.Background()
	var target db.Target
	switch w.dialect {
	case db.Postgres:
		var schema string
		if err := w.d.NewRaw("SELECT current_schema()").Scan(ctx, &schema); err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(dbtest.PostgresURL())
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		target = db.Target{Dialect: db.Postgres, DSN: u.String()}
	default:
		var file string
		if err := w.d.NewRaw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(ctx, &file); err != nil {
			t.Fatal(err)
		}
		target = db.Target{Dialect: db.SQLite, DSN: file}
	}
	d, err := db.Open(ctx, target, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// residentQueries are the dashboard's questions and a few with every kind of filter.
func residentQueries() []report.Query {
	byKey := report.Order{Field: report.ByKey}
	two, three := 2, 3
	return []report.Query{
		{GroupBy: []report.Dimension{report.Province}},
		{GroupBy: []report.Dimension{report.District}, Filter: report.Filter{Provinces: []string{"19"}}},
		{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Districts: []string{"164"}}},
		{GroupBy: []report.Dimension{report.Ward}, Order: &report.Order{Field: report.ByAmountPaid, Desc: true}, First: &three},
		// The same sums (one plan), other orders, cuts and conditions: each its own rows.
		{GroupBy: []report.Dimension{report.Ward}, Order: &report.Order{Field: report.ByPeopleSupported}, First: &three},
		{GroupBy: []report.Dimension{report.Ward}, Order: &report.Order{Field: report.ByAmountPaid, Desc: true}, First: &three,
			Having: []report.Condition{{Measure: report.MeasureAmountPaid, Op: report.LT, Value: 5_000_000}}},
		{GroupBy: []report.Dimension{report.Ward}, Order: &report.Order{Field: report.ByKey, Desc: true}, First: &two},
		{GroupBy: []report.Dimension{report.Group, report.Month}, Filter: report.Filter{Wards: []string{"05431"}}, Order: &byKey},
		{GroupBy: []report.Dimension{report.Round, report.Status, report.Channel}, Filter: report.Filter{Districts: []string{"164"}}, Order: &byKey},
		{GroupBy: []report.Dimension{report.Week}, Filter: report.Filter{PaidFrom: datePtr("2020-05-06"), PaidTo: datePtr("2020-06-17"),
			Statuses: []disbursement.Status{disbursement.Paid}, Channels: []disbursement.Channel{disbursement.Channels[0]}}},
		{},
	}
}

// sameAsRecount wants the resident's answers equal to the SQL engine's recount over the lines, and
// the units it says have lines those that do.
func sameAsRecount(t *testing.T, w *world, res *Resident, when string) {
	t.Helper()
	ctx := analyst()
	sqlEngine := report.NewSQL(w.d)
	for i, q := range residentQueries() {
		want := canonical(t, ctx, sqlEngine, q)
		// Asked twice: the second answer may come from the sums kept (answerMemo).
		for ask := range 2 {
			got, err := res.Stats(ctx, q)
			if err != nil {
				t.Fatalf("%s: query %d: %v", when, i, err)
			}
			if d := diffResults(got, want); d != "" {
				t.Fatalf("%s: query %d (%+v), asked %d times: %s", when, i, q, ask+1, d)
			}
		}
	}
	sameUnitsWithLines(t, w, res, when)
}

// sameUnitsWithLines wants the resident to tell the units with lines as the lines do, for every
// unit (wards, districts, provinces, with lines or not).
func sameUnitsWithLines(t *testing.T, w *world, res *Resident, when string) {
	t.Helper()
	ctx := analyst()
	var ids []int64
	if err := w.d.NewRaw("SELECT id FROM admin_units ORDER BY id").Scan(ctx, &ids); err != nil {
		t.Fatal(err)
	}
	want, err := disbursement.NewReader(w.d).UnitsWithLines(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := res.UnitsWithLines(ctx, ids)
	if err != nil || !ok {
		t.Fatalf("%s: units with lines: %v (answered: %v)", when, err, ok)
	}
	if len(want) == 0 {
		t.Fatalf("%s: no unit has lines: the check would prove nothing", when)
	}
	for _, id := range ids {
		if got[id] != want[id] {
			t.Fatalf("%s: unit %d has lines: %v, the lines say %v", when, id, got[id], want[id])
		}
	}
}

// answers asks the resident the questions and returns its answers, to compare later.
func answers(t *testing.T, res *Resident) []*report.Result {
	t.Helper()
	var out []*report.Result
	for i, q := range residentQueries() {
		got, err := res.Stats(analyst(), q)
		if err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		out = append(out, got)
	}
	return out
}

func sameAnswers(a, b []*report.Result) bool {
	for i := range a {
		if diffResults(a[i], b[i]) != "" {
			return false
		}
	}
	return true
}

// TestResidentFollowsWrites writes through this process (BeginWrite/EndWrite around the writes, as
// the response cache's handler does) and through another instance (another handle on the same
// database, which this one is not told of), and wants the resident's answers equal to a recount of
// the lines at once for the first, and within the staleness period, not before it has passed, for
// the second.
//
// It runs twice: with the default answer memo (the small world's questions read too few rows to be
// kept) and keeping the sums of every question (MemoRead 1), whose answers must follow every write
// as well.
func TestResidentFollowsWrites(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		for _, memoRead := range []int{0, 1} {
			t.Run(fmt.Sprintf("%s/memoRead=%d", dialect, memoRead), func(t *testing.T) {
				t.Parallel()
				residentFollowsWrites(t, dialect, memoRead)
			})
		}
	}
}

func residentFollowsWrites(t *testing.T, dialect db.Dialect, memoRead int) {
	ctx := context.Background()
	w := newWorld(t, dialect, 5, 300, false)
	clock := &fakeClock{now: time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)}
	// This instance reads on connections of its own; the writers below use w.d.
	mine := otherHandle(t, w)
	res := NewResident(mine, reference.NewCache(mine), ResidentOptions{Staleness: time.Second, Now: clock.Now, MemoRead: memoRead})
	if err := res.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	sameAsRecount(t, w, res, "after the first load")
	r := rand.New(rand.NewPCG(21, 5))

	// This process writes: seen by the first answer after the write.
	res.BeginWrite()
	w.addLines(t, r, 120)
	if err := w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return rewrite(ctx, tx, lineIDs(t, w.d, "status = 'PAID'")[:40], func(l *disbursement.Disbursement) bool {
			setStatus(r, l, disbursement.Returned)
			return true
		})
	}); err != nil {
		t.Fatal(err)
	}
	res.EndWrite()
	sameAsRecount(t, w, res, "after this process's writes")

	// Another instance writes: the answers stay as they were while the staleness period
	// runs (nothing is read), and equal the recount once it has passed.
	before := answers(t, res)
	w.addLines(t, r, 150)
	if err := w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return rewrite(ctx, tx, lineIDs(t, w.d, "1 = 1")[:30], func(*disbursement.Disbursement) bool { return false })
	}); err != nil {
		t.Fatal(err)
	}
	clock.advance(999 * time.Millisecond)
	if !sameAnswers(before, answers(t, res)) {
		t.Fatal("the resident read the database before its staleness period ended")
	}
	clock.advance(time.Millisecond)
	sameAsRecount(t, w, res, "after another instance's writes, the staleness period over")

	// A rebuild logs every row as changed: read again whole.
	if _, err := Rebuild(ctx, w.d); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Second)
	sameAsRecount(t, w, res, "after a rebuild")
}

// TestResidentAnswersWithoutTheDatabase closes the resident's own database handle once it holds
// the rollups: within the staleness period it still answers, so a fresh answer made no round trip;
// after it, the answer fails rather than being stale.
func TestResidentAnswersWithoutTheDatabase(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	ctx := context.Background()
	w := newWorld(t, dialect, 8, 100, false)
	clock := &fakeClock{now: time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)}
	mine := otherHandle(t, w)
	res := NewResident(mine, reference.NewCache(mine), ResidentOptions{Staleness: time.Second, Now: clock.Now})
	if err := res.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := res.Stats(analyst(), residentQueries()[0]); err != nil {
		t.Fatal(err) // the first answer after a full load checks the versions
	}
	want := answers(t, res)
	mine.Close()
	clock.advance(500 * time.Millisecond)
	if got := answers(t, res); !sameAnswers(got, want) {
		t.Fatal("answers changed with the database closed")
	}
	clock.advance(500 * time.Millisecond)
	if _, err := res.Stats(analyst(), residentQueries()[0]); err == nil {
		t.Fatal("after the staleness period the resident answered without reading the versions")
	}
}

// TestResidentFarBehindLoadsAgain puts an instance more versions behind than the log keeps, pruned
// meanwhile, and wants its answers equal to the recount: it reads every row again.
func TestResidentFarBehindLoadsAgain(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	ctx := context.Background()
	w := newWorld(t, dialect, 9, 100, false)
	clock := &fakeClock{now: time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)}
	mine := otherHandle(t, w)
	res := NewResident(mine, reference.NewCache(mine), ResidentOptions{Now: clock.Now})
	if err := res.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	// Many writes elsewhere: the version moves past what the log keeps, and the writer prunes.
	if _, err := w.d.ExecContext(ctx, fmt.Sprintf("UPDATE dataset_info SET value = CAST(CAST(value AS BIGINT) + %d AS TEXT) WHERE key = 'rollup_writes'", logKept+logPruneEvery)); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 4))
	for range logPruneEvery {
		w.addLines(t, r, 1)
	}
	var logged int
	if err := w.d.NewRaw("SELECT COUNT(DISTINCT version) FROM rollup_log").Scan(ctx, &logged); err != nil {
		t.Fatal(err)
	}
	if logged > logKept {
		t.Fatalf("the log keeps %d versions, want at most %d", logged, logKept)
	}
	clock.advance(DefaultStaleness)
	sameAsRecount(t, w, res, "far behind")
}

// TestResidentConcurrentAnswersAndWrites asks questions from several goroutines while another
// instance writes and the resident catches up, under the race detector; at the end the answers equal
// the recount.
func TestResidentConcurrentAnswersAndWrites(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	ctx := context.Background()
	w := newWorld(t, dialect, 10, 100, false)
	mine := otherHandle(t, w)
	// Staleness of a nanosecond: every answer catches up, as often as it can.
	res := NewResident(mine, reference.NewCache(mine), ResidentOptions{Staleness: time.Nanosecond})
	if err := res.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			qs := residentQueries()
			for i := range 12 {
				if _, err := res.Stats(analyst(), qs[(i+g)%len(qs)]); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	r := rand.New(rand.NewPCG(6, 6))
	for range 4 {
		w.addLines(t, r, 20)
	}
	wg.Wait()
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	sameAsRecount(t, w, res, "after concurrent writes")
}

// TestPlanKeyTellsQueriesApart wants every part of a query that its plan or row filter depends on
// to change the key the plan is remembered under, a nil list and an empty one included.
func TestPlanKeyTellsQueriesApart(t *testing.T) {
	d := datePtr("2020-05-01")
	variants := map[string]report.Query{
		"none":         {},
		"groupBy":      {GroupBy: []report.Dimension{report.Ward}},
		"programs":     {Filter: report.Filter{Programs: []string{"A"}}},
		"provinces":    {Filter: report.Filter{Provinces: []string{"A"}}},
		"districts":    {Filter: report.Filter{Districts: []string{"A"}}},
		"wards":        {Filter: report.Filter{Wards: []string{"A"}}},
		"groups":       {Filter: report.Filter{Groups: []string{"A"}}},
		"funds":        {Filter: report.Filter{Funds: []string{"A"}}},
		"rounds":       {Filter: report.Filter{Rounds: []string{"A"}}},
		"statuses":     {Filter: report.Filter{Statuses: []disbursement.Status{disbursement.Paid}}},
		"channels":     {Filter: report.Filter{Channels: []disbursement.Channel{disbursement.Channels[0]}}},
		"paidFrom":     {Filter: report.Filter{PaidFrom: d}},
		"paidTo":       {Filter: report.Filter{PaidTo: d}},
		"unitsAsOf":    {UnitsAsOf: d},
		"programIDs":   {Filter: report.Filter{ProgramIDs: []int64{1}}},
		"no programs":  {Filter: report.Filter{ProgramIDs: []int64{}}},
		"groupIDs":     {Filter: report.Filter{GroupIDs: []int64{1}}},
		"fundIDs":      {Filter: report.Filter{FundIDs: []int64{1}}},
		"wardIDs":      {Filter: report.Filter{WardIDs: []int64{1}}},
		"no wards":     {Filter: report.Filter{WardIDs: []int64{}}},
		"scope":        {Scope: report.Scope{WardIDs: []int64{1}}},
		"empty scope":  {Scope: report.Scope{WardIDs: []int64{}}},
		"two wards":    {Filter: report.Filter{Wards: []string{"A", "B"}}},
		"ward AB":      {Filter: report.Filter{Wards: []string{"AB"}}},
		"ward in prov": {Filter: report.Filter{Provinces: []string{"AB"}}},
	}
	seen := map[string]string{}
	for name, q := range variants {
		k := planKey(q)
		if other, ok := seen[k]; ok {
			t.Errorf("%s and %s share the plan key %q", name, other, k)
		}
		seen[k] = name
	}
	order := report.Order{Field: report.ByKey}
	first := 3
	if planKey(report.Query{Order: &order, First: &first}) != planKey(report.Query{}) {
		t.Error("the order or page changed the plan key: a plan is the same for both")
	}
}

// TestResidentVersionReadsAfresh wants Version, which the response cache keys its answers with, to
// bring the rollups held up to date before it answers, within the staleness period too: an answer
// kept under the version it returns is never older than that version.
func TestResidentVersionReadsAfresh(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	ctx := context.Background()
	w := newWorld(t, dialect, 12, 100, false)
	clock := &fakeClock{now: time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)}
	mine := otherHandle(t, w)
	res := NewResident(mine, reference.NewCache(mine), ResidentOptions{Now: clock.Now})
	if err := res.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	before, err := res.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Another instance writes, and moves the data version as every writer does.
	w.addLines(t, rand.New(rand.NewPCG(12, 1)), 80)
	if err := dataset.NewStore(w.d).Bump(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := res.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Fatalf("version %d after another instance's write, %d before", after, before)
	}
	// No time has passed: the answers are those of the version read.
	sameAsRecount(t, w, res, "after Version, within the staleness period")
}
