package graph

import (
	"context"

	"hotro/internal/adminunit"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/report"
)

// The entities of a stats row's key, shared by stats and publicStats rows.

func keyProgram(ctx context.Context, k *report.Key) (*program.Program, error) {
	return loadIf(ctx, loaders(ctx).Program.Load, k.ProgramID)
}

func keyUnit(ctx context.Context, id int64) (*adminunit.Unit, error) {
	return loadIf(ctx, loaders(ctx).Unit.Load, id)
}

func keyWardSplitInto(ctx context.Context, k *report.Key) ([]*adminunit.Unit, error) {
	if !k.WardSplit {
		return nil, nil
	}
	ids, err := loaders(ctx).Successors.Load(ctx, k.WardID)
	if err != nil {
		return nil, err
	}
	return loadUnits(ctx, ids)
}

func keyGroup(ctx context.Context, k *report.Key) (*program.Group, error) {
	return loadIf(ctx, loaders(ctx).Group.Load, k.GroupID)
}

func keyFund(ctx context.Context, k *report.Key) (*fund.Fund, error) {
	return loadIf(ctx, loaders(ctx).Fund.Load, k.FundID)
}

// publicMeasure returns a measure of a public cell, or nil when the cell is withheld.
func publicMeasure[T int | int64](c *report.PublicCell, pick func(*report.Totals) int64) *T {
	if c.Suppressed || c.Totals == nil {
		return nil
	}
	v := T(pick(c.Totals))
	return &v
}
