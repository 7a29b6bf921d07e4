package report

import (
	"cmp"
	"fmt"
	"slices"

	"hotro/internal/beneficiary"
	"hotro/internal/disbursement"
)

// Arrange finishes the result the engines add up and lays its rows out as the query asks: it marks
// the measures the filter makes meaningless (Totals.Undefined), sets each row's share of the total,
// the running totals and previous period of a time bucket's series, keeps the rows that pass
// Having, sorts them (ties on a measure broken by key, so the order is always the same; with
// FirstWithin, by the group's key first), keeps the first N of each group, then the first N.
func Arrange(res *Result, q Query) {
	finishMeasures(res, q)
	if bucketOf(q) != "" {
		series(res, q)
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

// compareMeasure orders two totals by a measure; a measure without a value sorts last whatever
// the direction.
func compareMeasure(a, b Totals, m Measure, desc bool) int {
	va, oka := a.Value(m)
	vb, okb := b.Value(m)
	switch {
	case !oka && !okb:
		return 0
	case !oka:
		return 1
	case !okb:
		return -1
	}
	c := cmp.Compare(va, vb)
	if desc {
		c = -c
	}
	return c
}

func passesAll(conds []Condition, t Totals) bool {
	for _, c := range conds {
		if !c.passes(t) {
			return false
		}
	}
	return true
}

// finishMeasures marks the undefined measures and sets the shares of the total.
func finishMeasures(res *Result, q Query) {
	res.Total.Undefined = q.UndefinedMeasures()
	res.Total.ShareOfTotal = shareOf(res.Total.AmountPaid, res.Total.AmountPaid)
	for i := range res.Rows {
		r := &res.Rows[i]
		r.Undefined = q.rowUndefined(*r)
		r.ShareOfTotal = shareOf(r.AmountPaid, res.Total.AmountPaid)
	}
}

func shareOf(part, whole int64) *float64 {
	if whole == 0 {
		return nil
	}
	v := float64(part) / float64(whole)
	return &v
}

// bucketOf is the time dimension the query groups by, if any.
func bucketOf(q Query) Dimension {
	for _, d := range q.GroupBy {
		if d.IsTime() {
			return d
		}
	}
	return ""
}

// series sets the running totals and the previous period of every row of a time bucket, within
// its series: the rows that agree on every other dimension. Periods run from the answer's first
// to its last; a period of the series without lines counts as zero; the row of lines without the
// bucket's date has neither.
func series(res *Result, q Query) {
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

// additiveOnly is the measures running totals do not add up: distinct counts and ratios.
var additiveOnly = bit(MeasurePeopleSupported) | bit(MeasureBeneficiaries) | bit(MeasureAveragePerRecipient) |
	bit(MeasureAveragePerPerson) | bit(MeasureShareOfTotal) | bit(MeasurePaidShareOfListed) |
	bit(MeasureDaysListedToPaidMedian) | bit(MeasureDaysListedToPaidP90)

func emptyDays(d *DayStats) *DayStats {
	if d == nil {
		return nil
	}
	return &DayStats{}
}

// sortKeyOf is a string that sorts the dimension's values in their natural order: units by code,
// programs, groups and funds in the order they were defined, statuses along the chain, persons
// before households, instalments by number, periods by date. Missing values (no channel, no paid date) sort last.
func sortKeyOf(d Dimension, k Key) string {
	switch d {
	case Program:
		return fmt.Sprintf("%019d", k.ProgramID)
	case Group:
		return fmt.Sprintf("%019d", k.GroupID)
	case Fund:
		return fmt.Sprintf("%019d", k.FundID)
	case Round:
		if k.RoundID == 0 {
			return "~"
		}
		return fmt.Sprintf("%019d", k.RoundID)
	case Status:
		if k.Status == nil {
			return "~"
		}
		return fmt.Sprintf("%02d", slices.Index(disbursement.Statuses, *k.Status))
	case Channel:
		if k.Channel == nil {
			return "~"
		}
		return fmt.Sprintf("%02d", slices.Index(disbursement.Channels, *k.Channel))
	case Kind:
		switch {
		case k.Kind == nil:
			return "~"
		case *k.Kind == beneficiary.Person:
			return "0"
		}
		return "1"
	case Instalment:
		return fmt.Sprintf("%05d", k.Instalment)
	case Province:
		return cmp.Or(k.ProvinceCode, "~")
	case District:
		// Units with no district come after the districts, by province.
		return cmp.Or(k.DistrictCode, "~"+k.ProvinceCode)
	case Ward:
		if k.WardSplit {
			return k.WardCode + "~split"
		}
		return cmp.Or(k.WardCode, "~")
	default:
		if k.Period == nil {
			return "~"
		}
		return k.Period.Start.String()
	}
}
