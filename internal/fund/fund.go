// Package fund holds the sources of money for a program (central, provincial and city budgets, the
// social-policy bank) with what each allocated.
package fund

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"hotro/internal/errs"
)

// Source is where a fund's money comes from.
type Source string

// The sources.
const (
	Central          Source = "CENTRAL"
	Provincial       Source = "PROVINCIAL"
	City             Source = "CITY"
	SocialPolicyBank Source = "SOCIAL_POLICY_BANK"
)

// Fund is one source of money for one program, with its allocation.
type Fund struct {
	bun.BaseModel `bun:"table:funds,alias:f"`

	ID              int64  `bun:"id,pk,autoincrement"`
	ProgramID       int64  `bun:"program_id,notnull"`
	Code            string `bun:"code,notnull"`
	Name            string `bun:"name,notnull"`
	NameEn          string `bun:"name_en,notnull"`
	Source          Source `bun:"source,notnull"`
	Allocated       int64  `bun:"allocated,notnull"`
	AllocationBasis string `bun:"allocation_basis,notnull"`
}

// Store reads and writes funds.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db (a database or a transaction).
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// Upsert inserts the fund or updates the one with the same program and code, and sets f.ID.
func (s *Store) Upsert(ctx context.Context, f *Fund) error {
	_, err := s.db.NewInsert().Model(f).
		On("CONFLICT (program_id, code) DO UPDATE").
		Set("name = EXCLUDED.name").Set("name_en = EXCLUDED.name_en").
		Set("source = EXCLUDED.source").Set("allocated = EXCLUDED.allocated").
		Set("allocation_basis = EXCLUDED.allocation_basis").
		Returning("id").Exec(ctx)
	if err != nil {
		return errs.E("fund: upsert", err)
	}
	return nil
}

// List returns the funds of the program with the code, or every fund when code is "".
func (s *Store) List(ctx context.Context, programCode string) ([]*Fund, error) {
	var fs []*Fund
	q := s.db.NewSelect().Model(&fs).OrderExpr("program_id, id")
	if programCode != "" {
		var n int
		if err := s.db.NewSelect().Table("programs").ColumnExpr("count(*)").Where("code = ?", programCode).Scan(ctx, &n); err != nil {
			return nil, errs.E("fund: list", err)
		}
		if n == 0 {
			return nil, errs.E("fund: list", errs.NotFound, errs.Msgf("Không có chương trình %s.", programCode))
		}
		q = q.Where("program_id = (SELECT id FROM programs WHERE code = ?)", programCode)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, errs.E("fund: list", err)
	}
	return fs, nil
}

// Get returns the fund of the program with the code.
func (s *Store) Get(ctx context.Context, programID int64, code string) (*Fund, error) {
	f := new(Fund)
	err := s.db.NewSelect().Model(f).Where("program_id = ?", programID).Where("code = ?", code).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E("fund: get", errs.NotFound, errs.Msgf("Không có nguồn kinh phí %s.", code))
	}
	if err != nil {
		return nil, errs.E("fund: get", err)
	}
	return f, nil
}

// ByIDs returns funds by ID; IDs with no fund are absent from the map.
func (s *Store) ByIDs(ctx context.Context, ids []int64) (map[int64]*Fund, error) {
	var fs []*Fund
	if err := s.db.NewSelect().Model(&fs).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, errs.E("fund: by ids", err)
	}
	out := make(map[int64]*Fund, len(fs))
	for _, f := range fs {
		out[f.ID] = f
	}
	return out, nil
}
