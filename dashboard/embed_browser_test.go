package dashboard_test

// The portal's embedded charts in headless Chromium: a page on another loopback origin embeds two
// charts through embed.js; a page on an origin hotro does not know can neither read the API nor
// frame a chart.

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hotro/internal/config"
	"hotro/internal/portal"
)

// wardFigures is the API's publicStats by ward (the dashboard's PublicOverview operation): what
// the charts must show, asked another way than the charts ask.
type wardFigure struct {
	Suppressed      bool
	AmountPaid      *int64
	PeopleSupported *int64
	Beneficiaries   *int64
}

func publicByWard(t *testing.T, base string, filter map[string]any) map[string]wardFigure {
	t.Helper()
	var data struct {
		ByWard struct {
			Rows []struct {
				Ward   struct{ Code string }
				Totals wardFigure
			}
		} `json:"byWard"`
	}
	graphql(t, base, operation(t, "PublicOverview"), publicVars(filter, "WEEK"), &data)
	out := map[string]wardFigure{}
	for _, r := range data.ByWard.Rows {
		out[r.Ward.Code] = r.Totals
	}
	return out
}

func (w wardFigure) measure(name string) *int64 {
	switch name {
	case "peopleSupported":
		return w.PeopleSupported
	case "beneficiaries":
		return w.Beneficiaries
	}
	return w.AmountPaid
}

