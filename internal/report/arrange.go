package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"hotro/internal/civil"

	"hotro/internal/beneficiary"
	"hotro/internal/disbursement"
)

// Arrange finishes the result the engines add up and lays its rows out as the query asks: it marks
// the measures the filter makes meaningless (Totals.Undefined), sets each row's share of the total,
// the running totals and previous period of a time bucket's series, keeps the rows that pass
// Having, sorts them (ties on a measure broken by key, so the order is always the same; with
// FirstWithin, by the group's key first), keeps the first N of each group, then the first N.
// Its cost does not grow with the rows more than their sort: the values rows point to (shares,
// running totals) are allocated together.
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
	rows := res.Rows
	idx := sortedIndex(rows, q, len(rows), func(t *Totals, m Measure) measureValue {
		v, ok := t.Value(m)
		return measureValue{v, ok}
	})
	var within []Dimension
	if q.FirstWithin != nil {
		within = q.FirstWithin.Dimensions
	}
	if q.FirstWithin == nil {
		// Every row kept, ranked in the whole answer: laid out in place.
		permute(rows, idx)
		for i := range rows {
			rows[i].Rank = i + 1
		}
		if rows == nil {
			res.Rows = []Row{} // as before: no rows is an empty list, not none
		}
	} else {
		sorted := make([]Row, 0, len(idx))
		rank := 0
		for n, i := range idx {
			if n == 0 || compareKeys(within, &rows[i].Key, &rows[idx[n-1]].Key) != 0 {
				rank = 0
			}
			rank++
			if rank > q.FirstWithin.First {
				continue
			}
			r := rows[i]
			r.Rank = rank
			sorted = append(sorted, r)
		}
		res.Rows = sorted
	}
	if q.First != nil && *q.First < len(res.Rows) {
		res.Rows = res.Rows[:*q.First]
	}
}

// Arranged is Arrange on a copy of src, which it leaves as it was (src may be shared: a memo's
// sums). When the query only keeps the first rows, it copies only those (Kept, ArrangedKept).
func Arranged(src *Result, q Query) *Result {
	if idx, ok := Kept(src, q); ok {
		return ArrangedKept(src, q, idx)
	}
	out := &Result{Total: src.Total, Rows: slices.Clone(src.Rows)}
	Arrange(out, q)
	return out
}

// Kept returns the places in src.Rows of the rows Arrange keeps, in its order, when the query
// only keeps the first rows (no time series, no having, no first within, a first that cuts); ok is
// false otherwise. The same sums asked with the same filter, order and first keep the same rows:
// the places may be kept with the sums and given to ArrangedKept.
func Kept(src *Result, q Query) (idx []int, ok bool) {
	if bucketOf(q) != "" || len(q.Having) > 0 || q.FirstWithin != nil || q.First == nil || *q.First < 0 || *q.First >= len(src.Rows) {
		return nil, false
	}
	// The rows are ordered by the value the measure will have once Arrange has finished them
	// (without a time bucket every row has the same undefined measures; a share is the amount
	// paid over the total's), so the rows kept are those Arrange would keep, in its order.
	undefined := q.rowUndefined(Row{})
	idx = sortedIndex(src.Rows, q, *q.First, func(t *Totals, m Measure) measureValue {
		if undefined.Has(m) {
			return measureValue{}
		}
		if m == MeasureShareOfTotal {
			if src.Total.AmountPaid == 0 {
				return measureValue{}
			}
			return measureValue{float64(t.AmountPaid) / float64(src.Total.AmountPaid), true}
		}
		v, ok := t.Value(m)
		return measureValue{v, ok}
	})
	return slices.Clip(idx[:*q.First]), true
}

// ArrangedKept is Arranged given the places Kept found for src and q: the rows kept are copied in
// that order, ranked and finished as Arrange finishes them.
func ArrangedKept(src *Result, q Query, idx []int) *Result {
	out := &Result{Total: src.Total, Rows: make([]Row, len(idx))}
	for n, i := range idx {
		out.Rows[n] = src.Rows[i]
		out.Rows[n].Rank = n + 1
	}
	finishMeasures(out, q)
	return out
}

