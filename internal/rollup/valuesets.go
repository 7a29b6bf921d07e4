package rollup

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// smallSet is the most IDs a Resident keeps as a sorted slice rather than a bitmap: a roaring
// bitmap's own bookkeeping outweighs a few IDs, and most rollup rows of a ward on a day pay a few
// recipients.
const smallSet = 32

// smallUnion is the most IDs of small sets a union counts by sorting them, rather than through the
// memo: sorting a few hundred IDs costs less than remembering them.
const smallUnion = 256

// valueSet is the recipients or persons of one rollup row: a roaring bitmap as stored (serialised,
// decoded only when a union needs it), or a few distinct IDs packed (packSmall); neither when the
// row has none. Both are read only: a Resident's point into the arrays of its blocks, which the GC
// does not look into.
type valueSet struct {
	bitmap []byte
	small  []byte
}

// packSmall appends the distinct sorted IDs (at most smallSet) to dst, packed: their number in one
// byte, then the first ID and the gaps between the next ones less one, as uvarints. Recipients of
// one list get consecutive IDs, so most IDs take one byte rather than four.
func packSmall(dst []byte, ids []uint32) []byte {
	dst = append(dst, byte(len(ids)))
	prev := uint32(0)
	for i, id := range ids {
		gap := id
		if i > 0 {
			gap = id - prev - 1
		}
		dst = binary.AppendUvarint(dst, uint64(gap))
		prev = id
	}
	return dst
}

// appendSmall appends the IDs packed by packSmall to dst.
func appendSmall(dst []uint32, packed []byte) []uint32 {
	if len(packed) == 0 {
		return dst
	}
	n := int(packed[0])
	packed = packed[1:]
	prev := uint32(0)
	for i := range n {
		gap, w := binary.Uvarint(packed)
		if w <= 0 {
			return dst // checked as packed
		}
		packed = packed[w:]
		id := uint32(gap)
		if i > 0 {
			id = prev + 1 + uint32(gap)
		}
		dst = append(dst, id)
		prev = id
	}
	return dst
}

func (v valueSet) empty() bool { return len(v.bitmap) == 0 && len(v.small) == 0 }

// count is the number of IDs of the set.
func (v valueSet) count() uint64 {
	if len(v.bitmap) > 0 {
		n, err := serializedCardinality(v.bitmap)
		if err != nil {
			// Checked as the set was kept; a set read from the database is checked as it is decoded.
			bm, derr := decodeView(v.bitmap)
			if derr != nil || bm == nil {
				return 0
			}
			return bm.GetCardinality()
		}
		return n
	}
	if len(v.small) > 0 {
		return uint64(v.small[0])
	}
	return 0
}

// serializedCardinality reads the number of values of a bitmap in the portable format from its
// header, without decoding it: the header lists every container's cardinality.
func serializedCardinality(buf []byte) (uint64, error) {
	const serialCookieNoRunContainer, serialCookie = 12346, 12347
	if len(buf) < 4 {
		return 0, errMalformed
	}
	cookie := binary.LittleEndian.Uint32(buf)
	var size int
	pos := 4
	switch {
	case cookie&0xFFFF == serialCookie:
		size = int(cookie>>16) + 1
		pos += (size + 7) / 8
	case cookie == serialCookieNoRunContainer:
		if len(buf) < 8 {
			return 0, errMalformed
		}
		size = int(binary.LittleEndian.Uint32(buf[4:]))
		pos += 4
	default:
		return 0, errMalformed
	}
	if size > 1<<16 || len(buf) < pos+4*size {
		return 0, errMalformed
	}
	var n uint64
	for i := range size {
		n += uint64(binary.LittleEndian.Uint16(buf[pos+4*i+2:])) + 1
	}
	return n, nil
}

var errMalformed = errors.New("malformed bitmap")

// decodeView reads a serialised bitmap without copying its containers: buf must not change while
// the bitmap, or any bitmap made from it, is in use.
func decodeView(buf []byte) (*roaring.Bitmap, error) {
	if len(buf) == 0 {
		return nil, nil
	}
	b := roaring.New()
	if _, err := b.FromBuffer(buf); err != nil {
		return nil, err
	}
	return b, nil
}

// valueSets is the sets of the rows of one result row, to be counted as one union.
type valueSets []valueSet

// distinct counts the IDs of the union of the sets, which must not be empty.
func (s valueSets) distinct() uint64 {
	if len(s) == 1 {
		return s[0].count()
	}
	var bitmaps []*roaring.Bitmap
	smallIDs := 0
	for _, v := range s {
		if len(v.bitmap) > 0 {
			bm, err := decodeView(v.bitmap)
			if err == nil && bm != nil {
				bitmaps = append(bitmaps, bm)
			}
		}
		if len(v.small) > 0 {
			smallIDs += int(v.small[0])
		}
	}
	var union *roaring.Bitmap
	switch len(bitmaps) {
	case 0:
		ids := make([]uint32, 0, smallIDs)
		for _, v := range s {
			ids = appendSmall(ids, v.small)
		}
		return sortedDistinct(ids)
	case 1:
		union = bitmaps[0]
	default:
		if smallIDs == 0 {
			return unionCardinality(bitmaps)
		}
		union = roaring.FastOr(bitmaps...)
	}
	var rest, ids []uint32
	for _, v := range s {
		ids = appendSmall(ids[:0], v.small)
		for _, id := range ids {
			if !union.Contains(id) {
				rest = append(rest, id)
			}
		}
	}
	return union.GetCardinality() + sortedDistinct(rest)
}

// sortedDistinct sorts ids and counts its distinct values.
func sortedDistinct(ids []uint32) uint64 {
	slices.Sort(ids)
	return uint64(len(slices.Compact(ids)))
}

// smallOnly tells whether the sets are all small, holding at most smallUnion IDs together.
func (s valueSets) smallOnly() (int, bool) {
	n := 0
	for _, v := range s {
		if len(v.bitmap) > 0 {
			return 0, false
		}
		if len(v.small) > 0 {
			n += int(v.small[0])
		}
	}
	return n, n <= smallUnion
}

// unionCardinality counts the distinct values of the bitmaps. Bitmaps whose ranges of values do not
// overlap cannot share a value, so they are counted apart; only overlapping ones are unioned. Rows of
// different units usually hold ranges of their own (recipients of one list get consecutive IDs), so
// most of the work of a union is saved, and the count stays exact either way.
func unionCardinality(bms []*roaring.Bitmap) uint64 {
	type span struct {
		lo, hi uint32
		b      *roaring.Bitmap
	}
	spans := make([]span, 0, len(bms))
	for _, b := range bms {
		if b != nil && !b.IsEmpty() {
			spans = append(spans, span{b.Minimum(), b.Maximum(), b})
		}
	}
	slices.SortFunc(spans, func(x, y span) int { return cmp.Compare(x.lo, y.lo) })
	var total uint64
	var cluster []*roaring.Bitmap
	var hi uint32
	flush := func() {
		switch len(cluster) {
		case 0:
		case 1:
			total += cluster[0].GetCardinality()
		default:
			total += roaring.FastOr(cluster...).GetCardinality()
		}
		cluster = cluster[:0]
	}
	for _, s := range spans {
		if len(cluster) > 0 && s.lo > hi {
			flush()
		}
		if len(cluster) == 0 || s.hi > hi {
			hi = s.hi
		}
		cluster = append(cluster, s.b)
	}
	flush()
	return total
}
