package rollup

import (
	"hotro/internal/disbursement"
)

// CopyColumns are the columns of rollups in the order Builder.Rows gives values, for a bulk load with
// PostgreSQL COPY.
var CopyColumns = []string{"level", "unit_id", "program_id", "group_id", "fund_id", "status", "channel", "period", "lines", "amount", "recipients", "persons"}

// Builder computes rollup rows from lines as a bulk loader writes them: the same computation as
// Rebuild and Check, fed line by line instead of read from the database.
type Builder struct {
	acc *accumulator
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{acc: newAccumulator()} }

// Add counts a line recorded in a ward whose parent unit and province (as the stats SQL finds
// them: the parent's parent, or the parent when it is a province) are given.
func (b *Builder) Add(f *disbursement.Facts, parent, province int64) error {
	return b.acc.add(f, unitKeys{parent: parent, province: province})
}

// Len is the number of rows built so far.
func (b *Builder) Len() int { return len(b.acc.cells) }

// Flush hands every row built so far to emit, as values in CopyColumns order, and forgets them. A
// flush must not split the lines of one unit of any level: flush after whole provinces.
func (b *Builder) Flush(emit func(values []any) error) error {
	for _, k := range sortedKeys(b.acc.cells) {
		c := b.acc.cells[k]
		r, p, err := c.bitmaps()
		if err != nil {
			return err
		}
		if err := emit([]any{k.level, k.unit, k.program, k.group, k.fund, statusText(k.status), channelText(k.channel),
			k.period, c.lines, c.amount, r, p}); err != nil {
			return err
		}
	}
	b.acc = newAccumulator()
	return nil
}
