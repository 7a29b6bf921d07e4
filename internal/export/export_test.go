package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/export"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/release"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

// now is the clock of the tests: 27 November 2026, 09:30 in Hanoi.
var now = time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC)

// analyst is who the tests ask the reference engine as: a signed-in analyst sees every ward.
var (
	analystID = &auth.Identity{Role: auth.Analyst, Username: "test-analyst"}
	analyst   = auth.WithIdentity(context.Background(), analystID)
)

// serve starts the export handler over d on a loopback port, for requests made by id (as the sign-in
// middleware would name them): the reference SQL engine, every ward, the clock of the tests, as
// change leaves them.
func serve(t *testing.T, d *bun.DB, id *auth.Identity, change func(*export.Config)) *httptest.Server {
	t.Helper()
	c := export.Config{
		Stats:    report.NewSQL(d),
		Units:    adminunit.NewStore(d),
		Programs: program.NewStore(d),
		Funds:    fund.NewStore(d),
		Dataset:  dataset.NewStore(d),
		Scope:    func(*http.Request) (report.Scope, error) { return report.Scope{}, nil },
		Classify: db.Classify,
		Now:      func() time.Time { return now },
	}
	if change != nil {
		change(&c)
	}
	h := export.NewHandler(c)
	mux := http.NewServeMux()
	mux.Handle("/export/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), id)))
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func fetch(t *testing.T, srv *httptest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// sheet is a downloaded file read back: the header row, then the rows, each cell as text (numbers
// as plain integers, dates as YYYY-MM-DD).
type sheet [][]string

func readCSV(t *testing.T, body []byte) sheet {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("CSV does not start with the UTF-8 BOM: % x", body[:min(len(body), 3)])
	}
	if n, crlf := bytes.Count(rest, []byte("\n")), bytes.Count(rest, []byte("\r\n")); n != crlf || n == 0 {
		t.Errorf("CSV has %d line ends of which %d are CRLF", n, crlf)
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readXLSX reads the first sheet and checks that measures are numeric cells, VND ones with the
// đồng format, and that the header is bold and frozen.
func readXLSX(t *testing.T, body []byte, wantSheets []string) sheet {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Errorf("sheets = %q, want %q", got, wantSheets)
	}
	name := wantSheets[0]
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	panes, err := f.GetPanes(name)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v; want the header row frozen", panes, err)
	}
	style := func(cell string) *excelize.Style {
		id, err := f.GetCellStyle(name, cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := style("A1"); s.Font == nil || !s.Font.Bold {
		t.Error("header is not bold")
	}
	for r := 2; r <= len(rows); r++ {
		for c, header := range rows[0] {
			cell, _ := excelize.CoordinatesToCellName(c+1, r)
			typ, err := f.GetCellType(name, cell)
			if err != nil {
				t.Fatal(err)
			}
			s := style(cell)
			switch {
			case strings.HasSuffix(header, "(đồng)") || strings.HasSuffix(header, "(VND)"):
				if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Fatalf("%s (%s) is of type %v, want a number", cell, header, typ)
				}
				if s.CustomNumFmt == nil || *s.CustomNumFmt != `#,##0 "₫"` {
					t.Fatalf("%s (%s) has format %+v, want #,##0 \"₫\"", cell, header, s.CustomNumFmt)
				}
			case slices.Contains(countHeaders, header):
				if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Fatalf("%s (%s) is of type %v, want a number", cell, header, typ)
				}
				if s.NumFmt != 3 {
					t.Fatalf("%s (%s) has format %d, want 3 (#,##0)", cell, header, s.NumFmt)
				}
			case header == "Từ ngày" || header == "Đến ngày" || header == "From" || header == "To":
				if v := rows[r-1][c]; v != "" {
					serial, err := strconv.ParseFloat(v, 64)
					if err != nil {
						t.Fatalf("%s (%s) = %q, want a date serial number", cell, header, v)
					}
					d, _ := excelize.ExcelDateToTime(serial, false)
					rows[r-1][c] = d.Format(time.DateOnly)
				}
			}
		}
	}
	return rows
}

var countHeaders = []string{"Số người được hỗ trợ", "Số đối tượng", "Số dòng chi trả", "People supported", "Beneficiaries", "Disbursements"}

func date(s string) *civil.Date { d := civil.MustParse(s); return &d }
func intp(n int) *int           { return &n }

var (
	viMeasures = []string{"Số tiền đã chi (đồng)", "Số người được hỗ trợ", "Số đối tượng", "Số dòng chi trả",
		"Số tiền trong danh sách (đồng)", "Số tiền đã phê duyệt (đồng)",
		"Số tiền bị trả lại (đồng)", "Số tiền đã huỷ (đồng)", "Bình quân mỗi đối tượng (đồng)", "Bình quân mỗi người (đồng)",
		"Tỷ trọng trong tổng số đã chi", "Tỷ lệ đã chi trên danh sách"}
	enMeasures = []string{"Amount paid (VND)", "People supported", "Beneficiaries", "Disbursements",
		"Amount listed (VND)", "Amount approved (VND)",
		"Amount returned (VND)", "Amount cancelled (VND)", "Average per recipient (VND)", "Average per person (VND)",
		"Share of total paid", "Paid share of listed"}
)

// sameCells compares measure cells: shares (decimals) to 12 places, as XLSX keeps 15 significant
// digits; the rest exactly; empty cells at the end of an XLSX row are not stored.
func sameCells(got, want []string) bool {
	for len(got) < len(want) && want[len(got)] == "" {
		got = append(got[:len(got):len(got)], "") // XLSX rows end at their last value
	}
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] == want[i] {
			continue
		}
		g, errG := strconv.ParseFloat(got[i], 64)
		w, errW := strconv.ParseFloat(want[i], 64)
		if errG != nil || errW != nil || !strings.Contains(want[i], ".") || math.Abs(g-w) > 1e-12 {
			return false
		}
	}
	return true
}

