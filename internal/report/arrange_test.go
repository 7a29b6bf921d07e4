package report

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
)

// randomKey draws a key of the dimensions from few values, so that rows tie, with the values that
// sort apart: missing ones, units without a district, split wards, negative IDs.
func randomKey(r *rand.Rand, dims []Dimension) Key {
	var k Key
	pick := func(list ...string) string { return list[r.IntN(len(list))] }
	id := func() int64 { return []int64{-12, -3, 0, 1, 2, 7, 10, 123456789}[r.IntN(8)] }
	for _, d := range dims {
		switch d {
		case Program:
			k.ProgramID = id()
		case Group:
			k.GroupID = id()
		case Fund:
			k.FundID = id()
		case Round:
			k.RoundID = id()
		case Status:
			if r.IntN(5) > 0 {
				s := disbursement.Statuses[r.IntN(len(disbursement.Statuses))]
				k.Status = &s
			}
		case Channel:
			if r.IntN(4) > 0 {
				c := disbursement.Channels[r.IntN(len(disbursement.Channels))]
				k.Channel = &c
			}
		case Kind:
			if r.IntN(4) > 0 {
				kind := []beneficiary.Kind{beneficiary.Person, beneficiary.Household}[r.IntN(2)]
				k.Kind = &kind
			}
		case Instalment:
			k.Instalment = r.IntN(4)
		case Province:
			k.ProvinceCode = pick("", "01", "19", "1", "~")
		case District:
			k.DistrictCode = pick("", "164", "16", "165", "~1")
			if k.DistrictCode == "" {
				k.ProvinceCode = pick("01", "19", "", "1")
			}
		case Ward:
			k.WardCode = pick("", "05431", "0543", "05431~", "05440")
			k.WardSplit = r.IntN(4) == 0
		default:
			if r.IntN(6) > 0 {
				day := civil.New([]int{999, 2020, 2021, 10000}[r.IntN(4)], 1, 1).AddDays(r.IntN(400))
				p := PeriodOf(d, day)
				k.Period = &p
			}
		}
	}
	return k
}

// TestCompareDimensionIsSortKeyOrder wants every dimension's comparison to agree with the text of
// its sort key.
func TestCompareDimensionIsSortKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, d := range Dimensions {
		for range 3000 {
			a, b := randomKey(r, []Dimension{d}), randomKey(r, []Dimension{d})
			got, want := compareDimension(d, &a, &b), strings.Compare(sortKeyOf(d, a), sortKeyOf(d, b))
			if got != want {
				t.Fatalf("%s: %q vs %q: %d, want %d", d, sortKeyOf(d, a), sortKeyOf(d, b), got, want)
			}
		}
	}
}

