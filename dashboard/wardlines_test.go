package dashboard_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestWardLinesMoveAStep works as a ward officer does on the ward page: among the ward's listed
// lines, chooses two and posts them (the step's date typed, as it is never assumed); the API then
// has exactly those two lines posted, the others untouched, and the page shows them posted. A
// leader on the same page is offered the leader's steps only.
func TestWardLinesMoveAStep(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	api := srv.NewClient()
	api.SignIn(t, "canbo.quantrieu", seedtest.DemoPassword)
	type line struct{ ID, Status, ListedOn string }
	linesOf := func(status string) []line {
		t.Helper()
		res := api.GraphQL(t, `query($filter: DisbursementFilter) { disbursements(filter: $filter, orderBy: { field: NAME }, first: 50) {
		  edges { node { id status listedOn } } } }`, map[string]any{"filter": map[string]any{"wards": []string{"05431"}, "statuses": []string{status}}})
		if len(res.Errors) > 0 {
			t.Fatalf("API: %s", res.Raw)
		}
		var a struct {
			Disbursements struct{ Edges []struct{ Node line } }
		}
		if err := json.Unmarshal(res.Data, &a); err != nil {
			t.Fatal(err)
		}
		var out []line
		for _, e := range a.Disbursements.Edges {
			out = append(out, e.Node)
		}
		return out
	}

	for _, width := range []int64{1440, 390} {
		listed := linesOf("LISTED")
		if len(listed) < 3 {
			t.Fatalf("%d listed lines in 05431, want at least 3", len(listed))
		}
		chosen := []string{listed[0].ID, listed[1].ID}
		latest := max(listed[0].ListedOn, listed[1].ListedOn)
		tb := signedInTab(t, srv, "canbo.quantrieu", width)
		tb.open(srv, "?ward=05431&lstatus=LISTED&lsort=name:asc")
		tb.waitFor(`document.querySelector("#lines-body")?.getAttribute("aria-busy") === "false" && document.querySelector("#lines-body input.line-check") !== null`)
		for _, id := range chosen {
			tb.click(fmt.Sprintf(`#lines-body input.line-check[data-line="%s"]`, id))
		}
		tb.waitFor(`document.querySelector('#line-actions button[data-step="POST"]')?.dataset.lines === "2"`)
		if got := eval[[]string](tb, `[...document.querySelectorAll("#line-actions button[data-step]")].map((b) => b.dataset.step)`); slices.Contains(got, "APPROVE") || slices.Contains(got, "APPRAISE") {
			t.Errorf("an officer is offered %q", got)
		}
		tb.screenshot(fmt.Sprintf("ward-lines-chosen-%d", width))
		tb.click(`#line-actions button[data-step="POST"]`)
		tb.waitFor(`document.querySelector("#step-dialog[open]") !== null`)
		if got := eval[string](tb, `document.querySelector("#step-date").value`); got != "" {
			t.Errorf("the posting date starts at %q for lines never posted, want empty", got)
		}
		if got := tb.text("#step-summary"); !strings.Contains(got, "2 dòng") {
			t.Errorf("the dialog says %q, want 2 lines", got)
		}
		parts := strings.Split(latest, "-")
		tb.fill("#step-date", parts[2]+"/"+parts[1]+"/"+parts[0])
		tb.click("#step-confirm")
		tb.waitFor(`document.querySelector("#step-dialog") === null`)
		tb.waitFor(`document.body.dataset.state === "ready" && document.querySelector("#lines-body")?.getAttribute("aria-busy") === "false"`)

		posted := map[string]bool{}
		for _, l := range linesOf("POSTED") {
			posted[l.ID] = true
		}
		for _, id := range chosen {
			if !posted[id] {
				t.Errorf("line %s chosen and posted in the browser is not POSTED in the API", id)
			}
		}
		if !slices.ContainsFunc(linesOf("LISTED"), func(l line) bool { return l.ID == listed[2].ID }) {
			t.Errorf("line %s, not chosen, moved too", listed[2].ID)
		}
		for _, id := range chosen {
			if eval[bool](tb, fmt.Sprintf(`document.querySelector('#lines-body input.line-check[data-line="%s"]') !== null`, id)) {
				t.Errorf("line %s still shown among the listed lines after it was posted", id)
			}
		}
		tb.screenshot(fmt.Sprintf("ward-lines-posted-%d", width))
		tb.checkClean()
	}

	leader := signedInTab(t, srv, "lanhdao", 1440)
	leader.open(srv, "?ward=05431&lstatus=POSTED")
	leader.waitFor(`document.querySelector("#lines-body input.line-check") !== null`)
	leader.click(`#lines-body input.line-check`)
	leader.waitFor(`document.querySelector("#line-actions button[data-step]") !== null`)
	if got := eval[[]string](leader, `[...document.querySelectorAll("#line-actions button[data-step]")].map((b) => b.dataset.step)`); !slices.Contains(got, "APPRAISE") || slices.Contains(got, "PAY") || slices.Contains(got, "POST") {
		t.Errorf("a leader is offered %q on a posted line, want APPRAISE and not PAY or POST", got)
	}
}
