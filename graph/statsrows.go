package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"hotro/internal/report"
)

// PeriodChange is a period's measures minus the previous period's (StatRow.change).
type PeriodChange struct {
	AmountPaid      int64
	PeopleSupported int64
	Beneficiaries   int64
	Disbursements   int64
	AmountListed    *int64
	AmountPaidRatio *float64
}

// changeOf is the change from prev to t; nil without a previous period.
func changeOf(t report.Totals, prev *report.Totals) *PeriodChange {
	if prev == nil {
		return nil
	}
	c := &PeriodChange{AmountPaid: t.AmountPaid - prev.AmountPaid, PeopleSupported: t.PeopleSupported - prev.PeopleSupported,
		Beneficiaries: t.Beneficiaries - prev.Beneficiaries, Disbursements: t.Disbursements - prev.Disbursements}
	if !t.Undefined.Has(report.MeasureAmountListed) && !prev.Undefined.Has(report.MeasureAmountListed) {
		v := t.AmountListed - prev.AmountListed
		c.AmountListed = &v
	}
	if prev.AmountPaid != 0 {
		v := float64(c.AmountPaid) / float64(prev.AmountPaid)
		c.AmountPaidRatio = &v
	}
	return c
}

// definedAmount is the measure's amount, or nil when the filter makes it meaningless.
func definedAmount(t *report.Totals, m report.Measure, v int64) *int64 {
	if v, ok := amountIf(t, m, v); ok {
		return &v
	}
	return nil
}

// amountIf is definedAmount without the pointer (which the direct answer need not allocate): the
// amount, and whether the filter leaves it meaningful.
func amountIf(t *report.Totals, m report.Measure, v int64) (int64, bool) {
	return v, !t.Undefined.Has(m)
}

// undefinedList is the undefined measures, never nil.
func undefinedList(t *report.Totals) []report.Measure {
	return append([]report.Measure{}, slices.Collect(slices.Values(t.Undefined.List()))...)
}

// selects reports whether the field being resolved selects a field of that name at any depth
// (through fragments too): the stats resolver asks whether daysListedToPaid is wanted, which
// only the lines can answer.
func selects(ctx context.Context, name string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return false
	}
	return selectionHas(fc.Field.Selections, name, 0)
}

func selectionHas(set ast.SelectionSet, name string, depth int) bool {
	if depth > 32 { // the depth limit refuses deeper operations before they run
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == name || selectionHas(s.SelectionSet, name, depth+1) {
				return true
			}
		case *ast.InlineFragment:
			if selectionHas(s.SelectionSet, name, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selectionHas(s.Definition.SelectionSet, name, depth+1) {
				return true
			}
		}
	}
	return false
}
