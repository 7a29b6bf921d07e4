package report_test

import (
	"context"
	"testing"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

func datePtr(s string) *civil.Date { d := civil.MustParse(s); return &d }

// asAnalyst is a context whose caller sees every aggregate.
var asAnalyst = auth.WithIdentity(context.Background(), &auth.Identity{UserID: 1, Username: "phantich", Role: auth.Analyst})

func TestFirstRoundByWard(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			res, err := report.NewSQL(d).Stats(asAnalyst, report.Query{
				GroupBy: []report.Dimension{report.Ward},
				Filter: report.Filter{
					Groups: []string{"NGUOI_CO_CONG", "BAO_TRO_XA_HOI", "HO_NGHEO", "HO_CAN_NGHEO"},
					PaidTo: datePtr("2020-05-31"),
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != 32 {
				t.Errorf("rows = %d, want 32", len(res.Rows))
			}
			var sum report.Totals
			for _, r := range res.Rows {
				sum.AmountPaid += r.AmountPaid
				sum.AmountListed += r.AmountListed
				sum.AmountApproved += r.AmountApproved
				sum.PeopleSupported += r.PeopleSupported
				sum.Beneficiaries += r.Beneficiaries
				sum.Disbursements += r.Disbursements
			}
			if sum != res.Total.Measured() {
				t.Errorf("rows sum to %+v, total is %+v", sum, res.Total)
			}
			if res.Total.AmountPaid < 16_500_000_000 || res.Total.AmountPaid > 17_000_000_000 {
				t.Errorf("first round paid %d, want nearly 17 billion", res.Total.AmountPaid)
			}
			if res.Total.PeopleSupported < 12_500 || res.Total.PeopleSupported > 13_000 {
				t.Errorf("first round people %d, want nearly 13,000", res.Total.PeopleSupported)
			}
			t.Logf("first round: %+v", res.Total)
		})
	}
}

func TestUnknownCodeIsAnError(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	_, err := report.NewSQL(d).Stats(asAnalyst, report.Query{Filter: report.Filter{Groups: []string{"HO_NGHEO", "NO_SUCH"}}})
	if !errs.Is(errs.Invalid, err) || errs.Message(err) != "Không có nhóm đối tượng mã NO_SUCH." {
		t.Errorf("err = %v (%q), want invalid naming NO_SUCH", err, errs.Message(err))
	}
}

// TestSundayBelongsToTheWeekBefore moves one payment to Sunday 17 May 2020 and finds it in ISO week
// 2020-W20 (11–17 May), on both dialects.
func TestSundayBelongsToTheWeekBefore(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			var id int64
			if err := d.NewRaw("SELECT min(id) FROM disbursements WHERE status = 'PAID'").Scan(ctx, &id); err != nil {
				t.Fatal(err)
			}
			if _, err := d.NewRaw("UPDATE disbursements SET paid_on = '2020-05-17', amount = 777 WHERE id = ?", id).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			res, err := report.NewSQL(d).Stats(asAnalyst, report.Query{
				GroupBy: []report.Dimension{report.Week},
				Filter:  report.Filter{PaidFrom: datePtr("2020-05-17"), PaidTo: datePtr("2020-05-17")},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != 1 || res.Rows[0].Period.Label != "2020-W20" || res.Rows[0].Period.Start.String() != "2020-05-11" || res.Rows[0].AmountPaid != 777 {
				t.Errorf("rows = %+v, want one row 2020-W20 from 2020-05-11 with 777", res.Rows)
			}
		})
	}
}