// measures are the cells a file shows for the totals: the six, then returned, cancelled, the
// averages (rounded to the đồng) and the shares; empty where a measure has no value.
func measures(t report.Totals) []string {
	var out []string
	for _, v := range []int64{t.AmountPaid, t.PeopleSupported, t.Beneficiaries, t.Disbursements, t.AmountListed, t.AmountApproved,
		t.AmountReturned, t.AmountCancelled} {
		out = append(out, strconv.FormatInt(v, 10))
	}
	for i, m := range []report.Measure{report.MeasureAmountListed, report.MeasureAmountApproved} {
		if t.Undefined.Has(m) {
			out[4+i] = ""
		}
	}
	for i, m := range []report.Measure{report.MeasureAmountReturned, report.MeasureAmountCancelled} {
		if t.Undefined.Has(m) {
			out[6+i] = ""
		}
	}
	average := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(int64(math.Round(float64(t.AmountPaid)/float64(n))), 10)
	}
	share := func(part, whole int64, undefined bool) string {
		if whole == 0 || undefined {
			return ""
		}
		return strconv.FormatFloat(float64(part)/float64(whole), 'f', -1, 64)
	}
	shareOfTotal := ""
	if t.ShareOfTotal != nil {
		shareOfTotal = strconv.FormatFloat(*t.ShareOfTotal, 'f', -1, 64)
	}
	return append(out, average(t.Beneficiaries), average(t.PeopleSupported), shareOfTotal,
		share(t.AmountPaid, t.AmountListed, t.Undefined.Has(report.MeasurePaidShareOfListed)))
}

