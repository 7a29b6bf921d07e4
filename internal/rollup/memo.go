package rollup

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"hotro/internal/civil"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// Bounds of the memos: past them a memo forgets everything and starts again, so that a flood of
// distinct questions cannot grow it.
const (
	planMemoSize     = 4096    // plans
	unionMemoEntries = 1 << 16 // distinct counts
	unionMemoSets    = 1 << 20 // sets named by them (at most 48 MiB of slice headers)
)

// plannedQuery is what a question's plan is, for one unit tree: the planner (read only once it has
// planned), the rows to read and the filter of the rows.
type plannedQuery struct {
	p      *planner
	reads  []plannedRead
	parts  []unitPart // the unit sides of result rows, by index
	filter rowFilter
}

// plannedRead is the rows to read from one level: each unit once, with the index of its unit side.
type plannedRead struct {
	level   int // index in Levels
	units   []int64
	parts   []int32
	periods []periodRange // none: every period
}

func newPlannedQuery(q report.Query, t *tree, ref *reference.Snapshot) *plannedQuery {
	p := newPlanner(q, t)
	pq := &plannedQuery{p: p, filter: newRowFilter(q.Filter, ref)}
	index := map[unitPart]int32{}
	for _, rd := range p.plan() {
		out := plannedRead{level: levelIndex(rd.level.ID), periods: rd.periods}
		seen := make(map[int64]bool, len(rd.units))
		for _, unit := range rd.units {
			if seen[unit] {
				continue
			}
			seen[unit] = true
			part := rd.parts[unit]
			i, ok := index[part]
			if !ok {
				i = int32(len(pq.parts))
				index[part] = i
				pq.parts = append(pq.parts, part)
			}
			out.units = append(out.units, unit)
			out.parts = append(out.parts, i)
		}
		pq.reads = append(pq.reads, out)
	}
	var renumber []int32
	pq.parts, renumber = sortParts(pq.parts)
	for _, rd := range pq.reads {
		for j, i := range rd.parts {
			rd.parts[j] = renumber[i]
		}
	}
	return pq
}

// planMemo keeps the plans made with one unit tree and one reference snapshot, by question: clients
// ask the same few questions again and again.
type planMemo struct {
	mu sync.Mutex
	m  map[string]*plannedQuery
	// periods keeps the periods of result rows, labels written.
	periods *periodLabels
}

func newPlanMemo() *planMemo {
	return &planMemo{m: map[string]*plannedQuery{}, periods: newPeriodLabels()}
}

// get returns the plan of q, made now with make when it is not kept.
func (m *planMemo) get(q report.Query, make func() *plannedQuery) *plannedQuery {
	key := planKey(q)
	m.mu.Lock()
	pq := m.m[key]
	m.mu.Unlock()
	if pq != nil {
		return pq
	}
	pq = make()
	m.mu.Lock()
	if len(m.m) >= planMemoSize {
		m.m = map[string]*plannedQuery{}
	}
	m.m[key] = pq
	m.mu.Unlock()
	return pq
}

// planKey writes down everything of a query that its plan and row filter depend on: the grouping,
// the filter, the units' date and the scope (not the order nor the page, applied after). A nil list
// and an empty one differ (no filter; nothing passes).
func planKey(q report.Query) string {
	var b strings.Builder
	for _, d := range q.GroupBy {
		b.WriteString(string(d))
		b.WriteByte(',')
	}
	f := q.Filter
	for _, list := range [][]string{f.Programs, f.Provinces, f.Districts, f.Wards, f.Groups, f.Funds, f.Rounds} {
		b.WriteByte('|')
		for _, s := range list {
			b.WriteString(s)
			b.WriteByte(',')
		}
	}
	b.WriteByte('|')
	for _, s := range f.Statuses {
		b.WriteString(string(s))
		b.WriteByte(',')
	}
	b.WriteByte('|')
	for _, c := range f.Channels {
		b.WriteString(string(c))
		b.WriteByte(',')
	}
	for _, d := range []*civil.Date{f.PaidFrom, f.PaidTo, q.UnitsAsOf} {
		b.WriteByte('|')
		if d != nil {
			b.WriteString(d.String())
		}
	}
	for _, ids := range [][]int64{f.ProgramIDs, f.GroupIDs, f.FundIDs, f.WardIDs, q.Scope.WardIDs} {
		b.WriteByte('|')
		if ids == nil {
			b.WriteByte('*')
			continue
		}
		for _, id := range ids {
			b.WriteString(strconv.FormatInt(id, 10))
			b.WriteByte(',')
		}
	}
	return b.String()
}

// unionMemo keeps distinct counts of unions of sets of one state of the rollups, by the sets
// unioned: a question asked again counts nothing again. Its entries hold their sets, so the memory a
// key names is never another set's.
type unionMemo struct {
	seed uint64

	mu      sync.Mutex
	entries map[uint64][]unionEntry
	held    int // sets held
}

type unionEntry struct {
	sets  valueSets
	count uint64
}

// hash mixes the addresses and lengths of the sets (never their values: a set is its memory).
func (m *unionMemo) hash(s valueSets) uint64 {
	h := m.seed
	mix := func(v uint64) {
		h ^= v
		h *= 0x9E3779B97F4A7C15
		h ^= h >> 29
	}
	for _, v := range s {
		mix(uint64(uintptr(unsafe.Pointer(unsafe.SliceData(v.bitmap)))))
		mix(uint64(uintptr(unsafe.Pointer(unsafe.SliceData(v.small)))))
		mix(uint64(len(v.bitmap))<<32 | uint64(len(v.small)))
	}
	return h
}

