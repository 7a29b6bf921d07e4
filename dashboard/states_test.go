package dashboard_test

import (
	"context"
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
