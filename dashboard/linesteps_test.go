package dashboard_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// tenHouseholds are ten poor households of ward 05431 not on any list yet (IDs of Cà Mau, 096,
// which the demo data never uses), 1 to 4 members each: 250,000 đồng × members × 3 months.
func tenHouseholds() (rows []listRow, amounts []int64) {
	names := []string{"Đỗ Văn Một", "Hà Thị Hai", "Vũ Văn Ba", "Ngô Thị Bốn", "Đinh Văn Năm", "Mai Thị Sáu", "Lý Văn Bảy", "Tạ Thị Tám", "Hồ Văn Chín", "Lưu Thị Mười"}
	for i, name := range names {
		members := 1 + i%4
		rows = append(rows, listRow{name, fmt.Sprintf("0960850002%02d", i+1), "01/01/1985", "Nam", members})
		amounts = append(amounts, int64(250_000*3*members))
	}
	return rows, amounts
}

// approvedTenLines imports the ten households as the officer (listed 20/04/2020) and takes the list
// through the API to APPROVED: posted 22/04, appraised 25/04, approved 28/04/2020. It returns the
// list's ID.
func approvedTenLines(t *testing.T, srv *apptest.Server, officer, leader *apptest.Client) string {
	t.Helper()
	rows, _ := tenHouseholds()
	var csv strings.Builder
	csv.WriteString("\ufeffHọ và tên,Số CCCD/CMND,Ngày sinh,Giới tính,Số nhân khẩu,Địa chỉ,Số tháng hưởng,Số tiền (đồng),Ghi chú\r\n")
	for i, r := range rows {
		fmt.Fprintf(&csv, "%s,%s,%s,%s,%d,Tổ %d,3,,\r\n", r.Name, r.CitizenID, r.Born, r.Gender, r.Members, i+1)
	}
	id := importList(t, officer, "muoi-ho.csv", []byte(csv.String()))
	for _, s := range []struct {
		c     *apptest.Client
		input map[string]any
	}{
		{officer, map[string]any{"step": "POST", "date": "2020-04-22"}},
		{leader, map[string]any{"step": "APPRAISE", "date": "2020-04-25"}},
		{leader, map[string]any{"step": "APPROVE", "date": "2020-04-28", "decisionNumber": "1234/QĐ-UBND", "decisionIssuer": "UBND tỉnh Thái Nguyên"}},
	} {
		s.input["batch"] = id
		if r := s.c.GraphQL(t, `mutation($input: TransitionInput!) { transitionDisbursements(input: $input) { lines } }`, map[string]any{"input": s.input}); len(r.Errors) > 0 {
			t.Fatalf("%v: %s", s.input["step"], r.Raw)
		}
	}
	return id
}

