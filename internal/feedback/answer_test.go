package feedback_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/feedback"
)

// TestOfficersAnswerAndClose walks a report from arrival to a closing that cancels its line, with
// who may see and do what at each step.
func TestOfficersAnswerAndClose(t *testing.T) {
	each(t, func(t *testing.T, f *fixture, d *bun.DB) {
		posted := f.line(f.ward, disbursement.Posted)
		other := f.line(f.other, disbursement.Posted)
		sent, err := f.svc.Submit(visitor("203.0.113.9"), lineReport("05431", posted.ID))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Submit(visitor("203.0.113.9"), lineReport("05485", other.ID)); err != nil {
			t.Fatal(err)
		}
		mine, err := f.svc.List(officer(f.ward), feedback.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 1 || mine[0].Code != sent.Code || mine[0].ContactPhone != "0912345678" || *mine[0].LineID != posted.ID {
			t.Fatalf("the ward's officer reads %+v", mine)
		}
		all, err := f.svc.List(as(auth.Admin), feedback.ListQuery{})
		if err != nil || len(all) != 2 {
			t.Fatalf("admin reads %d reports (%v), want 2", len(all), err)
		}
		// Who may not read them in full: leaders and analysts (they get the counts), visitors, and
		// an officer asking for another ward (by ward or by ID, told nothing).
		for name, ctx := range map[string]context.Context{"leader": as(auth.Leader), "analyst": as(auth.Analyst)} {
			if _, err := f.svc.List(ctx, feedback.ListQuery{}); !errs.Is(errs.Permission, err) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := f.svc.List(context.Background(), feedback.ListQuery{}); !errs.Is(errs.Unauthorized, err) {
			t.Errorf("visitor: %v", err)
		}
		if _, err := f.svc.List(officer(f.ward), feedback.ListQuery{Ward: "05485"}); !errs.Is(errs.Permission, err) {
			t.Errorf("officer asking for another ward: %v", err)
		}
		theirs := all[0]
		if theirs.WardID == f.ward.ID {
			theirs = all[1]
		}
		if _, err := f.svc.Get(officer(f.ward), theirs.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("another ward's report by ID: %v", err)
		}
		if _, err := f.svc.Reply(officer(f.ward), theirs.ID, "x"); !errs.Is(errs.NotFound, err) {
			t.Errorf("replying to another ward's report: %v", err)
		}

		report := mine[0]
		f.now = f.now.Add(time.Hour)
		got, err := f.svc.Reply(officer(f.ward), report.ID, "Phường đang xác minh với tổ dân phố 5.")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != feedback.Answered {
			t.Errorf("status %s after a reply", got.Status)
		}
		st, _ := f.svc.Status(context.Background(), sent.Code)
		if st.Status != feedback.Answered || st.Reply != "Phường đang xác minh với tổ dân phố 5." {
			t.Errorf("the reporter reads %+v", st)
		}

		// Closings that do not hold together are refused, and change nothing.
		for name, in := range map[string]feedback.CloseInput{
			"no outcome":                      {ID: report.ID, Reply: "x"},
			"no answer":                       {ID: report.ID, Outcome: feedback.Explained},
			"explained with a line":           {ID: report.ID, Outcome: feedback.Explained, Reply: "x", Lines: []int64{posted.ID}},
			"cancelled without lines":         {ID: report.ID, Outcome: feedback.LineCancelled, Reply: "x"},
			"cancelled naming a posted line":  {ID: report.ID, Outcome: feedback.LineCancelled, Reply: "x", Lines: []int64{posted.ID}},
			"corrected naming an old line":    {ID: report.ID, Outcome: feedback.LineCorrected, Reply: "x", Lines: []int64{posted.ID}},
			"another ward's line":             {ID: report.ID, Outcome: feedback.LineCorrected, Reply: "x", Lines: []int64{other.ID}},
			"cancelling with another outcome": {ID: report.ID, Outcome: feedback.Explained, Reply: "x", CancelLine: true},
			"an answer too long":              {ID: report.ID, Outcome: feedback.Explained, Reply: strings.Repeat("a", feedback.MaxReplyRunes+1)},
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := f.svc.Close(officer(f.ward), in); !errs.Is(errs.Invalid, err) {
					t.Errorf("got %v, want invalid", err)
				}
			})
		}
		if _, err := f.svc.Close(as(auth.Leader), feedback.CloseInput{ID: report.ID, Outcome: feedback.Explained, Reply: "x"}); !errs.Is(errs.Permission, err) {
			t.Errorf("a leader closing: %v", err)
		}

		closed, err := f.svc.Close(officer(f.ward), feedback.CloseInput{ID: report.ID, CancelLine: true,
			Reply: "Hộ đã chuyển đi; phường hủy dòng này khỏi danh sách."})
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != feedback.Closed || *closed.Outcome != feedback.LineCancelled || !slices.Equal(closed.ChangedLineIDs, []int64{posted.ID}) {
			t.Errorf("closed %+v", closed)
		}
		var status disbursement.Status
		if err := d.NewSelect().Table("disbursements").Column("status").Where("id = ?", posted.ID).Scan(context.Background(), &status); err != nil || status != disbursement.Cancelled {
			t.Errorf("the line is %s (%v), want CANCELLED", status, err)
		}
		again, err := f.svc.Get(officer(f.ward), report.ID)
		if err != nil || !slices.Equal(again.ChangedLineIDs, []int64{posted.ID}) {
			t.Errorf("read again: %+v %v", again, err)
		}
		if _, err := f.svc.Close(officer(f.ward), feedback.CloseInput{ID: report.ID, Outcome: feedback.Explained, Reply: "x"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("closing twice: %v", err)
		}
		if _, err := f.svc.Reply(officer(f.ward), report.ID, "x"); !errs.Is(errs.Conflict, err) {
			t.Errorf("replying to a closed report: %v", err)
		}
		st, _ = f.svc.Status(context.Background(), sent.Code)
		if st.Status != feedback.Closed || *st.Outcome != feedback.LineCancelled || st.ClosedOn == nil || st.Overdue {
			t.Errorf("the reporter reads %+v", st)
		}

		// Every step is in the audit trail, the phone never.
		var events []struct {
			Action string `bun:"action"`
			Actor  string `bun:"actor"`
			Before string `bun:"before"`
			After  string `bun:"after"`
		}
		if err := d.NewSelect().Table("audit_events").Column("action", "actor").ColumnExpr("COALESCE(CAST(before AS TEXT), '') AS before, COALESCE(CAST(after AS TEXT), '') AS after").
			Where("action LIKE 'feedback.%' OR action LIKE 'workflow.%'").OrderExpr("id").Scan(context.Background(), &events); err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action+" by "+e.Actor)
			if strings.Contains(e.Before+e.After, "0912345678") || strings.Contains(e.Before+e.After, "345") {
				t.Errorf("the phone is in the audit trail: %s", e.After)
			}
		}
		want := []string{"feedback.submit by khách", "feedback.submit by khách", "feedback.reply by canbo.05431",
			"workflow.cancel by canbo.05431", "feedback.close by canbo.05431"}
		if !slices.Equal(actions, want) {
			t.Errorf("audit trail:\n got %q\nwant %q", actions, want)
		}
	})
}

