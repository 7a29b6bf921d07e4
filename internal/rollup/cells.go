package rollup

import (
	"fmt"
	"math"

	"github.com/RoaringBitmap/roaring/v2"

	"hotro/internal/disbursement"
)

// cell is the measures of one rollup row: lines and the sum of their amounts; for PAID rows, the
// recipients and the persons their lines cover.
type cell struct {
	lines, amount       int64
	recipients, persons *roaring.Bitmap
}

// keysOf returns the row of each level that a line counts in.
func keysOf(f *disbursement.Facts, uk unitKeys) ([]cellKey, error) {
	var keys [maxLevels]cellKey
	if err := fillKeys(&keys, f, uk); err != nil {
		return nil, err
	}
	return keys[:len(Levels)], nil
}

// fillKeys writes the row of each level that a line counts in into keys.
func fillKeys(keys *[maxLevels]cellKey, f *disbursement.Facts, uk unitKeys) error {
	st, err := statusIndex(f.Status)
	if err != nil {
		return err
	}
	ch, err := channelIndex(f.Channel)
	if err != nil {
		return err
	}
	for i, l := range Levels {
		k := cellKey{level: l.ID, program: f.ProgramID, group: f.GroupID, fund: f.FundID, status: st, channel: ch, period: periodOf(l.time, f.PaidOn)}
		if l.slim {
			k.group, k.fund, k.channel = 0, 0, 0
		}
		switch l.unit {
		case grainWard:
			k.unit = f.WardID
		case grainParent:
			k.unit = uk.parent
		case grainProvince:
			k.unit = uk.province
		}
		keys[i] = k
	}
	return nil
}

// checkIDs refuses a paid line whose recipient or persons do not fit the 32-bit bitmaps.
func checkIDs(f *disbursement.Facts) error {
	if f.BeneficiaryID < 0 || f.BeneficiaryID > math.MaxUint32 {
		return fmt.Errorf("recipient ID %d is outside the range rollups count (0 to %d)", f.BeneficiaryID, uint32(math.MaxUint32))
	}
	if f.PersonBase < 0 || f.People < 0 || f.PersonBase+int64(f.People) > math.MaxUint32 {
		return fmt.Errorf("person IDs %d+%d of recipient %d are outside the range rollups count", f.PersonBase, f.People, f.BeneficiaryID)
	}
	return nil
}

// addPaid puts a paid line's recipient and persons into the cell's bitmaps.
func (c *cell) addPaid(f *disbursement.Facts) {
	if c.recipients == nil {
		c.recipients, c.persons = roaring.New(), roaring.New()
	}
	c.recipients.Add(uint32(f.BeneficiaryID))
	// One by one rather than AddRange: a few persons at a time, and an array container's AddRange
	// copies the whole container every time, where Add appends.
	for p := uint32(f.PersonBase); p < uint32(f.PersonBase)+uint32(f.People); p++ {
		c.persons.Add(p)
	}
}

// accumulator computes rollup rows from lines.
type accumulator struct {
	cells map[cellKey]*cell
	// The rows of the last line: lines come in lists, and consecutive lines mostly share rows.
	last     [maxLevels]cellKey
	lastCell [maxLevels]*cell
	keys     [maxLevels]cellKey
}

func newAccumulator() *accumulator { return &accumulator{cells: map[cellKey]*cell{}} }

// add counts one line in every level.
func (a *accumulator) add(f *disbursement.Facts, uk unitKeys) error {
	if err := fillKeys(&a.keys, f, uk); err != nil {
		return fmt.Errorf("line %d: %w", f.ID, err)
	}
	paid := f.Status == disbursement.Paid
	if paid {
		if err := checkIDs(f); err != nil {
			return fmt.Errorf("line %d: %w", f.ID, err)
		}
	}
	for i, k := range a.keys[:len(Levels)] {
		c := a.lastCell[i]
		if c == nil || a.last[i] != k {
			c = a.cells[k]
			if c == nil {
				c = &cell{}
				a.cells[k] = c
			}
			a.last[i], a.lastCell[i] = k, c
		}
		c.lines++
		c.amount += f.Amount
		if paid {
			c.addPaid(f)
		}
	}
	return nil
}

// bitmaps returns the cell's recipients and persons as the database stores them: serialised, or
// NULL when absent.
func (c *cell) bitmaps() (recipients, persons any, err error) {
	r, err := encode(c.recipients)
	if err != nil {
		return nil, nil, err
	}
	p, err := encode(c.persons)
	if err != nil {
		return nil, nil, err
	}
	return bytesOrNil(r), bytesOrNil(p), nil
}

// bytesOrNil makes an absent bitmap NULL rather than an empty value.
func bytesOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// encode serialises a bitmap for the database, compressed into runs where that is smaller.
func encode(b *roaring.Bitmap) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	b.RunOptimize()
	return b.ToBytes()
}

// decode reads a bitmap the database holds (nil or empty: none).
func decode(raw []byte) (*roaring.Bitmap, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	b := roaring.New()
	if _, err := b.FromBuffer(raw); err != nil {
		return nil, err
	}
	return b, nil
}
