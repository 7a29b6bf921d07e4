package dashboard_test

// Every page and state of the dashboard, the embeds, the posting list and the console audited by
// axe-core in headless Chromium (browsertest.AssertAccessible), in Vietnamese and English, at 1440
// and 390 px: no critical or serious violation, and the moderate ones each page keeps listed with
// why. One server and one browser serve every check; each role has one tab.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hotro/dashboard"
	"hotro/internal/app/apptest"
	"hotro/internal/browsertest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// auditedPage is one page in one state, opened by one role's tab. A page another change adds is
// one more line of accessiblePages.
type auditedPage struct {
	name string
	who  string // "" (a visitor), or the demo account whose tab opens it
	// open brings the tab to the state to audit (the language is set before; the width too).
	open func(tb *tab, a *a11yRun)
	// kept lists the moderate or minor axe findings the page keeps, each with why; none is kept
	// today.
	kept []browsertest.Kept
	// langs are the languages the page has; nil: vi and en. The posting list is a legal notice in
	// Vietnamese only; the console's own words are Vietnamese, GraphiQL's English (marked lang="en").
	langs []string
}

// a11yRun is what the pages' open functions share: the server, the language in force.
type a11yRun struct {
	srv  *apptest.Server
	lang string
	// uploadSearch is the import page's URL with a checked list (made once, by the officer).
	uploadSearch string
}

// visit opens a URL and waits until cond holds. A page can still be swapping its document when
// the load event has come (Chromium then answers "Cannot find context"): the wait is asked again.
func (tb *tab) visit(url, cond string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url))
	for attempt := 1; ; attempt++ {
		_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](cond,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
		if err == nil {
			return
		}
		if attempt == 3 || !strings.Contains(err.Error(), "Cannot find context") {
			tb.fail(fmt.Errorf("%s: waiting for %s: %w", url, cond, err))
		}
	}
}

// openForAudit opens a dashboard URL and waits for it to be drawn, its lists loaded.
func (tb *tab) openForAudit(srv *apptest.Server, search string) {
	tb.t.Helper()
	tb.open(srv, search)
	tb.waitFor(`![...document.querySelectorAll("[aria-busy]")].some((el) => el.getAttribute("aria-busy") === "true")`)
}

