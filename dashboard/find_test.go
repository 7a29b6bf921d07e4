package dashboard_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
	"hotro/internal/vntext"
)

// foundLines is what the find test reads of a disbursements answer.
type foundLines struct {
	Disbursements struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				ID, Status, ListedOn string
				Amount               int64
				Beneficiary          struct{ ID, FullName, CitizenID string }
			}
		}
	}
}

const findQuery = `query($filter: DisbursementFilter, $orderBy: DisbursementOrder, $first: Int) {
  disbursements(filter: $filter, orderBy: $orderBy, first: $first) { totalCount
    edges { node { id status listedOn amount beneficiary { id fullName citizenId } } } } }`

// TestFindAnyone works as a ward officer does: types part of a name without accents in the ward
// page's search box and finds the person, sorts by amount, exports what is shown, and opens the
// person's page with their lines and the audit of a step taken on one; a leader sees the same page
// with the name and ID masked. Every figure is checked against the API's answer.
func TestFindAnyone(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	api := srv.NewClient()
	api.SignIn(t, "canbo.quantrieu", seedtest.DemoPassword)
	ask := func(vars map[string]any) foundLines {
		t.Helper()
		res := api.GraphQL(t, findQuery, vars)
		if len(res.Errors) > 0 {
			t.Fatalf("API: %s", res.Raw)
		}
		var a foundLines
		if err := json.Unmarshal(res.Data, &a); err != nil {
			t.Fatal(err)
		}
		return a
	}

	// The person: the first of the ward's listed recipients, by name, with a name of three words or
	// more written with diacritics, and more than one line.
	listed := ask(map[string]any{"filter": map[string]any{"wards": []string{"05431"}, "statuses": []string{"LISTED"}}, "orderBy": map[string]any{"field": "NAME"}, "first": 200})
	var target, lineID, listedOn string
	var name, citizenID string
	var mine foundLines
	for _, e := range listed.Disbursements.Edges {
		b := e.Node.Beneficiary
		if len(strings.Fields(b.FullName)) < 3 || vntext.Fold(b.FullName) == strings.ToLower(b.FullName) || b.CitizenID == "" {
			continue
		}
		if mine = ask(map[string]any{"filter": map[string]any{"wards": []string{"05431"}, "search": b.CitizenID}, "first": 200}); mine.Disbursements.TotalCount < 2 {
			continue
		}
		target, lineID, listedOn = b.ID, e.Node.ID, e.Node.ListedOn
		name, citizenID = b.FullName, b.CitizenID
		break
	}
	if target == "" {
		t.Fatal("no listed recipient with diacritics in 05431")
	}
	// One step on one of their lines, so that their page has an audit to show.
	step := api.GraphQL(t, `mutation($input: TransitionInput!) { transitionDisbursements(input: $input) { lines } }`,
		map[string]any{"input": map[string]any{"step": "POST", "ids": []string{lineID}, "date": listedOn}})
	if len(step.Errors) > 0 {
		t.Fatalf("posting line %s: %s", lineID, step.Raw)
	}
	words := strings.Fields(vntext.Fold(name))
	typed := strings.Join(words[len(words)-2:], " ") // "van hung" of "Trần Văn Hùng"
	wardTotal := ask(map[string]any{"filter": map[string]any{"wards": []string{"05431"}}, "first": 1}).Disbursements.TotalCount
	found := ask(map[string]any{"filter": map[string]any{"wards": []string{"05431"}, "search": typed}, "first": 200})
	byAmount := ask(map[string]any{"filter": map[string]any{"wards": []string{"05431"}, "search": typed},
		"orderBy": map[string]any{"field": "AMOUNT", "direction": "DESC"}, "first": 50})
	t.Logf("%s (%s): typing %q finds %d of %d lines", name, target, typed, found.Disbursements.TotalCount, wardTotal)

	for _, width := range []int64{1440, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := signedInTab(t, srv, "canbo.quantrieu", width)
			tb.open(srv, "?ward=05431")
			tb.waitFor(`document.querySelector("#lines-body")?.getAttribute("aria-busy") === "false"`)
			tb.fill("#lines-search", typed)
			tb.waitFor(fmt.Sprintf(`new URLSearchParams(location.search).get("q") === %q && document.querySelector("#lines-body").getAttribute("aria-busy") === "false"`, typed))
			count := tb.text("#lines-count")
			if got := strings.Split(count, "/"); len(got) != 2 || number(got[0]) != found.Disbursements.TotalCount || number(got[1]) != wardTotal {
				t.Errorf("count %q, want %d / %d", count, found.Disbursements.TotalCount, wardTotal)
			}
			names := eval[[]string](tb, `[...document.querySelectorAll("#lines-body tbody tr a[data-recipient]")].map((a) => a.textContent)`)
			if !containsString(names, name) {
				t.Errorf("typing %q did not find %s: %q", typed, name, names)
			}
			for _, n := range names {
				if !strings.Contains(vntext.Fold(n), typed) {
					t.Errorf("typing %q found %q", typed, n)
				}
			}

			// Largest amount first, as the API sorts.
			tb.choose("#lines-sort", "amount:desc")
			tb.waitFor(`decodeURIComponent(location.search).includes("lsort=amount:desc") && document.querySelector("#lines-body").getAttribute("aria-busy") === "false"`)
			amounts := eval[[]string](tb, `[...document.querySelectorAll("#lines-body tbody tr")].map((tr) => tr.querySelector('[data-col="amount"]').textContent)`)
			if len(amounts) != len(byAmount.Disbursements.Edges) {
				t.Fatalf("%d rows by amount, want %d", len(amounts), len(byAmount.Disbursements.Edges))
			}
			for i, e := range byAmount.Disbursements.Edges {
				if int64(number(amounts[i])) != e.Node.Amount {
					t.Errorf("row %d: %q, want %d đồng", i+1, amounts[i], e.Node.Amount)
				}
			}
			if width == 1440 {
				// The export is what is shown: the same lines in the same order, the name in full.
				href := eval[string](tb, `document.querySelector("#lines-export-csv").href`)
				body := eval[string](tb, fmt.Sprintf(`fetch(%q).then((r) => r.text())`, href))
				rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix([]byte(body), []byte("\xEF\xBB\xBF")))).ReadAll()
				if err != nil || len(rows) != found.Disbursements.TotalCount+2 {
					t.Fatalf("export %s: %d rows (%v), want %d lines, a header and a total", href, len(rows), err, found.Disbursements.TotalCount)
				}
				for i, e := range byAmount.Disbursements.Edges {
					if rows[i+1][1] != e.Node.Beneficiary.FullName || rows[i+1][6] != fmt.Sprint(e.Node.Amount) {
						t.Errorf("export row %d: %q, want %s %d", i+1, rows[i+1][:7], e.Node.Beneficiary.FullName, e.Node.Amount)
					}
				}
			}
			tb.screenshot(fmt.Sprintf("find-ward-officer-%d", width))

			// The view is a link: the same search, a status and the order come back from the URL.
			link := fmt.Sprintf("?ward=05431&q=%s&lstatus=PAID&lsort=amount:desc", strings.ReplaceAll(typed, " ", "+"))
			tb.open(srv, link)
			tb.waitFor(`document.querySelector("#lines-body")?.getAttribute("aria-busy") === "false" && document.querySelector("#lines-count").textContent.includes("/")`)
			paid := ask(map[string]any{"filter": map[string]any{"wards": []string{"05431"}, "search": typed, "statuses": []string{"PAID"}}, "first": 200})
			if got := eval[[]string](tb, `["#lines-search", "#lines-status", "#lines-sort"].map((s) => document.querySelector(s).value)`); strings.Join(got, "|") != typed+"|PAID|amount:desc" {
				t.Errorf("from the link %s the panel shows %q", link, got)
			}
			if got := number(strings.Split(tb.text("#lines-count"), "/")[0]); got != paid.Disbursements.TotalCount {
				t.Errorf("from the link: %d lines, want %d paid", got, paid.Disbursements.TotalCount)
			}
			tb.open(srv, "?ward=05431&q="+strings.ReplaceAll(typed, " ", "+"))
			tb.waitFor(`document.querySelector("#lines-body")?.getAttribute("aria-busy") === "false" && document.querySelector("#lines-body a[data-recipient]") !== null`)

			// The person's page: every line, the step taken, the name in full.
			tb.click(fmt.Sprintf(`#lines-body a[data-recipient="%s"]`, target))
			tb.waitReady("page=recipient", "id="+target)
			tb.waitFor(`document.querySelector("#recipient-history") !== null`)
			if got := tb.text("h1"); got != name {
				t.Errorf("recipient page title %q, want %q", got, name)
			}
			if got := eval[int](tb, `document.querySelectorAll("#recipient-lines tbody tr").length`); got != mine.Disbursements.TotalCount {
				t.Errorf("%d lines on the recipient page, want %d", got, mine.Disbursements.TotalCount)
			}
			history := eval[[]string](tb, `[...document.querySelectorAll("#recipient-history tbody tr")].map((tr) => tr.textContent)`)
			if len(history) != 1 || !strings.Contains(history[0], "#"+lineID) || !strings.Contains(history[0], "Niêm yết một dòng") || !strings.Contains(history[0], "canbo.quantrieu") {
				t.Errorf("history %q, want the post of line %s by canbo.quantrieu", history, lineID)
			}
			if !strings.Contains(tb.text("#recipient"), citizenID) {
				t.Errorf("the officer does not see the ID %s: %q", citizenID, tb.text("#recipient"))
			}
			tb.screenshot(fmt.Sprintf("find-recipient-officer-%d", width))
			tb.checkClean()
		})
	}

	t.Run("a leader sees masked data", func(t *testing.T) {
		for _, width := range []int64{390, 1440} {
			tb := signedInTab(t, srv, "lanhdao", width)
			tb.open(srv, "?page=recipient&id="+target)
			tb.waitFor(`document.querySelector("#recipient-history, #recipient-error") !== null`)
			page := tb.text("main")
			if got := tb.text("h1"); got != auth.MaskName(name) {
				t.Errorf("title %q, want %q", got, auth.MaskName(name))
			}
			if strings.Contains(page, name) || strings.Contains(page, citizenID) || !strings.Contains(page, auth.MaskID(citizenID)) {
				t.Errorf("the leader's page shows the name or the ID in full, or not the masked ID %s: %q", auth.MaskID(citizenID), page)
			}
			if tb.text("#recipient-masked") == "<none>" {
				t.Error("no word that the data is masked")
			}
			if got := eval[int](tb, `document.querySelectorAll("#recipient-history tbody tr").length`); got != 1 {
				t.Errorf("%d changes in the leader's history, want 1", got)
			}
			tb.screenshot(fmt.Sprintf("find-recipient-leader-%d", width))

			// On the ward page a leader finds by the last four digits, and sees them masked.
			tb.open(srv, "?ward=05431")
			tb.waitFor(`document.querySelector("#lines-body")?.getAttribute("aria-busy") === "false"`)
			four := citizenID[len(citizenID)-4:]
			tb.fill("#lines-search", four)
			tb.waitFor(fmt.Sprintf(`decodeURIComponent(location.search).includes("q=%s") && document.querySelector("#lines-body").getAttribute("aria-busy") === "false"`, four))
			ids := eval[[]string](tb, `[...document.querySelectorAll("#lines-body tbody tr")].map((tr) => tr.querySelector('[data-col="citizenId"]').textContent)`)
			if len(ids) == 0 {
				t.Error("the leader found nobody by the last four digits")
			}
			for _, id := range ids {
				if !strings.HasPrefix(id, "****") || !strings.HasSuffix(id, four) {
					t.Errorf("the leader sees ID %q", id)
				}
			}
			tb.screenshot(fmt.Sprintf("find-ward-leader-%d", width))
			tb.checkClean()
		}
	})
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