// Every figure of the file equals the reference engine's answer to the same query, in the same
// order, and the last row is the total over the whole filter; on both databases, in both formats.
func TestExportEqualsTheReport(t *testing.T) {
	firstRound := []string{"NGUOI_CO_CONG", "BAO_TRO_XA_HOI", "HO_NGHEO", "HO_CAN_NGHEO"}
	tests := []struct {
		name  string
		query string       // URL parameters
		want  report.Query // the same question, asked of the engine directly
		// headers are the columns before the measures.
		headers []string
		en      bool
		formats []string // the files to check: each one costs a query, slow on SQLite under -race
	}{
		{"first round by ward",
			"groupBy=WARD&groups=" + strings.Join(firstRound, ",") + "&paidTo=2020-05-31",
			report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Groups: firstRound, PaidTo: date("2020-05-31")}},
			[]string{"Mã phường/xã", "Phường/xã", "Hiệu lực từ", "Hiệu lực đến"}, false, []string{"csv", "xlsx"}},
		{"pipeline by group and status",
			"groupBy=GROUP,STATUS",
			report.Query{GroupBy: []report.Dimension{report.Group, report.Status}},
			[]string{"Mã nhóm đối tượng", "Nhóm đối tượng", "Mã trạng thái", "Trạng thái"}, false, []string{"xlsx"}},
		{"monthly series for 2020",
			"groupBy=MONTH&paidFrom=2020-01-01&paidTo=2020-12-31",
			report.Query{GroupBy: []report.Dimension{report.Month}, Filter: report.Filter{PaidFrom: date("2020-01-01"), PaidTo: date("2020-12-31")}},
			[]string{"Tháng", "Từ ngày", "Đến ngày"}, false, []string{"csv"}},
		{"top 5 wards by amount paid",
			"groupBy=WARD&orderBy=AMOUNT_PAID&first=5",
			report.Query{GroupBy: []report.Dimension{report.Ward}, Order: &report.Order{Field: report.ByAmountPaid, Desc: true}, First: intp(5)},
			[]string{"Mã phường/xã", "Phường/xã", "Hiệu lực từ", "Hiệu lực đến"}, false, []string{"xlsx"}},
		{"fewest people first",
			"groupBy=GROUP&orderBy=PEOPLE_SUPPORTED&direction=ASC&programs=NQ42-2020",
			report.Query{GroupBy: []report.Dimension{report.Group}, Order: &report.Order{Field: report.ByPeopleSupported}, Filter: report.Filter{Programs: []string{"NQ42-2020"}}},
			[]string{"Mã nhóm đối tượng", "Nhóm đối tượng"}, false, []string{"csv"}},
		{"under the 2025 units",
			"groupBy=WARD&unitsAsOf=2025-07-01",
			report.Query{GroupBy: []report.Dimension{report.Ward}, UnitsAsOf: date("2025-07-01")},
			[]string{"Mã phường/xã", "Phường/xã", "Hiệu lực từ", "Hiệu lực đến", "Đã chia tách thành"}, false, []string{"xlsx"}},
		{"week and channel, parameters repeated",
			"groupBy=WEEK&groupBy=CHANNEL&statuses=PAID&channels=CASH_AT_WARD&channels=BANK",
			report.Query{GroupBy: []report.Dimension{report.Week, report.Channel}, Filter: report.Filter{
				Statuses: []disbursement.Status{disbursement.Paid}, Channels: []disbursement.Channel{disbursement.CashAtWard, disbursement.Bank}}},
			[]string{"Tuần", "Từ ngày", "Đến ngày", "Mã hình thức chi trả", "Hình thức chi trả"}, false, []string{"csv"}},
		{"province, district, programme and fund in English",
			"groupBy=PROVINCE,DISTRICT,PROGRAM,FUND&provinces=19&lang=en",
			report.Query{GroupBy: []report.Dimension{report.Province, report.District, report.Program, report.Fund}, Filter: report.Filter{Provinces: []string{"19"}}},
			[]string{"Province code", "Province", "Valid from", "Valid to", "District code", "District", "Valid from", "Valid to", "Programme code", "Programme", "Fund code", "Fund"}, true, []string{"xlsx"}},
		{"channel with unpaid lines, in English",
			"groupBy=CHANNEL&lang=en",
			report.Query{GroupBy: []report.Dimension{report.Channel}},
			[]string{"Channel code", "Payment channel"}, true, []string{"csv"}},
		{"by payment round, one round by ward",
			"groupBy=ROUND,WARD&rounds=NQ42_DOT1",
			report.Query{GroupBy: []report.Dimension{report.Round, report.Ward}, Filter: report.Filter{Rounds: []string{"NQ42_DOT1"}}},
			[]string{"Mã đợt chi trả", "Đợt chi trả", "Mã phường/xã", "Phường/xã", "Hiệu lực từ", "Hiệu lực đến"}, false, []string{"csv"}},
		{"by payment round in English",
			"groupBy=ROUND&lang=en",
			report.Query{GroupBy: []report.Dimension{report.Round}},
			[]string{"Round code", "Payment round"}, true, []string{"xlsx"}},
		{"not grouped: the total only",
			"wards=05431",
			report.Query{Filter: report.Filter{Wards: []string{"05431"}}},
			[]string{""}, false, []string{"csv", "xlsx"}},
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			engine := &recorder{Engine: report.NewSQL(d)}
			srv := serve(t, d, analystID, func(c *export.Config) { c.Stats = engine })
			for _, tt := range tests {
				for _, format := range tt.formats {
					t.Run(tt.name+"/"+format, func(t *testing.T) {
						res, body := fetch(t, srv, "/export/stats."+format+"?"+tt.query)
						if res.StatusCode != http.StatusOK {
							t.Fatalf("status %d: %s", res.StatusCode, body)
						}
						// The handler asked the reference engine the same question: what it answered
						// is what the file must show.
						q, want := engine.last()
						if !reflect.DeepEqual(q, tt.want) {
							t.Fatalf("the handler asked %+v\nwant             %+v", q, tt.want)
						}
						checkDownload(t, res, format, tt.en)
						var rows sheet
						if format == "csv" {
							rows = readCSV(t, body)
						} else if tt.en {
							rows = readXLSX(t, body, []string{"Statistics", "Query"})
						} else {
							rows = readXLSX(t, body, []string{"Thống kê", "Truy vấn"})
						}
						checkFigures(t, rows, tt.headers, tt.en, tt.want, want)
					})
				}
			}
		})
	}
}