func newUnionMemo() *unionMemo {
	return &unionMemo{seed: rand.Uint64(), entries: map[uint64][]unionEntry{}}
}

// sameSets tells whether a and b are the same sets in the same order (the same memory, not only
// the same values).
func sameSets(a, b valueSets) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameMemory(a[i].bitmap, b[i].bitmap) || !sameMemory(a[i].small, b[i].small) {
			return false
		}
	}
	return true
}

func sameMemory[T any](a, b []T) bool {
	return len(a) == len(b) && unsafe.SliceData(a) == unsafe.SliceData(b)
}

// cardinality is s.distinct(), remembered (m nil: not). Unions of a few small sets are counted
// again, faster than they would be looked up; s may be scratch memory: the memo keeps a copy.
func (m *unionMemo) cardinality(s valueSets) uint64 {
	switch len(s) {
	case 0:
		return 0
	case 1:
		return s[0].count()
	}
	if n, ok := s.smallOnly(); ok {
		var buf [smallUnion]uint32
		ids := buf[:0:n]
		for _, v := range s {
			ids = appendSmall(ids, v.small)
		}
		return sortedDistinct(ids)
	}
	if m == nil {
		return s.distinct()
	}
	key := m.hash(s)
	m.mu.Lock()
	for _, e := range m.entries[key] {
		if sameSets(e.sets, s) {
			m.mu.Unlock()
			return e.count
		}
	}
	m.mu.Unlock()
	count := s.distinct()
	n := len(s)
	m.mu.Lock()
	if len(m.entries) >= unionMemoEntries || m.held+n > unionMemoSets {
		m.entries, m.held = map[uint64][]unionEntry{}, 0
	}
	if n <= unionMemoSets {
		m.entries[key] = append(m.entries[key], unionEntry{slices.Clone(s), count})
		m.held += n
	}
	m.mu.Unlock()
	return count
}

// Bounds of the answer memo: the answers kept are those that read at least answerMemoRead rows (at
// national scale 0.05, the nation's 10,614 wards read 30,000 rows and take 10-50 ms to add up, most
// of it counting each ward's people; the nation by group, fund or day read 2,000-7,000 rows of the
// provinces, 0.5 ms; a city's wards, a province's districts, a ward's groups or the nation's total
// read a few hundred and are added up at every answer), at most answerMemoRows rows of them in all
// (about 270 bytes each: 70 MB, the nation's wards under 20 different filters; past it the memo
// starts again, and a dashboard going round more filters than that adds them up again).
const (
	answerMemoRead = 2_000
	answerMemoRows = 250_000
)

// answerMemo keeps, for one state of the rollups, the sums of the questions that read many rows,
// by plan: the nation's overview is asked again and again between writes, and adding up every
// ward's rows and counting their people costs far more than laying the sums out again. The sums are
// kept before Arrange, which each answer runs on a copy of what it needs (report.Arranged), with
// the places of the rows a cut order keeps (report.Kept). A write makes a new state and so a new,
// empty memo: what it keeps is never older than the rows.
type answerMemo struct {
	mu      sync.Mutex
	answers map[*plannedQuery]*keptAnswer
	rows    int // rows held
}

// keptAnswer is the sums of one plan and, by order and first, the places of the rows they keep.
type keptAnswer struct {
	sums *report.Result // never changed

	mu   sync.Mutex
	kept map[keptOrder][]int
}

// keptOrder is what, with the plan, tells which rows a query keeps (report.Kept) when it has no
// having nor first within.
type keptOrder struct {
	order report.Order
	first int
}

// keptOrders bounds the orders kept with one answer.
const keptOrders = 16

func newAnswerMemo() *answerMemo {
	return &answerMemo{answers: map[*plannedQuery]*keptAnswer{}}
}

func (m *answerMemo) get(pq *plannedQuery) *keptAnswer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.answers[pq]
}

// put keeps sums, the sums of pq, which nothing may change afterwards, and returns what is kept;
// past the bound the memo forgets everything first.
func (m *answerMemo) put(pq *plannedQuery, sums *report.Result) *keptAnswer {
	a := &keptAnswer{sums: sums, kept: map[keptOrder][]int{}}
	n := len(sums.Rows) + 1
	if n > answerMemoRows {
		return a
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if kept, ok := m.answers[pq]; ok {
		return kept
	}
	if m.rows+n > answerMemoRows {
		m.answers, m.rows = map[*plannedQuery]*keptAnswer{}, 0
	}
	m.answers[pq] = a
	m.rows += n
	return a
}

// arranged is the answer to q (of the plan the sums are of): the rows it keeps found once per order.
func (a *keptAnswer) arranged(q report.Query) *report.Result {
	if len(q.Having) > 0 || q.FirstWithin != nil || q.First == nil {
		return report.Arranged(a.sums, q)
	}
	k := keptOrder{order: report.Order{Field: report.ByKey}, first: *q.First}
	if q.Order != nil {
		k.order = *q.Order
	}
	a.mu.Lock()
	idx, ok := a.kept[k]
	a.mu.Unlock()
	if ok {
		return report.ArrangedKept(a.sums, q, idx)
	}
	idx, ok = report.Kept(a.sums, q)
	if !ok {
		return report.Arranged(a.sums, q)
	}
	a.mu.Lock()
	if len(a.kept) < keptOrders {
		a.kept[k] = idx
	}
	a.mu.Unlock()
	return report.ArrangedKept(a.sums, q, idx)
}
