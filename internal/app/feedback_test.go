package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/feedback"
	"hotro/internal/seed/seedtest"
)

// dashboardDoc returns the text of one of the dashboard's operations.
func dashboardDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../dashboard/queries/" + name + ".graphql")
	if err != nil {
		t.Fatalf("no dashboard operation %s: %v", name, err)
	}
	return string(b)
}

// TestFeedbackThroughTheAPI: a visitor reports a posted line with the allow-listed document and
// follows it by its code; the ward's officer reads it with the phone and closes it by cancelling the
// line; the reporter sees the outcome at once (by hash alone too: no cache keeps a report's state);
// leaders get the counts and not the reports; what a visitor may not send is refused.
func TestFeedbackThroughTheAPI(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			must(t, err)
			var lineID int64
			must(t, d.NewSelect().TableExpr("disbursements AS d").ColumnExpr("d.id").
				Join("JOIN admin_units AS w ON w.id = d.ward_id").Where("w.code = '05431'").Where("d.status = 'POSTED'").
				OrderExpr("d.id").Limit(1).Scan(context.Background(), &lineID))
			srv := apptest.Start(t, d, nil)
			visitor, officer, leader := srv.NewClient(), srv.NewClient(), srv.NewClient()
			officer.SignIn(t, "canbo.quantrieu", seedtest.DemoPassword)
			leader.SignIn(t, "lanhdao", seedtest.DemoPassword)

			input := map[string]any{"ward": "05431", "kind": "LINE", "reason": "WRONG_AMOUNT", "line": lineID,
				"text": "Hộ này chỉ có 2 người mà ghi 4.", "phone": "0987 654 321"}
			// Only the allow-listed document: the same mutation written another way is refused.
			adhoc := visitor.GraphQL(t, `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { code } }`, map[string]any{"input": input})
			if adhoc.Code() != "FORBIDDEN" {
				t.Errorf("an ad-hoc document from a visitor: %s", adhoc.Raw)
			}
			sent := visitor.GraphQL(t, dashboardDoc(t, "SubmitFeedback"), map[string]any{"input": input})
			var receipt struct {
				SubmitFeedback struct{ Code, WardName, DueOn string }
			}
			if len(sent.Errors) > 0 || json.Unmarshal(sent.Data, &receipt) != nil || feedback.NormalizeCode(receipt.SubmitFeedback.Code) == "" {
				t.Fatalf("submit: %s\n%s", sent.Raw, srv.Logs())
			}
			code := receipt.SubmitFeedback.Code
			statusDoc := dashboardDoc(t, "FeedbackStatus")
			byHash := func() string {
				sum := sha256.Sum256([]byte(statusDoc))
				status, body := visitor.Do(t, http.MethodPost, "/graphql", map[string]any{"variables": map[string]any{"code": code},
					"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}})
				if status != http.StatusOK {
					t.Fatalf("status by hash: %d %s", status, body)
				}
				return string(body)
			}
			if got := byHash(); !strings.Contains(got, `"status":"OPEN"`) || strings.Contains(got, "0987") {
				t.Errorf("status by hash: %s", got)
			}

			// Visitors and leaders do not read the reports; the officer does, phone included.
			if r := visitor.GraphQL(t, dashboardDoc(t, "Feedbacks"), nil); r.Code() != "FORBIDDEN" {
				t.Errorf("a visitor listing reports: %s", r.Raw)
			}
			if r := leader.GraphQL(t, dashboardDoc(t, "Feedbacks"), nil); r.Code() != "FORBIDDEN" {
				t.Errorf("a leader listing reports: %s", r.Raw)
			}
			list := officer.GraphQL(t, dashboardDoc(t, "Feedbacks"), map[string]any{"ward": "05431"})
			var reports struct {
				Feedbacks []struct {
					ID, Code, Phone, Status string
					Line                    struct{ ID string }
				}
			}
			if len(list.Errors) > 0 || json.Unmarshal(list.Data, &reports) != nil || len(reports.Feedbacks) != 1 ||
				reports.Feedbacks[0].Phone != "0987654321" || reports.Feedbacks[0].Code != code {
				t.Fatalf("the officer's list: %s", list.Raw)
			}
			closed := officer.GraphQL(t, dashboardDoc(t, "CloseFeedback"), map[string]any{"input": map[string]any{
				"id": reports.Feedbacks[0].ID, "cancelLine": true, "reply": "Phường đã hủy dòng này."}})
			if len(closed.Errors) > 0 || !strings.Contains(string(closed.Data), `"outcome":"LINE_CANCELLED"`) ||
				!strings.Contains(string(closed.Data), `"changedLines":[{"id":"`+reports.Feedbacks[0].Line.ID+`","status":"CANCELLED"`) {
				t.Fatalf("close: %s", closed.Raw)
			}
			if got := byHash(); !strings.Contains(got, `"status":"CLOSED"`) || !strings.Contains(got, "Phường đã hủy dòng này.") {
				t.Errorf("status by hash after closing (a kept answer?): %s", got)
			}
			stats := leader.GraphQL(t, dashboardDoc(t, "FeedbackStats"), nil)
			if !strings.Contains(string(stats.Data), `{"ward":{"code":"05431"},"received":1,"open":0,"overdue":0,"closed":1,"changed":1,"changedShare":1}`) {
				t.Errorf("the leader's counts: %s", stats.Raw)
			}
			if r := visitor.GraphQL(t, dashboardDoc(t, "FeedbackStats"), nil); r.Code() != "FORBIDDEN" {
				t.Errorf("a visitor's counts: %s", r.Raw)
			}

			// Flooding from one address over HTTP: the first reports pass, then TOO_COMPLEX.
			var codes []string
			for range feedback.PerHour + 2 {
				r := visitor.GraphQL(t, dashboardDoc(t, "SubmitFeedback"), map[string]any{"input": map[string]any{
					"ward": "05431", "kind": "MISSING", "missingName": "Nguyễn Văn <b>C</b>", "missingPlace": "Tổ 3", "text": "Bị bỏ sót."}})
				codes = append(codes, r.Code())
			}
			// One report of this address went in above.
			want := strings.Repeat(",", feedback.PerHour-1) + "TOO_COMPLEX,TOO_COMPLEX,TOO_COMPLEX"
			if got := strings.Join(codes, ","); got != want {
				t.Errorf("codes of a flood: %q, want %q", got, want)
			}
		})
	}
}