// TestArrangeAnswersAsBefore lays random results out for random queries (groupings, orders,
// having, first within, first, filters that make measures undefined) with Arrange, with Arranged
// and with the Arrange of before it compared keys without writing them, and wants the same answer
// (and Arranged to leave what it copies as it was).
func TestArrangeAnswersAsBefore(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	plain := []Dimension{Program, Province, District, Ward, Group, Fund, Round, Status, Channel, Kind, Instalment}
	times := []Dimension{Day, Week, Month, Quarter, Year}
	measures := []Measure{MeasureAmountPaid, MeasurePeopleSupported, MeasureBeneficiaries, MeasureDisbursements, MeasureAmountListed,
		MeasureAmountReturned, MeasureAveragePerRecipient, MeasureShareOfTotal, MeasurePaidShareOfListed}
	for i := range 3000 {
		var q Query
		for _, d := range plain {
			if r.IntN(6) == 0 {
				q.GroupBy = append(q.GroupBy, d)
			}
		}
		if r.IntN(2) == 0 {
			q.GroupBy = append(q.GroupBy, times[r.IntN(len(times))])
		}
		r.Shuffle(len(q.GroupBy), func(i, j int) { q.GroupBy[i], q.GroupBy[j] = q.GroupBy[j], q.GroupBy[i] })
		if r.IntN(3) > 0 {
			q.Order = &Order{Field: OrderFields[r.IntN(len(OrderFields)-2)], Desc: r.IntN(2) == 0}
			if r.IntN(3) == 0 {
				q.Order.Field = ByKey
			}
		}
		if r.IntN(4) == 0 {
			q.Filter.Statuses = []disbursement.Status{disbursement.Statuses[r.IntN(len(disbursement.Statuses))]}
		}
		if r.IntN(4) == 0 {
			from := civil.New(2020, 5, 1)
			q.Filter.PaidFrom = &from
		}
		if r.IntN(4) == 0 {
			q.Having = []Condition{{Measure: measures[r.IntN(len(measures))], Op: Comparisons[r.IntN(len(Comparisons))], Value: float64(r.IntN(50))}}
		}
		if len(q.GroupBy) > 1 && r.IntN(3) == 0 {
			q.FirstWithin = &Within{Dimensions: q.GroupBy[:1+r.IntN(len(q.GroupBy)-1)], First: 1 + r.IntN(3)}
		}
		if r.IntN(4) == 0 {
			n := r.IntN(6)
			q.First = &n
		}
		// Rows of distinct keys, as an engine answers.
		var rows []Row
		seen := map[string]bool{}
		for range r.IntN(40) {
			k := randomKey(r, q.GroupBy)
			var parts []string
			for _, d := range q.GroupBy {
				parts = append(parts, sortKeyOf(d, k))
			}
			if name := strings.Join(parts, "|"); !seen[name] {
				seen[name] = true
				tot := Totals{AmountPaid: int64(r.IntN(4)) * 10, AmountListed: int64(r.IntN(60)), Disbursements: int64(r.IntN(5)),
					Beneficiaries: int64(r.IntN(3)), PeopleSupported: int64(r.IntN(6)), AmountReturned: int64(r.IntN(2))}
				rows = append(rows, Row{Key: k, Totals: tot})
			}
		}
		if r.IntN(2) == 0 {
			// In the order of their keys, as engines answer: Arrange reads no key to sort them.
			slices.SortFunc(rows, func(a, b Row) int { return compareKeys(q.GroupBy, &a.Key, &b.Key) })
		}
		res := func() *Result {
			out := &Result{Rows: slices.Clone(rows)}
			for _, row := range rows {
				out.Total.AmountPaid += row.AmountPaid
				out.Total.Disbursements += row.Disbursements
			}
			return out
		}
		got, want := res(), res()
		Arrange(got, q)
		arrangeBefore(want, q)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d, query %+v:\n got %s\nwant %s", i, q, describeRows(got), describeRows(want))
		}
		// Arranged, as a memo's sums are: the same answer, the sums left as they were.
		src, before := res(), res()
		if copied := Arranged(src, q); !reflect.DeepEqual(copied, want) {
			t.Fatalf("case %d, query %+v: Arranged\n got %s\nwant %s", i, q, describeRows(copied), describeRows(want))
		}
		if !reflect.DeepEqual(src, before) {
			t.Fatalf("case %d, query %+v: Arranged changed its source:\n got %s\nwant %s", i, q, describeRows(src), describeRows(before))
		}
	}
}

func describeRows(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "total %+v\n", res.Total)
	for _, r := range res.Rows {
		fmt.Fprintf(&b, "  %+v rank %d running %+v previous %+v\n", r.Key, r.Rank, r.Running, r.Previous)
	}
	return b.String()
}

// TestSortFirstIsSortedPrefix wants sortFirst's first n rows to be those a full sort puts first,
// in its order, for lists long enough to be partitioned, with many ties of value.
func TestSortFirstIsSortedPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for c := range 2000 {
		size := r.IntN(3000)
		if c%4 == 0 {
			size = r.IntN(40)
		}
		rs := make([]rankedRow, size)
		for i := range rs {
			rs[i] = rankedRow{uint64(r.IntN(1 + size/3)), i}
		}
		switch c % 3 {
		case 1: // already in order, as an engine's rows ordered by key often are
			slices.SortFunc(rs, func(a, b rankedRow) int { return cmp.Or(cmp.Compare(a.bits, b.bits), cmp.Compare(a.i, b.i)) })
		case 2:
			slices.Reverse(rs)
		}
		want := slices.Clone(rs)
		slices.SortFunc(want, func(a, b rankedRow) int { return cmp.Or(cmp.Compare(a.bits, b.bits), cmp.Compare(a.i, b.i)) })
		n := r.IntN(size + 1)
		sortFirst(rs, n)
		if !slices.Equal(rs[:n], want[:n]) {
			t.Fatalf("case %d: %d rows, first %d: got %v, want %v", c, size, n, rs[:min(n, 10)], want[:min(n, 10)])
		}
	}
}

// TestOrderBitsIsCompareValues wants the bits orderBits writes to order values as compareValues
// does, in both directions, no value last.
func TestOrderBitsIsCompareValues(t *testing.T) {
	values := []measureValue{{}, {0, true}, {math.Copysign(0, -1), true}, {1, true}, {-1, true}, {0.5, true}, {-0.25, true},
		{1e300, true}, {-1e300, true}, {math.Inf(1), true}, {math.Inf(-1), true}, {5e-324, true}, {-5e-324, true}, {17000000000, true}}
	for _, desc := range []bool{false, true} {
		for _, a := range values {
			for _, b := range values {
				want := compareValues(a, b, desc)
				got := cmp.Compare(orderBits(a, desc), orderBits(b, desc))
				if got != want {
					t.Errorf("desc %v: %v vs %v: %d, want %d", desc, a, b, got, want)
				}
			}
		}
	}
}