var accessiblePages = []auditedPage{
	{name: "public home", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "") }},
	{name: "public ward page", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?ward=05431") }},
	{name: "map per inhabitant", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?mapm=amountPaidPerCapita") }},
	{name: "embed dialog", open: func(tb *tab, a *a11yRun) {
		tb.openForAudit(a.srv, "")
		tb.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("embed-open").click()`)) // in the phone's menu at 390 px
		tb.waitFor(`document.getElementById("embed-dialog")?.open === true && document.getElementById("embed-preview").dataset.state === "drawn"`)
	}},
	{name: "sign-in", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?page=signin") }},
	{name: "signed-in home", who: "lanhdao", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "") }},
	{name: "signed-in ward page", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?ward=05431") }},
	{name: "work queue", who: "lanhdao", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?page=queue") }},
	{name: "lists", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?page=lists") }},
	{name: "lists, step dialog open", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) {
		tb.openForAudit(a.srv, "?page=lists")
		tb.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-step]").click()`))
		tb.waitFor(`document.getElementById("step-dialog")?.open === true`)
	}},
	{name: "list opened to its lines", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) {
		tb.openForAudit(a.srv, "?page=lists")
		tb.openForAudit(a.srv, "?"+eval[string](tb, `new URL(document.querySelector("a.batch-open").href).search.slice(1)`))
		tb.waitFor(`document.querySelector("#ld-body table, #ld-empty") !== null`)
	}},
	{name: "recipient page", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) {
		tb.openForAudit(a.srv, "?ward=05431")
		tb.waitFor(`document.querySelector("#lines-body a[data-recipient]") !== null`)
		tb.openForAudit(a.srv, "?"+eval[string](tb, `new URL(document.querySelector("#lines-body a[data-recipient]").href).search.slice(1)`))
	}},
	{name: "import form", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?page=import") }},
	{name: "import report with errors", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) {
		tb.openForAudit(a.srv, "?page=import&group=HO_NGHEO")
		bad := append([]listRow{}, poorHouseholds...)
		bad[1].CitizenID = "12345"
		tb.do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{writeList(tb.t, "ho-ngheo-loi.csv", bad)}))
		tb.click("#i-check")
		tb.waitFor(`document.querySelector("#import-report")?.dataset.status === "HAS_ERRORS" && document.body.dataset.state === "ready"`)
	}},
	{name: "import report, ready", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) {
		tb.openForAudit(a.srv, a.uploadSearch)
		tb.waitFor(`document.querySelector("#import-report")?.dataset.status === "READY"`)
	}},
	{name: "audit", who: "quantri", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?page=audit") }},
	{name: "posting list", who: "canbo.quantrieu", langs: []string{"vi"}, open: func(tb *tab, a *a11yRun) {
		tb.visit(a.srv.URL+"/wards/05431/posting?draft=1", `document.readyState === "complete"`)
	}},
	{name: "public posting list with the report form", langs: []string{"vi"}, open: func(tb *tab, a *a11yRun) {
		tb.visit(a.srv.URL+"/wards/05431/posting", `document.readyState === "complete"`)
	}},
	{name: "residents' reports", who: "canbo.quantrieu", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?page=feedback") }},
	{name: "supervision board", who: "giamsat", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?page=supervision") }},
	{name: "official figures", who: "lanhdao", open: func(tb *tab, a *a11yRun) { tb.openForAudit(a.srv, "?page=official") }},
	{name: "console", who: "phantich", langs: []string{"vi"}, open: func(tb *tab, a *a11yRun) {
		tb.visit(a.srv.URL+"/graphiql", `document.querySelector(".graphiql-container") !== null && document.querySelector(".CodeMirror") !== null`)
	}},
}

// embedPages are the embeds' own pages, one per chart, in the language audited, light and dark.
func embedPages() []auditedPage {
	var pages []auditedPage
	for _, theme := range []string{"light", "dark"} {
		for _, chart := range dashboard.EmbedCharts {
			pages = append(pages, auditedPage{name: "embed " + chart + ", " + theme, open: func(tb *tab, a *a11yRun) {
				tb.visit(a.srv.URL+"/embed/"+chart+"?lang="+a.lang+"&theme="+theme, `["drawn", "error"].includes(document.body.dataset.state)`)
			}})
		}
	}
	return pages
}

func TestEveryPageIsAccessible(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)

	// A clean list, checked once and kept: the ready report, which the URL reopens.
	officer := signedInTab(t, srv, "canbo.quantrieu", 1440)
	officer.openForAudit(srv, "?page=import&group=HO_NGHEO")
	officer.fill("#i-listed", "20/04/2020")
	officer.do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{writeList(t, "ho-ngheo-quan-trieu.csv", poorHouseholds)}))
	officer.click("#i-check")
	officer.waitFor(`document.querySelector("#import-report")?.dataset.status === "READY" && location.search.includes("upload=")`)
	uploadSearch := "?" + strings.TrimPrefix(eval[string](officer, `location.search`), "?")

	// The two languages side by side, each with its tabs (one per role) in the one browser.
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			run := &a11yRun{srv: srv, lang: lang, uploadSearch: uploadSearch}
			tabs := map[string]*tab{}
			tabOf := func(who string) *tab {
				if tabs[who] == nil {
					tabs[who] = newTabFor(t, 1440, 8*time.Minute)
					if who != "" {
						signIn(t, tabs[who], srv, who)
					}
				}
				return tabs[who]
			}
			for _, width := range []int64{1440, 390} {
				for _, p := range append(slices.Clone(accessiblePages), embedPages()...) {
					if p.langs != nil && !slices.Contains(p.langs, lang) {
						continue
					}
					label := fmt.Sprintf("%s, %s, %d px", p.name, lang, width)
					tb := tabOf(p.who)
					tb.t = t
					tb.do(tb.viewport(width))
					tb.do(chromedp.Navigate(srv.URL + "/favicon.svg")) // the origin, to choose the language
					eval[bool](tb, fmt.Sprintf(`(localStorage.setItem("hotro.lang", %q), true)`, lang))
					p.open(tb, run)
					browsertest.AssertAccessible(t, tb.ctx, label, p.kept...)
					// A live region says one short sentence: the lists were live regions that read
					// thousands of characters out on each change.
					for _, live := range eval[[]string](tb, `[...document.querySelectorAll("[aria-live], [role=status], [role=alert], [role=log]")]
						.filter((el) => el.textContent.trim().length > 300).map((el) => el.outerHTML.slice(0, 100) + "… (" + el.textContent.length + " characters)")`) {
						t.Errorf("%s: a live region reads out too much: %s", label, live)
					}
				}
			}
			for _, tb := range tabs {
				tb.checkClean()
			}
		})
	}
}

