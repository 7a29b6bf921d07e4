package dashboard_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// apiQueue is what the API says waits for the client's step.
type apiQueue struct {
	TotalCount int
	Lines      int
	Items      []struct {
		Step, Status string
		Lines        int
		WaitingDays  int
		Batch        *struct{ ID string }
	}
}

func queueOf(t *testing.T, c *apptest.Client) apiQueue {
	t.Helper()
	r := c.GraphQL(t, `query { workQueue(first: 1000) { totalCount lines items { step status lines waitingDays batch { id } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("workQueue: %s", r.Raw)
	}
	var data struct{ WorkQueue apiQueue }
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	return data.WorkQueue
}

// graphqlAs runs an operation as the client and fails the test on any error.
func graphqlAs(t *testing.T, c *apptest.Client, query string, vars map[string]any, into any) {
	t.Helper()
	r := c.GraphQL(t, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %s", query, r.Raw)
	}
	if into != nil {
		if err := json.Unmarshal(r.Data, into); err != nil {
			t.Fatal(err)
		}
	}
}

// appraisedList has ward 05431's officer import the poor households listed on 20 April 2020 and
// post them on the 22nd, and the leader appraise them on the 25th: a list whose lines all wait for
// approval. It returns the list's ID.
func appraisedList(t *testing.T, srv *apptest.Server, officer, leader *apptest.Client) string {
	t.Helper()
	data, err := os.ReadFile(writeList(t, "ho-ngheo-cho-duyet.csv", poorHouseholds))
	if err != nil {
		t.Fatal(err)
	}
	id := importList(t, officer, "ho-ngheo-cho-duyet.csv", data)
	const move = `mutation($input: TransitionInput!) { transitionDisbursements(input: $input) { lines } }`
	graphqlAs(t, officer, move, map[string]any{"input": map[string]any{"step": "POST", "batch": id, "date": "2020-04-22"}}, nil)
	graphqlAs(t, leader, move, map[string]any{"input": map[string]any{"step": "APPRAISE", "batch": id, "date": "2020-04-25"}}, nil)
	return id
}

// TestLeaderApprovesFromTheQueue signs a leader in through the form: they land on what waits for
// them, with its count in the header, approve a list from there (decision number and date), and
// the count goes down as the list leaves the queue. On a 390 px phone the header takes at most a
// fifth of the screen and the ward's lines read as cards, with nothing wider than the screen.
func TestLeaderApprovesFromTheQueue(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	leaderAPI, officerAPI := srv.NewClient(), srv.NewClient()
	leaderAPI.SignIn(t, "lanhdao", seedtest.DemoPassword)
	officerAPI.SignIn(t, "canbo.quantrieu", seedtest.DemoPassword)
	batch := appraisedList(t, srv, officerAPI, leaderAPI)
	before := queueOf(t, leaderAPI)
	// Visitors run only the public operations; the queue is not one of them.
	if r := srv.NewClient().GraphQL(t, `query { workQueue { totalCount } }`, nil); r.Code() != "FORBIDDEN" {
		t.Errorf("a visitor's workQueue: %s, want FORBIDDEN", r.Raw)
	}

	leader := newTab(t, 1440)
	leader.open(srv, "?page=signin")
	leader.fill("#username", "lanhdao")
	leader.fill("#password", seedtest.DemoPassword)
	eval[bool](leader, `(document.querySelector("#password").form.requestSubmit(), true)`)
	leader.waitReady("page=queue")
	leader.waitFor(`document.querySelector("#queue-badge") !== null && document.querySelector("#queue-count") !== null`)
	if got := leader.text("h1"); got != "Việc cần làm" {
		t.Errorf("the leader lands on %q, want the queue (Việc cần làm)", got)
	}
	checkCounts := func(want apiQueue) {
		t.Helper()
		if got := eval[string](leader, `document.querySelector("#queue-badge").dataset.count`); got != fmt.Sprint(want.TotalCount) {
			t.Errorf("header badge %s, want the API's %d", got, want.TotalCount)
		}
		if got := strings.TrimSpace(eval[string](leader, `document.querySelector("#queue-badge [aria-hidden]").textContent`)); got != fmt.Sprint(want.TotalCount) {
			t.Errorf("header badge reads %q, want %d", got, want.TotalCount)
		}
		if got := eval[string](leader, `document.querySelector("#queue-count").dataset.count + " " + document.querySelector("#queue-count").dataset.lines`); got != fmt.Sprintf("%d %d", want.TotalCount, want.Lines) {
			t.Errorf("the page's count (items, lines) %s, want %d %d", got, want.TotalCount, want.Lines)
		}
		if n := eval[int](leader, `document.querySelectorAll(".queue-ward .queue-item").length`); n != len(want.Items) {
			t.Errorf("%d items shown, want the API's %d", n, len(want.Items))
		}
		// Oldest first, by ward: within each ward the days waited never grow.
		ordered := eval[bool](leader, `[...document.querySelectorAll(".queue-ward")].every((s) => {
			const days = [...s.querySelectorAll(".queue-item")].map((li) => Number(li.dataset.days));
			return days.every((d, i) => i === 0 || d <= days[i - 1]);
		})`)
		if !ordered {
			t.Error("a ward's items are not oldest first")
		}
	}
	checkCounts(before)
	if got := leader.text(".queue-item .queue-wait"); !strings.HasPrefix(got, "chờ ") || !strings.HasSuffix(got, " ngày") {
		t.Errorf("the oldest item says %q, want how long it has waited (chờ … ngày)", got)
	}

	// The new list, whose lines all wait for approval, is approved from the queue; the demo's lists,
	// whose lines are at different steps, open on the lists page.
	if got := eval[string](leader, fmt.Sprintf(`document.querySelector('.queue-item[data-batch=%q] button.queue-step')?.dataset.step || ""`, batch)); got != "APPROVE" {
		t.Fatalf("list %s offers %q in the leader's queue, want APPROVE", batch, got)
	}
	if eval[int](leader, `document.querySelectorAll(".queue-ward .queue-item a.queue-open").length`) == 0 {
		t.Error("no list in the queue links to the lists page")
	}
	inQueue := func(q apiQueue) bool {
		for _, it := range q.Items {
			if it.Batch != nil && it.Batch.ID == batch {
				return true
			}
		}
		return false
	}
	if !inQueue(before) {
		t.Fatalf("list %s is shown but the API does not queue it", batch)
	}
	leader.screenshot("queue-leader-1440")
	leader.firstScreen("queue-leader-first-1440")
	leader.click(fmt.Sprintf(`button.queue-step[data-batch=%q]`, batch))
	leader.waitFor(`document.querySelector("#step-dialog[open]") !== null`)
	if got := leader.text("#step-title"); got != "Phê duyệt danh sách" {
		t.Errorf("dialog title %q", got)
	}
	date := eval[string](leader, `document.querySelector("#step-date").value`)
	if date == "" {
		t.Fatal("the dialog does not continue from the list's appraisal date")
	}
	leader.fill("#step-date", date)
	leader.fill("#step-decisionNumber", "215/QĐ-UBND")
	leader.fill("#step-decisionIssuer", "UBND thành phố Thái Nguyên")
	leader.click("#step-confirm")
	leader.waitFor(`document.querySelector("#step-done") !== null && document.body.dataset.state === "ready" && document.querySelector("#step-dialog") === null`)
	if got := eval[string](leader, `document.querySelector("#step-done").dataset.step`); got != "APPROVE" {
		t.Errorf("step done %q, want APPROVE", got)
	}

	after := queueOf(t, leaderAPI)
	if after.TotalCount != before.TotalCount-1 || inQueue(after) {
		t.Errorf("after approving list %s the API queues %d items (list still there: %v), want %d without it", batch, after.TotalCount, inQueue(after), before.TotalCount-1)
	}
	leader.waitFor(fmt.Sprintf(`document.querySelector("#queue-badge")?.dataset.count === "%d" && document.querySelector("#queue-count")?.dataset.count === "%[1]d"`, after.TotalCount))
	checkCounts(after)
	if n := eval[int](leader, fmt.Sprintf(`document.querySelectorAll('.queue-item[data-batch=%q]').length`, batch)); n != 0 {
		t.Errorf("list %s is still shown in the queue", batch)
	}
	leader.screenshot("queue-leader-after-1440")

	// A phone: the header is a row, the queue, the lists page and the ward's lines fit the screen.
	leader.do(leader.viewport(390))
	fits := func(page string) {
		t.Helper()
		ratio := eval[float64](leader, `document.getElementById("top").getBoundingClientRect().height / window.innerHeight`)
		if ratio > 0.2 {
			t.Errorf("%s at 390 px: the header takes %.0f%% of the screen, want at most 20%%", page, ratio*100)
		}
		if w := eval[[]float64](leader, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
			t.Errorf("%s at 390 px: the page is %v px wide in a %v px window", page, w[0], w[1])
		}
	}
	fits("queue")
	if !eval[bool](leader, `getComputedStyle(document.querySelector("#queue-badge")).display !== "none" && document.querySelector("#queue-badge").getBoundingClientRect().right <= innerWidth`) {
		t.Error("at 390 px the header does not show the queue's count")
	}
	leader.screenshot("queue-leader-390")
	leader.firstScreen("queue-leader-first-390")
	// The menu opens the rest of the header.
	if eval[bool](leader, `document.querySelector("#signout").getClientRects().length > 0`) {
		t.Error("at 390 px the closed menu shows the sign-out button")
	}
	leader.click("#menu-toggle")
	if !eval[bool](leader, `document.querySelector("#signout").getClientRects().length > 0 && document.querySelector("#menu-toggle").getAttribute("aria-expanded") === "true"`) {
		t.Error("the menu does not open the header's tools")
	}
	leader.firstScreen("queue-leader-menu-390")

	leader.open(srv, "?page=lists")
	fits("lists")
	leader.firstScreen("lists-leader-390")

	leader.open(srv, "?ward=05431")
	leader.waitFor(`document.querySelectorAll("#lists table.data tbody tr").length > 0`)
	fits("ward")
	cards := eval[[]map[string]any](leader, `[...document.querySelectorAll("#lists table.data tbody tr")].slice(0, 5).map((tr) => {
		const box = (sel) => { const el = tr.querySelector(sel); if (!el) return null; const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, text: el.textContent}; };
		return {name: box("th"), amount: box('[data-col="amount"]'), status: box('[data-col="status"]'), display: getComputedStyle(tr).display};
	})`)
	width := eval[float64](leader, `innerWidth`)
	for i, c := range cards {
		if c["display"] == "table-row" {
			t.Errorf("line %d at 390 px is a table row, want a card", i)
		}
		for _, key := range []string{"name", "amount", "status"} {
			box, _ := c[key].(map[string]any)
			if box == nil {
				t.Errorf("line %d has no %s", i, key)
				continue
			}
			if left, right := box["left"].(float64), box["right"].(float64); left < 0 || right > width {
				t.Errorf("line %d: its %s (%q) spans %.0f–%.0f px, outside the %v px screen", i, key, box["text"], left, right, width)
			}
		}
	}
	leader.do(chromedp.ScrollIntoView("#lists"))
	leader.firstScreen("ward-lines-leader-390")
	// Any table built with cards: true reads the same way; one without stays a table.
	built := eval[[]string](leader, `import("./js/table.js").then(({dataTable}) => {
		const columns = [{key: "name", label: "Tên", value: (r) => r.name}, {key: "amount", label: "Số tiền", numeric: true, value: (r) => r.amount}];
		const rows = [{name: "Nguyễn Văn An", amount: 3000000}];
		const cards = dataTable({caption: "thử", columns, rows, cards: true});
		const plain = dataTable({caption: "thử", columns, rows});
		document.getElementById("main").append(cards, plain);
		const out = [getComputedStyle(cards.querySelector("tbody tr")).display, cards.querySelector("td").dataset.label, getComputedStyle(plain.querySelector("tbody tr")).display];
		cards.remove(); plain.remove();
		return out;
	})`)
	if strings.Join(built, "|") != "grid|Số tiền|table-row" {
		t.Errorf("dataTable at 390 px: a cards table's row is %q (label %q), a plain one's %q; want grid, Số tiền, table-row", built[0], built[1], built[2])
	}
	leader.do(leader.viewport(1440), chromedp.ScrollIntoView("#lists"))
	leader.firstScreen("ward-lines-leader-1440")
	leader.checkClean()

	// The ward officer's queue, on a phone: only their ward; the approved list waits for payment.
	officerQueue := queueOf(t, officerAPI)
	officer := signedInTab(t, srv, "canbo.quantrieu", 390)
	officer.open(srv, "?page=queue")
	officer.waitFor(`document.querySelector("#queue-badge") !== null && document.querySelector("#queue-count") !== null`)
	if got := eval[string](officer, `document.querySelector("#queue-badge").dataset.count`); got != fmt.Sprint(officerQueue.TotalCount) {
		t.Errorf("the officer's badge %s, want the API's %d", got, officerQueue.TotalCount)
	}
	if got := eval[[]string](officer, `[...new Set([...document.querySelectorAll(".queue-ward")].map((s) => s.dataset.ward))]`); strings.Join(got, " ") != "05431" {
		t.Errorf("the officer's queue shows wards %q, want only 05431", got)
	}
	if got := eval[string](officer, fmt.Sprintf(`document.querySelector('.queue-item[data-batch=%q] button.queue-step')?.dataset.step || ""`, batch)); got != "PAY" {
		t.Errorf("the approved list offers the officer %q, want PAY", got)
	}
	var returned struct {
		WorkQueue struct{ Returned []struct{ Lines int } }
	}
	graphqlAs(t, officerAPI, `query { workQueue { returned { lines } } }`, nil, &returned)
	if n := eval[int](officer, `document.querySelectorAll("#queue-returned .queue-item").length`); n != len(returned.WorkQueue.Returned) {
		t.Errorf("the officer sees %d returned items, want the API's %d", n, len(returned.WorkQueue.Returned))
	}
	ratio := eval[float64](officer, `document.getElementById("top").getBoundingClientRect().height / window.innerHeight`)
	if w := eval[[]float64](officer, `[document.documentElement.scrollWidth, window.innerWidth]`); ratio > 0.2 || w[0] > w[1] {
		t.Errorf("the officer's queue at 390 px: header %.0f%% of the screen, page %v px in %v px", ratio*100, w[0], w[1])
	}
	officer.firstScreen("queue-officer-390")
	officer.checkClean()
}

// firstScreen writes what the window shows (not the whole page) to bin/screenshots/NAME.png.
func (tb *tab) firstScreen(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.fail(err)
	}
	path := filepath.Join(screenshotDir(tb.t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
}
