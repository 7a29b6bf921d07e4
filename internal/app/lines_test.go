package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hotro/internal/app/apptest"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// approvedList imports a list of n lines for HO_NGHEO in ward 05431 as the officer and takes it to
// APPROVED on the day given (posted, appraised and approved that day), returning its ID.
func approvedList(t *testing.T, srv *apptest.Server, officer, leader *apptest.Client, n int, on string) string {
	t.Helper()
	var csv strings.Builder
	csv.WriteString("Họ và tên,Số CCCD/CMND,Số nhân khẩu,Địa chỉ,Số tháng hưởng\r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&csv, "Phạm Văn Dòng %02d,0010857781%02d,%d,Tổ %d,3\r\n", i, i, 1+i%3, i)
	}
	vars := map[string]any{"input": map[string]any{"program": "NQ42-2020", "group": "HO_NGHEO", "ward": "05431", "listedOn": on, "file": nil}}
	status, r := officer.Upload(t, checkImport, vars, "variables.input.file", "muoi-dong.csv", []byte(csv.String()))
	var checked struct {
		CheckImport struct{ UploadID, Status string }
	}
	must(t, json.Unmarshal(r.Data, &checked))
	if status != http.StatusOK || checked.CheckImport.Status != "READY" {
		t.Fatalf("checkImport: %d %s", status, r.Raw)
	}
	r = officer.GraphQL(t, `mutation($id: ID!) { commitImport(id: $id) { status batch { id } } }`, map[string]any{"id": checked.CheckImport.UploadID})
	var committed struct {
		CommitImport struct{ Batch struct{ ID string } }
	}
	must(t, json.Unmarshal(r.Data, &committed))
	id := committed.CommitImport.Batch.ID
	if len(r.Errors) > 0 || id == "" {
		t.Fatalf("commitImport: %s", r.Raw)
	}
	for _, s := range []struct {
		c     *apptest.Client
		input map[string]any
	}{
		{officer, map[string]any{"step": "POST"}},
		{leader, map[string]any{"step": "APPRAISE"}},
		{leader, map[string]any{"step": "APPROVE", "decisionNumber": "77/QĐ-UBND", "decisionIssuer": "UBND tỉnh Thái Nguyên"}},
	} {
		s.input["batch"], s.input["date"] = id, on
		if r := s.c.GraphQL(t, transition, map[string]any{"input": s.input}); len(r.Errors) > 0 {
			t.Fatalf("%v: %s", s.input["step"], r.Raw)
		}
	}
	return id
}

const transition = `mutation($input: TransitionInput!) { transitionDisbursements(input: $input) { step to lines amount people } }`

