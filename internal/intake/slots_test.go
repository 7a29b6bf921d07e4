package intake_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"hotro/internal/db"
	"hotro/internal/errs"
	"hotro/internal/intake"
)

// TestConcurrentUploadsAreBounded: the service reads at most MaxConcurrent uploads at a time; one
// more is told, in Vietnamese, to try again (or waits for the slot when SlotWait allows).
func TestConcurrentUploadsAreBounded(t *testing.T) {
	list := csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", "019085001234", "4"})
	eachDialect(t, func(t *testing.T, dialect db.Dialect) {
		for _, wait := range []time.Duration{-1, time.Hour} {
			e := newEnv(t, dialect, intake.Options{MaxConcurrent: 1, SlotWait: wait})
			inside, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				_, err := e.svc.Check(e.officer(), request("HO_NGHEO", "a.csv"), bytes.NewReader(list), func(intake.RowResult) {
					close(inside) // the first upload holds the only slot until released
					<-release
				})
				done <- err
			}()
			<-inside
			if wait < 0 {
				_, err := e.svc.Check(e.officer(), request("HO_NGHEO", "b.csv"), bytes.NewReader(list), nil)
				if !errs.Is(errs.Unavailable, err) || !strings.Contains(errs.Message(err), "tải lên lại") {
					t.Errorf("a second upload while the slot is taken: %v (%q), want busy", err, errs.Message(err))
				}
				close(release)
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				if _, err := e.svc.Check(e.officer(), request("HO_NGHEO", "b.csv"), bytes.NewReader(list), nil); err != nil {
					t.Errorf("once the slot is free: %v", err)
				}
				continue
			}
			// With a wait, the second upload takes the slot when the first gives it back.
			second := make(chan error, 1)
			go func() {
				_, err := e.svc.Stage(e.officer(), request("HO_NGHEO", "b.csv"), bytes.NewReader(list))
				second <- err
			}()
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if err := <-second; err != nil {
				t.Errorf("the waiting upload: %v", err)
			}
		}
	})
}
