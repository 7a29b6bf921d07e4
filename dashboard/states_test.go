package dashboard_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestErrorStateWhenTheDatabaseFails serves the dashboard from a hotro whose database is closed:
// the page says, in Vietnamese, that the figures could not be loaded, and offers to try again.
func TestErrorStateWhenTheDatabaseFails(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	d.Close()

	tb := newTab(t, 390)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitFor(`document.body.dataset.state === "error"`)
	status := tb.text("#status")
	for _, want := range []string{"Không tải được số liệu.", "Thử lại"} {
		if !strings.Contains(status, want) {
			t.Errorf("error state %q lacks %q", status, want)
		}
	}
	if got := eval[string](tb, `document.querySelector("#status").getAttribute("role")`); got != "status" {
		t.Errorf("status region role %q", got)
	}
	tb.screenshot("error-390")
	tb.checkClean()
}

// TestErrorStateWhenTheAPIIsDownOrRefuses cuts /graphql off in the browser (no answer at all), then
// lets it answer 403: each time the page says so in Vietnamese; once the API answers, Thử lại works.
func TestErrorStateWhenTheAPIIsDownOrRefuses(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	mode := "down"
	paused := chromedp.Events(tb.ctx, fetch.RequestPaused)
	tb.do(chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/graphql*"}}})
		return err
	}))
	ctx, cancel := context.WithCancel(tb.ctx)
	defer cancel()
	modes := make(chan string, 1)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			select {
			case m := <-modes:
				mode = m
			default:
			}
			switch mode {
			case "down":
				_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionRefused})
			case "refused":
				_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 403,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/json"}},
					Body:            []byte(`{"error":"Bạn không có quyền."}`)})
			default:
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			}
		}
	}()

	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitFor(`document.body.dataset.state === "error"`)
	if got := tb.text("#status"); !strings.Contains(got, "Không kết nối được máy chủ") {
		t.Errorf("API down: %q", got)
	}
	modes <- "refused"
	tb.click("#status button")
	tb.waitFor(`document.body.dataset.state === "error" && document.querySelector("#status").textContent.includes("từ chối")`)
	modes <- "up"
	tb.click("#status button")
	tb.waitReady()
}

// TestEmptyState asks for a period with no payments: the page says there is no data for the filter.
func TestEmptyState(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?from=2021-01-01&to=2021-01-31"))
	tb.waitFor(`document.body.dataset.state === "empty"`)
	if got := tb.text("#status"); !strings.Contains(got, "Không có số liệu cho bộ lọc này.") {
		t.Errorf("empty state %q", got)
	}
	if n := eval[int](tb, `document.querySelectorAll(".chart").length`); n != 0 {
		t.Errorf("%d charts drawn for no data", n)
	}
	tb.checkClean()
}

// TestWithheldCellsForVisitors narrows the public figures to a small group: the wards counting
// fewer than five people (and those that would give them away) read "ẩn" (withheld), with a note;
// the total still counts them.
func TestWithheldCellsForVisitors(t *testing.T) {
	srv := demoServer(t)
	want := apiTotals(t, srv.URL, map[string]any{"groups": []string{"CHAM_DUT_HDLD"}})
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?groups=CHAM_DUT_HDLD"))
	tb.waitReady()
	tb.checkKPIs(want, "vi")
	got := eval[map[string]any](tb, `({
		withheld: [...document.querySelectorAll("table.wards tbody td")].filter((td) => td.textContent === "ẩn").length,
		note: (document.querySelector("table.wards caption .note") || {}).textContent || "",
		total: document.querySelector("table.wards tfoot td:nth-child(2)").textContent,
	})`)
	if got["withheld"].(float64) == 0 || !strings.Contains(got["note"].(string), "dưới 5 người") {
		t.Errorf("withheld cells: %v", got)
	}
	if got["total"] != formatVND(want.AmountPaid, "vi") {
		t.Errorf("ward table total %v, want %s", got["total"], formatVND(want.AmountPaid, "vi"))
	}
	tb.screenshot("withheld-1440")
	tb.checkClean()
}

// TestVisitorsReadTheReleaseTables: a visitor's page asks only for what the release tables hold.
// A ward and a group together: the wards and groups are shown, while the time and fund cards say
// why they are empty. Two groups at once: the page says what the public figures hold, without a
// button to try again. A small group by week: the withheld weeks keep their place in time and read "<5".
func TestVisitorsReadTheReleaseTables(t *testing.T) {
	srv := demoServer(t)
	for _, width := range []int64{1440, 390} {
		tb := newTab(t, width)
		tb.do(chromedp.Navigate(srv.URL + "/?groups=HO_NGHEO&wards=05431"))
		tb.waitReady()
		want := apiTotals(t, srv.URL, map[string]any{"groups": []string{"HO_NGHEO"}, "wards": []string{"05431"}})
		tb.checkKPIs(want, "vi")
		got := eval[map[string]any](tb, `({
			unavailable: [...document.querySelectorAll("section.card-unavailable")].map((s) => s.id),
			note: (document.querySelector("#time .note") || {}).textContent || "",
			wardRows: document.querySelectorAll("table.wards tbody tr").length,
		})`)
		if strings.Join(toStrings(got["unavailable"]), ",") != "time,funds" || !strings.Contains(got["note"].(string), "phường/xã × tháng") ||
			got["wardRows"].(float64) != 1 {
			t.Errorf("ward and group at %d px: %v", width, got)
		}
		tb.screenshot(fmt.Sprintf("visitor-ward-group-%d", width))

		tb.do(chromedp.Navigate(srv.URL + "/?groups=HO_NGHEO,HO_CAN_NGHEO"))
		tb.waitFor(`document.body.dataset.state === "error"`)
		if got := tb.text("#status"); !strings.Contains(got, "Số liệu công khai chỉ lọc theo một chương trình, một nhóm") || strings.Contains(got, "Thử lại") {
			t.Errorf("two groups for a visitor: %q", got)
		}
		tb.screenshot(fmt.Sprintf("visitor-two-groups-%d", width))
	}
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?groups=CHAM_DUT_HDLD&bucket=WEEK"))
	tb.waitReady()
	rows := eval[[]map[string]string](tb, `[...document.querySelectorAll("#time-table tbody tr")].map((tr) => ({
		week: tr.querySelector("th").textContent, paid: tr.querySelector("td").textContent }))`)
	withheld, last := 0, ""
	for _, r := range rows {
		if r["week"] < last && strings.HasPrefix(r["week"], "Tuần") && strings.HasPrefix(last, "Tuần") && len(r["week"]) == len(last) {
			t.Errorf("week %s after %s: time out of order", r["week"], last)
		}
		last = r["week"]
		if r["paid"] == "<5" {
			withheld++
		}
	}
	if withheld == 0 || withheld == len(rows) {
		t.Errorf("weeks of a small group: %v (want some withheld, in their place)", rows)
	}
	notes := eval[string](tb, `[...document.querySelectorAll("#time-table .note, #time [data-cumulative-note]")].map((n) => n.textContent).join(" ")`)
	if !strings.Contains(notes, "“<5”: kỳ có số liệu dưới 5 người") || !strings.Contains(notes, "Luỹ kế không tính các kỳ bị ẩn (<5)") {
		t.Errorf("time table notes %q do not say the running total leaves out withheld weeks", notes)
	}
	tb.checkClean()
}
