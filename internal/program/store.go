package program

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"hotro/internal/errs"
)

// Store reads and writes programs and their groups.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db (a database or a transaction).
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// UpsertProgram inserts the program or updates the one with the same code, and sets p.ID.
func (s *Store) UpsertProgram(ctx context.Context, p *Program) error {
	_, err := s.db.NewInsert().Model(p).
		On("CONFLICT (code) DO UPDATE").
		Set("name = EXCLUDED.name").Set("name_en = EXCLUDED.name_en").
		Set("legal_basis = EXCLUDED.legal_basis").
		Set("applies_from = EXCLUDED.applies_from").Set("applies_to = EXCLUDED.applies_to").
		Set("overlap_note = EXCLUDED.overlap_note").
		Returning("id").Exec(ctx)
	if err != nil {
		return errs.E("program: upsert", err)
	}
	return nil
}

// UpsertGroup inserts the group or updates the one with the same program and code, and sets g.ID.
func (s *Store) UpsertGroup(ctx context.Context, g *Group) error {
	_, err := s.db.NewInsert().Model(g).
		On("CONFLICT (program_id, code) DO UPDATE").
		Set("name = EXCLUDED.name").Set("name_en = EXCLUDED.name_en").
		Set("short_name = EXCLUDED.short_name").Set("short_name_en = EXCLUDED.short_name_en").
		Set("support_unit = EXCLUDED.support_unit").Set("payment = EXCLUDED.payment").
		Set("monthly_amount = EXCLUDED.monthly_amount").Set("max_months = EXCLUDED.max_months").
		Set("one_time_amount = EXCLUDED.one_time_amount").
		Set("period_from = EXCLUDED.period_from").Set("period_to = EXCLUDED.period_to").
		Set("confidence = EXCLUDED.confidence").Set("note = EXCLUDED.note").
		Returning("id").Exec(ctx)
	if err != nil {
		return errs.E("program: upsert group", err)
	}
	return nil
}

// Programs lists every program by code.
func (s *Store) Programs(ctx context.Context) ([]*Program, error) {
	var ps []*Program
	if err := s.db.NewSelect().Model(&ps).Order("code").Scan(ctx); err != nil {
		return nil, errs.E("program: list", err)
	}
	return ps, nil
}

// Program returns the program with the code.
func (s *Store) Program(ctx context.Context, code string) (*Program, error) {
	p := new(Program)
	err := s.db.NewSelect().Model(p).Where("code = ?", code).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E("program: get", errs.NotFound, errs.Msgf("Không có chương trình %s.", code))
	}
	if err != nil {
		return nil, errs.E("program: get", err)
	}
	return p, nil
}

// Groups lists the groups of the program with the code, or of every program when code is "".
func (s *Store) Groups(ctx context.Context, programCode string) ([]*Group, error) {
	var gs []*Group
	q := s.db.NewSelect().Model(&gs).OrderExpr("g.program_id, g.id")
	if programCode != "" {
		if _, err := s.Program(ctx, programCode); err != nil {
			return nil, err
		}
		q = q.Where("g.program_id = (SELECT id FROM programs WHERE code = ?)", programCode)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, errs.E("program: groups", err)
	}
	return gs, nil
}

// ProgramsByIDs returns programs by ID; IDs with no programme are absent from the map.
func (s *Store) ProgramsByIDs(ctx context.Context, ids []int64) (map[int64]*Program, error) {
	var ps []*Program
	if err := s.db.NewSelect().Model(&ps).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, errs.E("program: by ids", err)
	}
	out := make(map[int64]*Program, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// GroupsByIDs returns groups by ID; IDs with no group are absent from the map.
func (s *Store) GroupsByIDs(ctx context.Context, ids []int64) (map[int64]*Group, error) {
	var gs []*Group
	if err := s.db.NewSelect().Model(&gs).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, errs.E("program: groups by ids", err)
	}
	out := make(map[int64]*Group, len(gs))
	for _, g := range gs {
		out[g.ID] = g
	}
	return out, nil
}
