package rollup

import (
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"hotro/internal/civil"
	"hotro/internal/report"
)

// Bounds of the memos: past them a memo forgets everything and starts again, so that a flood of
// distinct questions cannot grow it.
const (
	planMemoSize     = 4096    // plans
	unionMemoEntries = 1 << 16 // distinct counts
	unionMemoSets    = 1 << 21 // sets named by them (at most 48 MiB of slice headers and pointers)
)

// plannedQuery is what a question's plan is, for one unit tree: the planner (read only once it has
// planned), the rows to read and the filter of the rows.
type plannedQuery struct {
	p      *planner
	reads  []*read
	filter rowFilter
}

// planMemo keeps the plans made with one unit tree and one reference snapshot, by question: clients
// ask the same few questions again and again.
type planMemo struct {
	mu sync.Mutex
	m  map[string]*plannedQuery
}

func newPlanMemo() *planMemo { return &planMemo{m: map[string]*plannedQuery{}} }

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
// unioned: a question asked again counts nothing again. Its entries hold their sets, so a pointer in
// a key never names another set.
type unionMemo struct {
	seed maphash.Seed

	mu      sync.Mutex
	entries map[uint64][]unionEntry
	held    int // sets held
}

type unionEntry struct {
	sets  valueSets
	count uint64
}

func newUnionMemo() *unionMemo {
	return &unionMemo{seed: maphash.MakeSeed(), entries: map[uint64][]unionEntry{}}
}

// sameSets tells whether a and b are the same sets in the same order (the same memory, not only
// the same values).
func sameSets(a, b valueSets) bool {
	if !slices.Equal(a.bitmaps, b.bitmaps) || len(a.small) != len(b.small) {
		return false
	}
	for i := range a.small {
		if len(a.small[i]) != len(b.small[i]) || unsafe.SliceData(a.small[i]) != unsafe.SliceData(b.small[i]) {
			return false
		}
	}
	return true
}

// cardinality is s.distinct(), remembered (m nil: not).
func (m *unionMemo) cardinality(s valueSets) uint64 {
	n := len(s.bitmaps) + len(s.small)
	if m == nil || n < 2 {
		return s.distinct()
	}
	var h maphash.Hash
	h.SetSeed(m.seed)
	for _, b := range s.bitmaps {
		maphash.WriteComparable(&h, b)
	}
	for _, sm := range s.small {
		maphash.WriteComparable(&h, unsafe.SliceData(sm))
		maphash.WriteComparable(&h, len(sm))
	}
	key := h.Sum64()
	m.mu.Lock()
	for _, e := range m.entries[key] {
		if sameSets(e.sets, s) {
			m.mu.Unlock()
			return e.count
		}
	}
	m.mu.Unlock()
	count := s.distinct()
	m.mu.Lock()
	if len(m.entries) >= unionMemoEntries || m.held+n > unionMemoSets {
		m.entries, m.held = map[uint64][]unionEntry{}, 0
	}
	if n <= unionMemoSets {
		kept := valueSets{bitmaps: slices.Clone(s.bitmaps), small: slices.Clone(s.small)}
		m.entries[key] = append(m.entries[key], unionEntry{kept, count})
		m.held += n
	}
	m.mu.Unlock()
	return count
}
