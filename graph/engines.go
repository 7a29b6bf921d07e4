package graph

import (
	"context"

	"hotro/internal/errs"
	"hotro/internal/report"
)

// pagedStats refuses an answer of the API over report.MaxUnpagedRows rows unless it is paged with
// `first`. The totals of units, groups and funds (one row per entity asked) are not bounded by it.
type pagedStats struct{ report.Engine }

func (e pagedStats) Stats(ctx context.Context, q report.Query) (*report.Result, error) {
	res, err := e.Engine.Stats(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := report.CheckUnpaged("graph: stats", q, len(res.Rows)); err != nil {
		return nil, err
	}
	return res, nil
}

// serialEngine runs the stats of an expensive operation one at a time (gqlgen resolves sibling
// fields concurrently, so thirty aliases would otherwise aggregate on every core at once): with the
// gate, at most MaxExpensive aggregations of expensive operations run together, whatever their shape.
type serialEngine struct{ report.Engine }

// UnitsWithLines passes the question on to an engine that answers it from memory (heldLines): it
// reads no database, so it takes no turn; ok is false when the engine cannot.
func (e serialEngine) UnitsWithLines(ctx context.Context, ids []int64) (map[int64]bool, bool, error) {
	if h, is := e.Engine.(heldLines); is {
		return h.UnitsWithLines(ctx, ids)
	}
	return nil, false, nil
}

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
