package adminunit

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/page"
	"hotro/internal/vntext"
)

// Store reads and writes administrative units. It works on a *bun.DB or inside a transaction.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db.
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// Successor links a unit to one unit it became.
type Successor struct {
	bun.BaseModel `bun:"table:admin_unit_successors"`

	UnitID      int64 `bun:"unit_id,pk"`
	SuccessorID int64 `bun:"successor_id,pk"`
}

// Upsert inserts units, or updates names and validity of units already present with the same
// (level, code, valid_from), and fills in their IDs.
func (s *Store) Upsert(ctx context.Context, units []*Unit) error {
	const chunk = 500
	for i := 0; i < len(units); i += chunk {
		part := units[i:min(i+chunk, len(units))]
		_, err := s.db.NewInsert().Model(&part).
			On("CONFLICT (level, code, valid_from) DO UPDATE").
			Set("kind = EXCLUDED.kind").
			Set("name = EXCLUDED.name").
			Set("name_en = EXCLUDED.name_en").
			Set("parent_id = EXCLUDED.parent_id").
			Set("valid_to = EXCLUDED.valid_to").
			Returning("id").
			Exec(ctx)
		if err != nil {
			return errs.E("adminunit: upsert", err)
		}
	}
	return nil
}

// LinkSuccessors records that units became other units; links already present are kept.
func (s *Store) LinkSuccessors(ctx context.Context, links []Successor) error {
	if len(links) == 0 {
		return nil
	}
	_, err := s.db.NewInsert().Model(&links).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return errs.E("adminunit: link successors", err)
	}
	return nil
}

// Filter selects units. Zero fields do not filter.
type Filter struct {
	Level         Level
	AsOf          *civil.Date // valid on this date
	Codes         []string
	ParentCodes   []string // units whose parent has one of these codes
	ProvinceCodes []string // communes and districts under these provinces
}

// List returns the units matching f, ordered by code and validity.
func (s *Store) List(ctx context.Context, f Filter) ([]*Unit, error) {
	if err := s.checkFilter(ctx, f); err != nil {
		return nil, err
	}
	var units []*Unit
	if err := s.filter(s.db.NewSelect().Model(&units), f).OrderExpr("u.code, u.valid_from").Scan(ctx); err != nil {
		return nil, errs.E("adminunit: list", err)
	}
	return units, nil
}

func (s *Store) filter(q *bun.SelectQuery, f Filter) *bun.SelectQuery {
	if f.Level != "" {
		q = q.Where("u.level = ?", f.Level)
	}
	if f.AsOf != nil {
		q = q.Where("u.valid_from <= ?", *f.AsOf).Where("(u.valid_to IS NULL OR u.valid_to >= ?)", *f.AsOf)
	}
	if len(f.Codes) > 0 {
		q = q.Where("u.code IN (?)", bun.List(f.Codes))
	}
	if len(f.ParentCodes) > 0 {
		q = q.Where("u.parent_id IN (SELECT p.id FROM admin_units AS p WHERE p.code IN (?))", bun.List(f.ParentCodes))
	}
	if len(f.ProvinceCodes) > 0 {
		q = q.Where(`(u.parent_id IN (SELECT p.id FROM admin_units AS p WHERE p.level = 'PROVINCE' AND p.code IN (?))
			OR u.parent_id IN (SELECT d.id FROM admin_units AS d JOIN admin_units AS p ON p.id = d.parent_id
				WHERE d.level = 'DISTRICT' AND p.code IN (?)))`, bun.List(f.ProvinceCodes), bun.List(f.ProvinceCodes))
	}
	return q
}

// Get returns the unit of the level with the code. With asOf, the unit valid on that date; without,
// the latest one (the unit valid today). A code with no unit on asOf is NotFound, and the message
// says when asOf is before every unit.
func (s *Store) Get(ctx context.Context, level Level, code string, asOf *civil.Date) (*Unit, error) {
	const op = "adminunit: get"
	u := new(Unit)
	q := s.db.NewSelect().Model(u).Where("level = ?", level).Where("code = ?", code)
	if asOf != nil {
		q = q.Where("valid_from <= ?", *asOf).Where("(valid_to IS NULL OR valid_to >= ?)", *asOf)
	}
	err := q.OrderExpr("valid_from DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		if asOf != nil {
			// Not found either way (callers try other dates on NotFound), but say why when the date
			// is before every unit.
			if earliest, err := s.Earliest(ctx); err == nil && CheckAsOf("asOf", *asOf, earliest) != nil {
				return nil, errs.E(op, errs.NotFound, errs.Msg(errs.Message(CheckAsOf("asOf", *asOf, earliest))))
			}
			return nil, errs.E(op, errs.NotFound, errs.Msgf("Không có đơn vị hành chính mã %s vào ngày %s.", code, asOf))
		}
		return nil, errs.E(op, errs.NotFound, errs.Msgf("Không có đơn vị hành chính mã %s.", code))
	}
	if err != nil {
		return nil, errs.E(op, err)
	}
	return u, nil
}

// ByIDs returns the units with the IDs, by ID; IDs with no unit are absent from the map.
func (s *Store) ByIDs(ctx context.Context, ids []int64) (map[int64]*Unit, error) {
	var units []*Unit
	if err := s.db.NewSelect().Model(&units).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, errs.E("adminunit: by ids", err)
	}
	byID := make(map[int64]*Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	return byID, nil
}

