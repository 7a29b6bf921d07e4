package report

// The Arrange of before its sort keys were compared without being written, kept to test that the
// answers stay the same.

import (
	"cmp"
	"fmt"
	"slices"
)

func arrangeBefore(res *Result, q Query) {
	finishMeasuresBefore(res, q)
	if bucketOf(q) != "" {
		seriesBefore(res, q)
	}
	if len(q.Having) > 0 {
		kept := res.Rows[:0:0]
		for _, r := range res.Rows {
			if passesAll(q.Having, r.Totals) {
				kept = append(kept, r)
			}
		}
		res.Rows = kept
	}
	order := Order{Field: ByKey}
	if q.Order != nil {
		order = *q.Order
	}
	var within []Dimension
	if q.FirstWithin != nil {
		within = q.FirstWithin.Dimensions
	}
	sortKeys := make([][]string, len(res.Rows))
	groupKeys := make([][]string, len(res.Rows))
	for i, r := range res.Rows {
		for _, d := range q.GroupBy {
			sortKeys[i] = append(sortKeys[i], sortKeyOf(d, r.Key))
		}
		for _, d := range within {
			groupKeys[i] = append(groupKeys[i], sortKeyOf(d, r.Key))
		}
	}
	idx := make([]int, len(res.Rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		if c := slices.Compare(groupKeys[i], groupKeys[j]); c != 0 {
			return c
		}
		a, b := res.Rows[i], res.Rows[j]
		c := 0
		if order.Field != ByKey {
			c = compareMeasure(a.Totals, b.Totals, Measure(order.Field), order.Desc)
			if c != 0 {
				return c
			}
		}
		c = slices.Compare(sortKeys[i], sortKeys[j])
		if order.Field == ByKey && order.Desc {
			c = -c
		}
		return c
	})
	sorted := make([]Row, 0, len(idx))
	rank := 0
	for n, i := range idx {
		if n == 0 || !slices.Equal(groupKeys[i], groupKeys[idx[n-1]]) {
			rank = 0
		}
		rank++
		if q.FirstWithin != nil && rank > q.FirstWithin.First {
			continue
		}
		r := res.Rows[i]
		r.Rank = rank
		sorted = append(sorted, r)
	}
	res.Rows = sorted
	if q.First != nil && *q.First < len(res.Rows) {
		res.Rows = res.Rows[:*q.First]
	}
}

// finishMeasures marks the undefined measures and sets the shares of the total.
func finishMeasuresBefore(res *Result, q Query) {
	res.Total.Undefined = q.UndefinedMeasures()
	res.Total.ShareOfTotal = shareOf(res.Total.AmountPaid, res.Total.AmountPaid)
	for i := range res.Rows {
		r := &res.Rows[i]
		r.Undefined = q.rowUndefined(*r)
		r.ShareOfTotal = shareOf(r.AmountPaid, res.Total.AmountPaid)
	}
}

// series sets the running totals and the previous period of every row of a time bucket, within
// its series: the rows that agree on every other dimension. Periods run from the answer's first
// to its last; a period of the series without lines counts as zero; the row of lines without the
// bucket's date has neither.
func seriesBefore(res *Result, q Query) {
	bucket := bucketOf(q)
	var first *Period
	for _, r := range res.Rows {
		if r.Period != nil && (first == nil || r.Period.Start.Before(first.Start)) {
			p := *r.Period
			first = &p
		}
	}
	bySeries := map[string][]int{}
	var names []string
	for i, r := range res.Rows {
		if r.Period == nil {
			continue
		}
		var parts []string
		for _, d := range q.GroupBy {
			if !d.IsTime() {
				parts = append(parts, sortKeyOf(d, r.Key))
			}
		}
		name := fmt.Sprint(parts)
		if _, ok := bySeries[name]; !ok {
			names = append(names, name)
		}
		bySeries[name] = append(bySeries[name], i)
	}
	for _, name := range names {
		idx := bySeries[name]
		slices.SortFunc(idx, func(i, j int) int {
			return cmp.Compare(res.Rows[i].Period.Start.String(), res.Rows[j].Period.Start.String())
		})
		var running Totals
		for n, i := range idx {
			r := &res.Rows[i]
			running.AmountPaid += r.AmountPaid
			running.AmountListed += r.AmountListed
			running.AmountApproved += r.AmountApproved
			running.AmountReturned += r.AmountReturned
			running.AmountCancelled += r.AmountCancelled
			running.Disbursements += r.Disbursements
			run := running
			run.Undefined = r.Undefined | additiveOnly
			r.Running = &run
			prevPeriod := PeriodOf(bucket, r.Period.Start.AddDays(-1))
			switch {
			case n > 0 && res.Rows[idx[n-1]].Period.Start == prevPeriod.Start:
				prev := res.Rows[idx[n-1]].Totals
				r.Previous = &prev
			case first != nil && !prevPeriod.Start.Before(first.Start):
				r.Previous = &Totals{Undefined: r.Undefined, DaysListedToPaid: emptyDays(r.DaysListedToPaid)}
			}
		}
	}
}
