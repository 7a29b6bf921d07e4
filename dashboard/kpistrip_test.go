package dashboard_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPortalEmbedsKPIStrip: the portal's page (another origin) embeds the KPI strip (paid, people
// and wards paid) with one embed.js line, in Vietnamese on a light page and in English on a dark
// one. The three figures are the API's public ones (publicStats as a visitor reads it), the strip
// is one row on a desktop and wraps on a phone without overflowing, and a withheld total reads
// "<5". Screenshots at 390 and 1440 px go to bin/screenshots/embed-kpis-*.png.
func TestPortalEmbedsKPIStrip(t *testing.T) {
	site := newPortal(t)
	srv := embedServer(t, []string{site.URL}, nil)

	var api struct {
		Total struct {
			MinCount int
			Total    wardFigure
		}
	}
	graphql(t, srv.URL, operation(t, "PublicOverview"), publicVars(nil, "WEEK"), &api)
	byWard := publicByWard(t, srv.URL, nil)
	var wardsPaid int64
	for _, w := range byWard {
		if !w.Suppressed && w.AmountPaid != nil && *w.AmountPaid > 0 {
			wardsPaid++
		}
	}
	if api.Total.Total.AmountPaid == nil || api.Total.Total.PeopleSupported == nil || wardsPaid < 30 {
		t.Fatalf("the API's public figures: %+v, %d wards paid", api.Total.Total, wardsPaid)
	}
	want := map[string]int64{"amountPaid": *api.Total.Total.AmountPaid, "peopleSupported": *api.Total.Total.PeopleSupported, "wards": wardsPaid}

	tb := newTab(t, 1440)
	fr := trackFrames(tb)
	for _, c := range []struct{ theme, lang, sep, title string }{
		{"light", "vi", ".", "Chi trả hỗ trợ"},
		{"dark", "en", ",", "Support paid"},
	} {
		t.Run(c.lang+"-"+c.theme, func(t *testing.T) {
			tb.t = t
			site.page("/"+c.theme, portalPage(c.theme, embedScript(srv.URL, "chart", "kpis", "lang", c.lang, "theme", c.theme, "title", "1")))
			tb.do(tb.viewport(1440), chromedp.Navigate(site.URL+"/"+c.theme))
			tb.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("iframe") && document.querySelector("iframe").scrollIntoView()`))
			tb.waitFor(`document.querySelector("iframe") && document.querySelector("iframe").dataset.hotroState === "drawn"`)
			frame := fr.frameOf(tb, srv.URL+"/embed/kpis?")
			waitIn(tb, frame, `document.body.dataset.state === "drawn"`)

			page := evalIn[map[string]any](tb, frame, `({title: document.getElementById("title").textContent, cls: document.documentElement.className,
				lang: document.documentElement.lang,
				items: [...document.querySelectorAll(".kpi-strip .kpi")].map((li) => ({kpi: li.dataset.kpi, value: li.dataset.value,
					label: li.querySelector(".kpi-label").textContent, big: li.querySelector(".kpi-value").textContent, top: li.offsetTop}))})`)
			if page["title"] != c.title || page["cls"] != "theme-"+c.theme || page["lang"] != c.lang {
				t.Errorf("strip page %v, want the title %q, theme %s, language %s", page, c.title, c.theme, c.lang)
			}
			items, _ := page["items"].([]any)
			if len(items) != 3 {
				t.Fatalf("the strip shows %d figures, want paid, people and wards: %v", len(items), items)
			}
			tops := map[float64]bool{}
			for i, it := range items {
				m := it.(map[string]any)
				code := m["kpi"].(string)
				if code != []string{"amountPaid", "peopleSupported", "wards"}[i] {
					t.Errorf("figure %d is %s", i, code)
				}
				if m["value"] != fmt.Sprint(want[code]) || m["label"] == "" {
					t.Errorf("%s: the strip shows %v, the API %d", code, m, want[code])
				}
				if code != "amountPaid" && m["big"] != groupDigits(want[code], c.sep) {
					t.Errorf("%s reads %q, want %q", code, m["big"], groupDigits(want[code], c.sep))
				}
				tops[m["top"].(float64)] = true
			}
			if len(tops) != 1 {
				t.Errorf("at 1440 px the strip takes %d rows, want one", len(tops))
			}
			tb.screenshotFramed("embed-kpis-"+c.lang+"-"+c.theme+"-1440", 1440, frame)

			// On a phone the strip wraps, within the frame's width.
			tb.do(tb.viewport(390))
			waitIn(tb, frame, `window.innerWidth < 400`)
			narrow := evalIn[map[string]float64](tb, frame, `({rows: new Set([...document.querySelectorAll(".kpi-strip .kpi")].map((li) => li.offsetTop)).size,
				overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth})`)
			if narrow["rows"] < 2 || narrow["overflow"] > 0 {
				t.Errorf("at 390 px: %v rows, %v px overflow; want it wrapped, no overflow", narrow["rows"], narrow["overflow"])
			}
			tb.screenshotFramed("embed-kpis-"+c.lang+"-"+c.theme+"-390", 390, frame)
		})
	}
	tb.t = t

	// A withheld total reads "<5", with the note saying why.
	small := embedData(t, srv.URL, "table", "group=TAM_HOAN_HDLD")
	var withheldWard string
	for _, p := range small.Points {
		if p.Suppressed {
			withheldWard = p.Code
			break
		}
	}
	if withheldWard == "" {
		t.Fatal("the small group has no withheld ward: the test needs one")
	}
	tb.do(tb.viewport(1440), chromedp.Navigate(srv.URL+"/embed/kpis?group=TAM_HOAN_HDLD&ward="+withheldWard))
	tb.waitFor(`document.body.dataset.state === "drawn"`)
	got := eval[map[string]string](tb, `({paid: document.querySelector('[data-kpi="amountPaid"] .kpi-value').textContent,
		people: document.querySelector('[data-kpi="peopleSupported"] .kpi-value').textContent,
		value: document.querySelector('[data-kpi="amountPaid"]').dataset.value, note: document.getElementById("note").textContent})`)
	if got["paid"] != "<5" || got["people"] != "<5" || got["value"] != "" || !strings.Contains(got["note"], "dưới 5 người") {
		t.Errorf("a withheld strip reads %v, want <5 with the note", got)
	}
	tb.screenshot("embed-kpis-withheld")
	tb.checkClean()
}
