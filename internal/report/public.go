package report

import (
	"cmp"
	"context"

	"strings"

	"hotro/internal/auth"
	"hotro/internal/errs"
)

// DefaultMinCount is the smallest number of people or recipients a public figure may count.
const DefaultMinCount = 5

// PublicCell is a figure as the public sees it: its totals, or nothing when it counts so few
// people that they could be recognised (or when its value would let such a cell be worked out).
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

// PublicStats answers q for anyone, with small cells suppressed: a cell counting fewer than
// minCount people or recipients is withheld, and enough other cells with it that it cannot be
// recovered from the total and the cells beside it.
func PublicStats(ctx context.Context, e Engine, q Query, minCount int) (*PublicResult, error) {
	if minCount < 1 {
		minCount = DefaultMinCount
	}
	first := q.First
	q.First = nil
	res, err := e.Stats(auth.WithIdentity(ctx, publicReader), q)
	if err != nil {
		return nil, err
	}
	out := Suppress(res, q.GroupBy, minCount)
	q.First = first
	arrangePublic(out, q)
	return out, nil
}

// publicReader is the identity public aggregates are computed as: every ward, no personal data.
var publicReader = &auth.Identity{Role: auth.Analyst, Username: "public-aggregates"}

// sensitive reports whether the totals count a few people: fewer than k persons or recipients
// paid, or, for lines not paid yet, fewer than k lines.
func sensitive(t Totals, k int) bool {
	small := func(n int64) bool { return n > 0 && n < int64(k) }
	return small(t.PeopleSupported) || small(t.Beneficiaries) || (t.Beneficiaries == 0 && small(t.Disbursements))
}

// Suppress withholds the sensitive cells of res, then the complementary cells: in every slice of
// rows that differ in one dimension only (whose sum another query could give), and in the rows
// as a whole (whose sum is the total), a lone withheld cell is joined by the smallest other one,
// until no withheld value can be found by subtraction. If the total itself is sensitive, nothing
// is shown.
func Suppress(res *Result, dims []Dimension, k int) *PublicResult {
	out := &PublicResult{MinCount: k, Total: PublicCell{Totals: &res.Total}}
	out.Rows = make([]PublicCell, len(res.Rows))
	suppressed := make([]bool, len(res.Rows))
	for i, r := range res.Rows {
		suppressed[i] = sensitive(r.Totals, k)
	}
	if sensitive(res.Total, k) {
		out.Total = PublicCell{Suppressed: true}
		for i := range suppressed {
			suppressed[i] = true
		}
	}
	// Slices: for each dimension, rows sharing every other grouping value; plus all rows at once.
	var slices [][]int
	if len(res.Rows) > 0 {
		all := make([]int, len(res.Rows))
		for i := range all {
			all[i] = i
		}
		slices = append(slices, all)
	}
	if len(dims) > 1 {
		for d := range dims {
			groups := map[string][]int{}
			for i, r := range res.Rows {
				key := sliceKey(r.Key, dims, d)
				groups[key] = append(groups[key], i)
			}
			for _, idx := range groups {
				slices = append(slices, idx)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, s := range slices {
			var lone, open []int
			for _, i := range s {
				if suppressed[i] {
					lone = append(lone, i)
				} else {
					open = append(open, i)
				}
			}
			if len(lone) != 1 || len(open) == 0 {
				continue
			}
			smallest := open[0]
			for _, i := range open[1:] {
				if less(res.Rows[i].Totals, res.Rows[smallest].Totals) {
					smallest = i
				}
			}
			suppressed[smallest] = true
			changed = true
		}
	}
	for i, r := range res.Rows {
		out.Rows[i] = PublicCell{Key: r.Key, Suppressed: suppressed[i]}
		if !suppressed[i] {
			t := r.Totals
			out.Rows[i].Totals = &t
		}
	}
	return out
}

func less(a, b Totals) bool {
	return cmp.Or(cmp.Compare(a.Beneficiaries, b.Beneficiaries), cmp.Compare(a.Disbursements, b.Disbursements), cmp.Compare(a.AmountListed, b.AmountListed)) < 0
}

// sliceKey is the row's grouping values without dimension skip.
func sliceKey(k Key, dims []Dimension, skip int) string {
	var b strings.Builder
	for d, dim := range dims {
		if d != skip {
			b.WriteString(sortKeyOf(dim, k))
			b.WriteByte('|')
		}
	}
	return b.String()
}

// arrangePublic orders public rows like Arrange, with withheld rows last (their values must not
// show through their rank), then keeps the first N.
func arrangePublic(res *PublicResult, q Query) {
	rows := make([]Row, len(res.Rows))
	for i, c := range res.Rows {
		rows[i].Key = c.Key
		if c.Totals != nil {
			rows[i].Totals = *c.Totals
		}
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

// refuseAnonymous keeps raw stats from callers who have not signed in: they get PublicStats.
func refuseAnonymous(id *auth.Identity) error {
	if !id.SignedIn() {
		return errs.E("report: stats", errs.Unauthorized, errs.Msg("Khách chưa đăng nhập chỉ xem được số liệu công khai (publicStats)."))
	}
	return nil
}
