package dashboard_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestOverviewShowsTheAPIsFigures loads the dashboard at a phone's and a desktop's width and finds
// the KPI values, the ward table's totals and the demo banner as the API gives them; every chart
// is backed by a table for screen readers.
func TestOverviewShowsTheAPIsFigures(t *testing.T) {
	srv := demoServer(t)
	want := apiTotals(t, srv.URL, nil)

	for _, width := range []int64{1920, 1440, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := newTab(t, width)
			tb.do(chromedp.Navigate(srv.URL + "/"))
			tb.waitReady()
			tb.checkKPIs(want, "vi")
			// Nothing missing shows as a programmer's word (a null appended as text).
			if text := eval[string](tb, `document.querySelector("main").innerText`); regexp.MustCompile(`\b(null|undefined|NaN)\b|\[object Object\]`).MatchString(text) {
				t.Errorf("the page shows a missing value as text: %q", regexp.MustCompile(`.{0,40}\b(null|undefined|NaN)\b.{0,40}`).FindString(text))
			}
			if got := tb.text("table.wards tfoot td:nth-child(2)"); got != formatVND(want.AmountPaid, "vi") {
				t.Errorf("ward table total %q, want %q", got, formatVND(want.AmountPaid, "vi"))
			}
			if n := eval[int](tb, `document.querySelectorAll("table.wards tbody tr").length`); n != 32 {
				t.Errorf("ward table has %d wards, want the city's 32", n)
			}
			if got := tb.text("#banner"); !strings.HasPrefix(got, "Dữ liệu minh hoạ (demo)") {
				t.Errorf("demo banner %q", got)
			}
			if got := tb.text(".as-of"); !regexp.MustCompile(`^Cập nhật lúc \d\d/\d\d/\d{4} \d\d:\d\d`).MatchString(got) {
				t.Errorf("as-of line %q", got)
			}
			checkAccessibleCharts(t, tb)
			if width < 600 {
				if w := eval[int](tb, `document.documentElement.scrollWidth`); w > int(width) {
					t.Errorf("page is %d px wide on a %d px phone: something overflows", w, width)
				}
			}
			tb.screenshot(fmt.Sprintf("overview-%d", width))
			png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			_ = os.WriteFile(filepath.Join(screenshotDir(t), fmt.Sprintf("overview-%d-first-screen.png", width)), png, 0o644)
			tb.checkClean()
		})
	}
}

// checkAccessibleCharts checks the landmarks, and that every chart is labelled and has its table.
func checkAccessibleCharts(t *testing.T, tb *tab) {
	t.Helper()
	got := eval[map[string]any](tb, `({
		landmarks: ["header", "main", "nav", "form[role=search]", "[role=status][aria-live]"].every((s) => document.querySelector(s)),
		charts: document.querySelectorAll(".chart").length,
		labelled: [...document.querySelectorAll(".chart")].every((c) => c.getAttribute("role") === "img" && c.getAttribute("aria-label")),
		backed: [...document.querySelectorAll(".chart")].every((c) => c.closest("section").querySelector("table caption")),
		headers: [...document.querySelectorAll("table.data thead th")].every((th) => th.getAttribute("scope") === "col"),
		h1: document.querySelectorAll("h1").length,
	})`)
	wantGot := map[string]any{"landmarks": true, "charts": float64(6), // five charts and the map
		"labelled": true, "backed": true, "headers": true, "h1": float64(1)}
	for k, v := range wantGot {
		if got[k] != v {
			t.Errorf("accessibility: %s = %v, want %v", k, got[k], v)
		}
	}
}

// TestPrintIsA4Landscape prints the overview to PDF as the browser's print does (the page's own
// @page size) and finds landscape A4 pages with the title, the filters and the as-of time.
func TestPrintIsA4Landscape(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?groups=HO_NGHEO"))
	tb.waitReady()
	pdf, err := chromedp.Run(tb.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		tb.fail(err)
	}
	path := filepath.Join(screenshotDir(t), "overview-print.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("print: %s (%d bytes)", path, len(pdf))
	// A4 landscape is 297 × 210 mm: 841.89 × 595.28 points.
	box := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*\]`).FindSubmatch(pdf)
	if box == nil {
		t.Fatalf("no MediaBox in the PDF")
	}
	w, _ := strconv.ParseFloat(string(box[1]), 64)
	h, _ := strconv.ParseFloat(string(box[2]), 64)
	if math.Abs(w-841.89) > 2 || math.Abs(h-595.28) > 2 {
		t.Errorf("printed page %.2f × %.2f pt, want A4 landscape 841.89 × 595.28", w, h)
	}
	if !bytes.Contains(pdf, []byte("/Type /Page")) && !bytes.Contains(pdf, []byte("/Type/Page")) {
		t.Error("the PDF has no pages")
	}
	// What print shows and hides, from the print style sheet.
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		tb.fail(err)
	}
	visible := eval[map[string]string](tb, `Object.fromEntries(["h1", ".context", ".brand-title", ".filters", ".tools", ".exports", "#banner"].map(
		(s) => [s, getComputedStyle(document.querySelector(s)).display]))`)
	for sel, want := range map[string]bool{"h1": true, ".context": true, ".brand-title": true, ".filters": false, ".tools": false, ".exports": false, "#banner": true} {
		if shown := visible[sel] != "none"; shown != want {
			t.Errorf("print: %s shown = %v, want %v", sel, shown, want)
		}
	}
	tb.checkClean()
}
