package dashboard_test

import (
	"reflect"
	"testing"

	"github.com/chromedp/chromedp"

	"hotro/internal/disbursement"
)

// TestStatusWordsComeFromTheAPI: the dashboard names statuses with the API's one table of words
// (Meta's vocabulary, package disbursement's), in Vietnamese and after switching, in English; it
// keeps no copy of its own.
func TestStatusWordsComeFromTheAPI(t *testing.T) {
	srv := demoServer(t)
	var meta struct {
		Vocabulary struct {
			Statuses []struct{ Code, Vi, En string }
		}
	}
	graphql(t, srv.URL, operation(t, "Meta"), nil, &meta)
	var wantVi, wantEn []string
	for i, s := range disbursement.Words().Statuses {
		if got := meta.Vocabulary.Statuses[i]; got.Code != string(s.Code) || got.Vi != s.Vi || got.En != s.En {
			t.Fatalf("Meta's status %d = %+v, want %+v", i, got, s)
		}
		wantVi, wantEn = append(wantVi, s.Vi), append(wantEn, s.En)
	}

	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitReady()
	options := `[...document.querySelectorAll('details[data-field="statuses"] label.check')].map((l) => l.textContent)`
	if got := eval[[]string](tb, options); !reflect.DeepEqual(got, wantVi) {
		t.Errorf("status filter options %q, want %q", got, wantVi)
	}

	openStatuses := `document.querySelector('details[data-field="statuses"]').open = true`
	eval[bool](tb, openStatuses)
	tb.screenshot("vocabulary-statuses-vi-1440")

	tb.click("#lang-switch")
	tb.waitFor(`document.documentElement.lang === "en" && document.body.dataset.state === "ready"`)
	if got := eval[[]string](tb, options); !reflect.DeepEqual(got, wantEn) {
		t.Errorf("status filter options in English %q, want %q", got, wantEn)
	}
	if got := eval[[]string](tb, `import("./js/i18n.js").then(({tables}) =>
		Object.keys({...tables.vi, ...tables.en}).filter((k) => /^(status|channel|stepVerb)_/.test(k)))`); len(got) > 0 {
		t.Errorf("i18n.js still has its own words for codes: %q", got)
	}
	eval[bool](tb, openStatuses)
	tb.screenshot("vocabulary-statuses-en-1440")

	// Back to Vietnamese for the next tests of this browser.
	tb.click("#lang-switch")
	tb.waitFor(`document.documentElement.lang === "vi" && document.body.dataset.state === "ready"`)

	phone := newTab(t, 390)
	phone.do(chromedp.Navigate(srv.URL + "/"))
	phone.waitReady()
	if got := eval[[]string](phone, options); !reflect.DeepEqual(got, wantVi) {
		t.Errorf("status filter options on a phone %q, want %q", got, wantVi)
	}
	eval[bool](phone, `document.querySelector("#filter-fields") && (document.querySelector('details[data-field="statuses"]').open = true)`)
	phone.screenshot("vocabulary-statuses-vi-390")
}
