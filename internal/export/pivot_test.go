package export_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"hotro/internal/db/dbtest"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

// TestPivotByGroup: the wide table (pivot=GROUP) holds, for every ward, the amount paid to each
// group as a recount from the lines has it, the ward's total in the last column, each group's total
// in the last row; and with a measure that does not add up across groups (people supported), the
// totals are the engine's answers, not sums of the cells.
func TestPivotByGroup(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			srv := serve(t, d, analystID, nil)
			var recount []struct {
				Ward   string `bun:"ward"`
				Group  string `bun:"grp"`
				Amount int64  `bun:"amount"`
			}
			if err := d.NewRaw(`SELECT w.code AS ward, g.code AS grp, SUM(d.amount) AS amount FROM disbursements AS d
  JOIN admin_units AS w ON w.id = d.ward_id JOIN beneficiary_groups AS g ON g.id = d.group_id
WHERE d.status = 'PAID' GROUP BY w.code, g.code`).Scan(analyst, &recount); err != nil {
				t.Fatal(err)
			}
			want := map[string]map[string]int64{}
			wardTotal, groupTotal := map[string]int64{}, map[string]int64{}
			var grand int64
			for _, r := range recount {
				if want[r.Ward] == nil {
					want[r.Ward] = map[string]int64{}
				}
				want[r.Ward][r.Group] = r.Amount
				wardTotal[r.Ward] += r.Amount
				groupTotal[r.Group] += r.Amount
				grand += r.Amount
			}
			res, body := fetch(t, srv, "/export/stats.csv?groupBy=WARD,GROUP&pivot=GROUP")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			rows := readCSV(t, body)
			header := rows[0]
			// Code, name, valid from, valid to, a column per group, the total.
			groupOf := map[int]string{}
			for i, h := range header[4 : len(header)-1] {
				code := h
				if open := strings.LastIndex(h, " ("); open >= 0 {
					code = h[open+2 : len(h)-1]
				}
				groupOf[4+i] = code
			}
			if len(groupOf) != len(groupTotal) {
				t.Errorf("%d group columns %q, the lines have %d groups", len(groupOf), header, len(groupTotal))
			}
			if header[len(header)-1] != "Tổng cộng" {
				t.Errorf("last column %q, want Tổng cộng", header[len(header)-1])
			}
			cell := func(s string) int64 {
				t.Helper()
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					t.Fatalf("cell %q is not a number", s)
				}
				return n
			}
			body1 := rows[1 : len(rows)-1]
			if len(body1) != len(want) {
				t.Errorf("%d ward rows, the lines have %d wards", len(body1), len(want))
			}
			for _, row := range body1 {
				ward := row[0]
				for col, g := range groupOf {
					if got := cell(row[col]); got != want[ward][g] {
						t.Errorf("ward %s group %s: %d, recount %d", ward, g, got, want[ward][g])
					}
				}
				if got := cell(row[len(row)-1]); got != wardTotal[ward] {
					t.Errorf("ward %s total %d, recount %d", ward, got, wardTotal[ward])
				}
			}
			total := rows[len(rows)-1]
			for col, g := range groupOf {
				if got := cell(total[col]); got != groupTotal[g] {
					t.Errorf("group %s total %d, recount %d", g, got, groupTotal[g])
				}
			}
			if got := cell(total[len(total)-1]); got != grand {
				t.Errorf("grand total %d, recount %d", got, grand)
			}

			// People supported do not add up across groups: the totals are the engine's.
			_, body = fetch(t, srv, "/export/stats.csv?groupBy=WARD,GROUP&pivot=GROUP&measure=PEOPLE_SUPPORTED&orderBy=PEOPLE_SUPPORTED&first=3")
			rows = readCSV(t, body)
			byWard, err := report.NewSQL(d).Stats(analyst, report.Query{GroupBy: []report.Dimension{report.Ward},
				Order: &report.Order{Field: report.ByPeopleSupported, Desc: true}, First: ptr(3)})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3+2 {
				t.Fatalf("%d rows, want the header, the top 3 wards and the total", len(rows))
			}
			for i, r := range byWard.Rows {
				row := rows[i+1]
				if row[0] != r.WardCode || cell(row[len(row)-1]) != r.PeopleSupported {
					t.Errorf("row %d = %s %s, want ward %s with %d people (the top 3, largest first)", i+1, row[0], row[len(row)-1], r.WardCode, r.PeopleSupported)
				}
			}
			if got := cell(rows[len(rows)-1][len(rows[0])-1]); got != byWard.Total.PeopleSupported {
				t.Errorf("people supported in all: %d, want %d", got, byWard.Total.PeopleSupported)
			}

			for _, bad := range []struct{ path, says string }{
				{"/export/stats.csv?groupBy=WARD&pivot=GROUP", "groupBy"},
				{"/export/stats.csv?groupBy=GROUP&pivot=GROUP", "chiều khác"},
				{"/export/stats.csv?groupBy=WARD,GROUP&pivot=GROUP&measure=KEY", "measure"},
				{"/export/stats.csv?groupBy=WARD,GROUP&measure=AMOUNT_PAID", "pivot"},
				{"/export/stats.csv?groupBy=WARD,GROUP&pivot=GROUPS", "pivot"},
			} {
				res, body := fetch(t, srv, bad.path)
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), bad.says) || !strings.Contains(string(body), "BAD_USER_INPUT") {
					t.Errorf("%s: %d %s, want 400 saying %q", bad.path, res.StatusCode, body, bad.says)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
