package graph

import (
	"context"
	"strconv"

	"hotro/internal/adminunit"
)

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// loadIf loads the ID, or returns nil for the zero ID (a dimension not grouped by).
func loadIf[T any](ctx context.Context, load func(context.Context, int64) (*T, error), id int64) (*T, error) {
	if id == 0 {
		return nil, nil
	}
	return load(ctx, id)
}

// provinceOf walks up from a ward or district to its province.
func provinceOf(ctx context.Context, u *adminunit.Unit) (*adminunit.Unit, error) {
	for u.Level != adminunit.Province {
		if u.ParentID == nil {
			return nil, nil
		}
		parent, err := loaders(ctx).Unit.Load(ctx, *u.ParentID)
		if err != nil {
			return nil, err
		}
		u = parent
	}
	return u, nil
}