// TestLinesOfAListThroughGraphQL takes the work of a ward officer on some lines of an approved list
// through the API: the list's lines (filter batches), paying 3 of 10 by their IDs (refused on a
// day before the approval, with the dates in Vietnamese), returning one with a reason, then every
// still-approved line of the list at once by a filter. The ward's figures follow each step at once
// (the response cache does not keep the old ones), each line has its own audit event with its
// actor, and the
// stats refuse a filter on lists.
func TestLinesOfAListThroughGraphQL(t *testing.T) {
	today := civil.Of(time.Now())
	yesterday := civil.Of(time.Now().AddDate(0, 0, -1))
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			must(t, err)
			srv := apptest.Start(t, d, nil)
			officer, leader, admin := srv.NewClient(), srv.NewClient(), srv.NewClient()
			officer.SignIn(t, "canbo.quantrieu", seedtest.DemoPassword)
			leader.SignIn(t, "lanhdao", seedtest.DemoPassword)
			admin.SignIn(t, "quantri", seedtest.DemoPassword)
			batch := approvedList(t, srv, officer, leader, 10, today.String())

			type line struct {
				ID, Status    string
				Amount        int64
				StatusReason  *string
				ReceiptNumber *string
			}
			lines := func(t *testing.T, statuses ...string) []line {
				t.Helper()
				filter := map[string]any{"batches": []string{batch}}
				if len(statuses) > 0 {
					filter["statuses"] = statuses
				}
				r := officer.GraphQL(t, `query($f: DisbursementFilter) { disbursements(filter: $f, first: 100) { totalCount edges { node { id status amount statusReason receiptNumber } } } }`,
					map[string]any{"f": filter})
				var out struct {
					Disbursements struct {
						TotalCount int
						Edges      []struct{ Node line }
					}
				}
				must(t, json.Unmarshal(r.Data, &out))
				if len(r.Errors) > 0 || out.Disbursements.TotalCount != len(out.Disbursements.Edges) {
					t.Fatalf("disbursements of the list: %s", r.Raw)
				}
				got := make([]line, len(out.Disbursements.Edges))
				for i, e := range out.Disbursements.Edges {
					got[i] = e.Node
				}
				return got
			}
			statuses := func(t *testing.T) string {
				t.Helper()
				r := officer.GraphQL(t, `query($id: ID!) { importBatch(id: $id) { id statuses { status lines } } }`, map[string]any{"id": batch})
				var out struct {
					ImportBatch struct {
						Statuses []struct {
							Status string
							Lines  int
						}
					}
				}
				must(t, json.Unmarshal(r.Data, &out))
				if len(r.Errors) > 0 {
					t.Fatalf("importBatch: %s", r.Raw)
				}
				var parts []string
				for _, s := range out.ImportBatch.Statuses {
					parts = append(parts, fmt.Sprintf("%s:%d", s.Status, s.Lines))
				}
				return strings.Join(parts, " ")
			}
			// The ward's figures as the dashboard's KPIs ask for them (Overview's total).
			kpi := func(t *testing.T) (paid, approved int64) {
				t.Helper()
				r := officer.GraphQL(t, `{ stats(filter: {wards: ["05431"]}) { total { amountPaid amountApproved } } }`, nil)
				var out struct {
					Stats struct {
						Total struct{ AmountPaid, AmountApproved int64 }
					}
				}
				must(t, json.Unmarshal(r.Data, &out))
				if len(r.Errors) > 0 {
					t.Fatalf("stats: %s", r.Raw)
				}
				return out.Stats.Total.AmountPaid, out.Stats.Total.AmountApproved
			}
			step := func(t *testing.T, c *apptest.Client, input map[string]any) apptest.GraphQLResponse {
				t.Helper()
				return c.GraphQL(t, transition, map[string]any{"input": input})
			}

			all := lines(t)
			if len(all) != 10 || statuses(t) != "APPROVED:10" {
				t.Fatalf("the new list: %d lines, %s", len(all), statuses(t))
			}
			if other := lines(t, "PAID"); len(other) != 0 {
				t.Errorf("paid lines of a list approved just now: %v", other)
			}
			paidBefore, approvedBefore := kpi(t)
			pay := []string{all[0].ID, all[1].ID, all[2].ID}
			var payAmount int64
			for _, l := range all[:3] {
				payAmount += l.Amount
			}

			r := step(t, officer, map[string]any{"step": "PAY", "ids": pay, "date": yesterday.String(), "channel": "CASH_AT_WARD", "receiptNumber": "PT-0912"})
			if r.Code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "trước ngày phê duyệt của 3/3 dòng") ||
				!strings.Contains(r.Errors[0].Message, yesterday.Vietnamese()) || !strings.Contains(r.Errors[0].Message, "không dòng nào được ghi") {
				t.Fatalf("paid the day before the approval: %s", r.Raw)
			}
			if got := statuses(t); got != "APPROVED:10" {
				t.Errorf("after the refusal: %s, want APPROVED:10", got)
			}

			r = step(t, officer, map[string]any{"step": "PAY", "ids": pay, "date": today.String(), "channel": "CASH_AT_WARD", "receiptNumber": "PT-0912"})
			if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"lines":3`) || !strings.Contains(string(r.Data), fmt.Sprintf(`"amount":%d`, payAmount)) {
				t.Fatalf("paying 3 lines: %s", r.Raw)
			}
			if paid, approved := kpi(t); paid != paidBefore+payAmount || approved != approvedBefore {
				t.Errorf("the ward's KPI after paying 3 lines: paid %d approved %d, want paid %d (+%d) approved %d",
					paid, approved, paidBefore+payAmount, payAmount, approvedBefore)
			}

			if r := step(t, officer, map[string]any{"step": "RETURN", "ids": []string{all[3].ID}}); r.Code() != "BAD_USER_INPUT" {
				t.Errorf("returned without a reason: %s", r.Raw)
			}
			if r := step(t, officer, map[string]any{"step": "RETURN", "ids": []string{all[3].ID}, "reason": "Đã chuyển khỏi địa bàn"}); len(r.Errors) > 0 {
				t.Fatalf("returning one line: %s", r.Raw)
			}
			if got := statuses(t); got != "APPROVED:6 PAID:3 RETURNED:1" {
				t.Errorf("the list after paying 3 and returning 1: %s", got)
			}
			if got := lines(t, "RETURNED"); len(got) != 1 || got[0].ID != all[3].ID || got[0].StatusReason == nil || *got[0].StatusReason != "Đã chuyển khỏi địa bàn" {
				t.Errorf("the returned line: %+v", got)
			}
			if got := lines(t, "PAID"); len(got) != 3 || got[0].ReceiptNumber == nil || *got[0].ReceiptNumber != "PT-0912" {
				t.Errorf("the paid lines: %+v", got)
			}

			// A selection with a line the step does not leave from moves nothing, and says which.
			r = step(t, officer, map[string]any{"step": "PAY", "ids": []string{all[0].ID, all[4].ID}, "date": today.String(), "channel": "BANK"})
			if r.Code() != "CONFLICT" || !strings.Contains(r.Errors[0].Message, "Đã chi trả") {
				t.Errorf("paying a paid line again: %s", r.Raw)
			}
			// Every line still approved, by the list and its status: the six left.
			if r := step(t, leader, map[string]any{"step": "PAY", "filter": map[string]any{"batches": []string{batch}, "statuses": []string{"APPROVED"}},
				"date": today.String(), "channel": "BANK"}); r.Code() != "FORBIDDEN" {
				t.Errorf("a leader paid: %s", r.Raw)
			}
			r = step(t, leader, map[string]any{"step": "CANCEL", "filter": map[string]any{"batches": []string{batch}, "statuses": []string{"APPROVED"}}, "reason": "Trùng danh sách"})
			if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"lines":6`) {
				t.Errorf("cancelling the approved lines of the list: %s", r.Raw)
			}
			if got := statuses(t); got != "PAID:3 RETURNED:1 CANCELLED:6" {
				t.Errorf("the list at the end: %s", got)
			}

			t.Run("audit trail per line", func(t *testing.T) {
				r := admin.GraphQL(t, `{ auditEvents(filter: {wards: ["05431"]}, first: 500) { edges { node { actor action entity entityId after } } } }`, nil)
				var out struct {
					AuditEvents struct {
						Edges []struct {
							Node struct {
								Actor, Action, Entity, EntityID string
								After                           *string
							}
						}
					}
				}
				must(t, json.Unmarshal(r.Data, &out))
				byLine := map[string][]string{}
				for _, e := range out.AuditEvents.Edges {
					if e.Node.Entity == "disbursement" {
						byLine[e.Node.EntityID] = append(byLine[e.Node.EntityID], e.Node.Actor+":"+e.Node.Action)
					}
				}
				for i, l := range all {
					want := "canbo.quantrieu:disbursement.pay"
					if i == 3 {
						want = "canbo.quantrieu:disbursement.return"
					}
					if i > 3 {
						want = "lanhdao:disbursement.cancel"
					}
					if !strings.Contains(strings.Join(byLine[l.ID], " "), want) {
						t.Errorf("line %s: audit %v, want %s", l.ID, byLine[l.ID], want)
					}
				}
			})
			t.Run("other wards and the stats", func(t *testing.T) {
				other := srv.NewClient()
				other.SignIn(t, "canbo.phucha", seedtest.DemoPassword)
				if r := other.GraphQL(t, `query($id: ID!) { importBatch(id: $id) { id } }`, map[string]any{"id": batch}); r.Code() != "NOT_FOUND" {
					t.Errorf("another ward's officer opened the list: %s", r.Raw)
				}
				r := other.GraphQL(t, `query($f: DisbursementFilter) { disbursements(filter: $f) { totalCount } }`, map[string]any{"f": map[string]any{"batches": []string{batch}}})
				if !strings.Contains(string(r.Data), `"totalCount":0`) {
					t.Errorf("another ward's officer listed its lines: %s", r.Raw)
				}
				if r := officer.GraphQL(t, `{ stats(filter: {batches: ["1"]}) { total { amountPaid } } }`, nil); r.Code() != "BAD_USER_INPUT" {
					t.Errorf("stats by list: %s", r.Raw)
				}
				if r := officer.GraphQL(t, `{ disbursements(filter: {batches: ["x"]}) { totalCount } }`, nil); r.Code() != "BAD_USER_INPUT" {
					t.Errorf("a list ID that is not one: %s", r.Raw)
				}
			})
		})
	}
}
