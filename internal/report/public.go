package report

import (
	"context"

	"hotro/internal/auth"
	"hotro/internal/errs"
)

// DefaultMinCount is the smallest number of people or recipients a public figure may count.
const DefaultMinCount = 5

// PublicCell is a figure as the public sees it: its totals, or nothing when it counts so few
// people that they could be recognised (or when its value would let such a cell be worked out).
// See internal/release.
type PublicCell struct {
	Key
	Totals     *Totals // nil when suppressed
	Suppressed bool
}

// PublicResult is a stats answer for the public.
type PublicResult struct {
	Total    PublicCell
	Rows     []PublicCell
	MinCount int
}

// Publisher answers the public's stats questions: only from the release tables, with small cells
// and those that would give them away withheld (release.Publisher is the one).
type Publisher interface {
	Stats(ctx context.Context, q Query) (*PublicResult, error)
}

// arrangePublic orders public rows like Arrange, then keeps the first N: by key, withheld rows in
// their place; by a measure, withheld rows last (their values must not show through their rank).
func arrangePublic(res *PublicResult, q Query) {
	if res.Total.Totals != nil {
		// The measures the filter leaves without meaning (Arrange marks the rows'); a copy, as
		// the cell may be shared with the release tables.
		t := *res.Total.Totals
		t.Undefined = q.UndefinedMeasures()
		res.Total.Totals = &t
	}
	rows := make([]Row, len(res.Rows))
	for i, c := range res.Rows {
		rows[i].Key = c.Key
		if c.Totals != nil {
			rows[i].Totals = *c.Totals
		}
	}
	if q.Order == nil || q.Order.Field == ByKey {
		// In key order (time, codes) a withheld row keeps its place: its rank says nothing of
		// its value, and a timeline stays in order.
		all := &Result{Rows: rows}
		Arrange(all, q)
		suppressed := map[string]bool{}
		for _, c := range res.Rows {
			if c.Suppressed {
				suppressed[rowID(c.Key, q.GroupBy)] = true
			}
		}
		res.Rows = res.Rows[:0]
		for _, r := range all.Rows {
			if suppressed[rowID(r.Key, q.GroupBy)] {
				res.Rows = append(res.Rows, PublicCell{Key: r.Key, Suppressed: true})
				continue
			}
			t := r.Totals
			res.Rows = append(res.Rows, PublicCell{Key: r.Key, Totals: &t})
		}
		return
	}
	byKey := q
	if q.Order != nil && q.Order.Field != ByKey {
		// Withheld rows sort by key only, after the others.
		byKey.Order = &Order{Field: ByKey}
	}
	open := &Result{}
	closed := &Result{}
	for i, c := range res.Rows {
		if c.Suppressed {
			closed.Rows = append(closed.Rows, rows[i])
		} else {
			open.Rows = append(open.Rows, rows[i])
		}
	}
	noFirst := q
	noFirst.First = nil
	byKey.First = nil
	Arrange(open, noFirst)
	Arrange(closed, byKey)
	res.Rows = res.Rows[:0]
	for _, r := range open.Rows {
		t := r.Totals
		res.Rows = append(res.Rows, PublicCell{Key: r.Key, Totals: &t})
	}
	for _, r := range closed.Rows {
		res.Rows = append(res.Rows, PublicCell{Key: r.Key, Suppressed: true})
	}
	if q.First != nil && *q.First < len(res.Rows) {
		res.Rows = res.Rows[:*q.First]
	}
}

// rowID names a row by its grouping values.
func rowID(k Key, dims []Dimension) string {
	id := ""
	for _, d := range dims {
		id += sortKeyOf(d, k) + "|"
	}
	return id
}

// refuseAnonymous keeps raw stats from callers who have not signed in: they get PublicStats.
func refuseAnonymous(id *auth.Identity) error {
	if !id.SignedIn() {
		return errs.E("report: stats", errs.Unauthorized, errs.Msg("Khách chưa đăng nhập chỉ xem được số liệu công khai (publicStats)."))
	}
	return nil
}

// ArrangePublic orders public rows like Arrange, then keeps the first N: by key, withheld rows in
// their place; by a measure, withheld rows last (their values must not show through their rank).
func ArrangePublic(res *PublicResult, q Query) { arrangePublic(res, q) }