// sortedIndex is the order Arrange lays rows out in, as indexes into rows: by the FirstWithin
// group's key first, then by the measure ordered by, as value reads it (ties broken by key), or by
// key; rows equal in every part keep the order they came in. Only the first `first` indexes are
// sure to be there: past them the answer may stop.
func sortedIndex(rows []Row, q Query, first int, value func(*Totals, Measure) measureValue) []int {
	order := Order{Field: ByKey}
	if q.Order != nil {
		order = *q.Order
	}
	var within []Dimension
	if q.FirstWithin != nil {
		within = q.FirstWithin.Dimensions
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	if within == nil && strictlyByKey(rows, q.GroupBy) {
		// The rows come in the order of their keys, each key once (as engines give them): a key
		// compares as its place does, and the sort reads no key.
		switch {
		case order.Field == ByKey && order.Desc:
			slices.Reverse(idx)
		case order.Field != ByKey:
			ranked := make([]rankedRow, len(rows))
			for i := range rows {
				ranked[i] = rankedRow{orderBits(value(&rows[i].Totals, Measure(order.Field)), order.Desc), i}
			}
			sortFirst(ranked, first)
			for n, r := range ranked[:first] {
				idx[n] = r.i
			}
			return idx[:first]
		}
		return idx
	}
	// The measure sorted by, read once per row.
	var values []measureValue
	if order.Field != ByKey {
		values = make([]measureValue, len(rows))
		for i := range rows {
			values[i] = value(&rows[i].Totals, Measure(order.Field))
		}
	}
	// The index breaks ties, which makes the faster unstable sort give what a stable one would.
	slices.SortFunc(idx, func(i, j int) int {
		a, b := &rows[i].Key, &rows[j].Key
		if c := compareKeys(within, a, b); c != 0 {
			return c
		}
		if order.Field != ByKey {
			if c := compareValues(values[i], values[j], order.Desc); c != 0 {
				return c
			}
		}
		c := compareKeys(q.GroupBy, a, b)
		if order.Field == ByKey && order.Desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(i, j))
	})
	return idx
}

// rankedRow is a row's value of the measure sorted by, as orderBits writes it, and its place.
type rankedRow struct {
	bits uint64
	i    int
}

func (a rankedRow) less(b rankedRow) bool { return a.bits < b.bits || a.bits == b.bits && a.i < b.i }

// orderBits writes a value so that values compare as compareValues orders them: by value (NaN
// aside, which measures never are), reversed when desc, no value last.
func orderBits(v measureValue, desc bool) uint64 {
	if !v.ok {
		return math.MaxUint64
	}
	b := math.Float64bits(v.v + 0) // + 0: -0 as 0, which compare equal
	if b&(1<<63) != 0 {
		b = ^b // negative: the larger the magnitude, the smaller
	} else {
		b |= 1 << 63
	}
	if desc {
		b = ^b
	}
	return min(b, math.MaxUint64-1) // below no value
}

// sortFirst puts the n first rows of rs in order at its start (the rest in no order): it selects
// them (quickselect) when they are few, then sorts them.
func sortFirst(rs []rankedRow, n int) {
	lo, hi := 0, len(rs)
	// The rows before lo are among the first n, those from hi on are not.
	for lo < n && n < hi && hi-lo > 16 {
		// Partition [lo, hi) around the median of three; rows are all distinct.
		mid := lo + (hi-lo)/2
		if rs[mid].less(rs[lo]) {
			rs[mid], rs[lo] = rs[lo], rs[mid]
		}
		if rs[hi-1].less(rs[lo]) {
			rs[hi-1], rs[lo] = rs[lo], rs[hi-1]
		}
		if rs[hi-1].less(rs[mid]) {
			rs[hi-1], rs[mid] = rs[mid], rs[hi-1]
		}
		pivot := rs[mid]
		rs[mid], rs[hi-1] = rs[hi-1], rs[mid]
		at := lo
		for i := lo; i < hi-1; i++ {
			if rs[i].less(pivot) {
				rs[i], rs[at] = rs[at], rs[i]
				at++
			}
		}
		rs[at], rs[hi-1] = rs[hi-1], rs[at]
		if n <= at {
			hi = at
		} else {
			lo = at + 1
		}
	}
	end := n
	if lo < n && n < hi {
		end = hi // a few rows left unpartitioned: sorted with the first
	}
	slices.SortFunc(rs[:end], func(a, b rankedRow) int {
		if a.less(b) {
			return -1
		}
		return 1
	})
}

// strictlyByKey tells whether every row's key comes after the one before it (compareKeys).
func strictlyByKey(rows []Row, dims []Dimension) bool {
	for i := 1; i < len(rows); i++ {
		if compareKeys(dims, &rows[i-1].Key, &rows[i].Key) >= 0 {
			return false
		}
	}
	return true
}

