package rollup

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/disbursement"
)

// keyColumns are the primary key of rollups, in order.
const keyColumns = "level, unit_id, program_id, group_id, fund_id, status, channel, period"

// keyLiteral writes a key as SQL values. Every part is a number or a name from a fixed list, so
// nothing a user typed reaches the SQL text.
func keyLiteral(b *strings.Builder, k cellKey) {
	b.WriteByte('(')
	for i, n := range []int64{int64(k.level), k.unit, k.program, k.group, k.fund} {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(n, 10))
	}
	fmt.Fprintf(b, ", '%s', '%s', %d)", statusText(k.status), channelText(k.channel), k.period)
}

// sortedKeys returns the cells' keys in primary-key order, the order writers lock rows in.
func sortedKeys(cells map[cellKey]*cell) []cellKey {
	keys := make([]cellKey, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cellKey.compare)
	return keys
}

// insertCells writes new rows (none of them may exist yet), in batches.
func insertCells(ctx context.Context, idb bun.IDB, cells map[cellKey]*cell) error {
	return upsertCells(ctx, idb, cells, "")
}

// upsertCells writes rows with their whole measures; onConflict is what to do when a row exists.
func upsertCells(ctx context.Context, idb bun.IDB, cells map[cellKey]*cell, onConflict string) error {
	keys := sortedKeys(cells)
	const chunk = 500
	for i := 0; i < len(keys); i += chunk {
		var b strings.Builder
		b.WriteString("INSERT INTO rollups (" + keyColumns + ", lines, amount, recipients, persons) VALUES ")
		var args []any
		for j, k := range keys[i:min(i+chunk, len(keys))] {
			if j > 0 {
				b.WriteString(", ")
			}
			c := cells[k]
			var kb strings.Builder
			keyLiteral(&kb, k)
			lit := kb.String()
			fmt.Fprintf(&b, "%s, %d, %d, ?, ?)", lit[:len(lit)-1], c.lines, c.amount)
			r, p, err := c.bitmaps()
			if err != nil {
				return err
			}
			args = append(args, r, p)
		}
		b.WriteString(onConflict)
		if _, err := idb.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("rollup: write rows: %w", err)
		}
	}
	return nil
}

// storedRow is one rollup row as read back.
type storedRow struct {
	key  cellKey
	cell cell
	// raw bitmaps, decoded only when needed
	recipients, persons []byte
}

// scanRows reads rollup rows selected by the query, which must list keyColumns then lines, amount,
// recipients and persons.
func scanRows(ctx context.Context, idb bun.IDB, query string, args []any, each func(storedRow) error) error {
	rows, err := idb.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r               storedRow
			status, channel string
			level           int64
			period          int64
		)
		if err := rows.Scan(&level, &r.key.unit, &r.key.program, &r.key.group, &r.key.fund, &status, &channel, &period,
			&r.cell.lines, &r.cell.amount, &r.recipients, &r.persons); err != nil {
			return err
		}
		r.key.level, r.key.period = int16(level), int32(period)
		if r.key.status, err = statusIndex(disbursement.Status(status)); err != nil {
			return err
		}
		if r.key.channel, err = parseChannel(channel); err != nil {
			return err
		}
		if err := each(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