// TestNothingScrollsSidewaysAt400PercentZoom: at 320 CSS px (a 1280 px window at 400 %, WCAG 1.4.10
// Reflow) the pages the audit found scrolling sideways read in one column: the lists' status tables,
// the posting list, and the console, whose editor and Run button stay whole.
func TestNothingScrollsSidewaysAt400PercentZoom(t *testing.T) {
	srv := demoServer(t)
	officer := signedInTab(t, srv, "canbo.quantrieu", 320)
	analyst := signedInTab(t, srv, "phantich", 320)
	// A phone's browser widens the page to what overflows: the width to hold to is 320, not innerWidth.
	sideways := `(() => {
		const out = [];
		if (document.documentElement.scrollWidth > 321) out.push("the page: " + document.documentElement.scrollWidth + " px wide");
		for (const el of document.querySelectorAll(".table-wrap, table, .card")) {
			if (el.closest(".sr-only")) continue;
			const r = el.getBoundingClientRect();
			if (el.scrollWidth > el.clientWidth + 1 || r.right > 321) out.push(el.tagName + "." + el.className + ": " + el.scrollWidth + " px in " + el.clientWidth + ", right edge " + Math.round(r.right));
		}
		return [...new Set(out)].slice(0, 10); })()`
	for _, tt := range []struct {
		name string
		tb   *tab
		open func(tb *tab)
	}{
		{"lists", officer, func(tb *tab) { tb.openForAudit(srv, "?page=lists") }},
		{"posting list", officer, func(tb *tab) {
			tb.do(chromedp.Navigate(srv.URL + "/wards/05431/posting?draft=1"))
			tb.waitFor(`document.readyState === "complete"`)
		}},
		{"console", analyst, func(tb *tab) {
			tb.do(chromedp.Navigate(srv.URL + "/graphiql"))
			tb.waitFor(`document.querySelector(".graphiql-execute-button") !== null && document.querySelector(".graphiql-query-editor .CodeMirror") !== null`)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.tb.t = t
			tt.open(tt.tb)
			if got := eval[[]string](tt.tb, sideways); len(got) > 0 {
				t.Errorf("at 320 px, scrolls sideways: %q", got)
			}
			if tt.name == "console" {
				box := eval[map[string]float64](tt.tb, `(() => { const run = document.querySelector(".graphiql-execute-button").getBoundingClientRect();
					const ed = document.querySelector(".graphiql-query-editor").getBoundingClientRect();
					return {runLeft: run.left, runRight: run.right, edLeft: ed.left, edRight: ed.right, edHeight: ed.height, width: innerWidth}; })()`)
				if box["runLeft"] < 0 || box["runRight"] > 320 || box["edLeft"] < 0 || box["edRight"] > 321 || box["edHeight"] < 150 {
					t.Errorf("at 320 px the console's editor or Run button is cut: %v", box)
				}
			}
			tt.tb.screenshot("zoom400-" + strings.ReplaceAll(tt.name, " ", "-"))
			tt.tb.checkClean()
		})
	}
}

// TestConsoleIsMendedForScreenReadersAndKeyboards: what axe cannot judge in the console. GraphiQL's
// English interface is marked lang="en" in the Vietnamese page and hotro's own parts lang="vi"; each
// editor has a name; the tabs are buttons with no control inside a control; the Run button, reached
// by Tab, shows a 3 px focus ring (GraphiQL's was 1 px).
func TestConsoleIsMendedForScreenReadersAndKeyboards(t *testing.T) {
	srv := demoServer(t)
	tb := signedInTab(t, srv, "phantich", 1440)
	tb.visit(srv.URL+"/graphiql", `document.querySelector(".graphiql-container")?.lang === "en" && document.querySelector(".graphiql-query-editor textarea")?.getAttribute("aria-label")`)
	got := eval[map[string]any](tb, `({
		page: document.documentElement.lang,
		container: document.querySelector(".graphiql-container").lang,
		brand: document.querySelector(".hotro-brand")?.lang,
		examples: document.querySelector(".hotro-examples")?.lang,
		query: document.querySelector(".graphiql-query-editor textarea").getAttribute("aria-label"),
		response: document.querySelector(".graphiql-response textarea")?.getAttribute("aria-label"),
		tools: [...document.querySelectorAll(".graphiql-editor-tool > .graphiql-editor textarea")].map((ta) => ta.getAttribute("aria-label")),
		tabRoles: document.querySelectorAll("[role=tab], [role=tablist]").length,
		current: document.querySelectorAll(".graphiql-tab-button[aria-current=true]").length,
	})`)
	want := map[string]any{"page": "vi", "container": "en", "brand": "vi", "examples": "vi", "query": "Truy vấn GraphQL",
		"response": "Kết quả truy vấn (chỉ đọc)", "tabRoles": float64(0), "current": float64(1)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
	if tools, _ := got["tools"].([]any); len(tools) != 2 || tools[0] != "Biến của truy vấn (JSON)" || tools[1] != "Tiêu đề HTTP (JSON)" {
		t.Errorf("the variables' and headers' editors are named %v", got["tools"])
	}
	// Tab from the query editor reaches the Run button; its ring is 3 px.
	tb.do(chromedp.Focus(chromedp.CSS(".graphiql-query-editor textarea")))
	for i := 0; ; i++ {
		tb.do(chromedp.KeyEvent(kb.Tab))
		if eval[bool](tb, `document.activeElement.matches(".graphiql-execute-button")`) {
			break
		}
		if i == 10 {
			t.Fatalf("10 Tabs from the query editor, no Run button: focus on %s", tb.focused())
		}
	}
	if ring := eval[string](tb, `getComputedStyle(document.activeElement).outlineWidth + " " + getComputedStyle(document.activeElement).outlineStyle`); ring != "3px solid" {
		t.Errorf("the Run button's focus ring: %s, want 3px solid", ring)
	}
	tb.checkClean()
}
