package graph

import (
	"context"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"hotro/internal/errs"
	"hotro/internal/report"
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

// serialEngine runs the stats of an expensive operation one at a time (gqlgen resolves sibling
// fields concurrently, so thirty aliases would otherwise aggregate on every core at once): with the
// gate, at most MaxExpensive aggregations of expensive operations run together, whatever their shape.
type serialEngine struct{ report.Engine }

type engineTurnKey struct{}

// withEngineTurns makes the engine calls under ctx take turns.
func withEngineTurns(ctx context.Context) context.Context {
	return context.WithValue(ctx, engineTurnKey{}, newGate(1))
}

func (e serialEngine) Stats(ctx context.Context, q report.Query) (*report.Result, error) {
	if turn, ok := ctx.Value(engineTurnKey{}).(gate); ok {
		release, gqlErr := turn.enter(ctx)
		if gqlErr != nil {
			return nil, errs.E("graph: stats", errs.Unavailable, ctx.Err())
		}
		defer release()
	}
	return e.Engine.Stats(ctx, q)
}
