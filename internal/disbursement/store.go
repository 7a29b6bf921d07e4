package disbursement

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/errs"
)

// Facts are what aggregates need to know of one payment line.
type Facts struct {
	ID            int64
	BeneficiaryID int64
	PersonBase    int64 // the recipient's first person ID; it covers People persons from there
	People        int
	ProgramID     int64
	GroupID       int64
	FundID        int64
	WardID        int64
	Status        Status
	Channel       *Channel
	PaidOn        *civil.Date
	Amount        int64
}

// Change is one line before and after a write: Before is nil for a new line.
type Change struct {
	Before, After *Facts
}

// Observer is told of every change to payment lines inside the transaction that makes it, so that
// aggregates kept beside the lines change with them, or not at all.
type Observer interface {
	LinesChanged(ctx context.Context, tx bun.IDB, changes []Change) error
}

// Store writes payment lines and tells its observer.
type Store struct {
	db       bun.IDB
	observer Observer
}

// NewStore returns a Store over db (a transaction for writes); observer may be nil.
func NewStore(db bun.IDB, observer Observer) *Store { return &Store{db: db, observer: observer} }

// Insert adds new lines and sets their IDs. Their recipients must exist.
func (s *Store) Insert(ctx context.Context, lines []*Disbursement) error {
	const op = "disbursement: insert"
	const chunk = 1000
	for i := 0; i < len(lines); i += chunk {
		part := lines[i:min(i+chunk, len(lines))]
		if _, err := s.db.NewInsert().Model(&part).Returning("id").Exec(ctx); err != nil {
			return errs.E(op, err)
		}
	}
	if s.observer == nil {
		return nil
	}
	facts, err := s.FactsOf(ctx, lines)
	if err != nil {
		return errs.E(op, err)
	}
	changes := make([]Change, len(facts))
	for i, f := range facts {
		changes[i] = Change{After: f}
	}
	if err := s.observer.LinesChanged(ctx, s.db, changes); err != nil {
		return errs.E(op, err)
	}
	return nil
}

// FactsOf returns the facts of lines, reading their recipients' person IDs.
func (s *Store) FactsOf(ctx context.Context, lines []*Disbursement) ([]*Facts, error) {
	ids := make([]int64, 0, len(lines))
	for _, l := range lines {
		ids = append(ids, l.BeneficiaryID)
	}
	bases := make(map[int64]int64, len(ids))
	const chunk = 5000
	for i := 0; i < len(ids); i += chunk {
		var rows []struct {
			ID         int64 `bun:"id"`
			PersonBase int64 `bun:"person_base"`
		}
		if err := s.db.NewSelect().Table("beneficiaries").Column("id", "person_base").
			Where("id IN (?)", bun.List(ids[i:min(i+chunk, len(ids))])).Scan(ctx, &rows); err != nil {
			return nil, errs.E("disbursement: facts", err)
		}
		for _, r := range rows {
			bases[r.ID] = r.PersonBase
		}
	}
	out := make([]*Facts, len(lines))
	for i, l := range lines {
		out[i] = l.Facts(bases[l.BeneficiaryID])
	}
	return out, nil
}

// Facts returns what aggregates need of the line, given its recipient's first person ID.
func (d *Disbursement) Facts(personBase int64) *Facts {
	return &Facts{
		ID: d.ID, BeneficiaryID: d.BeneficiaryID, PersonBase: personBase, People: d.PeopleCovered,
		ProgramID: d.ProgramID, GroupID: d.GroupID, FundID: d.FundID, WardID: d.WardID,
		Status: d.Status, Channel: d.Channel, PaidOn: d.PaidOn, Amount: d.Amount,
	}
}
