package report_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"hotro/internal/civil"
	"hotro/internal/report"
)

// TestURLSyntax: the one reader of stats queries in URLs, strict for exports and lenient for embed
// links, with the same answer for the same well-formed query under either set of names.
func TestURLSyntax(t *testing.T) {
	date := func(s string) *civil.Date { d := civil.MustParse(s); return &d }
	strict := report.URLSyntax{Names: report.ExportNames}
	lenient := report.URLSyntax{Names: report.EmbedNames, Lenient: true}
	filter := report.Query{Filter: report.Filter{Programs: []string{"NQ42-2020"}, Wards: []string{"05431", "05434"},
		Groups: []string{"HO_NGHEO"}, PaidFrom: date("2020-05-01"), PaidTo: date("2020-05-31")}}
	tests := []struct {
		name   string
		syntax report.URLSyntax
		query  string
		want   report.Query
		err    string
	}{
		{"export names", strict, "programs=NQ42-2020&wards=05431,05434&groups=HO_NGHEO&paidFrom=2020-05-01&paidTo=2020-05-31", filter, ""},
		{"embed names, same query", lenient, "program=NQ42-2020&ward=05431&ward=05434&group=HO_NGHEO&from=2020-05-01&to=2020-05-31", filter, ""},
		{"lenient skips empty items and values", lenient, "ward=,05431,,&from=&group=", report.Query{Filter: report.Filter{Wards: []string{"05431"}}}, ""},
		{"lenient takes the first of a repeated date", lenient, "from=2020-05-01&from=2020-06-01", report.Query{Filter: report.Filter{PaidFrom: date("2020-05-01")}}, ""},
		{"lenient ignores names it does not take", lenient, "groupBy=NOPE&statuses=NOPE", report.Query{}, ""},
		{"strict refuses an empty item", strict, "wards=05431,,05434", report.Query{}, "wards có giá trị rỗng"},
		{"strict refuses a repeated single value", strict, "paidFrom=2020-05-01&paidFrom=2020-06-01", report.Query{}, "chỉ được nêu một lần"},
		{"a bad date, either way", lenient, "from=2020-02-30", report.Query{}, `from: "2020-02-30" không phải một ngày có thật`},
		{"a bad dimension lists the good ones", strict, "groupBy=WARDS", report.Query{}, "dùng một trong PROGRAM, PROVINCE"},
		{"a bad status", strict, "statuses=DONE", report.Query{}, `statuses: "DONE" không hợp lệ`},
		{"direction without order", strict, "direction=ASC", report.Query{}, "direction chỉ dùng cùng orderBy"},
		{"KEY without a direction is ascending, as no order", strict, "orderBy=KEY", report.Query{Order: &report.Order{Field: report.ByKey}}, ""},
		{"a measure without a direction is descending", strict, "orderBy=AMOUNT_PAID", report.Query{Order: &report.Order{Field: report.ByAmountPaid, Desc: true}}, ""},
		{"KEY descending when asked", strict, "orderBy=KEY&direction=DESC", report.Query{Order: &report.Order{Field: report.ByKey, Desc: true}}, ""},
		{"negative first", strict, "first=-1", report.Query{}, "cần một số nguyên không âm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.syntax.Parse("test", values)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Parse(%q) error = %v, want one saying %q", tt.query, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.query, got, tt.want)
			}
		})
	}
}

// TestURLParams: each syntax lists exactly the names it reads.
func TestURLParams(t *testing.T) {
	got := report.URLSyntax{Names: report.EmbedNames}.Params()
	want := []string{"program", "district", "ward", "group", "from", "to"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("embed params = %v, want %v", got, want)
	}
	got = report.URLSyntax{Names: report.ExportNames}.Params()
	want = []string{"groupBy", "programs", "provinces", "districts", "wards", "groups", "funds", "rounds",
		"statuses", "channels", "orderBy", "direction", "first", "unitsAsOf", "paidFrom", "paidTo",
		"kinds", "instalments", "having", "within", "listedFrom", "listedTo", "approvedFrom", "approvedTo",
		"amountFrom", "amountTo", "breaksRule", "dateField", "firstWithin", "daysListedToPaid"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("export params = %v, want %v", got, want)
	}
}