// TestFeedbackStats counts per ward what leaders read beside the money.
func TestFeedbackStats(t *testing.T) {
	each(t, func(t *testing.T, f *fixture, d *bun.DB) {
		lines := []*disbursement.Disbursement{f.line(f.ward, disbursement.Posted), f.line(f.ward, disbursement.Posted), f.line(f.ward, disbursement.Posted)}
		other := f.line(f.other, disbursement.Posted)
		var ids []int64
		for i, l := range lines {
			if _, err := f.svc.Submit(visitor("203.0.113."+string(rune('1'+i))), lineReport("05431", l.ID)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.Submit(visitor("203.0.113.20"), lineReport("05485", other.ID)); err != nil {
			t.Fatal(err)
		}
		reports, err := f.svc.List(officer(f.ward), feedback.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reports {
			ids = append(ids, r.ID)
		}
		// One closed by cancelling its line on time, one explained after its deadline, one open.
		if _, err := f.svc.Close(officer(f.ward), feedback.CloseInput{ID: ids[0], CancelLine: true, Reply: "Đã hủy."}); err != nil {
			t.Fatal(err)
		}
		f.now = time.Date(2020, 5, 20, 9, 0, 0, 0, civil.Location)
		if _, err := f.svc.Close(officer(f.ward), feedback.CloseInput{ID: ids[1], Outcome: feedback.Explained, Reply: "Đúng quy định."}); err != nil {
			t.Fatal(err)
		}
		stats, err := f.svc.Stats(as(auth.Leader), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]feedback.WardStats{}
		for _, s := range stats {
			got[s.WardID] = s
		}
		want := feedback.WardStats{WardID: f.ward.ID, Received: 3, Open: 1, Overdue: 2, Closed: 2, Changed: 1}
		if got[f.ward.ID] != want {
			t.Errorf("ward stats %+v, want %+v", got[f.ward.ID], want)
		}
		if share := got[f.ward.ID].ChangedShare(); share == nil || *share != 0.5 {
			t.Errorf("changed share %v, want 0.5", share)
		}
		if o := got[f.other.ID]; o.Received != 1 || o.Open != 1 || o.ChangedShare() != nil {
			t.Errorf("other ward %+v", o)
		}
		mine, err := f.svc.Stats(officer(f.ward), nil)
		if err != nil || len(mine) != 1 || mine[0].WardID != f.ward.ID {
			t.Errorf("an officer's stats %+v (%v), want their ward only", mine, err)
		}
		if _, err := f.svc.Stats(officer(f.ward), []string{"05485"}); !errs.Is(errs.Permission, err) {
			t.Errorf("an officer asking for another ward: %v", err)
		}
		if _, err := f.svc.Stats(context.Background(), nil); !errs.Is(errs.Unauthorized, err) {
			t.Errorf("a visitor: %v", err)
		}
	})
}
