package app_test

import (
	"encoding/json"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestPaidDatesLeaveThePipelineUndefined: with a paid date range every line kept is PAID, so the
// dashboard's documents get amountListed and amountApproved as null (not a copy of amountPaid), for
// a visitor and for a signed-in analyst alike; without one, they are the pipeline's figures.
func TestPaidDatesLeaveThePipelineUndefined(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			srv := apptest.Start(t, seedtest.Demo(t, dialect), nil)
			visitor := srv.NewClient()
			analyst := srv.NewClient()
			analyst.SignIn(t, "phantich", seedtest.DemoPassword)
			doc := publicOverview(t)
			type totals struct {
				AmountPaid                   *int64
				AmountListed, AmountApproved *int64
			}
			// ask returns the total of the document's `total` field (the public tables refuse some of
			// the page's other panels under a date range: their errors are not this test's).
			ask := func(t *testing.T, c *apptest.Client, query string, filter map[string]any) totals {
				t.Helper()
				res := c.GraphQL(t, query, map[string]any{"filter": filter, "bucket": "MONTH", "withGroups": false, "withFunds": false})
				var out struct{ Total *struct{ Total totals } }
				if err := json.Unmarshal(res.Data, &out); err != nil || out.Total == nil {
					t.Fatalf("no total: %v %+v", err, res.Errors)
				}
				return out.Total.Total
			}
			signedIn := `query($filter: DisbursementFilter) { total: stats(filter: $filter) { total { amountPaid amountListed amountApproved } } }`
			june := map[string]any{"paidFrom": "2020-06-01", "paidTo": "2020-06-30"}
			for _, c := range []struct {
				name   string
				client *apptest.Client
				query  string
			}{{"visitor", visitor, doc}, {"analyst", analyst, signedIn}} {
				t.Run(c.name, func(t *testing.T) {
					all := ask(t, c.client, c.query, map[string]any{})
					if all.AmountListed == nil || all.AmountPaid == nil || *all.AmountListed <= *all.AmountPaid {
						t.Errorf("without dates: %+v, want listed above paid", all)
					}
					paid := ask(t, c.client, c.query, june)
					if paid.AmountPaid == nil || *paid.AmountPaid == 0 || paid.AmountListed != nil || paid.AmountApproved != nil {
						t.Errorf("paid in June: %+v, want amountPaid and null pipeline measures", paid)
					}
				})
			}
		})
	}
}