// recorder is an engine that remembers the last query it answered, and its answer.
type recorder struct {
	report.Engine
	mu     sync.Mutex
	query  report.Query
	result *report.Result
}

func (r *recorder) Stats(ctx context.Context, q report.Query) (*report.Result, error) {
	res, err := r.Engine.Stats(ctx, q)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.query, r.result = q, res
	return res, err
}

func (r *recorder) last() (report.Query, *report.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.query, r.result
}

func checkDownload(t *testing.T, res *http.Response, format string, en bool) {
	t.Helper()
	name := "hotro-thong-ke-2026-11-27." + format
	if en {
		name = "hotro-statistics-2026-11-27." + format
	}
	if got, want := res.Header.Get("Content-Disposition"), "attachment; filename="+name; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	if got := res.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("Cache-Control = %q", got)
	}
	wantType := map[string]string{"csv": "text/csv; charset=utf-8; header=present",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	if got := res.Header.Get("Content-Type"); got != wantType {
		t.Errorf("Content-Type = %q, want %q", got, wantType)
	}
}

// checkValidity checks a unit's validity cells: a first day, and a last day after it or none (valid
// today).
func checkValidity(t *testing.T, row int, cells []string) {
	t.Helper()
	day := func(cell string) (civil.Date, bool) {
		if d, err := civil.Parse(cell); err == nil {
			return d, true
		}
		// XLSX holds dates as days since 1899-12-30, shown with a date format.
		serial, err := strconv.Atoi(cell)
		return civil.New(1899, time.December, 30).AddDays(serial), err == nil && serial > 0
	}
	from, ok := day(cells[0])
	if !ok {
		t.Errorf("row %d valid from = %q, want a date", row, cells[0])
		return
	}
	if cells[1] == "" {
		return
	}
	if to, ok := day(cells[1]); !ok || to.Before(from) {
		t.Errorf("row %d valid %q to %q, want a period", row, cells[0], cells[1])
	}
}

