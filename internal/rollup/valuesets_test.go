package rollup

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// serialised writes a bitmap as a Resident keeps it.
func serialised(t *testing.T, bm *roaring.Bitmap) []byte {
	t.Helper()
	bm.RunOptimize()
	buf, err := bm.ToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

// TestDistinctCountsUnionsExactly draws sets of IDs kept as bitmaps and as small sorted slices,
// overlapping or not, few or many, and wants their distinct count (remembered or not, asked once or
// twice) equal to a plain count.
func TestDistinctCountsUnionsExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	memo := newUnionMemo()
	for i := range 800 {
		var sets valueSets
		want := map[uint32]bool{}
		base := uint32(r.IntN(3)) * 1000
		for range r.IntN(12) {
			n := 1 + r.IntN(3*smallSet)
			ids := make([]uint32, 0, n)
			for range n {
				ids = append(ids, base+uint32(r.IntN(400)))
			}
			for _, id := range ids {
				want[id] = true
			}
			if r.IntN(3) == 0 {
				sets = append(sets, valueSet{bitmap: serialised(t, roaring.BitmapOf(ids...))})
				continue
			}
			slices.Sort(ids)
			ids = slices.Compact(ids)
			if len(ids) > smallSet {
				ids = ids[:smallSet]
				clear(want)
				for _, v := range sets { // the IDs of the sets drawn so far, and these
					for _, id := range idsOf(t, v) {
						want[id] = true
					}
				}
				for _, id := range ids {
					want[id] = true
				}
			}
			sets = append(sets, valueSet{small: packSmall(nil, ids)})
		}
		for _, m := range []*unionMemo{nil, memo, memo} {
			if got := m.cardinality(sets); got != uint64(len(want)) {
				t.Fatalf("case %d (%d sets, memo %v): %d distinct, want %d", i, len(sets), m != nil, got, len(want))
			}
		}
	}
}

// TestSerialisedCardinalityReadsTheHeader wants the count read from a serialised bitmap's header
// equal to the decoded bitmap's, with and without run containers, with few and many containers.
func TestSerialisedCardinalityReadsTheHeader(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		bm := roaring.New()
		containers := 1 + r.IntN(12)
		for c := range containers {
			high := uint32(c*3+r.IntN(3)) << 16
			switch r.IntN(3) {
			case 0: // a run
				from := high + uint32(r.IntN(1000))
				bm.AddRange(uint64(from), uint64(from)+uint64(1+r.IntN(20000)))
			case 1: // a few values (an array)
				for range 1 + r.IntN(100) {
					bm.Add(high + uint32(r.IntN(1<<16)))
				}
			default: // many values (a bitmap container)
				for range 5000 + r.IntN(10000) {
					bm.Add(high + uint32(r.IntN(1<<16)))
				}
			}
		}
		if r.IntN(2) == 0 {
			bm.RunOptimize()
		}
		buf, err := bm.ToBytes()
		if err != nil {
			t.Fatal(err)
		}
		got, err := serializedCardinality(buf)
		if err != nil || got != bm.GetCardinality() {
			t.Fatalf("case %d (%d containers): %d (%v), want %d", i, containers, got, err, bm.GetCardinality())
		}
	}
	for _, bad := range [][]byte{nil, {1, 2}, {0x3a, 0x30, 0, 0, 9, 0, 0, 0}, {0x3b, 0x30, 5, 0}} {
		if _, err := serializedCardinality(bad); err == nil {
			t.Errorf("% x: no error", bad)
		}
	}
}

func idsOf(t *testing.T, v valueSet) []uint32 {
	t.Helper()
	if len(v.bitmap) > 0 {
		bm, err := decodeView(v.bitmap)
		if err != nil {
			t.Fatal(err)
		}
		return bm.ToArray()
	}
	return appendSmall(nil, v.small)
}

// TestSmallSetsPackAndUnpack wants packed sets read back as they were, with gaps of every size.
func TestSmallSetsPackAndUnpack(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := range 2000 {
		ids := make([]uint32, 0, smallSet)
		for range r.IntN(smallSet + 1) {
			switch r.IntN(3) {
			case 0:
				ids = append(ids, uint32(r.IntN(100)))
			case 1:
				ids = append(ids, r.Uint32())
			default:
				ids = append(ids, ^uint32(r.IntN(3)))
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		packed := packSmall([]byte{7}, ids)[1:]
		if got := appendSmall(nil, packed); !slices.Equal(got, ids) {
			t.Fatalf("case %d: %v, want %v", i, got, ids)
		}
		if got := (valueSet{small: packed}).count(); got != uint64(len(ids)) && len(ids) > 0 {
			t.Fatalf("case %d: count %d, want %d", i, got, len(ids))
		}
	}
}

// TestBlockKeepsRowsAsRead appends rows with sets small and large to a block, moves its columns
// into one array, and wants every column and set read back as it was; an ID that does not fit in
// 32 bits is refused.
func TestBlockKeepsRowsAsRead(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	b := &block{}
	type want struct {
		key                 cellKey
		lines, amount       int64
		recipients, persons []uint32
	}
	var rows []want
	for i := range 300 {
		w := want{key: cellKey{program: int64(r.IntN(1 << 31)), group: int64(r.IntN(50)), fund: int64(r.IntN(5)),
			status: uint8(r.IntN(3)), channel: uint8(r.IntN(3)), period: int32(20200101 + i)},
			lines: r.Int64N(1 << 40), amount: r.Int64N(1 << 62)}
		if r.IntN(2) == 0 {
			w.key.status = paidIndex
		}
		row := storedRow{key: w.key, cell: cell{lines: w.lines, amount: w.amount}}
		if w.key.status == paidIndex {
			for _, into := range []*[]uint32{&w.recipients, &w.persons} {
				bm := roaring.New()
				base := r.Uint32N(1 << 30)
				for range 1 + r.IntN(3*smallSet) {
					bm.Add(base + r.Uint32N(5000))
				}
				*into = bm.ToArray()
				raw, err := bm.ToBytes()
				if err != nil {
					t.Fatal(err)
				}
				if into == &w.recipients {
					row.recipients = raw
				} else {
					row.persons = raw
				}
			}
		}
		if err := b.append(row); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, w)
	}
	b.trim()
	for i, w := range rows {
		got := cellKey{program: int64(b.program[i]), group: int64(b.group[i]), fund: int64(b.fund[i]), status: b.status[i], channel: b.channel[i], period: b.period[i]}
		if got != w.key || b.lines[i] != w.lines || b.amount[i] != w.amount {
			t.Fatalf("row %d: %v %d %d, want %v %d %d", i, got, b.lines[i], b.amount[i], w.key, w.lines, w.amount)
		}
		for _, set := range []struct {
			ref  setRef
			want []uint32
		}{{b.recipients[i], w.recipients}, {b.persons[i], w.persons}} {
			v := b.set(set.ref)
			if got := idsOf(t, v); !slices.Equal(got, set.want) || v.count() != uint64(len(set.want)) {
				t.Fatalf("row %d: set %v (count %d), want %v", i, got, v.count(), set.want)
			}
		}
	}
	if err := (&block{}).append(storedRow{key: cellKey{group: 1 << 33}}); err == nil {
		t.Error("a group ID of 34 bits: no error")
	}
}
