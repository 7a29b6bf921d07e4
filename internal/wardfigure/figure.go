// Package wardfigure keeps reference figures per ward, population and households of a year with
// their source, loaded by an admin from CSV, so that figures can be read per inhabitant.
package wardfigure

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/errs"
)

// Figure is a ward's population and households in one year, as a source gives them.
type Figure struct {
	bun.BaseModel `bun:"table:ward_figures,alias:f"`

	UnitID     int64  `bun:"unit_id,pk"`
	Year       int    `bun:"year,pk"`
	Population int64  `bun:"population,notnull"`
	Households int64  `bun:"households,notnull"`
	Source     string `bun:"source,notnull"`
	// Illustrative marks figures that are not official statistics (the demo data's): every answer
	// that uses them says so.
	Illustrative bool      `bun:"illustrative,notnull"`
	LoadedBy     string    `bun:"loaded_by,notnull"`
	LoadedAt     time.Time `bun:"loaded_at,notnull"`
}

// Store reads and writes ward figures. It works on a *bun.DB or inside a transaction.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db.
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// ForUnits returns the figures of each unit asked, latest year first: an empty list for a unit
// without figures, so that a batching loader finds every ID it asked for.
func (s *Store) ForUnits(ctx context.Context, ids []int64) (map[int64][]*Figure, error) {
	var figures []*Figure
	if err := s.db.NewSelect().Model(&figures).Where("unit_id IN (?)", bun.List(ids)).
		OrderExpr("unit_id, year DESC").Scan(ctx); err != nil {
		return nil, errs.E("wardfigure: for units", err)
	}
	out := make(map[int64][]*Figure, len(ids))
	for _, id := range ids {
		out[id] = []*Figure{}
	}
	for _, f := range figures {
		out[f.UnitID] = append(out[f.UnitID], f)
	}
	return out, nil
}

// Of returns the figure of year among figures (latest first), or the latest when year is nil; nil
// when there is none.
func Of(figures []*Figure, year *int) *Figure {
	for _, f := range figures {
		if year == nil || f.Year == *year {
			return f
		}
	}
	return nil
}

// Years returns the years of which figures are loaded (for any unit), latest first.
func (s *Store) Years(ctx context.Context) ([]int, error) {
	years := []int{}
	if err := s.db.NewSelect().Model((*Figure)(nil)).ColumnExpr("DISTINCT year").
		OrderExpr("year DESC").Scan(ctx, &years); err != nil {
		return nil, errs.E("wardfigure: years", err)
	}
	return years, nil
}
