package dashboard_test

import (
	"strings"
	"testing"
)

// TestWorkPagesRefuseWhoMayNotOpenThem: a visitor, an analyst and a leader who reach a work page
// they may not open (by a link, or by typing the URL) get a refusal that says why and what to do,
// and never the page's data; the header offers each role only its own pages.
func TestWorkPagesRefuseWhoMayNotOpenThem(t *testing.T) {
	srv := demoServer(t)

	visitor := newTab(t, 1440)
	visitor.open(srv, "?page=audit")
	if got := visitor.text("#refusal"); !strings.Contains(got, "Nhật ký hệ thống chỉ dành cho quản trị viên.") || !strings.Contains(got, "Hãy đăng nhập") {
		t.Errorf("a visitor on the audit page reads %q", got)
	}
	if href := eval[string](visitor, `document.querySelector("#refusal a.button")?.getAttribute("href") || ""`); !strings.Contains(href, "page=signin") {
		t.Errorf("the refusal's sign-in link is %q", href)
	}
	if n := eval[int](visitor, `document.querySelectorAll("nav.pages, #audit-list").length`); n != 0 {
		t.Error("a visitor sees the work pages' links or the audit list")
	}
	if got := eval[string](visitor, `document.title`); !strings.Contains(got, "Nhật ký hệ thống") {
		t.Errorf("window title %q", got)
	}
	visitor.checkClean()

	analyst := signedInTab(t, srv, "phantich", 1440)
	analyst.open(srv, "?page=import")
	if got := analyst.text("#refusal"); !strings.Contains(got, "chỉ dành cho cán bộ phường/xã và quản trị viên") || !strings.Contains(got, "vai trò phân tích") {
		t.Errorf("an analyst on the import page reads %q", got)
	}
	if got := eval[[]string](analyst, `[...document.querySelectorAll("nav.pages a")].map((a) => a.id)`); strings.Join(got, " ") != "nav-overview nav-lists nav-official" {
		t.Errorf("an analyst's page links: %q, want the overview, the lists and the official figures", got)
	}
	if n := eval[int](analyst, `document.querySelectorAll("#i-file, #i-check").length`); n != 0 {
		t.Error("the refused import page still offers the upload form")
	}
	// The lists are open to analysts, but no step of the approval chain is.
	analyst.click("#nav-lists")
	analyst.waitReady("page=lists")
	analyst.waitFor(`document.querySelector("#lists-body")?.getAttribute("aria-busy") === "false"`)
	if n := eval[int](analyst, `document.querySelectorAll("#lists-body .batch").length`); n == 0 {
		t.Error("the analyst sees no imported list")
	}
	if n := eval[int](analyst, `document.querySelectorAll("[data-step]").length`); n != 0 {
		t.Errorf("an analyst is offered %d approval steps", n)
	}
	analyst.checkClean()

	leader := signedInTab(t, srv, "lanhdao", 1440)
	leader.open(srv, "?page=audit")
	if got := leader.text("#refusal"); !strings.Contains(got, "vai trò lãnh đạo") {
		t.Errorf("a leader on the audit page reads %q", got)
	}
	leader.checkClean()
}
