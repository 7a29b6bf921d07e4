package intake

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
)

// BatchSummary is one imported list with its lines by status now.
type BatchSummary struct {
	ID        int64
	ProgramID int64
	GroupID   int64
	WardID    int64
	WardCode  string
	FileName  string
	Rows      int
	CreatedBy string
	CreatedAt time.Time
	Statuses  []StatusCount
	// ListedOn is the latest listing date of its lines; LastStepOn the latest date of a step taken
	// on them since (posting, appraisal, decision, payment), nil when none: the date a step on the
	// list most likely continues from.
	ListedOn   civil.Date
	LastStepOn *civil.Date
}

// StatusCount is how many of a list's lines are in a status, and their amount.
type StatusCount struct {
	Status disbursement.Status
	Lines  int
	Amount int64
}

// BatchQuery selects imported lists.
type BatchQuery struct {
	Wards  []string // official codes
	Groups []string
	IDs    []int64
	First  int
}

// Batches lists imported lists, newest first, for signed-in callers; a ward officer sees only the
// lists of their wards.
func (s *Service) Batches(ctx context.Context, q BatchQuery) ([]*BatchSummary, error) {
	const op = "intake: batches"
	id := auth.FromContext(ctx)
	if err := id.CanList(); err != nil {
		return nil, err
	}
	if err := auth.CheckWardCodes(ctx, s.db, id, q.Wards); err != nil {
		return nil, err
	}
	var out []*BatchSummary
	sel := s.db.NewSelect().TableExpr("import_batches AS ib").Join("JOIN admin_units AS w ON w.id = ib.ward_id").
		ColumnExpr("ib.id, ib.program_id, ib.group_id, ib.ward_id, w.code AS ward_code, ib.file_name, ib.row_count AS rows, ib.created_by, ib.created_at")
	if len(q.Wards) > 0 {
		sel = sel.Where("w.code IN (?)", bun.List(q.Wards))
	}
	if len(q.Groups) > 0 {
		upper := make([]string, len(q.Groups))
		for i, g := range q.Groups {
			upper[i] = strings.ToUpper(g)
		}
		sel = sel.Where("ib.group_id IN (SELECT id FROM beneficiary_groups WHERE code IN (?))", bun.List(upper))
	}
	if len(q.IDs) > 0 {
		sel = sel.Where("ib.id IN (?)", bun.List(q.IDs))
	}
	if scope := id.ScopeWardIDs(); scope != nil {
		sel = sel.Where("ib.ward_id IN (?)", bun.List(append([]int64{0}, scope...)))
	}
	if err := sel.OrderExpr("ib.id DESC").Limit(int64(q.First)).Scan(ctx, &out); err != nil {
		return nil, errs.E(op, err)
	}
	if len(out) == 0 {
		return out, nil
	}
	byID := map[int64]*BatchSummary{}
	ids := make([]int64, len(out))
	for i, b := range out {
		byID[b.ID], ids[i] = b, b.ID
	}
	var counts []struct {
		BatchID int64               `bun:"batch_id"`
		Status  disbursement.Status `bun:"status"`
		Lines   int                 `bun:"lines"`
		Amount  int64               `bun:"amount"`
	}
	if err := s.db.NewSelect().TableExpr("disbursements AS d").
		ColumnExpr("d.batch_id, d.status, count(*) AS lines, sum(d.amount) AS amount").
		Where("d.batch_id IN (?)", bun.List(ids)).GroupExpr("d.batch_id, d.status").Scan(ctx, &counts); err != nil {
		return nil, errs.E(op, err)
	}
	var dates []struct {
		BatchID     int64       `bun:"batch_id"`
		ListedOn    civil.Date  `bun:"listed_on"`
		PostedOn    *civil.Date `bun:"posted_on"`
		AppraisedOn *civil.Date `bun:"appraised_on"`
		ApprovedOn  *civil.Date `bun:"approved_on"`
		PaidOn      *civil.Date `bun:"paid_on"`
	}
	if err := s.db.NewSelect().TableExpr("disbursements AS d").
		ColumnExpr("d.batch_id, max(d.listed_on) AS listed_on, max(d.posted_on) AS posted_on, max(d.appraised_on) AS appraised_on").
		ColumnExpr("max(d.approved_on) AS approved_on, max(d.paid_on) AS paid_on").
		Where("d.batch_id IN (?)", bun.List(ids)).GroupExpr("d.batch_id").Scan(ctx, &dates); err != nil {
		return nil, errs.E(op, err)
	}
	for _, d := range dates {
		b := byID[d.BatchID]
		b.ListedOn = d.ListedOn
		for _, on := range []*civil.Date{d.PostedOn, d.AppraisedOn, d.ApprovedOn, d.PaidOn} {
			if on != nil && (b.LastStepOn == nil || on.After(*b.LastStepOn)) {
				b.LastStepOn = on
			}
		}
	}
	for _, st := range disbursement.Statuses {
		for _, c := range counts {
			if c.Status == st {
				b := byID[c.BatchID]
				b.Statuses = append(b.Statuses, StatusCount{Status: c.Status, Lines: c.Lines, Amount: c.Amount})
			}
		}
	}
	return out, nil
}

// Batch returns one imported list, if the caller may see it.
func (s *Service) Batch(ctx context.Context, batchID int64) (*BatchSummary, error) {
	found, err := s.Batches(ctx, BatchQuery{IDs: []int64{batchID}, First: 1})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, errs.E("intake: batch", errs.NotFound, errs.Msgf("Không tìm thấy lô nhập %d.", batchID))
	}
	return found[0], nil
}