func checkFigures(t *testing.T, rows sheet, headers []string, en bool, q report.Query, want *report.Result) {
	t.Helper()
	wantHeader := append(slices.Clone(headers), viMeasures...)
	totalLabel := "Tổng cộng"
	if en {
		wantHeader, totalLabel = append(slices.Clone(headers), enMeasures...), "Total"
	}
	if !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("header = %q\nwant     %q", rows[0], wantHeader)
	}
	body := rows[1:]
	wantRows := want.Rows
	if len(q.GroupBy) == 0 {
		wantRows = nil
	}
	if len(body) != len(wantRows)+1 {
		t.Fatalf("%d rows, want %d and the total", len(body), len(wantRows))
	}
	if len(wantRows) == 0 && len(q.GroupBy) > 0 {
		t.Fatal("the query has no rows on the demo data: choose one that has")
	}
	m := len(wantHeader) - len(viMeasures)
	for i, r := range wantRows {
		got := body[i]
		if !sameCells(got[m:], measures(r.Totals)) {
			t.Errorf("row %d (%q) measures = %q, want %q", i+1, got[:m], got[m:], measures(r.Totals))
		}
		// The keys: spot-check the columns that the report's rows carry themselves.
		col := 0
		for _, d := range q.GroupBy {
			switch d {
			case report.Ward:
				if got[col] != r.WardCode {
					t.Errorf("row %d ward code = %q, want %q", i+1, got[col], r.WardCode)
				}
				if got[col+1] == "" {
					t.Errorf("row %d has no ward name", i+1)
				}
				checkValidity(t, i+1, got[col+2:col+4])
				col += 2
				if q.UnitsAsOf != nil {
					// A split ward is labelled with the units it became: "Phường A (05443); Phường B (05444)".
					if split := strings.Contains(got[col+2], "); "); split != r.WardSplit {
						t.Errorf("row %d (%s) split into %q, want split=%v", i+1, r.WardCode, got[col+2], r.WardSplit)
					}
					col++
				}
			case report.Province, report.District:
				if got[col] == "" && !r.NoDistrict || got[col+1] == "" {
					t.Errorf("row %d %s = %q %q, want a code and a name", i+1, d, got[col], got[col+1])
				}
				if !r.NoDistrict {
					checkValidity(t, i+1, got[col+2:col+4])
				}
				col += 2
			case report.Status:
				if got[col] != string(*r.Status) || got[col+1] == "" {
					t.Errorf("row %d status = %q %q, want %s and a label", i+1, got[col], got[col+1], *r.Status)
				}
			case report.Channel:
				if r.Channel != nil && got[col] != string(*r.Channel) || r.Channel == nil && got[col] != "" || got[col+1] == "" {
					t.Errorf("row %d channel = %q %q, want %v and a label", i+1, got[col], got[col+1], r.Channel)
				}
			case report.Week, report.Month:
				if got[col] != r.Period.Label || got[col+1] != r.Period.Start.String() || got[col+2] != r.Period.End.String() {
					t.Errorf("row %d period = %q, want %s %s %s", i+1, got[col:col+3], r.Period.Label, r.Period.Start, r.Period.End)
				}
				col++
			default:
				if got[col] == "" || got[col+1] == "" {
					t.Errorf("row %d %s = %q %q, want a code and a name", i+1, d, got[col], got[col+1])
				}
			}
			col += 2
		}
	}
	total := body[len(body)-1]
	if total[0] != totalLabel {
		t.Errorf("total row starts with %q, want %q", total[0], totalLabel)
	}
	if !sameCells(total[m:], measures(want.Total)) {
		t.Errorf("total = %q, want %q", total[m:], measures(want.Total))
	}
}

// The caller's scope limits what is exported, and the query sheet says so.
func TestExportAppliesTheCallersScope(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			ctx := context.Background()
			ward, err := adminunit.NewStore(d).Get(ctx, adminunit.Commune, "05431", date("2020-05-01"))
			if err != nil {
				t.Fatal(err)
			}
			scope := report.Scope{WardIDs: []int64{ward.ID}}
			srv := serve(t, d, analystID, func(c *export.Config) {
				c.Scope = func(*http.Request) (report.Scope, error) { return scope, nil }
			})
			want, err := report.NewSQL(d).Stats(analyst, report.Query{GroupBy: []report.Dimension{report.Ward}, Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			_, body := fetch(t, srv, "/export/stats.csv?groupBy=WARD")
			rows := readCSV(t, body)
			if len(rows) != 3 || rows[1][0] != "05431" {
				t.Fatalf("rows = %q, want the header, ward 05431 and the total", rows)
			}
			if !slices.Equal(rows[2][4:], measures(want.Total)) {
				t.Errorf("total = %q, want %q", rows[2][4:], measures(want.Total))
			}
			_, body = fetch(t, srv, "/export/stats.xlsx?groupBy=WARD")
			about := querySheet(t, body, "Truy vấn")
			if got := about["Giới hạn theo quyền truy cập"]; !strings.Contains(got, "1 phường/xã") {
				t.Errorf("query sheet says %q about the scope", got)
			}
		})
	}
}

