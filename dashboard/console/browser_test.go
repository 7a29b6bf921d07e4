package console_test

// The console in a real headless Chromium against the whole of hotro over the demo data, with every
// request the page makes recorded, and any that would leave the machine refused.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/auth"
	"hotro/internal/browsertest"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

// page is one browser tab with what it asked the network for and what went wrong in it.
type page struct {
	t      *testing.T
	ctx    context.Context
	origin string // the hotro under test: http://127.0.0.1:port

	mu       sync.Mutex
	requests []request
	problems []string // exceptions, CSP violations, refused requests
	console  []string
}

type request struct {
	url     string
	headers map[string]string
}

// openPage starts Chromium with a fresh profile, the network cut to loopback, and a tab that
// reports every request.
func openPage(t *testing.T, origin string) *page {
	t.Helper()
	p := &page{t: t, origin: origin}
	// The network is cut: every host name but the loopback one fails to resolve.
	ctx := browsertest.New(t, browsertest.Options{Width: 1400, Height: 900, LoopbackOnly: true, Listen: p.listen})
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancelTimeout)
	p.ctx = ctx

	// Every request pauses here first: a loopback one goes on, any other is failed and reported.
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			p.record(ev.Request)
			if p.local(ev.Request.URL) {
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			p.problem("request left the machine: " + ev.Request.URL)
			_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	return p
}

func (p *page) listen(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.record(ev.Request)
	case *runtime.EventExceptionThrown:
		text := ev.ExceptionDetails.Text
		if ex := ev.ExceptionDetails.Exception; ex != nil {
			text += " " + ex.Description
		}
		p.problem("exception: " + text)
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		p.mu.Lock()
		p.console = append(p.console, string(ev.Type)+": "+strings.Join(parts, " "))
		p.mu.Unlock()
	case *log.EventEntryAdded:
		if strings.Contains(ev.Entry.Text, "Content Security Policy") || strings.Contains(ev.Entry.Text, "Refused to") {
			p.problem("CSP: " + ev.Entry.Text)
		}
		p.mu.Lock()
		p.console = append(p.console, string(ev.Entry.Level)+": "+ev.Entry.Text)
		p.mu.Unlock()
	}
}

func (p *page) record(r *network.Request) {
	headers := map[string]string{}
	for k, v := range r.Headers {
		headers[strings.ToLower(k)] = fmt.Sprint(v)
	}
	p.mu.Lock()
	p.requests = append(p.requests, request{url: r.URL, headers: headers})
	p.mu.Unlock()
}

func (p *page) problem(s string) {
	p.mu.Lock()
	p.problems = append(p.problems, s)
	p.mu.Unlock()
}

// local reports whether a request stays on this machine: the server under test, or data in the page.
func (p *page) local(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob":
		return true
	case "http", "https", "ws", "wss":
		host := u.Hostname()
		if ip := net.ParseIP(host); ip != nil {
			return ip.IsLoopback()
		}
		return host == "localhost"
	}
	return false
}

func (p *page) fail(err error) {
	p.t.Helper()
	p.mu.Lock()
	console := strings.Join(p.console, "\n  ")
	p.mu.Unlock()
	p.t.Fatalf("browser: %v\nconsole:\n  %s", err, console)
}

func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.fail(err)
	}
}

func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.fail(fmt.Errorf("eval %s: %w", expr, err))
	}
	return v
}

// waitFor polls until the JavaScript condition holds, within a deadline.
func (p *page) waitFor(what, cond string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](cond,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		p.fail(fmt.Errorf("waiting for %s (%s): %w", what, cond, err))
	}
}

// screenshot writes the window as a PNG to $HOTRO_SCREENSHOTS or bin/screenshots/ for people to look at.
func (p *page) screenshot(name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.fail(err)
	}
	dir := os.Getenv("HOTRO_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "bin", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	path, _ := filepath.Abs(filepath.Join(dir, name+".png"))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

// The JavaScript that reads GraphiQL's state: the title of the active tab, the operation GraphiQL
// will send (it reads the editor's text a moment after a change), and the response text.
const (
	activeTabTitle = `(document.querySelector('.graphiql-tab-active .graphiql-tab-button') || {textContent: ''}).textContent`
	operationName  = `(() => { const cm = document.querySelector('.graphiql-query-editor .CodeMirror'); return cm && cm.CodeMirror ? cm.CodeMirror.operationName || '' : ''; })()`
	responseText   = `(() => { const cm = document.querySelector('.result-window .CodeMirror'); return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : ''; })()`
)

func clickExample(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(`.hotro-examples button[data-example="`+name+`"]`), chromedp.NodeVisible)
}

