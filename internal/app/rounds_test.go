package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

type roundTotals struct {
	AmountPaid      int64 `json:"amountPaid"`
	AmountListed    int64 `json:"amountListed"`
	AmountApproved  int64 `json:"amountApproved"`
	PeopleSupported int64 `json:"peopleSupported"`
	Beneficiaries   int64 `json:"beneficiaries"`
	Disbursements   int64 `json:"disbursements"`
}

// TestRoundIsTheSumOfItsGroups: a round's row is its groups' lines, whatever the engine: its sums
// are the sums of its groups' rows, its distinct counts those of the lines of its groups together,
// and the rows of all rounds add up to the total.
func TestRoundIsTheSumOfItsGroups(t *testing.T) {
	const doc = `query($round: [String!], $groups: [String!]) {
  byRound: stats(groupBy: [ROUND]) {
    total { amountPaid amountListed amountApproved peopleSupported beneficiaries disbursements }
    rows { round { code groups { code } } totals { amountPaid amountListed amountApproved peopleSupported beneficiaries disbursements } }
  }
  byGroup: stats(groupBy: [GROUP], filter: { rounds: $round }) {
    total { amountPaid amountListed amountApproved peopleSupported beneficiaries disbursements }
    rows { group { code } totals { amountPaid amountListed amountApproved peopleSupported beneficiaries disbursements } }
  }
  ofGroups: stats(filter: { groups: $groups }) {
    total { amountPaid amountListed amountApproved peopleSupported beneficiaries disbursements }
  }
}`
	type answer struct {
		ByRound struct {
			Total roundTotals
			Rows  []struct {
				Round *struct {
					Code   string
					Groups []struct{ Code string }
				}
				Totals roundTotals
			}
		}
		ByGroup struct {
			Total roundTotals
			Rows  []struct {
				Group  struct{ Code string }
				Totals roundTotals
			}
		}
		OfGroups struct{ Total roundTotals }
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			srv := apptest.Start(t, seedtest.Demo(t, dialect), nil)
			leader := srv.NewClient()
			leader.SignIn(t, "lanhdao", seedtest.DemoPassword)
			ask := func(round []string, groups []string) answer {
				t.Helper()
				res := leader.GraphQL(t, doc, map[string]any{"round": round, "groups": groups})
				if len(res.Errors) > 0 {
					t.Fatalf("%s", res.Raw)
				}
				var a answer
				if err := json.Unmarshal(res.Data, &a); err != nil {
					t.Fatal(err)
				}
				return a
			}
			all := ask([]string{"NQ42_DOT1"}, []string{"HO_NGHEO"})
			if len(all.ByRound.Rows) != 2 {
				t.Fatalf("%d rounds with lines, want 2 (every demo group is in a round)", len(all.ByRound.Rows))
			}
			var sum roundTotals
			for _, r := range all.ByRound.Rows {
				if r.Round == nil {
					t.Fatal("a row with no round: every demo group is in one")
				}
				var groups []string
				for _, g := range r.Round.Groups {
					groups = append(groups, g.Code)
				}
				a := ask([]string{r.Round.Code}, groups)
				var groupSum roundTotals
				for _, g := range a.ByGroup.Rows {
					if !strings.Contains(","+strings.Join(groups, ",")+",", ","+g.Group.Code+",") {
						t.Errorf("round %s: filter by round gave group %s, not one of %v", r.Round.Code, g.Group.Code, groups)
					}
					groupSum.AmountPaid += g.Totals.AmountPaid
					groupSum.AmountListed += g.Totals.AmountListed
					groupSum.AmountApproved += g.Totals.AmountApproved
					groupSum.Disbursements += g.Totals.Disbursements
				}
				additive := r.Totals
				additive.PeopleSupported, additive.Beneficiaries = 0, 0
				if groupSum != additive {
					t.Errorf("round %s: row %+v, its groups' rows sum to %+v", r.Round.Code, r.Totals, groupSum)
				}
				if a.ByGroup.Total != r.Totals || a.OfGroups.Total != r.Totals {
					t.Errorf("round %s: row %+v; filtered by round %+v; by its groups %+v", r.Round.Code, r.Totals, a.ByGroup.Total, a.OfGroups.Total)
				}
				if r.Totals.AmountPaid == 0 || r.Totals.PeopleSupported == 0 {
					t.Errorf("round %s paid nothing in the demo data: the test shows nothing", r.Round.Code)
				}
				sum.AmountPaid += r.Totals.AmountPaid
				sum.Disbursements += r.Totals.Disbursements
			}
			if sum.AmountPaid != all.ByRound.Total.AmountPaid || sum.Disbursements != all.ByRound.Total.Disbursements {
				t.Errorf("rounds sum to %+v, total %+v", sum, all.ByRound.Total)
			}
		})
	}
}

// TestVisitorsAreNotAnsweredByRound: the release tables hold no round, so a visitor asking by
// round, or for a round, is refused as for any question they do not hold (publicStats with the
// dashboard's own document, and the public CSV export), with what the public figures hold.
func TestVisitorsAreNotAnsweredByRound(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), nil)
	visitor := srv.NewClient()
	doc := publicOverview(t)
	for _, c := range []struct {
		name   string
		filter map[string]any
		bucket string
	}{
		{"by round", map[string]any{}, "ROUND"},
		{"one round", map[string]any{"rounds": []string{"NQ42_DOT1"}}, "WEEK"},
		{"by channel, for comparison", map[string]any{}, "CHANNEL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := visitor.GraphQL(t, doc, map[string]any{"filter": c.filter, "bucket": c.bucket})
			if res.Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, "Số liệu công khai") {
				t.Errorf("%s", res.Raw)
			}
		})
	}
	for _, q := range []string{"groupBy=ROUND", "rounds=NQ42_DOT1"} {
		status, body := visitor.Do(t, http.MethodGet, "/export/stats.csv?"+q, nil)
		if status != http.StatusBadRequest || !strings.Contains(string(body), "Số liệu công khai") {
			t.Errorf("CSV %s: %d %s", q, status, body)
		}
	}
}
