package rollup

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// smallSet is the most IDs a Resident keeps as a sorted slice rather than a bitmap: a roaring
// bitmap's own bookkeeping (a few hundred bytes) outweighs a few IDs, and most rollup rows of a
// ward on a day pay a few recipients.
const smallSet = 32

// valueSet is the recipients or persons of one rollup row: a bitmap, or a sorted slice of distinct
// IDs; neither when the row has none.
type valueSet struct {
	bitmap *roaring.Bitmap
	small  []uint32
}

// valueSets is the sets of the rows of one result row, to be counted as one union.
type valueSets struct {
	bitmaps []*roaring.Bitmap
	small   [][]uint32
}

func (s *valueSets) add(x valueSet) {
	if x.bitmap != nil {
		s.bitmaps = append(s.bitmaps, x.bitmap)
	}
	if len(x.small) > 0 {
		s.small = append(s.small, x.small)
	}
}

func (s *valueSets) addAll(o valueSets) {
	s.bitmaps = append(s.bitmaps, o.bitmaps...)
	s.small = append(s.small, o.small...)
}

// distinct counts the IDs of the union of the sets.
func (s *valueSets) distinct() uint64 {
	if len(s.small) == 0 {
		return unionCardinality(s.bitmaps)
	}
	var union *roaring.Bitmap
	switch len(s.bitmaps) {
	case 0:
		if len(s.small) == 1 {
			return uint64(len(s.small[0])) // sorted and distinct already
		}
	case 1:
		union = s.bitmaps[0]
	default:
		union = roaring.FastOr(s.bitmaps...)
	}
	var n uint64
	var rest []uint32
	for _, sm := range s.small {
		for _, v := range sm {
			if union == nil || !union.Contains(v) {
				rest = append(rest, v)
			}
		}
	}
	if union != nil {
		n = union.GetCardinality()
	}
	slices.Sort(rest)
	return n + uint64(len(slices.Compact(rest)))
}
