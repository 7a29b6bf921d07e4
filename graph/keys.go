package graph

import (
	"context"

	"github.com/vikstrous/dataloadgen"

	"hotro/internal/adminunit"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// The entities of a stats row's key, shared by stats and publicStats rows: from the reference data
// in memory when the resolver keeps it (no round trip, no loader wait), else from the loaders.

func keyProgram(ctx context.Context, k *report.Key) (*program.Program, error) {
	return keyEntity(ctx, k.ProgramID, (*reference.Snapshot).Program, func(l *Loaders) *dataloadgen.Loader[int64, *program.Program] { return l.Program })
}

func keyUnit(ctx context.Context, id int64) (*adminunit.Unit, error) {
	return keyEntity(ctx, id, (*reference.Snapshot).Unit, func(l *Loaders) *dataloadgen.Loader[int64, *adminunit.Unit] { return l.Unit })
}

func keyWardSplitInto(ctx context.Context, k *report.Key) ([]*adminunit.Unit, error) {
	if !k.WardSplit {
		return nil, nil
	}
	ref, err := referenceData(ctx)
	if err != nil {
		return nil, err
	}
	if ref != nil {
		var units []*adminunit.Unit
		for _, id := range ref.SuccessorIDs(k.WardID) {
			units = append(units, ref.Unit(id))
		}
		return units, nil
	}
	ids, err := loaders(ctx).Successors.Load(ctx, k.WardID)
	if err != nil {
		return nil, err
	}
	return loadUnits(ctx, ids)
}

func keyGroup(ctx context.Context, k *report.Key) (*program.Group, error) {
	return keyEntity(ctx, k.GroupID, (*reference.Snapshot).Group, func(l *Loaders) *dataloadgen.Loader[int64, *program.Group] { return l.Group })
}

func keyFund(ctx context.Context, k *report.Key) (*fund.Fund, error) {
	return keyEntity(ctx, k.FundID, (*reference.Snapshot).Fund, func(l *Loaders) *dataloadgen.Loader[int64, *fund.Fund] { return l.Fund })
}

func keyRound(ctx context.Context, k *report.Key) (*program.Round, error) {
	return keyEntity(ctx, k.RoundID, (*reference.Snapshot).Round, func(l *Loaders) *dataloadgen.Loader[int64, *program.Round] { return l.Round })
}

func keyEntity[T any](ctx context.Context, id int64, held func(*reference.Snapshot, int64) *T, loader func(*Loaders) *dataloadgen.Loader[int64, *T]) (*T, error) {
	if id == 0 {
		return nil, nil
	}
	ref, err := referenceData(ctx)
	if err != nil {
		return nil, err
	}
	if ref != nil {
		return held(ref, id), nil
	}
	return loader(loaders(ctx)).Load(ctx, id)
}

// referenceData returns the operation's reference data, or nil when the resolver keeps none.
func referenceData(ctx context.Context) (*reference.Snapshot, error) {
	if ref, ok := ctx.Value(heldReferenceKey{}).(*reference.Snapshot); ok {
		return ref, nil
	}
	if c := referenceCache(ctx); c != nil {
		return c.Get(ctx)
	}
	return nil, nil
}

type heldReferenceKey struct{}

// withReferenceData returns ctx holding the operation's reference data where referenceData finds
// it first: the rows of an answer, written one after another, each name their units and groups
// without walking the request's context to its scope nor locking it. The operation's reference
// data does not change while it runs (reference.WithRequest), so nothing is lost.
func withReferenceData(ctx context.Context) context.Context {
	ref, err := referenceData(ctx)
	if err != nil || ref == nil {
		return ctx
	}
	return context.WithValue(ctx, heldReferenceKey{}, ref)
}

// publicMeasure returns a measure of a public cell, or nil when the cell is withheld.
func publicMeasure[T int | int64](c *report.PublicCell, pick func(*report.Totals) int64) *T {
	if c.Suppressed || c.Totals == nil {
		return nil
	}
	v := T(pick(c.Totals))
	return &v
}
