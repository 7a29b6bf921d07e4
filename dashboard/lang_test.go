package dashboard_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLanguageSwitchIsRemembered switches to English: labels, numbers and the names of wards and
// groups change; the choice survives a reload; and back to Vietnamese.
func TestLanguageSwitchIsRemembered(t *testing.T) {
	srv := demoServer(t)
	want := apiTotals(t, srv.URL, nil)
	var names struct {
		Stats struct {
			Rows []struct {
				Ward struct{ Code, Name, NameEn string }
			}
		} `json:"byWard"`
	}
	graphql(t, srv.URL, operation(t, "PublicOverview"), publicVars(map[string]any{}, "WEEK"), &names)
	first := names.Stats.Rows[0].Ward

	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?sort=amountPaid:desc"))
	tb.waitReady()
	if got := eval[string](tb, `document.documentElement.lang`); got != "vi" {
		t.Errorf("first visit: lang %q, want vi", got)
	}
	if got := tb.text(`table.wards tbody th`); got != first.Name {
		t.Errorf("first ward %q, want %q", got, first.Name)
	}

	tb.click("#lang-switch")
	tb.waitFor(`document.documentElement.lang === "en" && document.body.dataset.state === "ready"`)
	english := func() {
		t.Helper()
		tb.checkKPIs(want, "en")
		if got := tb.text(`[data-kpi="amountPaid"] .kpi-label`); got != "Total paid" {
			t.Errorf("KPI label %q, want Total paid", got)
		}
		if got := tb.text(`table.wards tbody th`); got != first.NameEn {
			t.Errorf("first ward %q, want %q", got, first.NameEn)
		}
		if got := tb.text(`#lang-switch`); got != "Tiếng Việt" {
			t.Errorf("switch says %q", got)
		}
		if !strings.HasPrefix(tb.text("#f-program option"), "All programmes") {
			t.Errorf("programme filter: %q", tb.text("#f-program option"))
		}
		csv := eval[string](tb, `document.querySelector('#wards [data-export="csv"]').getAttribute("href")`)
		if !strings.Contains(csv, "lang=en") {
			t.Errorf("export link %q does not ask for English", csv)
		}
	}
	english()
	tb.screenshot("overview-en-1440")

	tb.do(chromedp.Reload())
	tb.waitReady()
	english()

	tb.click("#lang-switch")
	tb.waitFor(`document.documentElement.lang === "vi" && document.body.dataset.state === "ready"`)
	tb.checkKPIs(want, "vi")
	tb.checkClean()
}
