// Package workqueue answers "what waits for me": the imported lists and lines waiting for a step
// the signed-in caller's role takes, by ward, oldest first, with how long they have waited.
package workqueue

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/intake"
)

// Item is what waits in one place: the lines of one list (or, for lines that came without a list,
// of one ward and group) that stand in one status.
type Item struct {
	WardID  int64
	GroupID int64
	// Batch is the imported list, nil for lines without one.
	Batch *intake.BatchSummary
	// Step is the step of the caller's role that the lines wait for; empty for returned lines,
	// which wait to be corrected.
	Step   disbursement.Step
	Status disbursement.Status
	Lines  int
	Amount int64
	// Since is the date of the step that put the oldest of the lines here (listing, posting,
	// appraisal, decision; for returned lines the day the return was recorded); WaitingDays the
	// days from it to today.
	Since       civil.Date
	WaitingDays int
}

// Queue is the caller's queue: Items wait for one of their steps, oldest first (at most First of
// them); Returned are the returned lines of their wards, oldest first.
type Queue struct {
	Items    []*Item
	Returned []*Item
	// TotalCount counts the items waiting for a step, on every page; Lines their lines.
	TotalCount int
	Lines      int
}

// Query narrows the queue.
type Query struct {
	Wards []string // official codes; empty for every ward the caller may see
	First int      // at most this many items, and as many returned ones (0: only the count)
}

// Service computes queues over the database.
type Service struct {
	db      bun.IDB
	batches *intake.Service
	now     func() time.Time
}

// New returns a Service over db; batches describes the lists; now nil means time.Now.
func New(db bun.IDB, batches *intake.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, batches: batches, now: now}
}

// forward are the steps that move a line on towards the money; a line waits for one of them.
var forward = []disbursement.Step{disbursement.Post, disbursement.Appraise, disbursement.Approve, disbursement.Pay}

// Waits returns, for the role, the statuses whose lines wait for one of its forward steps and
// which step; and whether the role corrects returned lines (it may take the RETURN step). Both come
// from disbursement.Rules.
func Waits(role auth.Role) (map[disbursement.Status]disbursement.Step, bool) {
	waits := map[disbursement.Status]disbursement.Step{}
	for _, step := range forward {
		for _, st := range disbursement.StepFromFor(step, role) {
			if _, ok := waits[st]; !ok {
				waits[st] = step
			}
		}
	}
	return waits, len(disbursement.StepFromFor(disbursement.Return, role)) > 0
}

// group is one row of the grouped query.
type group struct {
	BatchID  *int64              `bun:"batch_id"`
	WardID   int64               `bun:"ward_id"`
	GroupID  int64               `bun:"group_id"`
	Status   disbursement.Status `bun:"status"`
	Lines    int                 `bun:"lines"`
	Amount   int64               `bun:"amount"`
	SinceOn  *civil.Date         `bun:"since_on"`
	Recorded *time.Time          `bun:"recorded"`
}

