package intake

import (
	"context"
	"time"

	"hotro/internal/errs"
)

// Reading an upload costs up to the memory bound of package sheet (sheet.Limits), so the service
// reads at most Options.MaxConcurrent uploads at a time. One more waits up to Options.SlotWait for a
// slot, then is told the service is busy (errs.Unavailable), in Vietnamese.
const (
	DefaultMaxConcurrent = 2
	DefaultSlotWait      = 5 * time.Second
)

const msgBusy = "Hệ thống đang kiểm tra nhiều danh sách cùng lúc. Vui lòng đợi một lát rồi tải lên lại."

// slot takes one of the service's reading slots; release gives it back.
func (s *Service) slot(ctx context.Context) (release func(), err error) {
	release = func() { <-s.slots }
	select {
	case s.slots <- struct{}{}:
		return release, nil
	default:
	}
	if s.opt.SlotWait < 0 {
		return nil, errs.E("intake: slot", errs.Unavailable, errs.Msg(msgBusy))
	}
	wait := time.NewTimer(s.opt.SlotWait)
	defer wait.Stop()
	select {
	case s.slots <- struct{}{}:
		return release, nil
	case <-wait.C:
		return nil, errs.E("intake: slot", errs.Unavailable, errs.Msg(msgBusy))
	case <-ctx.Done():
		return nil, errs.E("intake: slot", ctx.Err())
	}
}
