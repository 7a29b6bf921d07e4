package dashboard_test

import (
	"fmt"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestWorkingGroupDrawsASampleAndRecordsAVisit signs the working group's demo account in through
// the form: it lands on the supervision page, draws a sample of 5 paid lines of Quán Triều from a
// seed, sees them in full (the API draws the same lines and records each recipient read), records
// one "not found", and the board shows it on the ward's row and among the anomalies. At 390 px the
// page is no wider than the screen.
func TestWorkingGroupDrawsASampleAndRecordsAVisit(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	api, admin := srv.NewClient(), srv.NewClient()
	api.SignIn(t, "giamsat", seedtest.DemoPassword)
	admin.SignIn(t, "quantri", seedtest.DemoPassword)
	if r := srv.NewClient().GraphQL(t, `query { supervisionBoard { truncated } }`, nil); r.Code() != "FORBIDDEN" {
		t.Errorf("a visitor's supervisionBoard: %s, want FORBIDDEN", r.Raw)
	}

	tb := newTab(t, 1440)
	tb.open(srv, "?page=signin")
	tb.fill("#username", "giamsat")
	tb.fill("#password", seedtest.DemoPassword)
	eval[bool](tb, `(document.querySelector("#password").form.requestSubmit(), true)`)
	tb.waitReady("page=supervision")
	tb.waitFor(`document.querySelector("#sv-wards-table") !== null && document.querySelector("#sv-draw-form") !== null`)
	if got := tb.text("h1"); got != "Giám sát danh sách và chi trả" {
		t.Errorf("the working group lands on %q", got)
	}
	if got := eval[string](tb, `document.querySelector('#sv-wards-table tr[data-ward="05431"]')?.dataset.notFound ?? "none"`); got != "0" {
		t.Errorf("before any visit Quán Triều's row counts %s not found", got)
	}

	tb.choose("#sv-ward", "05431")
	tb.fill("#sv-size", "5")
	tb.fill("#sv-seed", "tct-quantrieu-1")
	tb.click("#sv-draw")
	tb.waitReady("page=supervision", "check=")
	tb.waitFor(`document.querySelectorAll("#sv-check-lines tbody tr").length === 5`)

	var checks struct {
		SpotChecks []struct {
			ID, Seed string
			Ward     struct{ Code string }
			Lines    []struct {
				Line struct {
					ID          string
					Beneficiary struct{ FullName, CitizenID string }
				}
			}
		}
	}
	graphqlAs(t, api, `{ spotChecks(first: 1) { id seed ward { code } lines { line { id beneficiary { fullName citizenId } } } } }`, nil, &checks)
	check := checks.SpotChecks[0]
	if check.Seed != "tct-quantrieu-1" || check.Ward.Code != "05431" || len(check.Lines) != 5 {
		t.Fatalf("the API's spot check: %+v", check)
	}
	shown := eval[[]map[string]string](tb, `[...document.querySelectorAll("#sv-check-lines tbody tr")].map((tr) => ({id: tr.dataset.line, name: tr.querySelector("th").textContent, cid: tr.children[2].textContent}))`)
	for i, l := range check.Lines {
		if shown[i]["id"] != l.Line.ID || shown[i]["name"] != l.Line.Beneficiary.FullName || shown[i]["cid"] != l.Line.Beneficiary.CitizenID {
			t.Errorf("row %d shows %v, want line %s of %s (%s) in full", i+1, shown[i], l.Line.ID, l.Line.Beneficiary.FullName, l.Line.Beneficiary.CitizenID)
		}
		if strings.Contains(shown[i]["cid"], "*") {
			t.Errorf("row %d masks the ID: %s", i+1, shown[i]["cid"])
		}
	}
	if got := eval[string](tb, `document.querySelector("#sv-ward").value`); got != "05431" {
		t.Errorf("after the draw the form offers ward %q, want the check's 05431", got)
	}
	tb.screenshot("supervision-drawn-1440")

	first := check.Lines[0].Line.ID
	tb.choose(fmt.Sprintf("#sv-line-%s-result", first), "NOT_FOUND")
	tb.fill(fmt.Sprintf("#sv-line-%s-note", first), "Không có ai tên này ở địa chỉ")
	tb.click(fmt.Sprintf("#sv-line-%s-save", first))
	tb.waitFor(`document.querySelector('#sv-wards-table tr[data-ward="05431"]')?.dataset.notFound === "1"`)
	tb.waitFor(`document.querySelector('.sv-anomaly[data-kind="SPOT_CHECK_FAILED"][data-ward="05431"]') !== null`)
	if got := eval[string](tb, `[...document.querySelectorAll('.sv-anomaly[data-kind="SPOT_CHECK_FAILED"] tr[data-line]')].map((tr) => tr.dataset.line).join(",")`); got != first {
		t.Errorf("the failed-visit anomaly lists lines %q, want %s", got, first)
	}

	var board struct {
		SupervisionBoard struct {
			Wards []struct {
				Ward       struct{ Code string }
				SpotChecks struct{ Drawn, Visited, NotFound int }
			}
		}
	}
	graphqlAs(t, api, `{ supervisionBoard(wards: ["05431"]) { wards { ward { code } spotChecks { drawn visited notFound } } } }`, nil, &board)
	if w := board.SupervisionBoard.Wards; len(w) != 1 || w[0].SpotChecks.Drawn != 5 || w[0].SpotChecks.Visited != 1 || w[0].SpotChecks.NotFound != 1 {
		t.Errorf("the API's board for 05431: %+v", w)
	}
	shownRow := eval[[]string](tb, `[...document.querySelectorAll('#sv-wards-table tr[data-ward="05431"] td')].map((td) => td.textContent)`)
	if len(shownRow) < 8 || shownRow[3] != "5" || shownRow[4] != "1" || shownRow[7] != "1" {
		t.Errorf("Quán Triều's row reads %v: want 5 drawn, 1 visited, 1 not found", shownRow)
	}

	var audit struct {
		AuditEvents struct{ TotalCount int }
	}
	graphqlAs(t, admin, `{ auditEvents(filter: { actors: ["giamsat"], actions: ["personal.read"] }) { totalCount } }`, nil, &audit)
	if audit.AuditEvents.TotalCount < 5 {
		t.Errorf("%d reads in full recorded for the working group, want at least the 5 drawn recipients", audit.AuditEvents.TotalCount)
	}
	graphqlAs(t, admin, `{ auditEvents(filter: { actors: ["giamsat"], actions: ["spotcheck.draw", "spotcheck.visit"] }) { totalCount } }`, nil, &audit)
	if audit.AuditEvents.TotalCount != 2 {
		t.Errorf("%d spot-check events, want the draw and the visit", audit.AuditEvents.TotalCount)
	}
	tb.waitFor(`document.querySelector('#sv-checks-list li')?.textContent.includes("1/5")`)
	tb.screenshot("supervision-1440")

	tb.do(tb.viewport(390))
	if w := eval[[]float64](tb, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		t.Errorf("at 390 px the page is %v px wide in a %v px window", w[0], w[1])
	}
	if wide := eval[[]string](tb, `[...document.querySelectorAll("#sv-wards-table th, #sv-check-lines td, #sv-check-lines th")].filter((c) => c.getClientRects().length && c.getBoundingClientRect().right > innerWidth + 1).map((c) => c.textContent.slice(0, 30) + " " + Math.round(c.getBoundingClientRect().right))`); len(wide) > 0 {
		t.Errorf("at 390 px cells of the wards table or of the drawn lines run past the screen: %q", wide)
	}
	eval[bool](tb, `(window.scrollTo(0, 0), true)`)
	tb.screenshot("supervision-390")
	tb.firstScreen("supervision-first-390")
	for _, part := range []string{"sv-check-lines", "sv-wards", "sv-anomalies"} {
		eval[bool](tb, fmt.Sprintf(`(document.getElementById(%q).scrollIntoView(), true)`, part))
		tb.firstScreen("supervision-" + part + "-390")
	}
}
