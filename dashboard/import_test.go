package dashboard_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestImportAndApprovalChain walks a list from the ward's spreadsheet to the money paid, in the
// browser: the officer of 05431 downloads the template, uploads a list with a bad ID (refused,
// with the row and column), then a clean one, commits it and posts it; the leader appraises and
// approves it with a decision number; the officer records the payment. The list is of 2020, and
// no date is assumed: the posting date starts empty and is required, later steps start at the
// list's last step date, a payment before the approval is refused with nothing moved, and a date
// far from the previous step (today's, as in the 07/12/2026 incident) asks to be confirmed. After
// each step the API's figures have moved; at the end the admin finds every step, with its before
// and after, in the audit trail.
func TestImportAndApprovalChain(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	admin := srv.NewClient()
	admin.SignIn(t, "quantri", seedtest.DemoPassword)
	start := pipelineOf(t, admin)

	officer := signedInTab(t, srv, "canbo.quantrieu", 1440)
	officer.open(srv, "")
	if got := eval[[]string](officer, `[...document.querySelectorAll("nav.pages a")].map((a) => a.id)`); strings.Join(got, " ") != "nav-overview nav-queue nav-import nav-lists nav-feedback" {
		t.Errorf("a ward officer's page links: %q, want the overview, queue, import, lists and feedback (no audit)", got)
	}
	officer.click("#nav-import")
	officer.waitReady("page=import")
	if got := officer.text("h1"); got != "Nhập danh sách chi trả" {
		t.Errorf("import page title %q", got)
	}
	// The officer's only ward is chosen for them; the group is theirs to choose, and the URL keeps it.
	if got := eval[string](officer, `document.querySelector("#i-ward").value`); got != "05431" {
		t.Errorf("ward preselected %q, want 05431", got)
	}
	officer.choose("#i-group", "HO_NGHEO")
	if got := officer.search(); !strings.Contains(got, "group=HO_NGHEO") {
		t.Errorf("the URL does not keep the chosen group: %q", got)
	}

	t.Run("template", func(t *testing.T) {
		href := eval[string](officer, `document.querySelector("#template-xlsx").href`)
		res, err := http.Get(href)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("GET %s: %d %s", href, res.StatusCode, ct)
		}
		text := xlsxText(t, body)
		for _, header := range []string{"Họ và tên", "Số CCCD/CMND", "Ngày sinh", "Số nhân khẩu", "Số tiền (đồng)"} {
			if !strings.Contains(text, header) {
				t.Errorf("the HO_NGHEO template lacks the header %q", header)
			}
		}
		if csv := eval[string](officer, `document.querySelector("#template-csv").getAttribute("href")`); csv != "intake/template.csv?program=NQ42-2020&group=HO_NGHEO" {
			t.Errorf("CSV template link %q", csv)
		}
	})

	// A list with a bad ID: nothing can be committed, and the report names the row and the column.
	bad := append([]listRow{}, poorHouseholds...)
	bad[1].CitizenID = "12345"
	officer.do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{writeList(t, "ho-ngheo-loi.csv", bad)}))
	officer.click("#i-check")
	officer.waitFor(`document.querySelector("#import-report")?.dataset.status === "HAS_ERRORS" && document.body.dataset.state === "ready"`)
	issue := eval[[]string](officer, `[...document.querySelectorAll('#import-issues tr[data-code="invalid_id"] td')].map((td) => td.textContent)`)
	if len(issue) != 4 || issue[0] != "3" || issue[1] != "Số CCCD/CMND" || issue[2] != "Lỗi" || !strings.Contains(issue[3], "12 chữ số") {
		t.Errorf("the bad ID's issue: %q, want row 3, column Số CCCD/CMND, Lỗi, a message on its length", issue)
	}
	if got := officer.text(`[data-count="rejected"] .count-value`); got != "1" {
		t.Errorf("rejected rows shown %q, want 1", got)
	}
	if n := eval[int](officer, `document.querySelectorAll("#import-commit").length`); n != 0 {
		t.Error("a list with errors offers to be committed")
	}
	if got := officer.text("#report-status"); !strings.Contains(got, "Có lỗi") || !strings.Contains(got, "dòng 3") {
		t.Errorf("report status %q", got)
	}
	if got := officer.search(); !strings.Contains(got, "checked=HAS_ERRORS") || !strings.Contains(got, "file=ho-ngheo-loi.csv") {
		t.Errorf("URL after a check with errors: %q", got)
	}
	officer.screenshot("import-errors-1440")
	officer.do(officer.viewport(390))
	officer.screenshot("import-errors-390")
	officer.do(officer.viewport(1440))

	// The clean list, drawn up in 2020: ready, kept, and in the URL; a reload shows the same report.
	officer.fill("#i-listed", "20/04/2020")
	officer.do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{writeList(t, "ho-ngheo-quan-trieu.csv", poorHouseholds)}))
	officer.click("#i-check")
	officer.waitFor(`document.querySelector("#import-report")?.dataset.status === "READY" && location.search.includes("upload=")`)
	checkReady := func() {
		t.Helper()
		for key, want := range map[string]string{"rows": "3", "accepted": "3", "rejected": "0", "amount": fmt.Sprint(poorHouseholdsAmount), "people": "9", "newRecipients": "3"} {
			if got := eval[string](officer, fmt.Sprintf(`document.querySelector('[data-count=%q]').dataset.value`, key)); got != want {
				t.Errorf("count %s: %s, want %s", key, got, want)
			}
		}
		if got := officer.text(`[data-count="amount"] .count-value`); got != formatVND(poorHouseholdsAmount, "vi") {
			t.Errorf("amount shown %q", got)
		}
		if n := eval[int](officer, `document.querySelectorAll("#import-preview tbody tr").length`); n != 3 {
			t.Errorf("preview rows %d, want 3", n)
		}
	}
	checkReady()
	officer.screenshot("import-ready-1440")
	officer.do(officer.viewport(390))
	officer.screenshot("import-ready-390")
	officer.do(officer.viewport(1440))
	upload := officer.search()
	officer.do(chromedp.Reload())
	officer.waitFor(`document.querySelector("#import-report")?.dataset.status === "READY" && document.body.dataset.state === "ready"`)
	if got := officer.search(); got != upload {
		t.Errorf("after a reload the URL is %q, want %q", got, upload)
	}
	checkReady()

	officer.click("#import-commit")
	officer.waitFor(`document.querySelector("#import-report")?.dataset.status === "COMMITTED"`)
	batch := eval[string](officer, `document.querySelector("#import-batch").dataset.batch`)
	if got := officer.text(`#import-batch tr[data-status="LISTED"] td`); got != "3" {
		t.Errorf("the new batch's LISTED lines shown %q, want 3", got)
	}
	if got := eval[string](officer, `document.querySelector("#import-posting").getAttribute("href")`); got != "wards/05431/posting?batch="+batch {
		t.Errorf("posting link %q", got)
	}
	step := func(name string, want pipeline) {
		t.Helper()
		if got := pipelineOf(t, admin); got != want {
			t.Errorf("after %s: the API's pipeline %+v, want %+v", name, got, want)
		}
	}
	step("the import", pipeline{start.AmountListed + poorHouseholdsAmount, start.AmountApproved, start.AmountPaid})

	// Posting, from the lists page the import page leads to.
	officer.click("#import-to-lists")
	officer.waitReady("page=lists", "wards=05431", "groups=HO_NGHEO")
	card := fmt.Sprintf("#batch-%s", batch)
	officer.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, card))
	if got := eval[[]string](officer, fmt.Sprintf(`[...document.querySelectorAll("%s [data-step]")].map((b) => b.dataset.step)`, card)); strings.Join(got, " ") != "POST CANCEL" {
		t.Errorf("steps offered to the officer on a listed batch: %q, want POST CANCEL", got)
	}
	takeStep(officer, card, "POST", func() {
		if got := eval[string](officer, `document.querySelector("#step-date").value`); got != "" {
			t.Errorf("the posting date starts at %q, want empty: a date is chosen, never assumed", got)
		}
		officer.click("#step-confirm")
		officer.waitFor(`document.querySelector("#step-error").textContent.includes("Hãy chọn ngày niêm yết")`)
		if got := eval[string](officer, `document.activeElement.id`); got != "step-date" {
			t.Errorf("focus after a missing date on %q", got)
		}
		officer.fill("#step-date", "22/04/2020")
	})
	if got := batchStatuses(t, admin, batch); got["POSTED"] != 3 || len(got) != 1 {
		t.Errorf("after posting, the batch's lines: %v", got)
	}
	step("posting", pipeline{start.AmountListed + poorHouseholdsAmount, start.AmountApproved, start.AmountPaid})
	officer.screenshot("lists-1440")
	officer.do(officer.viewport(390))
	officer.screenshot("lists-390")
	officer.do(officer.viewport(1440))

	// The leader appraises and approves; the decision number is required.
	leader := signedInTab(t, srv, "lanhdao", 1440)
	leader.open(srv, "?page=lists&wards=05431&groups=HO_NGHEO")
	leader.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, card))
	if got := eval[[]string](leader, fmt.Sprintf(`[...document.querySelectorAll("%s [data-step]")].map((b) => b.dataset.step)`, card)); strings.Join(got, " ") != "APPRAISE CANCEL" {
		t.Errorf("steps offered to the leader on a posted batch: %q, want APPRAISE CANCEL", got)
	}
	takeStep(leader, card, "APPRAISE", func() {
		if got := eval[string](leader, `document.querySelector("#step-date").value`); got != "22/04/2020" {
			t.Errorf("the appraisal date starts at %q, want the list's posting date 22/04/2020", got)
		}
		leader.fill("#step-date", "25/04/2020")
	})
	step("appraisal", pipeline{start.AmountListed + poorHouseholdsAmount, start.AmountApproved, start.AmountPaid})
	takeStep(leader, card, "APPROVE", func() {
		leader.click("#step-confirm")
		leader.waitFor(`document.querySelector("#step-error").textContent.includes("Số quyết định")`)
		if got := eval[string](leader, `document.activeElement.id`); got != "step-decisionNumber" {
			t.Errorf("focus after a missing decision number on %q", got)
		}
		leader.fill("#step-date", "28/04/2020")
		leader.fill("#step-decisionNumber", "1234/QĐ-UBND")
		leader.fill("#step-decisionIssuer", "UBND tỉnh Thái Nguyên")
	})
	step("approval", pipeline{start.AmountListed + poorHouseholdsAmount, start.AmountApproved + poorHouseholdsAmount, start.AmountPaid})
	leader.checkClean()

	// The officer records the payment, and the ward's KPI cards show it.
	officer.open(srv, "?page=lists&wards=05431&groups=HO_NGHEO")
	officer.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, card))
	takeStep(officer, card, "PAY", func() {
		if got := eval[string](officer, `document.querySelector("#step-date").value`); got != "28/04/2020" {
			t.Errorf("the payment date starts at %q, want the decision date 28/04/2020", got)
		}
		officer.choose("#step-channel", "BANK")
		officer.fill("#step-receiptNumber", "BN-0001")
		// Before the approval: the API refuses, saying how many lines and which dates; nothing moves.
		officer.fill("#step-date", "27/04/2020")
		officer.click("#step-confirm")
		officer.waitFor(`document.querySelector("#step-error").dataset.code === "BAD_USER_INPUT"`)
		if got := officer.text("#step-error"); !strings.Contains(got, "27/04/2020") || !strings.Contains(got, "3/3 dòng") || !strings.Contains(got, "28/04/2020") {
			t.Errorf("a payment before the approval: %q, want the dates and the line count", got)
		}
		if got := batchStatuses(t, admin, batch); got["APPROVED"] != 3 || len(got) != 1 {
			t.Errorf("after a refused payment, the batch's lines: %v", got)
		}
		// Today, years after the decision: the dialog asks before sending anything.
		officer.fill("#step-date", time.Now().In(civil.Location).Format("02/01/2006"))
		officer.click("#step-confirm")
		officer.waitFor(`document.querySelector("#step-error").dataset.code === "FAR_DATE"`)
		if got := officer.text("#step-date-far"); !strings.Contains(got, "28/04/2020") || !strings.Contains(got, "ngày") {
			t.Errorf("a far date's question: %q", got)
		}
		if n := eval[int](officer, `document.querySelectorAll("#step-dialog[open]").length`); n != 1 {
			t.Error("a far date closed the dialog without confirmation")
		}
		officer.screenshot("step-far-date-1440")
		officer.do(officer.viewport(390))
		officer.screenshot("step-far-date-390")
		officer.do(officer.viewport(1440))
		officer.fill("#step-date", "05/05/2020")
	})
	paid := pipeline{start.AmountListed + poorHouseholdsAmount, start.AmountApproved + poorHouseholdsAmount, start.AmountPaid + poorHouseholdsAmount}
	step("payment", paid)
	if got := officer.text(card + " .batch-next"); got != "Không còn bước nào cho danh sách này." {
		t.Errorf("a paid batch says %q", got)
	}
	officer.click("#nav-overview")
	officer.waitReady()
	officer.open(srv, "?ward=05431&groups=HO_NGHEO")
	if got := officer.kpis()["amountPaid"].Value; got != fmt.Sprint(paid.AmountPaid) {
		t.Errorf("the ward's KPI card shows %s paid, want %d", got, paid.AmountPaid)
	}
	officer.checkClean()

	// The admin finds the import and every step in the audit trail, with the lines before and after.
	auditor := signedInTab(t, srv, "quantri", 1440)
	auditor.open(srv, "?page=audit&wards=05431")
	auditor.waitFor(`document.querySelectorAll("#audit-list li").length > 0`)
	actions := eval[[]string](auditor, `[...document.querySelectorAll("#audit-list li")].map((li) => li.dataset.action)`)
	for _, want := range []string{"import.commit", "disbursement.create", "workflow.post", "disbursement.post", "workflow.appraise",
		"workflow.approve", "disbursement.approve", "workflow.pay", "disbursement.pay"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the audit trail of 05431 lacks %s: %q", want, actions)
		}
	}
	if actions[0] != "workflow.pay" {
		t.Errorf("newest event first: %q, want workflow.pay", actions[0])
	}
	auditor.click(`#audit-list li[data-action="disbursement.approve"] summary`)
	sides := eval[[]string](auditor, `[...document.querySelectorAll('#audit-list li[data-action="disbursement.approve"] details[open] pre')].map((p) => p.textContent)`)
	if len(sides) != 2 || !strings.Contains(sides[0], `"status": "APPRAISED"`) || !strings.Contains(sides[1], `"status": "APPROVED"`) || !strings.Contains(sides[1], "1234/QĐ-UBND") {
		t.Errorf("an approval's before and after: %q", sides)
	}
	// The event names what it is about and its state's keys in words, not "selection batch:279".
	entity := eval[string](auditor, `document.querySelector('#audit-list li[data-action="workflow.pay"] .audit-entity').textContent`)
	if !regexp.MustCompile(`^(Danh sách số \d+|Dòng chi trả số \d+|[\d.]+ dòng chi trả|Các dòng chi trả theo bộ lọc)$`).MatchString(entity) {
		t.Errorf("the payment's event is about %q", entity)
	}
	keys := eval[[]string](auditor, `[...document.querySelectorAll('#audit-list li[data-action="disbursement.approve"] dl.audit-state dt')].map((d) => d.textContent)`)
	if !slices.Contains(keys, "Trạng thái") || !slices.Contains(keys, "Số quyết định") || slices.Contains(keys, "status") {
		t.Errorf("an approval's state is labelled %q", keys)
	}
	auditor.screenshot("audit-1440")
	auditor.choose("#a-action", "import.commit")
	auditor.click("#a-apply")
	auditor.waitReady("page=audit", "action=import.commit", "wards=05431")
	auditor.waitFor(`document.querySelectorAll("#audit-list li").length > 0`)
	if got := eval[[]string](auditor, `[...new Set([...document.querySelectorAll("#audit-list li")].map((li) => li.dataset.action))]`); strings.Join(got, " ") != "import.commit" {
		t.Errorf("filtered by action: %q", got)
	}
	auditor.do(chromedp.NavigateBack())
	auditor.waitFor(`document.body.dataset.state === "ready" && !location.search.includes("action=") && document.querySelector("#a-action").value === ""`)
	auditor.checkClean()
}

