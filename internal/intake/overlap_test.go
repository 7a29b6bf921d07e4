package intake_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/intake"
)

// TestOverlapRule puts one person on two lists of the programme and shows what the programme's
// overlap rule makes of it, and that the same person on the same group's list is caught too.
func TestOverlapRule(t *testing.T) {
	const id = "019085001234"
	person := func(group string) []byte {
		if group == "NGUOI_CO_CONG" {
			return csvOf([]string{"Họ tên", "CCCD"}, []string{"Nguyễn Văn An", id}) // 1,500,000
		}
		return csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", id, "4"}) // 3,000,000
	}
	tests := []struct {
		name      string
		rule      string
		first     string // group of the line on record
		firstWard string
		approve   bool // the line on record is approved
		then      string
		wantCode  string
		wantOut   intake.Outcome
		// what the commit leaves: statuses of the person's lines, in ID order
		wantLines []disbursement.Status
	}{
		{name: "HIGHEST_ONLY: a higher line replaces the lower, which is cancelled", rule: "HIGHEST_ONLY", first: "NGUOI_CO_CONG", then: "HO_NGHEO",
			wantCode: intake.CodeOverlapReplaces, wantOut: intake.Warned, wantLines: []disbursement.Status{disbursement.Cancelled, disbursement.Listed}},
		{name: "HIGHEST_ONLY: a lower line is refused", rule: "HIGHEST_ONLY", first: "HO_NGHEO", then: "NGUOI_CO_CONG",
			wantCode: intake.CodeOverlapRefused, wantOut: intake.Rejected, wantLines: []disbursement.Status{disbursement.Listed}},
		{name: "HIGHEST_ONLY: an approved lower line is not replaced", rule: "HIGHEST_ONLY", first: "NGUOI_CO_CONG", approve: true, then: "HO_NGHEO",
			wantCode: intake.CodeOverlapLocked, wantOut: intake.Rejected, wantLines: []disbursement.Status{disbursement.Approved}},
		{name: "ALLOW_ALL: both stand", rule: "ALLOW_ALL", first: "HO_NGHEO", then: "NGUOI_CO_CONG",
			wantCode: intake.CodeOverlapAllowed, wantOut: intake.Warned, wantLines: []disbursement.Status{disbursement.Listed, disbursement.Listed}},
		{name: "same group, same ward: skipped", rule: "HIGHEST_ONLY", first: "HO_NGHEO", then: "HO_NGHEO",
			wantCode: intake.CodeAlreadyListed, wantOut: intake.Skipped, wantLines: []disbursement.Status{disbursement.Listed}},
		{name: "same group, another ward: refused, saying only that the city reconciles it", rule: "ALLOW_ALL", first: "HO_NGHEO", firstWard: "05485", then: "HO_NGHEO",
			wantCode: intake.CodeElsewhere, wantOut: intake.Rejected, wantLines: []disbursement.Status{disbursement.Listed}},
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					e := newEnv(t, dialect, intake.Options{})
					ctx := context.Background()
					if _, err := e.db.NewUpdate().Table("programs").Set("overlap_rule = ?", tt.rule).Where("code = 'NQ42-2020'").Exec(ctx); err != nil {
						t.Fatal(err)
					}
					first := request(tt.first, "first.csv")
					if tt.firstWard != "" {
						first.Ward = tt.firstWard
					}
					rep, err := e.svc.Import(e.admin(), first, bytes.NewReader(person(tt.first)), nil)
					if err != nil || rep.Status != intake.Committed {
						t.Fatalf("first list: %+v, %v", rep, err)
					}
					if tt.approve {
						wf := disbursement.NewWorkflow(e.db, nil, func() time.Time { return testNow })
						on := civil.Of(testNow)
						for _, a := range []disbursement.Action{{Step: disbursement.Post, On: &on}, {Step: disbursement.Appraise, On: &on},
							{Step: disbursement.Approve, On: &on, DecisionNumber: "1/QĐ-UBND", DecisionIssuer: "UBND tỉnh Thái Nguyên"}} {
							if _, err := wf.Apply(e.admin(), disbursement.Selection{BatchID: rep.BatchID}, a); err != nil {
								t.Fatal(err)
							}
						}
					}
					e.obs.changes = nil
					// A BOM makes it another file than the first, whatever the groups.
					then, err := e.svc.Import(e.officer(), request(tt.then, "then.csv"), bytes.NewReader(append([]byte("\ufeff"), person(tt.then)...)), nil)
					if err != nil {
						t.Fatal(err)
					}
					p := then.Preview[0]
					var codes []string
					for _, i := range p.Issues {
						codes = append(codes, i.Code)
					}
					if p.Outcome != tt.wantOut || !slices.Equal(codes, []string{tt.wantCode}) {
						t.Errorf("row: %s %v, want %s [%s] (%v)", p.Outcome, codes, tt.wantOut, tt.wantCode, p.Issues)
					}
					var statuses []disbursement.Status
					if err := e.db.NewSelect().Table("disbursements").Column("status").
						Where("beneficiary_id IN (SELECT id FROM beneficiaries WHERE citizen_id = ?)", id).OrderExpr("id").Scan(ctx, &statuses); err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(statuses, tt.wantLines) {
						t.Errorf("lines after = %v, want %v", statuses, tt.wantLines)
					}
					if tt.wantCode == intake.CodeOverlapReplaces {
						changes := e.obs.all()
						var cancelled bool
						for _, c := range changes {
							if c.Before != nil && c.Before.Status == disbursement.Listed && c.After.Status == disbursement.Cancelled {
								cancelled = true
							}
						}
						if !cancelled {
							t.Errorf("observer was not told of the cancellation: %+v", changes)
						}
						var reason string
						if err := e.db.NewSelect().Table("disbursements").Column("status_reason").Where("status = 'CANCELLED'").Scan(ctx, &reason); err != nil || reason == "" {
							t.Errorf("cancelled line's reason = %q, %v", reason, err)
						}
						n, err := e.db.NewSelect().Table("audit_events").Where("action = 'disbursement.cancel'").Count(ctx)
						if err != nil || n != 1 {
							t.Errorf("cancel audit events = %d, %v; want 1", n, err)
						}
					}
				})
			}
		})
	}
}