func run() chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(`.graphiql-execute-button`), chromedp.NodeVisible)
}

func TestConsoleRunsExamplesWithTheNetworkCut(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	srv := apptest.Start(t, d, nil)
	// What the examples must show: the same figures from the reference engine, for an analyst.
	analyst := auth.WithIdentity(context.Background(), &auth.Identity{Role: auth.Analyst, Username: "test-analyst"})
	total := func(q report.Query) string {
		res, err := report.NewSQL(d).Stats(analyst, q)
		if err != nil {
			t.Fatal(err)
		}
		return `"amountPaid": ` + strconv.FormatInt(res.Total.AmountPaid, 10)
	}
	date := func(s string) *civil.Date { v := civil.MustParse(s); return &v }
	firstRound := total(report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{
		Groups: []string{"NGUOI_CO_CONG", "BAO_TRO_XA_HOI", "HO_NGHEO", "HO_CAN_NGHEO"}, PaidTo: date("2020-05-31")}})
	monthly := total(report.Query{GroupBy: []report.Dimension{report.Month}, Filter: report.Filter{
		PaidFrom: date("2020-01-01"), PaidTo: date("2020-12-31")}})

	p := openPage(t, srv.URL)
	p.do(chromedp.Navigate(srv.URL + "/graphiql"))
	p.waitFor("the examples panel", `document.querySelectorAll('.hotro-examples button[data-example]').length >= 9`)
	if title := eval[string](p, `document.title`); !strings.Contains(title, "Truy vấn số liệu") {
		t.Errorf("title = %q, want a Vietnamese title", title)
	}
	if n := eval[int](p, `document.querySelectorAll('.graphiql-tab').length`); n < 9 {
		t.Errorf("%d tabs open on a first visit, want one per example", n)
	}
	// A visitor is told to sign in: the API answers only the dashboard's own queries for them.
	p.waitFor("the sign-in notice", `!document.getElementById('hotro-notice').hidden`)
	if notice := eval[string](p, `document.getElementById('hotro-notice').textContent`); !strings.Contains(notice, "chưa đăng nhập") {
		t.Errorf("notice = %q", notice)
	}
	p.screenshot("console-signed-out")

	// Sign in as the demo analyst, as the dashboard's sign-in page does, and come back.
	login := `fetch("/auth/login", {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
		body: JSON.stringify({username: "phantich", password: ` + quote(seedtest.DemoPassword) + `})}).then(r => r.status)`
	if status, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](login, chromedp.EvalAwaitPromise)); err != nil || status != 200 {
		p.fail(fmt.Errorf("sign in: %d, %v", status, err))
	}
	csrfToken := eval[string](p, `(document.cookie.match(/(?:^|; )hotro_csrf=([^;]*)/) || [])[1] || ""`)
	if csrfToken == "" {
		t.Fatal("no hotro_csrf cookie after signing in")
	}
	p.do(chromedp.Reload())
	p.waitFor("the signed-in console", `document.querySelector('.hotro-user') !== null && document.getElementById('hotro-notice').hidden`)

	// showing waits until the example's tab is active and GraphiQL has read its operation: an action
	// sooner than that races GraphiQL's own debounced bookkeeping, which no person is quick enough for.
	showing := func(tab string) {
		p.waitFor(tab+"'s tab", activeTabTitle+` === `+quote(tab)+` && `+operationName+` === `+quote(tab))
	}
	answers := func(total string) {
		p.do(run())
		p.waitFor("the answer", responseText+`.includes(`+quote(total)+`)`)
		if text := eval[string](p, responseText); strings.Contains(text, `"errors"`) {
			p.t.Errorf("the answer has errors: %.300s", text)
		}
	}
	t.Run("a click on an example shows its tab", func(t *testing.T) {
		p.t = t
		p.do(clickExample("monthly-2020"))
		showing("TheoThang2020")
		answers(monthly)
	})
	t.Run("an example whose tab was closed opens in a new tab", func(t *testing.T) {
		p.t = t
		p.do(clickExample("first-round-by-ward"))
		showing("Dot1TheoPhuongXa")
		tabs := eval[int](p, `document.querySelectorAll('.graphiql-tab').length`)
		p.do(chromedp.Click(chromedp.CSS(`.graphiql-tab-active .graphiql-tab-close`), chromedp.NodeVisible))
		showing("Dot1TheoNhomDoiTuong")
		p.do(clickExample("first-round-by-ward"))
		showing("Dot1TheoPhuongXa")
		if n := eval[int](p, `document.querySelectorAll('.graphiql-tab').length`); n != tabs {
			t.Errorf("%d tabs after closing one and opening the example again, want %d", n, tabs)
		}
		answers(firstRound)
	})
	t.Run("the settings dialog opens without breaking the policy", func(t *testing.T) {
		p.t = t
		p.do(chromedp.Click(chromedp.CSS(`button[aria-label="Open settings dialog"]`), chromedp.NodeVisible))
		p.waitFor("the settings dialog", `document.querySelector('[role="dialog"]') !== null`)
		// GraphiQL locks the page's scrolling with a style of its own: it must carry the nonce.
		p.waitFor("the scroll lock's style", `[...document.querySelectorAll('head style')].some(s => s.nonce !== '' && s.textContent.includes('overflow'))`)
		p.do(chromedp.KeyEvent("\u001b")) // Escape closes it
		p.waitFor("the dialog closed", `document.querySelector('[role="dialog"]') === null`)
	})
	p.t = t
	p.screenshot("console-first-round")
	// The brand sits beside the tabs, which scroll, not over the first of them, on any width.
	for _, width := range []int64{1400, 1024, 768} {
		p.do(chromedp.EmulateViewport(width, 900))
		p.waitFor("the new width", fmt.Sprintf(`window.innerWidth === %d`, width))
		// Measured: the tab strip keeps room for a whole tab (GraphiQL let the brand squeeze it to
		// a sliver that showed a cut first tab under the brand) and ends where the brand begins.
		room := eval[[]float64](p, `(() => {
			const tabs = document.querySelector('.graphiql-tabs').getBoundingClientRect();
			const active = document.querySelector('.graphiql-tab-active').getBoundingClientRect();
			const brand = document.querySelector('.hotro-brand').getBoundingClientRect();
			return [tabs.width, Math.min(active.width, 160), tabs.right - brand.left];
		})()`)
		if room[0] < room[1] || room[2] > 0.5 {
			t.Errorf("at %d px the tab strip is %.0f px wide (a tab needs %.0f) and runs %.0f px under the brand", width, room[0], room[1], room[2])
		}
		p.screenshot(fmt.Sprintf("console-tabs-%d", width))
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.problems {
		t.Errorf("page: %s", pr)
	}
	seen := map[string]bool{}
	csrf := false
	for _, r := range p.requests {
		if !p.local(r.url) {
			t.Errorf("request left the machine: %s", r.url)
		}
		if u, err := url.Parse(r.url); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			if "http://"+u.Host != srv.URL {
				t.Errorf("request to %s, not to the server under test", r.url)
			}
			seen[u.Path] = true
			if u.Path == "/graphql" && r.headers["x-csrf-token"] == csrfToken {
				csrf = true
			}
		}
	}
	// The recording works: the page's own files and the API were seen.
	for _, path := range []string{"/graphiql", "/graphiql/console.js", "/graphiql/vendor/graphiql-3.9.0.min.js", "/graphiql/examples.json", "/auth/me", "/auth/login", "/graphql"} {
		if !seen[path] {
			t.Errorf("no request for %s was recorded (of %d)", path, len(p.requests))
		}
	}
	if !csrf {
		t.Error("no /graphql request carried the X-CSRF-Token of the hotro_csrf cookie")
	}
	if t.Failed() {
		t.Logf("console:\n  %s", strings.Join(p.console, "\n  "))
	}
}

// quote writes s as a JavaScript string literal.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