// SuccessorIDs returns, for each unit ID asked, the IDs of the units it became: an empty list for a
// unit that is unchanged, so that a batching loader finds every ID it asked for.
func (s *Store) SuccessorIDs(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	var links []Successor
	if err := s.db.NewSelect().Model(&links).Where("unit_id IN (?)", bun.List(ids)).
		OrderExpr("unit_id, successor_id").Scan(ctx); err != nil {
		return nil, errs.E("adminunit: successors", err)
	}
	out := emptyLists(ids)
	for _, l := range links {
		out[l.UnitID] = append(out[l.UnitID], l.SuccessorID)
	}
	return out, nil
}

// PredecessorIDs returns, for each unit ID asked, the IDs of the units that became it: an empty
// list for a unit formed from none.
func (s *Store) PredecessorIDs(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	var links []Successor
	if err := s.db.NewSelect().Model(&links).Where("successor_id IN (?)", bun.List(ids)).
		OrderExpr("successor_id, unit_id").Scan(ctx); err != nil {
		return nil, errs.E("adminunit: predecessors", err)
	}
	out := emptyLists(ids)
	for _, l := range links {
		out[l.SuccessorID] = append(out[l.SuccessorID], l.UnitID)
	}
	return out, nil
}

// SameCodeIDs returns, for each unit ID asked, the IDs of the other units of its level with its code
// (of other periods: codes are reused after 2025), oldest first; an empty list when none.
func (s *Store) SameCodeIDs(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	var pairs []struct {
		UnitID  int64 `bun:"unit_id"`
		OtherID int64 `bun:"other_id"`
	}
	err := s.db.NewRaw(`SELECT u.id AS unit_id, o.id AS other_id FROM admin_units AS u
		JOIN admin_units AS o ON o.level = u.level AND o.code = u.code AND o.id <> u.id
		WHERE u.id IN (?) ORDER BY u.id, o.valid_from, o.id`, bun.List(ids)).Scan(ctx, &pairs)
	if err != nil {
		return nil, errs.E("adminunit: same code", err)
	}
	out := emptyLists(ids)
	for _, p := range pairs {
		out[p.UnitID] = append(out[p.UnitID], p.OtherID)
	}
	return out, nil
}

// emptyLists maps every ID to an empty (not nil) list.
func emptyLists(ids []int64) map[int64][]int64 {
	out := make(map[int64][]int64, len(ids))
	for _, id := range ids {
		out[id] = []int64{}
	}
	return out
}

// PageQuery asks for one page of units, by code and validity.
type PageQuery struct {
	Filter Filter
	Search string // in names, without diacritics
	First  int
	After  *page.Cursor
}

// Page returns one page of units matching q, and whether more follow.
func (s *Store) Page(ctx context.Context, q PageQuery) ([]*Unit, []string, bool, error) {
	const op = "adminunit: page"
	if err := s.checkFilter(ctx, q.Filter); err != nil {
		return nil, nil, false, err
	}
	var units []*Unit
	sel := s.filter(s.db.NewSelect().Model(&units), q.Filter)
	if q.After != nil {
		sel = sel.Where("u.id > ?", q.After.ID)
	}
	if q.Search != "" {
		// Names are public; matching without diacritics happens in Go over the small filtered set.
		if err := sel.OrderExpr("u.id").Scan(ctx); err != nil {
			return nil, nil, false, errs.E(op, err)
		}
		key := vntext.Fold(q.Search)
		kept := units[:0]
		for _, u := range units {
			if strings.Contains(vntext.Fold(u.Name), key) || u.Code == q.Search {
				kept = append(kept, u)
			}
		}
		units = kept
	} else if err := sel.OrderExpr("u.id").Limit(int64(q.First + 1)).Scan(ctx); err != nil {
		return nil, nil, false, errs.E(op, err)
	}
	more := len(units) > q.First
	if more {
		units = units[:q.First]
	}
	cursors := make([]string, len(units))
	for i, u := range units {
		cursors[i] = page.Cursor{ID: u.ID}.Encode()
	}
	return units, cursors, more, nil
}

// Count returns how many units match the filter.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	if err := s.checkFilter(ctx, f); err != nil {
		return 0, err
	}
	n, err := s.filter(s.db.NewSelect().Model((*Unit)(nil)), f).Count(ctx)
	if err != nil {
		return 0, errs.E("adminunit: count", err)
	}
	return int(n), nil
}

// WardCodesAmong returns those of the commune codes that name a unit (of any period) among ids: the
// codes of a filter that a ward officer of the wards ids may ask about. The order is unspecified.
func (s *Store) WardCodesAmong(ctx context.Context, codes []string, ids []int64) ([]string, error) {
	if len(codes) == 0 || len(ids) == 0 {
		return nil, nil
	}
	var found []string
	err := s.db.NewRaw("SELECT DISTINCT code FROM admin_units WHERE level = ? AND code IN (?) AND id IN (?)",
		string(Commune), bun.List(codes), bun.List(ids)).Scan(ctx, &found)
	if err != nil {
		return nil, errs.E("adminunit: ward codes among", err)
	}
	return found, nil
}
