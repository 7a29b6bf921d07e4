package dashboard_test

// Helpers of the embed tests: a stand-in for the city portal on a loopback origin of its own,
// hotro configured to let it in, the frames of a tab, and what the browser received.

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"hotro/internal/app/apptest"
	"hotro/internal/config"
	"hotro/internal/db"
	"hotro/internal/seed/seedtest"
)

// portalSite is a stand-in for the city's web portal: pages served from an origin of its own
// (http://127.0.0.1:<its port>, another origin than hotro's).
type portalSite struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]string
}

func newPortal(t *testing.T) *portalSite {
	t.Helper()
	p := &portalSite{pages: map[string]string{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		body, ok := p.pages[r.URL.Path]
		p.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(p.Close)
	return p
}

// page serves body at path.
func (p *portalSite) page(path, body string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pages[path] = body
}

// embedServer starts hotro over the demo data (SQLite) with origins allowed to read the public API
// and frame the charts; change may adjust the configuration further.
func embedServer(t *testing.T, origins []string, change func(*config.Config)) *apptest.Server {
	t.Helper()
	return apptest.Start(t, seedtest.Demo(t, db.SQLite), func(c *config.Config) {
		c.CORSOrigins = origins
		if change != nil {
			change(c)
		}
	})
}

// portalPage is a portal page in the theme with the snippets in its article.
func portalPage(theme string, snippets ...string) string {
	colors := "background:#fff;color:#1a1a1a"
	if theme == "dark" {
		colors = "background:#111418;color:#e8eaed"
	}
	return `<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Cổng thông tin điện tử thành phố Thái Nguyên</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;` + colors + `}header{padding:12px 16px;background:#a3171c;color:#fff}
article{max-width:960px;margin:0 auto;padding:8px 16px 40px}h2{font-size:1.2rem;margin:24px 0 8px}</style></head><body>
<header><strong>Cổng thông tin điện tử thành phố Thái Nguyên</strong></header>
<article><h1>Kết quả chi trả hỗ trợ người dân gặp khó khăn do đại dịch Covid-19</h1>
<p>Số liệu dưới đây lấy trực tiếp từ hệ thống hotro và tự cập nhật.</p>
` + strings.Join(snippets, "\n<p>Đoạn văn của cổng thông tin giữa hai biểu đồ.</p>\n") + `
</article></body></html>`
}

// embedScript is the one line a portal adds: embed.js with the data-* attributes.
func embedScript(hotro string, attrs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<script src="%s/embed.js"`, hotro)
	for i := 0; i+1 < len(attrs); i += 2 {
		fmt.Fprintf(&b, ` data-%s="%s"`, attrs[i], html.EscapeString(attrs[i+1]))
	}
	b.WriteString(` async></script>`)
	return b.String()
}

// chartData is /embed/data/{chart} as the portal package answers it.
type chartData struct {
	Chart    string
	Measure  string
	Lang     string
	Title    string
	MinCount int
	Demo     bool
	Bucket   string
	Points   []struct {
		Code       string
		Label      string
		Start      string
		Value      *int64
		Cumulative *int64
		Suppressed bool
		Values     map[string]*int64
	}
	Total map[string]*int64
}

// embedData asks hotro for a chart's figures, as the embed page does, but from Go.
func embedData(t *testing.T, base, chart, query string) chartData {
	t.Helper()
	res, err := http.Get(base + "/embed/data/" + chart + "?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET /embed/data/%s?%s: HTTP %d %s", chart, query, res.StatusCode, b)
	}
	var d chartData
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

// frames knows the JavaScript context of each frame of a tab (the page and its iframes).
type frames struct {
	mu       sync.Mutex
	contexts map[cdp.FrameID]string // the default context's unique ID
}

func (f *frames) listen(ev any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExecutionContextCreated:
		var aux struct {
			FrameID   cdp.FrameID `json:"frameId"`
			IsDefault bool        `json:"isDefault"`
		}
		if json.Unmarshal(ev.Context.AuxData, &aux) == nil && aux.IsDefault && aux.FrameID != "" {
			f.contexts[aux.FrameID] = ev.Context.UniqueID
		}
	case *runtime.EventExecutionContextDestroyed:
		for id, unique := range f.contexts {
			if unique == ev.ExecutionContextUniqueID {
				delete(f.contexts, id)
			}
		}
	case *runtime.EventExecutionContextsCleared:
		clear(f.contexts)
	}
}

// trackFrames follows the frames of the tab from now on (before its first navigation).
func trackFrames(tb *tab) *frames {
	tb.t.Helper()
	f := &frames{contexts: map[cdp.FrameID]string{}}
	if err := chromedp.Listen(tb.ctx, f.listen); err != nil {
		tb.t.Fatal(err)
	}
	return f
}

// childFrames lists the iframes of the page: their URL, and the URL they failed to show.
func childFrames(tb *tab) []*cdp.Frame {
	tb.t.Helper()
	tree, err := chromedp.Call(tb.ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		tb.fail(err)
	}
	var out []*cdp.Frame
	for _, c := range tree.FrameTree.ChildFrames {
		out = append(out, c.Frame)
	}
	return out
}

// frameOf waits for the iframe whose URL starts with prefix to have a JavaScript context.
func (f *frames) frameOf(tb *tab, prefix string) string {
	tb.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, fr := range childFrames(tb) {
			if strings.HasPrefix(fr.URL, prefix) {
				f.mu.Lock()
				unique := f.contexts[fr.ID]
				f.mu.Unlock()
				if unique != "" {
					return unique
				}
			}
		}
		if time.Now().After(deadline) {
			tb.fail(fmt.Errorf("no frame at %s with a JavaScript context; frames: %v", prefix, frameURLs(childFrames(tb))))
		}
		tick(tb)
	}
}

// tick lets 50 ms pass in the page, between two looks at something the page cannot poll itself.
func tick(tb *tab) {
	tb.t.Helper()
	eval[bool](tb, `new Promise((resolve) => setTimeout(() => resolve(true), 50))`)
}

func frameURLs(fs []*cdp.Frame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.URL+" (unreachable: "+f.UnreachableURL+")")
	}
	return out
}

// evalIn evaluates a JavaScript expression (awaiting a promise) in the frame of the context.
func evalIn[T any](tb *tab, context, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise, func(p *runtime.EvaluateParams) {
		p.UniqueContextID = context
	}))
	if err != nil {
		tb.fail(fmt.Errorf("eval in frame %s: %w", expr, err))
	}
	return v
}

// waitIn waits until the JavaScript condition holds in the frame of the context.
func waitIn(tb *tab, context, cond string) {
	tb.t.Helper()
	expr := `new Promise((resolve, reject) => { const until = Date.now() + 60000; (function poll() {
		let ok = false; try { ok = !!(` + cond + `); } catch (e) {}
		if (ok) return resolve(true); if (Date.now() > until) return reject(new Error("timed out"));
		setTimeout(poll, 20); })(); })`
	evalIn[bool](tb, context, expr)
}

// responses keeps the body of every response the browser received from an origin.
type responses struct {
	tb     *tab
	origin string
	mu     sync.Mutex
	urls   map[network.RequestID]string
	done   []network.RequestID
	got    map[string]string // bodies by URL (several of one URL joined)
	count  int
}

func recordResponses(tb *tab, origin string) *responses {
	tb.t.Helper()
	r := &responses{tb: tb, origin: origin, urls: map[network.RequestID]string{}, got: map[string]string{}}
	err := chromedp.Listen(tb.ctx, func(ev any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventResponseReceived:
			if strings.HasPrefix(ev.Response.URL, origin+"/") {
				r.urls[ev.RequestID] = ev.Response.URL
			}
		case *network.EventLoadingFinished:
			if _, ok := r.urls[ev.RequestID]; ok {
				r.done = append(r.done, ev.RequestID)
			}
		}
	})
	if err != nil {
		tb.t.Fatal(err)
	}
	return r
}

// collect fetches the bodies of the responses finished since the last call (before the page
// that loaded them goes away) and returns every body so far, by URL.
func (r *responses) collect() map[string]string {
	r.tb.t.Helper()
	r.mu.Lock()
	ids := r.done
	r.done = nil
	urls := map[network.RequestID]string{}
	for _, id := range ids {
		urls[id] = r.urls[id]
	}
	r.mu.Unlock()
	for _, id := range ids {
		res, err := chromedp.Call(r.tb.ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
		if err != nil {
			continue // a 304 or a redirect has no body
		}
		r.got[urls[id]] += string(res.Body) // decoded from base64 where Chromium sent it so
		r.count++
	}
	return r.got
}

// personalData is what the demo database knows of its recipients: full names and citizen IDs.
type personalData struct {
	names map[string]bool // lower case
	ids   map[string]bool
}

func loadPersonalData(t *testing.T, d *bun.DB) personalData {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), "SELECT full_name, COALESCE(citizen_id, '') FROM beneficiaries")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	pd := personalData{names: map[string]bool{}, ids: map[string]bool{}}
	for rows.Next() {
		var name, id string
		if err := rows.Scan(&name, &id); err != nil {
			t.Fatal(err)
		}
		pd.names[strings.ToLower(strings.Join(words(name), " "))] = true
		if id != "" {
			pd.ids[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(pd.names) < 1000 || len(pd.ids) < 1000 {
		t.Fatalf("the demo data has %d names and %d IDs: too few for the scan to mean anything", len(pd.names), len(pd.ids))
	}
	// The scan finds what it looks for: one recipient, written as a careless page would.
	var name, id string
	if err := d.QueryRowContext(context.Background(), "SELECT full_name, citizen_id FROM beneficiaries WHERE citizen_id IS NOT NULL ORDER BY id LIMIT 1").Scan(&name, &id); err != nil {
		t.Fatal(err)
	}
	if found := pd.find(fmt.Sprintf(`{"label":"%s","note":"CCCD %s"}`, name, id)); len(found) != 2 {
		t.Fatalf("the scan finds %v in a text naming %s (%s)", found, name, id)
	}
	return pd
}

// words cuts text into words of letters (and their combining marks).
func words(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) })
}

// find returns the names (runs of 2 to 6 words) and citizen IDs (runs of digits) the text holds.
func (pd personalData) find(text string) []string {
	var found []string
	w := words(strings.ToLower(text))
	for i := range w {
		for n := 2; n <= 6 && i+n <= len(w); n++ {
			if name := strings.Join(w[i:i+n], " "); pd.names[name] {
				found = append(found, "name "+name)
			}
		}
	}
	for _, run := range strings.FieldsFunc(text, func(r rune) bool { return r < '0' || r > '9' }) {
		if pd.ids[run] {
			found = append(found, "citizen ID "+run)
		}
	}
	return found
}

// checkNoPersonalData fails the test if any body holds a recipient's name or citizen ID.
func checkNoPersonalData(t *testing.T, pd personalData, bodies map[string]string) {
	t.Helper()
	for u, body := range bodies {
		if found := pd.find(decodeJSONStrings(body)); len(found) > 0 {
			t.Errorf("the response of %s holds personal data: %v", u, found[:min(5, len(found))])
		}
	}
}

// decodeJSONStrings unescapes a JSON body so that \u escapes cannot hide a name.
func decodeJSONStrings(body string) string {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return body
	}
	var parts []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			parts = append(parts, v)
		case float64:
			parts = append(parts, fmt.Sprint(int64(v)))
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				parts = append(parts, k)
				walk(v[k])
			}
		}
	}
	walk(v)
	return strings.Join(parts, "\n")
}

// screenshotFramed shoots the whole page at the width with the viewport as tall as the page, so
// that every iframe is in view and painted (Chromium paints no frame out of sight), once each
// frame (by context) has drawn a frame; then the viewport is as before.
func (tb *tab) screenshotFramed(name string, width int64, contexts ...string) {
	tb.t.Helper()
	height := eval[int64](tb, `Math.ceil(document.documentElement.scrollHeight)`)
	if width < 600 {
		tb.do(chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	} else {
		tb.do(chromedp.EmulateViewport(width, height))
	}
	for _, c := range contexts {
		evalIn[bool](tb, c, `new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))`)
	}
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.fail(err)
	}
	path := filepath.Join(screenshotDir(tb.t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
	tb.do(tb.viewport(width))
}