// Of returns the caller's queue. A ward officer sees only their wards. Errors: Unauthorized for a
// visitor; Permission for a ward outside the officer's wards; Invalid for an unknown ward code. A
// role that takes no step (an analyst) has an empty queue.
func (s *Service) Of(ctx context.Context, q Query) (*Queue, error) {
	const op = "workqueue: of"
	id := auth.FromContext(ctx)
	if !id.SignedIn() {
		return nil, errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập."))
	}
	if err := auth.CheckWardCodes(ctx, s.db, id, q.Wards); err != nil {
		return nil, errs.E(op, err)
	}
	waits, corrects := Waits(id.Role)
	statuses := make([]disbursement.Status, 0, len(waits)+1)
	for _, st := range disbursement.Statuses {
		if _, ok := waits[st]; ok || (corrects && st == disbursement.Returned) {
			statuses = append(statuses, st)
		}
	}
	out := &Queue{Items: []*Item{}, Returned: []*Item{}}
	if len(statuses) == 0 {
		return out, nil
	}
	var rows []group
	// One grouped read: each list's (or, without one, each ward and group's) lines by status, with
	// the date of the step that put the oldest line there.
	sel := s.db.NewSelect().TableExpr("disbursements AS d").
		ColumnExpr("d.batch_id, d.ward_id, d.group_id, d.status, count(*) AS lines, sum(d.amount) AS amount").
		ColumnExpr("min(CASE d.status WHEN 'LISTED' THEN d.listed_on WHEN 'POSTED' THEN d.posted_on "+
			"WHEN 'APPRAISED' THEN d.appraised_on WHEN 'APPROVED' THEN d.approved_on END) AS since_on").
		ColumnExpr("min(d.updated_at) AS recorded").
		Where("d.status IN (?)", bun.List(statuses)).
		GroupExpr("d.batch_id, d.ward_id, d.group_id, d.status")
	if len(q.Wards) > 0 {
		sel = sel.Where("d.ward_id IN (SELECT id FROM admin_units WHERE code IN (?))", bun.List(q.Wards))
	}
	if scope := id.ScopeWardIDs(); scope != nil {
		sel = sel.Where("d.ward_id IN (?)", bun.List(append([]int64{0}, scope...)))
	}
	if err := sel.Scan(ctx, &rows); err != nil {
		return nil, errs.E(op, err)
	}
	today := civil.Of(s.now())
	for _, r := range rows {
		it := &Item{WardID: r.WardID, GroupID: r.GroupID, Status: r.Status, Lines: r.Lines, Amount: r.Amount}
		if r.BatchID != nil {
			it.Batch = &intake.BatchSummary{ID: *r.BatchID}
		}
		switch {
		case r.SinceOn != nil:
			it.Since = *r.SinceOn
		case r.Recorded != nil:
			it.Since = civil.Of(*r.Recorded)
		default:
			it.Since = today
		}
		it.WaitingDays = max(0, daysBetween(it.Since, today))
		if step, ok := waits[r.Status]; ok {
			it.Step = step
			out.Items = append(out.Items, it)
			out.TotalCount++
			out.Lines += it.Lines
		} else {
			out.Returned = append(out.Returned, it)
		}
	}
	oldest := func(a, b *Item) int {
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		if c := cmp.Compare(a.WardID, b.WardID); c != 0 {
			return c
		}
		return cmp.Compare(batchID(a), batchID(b))
	}
	slices.SortFunc(out.Items, oldest)
	slices.SortFunc(out.Returned, oldest)
	first := max(q.First, 0)
	out.Items = out.Items[:min(len(out.Items), first)]
	out.Returned = out.Returned[:min(len(out.Returned), first)]
	if err := s.describe(ctx, append(slices.Clone(out.Items), out.Returned...)); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// describe fills in the lists of the items from one read of the lists' summaries.
func (s *Service) describe(ctx context.Context, items []*Item) error {
	var ids []int64
	for _, it := range items {
		if it.Batch != nil {
			ids = append(ids, it.Batch.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	batches, err := s.batches.Batches(ctx, intake.BatchQuery{IDs: ids, First: len(ids)})
	if err != nil {
		return err
	}
	byID := make(map[int64]*intake.BatchSummary, len(batches))
	for _, b := range batches {
		byID[b.ID] = b
	}
	for _, it := range items {
		if it.Batch == nil {
			continue
		}
		b, ok := byID[it.Batch.ID]
		if !ok {
			return errs.E("workqueue: describe", errs.Internal, errs.Msgf("list %d not found", it.Batch.ID))
		}
		it.Batch = b
	}
	return nil
}

func batchID(it *Item) int64 {
	if it.Batch == nil {
		return 0
	}
	return it.Batch.ID
}

// daysBetween counts the days from one date to another.
func daysBetween(from, to civil.Date) int {
	return int(to.Time().Sub(from.Time()).Hours() / 24)
}
