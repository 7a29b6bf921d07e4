package snapshot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/officialdoc"
	"hotro/internal/reference"
	"hotro/internal/release"
	"hotro/internal/report"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
	"hotro/internal/snapshot"
	"hotro/internal/vntext"
)

var (
	leader  = auth.WithIdentity(context.Background(), &auth.Identity{Role: auth.Leader, Username: "lanhdao"})
	analyst = auth.WithIdentity(context.Background(), &auth.Identity{Role: auth.Analyst, Username: "phantich"})
)

type fixture struct {
	d      *bun.DB
	ref    *reference.Cache
	engine *rollup.Engine
	svc    *snapshot.Service
}

func newFixture(t *testing.T, d *bun.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := rollup.EnsureBuilt(ctx, d); err != nil {
		t.Fatal(err)
	}
	ref := reference.NewCache(d)
	e := rollup.NewEngineShared(d, ref)
	now := func() time.Time { return time.Date(2020, 5, 20, 9, 0, 0, 0, time.UTC) }
	return &fixture{d: d, ref: ref, engine: e, svc: snapshot.NewService(d, e, ref, dataset.NewStore(d).Version, now, 5)}
}

// asJSON is an answer as the API writes it: nil and empty row lists alike.
func asJSON(t *testing.T, res *report.Result) string {
	t.Helper()
	if res.Rows == nil {
		res.Rows = []report.Row{}
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// questions are stats questions a snapshot holds, with codes from the demo data.
func questions(t *testing.T, f *fixture) map[string]report.Query {
	t.Helper()
	ctx := analyst
	ref, err := f.ref.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wards, err := f.engine.Stats(ctx, report.Query{GroupBy: []report.Dimension{report.Province, report.District, report.Ward}})
	if err != nil || len(wards.Rows) < 2 {
		t.Fatalf("wards: %v (%d rows)", err, len(wards.Rows))
	}
	groups, err := f.engine.Stats(ctx, report.Query{GroupBy: []report.Dimension{report.Program, report.Group, report.Round}})
	if err != nil || len(groups.Rows) == 0 {
		t.Fatalf("groups: %v", err)
	}
	w := wards.Rows[1]
	g := groups.Rows[0]
	program := ref.Program(g.ProgramID).Code
	group := ref.Group(g.GroupID).Code
	var round string
	for _, r := range groups.Rows {
		if r.RoundID != 0 {
			round = ref.Round(r.RoundID).Code
			break
		}
	}
	if round == "" {
		t.Fatal("the demo data has no rounds")
	}
	first := 5
	may := civil.New(2020, 5, 1)
	d := func(ds ...report.Dimension) []report.Dimension { return ds }
	return map[string]report.Query{
		"total":                  {},
		"by ward":                {GroupBy: d(report.Ward)},
		"by district":            {GroupBy: d(report.District)},
		"by province":            {GroupBy: d(report.Province)},
		"by unit path":           {GroupBy: d(report.Province, report.District, report.Ward)},
		"by group":               {GroupBy: d(report.Group)},
		"by fund":                {GroupBy: d(report.Fund)},
		"by round":               {GroupBy: d(report.Round)},
		"by month":               {GroupBy: d(report.Month)},
		"by week":                {GroupBy: d(report.Week)},
		"by programme":           {GroupBy: d(report.Program)},
		"ward by group":          {GroupBy: d(report.Ward, report.Group)},
		"group by ward":          {GroupBy: d(report.Group, report.Ward)},
		"round by month":         {GroupBy: d(report.Round, report.Month)},
		"group by week":          {GroupBy: d(report.Group, report.Week)},
		"fund by month":          {GroupBy: d(report.Fund, report.Month)},
		"programme and ward":     {GroupBy: d(report.Program, report.Ward)},
		"first round by ward":    {GroupBy: d(report.Ward), Filter: report.Filter{Rounds: []string{round}}},
		"one ward by group":      {GroupBy: d(report.Group), Filter: report.Filter{Wards: []string{w.WardCode}}},
		"one ward by month":      {GroupBy: d(report.Month), Filter: report.Filter{Wards: []string{w.WardCode}}},
		"one ward by district":   {GroupBy: d(report.District), Filter: report.Filter{Wards: []string{w.WardCode}}},
		"one district by ward":   {GroupBy: d(report.Ward), Filter: report.Filter{Districts: []string{w.DistrictCode}}},
		"one group, top 5 wards": {GroupBy: d(report.Ward), Filter: report.Filter{Groups: []string{group}}, Order: &report.Order{Field: report.ByAmountPaid, Desc: true}, First: &first},
		"programme by fund":      {GroupBy: d(report.Fund), Filter: report.Filter{Programs: []string{program}}},
		"May by ward":            {GroupBy: d(report.Ward), Filter: report.Filter{PaidFrom: &may, PaidTo: ptr(civil.New(2020, 5, 31))}},
		"May by group":           {GroupBy: d(report.Group), Filter: report.Filter{PaidFrom: &may, PaidTo: ptr(civil.New(2020, 5, 31))}},
		"group in one ward only": {Filter: report.Filter{Groups: []string{group}, Wards: []string{w.WardCode}}},
		// What Arrange derives after grouping: ranks within a group, having, shares, the new
		// measures as order fields, running totals and previous periods.
		"top 2 groups of each ward": {GroupBy: d(report.Ward, report.Group), Order: &report.Order{Field: report.ByAmountPaid, Desc: true},
			FirstWithin: &report.Within{Dimensions: d(report.Ward), First: 2}},
		"wards with returns": {GroupBy: d(report.Ward), Having: []report.Condition{{Measure: report.MeasureAmountReturned, Op: report.GT, Value: 0}}},
		"groups by share":    {GroupBy: d(report.Group), Order: &report.Order{Field: report.ByShareOfTotal, Desc: true}},
		"funds by cancelled": {GroupBy: d(report.Fund), Order: &report.Order{Field: report.ByAmountCancelled, Desc: true}},
		"group by month, paid share over a half": {GroupBy: d(report.Group, report.Month),
			Having: []report.Condition{{Measure: report.MeasurePaidShareOfListed, Op: report.GTE, Value: 0.5}}},
	}
}

func ptr[T any](v T) *T { return &v }

// changeLines corrects one paid line's amount, returns another, adds a line, and rebuilds the
// rollups as the data version moves: what happens to lines after a report.
func changeLines(t *testing.T, d *bun.DB) (corrected, returned, added int64) {
	t.Helper()
	ctx := context.Background()
	var paid []int64
	if err := d.NewRaw(`SELECT id FROM disbursements WHERE status = 'PAID' ORDER BY id`).Scan(ctx, &paid); err != nil || len(paid) < 100 {
		t.Fatalf("paid lines: %v", err)
	}
	corrected, returned = paid[0], paid[len(paid)-1]
	for _, stmt := range []string{
		fmt.Sprintf(`UPDATE disbursements SET amount = amount + 50000 WHERE id = %d`, corrected),
		fmt.Sprintf(`UPDATE disbursements SET status = 'RETURNED', status_reason = 'Người nhận đã chuyển đi' WHERE id = %d`, returned),
		fmt.Sprintf(`INSERT INTO disbursements (program_id, beneficiary_id, group_id, fund_id, ward_id, amount, people_covered, months_covered, instalment, status, listed_on)
			SELECT program_id, beneficiary_id, group_id, fund_id, ward_id, amount, people_covered, months_covered, instalment + 100, 'LISTED', listed_on FROM disbursements WHERE id = %d`, paid[len(paid)/2]),
	} {
		if _, err := d.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := d.NewRaw(`SELECT max(id) FROM disbursements`).Scan(ctx, &added); err != nil {
		t.Fatal(err)
	}
	if err := dataset.NewStore(d).Bump(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rollup.Rebuild(ctx, d); err != nil {
		t.Fatal(err)
	}
	return corrected, returned, added
}

// TestSnapshotAnswersWhatStatsAnsweredAtItsVersion: every question a snapshot holds is answered
// exactly as stats answered it when the snapshot was made, also after lines change (a correction,
// a return, a new line), when stats answers otherwise; its public figures are the live public
// figures of that version; and a diff with now names the changed lines under the cells they moved.
func TestSnapshotAnswersWhatStatsAnsweredAtItsVersion(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, d)
			qs := questions(t, f)
			want := map[string]string{}
			for name, q := range qs {
				res, err := f.engine.Stats(analyst, q)
				if err != nil {
					t.Fatalf("%s: live: %v", name, err)
				}
				want[name] = asJSON(t, res)
			}
			pub := release.NewPublisher(f.engine, f.ref, dataset.NewStore(d).Version, 5)
			publicQ := report.Query{GroupBy: []report.Dimension{report.Ward}}
			livePublic, err := pub.Stats(context.Background(), publicQ)
			if err != nil {
				t.Fatal(err)
			}

			snap, err := f.svc.Create(leader, snapshot.CreateInput{Name: "Báo cáo 123", Document: "Báo cáo số 123/BC-UBND ngày 20/05/2020"})
			if err != nil {
				t.Fatal(err)
			}
			if snap.Lines == 0 || snap.Cells == 0 || snap.CreatedBy != "lanhdao" {
				t.Fatalf("snapshot = %+v", snap)
			}
			check := func(when string, svc *snapshot.Service) {
				for name, q := range qs {
					res, err := svc.Stats(analyst, snap, q)
					if err != nil {
						t.Errorf("%s: %s: %v", when, name, err)
						continue
					}
					if got := asJSON(t, res); got != want[name] {
						t.Errorf("%s: %s:\n got %.400s\nwant %.400s", when, name, got, want[name])
					}
				}
				got, err := svc.PublicStats(context.Background(), snap, publicQ)
				if err != nil {
					t.Fatal(err)
				}
				if g, w := fmt.Sprint(publicJSON(got)), fmt.Sprint(publicJSON(livePublic)); g != w {
					t.Errorf("%s: public figures:\n got %.400s\nwant %.400s", when, g, w)
				}
			}
			check("just made", f.svc)
			corrected, returned, added := changeLines(t, d)
			total, err := f.engine.Stats(analyst, report.Query{})
			if err != nil {
				t.Fatal(err)
			}
			if asJSON(t, total) == want["total"] {
				t.Fatal("the changes did not change the live total: the test proves nothing")
			}
			// A new service reads the snapshot back from the database, not from memory.
			fresh := snapshot.NewService(d, f.engine, f.ref, dataset.NewStore(d).Version, time.Now, 5)
			check("read back after lines changed", fresh)

			diff, err := fresh.Diff(analyst, snap.ID, "now")
			if err != nil {
				t.Fatal(err)
			}
			reasons := map[int64][]snapshot.Reason{}
			for _, lc := range diff.Lines() {
				reasons[lc.ID] = lc.Reasons
			}
			wantReasons := map[int64][]snapshot.Reason{corrected: {snapshot.AmountCorrected}, returned: {snapshot.Returned}, added: {snapshot.Added}}
			if fmt.Sprint(reasons) != fmt.Sprint(wantReasons) {
				t.Errorf("changed lines = %v, want %v", reasons, wantReasons)
			}
			ref, _ := f.ref.Get(context.Background())
			cells, before, after, err := diff.Cells(report.Query{GroupBy: []report.Dimension{report.Ward}}, ref)
			if err != nil {
				t.Fatal(err)
			}
			if before.Equal(after) || len(cells) == 0 || len(cells) > 3 {
				t.Fatalf("diff by ward: %d cells, totals %+v -> %+v", len(cells), before, after)
			}
			// The returned line moved its amount from paid to returned, on both sides as stats
			// answered them (the snapshot's side read back from the database).
			var returnedAmount int64
			if err := d.NewRaw(`SELECT amount FROM disbursements WHERE id = ?`, returned).Scan(context.Background(), &returnedAmount); err != nil {
				t.Fatal(err)
			}
			liveTotal, _ := f.engine.Stats(analyst, report.Query{})
			var snapTotal report.Result
			if err := json.Unmarshal([]byte(want["total"]), &snapTotal); err != nil {
				t.Fatal(err)
			}
			if !before.Equal(snapTotal.Total) || !after.Equal(liveTotal.Total) || after.AmountReturned-before.AmountReturned != returnedAmount {
				t.Errorf("diff totals %+v -> %+v; stats answered %+v then %+v (a %d returned line)", before, after, snapTotal.Total, liveTotal.Total, returnedAmount)
			}
			if _, _, _, err := diff.Cells(report.Query{GroupBy: []report.Dimension{report.Kind}}, ref); errs.KindOf(err) != errs.Invalid {
				t.Errorf("diff by kind: err = %v, want a refusal", err)
			}
			named := map[int64]bool{}
			for _, c := range cells {
				if c.LineCount == 0 || c.LineCount != len(c.Lines) {
					t.Errorf("ward %s changed (%+v -> %+v) with %d lines named", c.Key.WardCode, c.Before, c.After, c.LineCount)
				}
				for _, l := range c.Lines {
					named[l.ID] = true
					w := l.After
					if w == nil {
						w = l.Before
					}
					if w.WardID != c.Key.WardID {
						t.Errorf("line %d of ward %d is named under ward %s", l.ID, w.WardID, c.Key.WardCode)
					}
				}
			}
			for id := range wantReasons {
				if !named[id] {
					t.Errorf("line %d is named under no changed ward", id)
				}
			}
		})
	}
}

