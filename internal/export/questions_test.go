package export_test

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hotro/internal/beneficiary"
	"hotro/internal/db/dbtest"
	"hotro/internal/export"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

// TestExportAnswersTheAnalystsQuestions: the filters only the lines answer, KIND and INSTALMENT,
// the days to payment, having and firstWithin reach the engine from the URL, and the file shows
// the engine's answer; under a paid date range the pipeline measures are empty and the query
// sheet says why. On both databases.
func TestExportAnswersTheAnalystsQuestions(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			engine := &recorder{Engine: report.NewSQL(d)}
			srv := serve(t, d, analystID, func(c *export.Config) { c.Stats = engine })

			t.Run("kinds and instalments listed in June, with the days to payment", func(t *testing.T) {
				res, body := fetch(t, srv, "/export/stats.csv?groupBy=KIND,INSTALMENT&listedFrom=2020-06-01&listedTo=2020-06-30&daysListedToPaid=true&having=DISBURSEMENTS:GT:0")
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d: %s", res.StatusCode, body)
				}
				q, want := engine.last()
				from, to := date("2020-06-01"), date("2020-06-30")
				wantQ := report.Query{GroupBy: []report.Dimension{report.Kind, report.Instalment}, Days: true,
					Having: []report.Condition{{Measure: report.MeasureDisbursements, Op: report.GT, Value: 0}}}
				wantQ.Filter.ListedFrom, wantQ.Filter.ListedTo = from, to
				if !reflect.DeepEqual(q, wantQ) {
					t.Fatalf("the handler asked %+v\nwant             %+v", q, wantQ)
				}
				rows := readCSV(t, body)
				header := rows[0]
				if header[0] != "Mã loại đối tượng" || header[2] != "Lần chi trả" || header[len(header)-2] != "Số ngày từ lập danh sách đến chi trả: trung vị" {
					t.Fatalf("header = %q", header)
				}
				if len(rows) != len(want.Rows)+2 || len(want.Rows) < 2 {
					t.Fatalf("%d rows, want %d and the total (and at least two)", len(rows)-2, len(want.Rows))
				}
				for i, r := range want.Rows {
					got := rows[i+1]
					if got[0] != string(*r.Kind) || got[2] != strconv.Itoa(r.Instalment) {
						t.Errorf("row %d keys = %q, want %s %d", i+1, got[:4], *r.Kind, r.Instalment)
					}
					ds := r.DaysListedToPaid
					wantDays := []string{"", ""}
					if ds != nil && ds.Median != nil {
						wantDays = []string{strconv.Itoa(*ds.Median), strconv.Itoa(*ds.P90)}
					}
					if !slices.Equal(got[len(got)-2:], wantDays) {
						t.Errorf("row %d days = %q, want %q", i+1, got[len(got)-2:], wantDays)
					}
					if !sameCells(got[4:len(got)-2], measures(r.Totals)) {
						t.Errorf("row %d measures = %q, want %q", i+1, got[4:len(got)-2], measures(r.Totals))
					}
				}
				kinds := map[beneficiary.Kind]bool{}
				for _, r := range want.Rows {
					kinds[*r.Kind] = true
				}
				if !kinds[beneficiary.Person] || !kinds[beneficiary.Household] {
					t.Errorf("kinds %v: the demo data has both", kinds)
				}
			})

			t.Run("paid in June leaves the pipeline empty and says why", func(t *testing.T) {
				_, body := fetch(t, srv, "/export/stats.xlsx?groupBy=GROUP&rounds=NQ42_DOT2&paidFrom=2020-06-01&paidTo=2020-06-30")
				rows := readXLSX(t, body, []string{"Thống kê", "Truy vấn"})
				_, want := engine.last()
				total := rows[len(rows)-1]
				m := len(rows[0]) - len(viMeasures)
				if !sameCells(total[m:], measures(want.Total)) {
					t.Errorf("total = %q, want %q", total[m:], measures(want.Total))
				}
				// amountListed, amountApproved, amountReturned, amountCancelled and the paid share are empty.
				for _, i := range []int{4, 5, 6, 7, 11} {
					if m+i < len(total) && total[m+i] != "" {
						t.Errorf("column %q = %q, want empty", rows[0][m+i], total[m+i])
					}
				}
				note := querySheet(t, body, "Truy vấn")["Chỉ tiêu để trống"]
				if !strings.Contains(note, "AMOUNT_LISTED") || !strings.Contains(note, "listedFrom") {
					t.Errorf("query sheet says %q about the empty measures", note)
				}
			})

			t.Run("top 3 groups of every ward", func(t *testing.T) {
				_, body := fetch(t, srv, "/export/stats.csv?groupBy=WARD,GROUP&districts=164&orderBy=AMOUNT_PAID&firstWithin=3&within=WARD")
				rows := readCSV(t, body)
				q, want := engine.last()
				if q.FirstWithin == nil || q.FirstWithin.First != 3 || !slices.Equal(q.FirstWithin.Dimensions, []report.Dimension{report.Ward}) {
					t.Fatalf("the handler asked %+v", q.FirstWithin)
				}
				perWard := map[string]int{}
				for _, r := range rows[1 : len(rows)-1] {
					perWard[r[0]]++
				}
				for ward, n := range perWard {
					if n > 3 {
						t.Errorf("ward %s has %d rows", ward, n)
					}
				}
				if len(rows) != len(want.Rows)+2 || len(perWard) < 20 {
					t.Errorf("%d rows in %d wards, engine %d", len(rows)-2, len(perWard), len(want.Rows))
				}
			})
		})
	}
}

// TestExportRefusesBadQuestions: each new parameter says what is wrong with it.
func TestExportRefusesBadQuestions(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	srv := serve(t, d, analystID, nil)
	for _, tt := range []struct{ path, inMsg string }{
		{"/export/stats.csv?having=PAID_SHARE", "having"},
		{"/export/stats.csv?having=PAID_SHARE_OF_LISTED:LT:much", "không phải một số"},
		{"/export/stats.csv?having=NOT_A_MEASURE:LT:1", "NOT_A_MEASURE"},
		{"/export/stats.csv?within=WARD", "within chỉ dùng cùng firstWithin"},
		{"/export/stats.csv?groupBy=WARD&firstWithin=3&within=GROUP", "firstWithin"},
		{"/export/stats.csv?kinds=FAMILY", "FAMILY"},
		{"/export/stats.csv?instalments=first", "instalments"},
		{"/export/stats.csv?amountFrom=1.5", "amountFrom"},
		{"/export/stats.csv?breaksRule=yes", "breaksRule"},
		{"/export/stats.csv?dateField=CREATED_ON", "dateField"},
		{"/export/stats.csv?listedFrom=2020-06-30&listedTo=2020-06-01", "listedFrom"},
		{"/export/stats.csv?groupBy=WARD&paidFrom=2020-06-01&orderBy=AMOUNT_LISTED", "listedFrom/listedTo"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			res, body := fetch(t, srv, tt.path)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), tt.inMsg) || !strings.Contains(string(body), "BAD_USER_INPUT") {
				t.Errorf("status %d: %s; want 400 BAD_USER_INPUT saying %q", res.StatusCode, body, tt.inMsg)
			}
		})
	}
}