func eq(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func show(v *int64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

// TestPortalEmbedsCharts: the portal's page (another origin, on HOTRO_CORS_ORIGINS) embeds the
// people-by-ward bar chart and the ward table of a small group (with withheld cells) through two
// embed.js lines. Both draw, each iframe is as tall as its chart (and follows it when the viewport
// changes), the figures are the API's, and nothing the browser received names a recipient.
func TestPortalEmbedsCharts(t *testing.T) {
	site := newPortal(t)
	srv := embedServer(t, []string{site.URL}, nil)
	pd := loadPersonalData(t, srv.DB)

	wardsQuery := "measure=peopleSupported&lang=vi"
	tableQuery := "group=TAM_HOAN_HDLD&measure=amountPaid&lang=vi"
	wantWards := embedData(t, srv.URL, "wards", wardsQuery)
	wantTable := embedData(t, srv.URL, "table", tableQuery)
	apiWards := publicByWard(t, srv.URL, nil)
	apiTable := publicByWard(t, srv.URL, map[string]any{"groups": []string{"TAM_HOAN_HDLD"}})
	withheld := 0
	for _, p := range wantTable.Points {
		if p.Suppressed {
			withheld++
		}
	}
	if withheld == 0 {
		t.Fatal("the small group has no withheld ward: the test needs one")
	}

	for _, theme := range []string{"light", "dark"} {
		site.page("/"+theme, portalPage(theme,
			embedScript(srv.URL, "chart", "wards", "measure", "peopleSupported", "lang", "vi", "theme", theme, "title", "1"),
			embedScript(srv.URL, "chart", "table", "group", "TAM_HOAN_HDLD", "measure", "amountPaid", "lang", "vi", "theme", theme, "title", "1"),
		))
	}

	tb := newTab(t, 1440)
	fr := trackFrames(tb)
	got := recordResponses(tb, srv.URL)
	tb.do(chromedp.Navigate(site.URL + "/light"))

	wardsFrame := srv.URL + "/embed/wards?"
	tableFrame := srv.URL + "/embed/table?"
	waitDrawn := func() (wards, table string) {
		t.Helper()
		// The frames load lazily: bring each near the viewport, as a reader scrolling would.
		for i := range 2 {
			tb.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelectorAll("iframe")[%d].scrollIntoView()`, i)))
			tb.waitFor(fmt.Sprintf(`document.querySelectorAll("iframe")[%d].dataset.hotroState === "drawn"`, i))
		}
		tb.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
		wards, table = fr.frameOf(tb, wardsFrame), fr.frameOf(tb, tableFrame)
		waitIn(tb, wards, `document.body.dataset.state === "drawn"`)
		waitIn(tb, table, `document.body.dataset.state === "drawn"`)
		return wards, table
	}
	wards, table := waitDrawn()

	frames := eval[[]map[string]string](tb, `[...document.querySelectorAll("iframe")].map((f) => ({src: f.src, title: f.title, loading: f.loading}))`)
	if len(frames) != 2 {
		t.Fatalf("the page has %d iframes, want one per script: %v", len(frames), frames)
	}
	for _, f := range frames {
		if f["title"] == "" || f["loading"] != "lazy" {
			t.Errorf("iframe %v: want a title and lazy loading", f)
		}
	}
	if frames[0]["title"] != wantWards.Title {
		t.Errorf("first iframe's title %q, want the chart's %q", frames[0]["title"], wantWards.Title)
	}

	// Each iframe is as tall as the document it shows, and nothing in it is cut off.
	checkFit := func(when string) map[string]float64 {
		t.Helper()
		heights := map[string]float64{}
		for i, ctx := range []string{wards, table} {
			outer := eval[float64](tb, fmt.Sprintf(`document.querySelectorAll("iframe")[%d].getBoundingClientRect().height`, i))
			inner := evalIn[map[string]float64](tb, ctx, `({content: document.documentElement.getBoundingClientRect().height,
				scroll: document.documentElement.scrollHeight, viewport: window.innerHeight})`)
			if math.Abs(outer-inner["content"]) > 2 || math.Abs(outer-inner["scroll"]) > 2 || inner["scroll"] > inner["viewport"]+1 {
				t.Errorf("%s, iframe %d: %.1f px tall, its document %.1f px (scrollHeight %.0f, viewport %.0f)", when, i, outer, inner["content"], inner["scroll"], inner["viewport"])
			}
			heights[[]string{"wards", "table"}[i]] = outer
		}
		return heights
	}

	// The bars are the API's figures: one per ward, largest first, a withheld one drawn as "<5".
	checkWards := func() {
		t.Helper()
		drawn := evalIn[struct {
			Labels []string
			Data   []struct {
				Value    float64
				Withheld bool
			}
		}](tb, wards, `(() => { const o = echarts.getInstanceByDom(document.querySelector(".chart")).getOption();
			return {labels: o.yAxis[0].data, data: o.series[0].data.map((d) => ({value: d.value, withheld: !!d.withheld}))}; })()`)
		if len(drawn.Labels) != len(wantWards.Points) || len(drawn.Data) != len(wantWards.Points) || len(apiWards) != len(wantWards.Points) {
			t.Fatalf("wards chart: %d labels and %d bars; the data has %d wards, publicStats %d", len(drawn.Labels), len(drawn.Data), len(wantWards.Points), len(apiWards))
		}
		for i, p := range wantWards.Points {
			api := apiWards[p.Code].measure("peopleSupported")
			d := drawn.Data[i]
			switch {
			case drawn.Labels[i] != p.Label:
				t.Errorf("bar %d: label %q, want %q", i, drawn.Labels[i], p.Label)
			case !eq(p.Value, api):
				t.Errorf("ward %s: /embed/data says %s people, publicStats %s", p.Code, show(p.Value), show(api))
			case p.Value == nil && !d.Withheld:
				t.Errorf("ward %s is withheld but drawn as %v", p.Code, d.Value)
			case p.Value != nil && (d.Withheld || int64(d.Value) != *p.Value):
				t.Errorf("ward %s: bar %v, want %d", p.Code, d.Value, *p.Value)
			}
		}
	}
	// The table's cells are the API's; a withheld cell reads "<5" (never 0) and a note says why.
	checkTable := func() {
		t.Helper()
		cells := evalIn[[]map[string]string](tb, table, `[...document.querySelectorAll("tbody tr")].flatMap((tr) =>
			[...tr.querySelectorAll("td")].map((td) => ({code: tr.dataset.code, measure: td.dataset.measure, value: td.dataset.value, text: td.textContent})))`)
		if len(cells) != 3*len(wantTable.Points) {
			t.Fatalf("table: %d cells, want %d", len(cells), 3*len(wantTable.Points))
		}
		shown := 0
		for _, c := range cells {
			api, ok := apiTable[c["code"]]
			if !ok {
				t.Errorf("table row %s is not in publicStats", c["code"])
				continue
			}
			want := api.measure(c["measure"])
			switch {
			case want == nil && (c["text"] != "<5" || c["value"] != ""):
				t.Errorf("ward %s %s is withheld: shown %q (value %q), want <5", c["code"], c["measure"], c["text"], c["value"])
			case want != nil && c["value"] != fmt.Sprint(*want):
				t.Errorf("ward %s %s: %q, want %d", c["code"], c["measure"], c["value"], *want)
			case want != nil && c["measure"] == "amountPaid" && c["text"] != formatVND(*want, "vi"):
				t.Errorf("ward %s paid shown %q, want %q", c["code"], c["text"], formatVND(*want, "vi"))
			case want != nil:
				shown++
			}
		}
		if shown == 0 {
			t.Error("the table shows no figure at all")
		}
		page := evalIn[map[string]string](tb, table, `({note: document.getElementById("note").textContent, noteHidden: String(document.getElementById("note").hidden),
			demo: document.getElementById("demo").textContent, source: document.getElementById("source").textContent,
			total: document.querySelector("tfoot td").textContent})`)
		if page["noteHidden"] != "false" || !strings.Contains(page["note"], "<5") || !strings.Contains(page["note"], "dưới 5 người") {
			t.Errorf("withheld note: %q (hidden %s)", page["note"], page["noteHidden"])
		}
		if !strings.Contains(page["demo"], "minh hoạ") {
			t.Errorf("demo banner %q", page["demo"])
		}
		if !strings.HasPrefix(page["source"], "Nguồn: UBND thành phố Thái Nguyên — số liệu tại ") {
			t.Errorf("source line %q", page["source"])
		}
		if page["total"] != formatVND(*wantTable.Total["amountPaid"], "vi") {
			t.Errorf("table total %q, want %s", page["total"], formatVND(*wantTable.Total["amountPaid"], "vi"))
		}
	}

	// The portal's own scripts may read the public figures too (CORS, no credentials).
	kpi := embedData(t, srv.URL, "kpi", "lang=vi")
	paid := fmt.Sprintf("read %d", *kpi.Total["amountPaid"])
	if got := eval[map[string]string](tb, readAPI(t, srv.URL)); got["data"] != paid || got["graphql"] != paid {
		t.Errorf("fetch from %s: %v, want the figures (%s)", site.URL, got, paid)
	}

	wide := checkFit("1440 px")
	checkWards()
	checkTable()
	tb.screenshotFramed("portal-1440-light", 1440, wards, table)

	// On a phone the table is set smaller and its names shorter: the iframe follows its height.
	tb.do(tb.viewport(390))
	tb.waitFor(fmt.Sprintf(`Math.abs(document.querySelectorAll("iframe")[1].getBoundingClientRect().height - %f) > 20`, wide["table"]))
	waitIn(tb, table, `(() => { const f = window.innerHeight, c = document.documentElement.getBoundingClientRect().height; return Math.abs(f - c) <= 2; })()`)
	narrow := checkFit("390 px")
	t.Logf("iframe heights at 1440 px: %v; at 390 px: %v", wide, narrow)
	if math.Abs(narrow["table"]-wide["table"]) <= 20 {
		t.Errorf("the table's iframe kept its height on a phone: %.0f px at 1440, %.0f px at 390", wide["table"], narrow["table"])
	}
	tb.screenshotFramed("portal-390-light", 390, wards, table)

	tb.do(chromedp.Navigate(site.URL + "/dark"))
	wards, table = waitDrawn()
	if cls := evalIn[string](tb, wards, `document.documentElement.className`); cls != "theme-dark" {
		t.Errorf("dark portal: the chart's page is %q", cls)
	}
	checkFit("390 px, dark")
	checkWards()
	tb.screenshotFramed("portal-390-dark", 390, wards, table)
	tb.do(tb.viewport(1440))
	tb.waitFor(fmt.Sprintf(`Math.abs(document.querySelectorAll("iframe")[1].getBoundingClientRect().height - %f) <= 2`, wide["table"]))
	checkFit("1440 px, dark")
	checkTable()
	tb.screenshotFramed("portal-1440-dark", 1440, wards, table)

	bodies := got.collect()
	for _, want := range []string{"/embed.js", "/embed/wards?", "/embed/table?", "/embed/data/wards?", "/embed/data/table?", "/embed/assets/js/format.js"} {
		found := false
		for u := range bodies {
			found = found || strings.Contains(u, want)
		}
		if !found {
			t.Errorf("the browser received nothing from %s", want)
		}
	}
	checkNoPersonalData(t, pd, bodies)
	t.Logf("%d responses from hotro scanned for the %d recipients' names and %d citizen IDs", got.count, len(pd.names), len(pd.ids))
	tb.checkClean()
}

// readAPI is a portal page's script that reads the public figures from hotro with fetch: the
// KPI's chart data, the same with mode no-cors, and publicStats through GraphQL (a preflighted
// POST). It returns what each gave: "read <amount paid>", "refused <error>", or for no-cors the
// response's type, status and body length.
func readAPI(t *testing.T, hotro string) string {
	t.Helper()
	query, _ := json.Marshal(operation(t, "PublicOverview"))
	return fmt.Sprintf(`(async () => {
		const out = {};
		try {
			const r = await fetch(%[1]q + "/embed/data/kpi?lang=vi");
			out.data = "read " + (await r.json()).total.amountPaid;
		} catch (e) { out.data = "refused " + e.name; }
		const opaque = await fetch(%[1]q + "/embed/data/kpi?lang=vi", {mode: "no-cors"});
		out.opaque = opaque.type + " " + opaque.status + " " + (await opaque.text()).length;
		try {
			const r = await fetch(%[1]q + "/graphql", {method: "POST", headers: {"Content-Type": "application/json"},
				body: JSON.stringify({query: %[2]s, variables: {bucket: "WEEK"}})});
			out.graphql = "read " + (await r.json()).data.total.total.amountPaid;
		} catch (e) { out.graphql = "refused " + e.name; }
		return out;
	})()`, hotro, query)
}

// TestOtherOriginCannotReadOrFrame: hotro lets the portal's origin in (HOTRO_CORS_ORIGINS) and no
// other. From another origin the page that TestPortalEmbedsCharts shows working gets nothing:
// fetch is refused (CORS), a no-cors fetch is opaque, and the frames, made by embed.js or written
// by hand, are refused (CSP frame-ancestors) and stay Chromium's empty error page.
func TestOtherOriginCannotReadOrFrame(t *testing.T) {
	listed := newPortal(t)
	other := newPortal(t)
	srv := embedServer(t, []string{listed.URL}, nil)

	t.Run("headers", func(t *testing.T) {
		// Wired into hotro, the embed pages keep their own policy (framing by the listed origin
		// only, no X-Frame-Options), the dashboard stays unframable, and /embed/data/ stays the
		// portal package's.
		tests := []struct {
			path, contentType, csp, frameOptions string
		}{
			{"/embed/wards?lang=vi", "text/html; charset=utf-8", "frame-ancestors 'self' " + listed.URL, ""},
			{"/embed/data/wards?lang=vi", "application/json; charset=utf-8", "frame-ancestors 'self' " + listed.URL, ""},
			{"/", "text/html; charset=utf-8", "frame-ancestors 'none'", "SAMEORIGIN"},
		}
		for _, tt := range tests {
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != tt.contentType {
				t.Errorf("GET %s: %d %s", tt.path, res.StatusCode, res.Header.Get("Content-Type"))
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, tt.csp) {
				t.Errorf("GET %s: Content-Security-Policy %q, want it to end with %q", tt.path, csp, tt.csp)
			}
			if got := res.Header.Get("X-Frame-Options"); got != tt.frameOptions {
				t.Errorf("GET %s: X-Frame-Options %q, want %q", tt.path, got, tt.frameOptions)
			}
		}
	})

	other.page("/", portalPage("light",
		embedScript(srv.URL, "chart", "wards", "lang", "vi"),
		`<iframe src="`+srv.URL+`/embed/kpi?lang=vi" title="KPI" width="100%" height="200"></iframe>`))
	t.Run("other origin", func(t *testing.T) {
		tb := newTab(t, 1440)
		tb.do(chromedp.Navigate(other.URL + "/"))
		got := eval[map[string]string](tb, readAPI(t, srv.URL))
		if got["data"] != "refused TypeError" || got["graphql"] != "refused TypeError" || got["opaque"] != "opaque 0 0" {
			t.Errorf("from %s: %v, want fetch refused and no-cors opaque", other.URL, got)
		}
		// Both frames end as Chromium's error page, the chart's URL unreachable, and the browser
		// says why. The chart never runs, so the portal's page never hears from it.
		var blocked []string
		deadline := time.Now().Add(60 * time.Second)
		for len(blocked) < 2 {
			blocked = blocked[:0]
			for _, f := range childFrames(tb) {
				if strings.HasPrefix(f.URL, "chrome-error:") && strings.HasPrefix(f.UnreachableURL, srv.URL+"/embed/") {
					blocked = append(blocked, f.UnreachableURL)
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("frames %v: want both refused", frameURLs(childFrames(tb)))
			}
			tick(tb)
		}
		t.Logf("refused frames: %v", blocked)
		for _, f := range childFrames(tb) {
			if strings.HasPrefix(f.URL, srv.URL) {
				t.Errorf("a chart was framed from %s: %s", other.URL, f.URL)
			}
		}
		states := eval[[]string](tb, `[...document.querySelectorAll("iframe")].map((f) => f.dataset.hotroState || "none")`)
		if strings.Join(states, ",") != "none,none" {
			t.Errorf("the refused frames reported %v", states)
		}
		tb.mu.Lock()
		defer tb.mu.Unlock()
		refusals := 0
		for _, p := range tb.problems {
			if strings.Contains(p, "violates the following Content Security Policy directive: \"frame-ancestors 'self' "+listed.URL+"\"") {
				refusals++
			} else {
				t.Errorf("page: %s", p)
			}
		}
		if refusals != 2 {
			t.Errorf("Chromium reported %d framing refusals, want 2: %v", refusals, tb.problems)
		}
	})
}

// TestEmbedPages opens each chart's page by itself: it draws the figures of /embed/data in the
// language, theme and title asked for, marks demo data, names its source, shows withheld cells
// as "<5" and explains them, and says so when the server refuses (a pipeline without a signed
// link, a wrong parameter). A signed link draws the pipeline.
func TestEmbedPages(t *testing.T) {
	const secret = "a test key for signing chart links, long enough"
	srv := embedServer(t, nil, func(c *config.Config) { c.EmbedSecret = secret })
	small := embedData(t, srv.URL, "table", "group=TAM_HOAN_HDLD")
	var withheldWard string
	for _, p := range small.Points {
		if p.Suppressed {
			withheldWard = p.Code
			break
		}
	}
	signed, err := portal.NewSigner([]byte(secret), nil).Sign("pipeline", url.Values{"lang": {"en"}, "theme": {"dark"}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, chart, query string
		check              func(t *testing.T, tb *tab, want chartData)
	}{
		{"wards", "wards", "lang=vi", func(t *testing.T, tb *tab, want chartData) {
			bars := eval[[]float64](tb, `echarts.getInstanceByDom(document.querySelector(".chart")).getOption().series[0].data.map((d) => d.value)`)
			if len(bars) != len(want.Points) || int64(bars[0]) != *want.Points[0].Value {
				t.Errorf("bars %v, want %d starting with %d", bars, len(want.Points), *want.Points[0].Value)
			}
		}},
		{"groups in English, dark, no title", "groups", "lang=en&theme=dark&title=0&measure=peopleSupported", func(t *testing.T, tb *tab, want chartData) {
			got := eval[map[string]any](tb, `({cls: document.documentElement.className, lang: document.documentElement.lang,
				titleHidden: document.getElementById("title").hidden,
				labels: echarts.getInstanceByDom(document.querySelector(".chart")).getOption().yAxis[0].data})`)
			if got["cls"] != "theme-dark" || got["lang"] != "en" || got["titleHidden"] != true {
				t.Errorf("page %v, want dark, English, no title", got)
			}
			if labels := got["labels"].([]any); len(labels) != len(want.Points) || labels[0] != want.Points[0].Label || !strings.Contains(want.Points[0].Label, "monthly") {
				t.Errorf("group labels %v, want the English names %q…", labels, want.Points[0].Label)
			}
		}},
		{"time series by week", "timeseries", "bucket=WEEK&measure=peopleSupported", func(t *testing.T, tb *tab, want chartData) {
			got := eval[map[string][]any](tb, `(() => { const o = echarts.getInstanceByDom(document.querySelector(".chart")).getOption();
				return {bars: o.series[0].data.map((d) => d.value), starts: o.series[0].data.map((d) => d.start), line: o.series[1].data, days: o.xAxis[0].data}; })()`)
			at := map[string]int{}
			for i, s := range got["starts"] {
				at[fmt.Sprint(s)] = i
			}
			for _, p := range want.Points {
				i, ok := at[p.Start]
				if !ok || p.Value == nil {
					t.Errorf("week %s: not on the axis (%v) or withheld", p.Label, ok)
					continue
				}
				if got["bars"][i].(float64) != float64(*p.Value) || got["line"][i].(float64) != float64(*p.Cumulative) {
					t.Errorf("week %s: bar %v and line %v, want %d and %d", p.Label, got["bars"][i], got["line"][i], *p.Value, *p.Cumulative)
				}
			}
			if got["days"][0] != "04/05" {
				t.Errorf("first week labelled %v, want 04/05", got["days"][0])
			}
		}},
		{"KPI", "kpi", "measure=peopleSupported", func(t *testing.T, tb *tab, want chartData) {
			got := eval[map[string]string](tb, `({value: document.querySelector(".kpi").dataset.value,
				big: document.querySelector(".kpi-value").textContent, label: document.querySelector(".kpi-label").textContent})`)
			n := *want.Total["peopleSupported"]
			if got["value"] != fmt.Sprint(n) || got["big"] != groupDigits(n, ".") || got["label"] != "Số người được hỗ trợ" {
				t.Errorf("KPI %v, want %d people", got, n)
			}
		}},
		{"KPI withheld", "kpi", "group=TAM_HOAN_HDLD&ward=" + withheldWard, func(t *testing.T, tb *tab, want chartData) {
			got := eval[map[string]string](tb, `({value: document.querySelector(".kpi").dataset.value, big: document.querySelector(".kpi-value").textContent,
				note: document.getElementById("note").textContent})`)
			if !want.Points[0].Suppressed || got["value"] != "" || got["big"] != "<5" || !strings.Contains(got["note"], "dưới 5 người") {
				t.Errorf("withheld KPI shown as %v (data: %+v)", got, want.Points[0])
			}
		}},
		{"table in English", "table", "lang=en&group=TAM_HOAN_HDLD", func(t *testing.T, tb *tab, want chartData) {
			got := eval[map[string]any](tb, `({heads: [...document.querySelectorAll("thead th")].map((th) => th.textContent),
				total: document.querySelector("tfoot th").textContent,
				withheld: [...document.querySelectorAll("td.withheld")].map((td) => td.textContent)})`)
			if strings.Join(toStrings(got["heads"]), "|") != "Ward/commune|Amount paid|People|Recipients" || got["total"] != "Total" {
				t.Errorf("English table: %v", got)
			}
			for _, w := range toStrings(got["withheld"]) {
				if w != "<5" {
					t.Errorf("a withheld cell reads %q", w)
				}
			}
			if len(toStrings(got["withheld"])) == 0 {
				t.Error("no withheld cell in the small group's table")
			}
		}},
		{"pipeline needs a signed link", "pipeline", "lang=vi", nil},
		{"a wrong parameter", "wards", "measure=money", nil},
		{"pipeline by a signed link", "pipeline", signed.Encode(), func(t *testing.T, tb *tab, want chartData) {
			series := eval[int](tb, `echarts.getInstanceByDom(document.querySelector(".chart")).getOption().series.length`)
			if series != 3 || !strings.HasPrefix(want.Title, "Progress") {
				t.Errorf("pipeline: %d series, title %q", series, want.Title)
			}
		}},
	}
	tb := newTab(t, 1440)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb.t = t
			tb.do(chromedp.Navigate(srv.URL + "/embed/" + tt.chart + "?" + tt.query))
			tb.waitFor(`["drawn", "error"].includes(document.body.dataset.state)`)
			page := eval[map[string]string](tb, `({state: document.body.dataset.state, title: document.title, h1: document.getElementById("title").textContent,
				demo: document.getElementById("demo").hidden ? "" : document.getElementById("demo").textContent,
				source: document.getElementById("source").textContent, error: (document.querySelector(".error") || {}).textContent || ""})`)
			if tt.check == nil {
				if page["state"] != "error" || page["error"] == "" {
					t.Errorf("page %v, want an error state", page)
				}
				t.Logf("error shown: %s", page["error"])
				return
			}
			want := embedData(t, srv.URL, tt.chart, tt.query)
			if page["state"] != "drawn" || page["title"] != want.Title || (tt.chart != "kpi" && page["h1"] != want.Title) {
				t.Errorf("page %v, want drawn with the title %q", page, want.Title)
			}
			if want.Lang == "en" {
				if !strings.HasPrefix(page["demo"], "Demonstration data") || !strings.HasPrefix(page["source"], "Source: Thái Nguyên City People's Committee — figures as of ") {
					t.Errorf("English page: demo %q, source %q", page["demo"], page["source"])
				}
			} else if !strings.HasPrefix(page["demo"], "Dữ liệu minh hoạ") || !strings.HasPrefix(page["source"], "Nguồn: UBND thành phố Thái Nguyên — số liệu tại ") {
				t.Errorf("demo %q, source %q", page["demo"], page["source"])
			}
			tt.check(t, tb, want)
			tb.screenshot("embed-" + strings.Join(strings.FieldsFunc(strings.ToLower(tt.name), func(r rune) bool { return r == ' ' || r == ',' }), "-"))
		})
	}
	tb.t = t
	tb.checkClean()
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
