package rollup

import (
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"hotro/internal/civil"
	"hotro/internal/report"
)

// Bounds of the memos: past them a memo forgets everything and starts again, so that a flood of
// distinct questions cannot grow it.
const (
	planMemoSize     = 4096    // plans
	unionMemoEntries = 1 << 16 // distinct counts
	unionMemoBitmaps = 1 << 22 // bitmap pointers held by them (32 MiB)
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

// unionMemo keeps distinct counts of unions of bitmaps of one state of the rollups, by the bitmaps
// unioned: a question asked again counts nothing again. Its entries hold their bitmaps, so a
// pointer in a key never names another bitmap.
type unionMemo struct {
	seed maphash.Seed

	mu      sync.Mutex
	entries map[uint64][]unionEntry
	held    int // bitmap pointers held
}

type unionEntry struct {
	bitmaps []*roaring.Bitmap
	count   uint64
}

func newUnionMemo() *unionMemo {
	return &unionMemo{seed: maphash.MakeSeed(), entries: map[uint64][]unionEntry{}}
}

// cardinality is unionCardinality(bms), remembered (m nil: not).
func (m *unionMemo) cardinality(bms []*roaring.Bitmap) uint64 {
	if m == nil || len(bms) < 2 {
		return unionCardinality(bms)
	}
	var h maphash.Hash
	h.SetSeed(m.seed)
	for _, b := range bms {
		maphash.WriteComparable(&h, b)
	}
	key := h.Sum64()
	m.mu.Lock()
	for _, e := range m.entries[key] {
		if slices.Equal(e.bitmaps, bms) {
			m.mu.Unlock()
			return e.count
		}
	}
	m.mu.Unlock()
	n := unionCardinality(bms)
	m.mu.Lock()
	if len(m.entries) >= unionMemoEntries || m.held+len(bms) > unionMemoBitmaps {
		m.entries, m.held = map[uint64][]unionEntry{}, 0
	}
	if len(bms) <= unionMemoBitmaps {
		m.entries[key] = append(m.entries[key], unionEntry{slices.Clone(bms), n})
		m.held += len(bms)
	}
	m.mu.Unlock()
	return n
}
