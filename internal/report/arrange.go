package report

import (
	"cmp"
	"fmt"
	"slices"

	"hotro/internal/disbursement"
)

// Arrange sorts the result's rows as the query asks and keeps the first N. Ties on a measure are
// broken by key, so the order is always the same.
func Arrange(res *Result, q Query) {
	order := Order{Field: ByKey}
	if q.Order != nil {
		order = *q.Order
	}
	sortKeys := make([][]string, len(res.Rows))
	for i, r := range res.Rows {
		for _, d := range q.GroupBy {
			sortKeys[i] = append(sortKeys[i], sortKeyOf(d, r.Key))
		}
	}
	idx := make([]int, len(res.Rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := res.Rows[i], res.Rows[j]
		c := 0
		if order.Field != ByKey {
			c = cmp.Compare(measure(a.Totals, order.Field), measure(b.Totals, order.Field))
			if order.Desc {
				c = -c
			}
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
	sorted := make([]Row, len(idx))
	for n, i := range idx {
		sorted[n] = res.Rows[i]
	}
	res.Rows = sorted
	if q.First != nil && *q.First < len(res.Rows) {
		res.Rows = res.Rows[:*q.First]
	}
}

func measure(t Totals, f OrderField) int64 {
	switch f {
	case ByAmountPaid:
		return t.AmountPaid
	case ByPeopleSupported:
		return t.PeopleSupported
	case ByBeneficiaries:
		return t.Beneficiaries
	case ByDisbursements:
		return t.Disbursements
	case ByAmountListed:
		return t.AmountListed
	case ByAmountApproved:
		return t.AmountApproved
	}
	return 0
}

// sortKeyOf is a string that sorts the dimension's values in their natural order: units by code,
// programs, groups and funds in the order they were defined, statuses along the chain, periods by
// date. Missing values (no channel, no paid date) sort last.
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
