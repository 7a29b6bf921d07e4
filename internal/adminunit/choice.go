package adminunit

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/errs"
)

// A Choice says how a unit asked for by its code was chosen among the units that have had the code
// (codes are reused after the 2025 reorganisation), so that an answer can name its rule.
type Choice struct {
	Code string
	// AsOf is the date asked for: the unit valid on it. Nil: the latest unit with the code, the one
	// valid today while the code is in use.
	AsOf *civil.Date
}

// Latest reports whether the choice took the latest unit with the code (no date was given).
func (c *Choice) Latest() bool { return c.AsOf == nil }

// Choose returns the unit of level with code valid on asOf, or the latest one when asOf is nil (as
// Get), marked with how it was chosen. Outcomes: the unit; NotFound (Vietnamese message) when no
// unit has the code (on the date); Invalid never; Internal on a database failure.
func (s *Store) Choose(ctx context.Context, level Level, code string, asOf *civil.Date) (*Unit, error) {
	u, err := s.Get(ctx, level, code, asOf)
	if err != nil {
		return nil, err
	}
	u.Choice = &Choice{Code: code, AsOf: asOf}
	return u, nil
}

// WithCodes returns the units of level with each of the codes, of every period, oldest first: a code
// absent from the map names no unit.
func (s *Store) WithCodes(ctx context.Context, level Level, codes []string) (map[string][]*Unit, error) {
	out := map[string][]*Unit{}
	if len(codes) == 0 {
		return out, nil
	}
	var units []*Unit
	if err := s.db.NewSelect().Model(&units).Where("level = ?", level).Where("code IN (?)", bun.List(codes)).
		OrderExpr("code, valid_from, id").Scan(ctx); err != nil {
		return nil, errs.E("adminunit: with codes", err)
	}
	for _, u := range units {
		out[u.Code] = append(out[u.Code], u)
	}
	return out, nil
}
