package rollup

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
)

// The rollup log tells servers holding the rollups in memory (Resident) what other writers changed:
// every write of rollup rows moves rollup_writes (in dataset_info) by one and lists, under the new
// version, the level and unit of the rows it changed. The version is moved with an UPDATE of one
// row, whose lock the writer holds until it commits, so versions follow the order of commits: a
// reader that sees version v sees every change logged at v or before.
const (
	// logKept is how many versions of entries the writers keep: a server further behind than that
	// loads every row again.
	logKept = 4096
	// logPruneEvery is how often (in versions) a writer deletes the entries past logKept.
	logPruneEvery = 256
)

// levelAll in the log means every row changed.
const levelAll = 0

// unitOfLevel is a (level, unit) pair: the rows of one unit at one level.
type unitOfLevel struct {
	level int16
	unit  int64
}

// logChanges moves rollup_writes and logs the pairs under the new version, inside tx, the writer's
// transaction.
func logChanges(ctx context.Context, tx bun.IDB, pairs []unitOfLevel) error {
	var raw string
	if err := tx.NewRaw("UPDATE dataset_info SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'rollup_writes' RETURNING value").
		Scan(ctx, &raw); err != nil {
		return fmt.Errorf("rollup: log: move the version (run hotro migrate?): %w", err)
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return fmt.Errorf("rollup: log: version %q: %w", raw, err)
	}
	slices.SortFunc(pairs, func(a, b unitOfLevel) int {
		if a.level != b.level {
			return cmpInt(int64(a.level), int64(b.level))
		}
		return cmpInt(a.unit, b.unit)
	})
	pairs = slices.Compact(pairs)
	const chunk = 1000
	for i := 0; i < len(pairs); i += chunk {
		var b strings.Builder
		b.WriteString("INSERT INTO rollup_log (version, level, unit_id) VALUES ")
		for j, p := range pairs[i:min(i+chunk, len(pairs))] {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%d, %d, %d)", v, p.level, p.unit)
		}
		if _, err := tx.ExecContext(ctx, b.String()); err != nil {
			return fmt.Errorf("rollup: log: %w", err)
		}
	}
	if v%logPruneEvery == 0 {
		if _, err := tx.ExecContext(ctx, "DELETE FROM rollup_log WHERE version <= ?", v-logKept); err != nil {
			return fmt.Errorf("rollup: log: prune: %w", err)
		}
	}
	return nil
}

// logAllChanged logs that every rollup row may have changed (a rebuild, a realignment, a bulk
// load), inside the writer's transaction.
func logAllChanged(ctx context.Context, tx bun.IDB) error {
	return logChanges(ctx, tx, []unitOfLevel{{level: levelAll}})
}

// MarkAllChanged tells servers holding the rollups in memory to read them all again: for writers
// that fill the rollups table without this package (a bulk load with COPY). Call it in the
// transaction that ends the load.
func MarkAllChanged(ctx context.Context, tx bun.IDB) error { return logAllChanged(ctx, tx) }