// takeStep takes a step on a batch from its card: opens the dialog, checks that it says how many
// lines and how much money will move, fills it (fill may be nil), confirms, and waits for the list.
func takeStep(tb *tab, card, step string, fill func()) {
	tb.t.Helper()
	tb.click(fmt.Sprintf(`%s [data-step=%q]`, card, step))
	tb.waitFor(`document.querySelector("#step-dialog[open]") !== null`)
	summary := tb.text("#step-summary")
	if !strings.Contains(summary, "3 dòng") || !strings.Contains(summary, formatVND(poorHouseholdsAmount, "vi")) {
		tb.t.Errorf("%s dialog: %q, want 3 lines and %s", step, summary, formatVND(poorHouseholdsAmount, "vi"))
	}
	if fill != nil {
		fill()
	}
	tb.click("#step-confirm")
	tb.waitFor(fmt.Sprintf(`document.querySelector("#step-done")?.dataset.step === %q && document.querySelector("#step-dialog") === null && document.querySelector("#lists-body").getAttribute("aria-busy") === "false"`, step))
}

// TestAdminImportsForAWardWithoutLines: an admin may import for any ward, also one with no list
// yet: the ward is typed as its official code, the wards with lines are suggested, and a code that
// is not 5 digits is refused in Vietnamese before anything is sent.
func TestAdminImportsForAWardWithoutLines(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	var empty, name string
	if err := d.NewRaw(`SELECT code, name FROM admin_units WHERE level = 'COMMUNE' AND valid_to IS NULL
		AND id NOT IN (SELECT ward_id FROM disbursements) ORDER BY code LIMIT 1`).Scan(context.Background(), &empty, &name); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	admin := signedInTab(t, srv, "quantri", 1440)
	admin.open(srv, "?page=import")
	if got := eval[string](admin, `document.querySelector("#i-ward").tagName + " " + document.querySelector("#i-ward").type`); got != "INPUT text" {
		t.Fatalf("the admin's ward field is %q, want a text input", got)
	}
	if got := eval[[]string](admin, `[...document.querySelectorAll("#i-ward-list option")].map((o) => o.value)`); !slices.Contains(got, "05431") {
		t.Errorf("suggested wards %q lack 05431", got)
	}
	admin.choose("#i-group", "HO_NGHEO")
	if got := admin.text("#i-file-hint"); !strings.Contains(got, "tối đa 20 MB") {
		t.Errorf("the file hint %q does not give the server's limit", got)
	}
	// An empty file is refused before anything is sent.
	emptyFile := filepath.Join(t.TempDir(), "rong.csv")
	if err := os.WriteFile(emptyFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	admin.fill("#i-ward", "05431")
	admin.do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{emptyFile}))
	admin.click("#i-check")
	admin.waitFor(`document.querySelector("#i-file-error")?.textContent.includes("rỗng")`)
	admin.fill("#i-ward", "123")
	admin.do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{writeList(t, "ho-ngheo.csv", poorHouseholds)}))
	admin.click("#i-check")
	admin.waitFor(`document.querySelector("#i-ward-error")?.textContent.includes("5 chữ số")`)
	admin.fill("#i-ward", empty)
	admin.click("#i-check")
	admin.waitFor(`document.querySelector("#import-report")?.dataset.status === "READY"`)
	if got := admin.text("#import-report"); !strings.Contains(got, name) {
		t.Errorf("the report of a list for %s (%s) does not name it: %.300s", name, empty, got)
	}
}
