package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestResidentReportsALineAndTheWardCancelsIt walks residents' feedback in Chromium: a visitor
// opens Quán Triều's posted list (names and IDs masked), reports a line and gets a tracking code;
// the ward's officer reads it (with the phone) and closes it by cancelling the line; the resident
// reads the outcome by the code; the leader's wards table and the ward page count one report closed
// with a change. Each figure is checked against the database or the API.
func TestResidentReportsALineAndTheWardCancelsIt(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	ctx := context.Background()
	var posted []struct {
		ID       int64  `bun:"id"`
		FullName string `bun:"full_name"`
	}
	if err := d.NewSelect().TableExpr("disbursements AS d").Join("JOIN beneficiaries AS b ON b.id = d.beneficiary_id").
		Join("JOIN admin_units AS w ON w.id = d.ward_id").ColumnExpr("d.id, b.full_name").
		Where("w.code = '05431'").Where("d.status = 'POSTED'").OrderExpr("d.id").Scan(ctx, &posted); err != nil || len(posted) == 0 {
		t.Fatalf("posted lines of 05431: %v %v", posted, err)
	}

	visitor := newTab(t, 1440)
	visitor.do(chromedp.Navigate(srv.URL + "/wards/05431/posting"))
	visitor.waitFor(`document.querySelectorAll("a.report").length > 0`)
	page := visitor.text("body")
	for _, l := range posted {
		if strings.Contains(page, l.FullName) {
			t.Errorf("the public list shows %q in full", l.FullName)
		}
	}
	if n := eval[int](visitor, `document.querySelectorAll("a.report").length`); n != len(posted) {
		t.Errorf("%d lines offer a report, want the %d posted", n, len(posted))
	}
	visitor.screenshot("posting-public-1440")
	// The first line's "Phản ánh" link chooses it in the form.
	line := eval[string](visitor, `document.querySelector("a.report").dataset.line`)
	if href := eval[string](visitor, `document.querySelector("a.report").getAttribute("href")`); href != "?line="+line+"#phan-anh" {
		t.Errorf("the report link is %q", href)
	}
	visitor.do(chromedp.Navigate(srv.URL + "/wards/05431/posting?line=" + line + "#phan-anh"))
	visitor.waitFor(fmt.Sprintf(`document.querySelector("select[name=line]").value === %q`, line))
	visitor.choose("select[name=reason]", "NOT_ELIGIBLE")
	visitor.fill("textarea[name=text]", "Hộ này đã chuyển đi nơi khác từ tháng 2.")
	visitor.fill("input[name=phone]", "0912 345 678")
	visitor.do(chromedp.Evaluate[chromedp.Void](`document.querySelector(".report-form").requestSubmit()`))
	visitor.waitAcrossNavigation(`document.readyState === "complete" && document.querySelector(".sent .code") !== null`)
	code := visitor.text(".sent .code")
	if !strings.Contains(visitor.search(), "code="+code) || visitor.text(".tracked .state") != "Đã tiếp nhận" {
		t.Fatalf("after sending: %s, state %q", visitor.search(), visitor.text(".tracked .state"))
	}
	visitor.screenshot("posting-sent-1440")
	visitor.checkClean()

	// Someone else reports a missing person with markup in every field: the officer's page shows it
	// as text, and runs or loads nothing of it.
	hostile := `<img src=x onerror="document.title='owned'"><script>document.title='owned'</script>`
	res, err := http.PostForm(srv.URL+"/wards/05431/feedback", url.Values{"kind": {"MISSING"}, "missingName": {hostile},
		"missingPlace": {"<b>Tổ 9</b>"}, "text": {hostile + " http://evil.example"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	officer := signedInTab(t, srv, "canbo.quantrieu", 1440)
	officer.open(srv, "?page=feedback")
	item := fmt.Sprintf("#feedback-%s", code)
	officer.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, item))
	if got := officer.text(item + " .feedback-phone"); got != "0912345678" {
		t.Errorf("the officer reads the phone %q", got)
	}
	if got := officer.text(item + " .feedback-text"); got != "Hộ này đã chuyển đi nơi khác từ tháng 2." {
		t.Errorf("the officer reads %q", got)
	}
	if n := eval[int](officer, `document.querySelectorAll(".feedback-list img, .feedback-list script, .feedback-text a").length`); n != 0 || eval[string](officer, `document.title`) == "owned" {
		t.Errorf("the residents' markup became %d elements on the officer's page", n)
	}
	if got := eval[string](officer, `[...document.querySelectorAll(".feedback-text")].map((e) => e.textContent).join("|")`); !strings.Contains(got, hostile+" http://evil.example") {
		t.Errorf("the texts read %q", got)
	}
	officer.screenshot("feedback-open-1440")
	officer.choose(item+" select[name=action]", "CANCEL_LINE")
	officer.fill(item+" textarea[name=reply]", "Phường đã xác minh: hộ đã chuyển đi, dòng được hủy.")
	officer.click(item + " form button[type=submit]")
	officer.waitFor(fmt.Sprintf(`document.querySelector("#feedback-done") !== null && document.querySelector(%q).dataset.status === "CLOSED"`, item))
	if got := officer.text(item + " .feedback-outcome"); !strings.HasPrefix(got, "Đã hủy dòng") {
		t.Errorf("outcome %q", got)
	}
	var status string
	if err := d.NewSelect().Table("disbursements").Column("status").Where("id = ?", line).Scan(ctx, &status); err != nil || status != "CANCELLED" {
		t.Errorf("the reported line is %s (%v), want CANCELLED", status, err)
	}
	if got := officer.text(item + " .feedback-lines"); got != "#"+line+" Đã hủy" && !strings.HasPrefix(got, "#"+line) {
		t.Errorf("changed lines %q", got)
	}
	officer.screenshot("feedback-closed-1440")
	officer.do(officer.viewport(390))
	officer.open(srv, "?page=feedback")
	officer.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, item))
	officer.screenshot("feedback-closed-390")
	officer.checkClean()

	visitor.do(chromedp.Navigate(srv.URL + "/wards/05431/posting?code=" + strings.ToLower(code)))
	visitor.waitFor(`document.querySelector(".tracked") !== null`)
	if visitor.text(".tracked .state") != "Đã đóng" || !strings.HasPrefix(visitor.text(".tracked .outcome"), "Đã hủy dòng") ||
		visitor.text(".tracked .reply") != "Phường đã xác minh: hộ đã chuyển đi, dòng được hủy." {
		t.Errorf("the resident reads %q", visitor.text(".tracked"))
	}
	visitor.do(visitor.viewport(390))
	visitor.do(chromedp.Navigate(srv.URL + "/wards/05431/posting?code=" + code))
	visitor.waitFor(`document.querySelector(".tracked") !== null`)
	visitor.screenshot("posting-tracked-390")
	visitor.checkClean()

	leader := signedInTab(t, srv, "lanhdao", 1440)
	leader.open(srv, "")
	cell := `document.querySelector('table.wards tr:has(a[data-ward="05431"]) .feedback-cell')`
	leader.waitFor(cell + ` !== null`)
	got := eval[map[string]string](leader, `Object.assign({}, `+cell+`.dataset)`)
	// Two reports: the one closed with the line cancelled, and the missing person still open.
	if got["received"] != "2" || got["closed"] != "1" || got["changed"] != "1" || got["open"] != "1" || got["overdue"] != "0" {
		t.Errorf("the leader's wards table: %v (%q)", got, eval[string](leader, cell+`.textContent`))
	}
	leader.screenshotSection("wards-feedback-1440", "table.wards")
	leader.do(leader.viewport(390))
	leader.open(srv, "")
	leader.waitFor(cell + ` !== null`)
	leader.screenshotSection("wards-feedback-390", "table.wards")
	leader.do(leader.viewport(1440))
	leader.open(srv, "?ward=05431")
	leader.waitFor(`document.querySelector("#ward-feedback") !== null`)
	if r, c := leader.text(`#ward-feedback [data-key="received"] dd`), leader.text(`#ward-feedback [data-key="changed"] dd`); r != "2" || !strings.HasPrefix(c, "1/1") {
		t.Errorf("the ward page: received %q, changed %q", r, c)
	}
	leader.screenshot("ward-feedback-1440")
	leader.checkClean()
}

// waitAcrossNavigation waits for the condition on a page the tab is navigating to (a form sent, a
// redirect followed): a poll cut short by the navigation is started again on the new page.
func (tb *tab) waitAcrossNavigation(cond string) {
	tb.t.Helper()
	var err error
	for range 50 {
		if _, err = chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](cond,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))); err == nil {
			return
		}
		if !strings.Contains(err.Error(), "navigated") && !strings.Contains(err.Error(), "context") {
			break
		}
	}
	tb.fail(fmt.Errorf("waiting for %s: %w", cond, err))
}
