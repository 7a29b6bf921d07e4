package graph

import (
	"context"

	"hotro/internal/report"
	"hotro/internal/wardfigure"
)

// rowFigures is the reference figures of a stats row's ward of year (nil: the latest); nil when the
// row is not a ward's or the ward has none.
func rowFigures(ctx context.Context, row *report.Row, year *int) (*wardfigure.Figure, error) {
	return wardFigures(ctx, row.WardID, year)
}

// wardFigures is the reference figures of the ward wardID of year (nil: the latest); nil when
// wardID is 0 (a row not grouped by ward) or the ward has none.
func wardFigures(ctx context.Context, wardID int64, year *int) (*wardfigure.Figure, error) {
	if wardID == 0 {
		return nil, nil
	}
	figures, err := unitFigures(ctx, wardID)
	if err != nil {
		return nil, err
	}
	return wardfigure.Of(figures, year), nil
}

// unitFigures is every reference figure of the unit, latest year first: from the reference data in
// memory (no database round trip) when the resolver keeps it, else from the loader.
func unitFigures(ctx context.Context, unitID int64) ([]*wardfigure.Figure, error) {
	ref, err := referenceData(ctx)
	if err != nil {
		return nil, err
	}
	if ref != nil {
		return ref.WardFigures(unitID), nil
	}
	return loaders(ctx).Figures.Load(ctx, unitID)
}

// perCapita is measure per inhabitant of f times per (1: per person; 1000: per 1,000 people); nil
// without figures.
func perCapita(measure int64, f *wardfigure.Figure, per float64) *float64 {
	if f == nil || f.Population <= 0 {
		return nil
	}
	v := per * float64(measure) / float64(f.Population)
	return &v
}
