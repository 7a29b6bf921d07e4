package report_test

import (
	"context"
	"fmt"
	"testing"

	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

func row(key string, beneficiaries, people int64) report.Row {
	var r report.Row
	r.WardCode = key
	r.WardID = int64(len(key))
	r.Beneficiaries, r.PeopleSupported, r.Disbursements = beneficiaries, people, beneficiaries
	r.AmountPaid = beneficiaries * 1_500_000
	return r
}

func suppressedKeys(p *report.PublicResult) []string {
	var out []string
	for _, c := range p.Rows {
		if c.Suppressed {
			out = append(out, c.WardCode)
			if c.Totals != nil {
				out = append(out, "LEAK:"+c.WardCode)
			}
		}
	}
	return out
}

func TestSuppress(t *testing.T) {
	total := func(rows ...report.Row) report.Totals {
		var t report.Totals
		for _, r := range rows {
			t.Beneficiaries += r.Beneficiaries
			t.PeopleSupported += r.PeopleSupported
			t.AmountPaid += r.AmountPaid
			t.Disbursements += r.Disbursements
		}
		return t
	}
	tests := []struct {
		name string
		rows []report.Row
		want string
	}{
		{"nothing small", []report.Row{row("A", 10, 12), row("B", 30, 31)}, "[]"},
		{"one small cell gets a complement: the smallest other", []report.Row{row("A", 3, 3), row("B", 9, 9), row("C", 50, 50)}, "[A B]"},
		{"two small cells protect each other", []report.Row{row("A", 2, 2), row("B", 4, 4), row("C", 50, 50)}, "[A B]"},
		{"few people in a household line count", []report.Row{row("A", 6, 4), row("B", 9, 9), row("C", 50, 50)}, "[A B]"},
		{"empty cells are not small", []report.Row{row("A", 0, 0), row("B", 9, 9)}, "[]"},
		{"a small total hides everything", []report.Row{row("A", 1, 1), row("B", 2, 2)}, "[A B]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &report.Result{Rows: tt.rows, Total: total(tt.rows...)}
			got := report.Suppress(res, []report.Dimension{report.Ward}, 5)
			if s := fmt.Sprint(suppressedKeys(got)); s != tt.want {
				t.Errorf("suppressed %s, want %s", s, tt.want)
			}
			if tt.name == "a small total hides everything" && (!got.Total.Suppressed || got.Total.Totals != nil) {
				t.Error("the small total is shown")
			}
		})
	}
}

// TestSuppressTwoDimensions: in a ward × group table a lone small cell in a ward's row of groups, or
// in a group's column of wards, is joined by another in that row and in that column.
func TestSuppressTwoDimensions(t *testing.T) {
	cell := func(ward, group string, n int64) report.Row {
		r := row(ward, n, n)
		r.GroupID = int64(group[0])
		return r
	}
	rows := []report.Row{
		cell("A", "x", 2), cell("A", "y", 40), cell("A", "z", 30),
		cell("B", "x", 20), cell("B", "y", 41), cell("B", "z", 31),
		cell("C", "x", 22), cell("C", "y", 42), cell("C", "z", 32),
	}
	var tot report.Totals
	for _, r := range rows {
		tot.Beneficiaries += r.Beneficiaries
		tot.PeopleSupported += r.PeopleSupported
	}
	got := report.Suppress(&report.Result{Rows: rows, Total: tot}, []report.Dimension{report.Ward, report.Group}, 5)
	bySlice := func(same func(a, b report.PublicCell) bool) {
		for _, a := range got.Rows {
			if !a.Suppressed {
				continue
			}
			n := 0
			for _, b := range got.Rows {
				if b.Suppressed && same(a, b) {
					n++
				}
			}
			if n == 1 {
				t.Errorf("cell %s/%c is the only one withheld in its slice", a.WardCode, rune(a.GroupID))
			}
		}
	}
	bySlice(func(a, b report.PublicCell) bool { return a.WardCode == b.WardCode })
	bySlice(func(a, b report.PublicCell) bool { return a.GroupID == b.GroupID })
	if !got.Rows[0].Suppressed {
		t.Error("the small cell A/x is shown")
	}
}

func TestPublicStatsOverTheDemo(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := report.NewSQL(seedtest.Demo(t, dialect))
			q := report.Query{GroupBy: []report.Dimension{report.Ward, report.Group}, Filter: report.Filter{Groups: []string{"HO_NGHEO", "CHAM_DUT_HDLD"}}}
			first := 10
			q.First = &first
			res, err := report.PublicStats(context.Background(), e, q, 5)
			if err != nil {
				t.Fatal(err)
			}
			shown, withheld := 0, 0
			for _, c := range res.Rows {
				if c.Suppressed {
					withheld++
				} else {
					shown++
				}
			}
			if len(res.Rows) != 10 {
				t.Errorf("rows = %d, want first 10", len(res.Rows))
			}
			if res.Total.Suppressed {
				t.Error("the city total is withheld")
			}
			t.Logf("shown %d, withheld %d", shown, withheld)
			// Raw stats are not for anonymous callers.
			if _, err := e.Stats(context.Background(), q); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("anonymous raw stats: err = %v, want unauthorized", err)
			}
		})
	}
}
