package disbursement_test

import (
	"context"
	"strings"
	"testing"

	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
)

// TestWorkflowPaidBeforeApprovalRefused pays two approved lines of a list on a day before one of
// them was approved: the API refuses with a message naming the count and the dates, and nothing is
// written (no line, no audit event, no new data version). The day of the approval itself is fine.
func TestWorkflowPaidBeforeApprovalRefused(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			c := newChain(t, dialect)
			ctx := context.Background()
			early := c.line(c.ward, disbursement.Approved) // approved 23/04/2020
			late := c.line(c.ward, disbursement.Approved)
			if _, err := c.db.NewUpdate().Table("disbursements").Set("approved_on = ?", *date("2020-05-10")).Where("id = ?", late.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			events := func() int {
				n, err := c.db.NewSelect().Table("audit_events").Count(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return int(n)
			}
			version, audited := c.version(), events()
			sel := disbursement.Selection{IDs: []int64{early.ID, late.ID}}
			pay := func(on string) (*disbursement.Result, error) {
				return c.wf.Apply(c.officer(c.ward), sel, disbursement.Action{Step: disbursement.Pay, On: date(on), Channel: disbursement.CashAtWard})
			}

			_, err := pay("2020-05-09")
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("paid before the approval: %v, want invalid", err)
			}
			msg := errs.Message(err)
			for _, want := range []string{"09/05/2020", "phê duyệt", "1/2 dòng", "10/05/2020"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not say %q", msg, want)
				}
			}
			for _, l := range []*disbursement.Disbursement{early, late} {
				if got := c.status(l.ID); got != disbursement.Approved {
					t.Errorf("line %d is %s, want still APPROVED", l.ID, got)
				}
			}
			if got := events(); got != audited {
				t.Errorf("audit events %d, want %d (nothing written)", got, audited)
			}
			if got := c.version(); got != version {
				t.Errorf("data version %s, want %s (nothing written)", got, version)
			}
			if got := c.obs.take(); len(got) != 0 {
				t.Errorf("observer told of %d changes, want none", len(got))
			}

			_, err = pay("2020-03-01")
			if !errs.Is(errs.Invalid, err) || !strings.Contains(errs.Message(err), "NQ42-2020") {
				t.Errorf("paid before the programme began: %v, want invalid naming the programme", err)
			}
			if _, err := c.wf.Apply(c.officer(c.ward), sel, disbursement.Action{Step: disbursement.Pay, Channel: disbursement.CashAtWard}); !errs.Is(errs.Invalid, err) || !strings.Contains(errs.Message(err), "Cần chọn ngày") {
				t.Errorf("paid without a date: %v, want invalid asking for the date", err)
			}

			res, err := pay("2020-05-10")
			if err != nil {
				t.Fatalf("paid on the day of the approval: %v", err)
			}
			if res.Lines != 2 {
				t.Errorf("moved %d lines, want 2", res.Lines)
			}
		})
	}
}
