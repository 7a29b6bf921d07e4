package dashboard_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFilterChangesTheURLAndTheNumbers applies a filter through the filter bar, sees the URL and the
// KPI cards change to the API's figures for that filter, and goes back and forward.
func TestFilterChangesTheURLAndTheNumbers(t *testing.T) {
	srv := demoServer(t)
	all := apiTotals(t, srv.URL, nil)
	poor := apiTotals(t, srv.URL, map[string]any{"groups": []string{"HO_NGHEO"}})
	if poor.AmountPaid == 0 || poor.AmountPaid >= all.AmountPaid {
		t.Fatalf("demo data: poor households paid %d of %d", poor.AmountPaid, all.AmountPaid)
	}

	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitReady()
	tb.checkKPIs(all, "vi")

	tb.click("#f-groups")
	tb.click("#f-groups-HO_NGHEO")
	tb.waitReady("groups=HO_NGHEO")
	if got := tb.search(); got != "?groups=HO_NGHEO" {
		t.Errorf("URL query after choosing a group: %q, want ?groups=HO_NGHEO", got)
	}
	tb.checkKPIs(poor, "vi")
	// The summary is short (the group's short name); the full name is its title.
	if got := tb.text("#f-groups .multi-value"); got != "Hộ nghèo" {
		t.Errorf("group filter summary %q", got)
	}
	if got := eval[string](tb, `document.querySelector("#f-groups .multi-value").title`); got != "Hộ nghèo theo chuẩn nghèo quốc gia trong danh sách đến ngày 31/12/2019" {
		t.Errorf("group filter summary's title %q", got)
	}

	// A date range typed the Vietnamese way. A visitor's public figures come by whole week or
	// month: with the start alone the page says so, with the week's Sunday it shows the week.
	tb.do(chromedp.SendKeys(chromedp.CSS("#f-from"), "04/05/2020\t"))
	tb.waitFor(`document.body.dataset.state === "error" && location.search.includes("from=2020-05-04")`)
	if got := tb.text("#status"); !strings.Contains(got, "trọn một tháng hoặc một tuần") || strings.Contains(got, "Thử lại") {
		t.Errorf("a half range for a visitor says %q, want what the public figures hold and no retry", got)
	}
	tb.do(chromedp.SendKeys(chromedp.CSS("#f-to"), "10/05/2020\t"))
	tb.waitReady("to=2020-05-10")
	week := apiTotals(t, srv.URL, map[string]any{"groups": []string{"HO_NGHEO"}, "paidFrom": "2020-05-04", "paidTo": "2020-05-10"})
	tb.checkKPIs(week, "vi")

	// A date that does not exist is refused in words, and changes nothing.
	tb.do(chromedp.SendKeys(chromedp.CSS("#f-to"), "\b\b\b\b\b\b\b\b\b\b31/02/2020\t"))
	tb.waitFor(`document.querySelector("#f-to").getAttribute("aria-invalid") === "true"`)
	if got := tb.text("#f-to-error"); got != "Ngày không hợp lệ, hãy viết dd/mm/yyyy." {
		t.Errorf("invalid date message %q", got)
	}

	// Back and forward walk the history of views.
	tb.do(chromedp.NavigateBack())
	tb.waitFor(`!location.search.includes("to=")`)
	tb.waitFor(`document.body.dataset.state === "error" && location.search.includes("from=2020-05-04")`)
	tb.do(chromedp.NavigateBack())
	tb.waitFor(`!location.search.includes("from=")`)
	tb.waitReady("groups=HO_NGHEO")
	tb.checkKPIs(poor, "vi")
	tb.do(chromedp.NavigateBack())
	tb.waitFor(`location.search === ""`)
	tb.waitReady()
	tb.checkKPIs(all, "vi")
	tb.do(chromedp.NavigateForward())
	tb.waitReady("groups=HO_NGHEO")
	tb.checkKPIs(poor, "vi")
	tb.checkClean()
}

// TestSharedLinkReproducesTheView opens a copied link and finds the view it names: filters set,
// figures for those filters, the time chart by week (a visitor's: one group, as the public
// figures answer).
func TestSharedLinkReproducesTheView(t *testing.T) {
	srv := demoServer(t)
	filter := map[string]any{"programs": []string{"NQ42-2020"}, "groups": []string{"HO_NGHEO"}}
	want := apiTotals(t, srv.URL, filter)

	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?program=NQ42-2020&groups=HO_NGHEO&bucket=WEEK&sort=name:asc"))
	tb.waitReady()
	tb.checkKPIs(want, "vi")
	state := eval[map[string]any](tb, `({
		program: document.querySelector("#f-program").value,
		poor: document.querySelector("#f-groups-HO_NGHEO").checked,
		nearPoor: document.querySelector("#f-groups-HO_CAN_NGHEO").checked,
		other: document.querySelector("#f-groups-NGUOI_CO_CONG").checked,
		from: document.querySelector("#f-from").value,
		to: document.querySelector("#f-to").value,
		week: document.querySelector('[data-bucket="WEEK"]').checked,
		firstWard: document.querySelector("table.wards tbody th").textContent,
		sortedBy: document.querySelector('table.wards th[aria-sort="ascending"]').textContent,
		summary: document.querySelector(".filter-summary").textContent,
	})`)
	wantState := map[string]any{"program": "NQ42-2020", "poor": true, "nearPoor": false, "other": false,
		"from": "", "to": "", "week": true, "firstWard": "Phường Cam Giá", "sortedBy": "Phường/xã▲"}
	for k, v := range wantState {
		if state[k] != v {
			t.Errorf("shared link: %s = %v, want %v", k, state[k], v)
		}
	}
	t.Logf("filter summary: %s", state["summary"])
	weeks := eval[[]string](tb, `[...document.querySelectorAll("#time-table tbody th")].map((th) => th.textContent)`)
	if len(weeks) < 2 || !strings.HasPrefix(weeks[0], "Tuần ") || !strings.HasSuffix(weeks[0], "/2020)") {
		t.Errorf("weeks in the time table: %q", weeks)
	}
	tb.checkClean()
}
