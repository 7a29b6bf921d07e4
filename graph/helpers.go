package graph

import (
	"context"
	"strconv"

	"hotro/internal/adminunit"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/page"
)

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// loadIf loads the ID, or returns nil for the zero ID (a dimension not grouped by).
func loadIf[T any](ctx context.Context, load func(context.Context, int64) (*T, error), id int64) (*T, error) {
	if id == 0 {
		return nil, nil
	}
	return load(ctx, id)
}

// provinceOf walks up from a ward or district to its province.
func provinceOf(ctx context.Context, u *adminunit.Unit) (*adminunit.Unit, error) {
	for u.Level != adminunit.Province {
		if u.ParentID == nil {
			return nil, nil
		}
		parent, err := loaders(ctx).Unit.Load(ctx, *u.ParentID)
		if err != nil {
			return nil, err
		}
		u = parent
	}
	return u, nil
}

// parseID reads an ID argument.
func parseID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.E("graph: id", errs.Invalid, errs.Msgf("Mã định danh %q không hợp lệ.", id))
	}
	return n, nil
}

// pageArgs reads first and after.
func pageArgs(first *int, after *string) (int, *page.Cursor, error) {
	size, err := page.Size(first)
	if err != nil {
		return 0, nil, err
	}
	cursor, err := page.Decode(after)
	return size, cursor, err
}

// jsonText returns stored JSON as text, or nil.
func jsonText(b []byte) *string {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	s := string(b)
	return &s
}

// lines lists payment lines as a connection.
func (r *Resolver) lines(ctx context.Context, q disbursement.ListQuery, first *int, after *string) (*DisbursementConnection, error) {
	size, cursor, err := pageArgs(first, after)
	if err != nil {
		return nil, err
	}
	q.First, q.After = size, cursor
	p, err := r.Lines.List(ctx, q)
	if err != nil {
		return nil, err
	}
	conn := &DisbursementConnection{PageInfo: pageInfo(p.Cursors, p.HasNext, cursor != nil),
		count: func(ctx context.Context) (int, error) { return r.Lines.Count(ctx, q) }}
	for i, l := range p.Lines {
		conn.Edges = append(conn.Edges, &DisbursementEdge{Cursor: p.Cursors[i], Node: l})
	}
	return conn, nil
}
