package dashboard_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestDrillIntoAWard sorts the ward table from the keyboard, opens a ward from it with Enter, finds
// the ward's figures equal to the API's, and comes back.
func TestDrillIntoAWard(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?groups=HO_NGHEO"))
	tb.waitReady()

	// Sort by people, from the keyboard.
	tb.do(chromedp.Focus(chromedp.CSS(`button[data-sort-key="peopleSupported"]`)), chromedp.KeyEvent(kb.Enter))
	tb.waitReady("sort=peopleSupported:desc")
	people := eval[[]string](tb, `[...document.querySelectorAll("table.wards tbody tr td:nth-child(4)")].map((td) => td.textContent)`)
	for i := 1; i < len(people); i++ {
		if number(people[i]) > number(people[i-1]) {
			t.Fatalf("ward table sorted by people descending: %q", people)
		}
	}
	if got := eval[string](tb, `document.activeElement.dataset.sortKey`); got != "peopleSupported" {
		t.Errorf("focus after sorting on %q, want the sort button", got)
	}

	// Open the first ward with the keyboard.
	code := eval[string](tb, `document.querySelector("table.wards tbody a").dataset.ward`)
	name := eval[string](tb, `document.querySelector("table.wards tbody a").textContent`)
	tb.do(chromedp.Focus(chromedp.CSS(`table.wards tbody a`)), chromedp.KeyEvent(kb.Enter))
	tb.waitReady("ward=" + code)
	if got := tb.text("h1"); got != name {
		t.Errorf("ward page title %q, want %q", got, name)
	}
	if got := eval[string](tb, `document.activeElement.id`); got != "page-title" {
		t.Errorf("focus on the ward page on %q, want the title", got)
	}
	want := apiTotals(t, srv.URL, map[string]any{"groups": []string{"HO_NGHEO"}, "wards": []string{code}})
	tb.checkKPIs(want, "vi")
	sections := eval[[]string](tb, `[...document.querySelectorAll("main section h2")].map((h) => h.textContent)`)
	if strings.Join(sections, "|") != "Theo nhóm đối tượng|Theo thời gian|Tiến độ: lập danh sách → phê duyệt → chi trả|Danh sách chi trả" {
		t.Errorf("ward page sections %q", sections)
	}
	if got := tb.text("#lists .notice"); !strings.Contains(got, "chỉ dành cho người dùng được phân quyền") {
		t.Errorf("lists for a visitor: %q", got)
	}
	tb.screenshot("ward-1440")

	// Back to the city, with the filter and the sort kept.
	tb.click(".crumbs a")
	tb.waitFor(`!location.search.includes("ward=")`)
	tb.waitReady("groups=HO_NGHEO", "sort=peopleSupported:desc")

	// A bar of the ward chart opens its ward too.
	box := eval[map[string]float64](tb, `(() => { const r = document.querySelector("#wards-chart").getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width}; })()`)
	tb.do(chromedp.MouseClickXY(box["x"]+box["w"]*0.5, box["y"]+20, chromedp.ButtonType(input.MouseButtonLeft)))
	tb.waitReady("ward=")
	tb.checkClean()
}

func number(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return n
}
