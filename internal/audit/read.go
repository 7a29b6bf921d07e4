package audit

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/page"
)

// Filter selects audit events. Dates are calendar days in Asia/Ho_Chi_Minh, both included.
type Filter struct {
	Wards    []string // official ward codes
	Actors   []string
	Actions  []string
	Entity   string
	EntityID string
	From, To *civil.Date
}

// ListQuery asks for one page of events, newest first.
type ListQuery struct {
	Filter Filter
	First  int
	After  *page.Cursor
}

// Page is one page of events.
type Page struct {
	Events  []*Event
	Cursors []string
	HasNext bool
}

// List returns events for an admin, newest first.
func (s *Store) List(ctx context.Context, q ListQuery) (*Page, error) {
	const op = "audit: list"
	if err := auth.FromContext(ctx).CanAudit(); err != nil {
		return nil, err
	}
	var events []*Event
	sel, err := s.filtered(s.db.NewSelect().Model(&events), q.Filter)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if q.After != nil {
		sel = sel.Where("e.id < ?", q.After.ID)
	}
	if err := sel.OrderExpr("e.id DESC").Limit(int64(q.First + 1)).Scan(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	p := &Page{HasNext: len(events) > q.First}
	if p.HasNext {
		events = events[:q.First]
	}
	p.Events = events
	for _, e := range events {
		p.Cursors = append(p.Cursors, page.Cursor{ID: e.ID}.Encode())
	}
	return p, nil
}

// Count returns how many events match, for an admin.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	if err := auth.FromContext(ctx).CanAudit(); err != nil {
		return 0, err
	}
	sel, err := s.filtered(s.db.NewSelect().Model((*Event)(nil)), f)
	if err != nil {
		return 0, errs.E("audit: count", err)
	}
	n, err := sel.Count(ctx)
	return int(n), err
}

func (s *Store) filtered(q *bun.SelectQuery, f Filter) (*bun.SelectQuery, error) {
	if len(f.Wards) > 0 {
		q = q.Where("e.ward_id IN (SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code IN (?))", bun.List(f.Wards))
	}
	if len(f.Actors) > 0 {
		q = q.Where("e.actor IN (?)", bun.List(f.Actors))
	}
	if len(f.Actions) > 0 {
		q = q.Where("e.action IN (?)", bun.List(f.Actions))
	}
	if f.Entity != "" {
		q = q.Where("e.entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		q = q.Where("e.entity_id = ?", f.EntityID)
	}
	if f.From != nil && f.To != nil && f.From.After(*f.To) {
		return nil, errs.E("audit: filter", errs.Invalid, errs.Msg("from phải trước hoặc bằng to."))
	}
	if f.From != nil {
		q = q.Where("e.at >= ?", time.Date(f.From.Year, f.From.Month, f.From.Day, 0, 0, 0, 0, civil.Location).UTC())
	}
	if f.To != nil {
		next := f.To.AddDays(1)
		q = q.Where("e.at < ?", time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, civil.Location).UTC())
	}
	return q, nil
}
