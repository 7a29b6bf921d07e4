package release_test

import (
	"context"
	"fmt"
	"testing"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/release"
	"hotro/internal/report"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
)

// TestAnswersAreCellsOfTheTables: each visitor question answers the cells of one table, with the
// analyst's figures where they are published; the rest is refused with what the tables hold.
func TestAnswersAreCellsOfTheTables(t *testing.T) {
	d := seedtest.Demo(t, db.SQLite)
	ctx := context.Background()
	if _, err := rollup.EnsureBuilt(ctx, d); err != nil {
		t.Fatal(err)
	}
	e := rollup.NewEngine(d)
	p := release.NewPublisher(e, reference.NewCache(d), dataset.NewStore(d).Version, 5)
	analyst := auth.WithIdentity(ctx, &auth.Identity{Role: auth.Analyst, Username: "a"})
	day := func(s string) *civil.Date { d := civil.MustParse(s); return &d }
	q := func(f report.Filter, dims ...report.Dimension) report.Query {
		return report.Query{Filter: f, GroupBy: dims}
	}
	for _, c := range []struct {
		name string
		q    report.Query
	}{
		{"wards", q(report.Filter{}, report.Ward)},
		{"one ward by group", q(report.Filter{Wards: []string{"05431"}}, report.Group)},
		{"one group by ward", q(report.Filter{Groups: []string{"HO_NGHEO"}}, report.Ward)},
		{"one ward by month", q(report.Filter{Wards: []string{"05431"}}, report.Month)},
		{"one group by week", q(report.Filter{Groups: []string{"HO_NGHEO"}}, report.Week)},
		{"a whole week by group", q(report.Filter{PaidFrom: day("2020-05-04"), PaidTo: day("2020-05-10")}, report.Group)},
		{"a whole month by ward", q(report.Filter{PaidFrom: day("2020-05-01"), PaidTo: day("2020-05-31")}, report.Ward)},
		{"a district by ward", q(report.Filter{Districts: []string{"164"}}, report.Ward)},
		{"a ward by district", q(report.Filter{Wards: []string{"05431"}}, report.District)},
		{"by programme", q(report.Filter{}, report.Program)},
		{"one fund by ward", q(report.Filter{Funds: []string{"NSTW"}}, report.Ward)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := p.Stats(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			want, err := e.Stats(analyst, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total.Totals == nil || got.Total.Totals.Measured() != want.Total.Measured() {
				t.Errorf("total %+v, analyst %+v", got.Total.Totals, want.Total)
			}
			published := 0
			byKey := map[string]report.Totals{}
			for _, r := range want.Rows {
				byKey[key(r.Key)] = r.Totals
			}
			for _, r := range got.Rows {
				if r.Suppressed {
					continue
				}
				published++
				if w, ok := byKey[key(r.Key)]; !ok || w.Measured() != r.Totals.Measured() {
					t.Errorf("row %s: %+v, analyst %+v", key(r.Key), *r.Totals, w)
				}
			}
			if len(got.Rows) != len(want.Rows) || published == 0 {
				t.Errorf("%d rows (%d published), analyst %d", len(got.Rows), published, len(want.Rows))
			}
			// Asked again, the answer kept with the tables: the same, whatever the first visitor
			// did with theirs.
			before := fmt.Sprint(got.Total, got.Rows)
			got.Rows[0], got.Rows = report.PublicCell{}, got.Rows[1:]
			again, err := p.Stats(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if after := fmt.Sprint(again.Total, again.Rows); after != before {
				t.Errorf("asked again:\n%s\nfirst:\n%s", after, before)
			}
		})
	}
	for _, c := range []struct {
		name string
		q    report.Query
	}{
		{"days", q(report.Filter{}, report.Day)},
		{"a range of days", q(report.Filter{PaidFrom: day("2020-05-01"), PaidTo: day("2020-05-14")}, report.Ward)},
		{"half a range", q(report.Filter{PaidTo: day("2020-05-14")})},
		{"two wards", q(report.Filter{Wards: []string{"05431", "05434"}})},
		{"a ward and a district", q(report.Filter{Wards: []string{"05431"}, Districts: []string{"164"}})},
		{"group by month", q(report.Filter{Groups: []string{"HO_NGHEO"}}, report.Month)},
		{"a ward by week", q(report.Filter{Wards: []string{"05431"}}, report.Week)},
		{"group and fund", q(report.Filter{Groups: []string{"HO_NGHEO"}, Funds: []string{"NSTW"}})},
		{"two dimensions", q(report.Filter{}, report.Ward, report.Group)},
		{"statuses", q(report.Filter{Statuses: []disbursement.Status{"PAID"}})},
		{"by channel", q(report.Filter{}, report.Channel)},
		{"by round", q(report.Filter{}, report.Round)},
		{"one round", q(report.Filter{Rounds: []string{"NQ42_DOT1"}})},
	} {
		t.Run("refused: "+c.name, func(t *testing.T) {
			if _, err := p.Stats(ctx, c.q); !errs.Is(errs.Invalid, err) {
				t.Errorf("err = %v, want BAD_USER_INPUT", err)
			}
		})
	}
	if _, err := p.Stats(ctx, q(report.Filter{Wards: []string{"99999"}})); err == nil {
		t.Error("a ward code that exists nowhere was answered")
	}
}

func key(k report.Key) string {
	period := ""
	if k.Period != nil {
		period = k.Period.Label
	}
	return fmt.Sprintf("%s|%s|%s|%d|%d|%d", k.WardCode, k.DistrictCode, period, k.GroupID, k.FundID, k.ProgramID)
}
