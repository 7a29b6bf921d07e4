package report

import (
	"math"
	"slices"

	"hotro/internal/disbursement"
)

// Measure names one measure of Totals: what `having` tests and rows may be ordered by. The six
// first are the OrderField measures of the same name.
type Measure string

// The measures. Shares are fractions (0.9 is 90 %); averages are whole đồng; days are whole days.
const (
	MeasureAmountPaid             Measure = "AMOUNT_PAID"
	MeasurePeopleSupported        Measure = "PEOPLE_SUPPORTED"
	MeasureBeneficiaries          Measure = "BENEFICIARIES"
	MeasureDisbursements          Measure = "DISBURSEMENTS"
	MeasureAmountListed           Measure = "AMOUNT_LISTED"
	MeasureAmountApproved         Measure = "AMOUNT_APPROVED"
	MeasureAmountReturned         Measure = "AMOUNT_RETURNED"
	MeasureAmountCancelled        Measure = "AMOUNT_CANCELLED"
	MeasureAveragePerRecipient    Measure = "AVERAGE_PER_RECIPIENT"
	MeasureAveragePerPerson       Measure = "AVERAGE_PER_PERSON"
	MeasureShareOfTotal           Measure = "SHARE_OF_TOTAL"
	MeasurePaidShareOfListed      Measure = "PAID_SHARE_OF_LISTED"
	MeasureDaysListedToPaidMedian Measure = "DAYS_LISTED_TO_PAID_MEDIAN"
	MeasureDaysListedToPaidP90    Measure = "DAYS_LISTED_TO_PAID_P90"
)

// Measures lists every measure, in the order the API documents them.
var Measures = []Measure{MeasureAmountPaid, MeasurePeopleSupported, MeasureBeneficiaries, MeasureDisbursements,
	MeasureAmountListed, MeasureAmountApproved, MeasureAmountReturned, MeasureAmountCancelled,
	MeasureAveragePerRecipient, MeasureAveragePerPerson, MeasureShareOfTotal, MeasurePaidShareOfListed,
	MeasureDaysListedToPaidMedian, MeasureDaysListedToPaidP90}

// NeedsDays reports whether the measure is a time from listing to payment, which only the lines
// can answer.
func (m Measure) NeedsDays() bool {
	return m == MeasureDaysListedToPaidMedian || m == MeasureDaysListedToPaidP90
}

// pipeline is the statuses each status-based measure sums. A measure is undefined in a set of lines
// (a row, or the whole filter) when the statuses those lines can have leave it no line of its own:
// it could only repeat a narrower measure (amountListed of paid lines is their amountPaid) or be
// zero by construction (amountCancelled of lines paid in June).
var pipeline = []struct {
	measure  Measure
	statuses []disbursement.Status
	narrower []Measure // the measures it would repeat
}{
	{MeasureAmountListed, []disbursement.Status{disbursement.Listed, disbursement.Posted, disbursement.Appraised, disbursement.Approved, disbursement.Paid}, []Measure{MeasureAmountApproved, MeasureAmountPaid}},
	{MeasureAmountApproved, []disbursement.Status{disbursement.Approved, disbursement.Paid}, []Measure{MeasureAmountPaid}},
	{MeasureAmountPaid, []disbursement.Status{disbursement.Paid}, nil},
	{MeasureAmountReturned, []disbursement.Status{disbursement.Returned}, nil},
	{MeasureAmountCancelled, []disbursement.Status{disbursement.Cancelled}, nil},
}

// statusesWith is the statuses a line that has a date of that step can be in: a paid date only
// PAID (PAID is final); an approval date APPROVED, PAID, or RETURNED and CANCELLED after approval.
var statusesWith = map[DateField][]disbursement.Status{
	PaidOn:     {disbursement.Paid},
	ApprovedOn: {disbursement.Approved, disbursement.Paid, disbursement.Returned, disbursement.Cancelled},
	ListedOn:   disbursement.Statuses,
}

// MeasureSet is a set of measures, as bits in the order of Measures.
type MeasureSet uint32

// Has reports whether m is in the set.
func (s MeasureSet) Has(m Measure) bool { return s&bit(m) != 0 }

