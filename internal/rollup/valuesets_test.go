package rollup

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// TestDistinctCountsUnionsExactly draws sets of IDs kept as bitmaps and as small sorted slices,
// overlapping or not, and wants their distinct count (remembered or not) equal to a plain count.
func TestDistinctCountsUnionsExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	memo := newUnionMemo()
	for i := range 500 {
		var sets valueSets
		want := map[uint32]bool{}
		base := uint32(r.IntN(3)) * 1000
		for range r.IntN(8) {
			n := 1 + r.IntN(3*smallSet)
			ids := make([]uint32, 0, n)
			for range n {
				ids = append(ids, base+uint32(r.IntN(400)))
			}
			for _, id := range ids {
				want[id] = true
			}
			if r.IntN(2) == 0 {
				sets.add(valueSet{bitmap: roaring.BitmapOf(ids...)})
				continue
			}
			slices.Sort(ids)
			sets.add(valueSet{small: slices.Compact(ids)})
		}
		for _, m := range []*unionMemo{nil, memo, memo} {
			if got := m.cardinality(sets); got != uint64(len(want)) {
				t.Fatalf("case %d (%d bitmaps, %d small sets, memo %v): %d distinct, want %d", i, len(sets.bitmaps), len(sets.small), m != nil, got, len(want))
			}
		}
	}
}
