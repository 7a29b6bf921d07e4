package dashboard_test

// The dashboard in a real headless Chromium, against the whole of hotro over the demo data.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/browsertest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// The browser is started once per test binary; each test gets its own browser context (cookies,
// storage and cache of its own) and tab.
var browser struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.stop != nil {
		browser.stop()
	}
	os.Exit(code)
}

func startBrowser(t *testing.T) context.Context {
	t.Helper()
	browser.once.Do(func() {
		browser.ctx, browser.stop, browser.err = browsertest.Start(browsertest.Options{Width: 1440, Height: 900})
	})
	if browser.err != nil {
		t.Fatalf("the dashboard's browser tests need headless Chromium: %v", browser.err)
	}
	return browser.ctx
}

// A tab is one page in a fresh browser context, with what the page said on its console.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string // uncaught exceptions and CSP violations
	console  []string
}

// newTab opens a tab of the given viewport width (height 900) for the test, closed when it ends.
func newTab(t *testing.T, width int64) *tab {
	t.Helper()
	return newTabFor(t, width, 3*time.Minute)
}

// newTabFor is newTab for a tab that serves many checks: it is given up after limit.
func newTabFor(t *testing.T, width int64, limit time.Duration) *tab {
	t.Helper()
	parent := startBrowser(t)
	tb := &tab{t: t}
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext(), chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(cancelTimeout)
	tb.ctx = ctx
	tb.do(tb.viewport(width))
	return tb
}

func (tb *tab) viewport(width int64) chromedp.Action[chromedp.Void] {
	if width < 600 {
		return chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)
	}
	return chromedp.EmulateViewport(width, 900)
}

func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		text := ev.ExceptionDetails.Text
		if ex := ev.ExceptionDetails.Exception; ex != nil {
			text += " " + ex.Description
		}
		tb.problems = append(tb.problems, "exception: "+text)
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		tb.console = append(tb.console, string(ev.Type)+": "+strings.Join(parts, " "))
	case *log.EventEntryAdded:
		text := ev.Entry.Text
		if strings.Contains(text, "Content Security Policy") || strings.Contains(text, "Refused to") {
			tb.problems = append(tb.problems, "CSP: "+text)
		}
		tb.console = append(tb.console, string(ev.Entry.Level)+": "+text)
	}
}

// checkClean fails the test if the page threw or broke its Content Security Policy.
func (tb *tab) checkClean() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("page: %s", p)
	}
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.fail(err)
	}
}

func (tb *tab) fail(err error) {
	tb.t.Helper()
	tb.mu.Lock()
	console := strings.Join(tb.console, "\n  ")
	tb.mu.Unlock()
	url, _ := chromedp.Run(tb.ctx, chromedp.Location())
	tb.t.Fatalf("browser at %s: %v\nconsole:\n  %s", url, err, console)
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes its value.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.fail(fmt.Errorf("eval %s: %w", expr, err))
	}
	return v
}

// waitFor waits until the JavaScript condition holds.
func (tb *tab) waitFor(cond string) {
	tb.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](cond,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		tb.fail(fmt.Errorf("waiting for %s: %w", cond, err))
	}
}