// List is the set's measures in the order of Measures.
func (s MeasureSet) List() []Measure {
	var out []Measure
	for _, m := range Measures {
		if s.Has(m) {
			out = append(out, m)
		}
	}
	return out
}

func bit(m Measure) MeasureSet {
	if i := slices.Index(Measures, m); i >= 0 {
		return 1 << i
	}
	return 0
}

// undefinedFor is the measures undefined for lines that can only be in the statuses given (nil:
// any status).
func undefinedFor(statuses []disbursement.Status) MeasureSet {
	if statuses == nil {
		return 0
	}
	of := map[Measure][]disbursement.Status{}
	for _, p := range pipeline {
		var in []disbursement.Status
		for _, s := range p.statuses {
			if slices.Contains(statuses, s) {
				in = append(in, s)
			}
		}
		of[p.measure] = in
	}
	var out MeasureSet
	for _, p := range pipeline {
		if p.measure == MeasureAmountPaid {
			continue // a base measure: zero when no line is paid, and said so by its definition
		}
		mine := of[p.measure]
		if len(mine) == 0 {
			out |= bit(p.measure)
			continue
		}
		for _, n := range p.narrower {
			if slices.Equal(mine, of[n]) {
				out |= bit(p.measure)
				break
			}
		}
	}
	if out.Has(MeasureAmountListed) {
		out |= bit(MeasurePaidShareOfListed)
	}
	return out
}