// permute lays rows out in the order of idx (rows[k] becomes the rows[idx[k]] of before), in place;
// idx is left as it was.
func permute(rows []Row, idx []int) {
	for start := range idx {
		if idx[start] < 0 || idx[start] == start {
			continue
		}
		// Follow the cycle that starts here, marking the places done.
		tmp := rows[start]
		k := start
		for {
			from := idx[k]
			idx[k] = ^from
			if from == start {
				rows[k] = tmp
				break
			}
			rows[k] = rows[from]
			k = from
		}
	}
	for k, v := range idx {
		if v < 0 {
			idx[k] = ^v
		}
	}
}

// measureValue is a row's value of the measure sorted by; ok is false when it has none.
type measureValue struct {
	v  float64
	ok bool
}

// compareMeasure orders two totals by a measure; a measure without a value sorts last whatever
// the direction.
func compareMeasure(a, b Totals, m Measure, desc bool) int {
	va, oka := a.Value(m)
	vb, okb := b.Value(m)
	return compareValues(measureValue{va, oka}, measureValue{vb, okb}, desc)
}

func compareValues(a, b measureValue, desc bool) int {
	switch {
	case !a.ok && !b.ok:
		return 0
	case !a.ok:
		return 1
	case !b.ok:
		return -1
	}
	c := cmp.Compare(a.v, b.v)
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
	if len(res.Rows) == 0 {
		return
	}
	// A row's undefined measures depend on whether it has a period only.
	undefined := [2]MeasureSet{}
	known := [2]bool{}
	var shares []float64
	if res.Total.AmountPaid != 0 {
		shares = make([]float64, len(res.Rows))
	}
	for i := range res.Rows {
		r := &res.Rows[i]
		dated := 0
		if r.Period != nil {
			dated = 1
		}
		if !known[dated] {
			undefined[dated], known[dated] = q.rowUndefined(*r), true
		}
		r.Undefined = undefined[dated]
		if shares != nil {
			shares[i] = float64(r.AmountPaid) / float64(res.Total.AmountPaid)
			r.ShareOfTotal = &shares[i]
		}
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
	var others []Dimension
	for _, d := range q.GroupBy {
		if !d.IsTime() {
			others = append(others, d)
		}
	}
	idx := make([]int, 0, len(res.Rows))
	for i, r := range res.Rows {
		if r.Period == nil {
			continue
		}
		if first == nil || compareDates(r.Period.Start, first.Start) < 0 {
			p := *r.Period
			first = &p
		}
		idx = append(idx, i)
	}
	// Each series together, its periods in order (a series has one row per period).
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := &res.Rows[i], &res.Rows[j]
		if c := compareKeys(others, &a.Key, &b.Key); c != 0 {
			return c
		}
		return compareDateText(a.Period.Start, b.Period.Start)
	})
	// The totals rows point to, allocated together.
	running := make([]Totals, len(idx))
	previous := make([]Totals, 0, len(idx))
	var sum Totals
	for n, i := range idx {
		r := &res.Rows[i]
		start := n == 0 || compareKeys(others, &res.Rows[idx[n-1]].Key, &r.Key) != 0
		if start {
			sum = Totals{}
		}
		sum.AmountPaid += r.AmountPaid
		sum.AmountListed += r.AmountListed
		sum.AmountApproved += r.AmountApproved
		sum.AmountReturned += r.AmountReturned
		sum.AmountCancelled += r.AmountCancelled
		sum.Disbursements += r.Disbursements
		running[n] = sum
		running[n].Undefined = r.Undefined | additiveOnly
		r.Running = &running[n]
		prevStart := periodStart(bucket, r.Period.Start.AddDays(-1))
		switch {
		case !start && res.Rows[idx[n-1]].Period.Start == prevStart:
			previous = append(previous, res.Rows[idx[n-1]].Totals)
			r.Previous = &previous[len(previous)-1]
		case first != nil && compareDates(prevStart, first.Start) >= 0:
			previous = append(previous, Totals{Undefined: r.Undefined, DaysListedToPaid: emptyDays(r.DaysListedToPaid)})
			r.Previous = &previous[len(previous)-1]
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

// compareKeys orders two keys by the dimensions as their sortKeyOf values do, one after another,
// without writing them: as slices.Compare of the lists of sortKeyOf.
func compareKeys(dims []Dimension, a, b *Key) int {
	for _, d := range dims {
		if c := compareDimension(d, a, b); c != 0 {
			return c
		}
	}
	return 0
}

// compareDimension is strings.Compare(sortKeyOf(d, *a), sortKeyOf(d, *b)), mostly without writing
// them.
func compareDimension(d Dimension, a, b *Key) int {
	switch d {
	case Program:
		return compareID(a.ProgramID, b.ProgramID, d, a, b)
	case Group:
		return compareID(a.GroupID, b.GroupID, d, a, b)
	case Fund:
		return compareID(a.FundID, b.FundID, d, a, b)
	case Round:
		if a.RoundID == 0 || b.RoundID == 0 {
			return compareBoolLast(a.RoundID == 0, b.RoundID == 0)
		}
		return compareID(a.RoundID, b.RoundID, d, a, b)
	case Status:
		if a.Status == nil || b.Status == nil {
			return compareBoolLast(a.Status == nil, b.Status == nil)
		}
		return compareIndex(slices.Index(disbursement.Statuses, *a.Status), slices.Index(disbursement.Statuses, *b.Status))
	case Channel:
		if a.Channel == nil || b.Channel == nil {
			return compareBoolLast(a.Channel == nil, b.Channel == nil)
		}
		return compareIndex(slices.Index(disbursement.Channels, *a.Channel), slices.Index(disbursement.Channels, *b.Channel))
	case Instalment:
		if a.Instalment >= 0 && b.Instalment >= 0 && a.Instalment < 100000 && b.Instalment < 100000 {
			return cmp.Compare(a.Instalment, b.Instalment)
		}
	case Province:
		return strings.Compare(cmp.Or(a.ProvinceCode, "~"), cmp.Or(b.ProvinceCode, "~"))
	case District:
		a1, a2 := a.DistrictCode, ""
		if a1 == "" {
			a1, a2 = "~", a.ProvinceCode
		}
		b1, b2 := b.DistrictCode, ""
		if b1 == "" {
			b1, b2 = "~", b.ProvinceCode
		}
		return compareJoined(a1, a2, b1, b2)
	case Ward:
		a1, a2 := cmp.Or(a.WardCode, "~"), ""
		if a.WardSplit {
			a1, a2 = a.WardCode, "~split"
		}
		b1, b2 := cmp.Or(b.WardCode, "~"), ""
		if b.WardSplit {
			b1, b2 = b.WardCode, "~split"
		}
		return compareJoined(a1, a2, b1, b2)
	case Day, Week, Month, Quarter, Year:
		if a.Period == nil || b.Period == nil {
			return compareBoolLast(a.Period == nil, b.Period == nil)
		}
		return compareDateText(a.Period.Start, b.Period.Start)
	}
	return strings.Compare(sortKeyOf(d, *a), sortKeyOf(d, *b))
}

// compareID compares IDs as their zero-padded text does: as numbers when neither is negative.
func compareID(x, y int64, d Dimension, a, b *Key) int {
	if x >= 0 && y >= 0 {
		return cmp.Compare(x, y)
	}
	return strings.Compare(sortKeyOf(d, *a), sortKeyOf(d, *b))
}

// compareIndex compares indexes as their text "%02d" does, for -1 (not found) to 99.
func compareIndex(x, y int) int {
	if x >= -1 && y >= -1 && x < 100 && y < 100 {
		return cmp.Compare(x, y)
	}
	return strings.Compare(fmt.Sprintf("%02d", x), fmt.Sprintf("%02d", y))
}

// compareBoolLast orders a missing value ("~") after any other; two present values are left to the
// caller (0).
func compareBoolLast(aMissing, bMissing bool) int {
	switch {
	case aMissing && bMissing:
		return 0
	case aMissing:
		return 1
	case bMissing:
		return -1
	}
	return 0
}

// compareJoined is strings.Compare(a1+a2, b1+b2) without joining them.
func compareJoined(a1, a2, b1, b2 string) int {
	if a2 == "" && b2 == "" {
		return strings.Compare(a1, b1)
	}
	la, lb := len(a1)+len(a2), len(b1)+len(b2)
	at := func(s1, s2 string, i int) byte {
		if i < len(s1) {
			return s1[i]
		}
		return s2[i-len(s1)]
	}
	for i := 0; i < la && i < lb; i++ {
		x, y := at(a1, a2, i), at(b1, b2, i)
		if x != y {
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(la, lb)
}

// compareDates is a.Compare(b) for the dates periods start on (civil.New made them: normalised),
// without making times of them.
func compareDates(a, b civil.Date) int {
	return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Month, b.Month), cmp.Compare(a.Day, b.Day))
}

// compareDateText compares dates as their text YYYY-MM-DD does: by date for years 0 to 9999.
func compareDateText(a, b civil.Date) int {
	plain := func(d civil.Date) bool {
		return d.Year >= 0 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= 31
	}
	if plain(a) && plain(b) {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Month, b.Month), cmp.Compare(a.Day, b.Day))
	}
	return strings.Compare(a.String(), b.String())
}
