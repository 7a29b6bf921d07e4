package export

import (
	"reflect"
	"testing"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/report"
)

func TestParseRequest(t *testing.T) {
	date := func(s string) *civil.Date { d := civil.MustParse(s); return &d }
	five := 5
	tests := []struct {
		name  string
		query string
		want  report.Query
		lang  lang
	}{
		{"nothing: the total, in Vietnamese", "", report.Query{}, vi},
		{"comma list", "groupBy=WARD,GROUP", report.Query{GroupBy: []report.Dimension{report.Ward, report.Group}}, vi},
		{"repeated and mixed, spaces trimmed", "groupBy=WARD&groupBy=GROUP,%20MONTH",
			report.Query{GroupBy: []report.Dimension{report.Ward, report.Group, report.Month}}, vi},
		{"order defaults to DESC as in GraphQL", "orderBy=AMOUNT_PAID&first=5",
			report.Query{Order: &report.Order{Field: report.ByAmountPaid, Desc: true}, First: &five}, vi},
		{"order ascending", "orderBy=KEY&direction=ASC", report.Query{Order: &report.Order{Field: report.ByKey}}, vi},
		{"every filter", "programs=NQ42-2020&provinces=19&districts=164&wards=05431,05434&groups=HO_NGHEO&funds=NSTW" +
			"&statuses=PAID,APPROVED&channels=BANK&paidFrom=2020-05-01&paidTo=2020-05-31&unitsAsOf=2025-07-01&lang=en",
			report.Query{Filter: report.Filter{
				Programs: []string{"NQ42-2020"}, Provinces: []string{"19"}, Districts: []string{"164"},
				Wards: []string{"05431", "05434"}, Groups: []string{"HO_NGHEO"}, Funds: []string{"NSTW"},
				Statuses: []disbursement.Status{disbursement.Paid, disbursement.Approved},
				Channels: []disbursement.Channel{disbursement.Bank},
				PaidFrom: date("2020-05-01"), PaidTo: date("2020-05-31"),
			}, UnitsAsOf: date("2025-07-01")}, en},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRequest(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.query, tt.want) || got.lang != tt.lang {
				t.Errorf("parseRequest(%q) = %+v, %s\nwant %+v, %s", tt.query, got.query, got.lang, tt.want, tt.lang)
			}
		})
	}
}
