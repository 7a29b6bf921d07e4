package graph

import (
	"context"

	"hotro/internal/report"
	"hotro/internal/wardfigure"
)

// rowFigures is the reference figures of a stats row's ward of year (nil: the latest); nil when the
// row is not a ward's or the ward has none.
func rowFigures(ctx context.Context, row *report.Row, year *int) (*wardfigure.Figure, error) {
	if row.WardID == 0 {
		return nil, nil
	}
	figures, err := loaders(ctx).Figures.Load(ctx, row.WardID)
	if err != nil {
		return nil, err
	}
	return wardfigure.Of(figures, year), nil
}