// waitReady waits until the page has drawn its figures for a URL whose query string holds every
// one of the parts.
func (tb *tab) waitReady(parts ...string) {
	tb.t.Helper()
	cond := `document.body.dataset.state === "ready"`
	for _, p := range parts {
		b, _ := json.Marshal(p)
		cond += fmt.Sprintf(` && decodeURIComponent(location.search).includes(%s)`, b)
	}
	tb.waitFor(cond)
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	b, _ := json.Marshal(sel)
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%s) || {textContent: "<none>"}).textContent`, b))
}

func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

func (tb *tab) search() string {
	return eval[string](tb, `decodeURIComponent(location.search)`)
}

// screenshot writes a full-page PNG to bin/screenshots/NAME.png for people to look at.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.fail(err)
	}
	dir := screenshotDir(tb.t)
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
}

func screenshotDir(t *testing.T) string {
	dir := os.Getenv("HOTRO_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "bin", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	return abs
}

// demoServer starts hotro over the shared demo database.
func demoServer(t *testing.T) *apptest.Server {
	t.Helper()
	return apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), nil)
}

// totals is what the API says of a filter.
type totals struct {
	AmountPaid      int64 `json:"amountPaid"`
	PeopleSupported int64 `json:"peopleSupported"`
	Beneficiaries   int64 `json:"beneficiaries"`
	Disbursements   int64 `json:"disbursements"`
	AmountListed    int64 `json:"amountListed"`
	AmountApproved  int64 `json:"amountApproved"`
}

// graphql runs a query against the server, independently of the dashboard, and decodes its data.
func graphql(t *testing.T, base, query string, variables map[string]any, into any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
		t.Fatal(err)
	}
	if len(answer.Errors) > 0 {
		t.Fatalf("API: %s", answer.Errors[0].Message)
	}
	if err := json.Unmarshal(answer.Data, into); err != nil {
		t.Fatal(err)
	}
}

// apiTotals returns the API's totals for a filter, asked with the dashboard's PublicOverview
// operation (the only kind of document the API runs for visitors who are not signed in).
func apiTotals(t *testing.T, base string, filter map[string]any) totals {
	t.Helper()
	var data struct {
		Total struct{ Total totals } `json:"total"`
	}
	graphql(t, base, operation(t, "PublicOverview"), publicVars(filter, "WEEK"), &data)
	return data.Total.Total
}

// publicVars are the PublicOverview variables the page sends for a filter (public.js): the parts
// the release tables hold for it, by week or month.
func publicVars(filter map[string]any, bucket string) map[string]any {
	dims := map[string]bool{}
	has := func(k string) bool { v, ok := filter[k]; return ok && v != nil }
	if has("wards") || has("provinces") {
		dims["U"] = true
	}
	if has("groups") {
		dims["G"] = true
	}
	if has("funds") {
		dims["F"] = true
	}
	if has("paidFrom") {
		from, _ := time.Parse(time.DateOnly, filter["paidFrom"].(string))
		if from.Day() == 1 {
			dims["M"] = true
		} else {
			dims["W"] = true
		}
	}
	answerable := func(extra string) bool {
		d := map[string]bool{extra: true}
		for k := range dims {
			d[k] = true
		}
		switch {
		case len(d) <= 1:
			return true
		case len(d) > 2:
			return false
		case d["U"]:
			return !d["W"]
		}
		return d["G"] && d["W"]
	}
	period := "W"
	if bucket == "MONTH" {
		period = "M"
	}
	return map[string]any{"filter": filter, "bucket": bucket, "withWards": answerable("U"), "withGroups": answerable("G"),
		"withFunds": answerable("F"), "withTime": answerable(period)}
}

// operation returns the text of queries/NAME.graphql.
func operation(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("queries", name+".graphql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// formatVND writes an amount as the dashboard must: 16.912.500.000 ₫ (vi) or 16,912,500,000 VND (en).
func formatVND(amount int64, lang string) string {
	sep, unit := ".", "₫"
	if lang == "en" {
		sep, unit = ",", "VND"
	}
	return groupDigits(amount, sep) + "\u00a0" + unit
}

func groupDigits(n int64, sep string) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// kpis reads the KPI cards: the exact figure each card holds and its visible texts.
func (tb *tab) kpis() map[string]struct{ Value, Big, Note string } {
	tb.t.Helper()
	return eval[map[string]struct{ Value, Big, Note string }](tb, `Object.fromEntries([...document.querySelectorAll("[data-kpi]")].map(
		(li) => [li.dataset.kpi, {Value: li.dataset.value, Big: li.querySelector(".kpi-value").textContent, Note: li.querySelector(".kpi-note").textContent}]))`)
}

// checkKPIs compares the KPI cards with the API's totals.
func (tb *tab) checkKPIs(want totals, lang string) {
	tb.t.Helper()
	got := tb.kpis()
	if got["amountPaid"].Value != fmt.Sprint(want.AmountPaid) || got["amountPaid"].Note != formatVND(want.AmountPaid, lang) {
		tb.t.Errorf("KPI total paid: %+v, want %d shown as %q", got["amountPaid"], want.AmountPaid, formatVND(want.AmountPaid, lang))
	}
	sep := "."
	if lang == "en" {
		sep = ","
	}
	for key, n := range map[string]int64{"peopleSupported": want.PeopleSupported, "beneficiaries": want.Beneficiaries} {
		if got[key].Value != fmt.Sprint(n) || got[key].Big != groupDigits(n, sep) {
			tb.t.Errorf("KPI %s: %+v, want %d shown as %q", key, got[key], n, groupDigits(n, sep))
		}
	}
}
