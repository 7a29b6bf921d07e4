package graph

import (
	"context"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"hotro/internal/errs"
)

// gate admits a bounded number of expensive operations at once; the others wait for a slot, or
// for their request's deadline. Simple operations never pass through it, so they stay fast while
// heavy ones run.
type gate chan struct{}

func newGate(n int) gate {
	if n <= 0 {
		n = 1
	}
	return make(gate, n)
}

// enter waits for a slot; release gives it back. It fails with UNAVAILABLE when ctx ends first.
func (g gate) enter(ctx context.Context) (release func(), _ *gqlerror.Error) {
	select {
	case g <- struct{}{}:
		return func() { <-g }, nil
	case <-ctx.Done():
		e := gqlerror.Errorf("%s", errs.Msg("Máy chủ đang bận với các truy vấn nặng khác và hết thời gian chờ: hãy thử lại sau, hoặc thu hẹp truy vấn."))
		e.Extensions = map[string]any{"code": errs.Unavailable.Code()}
		return nil, e
	}
}
