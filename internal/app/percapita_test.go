package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"hotro/dashboard"
	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestPublicPerInhabitantNeverDividesAWithheldCell: a visitor asks the figures per inhabitant with
// the dashboard's own public document. A withheld cell is null per inhabitant too (a withheld amount
// divided by a published population would give it away), though the ward's reference population
// is still there; a published cell is its amount divided by the population of the year asked; the
// years loaded are public (Meta). An analyst's stats divide the same wards' unwithheld cells, so
// the nulls are the protection, not missing figures. On both databases.
func TestPublicPerInhabitantNeverDividesAWithheldCell(t *testing.T) {
	doc := func(name string) string {
		for _, d := range dashboard.PublicOperations() {
			if strings.Contains(d, "query "+name+"(") || strings.Contains(d, "query "+name+" {") {
				return d
			}
		}
		t.Fatalf("no public document %s", name)
		return ""
	}
	type row struct {
		Ward                   struct{ Code string }
		AmountPaidPerCapita    *float64
		PeopleSupportedPer1000 *float64
		WardFigures            *struct {
			Year       int
			Population int64
		}
		Totals struct {
			Suppressed      bool
			AmountPaid      *int64
			PeopleSupported *int64
		}
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			srv := apptest.Start(t, seedtest.Demo(t, dialect), nil)
			visitor := srv.NewClient()
			r := visitor.GraphQL(t, doc("Meta"), nil)
			var meta struct{ WardFigureYears []int }
			if err := json.Unmarshal(r.Data, &meta); err != nil || len(r.Errors) > 0 || len(meta.WardFigureYears) != 1 || meta.WardFigureYears[0] != 2020 {
				t.Fatalf("Meta for a visitor: %s (want wardFigureYears [2020])", r.Raw)
			}
			vars := map[string]any{"filter": map[string]any{"groups": []string{"CHAM_DUT_HDLD"}}, "bucket": "WEEK", "figuresYear": 2020,
				"withWards": true, "withGroups": false, "withFunds": false, "withTime": false}
			r = visitor.GraphQL(t, doc("PublicOverview"), vars)
			var public struct{ ByWard struct{ Rows []row } }
			if err := json.Unmarshal(r.Data, &public); err != nil || len(r.Errors) > 0 {
				t.Fatalf("PublicOverview: %s", r.Raw)
			}
			analyst := srv.NewClient()
			analyst.SignIn(t, "phantich", seedtest.DemoPassword)
			r = analyst.GraphQL(t, `{ stats(groupBy: [WARD], filter: { groups: ["CHAM_DUT_HDLD"] }) { rows { ward { code } amountPaidPerCapita(year: 2020) } } }`, nil)
			var full struct{ Stats struct{ Rows []row } }
			if err := json.Unmarshal(r.Data, &full); err != nil || len(r.Errors) > 0 {
				t.Fatalf("stats: %s", r.Raw)
			}
			unwithheld := map[string]*float64{}
			for _, w := range full.Stats.Rows {
				unwithheld[w.Ward.Code] = w.AmountPaidPerCapita
			}
			var withheld, published int
			for _, w := range public.ByWard.Rows {
				if w.WardFigures == nil || w.WardFigures.Year != 2020 || w.WardFigures.Population <= 0 {
					t.Errorf("ward %s: figures %+v, want the 2020 population (reference figures are public)", w.Ward.Code, w.WardFigures)
					continue
				}
				if w.Totals.Suppressed {
					withheld++
					if w.AmountPaidPerCapita != nil || w.PeopleSupportedPer1000 != nil {
						t.Errorf("withheld ward %s divided for a visitor: %v, %v", w.Ward.Code, deref(w.AmountPaidPerCapita), deref(w.PeopleSupportedPer1000))
					}
					if unwithheld[w.Ward.Code] == nil {
						t.Errorf("withheld ward %s has no figure per inhabitant for an analyst either: the test proves nothing", w.Ward.Code)
					}
					continue
				}
				published++
				pop := float64(w.WardFigures.Population)
				if w.AmountPaidPerCapita == nil || *w.AmountPaidPerCapita != float64(*w.Totals.AmountPaid)/pop ||
					w.PeopleSupportedPer1000 == nil || *w.PeopleSupportedPer1000 != 1000*float64(*w.Totals.PeopleSupported)/pop {
					t.Errorf("ward %s: per inhabitant %v, per 1000 %v; want %d / %v and 1000 × %d / %v", w.Ward.Code,
						deref(w.AmountPaidPerCapita), deref(w.PeopleSupportedPer1000), *w.Totals.AmountPaid, pop, *w.Totals.PeopleSupported, pop)
				}
			}
			if withheld == 0 || published == 0 {
				t.Fatalf("%d withheld and %d published wards: the filter no longer has both", withheld, published)
			}
			// A visitor may not ask stats per inhabitant with a document of their own.
			if r := visitor.GraphQL(t, `{ stats(groupBy: [WARD]) { rows { amountPaidPerCapita } } }`, nil); r.Code() != "FORBIDDEN" {
				t.Errorf("a visitor's own stats document: %s", r.Raw)
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