// Anonymous visitors get the public answer: the cells publicStats withholds are empty, the others
// and the total are the public figures, and the query sheet says why cells are empty.
func TestExportGivesThePublicAnswerToThePublic(t *testing.T) {
	const minCount = 30 // large enough that the demo data has withheld cells
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			srv := serve(t, d, auth.Anonymous, func(c *export.Config) {
				c.Public = func(r *http.Request) bool { return !auth.FromContext(r.Context()).SignedIn() }
				c.PublicStats = release.NewPublisher(report.NewSQL(d), reference.NewCache(d), dataset.NewStore(d).Version, minCount)
			})
			q := report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Programs: []string{"NQ42-2020"}, Groups: []string{"HO_NGHEO"}}}
			want, err := release.NewPublisher(report.NewSQL(d), reference.NewCache(d), dataset.NewStore(d).Version, minCount).Stats(analyst, q)
			if err != nil {
				t.Fatal(err)
			}
			_, body := fetch(t, srv, "/export/stats.csv?groupBy=WARD&programs=NQ42-2020&groups=HO_NGHEO")
			rows := readCSV(t, body)
			if len(rows) != len(want.Rows)+2 {
				t.Fatalf("%d rows, want the header, %d cells and the total", len(rows), len(want.Rows))
			}
			withheld := 0
			for i, c := range want.Rows {
				got := rows[i+1]
				if got[0] != c.WardCode {
					t.Errorf("row %d is ward %s, want %s", i+1, got[0], c.WardCode)
				}
				wantMeasures := []string{"", "", "", "", "", ""}
				if c.Totals != nil {
					wantMeasures = measures(*c.Totals)[:6] // the public files hold the six
				} else {
					withheld++
				}
				if !slices.Equal(got[4:], wantMeasures) {
					t.Errorf("row %d (%s) = %q, want %q", i+1, got[0], got[4:], wantMeasures)
				}
			}
			if withheld == 0 || withheld == len(want.Rows) {
				t.Errorf("%d of %d cells withheld: the test needs some of each", withheld, len(want.Rows))
			}
			if total := rows[len(rows)-1]; !slices.Equal(total[4:], measures(*want.Total.Totals)[:6]) {
				t.Errorf("total = %q, want %q", total[4:], measures(*want.Total.Totals)[:6])
			}
			_, body = fetch(t, srv, "/export/stats.xlsx?groupBy=WARD&programs=NQ42-2020&groups=HO_NGHEO")
			if got := querySheet(t, body, "Truy vấn")["Ô để trống"]; !strings.Contains(got, "dưới 30 người") {
				t.Errorf("query sheet says %q about empty cells", got)
			}
		})
	}
}

func querySheet(t *testing.T, body []byte, name string) map[string]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		if len(r) == 2 {
			out[r[0]] = r[1]
		}
	}
	return out
}

