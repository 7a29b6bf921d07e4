package dashboard_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/seed/seedtest"
)

// apiRound is one row of the dashboard's Rounds operation, as the API gives it.
type apiRound struct {
	Round  *struct{ Code, Name string }
	Totals totals
}

// roundsOf asks the API, as the user and apart from the page, for the rounds under no filter.
func roundsOf(t *testing.T, srv *apptest.Server, username string) []apiRound {
	t.Helper()
	c := srv.NewClient()
	c.SignIn(t, username, seedtest.DemoPassword)
	res := c.GraphQL(t, operation(t, "Rounds"), map[string]any{"filter": map[string]any{}})
	if len(res.Errors) > 0 {
		t.Fatalf("Rounds as %s: %s", username, res.Raw)
	}
	var data struct{ ByRound struct{ Rows []apiRound } }
	if err := json.Unmarshal(res.Data, &data); err != nil {
		t.Fatal(err)
	}
	return data.ByRound.Rows
}

// checkRoundLines compares the page's round lines with the API's rounds, in order.
func checkRoundLines(t *testing.T, tb *tab, api []apiRound) {
	t.Helper()
	type line struct {
		Code, Name                      string
		Paid, People, Listed, Approved  string
		PaidText, PaidExact, PeopleText string
	}
	lines := eval[[]line](tb, `[...document.querySelectorAll("#rounds tbody tr")].map((tr) => ({
		code: tr.dataset.round, name: tr.querySelector("th").textContent,
		paid: tr.dataset.paid, people: tr.dataset.people, listed: tr.dataset.listed, approved: tr.dataset.approved,
		paidText: tr.querySelector(".round-paid").textContent, paidExact: tr.querySelector(".round-paid").title,
		peopleText: tr.querySelector(".round-people").textContent,
	}))`)
	if len(lines) != len(api) {
		t.Fatalf("%d round lines, the API %d", len(lines), len(api))
	}
	for i, r := range api {
		got, want := lines[i], r.Totals
		if got.Code != r.Round.Code {
			t.Errorf("line %d is round %q, want %q (first round first)", i+1, got.Code, r.Round.Code)
		}
		for _, f := range []struct {
			name      string
			got       string
			wantValue int64
		}{{"paid", got.Paid, want.AmountPaid}, {"people", got.People, want.PeopleSupported},
			{"listed", got.Listed, want.AmountListed}, {"approved", got.Approved, want.AmountApproved}} {
			if f.got != strconv.FormatInt(f.wantValue, 10) {
				t.Errorf("round %s %s = %s, API %d", r.Round.Code, f.name, f.got, f.wantValue)
			}
		}
		if wantPeople := groupDigits(want.PeopleSupported, "."); got.PeopleText != wantPeople {
			t.Errorf("round %s shows %q people, want %q", r.Round.Code, got.PeopleText, wantPeople)
		}
		if wantPaid := formatVND(want.AmountPaid, "vi"); got.PaidExact != wantPaid {
			t.Errorf("round %s paid %q exactly, want %q", r.Round.Code, got.PaidExact, wantPaid)
		}
		if got.Name == "" || got.PaidText == "" || got.PaidText == "—" {
			t.Errorf("round %s: name %q, paid %q", r.Round.Code, got.Name, got.PaidText)
		}
	}
}

// TestHomeOpensWithTheRounds: a leader's home page opens with one line per payment round, above the
// KPI cards, whose paid, people, listed and approved figures are the API's (the dashboard's own
// Rounds operation, asked apart from the page); a ward officer's are those of their ward; a
// visitor's home has no round lines (the release tables hold none). Screenshots at a phone's and a
// desktop's width.
func TestHomeOpensWithTheRounds(t *testing.T) {
	srv := demoServer(t)
	city := roundsOf(t, srv, "lanhdao")
	if len(city) != 2 {
		t.Fatalf("the API gives %d rounds for the demo, want 2", len(city))
	}
	for _, width := range []int64{1440, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := signedInTab(t, srv, "lanhdao", width)
			tb.open(srv, "")
			checkRoundLines(t, tb, city)
			// The rounds come first: above the KPI cards.
			if !eval[bool](tb, `!!(document.querySelector("#rounds").compareDocumentPosition(document.querySelector(".kpis")) & Node.DOCUMENT_POSITION_FOLLOWING)`) {
				t.Error("the round lines are not above the KPI cards")
			}
			if width < 600 {
				if w := eval[int](tb, `document.documentElement.scrollWidth`); w > int(width) {
					t.Errorf("page is %d px wide on a %d px phone: something overflows", w, width)
				}
			}
			tb.screenshot(fmt.Sprintf("rounds-leader-%d", width))
			if width > 600 {
				// A round's name opens the page filtered to its groups, whose total is the round's.
				tb.click("#rounds tbody tr:first-child th a")
				tb.waitReady("groups=")
				if got := tb.kpis()["amountPaid"].Value; got != strconv.FormatInt(city[0].Totals.AmountPaid, 10) {
					t.Errorf("filtered to round %s's groups, the page shows %s paid, the round %d", city[0].Round.Code, got, city[0].Totals.AmountPaid)
				}
			}
			tb.checkClean()
		})
	}
	t.Run("ward officer", func(t *testing.T) {
		ward := roundsOf(t, srv, "canbo.quantrieu")
		if len(ward) == 0 || ward[0].Totals.AmountPaid >= city[0].Totals.AmountPaid {
			t.Fatalf("the officer's first round %+v is not a part of the city's %+v", ward, city[0])
		}
		tb := signedInTab(t, srv, "canbo.quantrieu", 1440)
		tb.open(srv, "")
		checkRoundLines(t, tb, ward)
		tb.checkClean()
	})
	t.Run("visitor", func(t *testing.T) {
		tb := newTab(t, 1440)
		tb.open(srv, "")
		if n := eval[int](tb, `document.querySelectorAll("#rounds").length`); n != 0 {
			t.Errorf("a visitor sees %d round tables: the public figures hold no rounds", n)
		}
		tb.checkClean()
	})
}