// intersect is the statuses in both lists (nil: any status).
func intersect(a, b []disbursement.Status) []disbursement.Status {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := []disbursement.Status{}
	for _, s := range a {
		if slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// filterStatuses is the statuses the filter's lines can be in (nil: any): its statuses, narrowed
// by each date it ranges over (a line with a paid date is PAID).
func filterStatuses(f Filter) []disbursement.Status {
	var out []disbursement.Status
	if len(f.Statuses) > 0 {
		out = slices.Clone(f.Statuses)
	}
	if f.PaidFrom != nil || f.PaidTo != nil {
		out = intersect(out, statusesWith[PaidOn])
	}
	if f.ApprovedFrom != nil || f.ApprovedTo != nil {
		out = intersect(out, statusesWith[ApprovedOn])
	}
	return out
}

// UndefinedMeasures is the measures that the query's filter makes meaningless in every row and in
// the total: `having` and `orderBy` on them are refused, and the API answers them null.
func (q Query) UndefinedMeasures() MeasureSet { return undefinedFor(filterStatuses(q.Filter)) }

// rowUndefined is the measures undefined in one row: the filter's, and for a row of a time bucket
// those of lines that have the bucket's date (the row of lines without it keeps its other lines).
func (q Query) rowUndefined(r Row) MeasureSet {
	statuses := filterStatuses(q.Filter)
	if r.Period != nil {
		statuses = intersect(statuses, statusesWith[q.DateField.OrPaid()])
	}
	return undefinedFor(statuses)
}

// DayStats is the time from listing to payment of the PAID lines of a row, in whole days.
type DayStats struct {
	Lines  int64 // PAID lines measured
	Median *int  // nearest-rank 50th percentile; nil without lines
	P90    *int  // nearest-rank 90th percentile
}

// newDayStats computes the percentiles of a histogram of days.
func newDayStats(hist map[int]int64) *DayStats {
	ds := &DayStats{}
	days := make([]int, 0, len(hist))
	for d, n := range hist {
		days = append(days, d)
		ds.Lines += n
	}
	if ds.Lines == 0 {
		return ds
	}
	slices.Sort(days)
	rank := func(p float64) *int {
		// Nearest rank: the smallest value with at least p of the lines at or below it.
		need := int64(math.Ceil(p * float64(ds.Lines)))
		need = max(need, 1)
		var seen int64
		for _, d := range days {
			seen += hist[d]
			if seen >= need {
				v := d
				return &v
			}
		}
		return nil
	}
	ds.Median, ds.P90 = rank(0.5), rank(0.9)
	return ds
}

// AveragePerRecipient is amountPaid per distinct recipient paid, rounded to the đồng; nil when no
// one was paid.
func (t Totals) AveragePerRecipient() *int64 { return average(t.AmountPaid, t.Beneficiaries) }

// AveragePerPerson is amountPaid per distinct person supported, rounded to the đồng; nil when no
// one was paid.
func (t Totals) AveragePerPerson() *int64 { return average(t.AmountPaid, t.PeopleSupported) }

// PaidShareOfListed is amountPaid over amountListed; nil when nothing is listed or the share is
// undefined.
func (t Totals) PaidShareOfListed() *float64 {
	if t.Undefined.Has(MeasurePaidShareOfListed) || t.AmountListed == 0 {
		return nil
	}
	v := float64(t.AmountPaid) / float64(t.AmountListed)
	return &v
}

func average(amount, n int64) *int64 {
	if n == 0 {
		return nil
	}
	v := int64(math.Round(float64(amount) / float64(n)))
	return &v
}

// Value is the measure's value, or false when it has none (undefined, or nothing to divide by).
func (t Totals) Value(m Measure) (float64, bool) {
	if t.Undefined.Has(m) {
		return 0, false
	}
	whole := func(v int64) (float64, bool) { return float64(v), true }
	ptr := func(v *int64) (float64, bool) {
		if v == nil {
			return 0, false
		}
		return float64(*v), true
	}
	days := func(v func(*DayStats) *int) (float64, bool) {
		if t.DaysListedToPaid == nil || v(t.DaysListedToPaid) == nil {
			return 0, false
		}
		return float64(*v(t.DaysListedToPaid)), true
	}
	switch m {
	case MeasureAmountPaid:
		return whole(t.AmountPaid)
	case MeasurePeopleSupported:
		return whole(t.PeopleSupported)
	case MeasureBeneficiaries:
		return whole(t.Beneficiaries)
	case MeasureDisbursements:
		return whole(t.Disbursements)
	case MeasureAmountListed:
		return whole(t.AmountListed)
	case MeasureAmountApproved:
		return whole(t.AmountApproved)
	case MeasureAmountReturned:
		return whole(t.AmountReturned)
	case MeasureAmountCancelled:
		return whole(t.AmountCancelled)
	case MeasureAveragePerRecipient:
		return ptr(t.AveragePerRecipient())
	case MeasureAveragePerPerson:
		return ptr(t.AveragePerPerson())
	case MeasureShareOfTotal:
		if t.ShareOfTotal == nil {
			return 0, false
		}
		return *t.ShareOfTotal, true
	case MeasurePaidShareOfListed:
		if s := t.PaidShareOfListed(); s != nil {
			return *s, true
		}
		return 0, false
	case MeasureDaysListedToPaidMedian:
		return days(func(d *DayStats) *int { return d.Median })
	case MeasureDaysListedToPaidP90:
		return days(func(d *DayStats) *int { return d.P90 })
	}
	return 0, false
}

// Measured is the totals as the engines add them up, without what Arrange derives (shares,
// undefined measures) or the time to payment: what an independent count of the lines is compared
// with.
func (t Totals) Measured() Totals {
	return Totals{AmountPaid: t.AmountPaid, AmountListed: t.AmountListed, AmountApproved: t.AmountApproved,
		PeopleSupported: t.PeopleSupported, Beneficiaries: t.Beneficiaries, Disbursements: t.Disbursements,
		AmountReturned: t.AmountReturned, AmountCancelled: t.AmountCancelled}
}

// Equal reports whether two totals hold the same values, the derived ones included.
func (t Totals) Equal(o Totals) bool {
	if t.Measured() != o.Measured() || t.Undefined != o.Undefined {
		return false
	}
	if (t.ShareOfTotal == nil) != (o.ShareOfTotal == nil) || t.ShareOfTotal != nil && *t.ShareOfTotal != *o.ShareOfTotal {
		return false
	}
	return t.DaysListedToPaid.equal(o.DaysListedToPaid)
}

func (d *DayStats) equal(o *DayStats) bool {
	if d == nil || o == nil {
		return d == o
	}
	same := func(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	return d.Lines == o.Lines && same(d.Median, o.Median) && same(d.P90, o.P90)
}