func publicJSON(res *report.PublicResult) string {
	b, _ := json.Marshal(res)
	return string(b)
}

// TestSnapshotRefusesWhatItDoesNotHold: questions whose rows are not stored cells are refused with
// a message saying what a snapshot holds, never answered another way.
func TestSnapshotRefusesWhatItDoesNotHold(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	f := newFixture(t, seedtest.Demo(t, dialect))
	wards, err := f.engine.Stats(analyst, report.Query{GroupBy: []report.Dimension{report.Ward}})
	if err != nil {
		t.Fatal(err)
	}
	// The shared demo database is read only: the snapshot is built in memory here.
	ref, _ := f.ref.Get(context.Background())
	v, _ := dataset.NewStore(f.d).Version(context.Background())
	figs, err := snapshot.Build(context.Background(), f.engine, f.d, ref, v)
	if err != nil {
		t.Fatal(err)
	}
	d := func(ds ...report.Dimension) []report.Dimension { return ds }
	asOf := civil.New(2025, 7, 1)
	from, to := civil.New(2020, 5, 1), civil.New(2020, 5, 10)
	for name, q := range map[string]report.Query{
		"by status":           {GroupBy: d(report.Status)},
		"by day":              {GroupBy: d(report.Day)},
		"two wards":           {Filter: report.Filter{Wards: []string{wards.Rows[0].WardCode, wards.Rows[1].WardCode}}},
		"ward by group month": {GroupBy: d(report.Ward, report.Group, report.Month)},
		"ward in month by wk": {GroupBy: d(report.Week), Filter: report.Filter{PaidFrom: &from, PaidTo: ptr(civil.New(2020, 5, 31))}},
		"a range of days":     {GroupBy: d(report.Ward), Filter: report.Filter{PaidFrom: &from, PaidTo: &to}},
		"units as of":         {GroupBy: d(report.Ward), UnitsAsOf: &asOf},
		"statuses":            {Filter: report.Filter{Statuses: []disbursement.Status{disbursement.Paid}}},
	} {
		_, err := figs.Stats(q, ref)
		if errs.KindOf(err) != errs.Invalid {
			t.Errorf("%s: err = %v, want a refusal", name, err)
			continue
		}
		if name != "by day" && !strings.Contains(errs.Message(err), "Bản số liệu chính thức lưu") && !strings.Contains(errs.Message(err), "Số liệu chính thức") {
			t.Errorf("%s: message %q does not say what a snapshot holds", name, errs.Message(err))
		}
	}
	// What only the lines answer is refused, naming the argument, whichever the question.
	amount := int64(1_000_000)
	for name, c := range map[string]struct {
		q    report.Query
		says string
	}{
		"listed from":         {report.Query{Filter: report.Filter{LineFilter: disbursement.LineFilter{ListedFrom: &from}}}, "listedFrom"},
		"approved to":         {report.Query{GroupBy: d(report.Ward), Filter: report.Filter{LineFilter: disbursement.LineFilter{ApprovedTo: &to}}}, "approvedFrom/approvedTo"},
		"kinds":               {report.Query{Filter: report.Filter{LineFilter: disbursement.LineFilter{Kinds: []beneficiary.Kind{beneficiary.Household}}}}, "kinds"},
		"instalments":         {report.Query{GroupBy: d(report.Group), Filter: report.Filter{LineFilter: disbursement.LineFilter{Instalments: []int{1}}}}, "instalments"},
		"amount from":         {report.Query{Filter: report.Filter{LineFilter: disbursement.LineFilter{AmountFrom: &amount}}}, "amountFrom"},
		"amount to":           {report.Query{Filter: report.Filter{LineFilter: disbursement.LineFilter{AmountTo: &amount}}}, "amountTo"},
		"breaks rule":         {report.Query{Filter: report.Filter{LineFilter: disbursement.LineFilter{BreaksRule: true}}}, "breaksRule"},
		"by kind":             {report.Query{GroupBy: d(report.Kind)}, "KIND"},
		"ward by instalment":  {report.Query{GroupBy: d(report.Ward, report.Instalment)}, "INSTALMENT"},
		"month listed":        {report.Query{GroupBy: d(report.Month), DateField: report.ListedOn}, "LISTED_ON"},
		"approved, no bucket": {report.Query{DateField: report.ApprovedOn}, "APPROVED_ON"},
		"days":                {report.Query{GroupBy: d(report.Ward), Days: true}, "daysListedToPaid"},
		"having days":         {report.Query{GroupBy: d(report.Group), Having: []report.Condition{{Measure: report.MeasureDaysListedToPaidMedian, Op: report.GT, Value: 10}}}, "daysListedToPaid"},
		"ordered by days":     {report.Query{GroupBy: d(report.Group), Order: &report.Order{Field: report.ByDaysP90}}, "daysListedToPaid"},
		// A line-only argument beside one the snapshot holds is refused all the same.
		"one ward, households": {report.Query{GroupBy: d(report.Month), Filter: report.Filter{Wards: []string{wards.Rows[0].WardCode},
			LineFilter: disbursement.LineFilter{Kinds: []beneficiary.Kind{beneficiary.Person}}}}, "kinds"},
	} {
		_, err := figs.Stats(c.q, ref)
		if errs.KindOf(err) != errs.Invalid || !strings.Contains(errs.Message(err), c.says) || !strings.Contains(errs.Message(err), "Bản số liệu chính thức lưu") {
			t.Errorf("%s: err = %v, want a refusal naming %s and saying what a snapshot holds", name, err, c.says)
		}
		if _, _, err := figs.Provenance(c.q, ref); errs.KindOf(err) != errs.Invalid {
			t.Errorf("%s: provenance err = %v, want the same refusal", name, err)
		}
	}
	// Provenance answers with the rows of stats, in their order, each with its own lines.
	for name, q := range map[string]report.Query{
		"groups by amount":  {GroupBy: d(report.Group), Order: &report.Order{Field: report.ByAmountPaid, Desc: true}},
		"one ward by month": {GroupBy: d(report.Month), Filter: report.Filter{Wards: []string{wards.Rows[0].WardCode}}},
	} {
		res, err := figs.Stats(q, ref)
		if err != nil {
			t.Fatal(err)
		}
		total, rows, err := figs.Provenance(q, ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(res.Rows) || len(rows) == 0 {
			t.Fatalf("%s: %d rows of provenance, %d of stats", name, len(rows), len(res.Rows))
		}
		all := append([]snapshot.Traced{total}, rows...)
		for i, tr := range all {
			if i > 0 && rowJSON(tr.Row) != rowJSON(res.Rows[i-1]) {
				t.Errorf("%s: row %d is %v, stats says %v", name, i, tr.Row, res.Rows[i-1])
			}
			ids := tr.LineIDs(1 << 30)
			if int64(len(ids)) != tr.Lines || tr.Lines != tr.Row.Disbursements || snapshot.LineDigest(ids) != tr.LineDigest {
				t.Errorf("%s: row %d: %d lines (%d disbursements) digest %s; its lines are %d, digest %s", name, i, tr.Lines, tr.Row.Disbursements, tr.LineDigest, len(ids), snapshot.LineDigest(ids))
			}
		}
		if rowJSON(total.Row) != rowJSON(report.Row{Totals: res.Total}) {
			t.Errorf("%s: total %+v, stats %+v", name, total.Row.Totals, res.Total)
		}
	}
	// Every cell's provenance is its lines: their count and the digest of their IDs.
	for _, c := range figs.Cells(0, d(report.Province, report.District, report.Ward))[:3] {
		var ids []int64
		if err := f.d.NewRaw(`SELECT id FROM disbursements WHERE ward_id = ?`, c.Key.WardID).Scan(context.Background(), &ids); err != nil {
			t.Fatal(err)
		}
		if int64(len(ids)) != c.Lines || snapshot.LineDigest(ids) != c.LineDigest {
			t.Errorf("ward %s: %d lines %s, its lines are %d %s", c.Key.WardCode, c.Lines, c.LineDigest, len(ids), snapshot.LineDigest(ids))
		}
	}
}

// TestSnapshotsNeverChange: only leaders and admins make and withdraw snapshots; a snapshot is
// withdrawn once with a reason; the database refuses any edit or deletion of its figures.
func TestSnapshotsNeverChange(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, d)
			in := snapshot.CreateInput{Name: "Báo cáo 123", Document: "Báo cáo số 123/BC-UBND ngày 20/05/2020"}
			officer := auth.WithIdentity(context.Background(), &auth.Identity{Role: auth.WardOfficer, Username: "phuong", WardIDs: []int64{1}})
			for name, ctx := range map[string]context.Context{"analyst": analyst, "ward officer": officer, "visitor": context.Background()} {
				if _, err := f.svc.Create(ctx, in); errs.KindOf(err) != errs.Permission && errs.KindOf(err) != errs.Unauthorized {
					t.Errorf("%s made a snapshot: %v", name, err)
				}
			}
			if _, err := f.svc.Create(leader, snapshot.CreateInput{Name: "  ", Document: "x"}); errs.KindOf(err) != errs.Invalid {
				t.Errorf("no name: %v", err)
			}
			snap, err := f.svc.Create(leader, in)
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, f, snap)
			checkAllocationsFrozen(t, f, snap)
			if _, err := f.svc.Stats(officer, snap, report.Query{}); errs.KindOf(err) != errs.Permission {
				t.Errorf("a ward officer read every ward of a snapshot: %v", err)
			}
			if _, err := f.svc.Withdraw(leader, snap.ID, " "); errs.KindOf(err) != errs.Invalid {
				t.Errorf("withdrawn without a reason: %v", err)
			}
			if _, err := f.svc.Withdraw(analyst, snap.ID, "sai"); errs.KindOf(err) != errs.Permission {
				t.Errorf("an analyst withdrew: %v", err)
			}
			ctx := context.Background()
			for _, stmt := range []string{
				`UPDATE snapshot_cells SET amount_paid = amount_paid + 1`,
				`DELETE FROM snapshot_lines`,
				`UPDATE snapshots SET name = 'Báo cáo 124'`,
				`DELETE FROM snapshots`,
			} {
				if _, err := d.ExecContext(ctx, stmt); err == nil {
					t.Errorf("%s: the database allowed it", stmt)
				}
			}
			if _, err := f.svc.Create(leader, snapshot.CreateInput{Name: strings.Repeat("Báo cáo ", 30), Document: "x"}); errs.KindOf(err) != errs.Invalid {
				t.Errorf("a name of 240 characters: %v", err)
			}
			// Eight withdrawals at once: one is recorded, the others are told it was withdrawn.
			results := make(chan error, 8)
			for i := range 8 {
				go func() {
					_, err := f.svc.Withdraw(leader, snap.ID, fmt.Sprintf("Số liệu phường Quán Triều nhập sai (%d)", i))
					results <- err
				}()
			}
			var ok, conflicts int
			for range 8 {
				switch err := <-results; errs.KindOf(err) {
				case errs.Other:
					if err == nil {
						ok++
					} else {
						t.Errorf("a withdrawal at once with others: %v", err)
					}
				case errs.Conflict:
					conflicts++
				default:
					t.Errorf("a withdrawal at once with others: %v", err)
				}
			}
			if ok != 1 || conflicts != 7 {
				t.Errorf("8 withdrawals at once: %d recorded, %d conflicts; want 1 and 7", ok, conflicts)
			}
			w, err := f.svc.Get(analyst, snap.ID)
			if err != nil {
				t.Fatal(err)
			}
			if w.Official() || !strings.HasPrefix(*w.WithdrawnReason, "Số liệu phường Quán Triều nhập sai") || *w.WithdrawnBy != "lanhdao" {
				t.Errorf("withdrawn = %+v", w)
			}
			if _, err := f.svc.Withdraw(leader, snap.ID, "lần nữa"); errs.KindOf(err) != errs.Conflict {
				t.Errorf("withdrawn twice: %v", err)
			}
			if _, err := d.ExecContext(ctx, `UPDATE snapshots SET withdrawn_reason = 'khác'`); err == nil {
				t.Error("the reason of a withdrawal was edited")
			}
			if _, err := f.svc.PublicStats(ctx, w, report.Query{}); errs.KindOf(err) != errs.NotFound {
				t.Errorf("a withdrawn snapshot answered the public: %v", err)
			}
			if _, err := f.svc.Latest(ctx); errs.KindOf(err) != errs.NotFound {
				t.Errorf("latest official after the only one was withdrawn: %v", err)
			}
			var events int
			if err := d.NewRaw(`SELECT count(*) FROM audit_events WHERE entity = 'snapshot'`).Scan(ctx, &events); err != nil || events != 2 {
				t.Errorf("audit events = %d, %v; want the making and the withdrawal", events, err)
			}
		})
	}
}

