package report

import (
	"slices"
	"testing"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
)

func datep(s string) *civil.Date { d := civil.MustParse(s); return &d }

// TestUndefinedMeasures: a measure is undefined exactly when the filter's lines leave it no line of
// its own.
func TestUndefinedMeasures(t *testing.T) {
	paid := Filter{PaidFrom: datep("2020-06-01")}
	approved := Filter{}
	approved.ApprovedTo = datep("2020-06-30")
	listed := Filter{}
	listed.ListedFrom, listed.ListedTo = datep("2020-06-01"), datep("2020-06-30")
	for _, tt := range []struct {
		name   string
		filter Filter
		want   []Measure
	}{
		{"no filter", Filter{}, nil},
		{"a listing date range keeps every status", listed, nil},
		{"a paid date range", paid, []Measure{MeasureAmountListed, MeasureAmountApproved, MeasureAmountReturned, MeasureAmountCancelled, MeasurePaidShareOfListed}},
		{"an approval date range", approved, []Measure{MeasureAmountListed, MeasurePaidShareOfListed}},
		{"PAID lines", Filter{Statuses: []disbursement.Status{disbursement.Paid}}, []Measure{MeasureAmountListed, MeasureAmountApproved, MeasureAmountReturned, MeasureAmountCancelled, MeasurePaidShareOfListed}},
		{"APPROVED and PAID lines", Filter{Statuses: []disbursement.Status{disbursement.Approved, disbursement.Paid}}, []Measure{MeasureAmountListed, MeasureAmountReturned, MeasureAmountCancelled, MeasurePaidShareOfListed}},
		{"LISTED lines", Filter{Statuses: []disbursement.Status{disbursement.Listed}}, []Measure{MeasureAmountApproved, MeasureAmountReturned, MeasureAmountCancelled}},
		{"RETURNED lines", Filter{Statuses: []disbursement.Status{disbursement.Returned}}, []Measure{MeasureAmountListed, MeasureAmountApproved, MeasureAmountCancelled, MeasurePaidShareOfListed}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Query{Filter: tt.filter}).UndefinedMeasures().List(); !slices.Equal(got, tt.want) {
				t.Errorf("undefined = %v, want %v", got, tt.want)
			}
		})
	}
}

func month(s string) *Period { p := PeriodOf(Month, civil.MustParse(s)); return &p }