// The second sheet tells what was asked, when, and of which data.
func TestExportQuerySheet(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	srv := serve(t, d, analystID, nil)
	tests := []struct {
		name, query, sheet string
		want               map[string]string
	}{
		{"in Vietnamese", "groupBy=WARD,GROUP&orderBy=AMOUNT_PAID&first=5&groups=HO_NGHEO&paidFrom=2020-05-01", "Truy vấn", map[string]string{
			"Nhóm theo (groupBy)":          "WARD, GROUP",
			"Sắp xếp (orderBy)":            "AMOUNT_PAID DESC",
			"Số dòng tối đa (first)":       "5",
			"Nhóm đối tượng (groups)":      "HO_NGHEO",
			"Chi từ ngày (paidFrom)":       "2020-05-01",
			"Chi đến ngày (paidTo)":        "(tất cả)",
			"Thời điểm lập":                "2026-11-27 09:30:00 (giờ Việt Nam, UTC+7)",
			"Dữ liệu mẫu":                  "Có: số liệu mô phỏng, không phải số liệu chi trả thật",
			"Địa chỉ tải lại":              "/export/stats.xlsx?groupBy=WARD,GROUP&orderBy=AMOUNT_PAID&first=5&groups=HO_NGHEO&paidFrom=2020-05-01",
			"Số tiền đã chi (đồng)":        "tổng số tiền của các dòng đã chi trả (PAID)",
			"Giới hạn theo quyền truy cập": "",
		}},
		{"in English", "lang=en&unitsAsOf=2025-07-01&groups=HO_NGHEO", "Query", map[string]string{
			"Grouped by (groupBy)":                   "(not grouped: the total row only)",
			"Administrative units as of (unitsAsOf)": "2025-07-01",
			"Generated at":                           "2026-11-27 09:30:00 (Vietnam time, UTC+7)",
			"Demo data":                              "Yes: synthetic figures, not real payments",
			"Amount paid (VND)":                      "sum of the amounts of PAID lines",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := fetch(t, srv, "/export/stats.xlsx?"+tt.query)
			got := querySheet(t, body, tt.sheet)
			for k, want := range tt.want {
				if got[k] != want {
					t.Errorf("%s = %q, want %q", k, got[k], want)
				}
			}
			if _, err := strconv.Atoi(got[map[bool]string{true: "Data version", false: "Phiên bản dữ liệu"}[tt.sheet == "Query"]]); err != nil {
				t.Errorf("no data version: %v", err)
			}
		})
	}
}

// failingEngine answers every query with its error, to show how each kind of failure reaches a
// client; the other tests use the real engine over real databases.
type failingEngine struct{ err error }

func (e failingEngine) Stats(context.Context, report.Query) (*report.Result, error) {
	return nil, e.err
}