// checkReport writes the signed report of a snapshot as PDF and reads its text back with
// pdftotext: the snapshot's totals and a ward's amount are there in Vietnamese number format.
func checkReport(t *testing.T, f *fixture, snap *snapshot.Snapshot) {
	t.Helper()
	in := snapshot.ReportInput{ParentBody: "UBND TỈNH THÁI NGUYÊN", IssuingBody: "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ THÁI NGUYÊN", Place: "Thái Nguyên",
		Signer: officialdoc.Signer{Authority: "TM. ỦY BAN NHÂN DÂN", Position: "CHỦ TỊCH", Name: "Nguyễn Văn A"}}
	if _, err := f.svc.Report(analyst, snap, in); errs.KindOf(err) != errs.Permission {
		t.Errorf("an analyst wrote the signed report: %v", err)
	}
	r, err := f.svc.Report(leader, snap, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Number != "123/BC-UBND" || r.Date.Format("2006-01-02") != "2020-05-20" {
		t.Errorf("number %q, date %s: not those of the document %q", r.Number, r.Date, snap.Document)
	}
	path := filepath.Join(t.TempDir(), "bao-cao.pdf")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := officialdoc.WritePDF(out, r); err != nil {
		t.Fatal(err)
	}
	out.Close()
	text, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	figs, err := f.svc.Figures(analyst, snap)
	if err != nil {
		t.Fatal(err)
	}
	total := figs.Total()
	ward := figs.Cells(0, []report.Dimension{report.Province, report.District, report.Ward})[0]
	for what, n := range map[string]int64{"amount paid": total.AmountPaid, "people": total.PeopleSupported, "recipients": total.Beneficiaries, "a ward's amount": ward.Totals.AmountPaid} {
		if !strings.Contains(string(text), vntext.Number(n)) {
			t.Errorf("the PDF does not hold the %s %s", what, vntext.Number(n))
		}
	}
	if !strings.Contains(string(text), "123/BC-UBND") {
		t.Error("the PDF does not hold the document's number")
	}
}

// checkAllocationsFrozen: the funds' allocations change after a snapshot (a new decision); the
// report from the snapshot, read back from the database, keeps the allocations it was made with.
func checkAllocationsFrozen(t *testing.T, f *fixture, snap *snapshot.Snapshot) {
	t.Helper()
	ctx := context.Background()
	in := snapshot.ReportInput{IssuingBody: "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ THÁI NGUYÊN", Place: "Thái Nguyên",
		Signer: officialdoc.Signer{Authority: "TM. ỦY BAN NHÂN DÂN", Position: "CHỦ TỊCH", Name: "Nguyễn Văn A"}}
	before, err := f.svc.Report(leader, snap, in)
	if err != nil {
		t.Fatal(err)
	}
	allocated := 0
	for _, u := range before.Figures.Funds {
		if u.Allocated != nil {
			allocated++
		}
	}
	if allocated == 0 {
		t.Fatal("no fund of the report has an allocation: the test needs one")
	}
	if _, err := f.d.ExecContext(ctx, "UPDATE funds SET allocated = allocated + 1000000000"); err != nil {
		t.Fatal(err)
	}
	if err := dataset.NewStore(f.d).Bump(ctx); err != nil {
		t.Fatal(err)
	}
	later := newFixture(t, f.d) // nothing of the snapshot in memory: read back from the database
	after, err := later.svc.Report(leader, snap, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Figures.Funds) != len(before.Figures.Funds) {
		t.Fatalf("%d funds after, %d before", len(after.Figures.Funds), len(before.Figures.Funds))
	}
	for i, u := range after.Figures.Funds {
		b := before.Figures.Funds[i]
		if (u.Allocated == nil) != (b.Allocated == nil) || (u.Allocated != nil && *u.Allocated != *b.Allocated) {
			t.Errorf("fund %s: allocation %v after the change, %v in the snapshot", u.Name, ptrText(u.Allocated), ptrText(b.Allocated))
		}
	}
	ref, err := later.ref.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range later.mustFigures(t, snap).Cells(0, []report.Dimension{report.Fund}) {
		was, _ := later.mustFigures(t, snap).Allocated(c.Key.FundID)
		if x := ref.Fund(c.Key.FundID); x == nil || x.Allocated != was+1000000000 {
			t.Errorf("fund %d: the reference data does not show the new allocation", c.Key.FundID)
		}
	}
}

func (f *fixture) mustFigures(t *testing.T, snap *snapshot.Snapshot) *snapshot.Figures {
	t.Helper()
	figs, err := f.svc.Figures(analyst, snap)
	if err != nil {
		t.Fatal(err)
	}
	return figs
}

func ptrText(v *int64) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprint(*v)
}

func rowJSON(r report.Row) string {
	b, _ := json.Marshal(r)
	return string(b)
}
