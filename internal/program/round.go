package program

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/errs"
)

// Round is a payment round (đợt chi trả) of a program: the groups it pays, and when.
//
// A payment line belongs to the round of its group: a group is in at most one round (the database
// holds it to that), so the round of a line follows from its group, needs no column of its own, and
// stats by round are exact from anything kept by group. PaidFrom and PaidTo say when the round was
// to be paid; they describe the round and do not decide which lines are in it.
type Round struct {
	bun.BaseModel `bun:"table:payment_rounds,alias:pr"`

	ID        int64       `bun:"id,pk,autoincrement"`
	ProgramID int64       `bun:"program_id,notnull"`
	Code      string      `bun:"code,notnull"`
	Name      string      `bun:"name,notnull"`
	NameEn    string      `bun:"name_en,notnull"`
	Seq       int         `bun:"seq,notnull"` // 1 for the first round of the program
	PaidFrom  *civil.Date `bun:"paid_from"`
	PaidTo    *civil.Date `bun:"paid_to"`
	Decision  string      `bun:"decision,notnull"` // the decision that ordered it, if known
	Source    string      `bun:"source,notnull"`   // where the round's facts come from
}

// RoundGroup puts a group in a round.
type RoundGroup struct {
	bun.BaseModel `bun:"table:payment_round_groups,alias:prg"`

	RoundID   int64 `bun:"round_id,pk"`
	ProgramID int64 `bun:"program_id,notnull"`
	GroupID   int64 `bun:"group_id,pk"`
}

// UpsertRound inserts the round or updates the one with the same code, sets r.ID, and makes
// groupIDs (groups of r's program) its groups, in one statement each: call it in a transaction.
// A group already in another round is refused.
func (s *Store) UpsertRound(ctx context.Context, r *Round, groupIDs []int64) error {
	const op = "program: upsert round"
	if r.PaidFrom != nil && r.PaidTo != nil && r.PaidFrom.After(*r.PaidTo) {
		return errs.E(op, errs.Invalid, errs.Msgf("Đợt %s: ngày bắt đầu chi (%s) sau ngày kết thúc (%s).", r.Code, r.PaidFrom, r.PaidTo))
	}
	_, err := s.db.NewInsert().Model(r).
		On("CONFLICT (code) DO UPDATE").
		Set("name = EXCLUDED.name").Set("name_en = EXCLUDED.name_en").Set("seq = EXCLUDED.seq").
		Set("paid_from = EXCLUDED.paid_from").Set("paid_to = EXCLUDED.paid_to").
		Set("decision = EXCLUDED.decision").Set("source = EXCLUDED.source").
		Returning("id").Exec(ctx)
	if err != nil {
		return errs.E(op, err)
	}
	var taken []RoundGroup
	if len(groupIDs) > 0 {
		if err := s.db.NewSelect().Model(&taken).
			Where("group_id IN (?) AND round_id <> ?", bun.List(groupIDs), r.ID).Scan(ctx); err != nil {
			return errs.E(op, err)
		}
	}
	if len(taken) > 0 {
		return errs.E(op, errs.Conflict, errs.Msgf("Đợt %s: nhóm đối tượng (id %d) đã thuộc một đợt chi trả khác; mỗi nhóm chỉ thuộc một đợt.", r.Code, taken[0].GroupID))
	}
	if _, err := s.db.NewDelete().Model((*RoundGroup)(nil)).Where("round_id = ?", r.ID).Exec(ctx); err != nil {
		return errs.E(op, err)
	}
	if len(groupIDs) == 0 {
		return nil
	}
	links := make([]RoundGroup, len(groupIDs))
	for i, g := range groupIDs {
		links[i] = RoundGroup{RoundID: r.ID, ProgramID: r.ProgramID, GroupID: g}
	}
	if _, err := s.db.NewInsert().Model(&links).Exec(ctx); err != nil {
		return errs.E(op, err)
	}
	return nil
}

// RoundsByIDs returns rounds by ID; IDs with no round are absent from the map.
func (s *Store) RoundsByIDs(ctx context.Context, ids []int64) (map[int64]*Round, error) {
	var rs []*Round
	if err := s.db.NewSelect().Model(&rs).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, errs.E("program: rounds by ids", err)
	}
	out := make(map[int64]*Round, len(rs))
	for _, r := range rs {
		out[r.ID] = r
	}
	return out, nil
}

// Rounds lists the rounds of the program with the ID, first round first.
func (s *Store) Rounds(ctx context.Context, programID int64) ([]*Round, error) {
	var rs []*Round
	if err := s.db.NewSelect().Model(&rs).Where("program_id = ?", programID).Order("seq").Scan(ctx); err != nil {
		return nil, errs.E("program: rounds", err)
	}
	return rs, nil
}

// RoundGroups returns the groups of the round with the ID, in the order they were defined.
func (s *Store) RoundGroups(ctx context.Context, roundID int64) ([]*Group, error) {
	var gs []*Group
	if err := s.db.NewSelect().Model(&gs).
		Where("g.id IN (SELECT group_id FROM payment_round_groups WHERE round_id = ?)", roundID).
		OrderExpr("g.id").Scan(ctx); err != nil {
		return nil, errs.E("program: round groups", err)
	}
	return gs, nil
}
