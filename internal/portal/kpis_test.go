package portal_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"hotro/dashboard"
	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/portal"
	"hotro/internal/seed/seedtest"
)

// TestKPIStripMatchesPublicStats: the KPI strip's data (/embed/data/kpis) is what publicStats
// answers a visitor for the same filter: paid and people of the total, withheld with it, and the
// wards whose public figures show a payment, with the withheld wards counted apart.
func TestKPIStripMatchesPublicStats(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			srv := apptest.Start(t, d, nil)
			visitor := srv.NewClient()
			// A visitor runs the dashboard's public operation (no other query is open to visitors).
			var overview string
			for _, doc := range dashboard.PublicOperations() {
				if strings.Contains(doc, "query PublicOverview") {
					overview = doc
				}
			}
			type totals struct {
				Suppressed      bool   `json:"suppressed"`
				AmountPaid      *int64 `json:"amountPaid"`
				PeopleSupported *int64 `json:"peopleSupported"`
			}
			var small string // a ward whose figures for a small group are withheld
			for _, tc := range []struct {
				name, query string
				filter      map[string]any
			}{
				{"the whole city", "lang=vi", nil},
				{"one programme, English", "program=NQ42-2020&lang=en", map[string]any{"programs": []string{"NQ42-2020"}}},
				{"a small group", "group=CHAM_DUT_HDLD", map[string]any{"groups": []string{"CHAM_DUT_HDLD"}}},
				{"a small group in one ward", "group=CHAM_DUT_HDLD&ward=", map[string]any{"groups": []string{"CHAM_DUT_HDLD"}}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					query := tc.query
					if tc.name == "a small group in one ward" {
						if small == "" {
							t.Fatal("no withheld ward found for the small group")
						}
						query += small
						tc.filter["wards"] = []string{small}
					}
					r := visitor.GraphQL(t, overview, map[string]any{"filter": tc.filter, "bucket": "MONTH",
						"withWards": true, "withGroups": false, "withFunds": false, "withTime": false})
					if len(r.Errors) > 0 {
						t.Fatalf("publicStats: %s", r.Raw)
					}
					var api struct {
						Total struct {
							MinCount int    `json:"minCount"`
							Total    totals `json:"total"`
						} `json:"total"`
						ByWard struct {
							Rows []struct {
								Ward   struct{ Code string } `json:"ward"`
								Totals totals                `json:"totals"`
							} `json:"rows"`
						} `json:"byWard"`
					}
					if err := json.Unmarshal(r.Data, &api); err != nil {
						t.Fatal(err)
					}
					var paid, withheld int64
					for _, w := range api.ByWard.Rows {
						switch {
						case w.Totals.Suppressed:
							withheld++
							if small == "" && tc.name == "a small group" {
								small = w.Ward.Code
							}
						case w.Totals.AmountPaid != nil && *w.Totals.AmountPaid > 0:
							paid++
						}
					}

					res, body := get(t, srv.URL+"/embed/data/kpis?"+query, nil)
					if res.StatusCode != 200 {
						t.Fatalf("kpis: %d %s", res.StatusCode, body)
					}
					var chart portal.Chart
					if err := json.Unmarshal(body, &chart); err != nil {
						t.Fatal(err)
					}
					if !chart.Public || chart.MinCount != api.Total.MinCount || len(chart.Points) != 3 {
						t.Fatalf("kpis: public %v, minCount %d (API %d), %d points", chart.Public, chart.MinCount, api.Total.MinCount, len(chart.Points))
					}
					got := map[string]portal.Point{}
					for _, p := range chart.Points {
						got[p.Code] = p
					}
					str := func(v *int64) string {
						if v == nil {
							return "withheld"
						}
						return fmt.Sprint(*v)
					}
					want := api.Total.Total
					for code, v := range map[string]*int64{"amountPaid": want.AmountPaid, "peopleSupported": want.PeopleSupported} {
						if p := got[code]; str(p.Value) != str(v) || p.Suppressed != want.Suppressed || p.Label == "" {
							t.Errorf("%s: strip %s (suppressed %v, label %q), publicStats %s (suppressed %v)", code, str(p.Value), p.Suppressed, p.Label, str(v), want.Suppressed)
						}
					}
					if w := got["wards"]; w.Value == nil || *w.Value != paid || int64(w.Withheld) != withheld {
						t.Errorf("wards paid: strip %s (+%d withheld), publicStats %d (+%d withheld)", str(w.Value), w.Withheld, paid, withheld)
					}
					if tc.name == "the whole city" && (paid < 30 || want.Suppressed) {
						t.Errorf("the whole city: %d wards paid, total suppressed %v", paid, want.Suppressed)
					}
					if tc.name == "a small group in one ward" && (!want.Suppressed || got["amountPaid"].Value != nil) {
						t.Errorf("a withheld ward's strip shows %s paid, want it withheld", str(got["amountPaid"].Value))
					}
					wantTitle := map[bool]string{true: "Support paid", false: "Chi trả hỗ trợ"}[tc.name == "one programme, English"]
					if chart.Title != wantTitle {
						t.Errorf("title %q, want %q", chart.Title, wantTitle)
					}
				})
			}
		})
	}
}