// TestPayingSomeLinesOfAList is the ward officer's daily work in the browser: a list of ten approved
// households is opened to its lines; three are chosen and paid (date, channel, receipt) — first on a
// day before the approval, which the API refuses with the dates in the dialog, nothing moved — then
// one is returned with its reason. The list then shows its mixed state, counts per step, on its page
// and on the lists page, where the lines still approved are then paid as a group; the ward's
// figures, API and KPI card, follow each payment. A leader, given the link to its approved lines, may cancel
// them but not pay them, and is told in the dialog when the officer paid them first.
func TestPayingSomeLinesOfAList(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	officerAPI, leaderAPI, admin := srv.NewClient(), srv.NewClient(), srv.NewClient()
	officerAPI.SignIn(t, "canbo.quantrieu", seedtest.DemoPassword)
	leaderAPI.SignIn(t, "lanhdao", seedtest.DemoPassword)
	admin.SignIn(t, "quantri", seedtest.DemoPassword)
	batch := approvedTenLines(t, srv, officerAPI, leaderAPI)
	_, amounts := tenHouseholds()
	start := pipelineOf(t, admin)

	officer := signedInTab(t, srv, "canbo.quantrieu", 1440)
	// The ward's figures seen first, so that a stale answer kept by a cache would show later.
	officer.open(srv, "?ward=05431&groups=HO_NGHEO")
	if got := officer.kpis()["amountPaid"].Value; got != fmt.Sprint(start.AmountPaid) {
		t.Errorf("the ward's KPI card shows %s paid at the start, want %d", got, start.AmountPaid)
	}
	officer.open(srv, "?page=lists&wards=05431")
	card := fmt.Sprintf("#batch-%s", batch)
	officer.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, card))
	officer.click(card + "-open")
	officer.waitReady("batch=" + batch)
	officer.waitFor(`document.querySelectorAll("input.line-check").length === 10`)
	if got := officer.text("#page-title"); !strings.HasPrefix(got, "Hộ nghèo") || !strings.HasSuffix(got, " — Phường Quán Triều") {
		t.Errorf("the list's title %q", got)
	}
	if got := officer.text("#ld-counts"); got != "10 dòng chờ chi trả" {
		t.Errorf("the list's counts %q, want 10 dòng chờ chi trả", got)
	}
	if got := officer.text("#la-count"); !strings.Contains(got, "Chưa chọn dòng nào") {
		t.Errorf("nothing chosen yet: %q", got)
	}
	ids := eval[[]string](officer, `[...document.querySelectorAll("input.line-check")].map((c) => c.dataset.line)`)

	// Three lines chosen: the bar says how many and how much, and offers what an officer does to
	// approved lines.
	var three int64
	for i := 0; i < 3; i++ {
		officer.click(fmt.Sprintf(`input.line-check[data-line="%s"]`, ids[i]))
		three += amounts[i]
	}
	if got := officer.text("#la-count"); got != fmt.Sprintf("Đã chọn 3 dòng, tổng %s.", formatVND(three, "vi")) {
		t.Errorf("three chosen: %q", got)
	}
	if got := eval[[]string](officer, `[...document.querySelectorAll("#line-actions [data-step]")].map((b) => b.dataset.step + ":" + b.textContent)`); strings.Join(got, " ") != "PAY:Chi trả 3 dòng RETURN:Trả lại 3 dòng" {
		t.Errorf("steps offered for three approved lines: %q", got)
	}
	officer.click(`#line-actions [data-step="PAY"]`)
	officer.waitFor(`document.querySelector("#step-dialog[open]") !== null`)
	if got := officer.text("#step-summary"); !strings.Contains(got, "3 dòng") || !strings.Contains(got, formatVND(three, "vi")) {
		t.Errorf("the payment dialog says %q, want 3 lines and %s", got, formatVND(three, "vi"))
	}
	if got := eval[string](officer, `document.querySelector("#step-date").value`); got != "28/04/2020" {
		t.Errorf("the payment date starts at %q, want the list's approval date 28/04/2020", got)
	}
	officer.choose("#step-channel", "CASH_AT_WARD")
	officer.fill("#step-receiptNumber", "PT-0912")
	officer.fill("#step-date", "27/04/2020")
	officer.click("#step-confirm")
	officer.waitFor(`document.querySelector("#step-error").dataset.code === "BAD_USER_INPUT"`)
	if got := officer.text("#step-error"); !strings.Contains(got, "27/04/2020") || !strings.Contains(got, "trước ngày phê duyệt") || !strings.Contains(got, "3/3 dòng") || !strings.Contains(got, "28/04/2020") {
		t.Errorf("a payment before the approval: %q, want the dates and the line count", got)
	}
	if visible := eval[bool](officer, `(() => { const r = document.querySelector("#step-error").getBoundingClientRect(); return r.height > 0 && r.bottom <= innerHeight; })()`); !visible {
		t.Error("the refusal is not visible in the dialog")
	}
	if got := batchStatuses(t, admin, batch); got["APPROVED"] != 10 || len(got) != 1 {
		t.Errorf("after a refused payment, the list's lines: %v", got)
	}
	officer.screenshot("lines-pay-refused-1440")
	officer.do(officer.viewport(390))
	officer.screenshot("lines-pay-refused-390")
	officer.do(officer.viewport(1440))

	officer.fill("#step-date", "05/05/2020")
	officer.click("#step-confirm")
	officer.waitFor(`document.querySelector("#step-done")?.dataset.step === "PAY" && document.querySelector("#step-dialog") === null && document.querySelector("#ld-body").getAttribute("aria-busy") === "false"`)
	if got := officer.text("#step-done"); !strings.Contains(got, "3 dòng") || !strings.Contains(got, formatVND(three, "vi")) {
		t.Errorf("after paying: %q", got)
	}
	if got := pipelineOf(t, admin); got.AmountPaid != start.AmountPaid+three || got.AmountApproved != start.AmountApproved {
		t.Errorf("the ward's figures after paying 3 lines: %+v, at the start %+v (+%d paid)", got, start, three)
	}

	// One line returned, with its reason; the chosen lines were cleared by the payment.
	if n := eval[int](officer, `document.querySelectorAll("input.line-check:checked").length`); n != 0 {
		t.Errorf("%d lines still chosen after the payment", n)
	}
	officer.click(fmt.Sprintf(`input.line-check[data-line="%s"]`, ids[3]))
	officer.click(`#line-actions [data-step="RETURN"]`)
	officer.waitFor(`document.querySelector("#step-dialog[open]") !== null`)
	officer.click("#step-confirm")
	officer.waitFor(`document.querySelector("#step-error").textContent.includes("Lý do")`)
	officer.fill("#step-reason", "Đã chuyển khỏi địa bàn")
	officer.click("#step-confirm")
	officer.waitFor(`document.querySelector("#step-done")?.dataset.step === "RETURN" && document.querySelector("#step-dialog") === null && document.querySelector("#ld-body").getAttribute("aria-busy") === "false"`)

	// The date of a step on chosen lines starts at their own last step (the approval), not at the
	// list's latest (the payment of others).
	officer.click(fmt.Sprintf(`input.line-check[data-line="%s"]`, ids[4]))
	officer.click(`#line-actions [data-step="PAY"]`)
	officer.waitFor(`document.querySelector("#step-dialog[open]") !== null`)
	if got := eval[string](officer, `document.querySelector("#step-date").value`); got != "28/04/2020" {
		t.Errorf("paying one more approved line, the date starts at %q, want its approval date 28/04/2020", got)
	}
	officer.click("#step-cancel")
	officer.waitFor(`document.querySelector("#step-dialog") === null`)
	officer.click("#la-clear")

	if got := officer.text("#ld-counts"); got != "6 dòng chờ chi trả · 3 dòng đã chi trả · 1 dòng đã trả lại" {
		t.Errorf("the list's counts after paying 3 and returning 1: %q", got)
	}
	if got := batchStatuses(t, admin, batch); got["APPROVED"] != 6 || got["PAID"] != 3 || got["RETURNED"] != 1 {
		t.Errorf("the list's lines from the API: %v", got)
	}
	rows := eval[[]string](officer, `[...document.querySelectorAll("table.lines-table tbody tr")].map((tr) => [...tr.cells].slice(1).map((c) => c.textContent).join("|"))`)
	if len(rows) != 10 || !strings.Contains(rows[0], "Đã chi trả|05/05/2020|Tiền mặt tại phường/xã · PT-0912") || !strings.Contains(rows[3], "Bị trả lại|") || !strings.Contains(rows[3], "Đã chuyển khỏi địa bàn") {
		t.Errorf("the lines as shown: %q", rows)
	}
	officer.screenshot("lines-mixed-1440")
	officer.do(officer.viewport(390))
	officer.screenshot("lines-mixed-390")
	officer.do(officer.viewport(1440))

	// "All N lines that match": with fewer lines shown than match the filter, choosing every line
	// shown offers all of them; a step then goes as a filter on the list and the statuses it leaves
	// from, counting only those lines.
	var all struct {
		Offer, Count string
		Taken        struct {
			Lines, Skipped int
			Amount         int64
			Selection      map[string]any
		}
	}
	if err := json.Unmarshal([]byte(eval[string](officer, `(async () => {
		const { query } = await import("./js/api.js");
		const { lineActions } = await import("./js/lineactions.js");
		const { workflowRules } = await query("ImportBatch", { id: "`+batch+`" });
		let taken = null;
		const lines = [{ id: "1", status: "APPROVED", amount: 100 }, { id: "2", status: "APPROVED", amount: 200 }, { id: "3", status: "PAID", amount: 300 }];
		const la = lineActions({ rules: workflowRules, role: "ward_officer", labelOf: (n) => n.id,
			matching: () => ({ total: 7, statuses: [{ status: "APPROVED", lines: 5, amount: 1000 }, { status: "PAID", lines: 2, amount: 500 }], filter: { batches: ["`+batch+`"] } }),
			onStep: (p) => { taken = p; } });
		const box = document.createElement("div");
		document.body.append(box);
		box.append(la.column.label, la.bar, ...lines.map((n) => la.column.render(n)));
		la.setLines(lines);
		la.column.label.click();
		const offer = box.querySelector("#la-all-matching")?.textContent || "";
		box.querySelector("#la-all-matching")?.click();
		const count = box.querySelector("#la-count").textContent;
		box.querySelector("[data-step=PAY]")?.click();
		box.remove();
		return JSON.stringify({ offer, count, taken });
	})()`)), &all); err != nil {
		t.Fatal(err)
	}
	if all.Offer != "Chọn tất cả 7 dòng khớp bộ lọc" || !strings.HasPrefix(all.Count, "Đã chọn tất cả 7 dòng khớp bộ lọc") {
		t.Errorf("all that match: offered %q, then %q", all.Offer, all.Count)
	}
	if sel, _ := json.Marshal(all.Taken.Selection); all.Taken.Lines != 5 || all.Taken.Amount != 1000 || all.Taken.Skipped != 2 ||
		string(sel) != `{"filter":{"batches":["`+batch+`"],"statuses":["APPROVED"]}}` {
		t.Errorf("paying all that match: %+v %s, want 5 lines, 1000 đồng, 2 left out, by the list and APPROVED", all.Taken, sel)
	}

	// The lines page: the list's counts per step, and the payment of the six still approved.
	officer.click("#ld-back")
	officer.waitReady("page=lists&wards=05431")
	if got := officer.search(); strings.Contains(got, "batch=") {
		t.Errorf("back to the lists, the URL still names the list: %q", got)
	}
	officer.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, card))
	if got := officer.text(card + "-steps"); got != "6 dòng chờ chi trả · 3 dòng đã chi trả · 1 dòng đã trả lại" {
		t.Errorf("the card's counts: %q", got)
	}
	if got := eval[[]string](officer, fmt.Sprintf(`[...document.querySelectorAll("%s [data-step]")].map((b) => b.dataset.step + ":" + b.dataset.status + ":" + b.textContent)`, card)); strings.Join(got, " ") != "PAY:APPROVED:Chi trả 6 dòng" {
		t.Errorf("actions of the mixed list: %q", got)
	}
	// The leader opens the list's approved lines by a link: they may cancel them, not pay them.
	leader := signedInTab(t, srv, "lanhdao", 1440)
	leader.open(srv, "?page=lists&batch="+batch+"&statuses=APPROVED")
	leader.waitFor(`document.querySelectorAll("input.line-check").length === 6`)
	if got := eval[string](leader, `document.querySelector("#ld-status").value`); got != "APPROVED" {
		t.Errorf("the status filter from the link: %q", got)
	}
	leader.click("#la-shown")
	if got := eval[[]string](leader, `[...document.querySelectorAll("#line-actions [data-step]")].map((b) => b.dataset.step + ":" + b.textContent)`); strings.Join(got, " ") != "CANCEL:Huỷ 6 dòng" {
		t.Errorf("a leader's steps on six approved lines: %q", got)
	}
	// The leader starts to cancel them; the officer pays them first (below).
	leader.click(`#line-actions [data-step="CANCEL"]`)
	leader.waitFor(`document.querySelector("#step-dialog[open]") !== null`)
	leader.fill("#step-reason", "Trùng với danh sách khác")

	officer.screenshot("lists-mixed-1440")
	officer.do(officer.viewport(390))
	officer.screenshot("lists-mixed-390")
	officer.do(officer.viewport(1440))
	officer.open(srv, "?ward=05431&groups=HO_NGHEO")
	if got := officer.kpis()["amountPaid"].Value; got != fmt.Sprint(start.AmountPaid+three) {
		t.Errorf("the ward's KPI card shows %s paid after paying 3 lines, want %d", got, start.AmountPaid+three)
	}

	// The six lines still approved, paid as a group from the lists page: the dialog says six lines
	// and their money, and the date starts at the list's last step (the payment of the others).
	var six int64
	for i := 4; i < 10; i++ {
		six += amounts[i]
	}
	officer.open(srv, "?page=lists&wards=05431")
	officer.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, card))
	officer.click(card + ` [data-step="PAY"][data-status="APPROVED"]`)
	officer.waitFor(`document.querySelector("#step-dialog[open]") !== null`)
	if got := officer.text("#step-summary"); !strings.Contains(got, "6 dòng") || !strings.Contains(got, formatVND(six, "vi")) {
		t.Errorf("paying the approved group: %q, want 6 lines and %s", got, formatVND(six, "vi"))
	}
	if got := eval[string](officer, `document.querySelector("#step-date").value`); got != "05/05/2020" {
		t.Errorf("paying the approved group, the date starts at %q, want the list's last step 05/05/2020", got)
	}
	officer.fill("#step-date", "06/05/2020")
	officer.choose("#step-channel", "BANK")
	officer.click("#step-confirm")
	officer.waitFor(`document.querySelector("#step-done")?.dataset.step === "PAY" && document.querySelector("#step-dialog") === null && document.querySelector("#lists-body").getAttribute("aria-busy") === "false"`)
	if got := batchStatuses(t, admin, batch); got["PAID"] != 9 || got["RETURNED"] != 1 || len(got) != 2 {
		t.Errorf("after paying the group, the list's lines: %v", got)
	}
	if got := officer.text(card + " .batch-next"); got != "Không còn bước nào cho danh sách này." {
		t.Errorf("the list once every line is paid or returned says %q", got)
	}
	if got := pipelineOf(t, admin); got.AmountPaid != start.AmountPaid+three+six {
		t.Errorf("the ward's figures after paying the group: %+v, want %d paid", got, start.AmountPaid+three+six)
	}

	// The leader's cancel, confirmed after the payment: the API's conflict is shown in the dialog,
	// in Vietnamese, and nothing moves.
	leader.click("#step-confirm")
	leader.waitFor(`document.querySelector("#step-error").dataset.code === "CONFLICT"`)
	if got := leader.text("#step-error"); !strings.Contains(got, "không dòng nào được chuyển") || !strings.Contains(got, "Đã chi trả") {
		t.Errorf("a cancel of lines paid meanwhile: %q, want the conflict and the lines' status", got)
	}
	leader.screenshot("lines-conflict-1440")
	if got := batchStatuses(t, admin, batch); got["PAID"] != 9 || got["RETURNED"] != 1 || len(got) != 2 {
		t.Errorf("after the refused cancel, the list's lines: %v", got)
	}
	leader.checkClean()
	officer.checkClean()
}
