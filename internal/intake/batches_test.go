package intake_test

import (
	"bytes"
	"testing"
	"time"

	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/intake"
)

// TestBatchDates gives a list its listing date and the date of its last step, which the
// dashboard's step dialog continues from; a list with no step yet has none.
func TestBatchDates(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			e := newEnv(t, dialect, intake.Options{})
			req := request("HO_NGHEO", "ds.csv")
			listed := civil.New(2020, 4, 20)
			req.ListedOn = &listed
			rep, err := e.svc.Import(e.admin(), req, bytes.NewReader(csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", "019085001234", "4"})), nil)
			if err != nil || rep.Status != intake.Committed {
				t.Fatalf("import: %+v, %v", rep, err)
			}
			b, err := e.svc.Batch(e.admin(), rep.BatchID)
			if err != nil {
				t.Fatal(err)
			}
			if b.ListedOn != listed || b.LastStepOn != nil {
				t.Errorf("a new list: listed %s, last step %v; want %s and none", b.ListedOn, b.LastStepOn, listed)
			}
			wf := disbursement.NewWorkflow(e.db, nil, func() time.Time { return testNow })
			for _, a := range []disbursement.Action{
				{Step: disbursement.Post, On: &civil.Date{Year: 2020, Month: 4, Day: 22}},
				{Step: disbursement.Appraise, On: &civil.Date{Year: 2020, Month: 4, Day: 25}},
			} {
				if _, err := wf.Apply(e.admin(), disbursement.Selection{BatchID: rep.BatchID}, a); err != nil {
					t.Fatal(err)
				}
			}
			b, err = e.svc.Batch(e.admin(), rep.BatchID)
			if err != nil {
				t.Fatal(err)
			}
			if want := civil.New(2020, 4, 25); b.ListedOn != listed || b.LastStepOn == nil || *b.LastStepOn != want {
				t.Errorf("after the appraisal: listed %s, last step %v; want %s and %s", b.ListedOn, b.LastStepOn, listed, want)
			}
		})
	}
}
