package report_test

import (
	"testing"

	"hotro/internal/civil"
	"hotro/internal/report"
)

// TestArrangePublicKeepsATimelineInOrder: public rows by week in key order keep a withheld week in
// its place (a timeline is never reordered: the withheld week of 25/05 stays between 18/05 and
// 01/06), whatever order the release tables gave them in; only an order by a measure puts
// withheld rows last, so that their rank says nothing of their value.
func TestArrangePublicKeepsATimelineInOrder(t *testing.T) {
	week := func(day string) report.Key {
		d, err := civil.Parse(day)
		if err != nil {
			t.Fatal(err)
		}
		p := report.PeriodOf(report.Week, d)
		return report.Key{Period: &p}
	}
	open := func(day string, paid int64) report.PublicCell {
		return report.PublicCell{Key: week(day), Totals: &report.Totals{AmountPaid: paid, PeopleSupported: 10}}
	}
	closed := func(day string) report.PublicCell { return report.PublicCell{Key: week(day), Suppressed: true} }
	starts := func(rows []report.PublicCell) (out []string) {
		for _, r := range rows {
			s := r.Period.Start.String()
			if r.Suppressed {
				s += "*"
			}
			out = append(out, s)
		}
		return out
	}
	rows := func() []report.PublicCell {
		// The order a set of cells may come in: withheld cells after the others.
		return []report.PublicCell{open("2020-06-08", 300), open("2020-05-18", 100), open("2020-06-01", 200), closed("2020-05-25"), closed("2020-05-04")}
	}
	tests := []struct {
		name  string
		order *report.Order
		want  []string
	}{
		{"no order", nil, []string{"2020-05-04*", "2020-05-18", "2020-05-25*", "2020-06-01", "2020-06-08"}},
		{"by key", &report.Order{Field: report.ByKey}, []string{"2020-05-04*", "2020-05-18", "2020-05-25*", "2020-06-01", "2020-06-08"}},
		{"by key, latest first", &report.Order{Field: report.ByKey, Desc: true}, []string{"2020-06-08", "2020-06-01", "2020-05-25*", "2020-05-18", "2020-05-04*"}},
		{"by amount", &report.Order{Field: report.ByAmountPaid, Desc: true}, []string{"2020-06-08", "2020-06-01", "2020-05-18", "2020-05-04*", "2020-05-25*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &report.PublicResult{Rows: rows()}
			report.ArrangePublic(res, report.Query{GroupBy: []report.Dimension{report.Week}, Order: tt.order})
			got := starts(res.Rows)
			if len(got) != len(tt.want) {
				t.Fatalf("rows %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("rows %v, want %v", got, tt.want)
				}
			}
			for _, r := range res.Rows {
				if r.Suppressed != (r.Totals == nil) {
					t.Errorf("week %s: suppressed %v with totals %v", r.Period.Start, r.Suppressed, r.Totals)
				}
			}
		})
	}
}
