package dashboard_test

// Keyboard walks: what a person without a mouse does on the dashboard, key by key, with where the
// focus is (document.activeElement) after each key. The file picker of the import form is the one
// step done for them: it is the operating system's dialog, not the page's.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// press sends a key (with modifiers) to the focused element, then waits until the focus is on an
// element that cond (a JavaScript expression over el, the focused element) holds for, and fails
// with where the focus is instead. what says in words where the focus belongs.
func (tb *tab) press(key, what, cond string, mods ...chromedp.Modifier) {
	tb.t.Helper()
	var opts []chromedp.KeyOption
	if len(mods) > 0 {
		opts = append(opts, chromedp.KeyModifiers(mods...))
	}
	tb.do(chromedp.KeyEvent(key, opts...))
	tb.focusOn(what, cond)
}

// focusOn waits (a few seconds at most: a key may redraw the page) until the focus is where cond says.
func (tb *tab) focusOn(what, cond string) {
	tb.t.Helper()
	check := fmt.Sprintf(`(() => { const el = document.activeElement; return Boolean(el && (%s)); })()`, cond)
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](check,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		tb.t.Fatalf("focus: want %s, got %s", what, tb.focused())
	}
}

// focused describes the focused element for a failure.
func (tb *tab) focused() string {
	return eval[string](tb, `(() => { const el = document.activeElement; if (!el) return "nothing";
		return el.outerHTML.slice(0, 140) + (el === document.body ? " (the page: focus was lost)" : ""); })()`)
}

func quoteJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestKeyboardWalks(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)

	t.Run("skip link, filters, sorting and drill-down", func(t *testing.T) {
		tb := newTab(t, 1440)
		tb.open(srv, "")
		tb.press(kb.Tab, "the skip link", `el.matches("a.skip")`)
		tb.press(kb.Enter, "the main content", `el.id === "main"`)

		// A filter: Enter opens the group list, Tab reaches its first choice, Space chooses it (the
		// page redraws for the filter and gives the focus back to the same box), Escape closes.
		tb.do(chromedp.Focus(chromedp.CSS("#f-groups")))
		tb.press(kb.Enter, "the groups filter", `el.id === "f-groups" && el.parentElement.open`)
		tb.press(kb.Tab, "the first group's box", `el.type === "checkbox" && el.closest("details.multi")?.dataset.field === "groups"`)
		box := eval[string](tb, `document.activeElement.id`)
		value := eval[string](tb, `document.activeElement.value`)
		tb.press(" ", "the same group's box, after the redraw", `el.id === `+quoteJS(box)+` && el.checked`)
		tb.waitReady("groups=" + value)
		tb.press(kb.Escape, "the groups filter, closed", `el.id === "f-groups" && !el.parentElement.open`)

		// Sorting the wards: Enter sorts, the focus stays on the column's button; again, the other way.
		sortButton := `#wards-table button[data-sort-key="peopleSupported"], table.wards button[data-sort-key="peopleSupported"]`
		tb.do(chromedp.Focus(chromedp.CSS(sortButton)))
		tb.press(kb.Enter, "the people column's sort button", `el.dataset.sortKey === "peopleSupported" && el.closest("th").getAttribute("aria-sort") === "descending"`)
		tb.press(kb.Enter, "the same button, now ascending", `el.dataset.sortKey === "peopleSupported" && el.closest("th").getAttribute("aria-sort") === "ascending"`)

		// Drill-down: Tab from the header row reaches the first ward's link; Enter opens its page,
		// whose title takes the focus.
		for i := 0; ; i++ {
			tb.do(chromedp.KeyEvent(kb.Tab))
			if eval[bool](tb, `document.activeElement.matches("table.wards tbody a")`) {
				break
			}
			if i == 15 {
				t.Fatalf("15 Tabs after the sort buttons, no ward link: focus on %s", tb.focused())
			}
		}
		ward := eval[string](tb, `new URL(document.activeElement.href).searchParams.get("ward")`)
		tb.press(kb.Enter, "the ward page's title", `el.id === "page-title"`)
		tb.waitReady("ward=" + ward)
	})

	t.Run("every Tab stop of the home page is seen", func(t *testing.T) {
		// The charts' tables shown only to screen readers were 1 × 1 px Tab stops with no visible
		// focus: no Tab stop may be hidden, tiny or without a focus ring.
		for _, width := range []int64{1440, 390} {
			tb := newTab(t, width)
			tb.open(srv, "")
			seen := map[string]bool{}
			for i := 0; i < 400; i++ {
				tb.do(chromedp.KeyEvent(kb.Tab))
				stop := eval[map[string]any](tb, `(() => { const el = document.activeElement; const r = el.getBoundingClientRect();
					const s = getComputedStyle(el);
					return {desc: el.outerHTML.slice(0, 120), body: el === document.body, hidden: Boolean(el.closest(".sr-only")) && !el.matches(".skip"),
						tiny: r.width < 8 || r.height < 8, ring: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2}; })()`)
				desc := stop["desc"].(string)
				if stop["body"] == true || seen[desc] && i > 5 {
					break // round the page: back at the start
				}
				seen[desc] = true
				if stop["hidden"] == true || stop["tiny"] == true {
					t.Errorf("%d px: Tab stop %d is hidden or tiny: %s", width, i+1, desc)
				}
				if stop["ring"] != true {
					t.Errorf("%d px: Tab stop %d shows no focus ring of 2 px or more: %s", width, i+1, desc)
				}
			}
			if len(seen) < 20 {
				t.Errorf("%d px: only %d Tab stops on the home page", width, len(seen))
			}
			// The buttons that show a chart's table, and the export links, say which chart they are
			// for, their visible text first (WCAG 2.5.3): each name is its own.
			names := eval[[]string](tb, `[...document.querySelectorAll("button[aria-controls$='-table'], a[data-export]")].map((b) =>
				b.textContent.trim() + " | " + b.getAttribute("aria-label"))`)
			unique := map[string]bool{}
			for _, n := range names {
				visible, label, _ := strings.Cut(n, " | ")
				if !strings.HasPrefix(label, visible) || unique[label] {
					t.Errorf("%d px: a button shows %q and is named %q (not starting with its text, or named like another)", width, visible, label)
				}
				unique[label] = true
			}
			if len(names) < 8 {
				t.Errorf("%d px: %d table and export buttons, want the four tables' and the exports", width, len(names))
			}
		}
	})

	t.Run("Xem thêm keeps the reader's place", func(t *testing.T) {
		// The ward's lines come 50 at a time: Enter on "Xem thêm" gives the focus to the first of
		// the new lines (it dropped to the page's body), and the count says how many are shown.
		tb := signedInTab(t, srv, "canbo.quantrieu", 1440)
		tb.open(srv, "?ward=05431")
		tb.waitFor(`document.querySelector("#lines-more") !== null`)
		before := eval[int](tb, `document.querySelectorAll("#lines-body tbody tr").length`)
		tb.do(chromedp.Focus(chromedp.CSS("#lines-more")))
		tb.press(kb.Enter, "the first new line's name", fmt.Sprintf(`el.matches("#lines-body tbody a[data-recipient]") && [...document.querySelectorAll("#lines-body tbody tr")].indexOf(el.closest("tr")) === %d`, before))
		if after := eval[int](tb, `document.querySelectorAll("#lines-body tbody tr").length`); after <= before {
			t.Errorf("Xem thêm: %d lines, then %d", before, after)
		}
		if got := eval[string](tb, `document.getElementById("lines-count").getAttribute("role")`); got != "status" {
			t.Errorf("the lines' count is not a status region (role %q)", got)
		}
	})

	t.Run("sign-in, import and approval", func(t *testing.T) {
		tb := newTab(t, 1440)
		tb.open(srv, "?page=signin")
		tb.do(chromedp.Focus(chromedp.CSS("#username")))
		tb.do(chromedp.KeyEvent("canbo.quantrieu"))
		tb.press(kb.Tab, "the password", `el.id === "password"`)
		tb.do(chromedp.KeyEvent(seedtest.DemoPassword))
		tb.press(kb.Enter, "the signed-in page's content", `el.id === "main" || el.id === "page-title"`)
		tb.waitFor(`document.querySelector(".who") !== null && document.body.dataset.state === "ready"`)

		// Import: the form by keyboard (the file chosen for them), Enter checks it, the report's
		// title takes the focus; Tab reaches "commit", Enter commits, the title takes it again.
		tb.open(srv, "?page=import&group=HO_NGHEO")
		tb.do(chromedp.Focus(chromedp.CSS("#i-listed")))
		tb.do(chromedp.KeyEvent("20/04/2020"))
		tb.do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{writeList(t, "ho-ngheo-ban-phim.csv", poorHouseholds)}))
		tb.do(chromedp.Focus(chromedp.CSS("#i-check")))
		tb.press(kb.Enter, "the report's title", `el.id === "report-title" && document.querySelector("#import-report")?.dataset.status === "READY"`)
		for i := 0; ; i++ {
			tb.do(chromedp.KeyEvent(kb.Tab))
			if eval[bool](tb, `document.activeElement.id === "import-commit"`) {
				break
			}
			if i == 10 {
				t.Fatalf("10 Tabs from the report's title, no commit button: focus on %s", tb.focused())
			}
		}
		tb.press(kb.Enter, "the committed report's title", `el.id === "report-title" && document.querySelector("#import-report")?.dataset.status === "COMMITTED"`)
		batch := eval[string](tb, `document.querySelector("#import-batch").dataset.batch`)

		// Approval chain, first step: Enter on "post" opens the dialog on its date; Escape closes it
		// and gives the focus back; in the dialog Tab never leaves it; Enter in the date confirms,
		// and the list's title takes the focus.
		tb.open(srv, "?page=lists&wards=05431&groups=HO_NGHEO")
		post := fmt.Sprintf(`#batch-%s [data-step="POST"]`, batch)
		tb.waitFor(fmt.Sprintf(`document.querySelector(%s) !== null`, quoteJS(post)))
		tb.do(chromedp.Focus(chromedp.CSS(post)))
		tb.press(kb.Enter, "the dialog's date", `el.id === "step-date" && document.getElementById("step-dialog")?.open`)
		tb.press(kb.Escape, "the post button again", `el.matches(`+quoteJS(post)+`) && !document.getElementById("step-dialog")`)
		tb.press(kb.Enter, "the dialog's date", `el.id === "step-date"`)
		for i := 0; i < 8; i++ {
			tb.press(kb.Tab, "an element of the dialog", `document.getElementById("step-dialog").contains(el)`)
		}
		for i := 0; i < 8; i++ {
			tb.press(kb.Tab, "an element of the dialog", `document.getElementById("step-dialog").contains(el)`, chromedp.ModifierShift)
		}
		tb.do(chromedp.Focus(chromedp.CSS("#step-date")))
		tb.do(chromedp.KeyEvent("22/04/2020"))
		tb.press(kb.Enter, "the list's title", fmt.Sprintf(`el.id === "batch-%s-title" && !document.getElementById("step-dialog")`, batch))
		if got := tb.text(fmt.Sprintf("#batch-%s", batch)); !strings.Contains(got, "Đã niêm yết") && !strings.Contains(got, "niêm yết") {
			t.Errorf("after posting by keyboard the list reads %q", got)
		}
		tb.checkClean()
	})
}