// TestArrangeAfterGrouping: having, firstWithin with ranks, running totals and previous periods
// (a month without lines inside the answer counts as zero), nulls last in either direction.
func TestArrangeAfterGrouping(t *testing.T) {
	row := func(group int64, period *Period, paid, listed, people int64) Row {
		return Row{Key: Key{GroupID: group, Period: period}, Totals: Totals{AmountPaid: paid, AmountListed: listed, PeopleSupported: people, Beneficiaries: people}}
	}
	res := &Result{Total: Totals{AmountPaid: 100, AmountListed: 200}, Rows: []Row{
		row(1, month("2020-05-01"), 10, 20, 1), row(1, month("2020-07-01"), 30, 60, 3),
		row(2, month("2020-05-01"), 40, 50, 4), row(2, month("2020-06-01"), 20, 70, 2),
		row(2, nil, 0, 0, 0),
	}}
	q := Query{GroupBy: []Dimension{Group, Month}, DateField: ListedOn}
	Arrange(res, q)
	byKey := map[string]Row{}
	for _, r := range res.Rows {
		label := "none"
		if r.Period != nil {
			label = r.Period.Label
		}
		byKey[string(rune('0'+r.GroupID))+" "+label] = r
	}
	if r := byKey["1 2020-07"]; r.Running == nil || r.Running.AmountPaid != 40 || r.Previous == nil || r.Previous.AmountPaid != 0 {
		t.Errorf("group 1 July: running %+v previous %+v; want 40 and a zero June", r.Running, r.Previous)
	}
	if r := byKey["2 2020-06"]; r.Previous == nil || r.Previous.AmountPaid != 40 || r.Running.AmountListed != 120 {
		t.Errorf("group 2 June: previous %+v running %+v", r.Previous, r.Running)
	}
	if r := byKey["1 2020-05"]; r.Previous != nil {
		t.Errorf("the answer's first month has a previous one: %+v", r.Previous)
	}
	if r := byKey["2 none"]; r.Running != nil || r.Previous != nil {
		t.Errorf("the row without a date has a series: %+v %+v", r.Running, r.Previous)
	}
	if s := byKey["2 2020-05"].ShareOfTotal; s == nil || *s != 0.4 {
		t.Errorf("share of total %v, want 0.4", s)
	}

	// having: paid share of listed below 0.6 and more than one person; ordered by the share, ascending.
	res = &Result{Total: Totals{AmountPaid: 100}, Rows: []Row{
		row(1, nil, 10, 20, 1), row(2, nil, 20, 70, 2), row(3, nil, 0, 0, 0), row(4, nil, 50, 60, 5), row(5, nil, 5, 50, 3),
	}}
	q = Query{GroupBy: []Dimension{Group}, Order: &Order{Field: ByPaidShareOfListed},
		Having: []Condition{{MeasurePaidShareOfListed, LT, 0.6}, {MeasurePeopleSupported, GT, 1}}}
	Arrange(res, q)
	var groups []int64
	for _, r := range res.Rows {
		groups = append(groups, r.GroupID)
	}
	if !slices.Equal(groups, []int64{5, 2}) {
		t.Errorf("having kept groups %v, want [5 2]", groups)
	}

	// A measure without a value sorts last in either direction.
	for _, desc := range []bool{false, true} {
		res = &Result{Total: Totals{AmountPaid: 100}, Rows: []Row{row(3, nil, 0, 0, 0), row(1, nil, 10, 20, 1), row(2, nil, 20, 70, 2)}}
		Arrange(res, Query{GroupBy: []Dimension{Group}, Order: &Order{Field: ByAveragePerRecipient, Desc: desc}})
		if last := res.Rows[len(res.Rows)-1].GroupID; last != 3 {
			t.Errorf("desc=%v: group %d last, want the one without recipients", desc, last)
		}
	}

	// firstWithin: the top 2 groups of each ward, ward by ward, ranked.
	cell := func(ward string, group, paid int64) Row {
		return Row{Key: Key{WardCode: ward, WardID: 1, GroupID: group}, Totals: Totals{AmountPaid: paid}}
	}
	res = &Result{Total: Totals{AmountPaid: 100}, Rows: []Row{
		cell("05434", 1, 5), cell("05431", 1, 1), cell("05431", 2, 9), cell("05431", 3, 4), cell("05434", 2, 7), cell("05434", 3, 6),
	}}
	Arrange(res, Query{GroupBy: []Dimension{Ward, Group}, Order: &Order{Field: ByAmountPaid, Desc: true}, FirstWithin: &Within{Dimensions: []Dimension{Ward}, First: 2}})
	var got []string
	for _, r := range res.Rows {
		got = append(got, r.WardCode+":"+string(rune('0'+r.GroupID))+":"+string(rune('0'+r.Rank)))
	}
	if want := []string{"05431:2:1", "05431:3:2", "05434:2:1", "05434:3:2"}; !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}

// TestAfterGroupingIsValidated: what cannot be answered is refused before anything runs.
func TestAfterGroupingIsValidated(t *testing.T) {
	nan := 0.0
	nan /= nan
	paid := Filter{PaidTo: datep("2020-05-31")}
	for _, tt := range []struct {
		name string
		q    Query
	}{
		{"order by a measure the filter leaves undefined", Query{Filter: paid, Order: &Order{Field: ByAmountListed}}},
		{"having on it", Query{Filter: paid, Having: []Condition{{MeasurePaidShareOfListed, LT, 0.9}}}},
		{"having on an unknown measure", Query{Having: []Condition{{"AMOUNT", LT, 1}}}},
		{"an unknown comparison", Query{Having: []Condition{{MeasureAmountPaid, "LIKE", 1}}}},
		{"not a number", Query{Having: []Condition{{MeasureAmountPaid, LT, nan}}}},
		{"firstWithin a dimension not grouped by", Query{GroupBy: []Dimension{Ward}, FirstWithin: &Within{Dimensions: []Dimension{Group}, First: 3}}},
		{"firstWithin every dimension", Query{GroupBy: []Dimension{Ward}, FirstWithin: &Within{Dimensions: []Dimension{Ward}, First: 3}}},
		{"firstWithin negative", Query{GroupBy: []Dimension{Ward, Group}, FirstWithin: &Within{Dimensions: []Dimension{Ward}, First: -1}}},
		{"an unknown date field", Query{DateField: "CREATED_ON"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.q.Validate(); err == nil {
				t.Errorf("%+v accepted", tt.q)
			}
		})
	}
}