func TestExportErrors(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	srv := serve(t, d, analystID, nil)
	scoped := func(err error) *httptest.Server {
		return serve(t, d, analystID, func(c *export.Config) {
			c.Scope = func(*http.Request) (report.Scope, error) { return report.Scope{}, err }
		})
	}
	anonymous := serve(t, d, auth.Anonymous, nil) // and no public answer configured
	failing := func(err error) *httptest.Server {
		return serve(t, d, analystID, func(c *export.Config) { c.Stats = failingEngine{err} })
	}
	sqlText := errors.New(`pq: syntax error at or near "SELECT" in SELECT amount FROM disbursements`)
	tests := []struct {
		name       string
		srv        *httptest.Server
		method     string
		path       string
		wantStatus int
		wantCode   string
		wantInMsg  string
	}{
		{"unknown parameter", srv, "GET", "/export/stats.csv?groupBy=WARD&sort=AMOUNT_PAID", 400, "BAD_USER_INPUT", `Tham số "sort" không được hỗ trợ`},
		{"impossible date", srv, "GET", "/export/stats.csv?paidFrom=2020-02-30", 400, "BAD_USER_INPUT", `paidFrom: "2020-02-30" không phải một ngày có thật`},
		{"date in another form", srv, "GET", "/export/stats.xlsx?unitsAsOf=01/07/2025", 400, "BAD_USER_INPUT", "unitsAsOf"},
		{"unknown dimension", srv, "GET", "/export/stats.csv?groupBy=WARD,TOWN", 400, "BAD_USER_INPUT", `groupBy: "TOWN" không hợp lệ`},
		{"enum in lower case", srv, "GET", "/export/stats.csv?groupBy=ward", 400, "BAD_USER_INPUT", `groupBy: "ward"`},
		{"unknown status", srv, "GET", "/export/stats.csv?statuses=PAYED", 400, "BAD_USER_INPUT", `statuses: "PAYED"`},
		{"unknown channel", srv, "GET", "/export/stats.csv?channels=CASH", 400, "BAD_USER_INPUT", `channels: "CASH"`},
		{"first not a number", srv, "GET", "/export/stats.csv?groupBy=WARD&first=five", 400, "BAD_USER_INPUT", `first: "five"`},
		{"first negative", srv, "GET", "/export/stats.csv?groupBy=WARD&first=-1", 400, "BAD_USER_INPUT", "first"},
		{"first twice", srv, "GET", "/export/stats.csv?first=1&first=2", 400, "BAD_USER_INPUT", "chỉ được nêu một lần"},
		{"unknown order field", srv, "GET", "/export/stats.csv?orderBy=AMOUNT", 400, "BAD_USER_INPUT", `orderBy: "AMOUNT"`},
		{"unknown direction", srv, "GET", "/export/stats.csv?orderBy=KEY&direction=UP", 400, "BAD_USER_INPUT", `direction: "UP"`},
		{"direction alone", srv, "GET", "/export/stats.csv?direction=ASC", 400, "BAD_USER_INPUT", "direction chỉ dùng cùng orderBy"},
		{"unknown language", srv, "GET", "/export/stats.csv?lang=fr", 400, "BAD_USER_INPUT", `lang: "fr"`},
		{"empty value", srv, "GET", "/export/stats.csv?wards=", 400, "BAD_USER_INPUT", "wards có giá trị rỗng"},
		{"empty item in a list", srv, "GET", "/export/stats.csv?wards=05431,,05434", 400, "BAD_USER_INPUT", "wards có giá trị rỗng"},
		{"malformed query string", srv, "GET", "/export/stats.csv?wards=%zz", 400, "BAD_USER_INPUT", "Chuỗi tham số không hợp lệ"},
		{"two time buckets", srv, "GET", "/export/stats.csv?groupBy=MONTH,WEEK", 400, "BAD_USER_INPUT", "một mốc thời gian"},
		{"a dimension twice", srv, "GET", "/export/stats.csv?groupBy=WARD&groupBy=WARD", 400, "BAD_USER_INPUT", "hai lần"},
		{"dates out of order", srv, "GET", "/export/stats.csv?paidFrom=2020-06-01&paidTo=2020-05-01", 400, "BAD_USER_INPUT", "paidFrom"},
		{"unknown ward code", srv, "GET", "/export/stats.xlsx?wards=05431,99999", 400, "BAD_USER_INPUT", "Không có phường/xã mã 99999."},
		{"unknown file", srv, "GET", "/export/stats.pdf", 404, "NOT_FOUND", "/export/stats.csv"},
		{"POST", srv, "POST", "/export/stats.csv", 405, "BAD_USER_INPUT", "GET"},
		{"a visitor, with no public answer", anonymous, "GET", "/export/stats.csv", 401, "UNAUTHENTICATED", "chưa đăng nhập"},
		{"signed out", scoped(errs.E("auth", errs.Unauthorized)), "GET", "/export/stats.csv", 401, "UNAUTHENTICATED", "đăng nhập"},
		{"not allowed", scoped(errs.E("auth", errs.Permission, errs.Msg("Bạn chỉ xem được số liệu của phường mình."))), "GET", "/export/stats.csv", 403, "FORBIDDEN", "phường mình"},
		{"too many groups", failing(errs.E("report", errs.TooComplex, errs.Msg("Kết quả có 200000 nhóm."))), "GET", "/export/stats.csv", 422, "TOO_COMPLEX", "200000 nhóm"},
		{"database down", failing(errs.E("report", errs.Unavailable)), "GET", "/export/stats.csv", 503, "UNAVAILABLE", "thử lại"},
		{"database too slow, unclassified", failing(fmt.Errorf("report: stats: %w", context.DeadlineExceeded)), "GET", "/export/stats.xlsx", 503, "UNAVAILABLE", "thử lại"},
		{"a bug, with SQL text", failing(errs.E("report: stats", sqlText)), "GET", "/export/stats.csv", 500, "INTERNAL", "Lỗi hệ thống"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, tt.srv.URL+tt.path, nil)
			res, err := tt.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var got struct {
				Error string `json:"error"`
				Code  string `json:"code"`
			}
			raw, _ := io.ReadAll(res.Body)
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("body %q is not the JSON error: %v", raw, err)
			}
			if res.StatusCode != tt.wantStatus || got.Code != tt.wantCode {
				t.Errorf("status %d, code %s; want %d, %s (%s)", res.StatusCode, got.Code, tt.wantStatus, tt.wantCode, got.Error)
			}
			if !strings.Contains(got.Error, tt.wantInMsg) {
				t.Errorf("error %q does not contain %q", got.Error, tt.wantInMsg)
			}
			if strings.Contains(got.Error, "SELECT") || strings.Contains(got.Error, "pq:") {
				t.Errorf("error shows SQL: %q", got.Error)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}
