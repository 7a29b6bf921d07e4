package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/app/apptest"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/intake/sheet"
	"hotro/internal/seed/seedtest"
)

// get fetches a page as the client.
func get(t *testing.T, srv *apptest.Server, c *apptest.Client, path string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	must(t, err)
	for _, ck := range c.Cookies() {
		req.AddCookie(ck)
	}
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const checkImport = `mutation($input: ImportInput!) { checkImport(input: $input) {
  uploadId status message canCommit rows accepted warned skipped rejected amount people newRecipients reportUrl
  issues { row column code severity message } ward { code } group { code } fund { code }
} }`

// figures are the dashboard's measures for the ward and group, and the lines by status.
type figures struct {
	Listed, Approved, Paid int64
	People                 int
	ByStatus               map[string]int
}

func statsOf(t *testing.T, c *apptest.Client) figures {
	t.Helper()
	r := c.GraphQL(t, `{ stats(filter: {wards: ["05431"], groups: ["HO_NGHEO"]}, groupBy: [STATUS]) {
	  total { amountListed amountApproved amountPaid peopleSupported }
	  rows { status totals { disbursements } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("stats: %s", r.Raw)
	}
	var out struct {
		Stats struct {
			Total struct {
				AmountListed, AmountApproved, AmountPaid int64
				PeopleSupported                          int
			}
			Rows []struct {
				Status string
				Totals struct{ Disbursements int }
			}
		}
	}
	must(t, json.Unmarshal(r.Data, &out))
	f := figures{Listed: out.Stats.Total.AmountListed, Approved: out.Stats.Total.AmountApproved,
		Paid: out.Stats.Total.AmountPaid, People: out.Stats.Total.PeopleSupported, ByStatus: map[string]int{}}
	for _, row := range out.Stats.Rows {
		f.ByStatus[row.Status] = row.Totals.Disbursements
	}
	return f
}

func countRows(t *testing.T, d *bun.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"beneficiaries", "disbursements", "import_batches", "audit_events"} {
		n, err := d.NewSelect().Table(table).Count(context.Background())
		must(t, err)
		out[table] = int(n)
	}
	return out
}

// TestIntakeThroughGraphQL takes one list from upload to paid through the API, as the ward officer
// and the leader of the demo accounts, with the dashboard's figures moving at each step.
func TestIntakeThroughGraphQL(t *testing.T) {
	list := []byte("\ufeffHọ và tên,Số CCCD/CMND,Ngày sinh,Giới tính,Số nhân khẩu,Địa chỉ,Số tháng hưởng,Số tiền (đồng),Ghi chú\r\n" +
		"Nguyễn Văn Thử,001085777001,02/03/1985,Nam,4,Tổ 5,3,,\r\n" +
		"Trần Thị Nghiệm,001162777002,01/01/1962,Nữ,2,Tổ 6,,1.500.000,\r\n" +
		"Lê Văn Kiểm,001075777003,,,1,Tổ 7,,,\r\n")
	const amount, people = 5_250_000, 7
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			must(t, err)
			srv := apptest.Start(t, d, nil)
			officer, leader, admin := srv.NewClient(), srv.NewClient(), srv.NewClient()
			officer.SignIn(t, "canbo.quantrieu", seedtest.DemoPassword)
			leader.SignIn(t, "lanhdao", seedtest.DemoPassword)
			admin.SignIn(t, "quantri", seedtest.DemoPassword)

			t.Run("template", func(t *testing.T) {
				for _, format := range []string{"xlsx", "csv"} {
					status, h, body := get(t, srv, srv.NewClient(), "/intake/template."+format+"?group=HO_NGHEO")
					if status != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), "HO_NGHEO") {
						t.Fatalf("template.%s: %d %v", format, status, h)
					}
					rd, err := sheet.Open(bytes.NewReader(body), "mau."+format, sheet.Limits{})
					must(t, err)
					if got := strings.Join(rd.Header(), "|"); got != "Họ và tên|Số CCCD/CMND|Ngày sinh|Giới tính|Số nhân khẩu|Địa chỉ|Số tháng hưởng|Số tiền (đồng)|Ghi chú" {
						t.Errorf("template.%s header = %s", format, got)
					}
				}
			})

			start := statsOf(t, officer)
			vars := map[string]any{"input": map[string]any{"program": "NQ42-2020", "group": "HO_NGHEO", "ward": "05431", "file": nil}}

			// Dry run: a report, nothing written.
			before := countRows(t, d)
			status, r := officer.Upload(t, checkImport, vars, "variables.input.file", "ho-ngheo.csv", list)
			if status != http.StatusOK || len(r.Errors) > 0 {
				t.Fatalf("checkImport: %d %s", status, r.Raw)
			}
			var checked struct {
				CheckImport struct {
					UploadID  string
					Status    string
					CanCommit bool
					Amount    int64
					People    int
					Accepted  int
					ReportURL string
				}
			}
			must(t, json.Unmarshal(r.Data, &checked))
			rep := checked.CheckImport
			if rep.Status != "READY" || !rep.CanCommit || rep.UploadID == "" || rep.Amount != amount || rep.People != people || rep.Accepted != 3 {
				t.Fatalf("dry run report: %s", r.Data)
			}
			if got := countRows(t, d); fmt.Sprint(got) != fmt.Sprint(before) {
				t.Fatalf("the dry run wrote: %v, before %v", got, before)
			}
			if got := statsOf(t, officer); fmt.Sprint(got) != fmt.Sprint(start) {
				t.Errorf("figures moved on a dry run: %+v, before %+v", got, start)
			}
			t.Run("row report as CSV", func(t *testing.T) {
				status, _, body := get(t, srv, officer, rep.ReportURL)
				if status != http.StatusOK || strings.Count(string(body), "\r\n") != 4 || !strings.Contains(string(body), "Nguyễn Văn Thử") {
					t.Errorf("report.csv: %d %s", status, body)
				}
				if status, _, _ := get(t, srv, leader, rep.ReportURL); status != http.StatusForbidden {
					t.Errorf("a leader fetched the report: %d", status)
				}
			})
			t.Run("no cell of the CSV report is a formula", func(t *testing.T) {
				hostile := []byte("Họ và tên,Số CCCD/CMND,Số nhân khẩu\r\n\"=HYPERLINK(\"\"http://x.invalid\"\")\",001085777009,1\r\n")
				status, r := officer.Upload(t, checkImport, vars, "variables.input.file", "doc-hai.csv", hostile)
				if status != http.StatusOK || len(r.Errors) > 0 {
					t.Fatalf("checkImport: %d %s", status, r.Raw)
				}
				var got struct{ CheckImport struct{ ReportURL string } }
				must(t, json.Unmarshal(r.Data, &got))
				status, _, body := get(t, srv, officer, got.CheckImport.ReportURL)
				if status != http.StatusOK || !strings.Contains(strings.ToUpper(string(body)), `'=HYPERLINK`) {
					t.Errorf("report.csv: %d %s", status, body)
				}
				for _, line := range strings.Split(string(body), "\r\n") {
					for _, cell := range strings.Split(line, ",") {
						if strings.HasPrefix(strings.TrimPrefix(cell, `"`), "=") {
							t.Errorf("a cell starts a formula: %q", cell)
						}
					}
				}
			})

			// Commit.
			r = officer.GraphQL(t, `mutation($id: ID!) { commitImport(id: $id) { status message batch { id rows postingUrl statuses { status lines amount } } } }`,
				map[string]any{"id": rep.UploadID})
			var committed struct {
				CommitImport struct {
					Status string
					Batch  struct {
						ID         string
						Rows       int
						PostingURL string
					}
				}
			}
			must(t, json.Unmarshal(r.Data, &committed))
			batch := committed.CommitImport.Batch
			if len(r.Errors) > 0 || committed.CommitImport.Status != "COMMITTED" || batch.Rows != 3 {
				t.Fatalf("commitImport: %s", r.Raw)
			}
			listed := statsOf(t, officer)
			if listed.Listed != start.Listed+amount || listed.Approved != start.Approved || listed.Paid != start.Paid || listed.ByStatus["LISTED"] != start.ByStatus["LISTED"]+3 {
				t.Errorf("after commit: %+v, before %+v", listed, start)
			}

			t.Run("same file again adds nothing", func(t *testing.T) {
				_, r := officer.Upload(t, checkImport, vars, "variables.input.file", "ho-ngheo (2).csv", list)
				if !strings.Contains(string(r.Data), `"status":"ALREADY_IMPORTED"`) || !strings.Contains(string(r.Data), "Không có gì được thêm") {
					t.Errorf("second upload: %s", r.Raw)
				}
				r = officer.GraphQL(t, `mutation($id: ID!) { commitImport(id: $id) { status } }`, map[string]any{"id": rep.UploadID})
				if r.Code() != "CONFLICT" {
					t.Errorf("second commit: %s", r.Raw)
				}
			})

			move := `mutation($input: TransitionInput!) { transitionDisbursements(input: $input) { step to lines amount people } }`
			step := func(t *testing.T, c *apptest.Client, input map[string]any) apptest.GraphQLResponse {
				t.Helper()
				input["batch"] = batch.ID
				if _, ok := input["date"]; !ok && input["step"] != "RETURN" && input["step"] != "CANCEL" {
					input["date"] = civil.Of(time.Now()).String() // the list was drawn up today
				}
				return c.GraphQL(t, move, map[string]any{"input": input})
			}
			wantMoved := func(t *testing.T, r apptest.GraphQLResponse) {
				t.Helper()
				if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"lines":3`) {
					t.Fatalf("transition: %s", r.Raw)
				}
			}

			t.Run("draft posting list before posting", func(t *testing.T) {
				status, _, body := get(t, srv, officer, "/wards/05431/posting?draft=1&group=HO_NGHEO&batch="+batch.ID)
				if status != http.StatusOK || !strings.Contains(string(body), "BẢN DỰ THẢO") || strings.Count(string(body), "********") != 3 {
					t.Errorf("draft: %d %s", status, body)
				}
				// The lines' state in the words of the one table, as the dashboard and exports say it.
				if want := "các dòng ở trạng thái “" + disbursement.Listed.Label() + "”"; !strings.Contains(string(body), want) {
					t.Errorf("draft does not say %q", want)
				}
			})
			if r := step(t, officer, map[string]any{"step": "POST", "date": nil}); r.Code() != "BAD_USER_INPUT" || !strings.Contains(string(r.Raw), "Cần chọn ngày niêm yết") {
				t.Errorf("posting without a date: %s", r.Raw)
			}
			wantMoved(t, step(t, officer, map[string]any{"step": "POST"}))
			posted := statsOf(t, officer)
			if posted.Listed != listed.Listed || posted.ByStatus["POSTED"] != listed.ByStatus["POSTED"]+3 {
				t.Errorf("after posting: %+v", posted)
			}

			t.Run("posting list", func(t *testing.T) {
				status, h, body := get(t, srv, officer, batch.PostingURL)
				page := string(body)
				if status != http.StatusOK || !strings.Contains(page, "Nguyễn Văn Thử") || !strings.Contains(page, "********7001") ||
					strings.Contains(page, "001085777001") || !strings.Contains(page, "5.250.000") || strings.Contains(page, "<style") || strings.Contains(page, "<script") {
					t.Errorf("posting page: %d\n%s", status, page)
				}
				// The letterhead lists the units above the ward from the top: the province above the city.
				province, city := strings.Index(page, "<p>Tỉnh Thái Nguyên</p>"), strings.Index(page, "<p>Thành phố Thái Nguyên</p>")
				if province < 0 || city < 0 || province > city {
					t.Errorf("letterhead: province at %d, city at %d; want the province above the city", province, city)
				}
				// The group is named as the API names it: group names are programme data, one source.
				var groups struct{ BeneficiaryGroups []struct{ Code, Name string } }
				must(t, json.Unmarshal(officer.GraphQL(t, `{ beneficiaryGroups(program: "NQ42-2020") { code name } }`, nil).Data, &groups))
				named := false
				for _, g := range groups.BeneficiaryGroups {
					if g.Code == "HO_NGHEO" {
						named = strings.Contains(page, template.HTMLEscapeString(g.Name))
					}
				}
				if !named {
					t.Errorf("posting page does not name HO_NGHEO as the API does (%+v)", groups)
				}
				if !strings.Contains(h.Get("Content-Security-Policy"), "style-src 'self'") {
					t.Errorf("CSP = %q", h.Get("Content-Security-Policy"))
				}
				if status, h, css := get(t, srv, srv.NewClient(), "/intake/assets/posting.css"); status != http.StatusOK || !strings.Contains(string(css), "@page") || !strings.HasPrefix(h.Get("Content-Type"), "text/css") {
					t.Errorf("posting.css: %d", status)
				}
				other := srv.NewClient()
				other.SignIn(t, "canbo.phucha", seedtest.DemoPassword)
				// Anyone else reads the public list: names and IDs masked, no birth year or address.
				for name, c := range map[string]*apptest.Client{"visitor": srv.NewClient(), "leader": leader, "another ward's officer": other} {
					status, _, body := get(t, srv, c, batch.PostingURL)
					page := string(body)
					if status != http.StatusOK || strings.Contains(page, "Nguyễn Văn Thử") || !strings.Contains(page, "Nguyễn V. T.") ||
						!strings.Contains(page, "********7001") || strings.Contains(page, "001085777001") || strings.Contains(page, "1985") ||
						strings.Contains(page, "Tổ 5") || !strings.Contains(page, "5.250.000") {
						t.Errorf("%s got: %d %s", name, status, body)
					}
					if status, _, body := get(t, srv, c, batch.PostingURL+"&draft=1"); status != http.StatusUnauthorized && status != http.StatusForbidden {
						t.Errorf("%s got the draft: %d %s", name, status, body)
					}
				}
			})

			if r := step(t, officer, map[string]any{"step": "APPRAISE"}); r.Code() != "FORBIDDEN" {
				t.Errorf("the ward officer appraised: %s", r.Raw)
			}
			wantMoved(t, step(t, leader, map[string]any{"step": "APPRAISE"}))
			if r := step(t, leader, map[string]any{"step": "PAY", "channel": "CASH_AT_WARD"}); r.Code() != "CONFLICT" && r.Code() != "FORBIDDEN" {
				t.Errorf("paid before approval: %s", r.Raw)
			}
			wantMoved(t, step(t, leader, map[string]any{"step": "APPROVE", "decisionNumber": "1234/QĐ-UBND", "decisionIssuer": "UBND tỉnh Thái Nguyên"}))
			approved := statsOf(t, officer)
			if approved.Listed != listed.Listed || approved.Approved != start.Approved+amount || approved.Paid != start.Paid {
				t.Errorf("after approval: %+v", approved)
			}
			wantMoved(t, step(t, officer, map[string]any{"step": "PAY", "channel": "CASH_AT_WARD", "receiptNumber": "PT-01"}))
			paid := statsOf(t, officer)
			if paid.Listed != listed.Listed || paid.Approved != approved.Approved || paid.Paid != start.Paid+amount || paid.People != start.People+people {
				t.Errorf("after payment: %+v, at the start %+v", paid, start)
			}
			r = step(t, officer, map[string]any{"step": "PAY", "channel": "CASH_AT_WARD"})
			if len(r.Errors) == 0 || r.Code() != "CONFLICT" || !strings.Contains(r.Errors[0].Message, "Đã chi trả") || !strings.Contains(r.Errors[0].Message, "Đã phê duyệt") {
				t.Errorf("paying twice: %s", r.Raw)
			}

			t.Run("audit trail", func(t *testing.T) {
				r := admin.GraphQL(t, `{ auditEvents(filter: {wards: ["05431"]}, first: 100) { totalCount edges { node { actor action entity entityId before after } } } }`, nil)
				for _, want := range []string{`"actor":"canbo.quantrieu","action":"disbursement.create","entity":"import_batch"`,
					`"action":"import.commit"`, `"action":"disbursement.post"`, `Nguyễn Văn Thử`,
					`"actor":"lanhdao","action":"disbursement.approve"`, `"action":"disbursement.pay"`, `1234/QĐ-UBND`} {
					if !strings.Contains(string(r.Data), want) {
						t.Errorf("audit trail lacks %s: %s", want, r.Raw)
					}
				}
				if r := officer.GraphQL(t, `{ auditEvents { totalCount } }`, nil); r.Code() != "FORBIDDEN" {
					t.Errorf("an officer read the audit trail: %s", r.Raw)
				}
			})

			t.Run("a file far over the size limit", func(t *testing.T) {
				before := countRows(t, d)
				status, r := officer.Upload(t, checkImport, vars, "variables.input.file", "big.csv", bytes.Repeat([]byte("a,"), 16<<20))
				if status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Raw), "quá lớn") {
					t.Errorf("upload of 32 MB: %d %s", status, r.Raw)
				}
				if got := countRows(t, d); fmt.Sprint(got) != fmt.Sprint(before) {
					t.Errorf("wrote %v, before %v", got, before)
				}
			})
			t.Run("another ward", func(t *testing.T) {
				other := map[string]any{"input": map[string]any{"program": "NQ42-2020", "group": "HO_NGHEO", "ward": "05485", "file": nil}}
				_, r := officer.Upload(t, checkImport, other, "variables.input.file", "x.csv", list)
				if r.Code() != "FORBIDDEN" || strings.Contains(string(r.Raw), "05485") || strings.Contains(string(r.Raw), "Phúc Hà") {
					t.Errorf("import for another ward: %s", r.Raw)
				}
			})
			t.Run("a person on record in another ward", func(t *testing.T) {
				// The admin lists a person in 05485; the officer of 05431 then lists the same ID.
				person := []byte("Họ và tên,Số CCCD/CMND,Số nhân khẩu\r\nĐỗ Văn Khác,001085777009,4\r\n")
				other := map[string]any{"input": map[string]any{"program": "NQ42-2020", "group": "HO_NGHEO", "ward": "05485", "file": nil}}
				_, r := admin.Upload(t, checkImport, other, "variables.input.file", "khac.csv", person)
				var staged struct{ CheckImport struct{ UploadID string } }
				must(t, json.Unmarshal(r.Data, &staged))
				if r := admin.GraphQL(t, `mutation($id: ID!) { commitImport(id: $id) { status } }`, map[string]any{"id": staged.CheckImport.UploadID}); !strings.Contains(string(r.Raw), "COMMITTED") {
					t.Fatalf("the other ward's list: %s", r.Raw)
				}
				_, r = officer.Upload(t, checkImport, vars, "variables.input.file", "khac.csv", []byte("Họ và tên,Số CCCD/CMND,Số nhân khẩu\r\nTên Đoán,001085777009,4\r\n"))
				if !strings.Contains(string(r.Raw), `"code":"reconcile_elsewhere"`) || strings.Contains(string(r.Raw), "05485") || strings.Contains(string(r.Raw), "họ tên khác") {
					t.Errorf("officer's check: %s", r.Raw)
				}
				const queue = `{ reconciliations(first: 10) { totalCount edges { node { actor citizenId code message row ward { code } otherWard { code } group { code } newLine existing } } } }`
				r = admin.GraphQL(t, queue, nil)
				for _, want := range []string{`"actor":"canbo.quantrieu"`, `"citizenId":"001085777009"`, `"code":"id_other_person"`, `"otherWard":{"code":"05485"}`, `Tên Đoán`, `Đỗ Văn Khác`, `"totalCount":1`} {
					if !strings.Contains(string(r.Raw), want) {
						t.Errorf("queue lacks %s: %s", want, r.Raw)
					}
				}
				if r := officer.GraphQL(t, queue, nil); r.Code() != "FORBIDDEN" {
					t.Errorf("an officer read the queue: %s", r.Raw)
				}
			})
		})
	}
}