// TestConcurrentCommits commits two lists that both name one person, at the same time: one list
// commits first and the other is checked against it, so the person ends with one active line, the
// highest, whichever came first.
func TestConcurrentCommits(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			poor := csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", "019085001234", "4"}) // 3,000,000
			merit := csvOf([]string{"Họ tên", "CCCD"}, []string{"Nguyễn Văn An", "019085001234"})                // 1,500,000
			a, err := e.svc.Stage(e.officer(), request("HO_NGHEO", "a.csv"), bytes.NewReader(poor))
			if err != nil {
				t.Fatal(err)
			}
			b, err := e.svc.Stage(e.officer(), request("NGUOI_CO_CONG", "b.csv"), bytes.NewReader(merit))
			if err != nil {
				t.Fatal(err)
			}
			reports := make(chan *intake.Report, 2)
			errc := make(chan error, 2)
			for _, id := range []int64{a.UploadID, b.UploadID} {
				go func() {
					rep, err := e.svc.Commit(e.officer(), id)
					reports <- rep
					errc <- err
				}()
			}
			var statuses []intake.Status
			for range 2 {
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
				statuses = append(statuses, (<-reports).Status)
			}
			var active []int64
			if err := e.db.NewSelect().Table("disbursements").Column("amount").Where("status <> 'CANCELLED'").Scan(context.Background(), &active); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(active, []int64{3_000_000}) {
				t.Errorf("active lines %v after commits %v; want the one higher line", active, statuses)
			}
		})
	}
}
