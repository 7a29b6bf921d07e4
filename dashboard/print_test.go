package dashboard_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPrintedPages prints the overview as "In báo cáo" does (A4 landscape, the page's print style
// sheet) and reads the PDF back: the wards table's header row is on every page that holds ward
// rows, no control prints (sort arrows, buttons, export links), the charts are redrawn at their
// printed size, and no page but the last is half empty. The pages are written as PNGs to
// bin/screenshots/print-overview-N.png and print-ward-N.png for people to look at.
func TestPrintedPages(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (poppler-utils) is not installed: the printed pages cannot be read", tool)
		}
	}
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitReady()

	// While printing, every chart's canvas is redrawn to the height of its printed box.
	unfit := eval[[]string](tb, `(() => {
		dispatchEvent(new Event("beforeprint"));
		const bad = [...document.querySelectorAll(".chart")].filter((c) => {
			const canvas = c.querySelector("canvas");
			return canvas && Math.abs(canvas.getBoundingClientRect().height - c.getBoundingClientRect().height) > 2;
		}).map((c) => c.id);
		dispatchEvent(new Event("afterprint"));
		return bad;
	})()`)
	if len(unfit) > 0 {
		t.Errorf("charts not redrawn at their printed size: %v", unfit)
	}

	checkWardTable(t, printPages(t, tb, "print-overview"))
	// A ward's page prints the same way: no controls, no half-empty page.
	code := eval[string](tb, `document.querySelector("table.wards tbody a").dataset.ward`)
	tb.do(chromedp.Navigate(srv.URL + "/?ward=" + code))
	tb.waitReady("ward=" + code)
	printPages(t, tb, "print-ward")
	tb.checkClean()

	// Signed in, a leader's overview (every figure, no withheld cell) and a ward officer's page
	// (with the lines and their check boxes) print the same way.
	for _, sc := range []struct{ name, user string }{{"leader", "lanhdao"}, {"officer", "canbo.quantrieu"}} {
		t.Run(sc.name, func(t *testing.T) {
			tb := signedInTab(t, srv, sc.user, 1440)
			tb.open(srv, "")
			pages := printPages(t, tb, "print-"+sc.name)
			if sc.name == "leader" {
				checkWardTable(t, pages)
			}
			tb.checkClean()
		})
	}
}

// checkWardTable finds the wards table's header row on every printed page that holds ward rows,
// every ward printed, and its totals row once, at its end.
func checkWardTable(t *testing.T, pages []string) {
	t.Helper()
	wardRow := regexp.MustCompile(`(?m)^\s*(Phường|Xã) [^\n]*?\s(\d[\d.]* ₫|ẩn)\s`)
	header := regexp.MustCompile(`Phường/xã\s+Đã chi trả\s+(Phản ánh\s+)?Tỷ lệ\s+Số người\s+Số đối tượng`)
	rowsPrinted := 0
	for i, page := range pages {
		rows := len(wardRow.FindAllString(page, -1))
		rowsPrinted += rows
		if rows > 0 && !header.MatchString(page) {
			t.Errorf("page %d holds %d ward rows without the table's header row:\n%s", i+1, rows, page)
		}
	}
	if rowsPrinted < 30 {
		t.Errorf("%d ward rows printed, want every ward (the demo city has 32)", rowsPrinted)
	}
	if n := strings.Count(strings.Join(pages, "\f"), "Tổng cộng"); n != 1 {
		t.Errorf("the wards table's totals row is printed %d times, want once, at its end", n)
	}
}

// printPages prints the page to bin/screenshots/NAME.pdf and NAME-N.png (one a page) and returns
// each page's text; it fails the test where a control prints or a page but the last is half empty.
func printPages(t *testing.T, tb *tab, name string) []string {
	t.Helper()
	pdf, err := chromedp.Run(tb.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		tb.fail(err)
	}
	dir := screenshotDir(t)
	pdfPath := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", pdfPath, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f\n"), "\f")
	t.Logf("%s: %s, %d pages", name, pdfPath, len(pages))
	for _, control := range []string{"↕", "▲", "▼", "Tải CSV", "Nhúng", "In báo cáo", "Đăng nhập"} {
		if strings.Contains(string(out), control) {
			t.Errorf("%s: the printed pages show the control %q", name, control)
		}
	}

	// No page but the last is half empty: its lowest ink is in the bottom third of the page.
	prefix := filepath.Join(dir, name)
	old, _ := filepath.Glob(prefix + "-*.png")
	for _, f := range old {
		_ = os.Remove(f)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "50", pdfPath, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	files, _ := filepath.Glob(prefix + "-*.png")
	if len(files) != len(pages) {
		t.Fatalf("%s: %d page images for %d pages", name, len(files), len(pages))
	}
	for i, f := range files[:len(files)-1] {
		filled := inkDepth(t, f)
		t.Logf("%s page %d: filled to %.0f%% of its height (%s)", name, i+1, filled*100, f)
		if filled < 0.67 {
			t.Errorf("%s page %d is filled only to %.0f%% of its height: the printout leaves it half empty", name, i+1, filled*100)
		}
	}
	return pages
}

// inkDepth is how far down a page image its lowest non-white pixel is, as a share of its height.
func inkDepth(t *testing.T, path string) float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	r := img.Bounds()
	for y := r.Max.Y - 1; y >= r.Min.Y; y-- {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !white(img, x, y) {
				return float64(y-r.Min.Y+1) / float64(r.Dy())
			}
		}
	}
	return 0
}

func white(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r > 0xf000 && g > 0xf000 && b > 0xf000
}
