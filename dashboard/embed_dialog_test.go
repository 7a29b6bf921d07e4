package dashboard_test

import (
	"fmt"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestEmbedCodeDialog opens "embed on the portal" over a filtered view: the snippet carries the
// view's filter and the chosen chart, measure, language, theme and title; the preview draws the
// API's figures; the copy button puts the snippet on the clipboard; Tab stays in the dialog and
// Escape closes it, giving the focus back. The snippet, pasted into a portal page, draws there.
func TestEmbedCodeDialog(t *testing.T) {
	site := newPortal(t)
	srv := embedServer(t, []string{site.URL}, nil)
	filter := map[string]any{"programs": []string{"NQ42-2020"}}
	want := apiTotals(t, srv.URL, filter)

	tb := newTab(t, 1440)
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true}, Setting: cdpbrowser.PermissionSettingGranted,
			Origin: srv.URL, BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID,
		})
		if err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	tb.do(chromedp.Navigate(srv.URL + "/?program=NQ42-2020"))
	tb.waitReady()

	tb.click("#embed-open")
	tb.waitFor(`document.getElementById("embed-dialog")?.open === true`)
	if got := eval[string](tb, `document.activeElement.id`); got != "embed-chart" {
		t.Errorf("focus on %q when the dialog opens, want the chart choice", got)
	}
	filterParams := `data-program="NQ42-2020"`
	code := func() (script, iframe string) {
		t.Helper()
		v := eval[[]string](tb, `[document.getElementById("embed-script").value, document.getElementById("embed-iframe").value]`)
		return v[0], v[1]
	}
	script, iframe := code()
	if want := `<script src="` + srv.URL + `/embed.js" data-chart="wards" ` + filterParams +
		` data-measure="amountPaid" data-lang="vi" data-theme="light" data-title="1" async></script>`; script != want {
		t.Errorf("snippet\n %s\nwant\n %s", script, want)
	}
	if want := `<iframe src="` + srv.URL + `/embed/wards?program=NQ42-2020&amp;measure=amountPaid&amp;lang=vi&amp;theme=light&amp;title=1" ` +
		`title="Biểu đồ chi trả hỗ trợ theo phường, xã" loading="lazy" width="100%" height="940" style="border:0"></iframe>`; iframe != want {
		t.Errorf("iframe\n %s\nwant\n %s", iframe, want)
	}
	previewDrawn := `document.getElementById("embed-preview").dataset.state === "drawn" &&
		document.getElementById("embed-preview").contentDocument?.body?.dataset.state === "drawn"`
	tb.waitFor(previewDrawn)
	bars := eval[float64](tb, `(() => { const w = document.getElementById("embed-preview").contentWindow;
		return w.echarts.getInstanceByDom(w.document.querySelector(".chart")).getOption().series[0].data.reduce((s, d) => s + d.value, 0); })()`)
	if int64(bars) != want.AmountPaid {
		t.Errorf("the preview's bars add up to %v, want the API's %d (nothing withheld in this view)", bars, want.AmountPaid)
	}
	tb.screenshot("embed-dialog-1440")

	choose := func(id, value string) {
		t.Helper()
		tb.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.focus();
			if (el.type === "checkbox") el.checked = %q === "on"; else el.value = %q;
			el.dispatchEvent(new Event("change", {bubbles: true})); })()`, id, value, value)))
	}
	choose("embed-chart", "timeseries")
	if !eval[bool](tb, `!!document.getElementById("embed-bucket")`) {
		t.Error("no bucket choice for the time series")
	}
	choose("embed-bucket", "MONTH")
	if script, _ := code(); !strings.Contains(script, `data-chart="timeseries" `+filterParams+` data-measure="amountPaid" data-bucket="MONTH"`) {
		t.Errorf("time series snippet %s", script)
	}
	choose("embed-chart", "kpi")
	choose("embed-measure", "peopleSupported")
	choose("embed-lang", "en")
	choose("embed-theme", "dark")
	choose("embed-title", "off")
	if got := eval[string](tb, `document.activeElement.id`); got != "embed-title" {
		t.Errorf("focus on %q after a change, want it kept on the checkbox", got)
	}
	script, _ = code()
	if want := `<script src="` + srv.URL + `/embed.js" data-chart="kpi" ` + filterParams +
		` data-measure="peopleSupported" data-lang="en" data-theme="dark" data-title="0" async></script>`; script != want {
		t.Errorf("snippet\n %s\nwant\n %s", script, want)
	}
	if eval[bool](tb, `!!document.getElementById("embed-bucket")`) {
		t.Error("a bucket choice for the KPI tile")
	}
	tb.waitFor(previewDrawn + ` && document.getElementById("embed-preview").src.includes("/embed/kpi?")`)
	kpi := eval[map[string]string](tb, `(() => { const d = document.getElementById("embed-preview").contentDocument;
		return {value: d.querySelector(".kpi").dataset.value, lang: d.documentElement.lang, theme: d.documentElement.className}; })()`)
	if kpi["value"] != fmt.Sprint(want.PeopleSupported) || kpi["lang"] != "en" || kpi["theme"] != "theme-dark" {
		t.Errorf("preview KPI %v, want %d people, English, dark", kpi, want.PeopleSupported)
	}

	tb.click(`[data-copy="embed-script"]`)
	tb.waitFor(`document.getElementById("embed-status").textContent !== ""`)
	if got := tb.text("#embed-status"); got != "Đã chép vào bộ nhớ tạm." {
		t.Errorf("after copying: %q", got)
	}
	if got := eval[string](tb, `navigator.clipboard.readText()`); got != script {
		t.Errorf("clipboard %q, want the snippet", got)
	}

	// The KPI strip: every measure at once, so no measure to choose; its preview shows the API's.
	choose("embed-chart", "kpis")
	if eval[bool](tb, `!!document.getElementById("embed-measure")`) {
		t.Error("a measure choice for the KPI strip")
	}
	if strip, _ := code(); !strings.Contains(strip, `data-chart="kpis" `+filterParams+` data-lang="en" data-theme="dark" data-title="0" async>`) {
		t.Errorf("KPI strip snippet %s", strip)
	}
	tb.waitFor(previewDrawn + ` && document.getElementById("embed-preview").src.includes("/embed/kpis?")`)
	strip := eval[map[string]string](tb, `(() => { const d = document.getElementById("embed-preview").contentDocument;
		return Object.fromEntries([...d.querySelectorAll(".kpi-strip .kpi")].map((li) => [li.dataset.kpi, li.dataset.value])); })()`)
	if strip["amountPaid"] != fmt.Sprint(want.AmountPaid) || strip["peopleSupported"] != fmt.Sprint(want.PeopleSupported) || strip["wards"] == "" {
		t.Errorf("preview KPI strip %v, want %d paid to %d people", strip, want.AmountPaid, want.PeopleSupported)
	}

	// Tab from the last control goes to the first, Shift+Tab from the first to the last.
	tb.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("embed-done").focus()`))
	tb.do(chromedp.KeyEvent(kb.Tab))
	if got := eval[string](tb, `document.activeElement.id`); got != "embed-close" {
		t.Errorf("Tab from the last control: focus on %q, want the first (embed-close)", got)
	}
	tb.do(chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
	if got := eval[string](tb, `document.activeElement.id`); got != "embed-done" {
		t.Errorf("Shift+Tab from the first control: focus on %q, want the last (embed-done)", got)
	}
	for range 25 {
		tb.do(chromedp.KeyEvent(kb.Tab))
		if !eval[bool](tb, `document.getElementById("embed-dialog").contains(document.activeElement)`) {
			t.Fatalf("Tab left the dialog for %s", eval[string](tb, `document.activeElement.outerHTML.slice(0, 80)`))
		}
	}
	tb.do(chromedp.KeyEvent(kb.Escape))
	tb.waitFor(`!document.getElementById("embed-dialog")`)
	if got := eval[string](tb, `document.activeElement.id`); got != "embed-open" {
		t.Errorf("focus on %q after Escape, want back on the button that opened the dialog", got)
	}

	// The snippet works on the portal.
	site.page("/", portalPage("dark", script))
	tb.do(chromedp.Navigate(site.URL + "/"))
	tb.waitFor(`document.querySelector("iframe")?.dataset.hotroState === "drawn"`)
	if got := eval[string](tb, `document.querySelector("iframe").src`); !strings.HasPrefix(got, srv.URL+"/embed/kpi?program=NQ42-2020") {
		t.Errorf("the snippet's iframe shows %s", got)
	}

	// A card's button opens the dialog on its chart; the dialog speaks the page's language.
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitReady()
	tb.click("#lang-switch")
	tb.waitFor(`document.documentElement.lang === "en" && document.body.dataset.state === "ready"`)
	tb.click(`#groups [data-embed]`)
	tb.waitFor(`document.getElementById("embed-dialog")?.open === true`)
	got := eval[map[string]string](tb, `({chart: document.getElementById("embed-chart").value, heading: document.getElementById("embed-heading").textContent,
		lang: document.getElementById("embed-lang").value})`)
	if got["chart"] != "groups" || got["heading"] != "Embed code for the city portal" || got["lang"] != "en" {
		t.Errorf("dialog from the groups card: %v", got)
	}
	tb.click("#embed-close")
	tb.waitFor(`!document.getElementById("embed-dialog")`)
	if !eval[bool](tb, `document.activeElement === document.querySelector("#groups [data-embed]")`) {
		t.Error("focus not back on the card's button")
	}
	tb.click("#lang-switch")
	tb.waitFor(`document.documentElement.lang === "vi" && document.body.dataset.state === "ready"`)

	phone := newTab(t, 390)
	phone.do(chromedp.Navigate(srv.URL + "/?program=NQ42-2020"))
	phone.waitReady()
	phone.click("#menu-toggle") // on a phone the header's tools are behind the menu
	phone.click("#embed-open")
	phone.waitFor(previewDrawn)
	if w := eval[float64](phone, `document.getElementById("embed-dialog").getBoundingClientRect().right`); w > 390 {
		t.Errorf("the dialog overflows a phone: right edge at %v px", w)
	}
	phone.screenshot("embed-dialog-390")
	phone.checkClean()
	tb.checkClean()
}
