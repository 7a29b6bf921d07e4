package rollup

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/uptrace/bun"

	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/reference"
)

// Summary counts what a rebuild or a check went through.
type Summary struct {
	Lines int64 // payment lines read
	Rows  int64 // rollup rows written or compared
}

// Rebuild recomputes every rollup row from the payment lines, in one transaction that holds writers
// of lines off until it ends.
func Rebuild(ctx context.Context, d *bun.DB) (Summary, error) {
	const op = "rollup: rebuild"
	var sum Summary
	err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if db.DialectOf(tx) == db.Postgres {
			// A rebuild reads every line: no statement timeout for it.
			if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "LOCK TABLE disbursements IN SHARE MODE"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "LOCK TABLE rollups IN EXCLUSIVE MODE"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM rollups"); err != nil {
			return err
		}
		if err := logAllChanged(ctx, tx); err != nil {
			return err
		}
		return recompute(ctx, tx, func(p partition, a *accumulator) error {
			sum.Rows += int64(len(a.cells))
			return insertCells(ctx, tx, a.cells)
		}, &sum)
	})
	if err != nil {
		return Summary{}, errs.E(op, err)
	}
	return sum, nil
}

// partition is the units of one province key: rows of every level for them come from lines of
// these wards only.
type partition struct {
	province int64
	parents  []int64
	wards    []int64
}

// recompute computes the rollup rows from the lines, a province at a time, and hands each
// province's rows to emit.
func recompute(ctx context.Context, idb bun.IDB, emit func(partition, *accumulator) error, sum *Summary) error {
	return recomputeOnly(ctx, idb, nil, emit, sum)
}

// recomputeOnly is recompute for the provinces of only (every province when nil).
func recomputeOnly(ctx context.Context, idb bun.IDB, only map[int64]bool, emit func(partition, *accumulator) error, sum *Summary) error {
	ref, err := reference.Load(ctx, idb)
	if err != nil {
		return err
	}
	t := newTree(ref)
	bases, err := loadPersonBases(ctx, idb)
	if err != nil {
		return err
	}
	for _, p := range t.partitions() {
		if only != nil && !only[p.province] {
			continue
		}
		a := newAccumulator()
		if err := scanLines(ctx, idb, p.wards, func(f *disbursement.Facts) error {
			base, ok := bases.get(f.BeneficiaryID)
			if !ok {
				return fmt.Errorf("line %d: recipient %d not found", f.ID, f.BeneficiaryID)
			}
			f.PersonBase = base
			sum.Lines++
			return a.add(f, t.keys[t.index[f.WardID]])
		}); err != nil {
			return err
		}
		if err := emit(p, a); err != nil {
			return err
		}
	}
	return nil
}

func (t *tree) partitions() []partition {
	wardsOf := map[int64][]int64{}
	for i, u := range t.units {
		wardsOf[t.keys[i].province] = append(wardsOf[t.keys[i].province], u.ID)
	}
	out := make([]partition, 0, len(t.provinces))
	for _, p := range t.provinces {
		out = append(out, partition{province: p, parents: t.parentsOf[p], wards: wardsOf[p]})
	}
	return out
}

// personBases maps recipients to their first person ID: a slice when IDs are dense, else a map.
type personBases struct {
	dense  []int64 // index: recipient ID; -1: none
	sparse map[int64]int64
}

func (b *personBases) get(id int64) (int64, bool) {
	if b.sparse != nil {
		v, ok := b.sparse[id]
		return v, ok
	}
	if id < 0 || id >= int64(len(b.dense)) || b.dense[id] < 0 {
		return 0, false
	}
	return b.dense[id], true
}

func loadPersonBases(ctx context.Context, idb bun.IDB) (*personBases, error) {
	var stats struct {
		N     int64 `bun:"n"`
		MaxID int64 `bun:"max_id"`
	}
	if err := idb.NewRaw("SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS max_id FROM beneficiaries").Scan(ctx, &stats); err != nil {
		return nil, err
	}
	b := &personBases{}
	if stats.MaxID <= 2*stats.N+1024 {
		b.dense = make([]int64, stats.MaxID+1)
		for i := range b.dense {
			b.dense[i] = -1
		}
	} else {
		b.sparse = make(map[int64]int64, stats.N)
	}
	rows, err := idb.QueryContext(ctx, "SELECT id, person_base FROM beneficiaries")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, base int64
		if err := rows.Scan(&id, &base); err != nil {
			return nil, err
		}
		switch {
		case b.sparse != nil:
			b.sparse[id] = base
		case id >= 0 && id < int64(len(b.dense)):
			b.dense[id] = base
		default:
			return nil, fmt.Errorf("recipient %d appeared while reading", id)
		}
	}
	return b, rows.Err()
}

// scanLines reads the lines recorded in the wards (person_base left for the caller).
func scanLines(ctx context.Context, idb bun.IDB, wards []int64, each func(*disbursement.Facts) error) error {
	const chunk = 5000
	for i := 0; i < len(wards); i += chunk {
		rows, err := idb.QueryContext(ctx, `SELECT d.id, d.beneficiary_id, 0, d.people_covered, d.program_id,
			d.group_id, d.fund_id, d.ward_id, d.status, d.channel, d.paid_on, d.amount
			FROM disbursements AS d WHERE d.ward_id IN (?)`, bun.List(wards[i:min(i+chunk, len(wards))]))
		if err != nil {
			return err
		}
		for rows.Next() {
			f, err := scanFact(rows)
			if err == nil {
				err = each(f)
			}
			if err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// CheckReport is what a check found.
type CheckReport struct {
	Summary
	Mismatches int      // rows that differ from the recomputation (missing, extra or different)
	Examples   []string // the first few, described
}

// OK reports whether the rollups equal the recomputation.
func (r CheckReport) OK() bool { return r.Mismatches == 0 }

// Check recomputes every rollup row from the lines and compares it with the stored one, in one
// snapshot of the database.
func Check(ctx context.Context, d *bun.DB) (CheckReport, error) {
	const op = "rollup: check"
	var rep CheckReport
	var opts *sql.TxOptions
	if db.DialectOf(d) == db.Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := d.BeginTx(ctx, opts)
	if err != nil {
		return rep, errs.E(op, err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	if db.DialectOf(d) == db.Postgres {
		// A check reads every line: no statement timeout for it.
		if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
			return rep, errs.E(op, err)
		}
	}
	perKind := map[string]int{}
	mismatch := func(format string, args ...any) {
		rep.Mismatches++
		// A few examples of each kind of difference (the first word, or the measure that differs).
		text := fmt.Sprintf(format, args...)
		kind, _, _ := strings.Cut(text, " ")
		if _, detail, ok := strings.Cut(text, ": "); ok {
			kind, _, _ = strings.Cut(detail, " ")
		}
		if perKind[kind] < 5 {
			perKind[kind]++
			rep.Examples = append(rep.Examples, text)
		}
	}
	err = recompute(ctx, tx, func(p partition, a *accumulator) error {
		seen := map[cellKey]bool{}
		err := scanRows(ctx, tx, partitionQuery(p), nil, func(r storedRow) error {
			rep.Rows++
			seen[r.key] = true
			want := a.cells[r.key]
			if want == nil {
				mismatch("extra row %s (%d lines)", r.key, r.cell.lines)
				return nil
			}
			if diff, err := compareCell(want, r); err != nil {
				return err
			} else if diff != "" {
				mismatch("differing row %s: %s", r.key, diff)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range sortedKeys(a.cells) {
			if !seen[k] {
				mismatch("missing row %s (%d lines)", k, a.cells[k].lines)
			}
		}
		return nil
	}, &rep.Summary)
	if err != nil {
		return rep, errs.E(op, err)
	}
	var total int64
	if err := tx.NewRaw("SELECT COUNT(*) FROM rollups").Scan(ctx, &total); err != nil {
		return rep, errs.E(op, err)
	}
	if total != rep.Rows {
		mismatch("orphans: %d rows belong to no unit of the unit tree", total-rep.Rows)
	}
	return rep, nil
}

func partitionQuery(p partition) string {
	return "SELECT " + keyColumns + ", lines, amount, recipients, persons FROM rollups WHERE " + partitionWhere(p)
}

// partitionWhere is the condition on the rollup rows of a partition's units, level by level.
func partitionWhere(p partition) string {
	var conds []string
	for _, l := range Levels {
		var ids []int64
		switch l.unit {
		case grainWard:
			ids = p.wards
		case grainParent:
			ids = p.parents
		case grainProvince:
			ids = []int64{p.province}
		}
		if len(ids) == 0 {
			continue
		}
		conds = append(conds, fmt.Sprintf("(level = %d AND unit_id IN (%s))", l.ID, joinInts(ids)))
	}
	if len(conds) == 0 {
		return "FALSE"
	}
	return strings.Join(conds, " OR ")
}

// Realign makes the rollup rows follow a change of the unit tree, in tx, the transaction that
// changed it: before and after are the reference data as tx read it before and after the change.
// A ward that moved to another district, or a district to another province, leaves the rows of its
// old and new district and province counting the wrong wards; the rows of every province either
// touches are deleted and computed again from the lines. It returns how many units have another
// parent; when no unit's place changed, it does nothing.
func Realign(ctx context.Context, tx bun.IDB, before, after *reference.Snapshot) (moved int, err error) {
	const op = "rollup: realign"
	old, now := newTree(before), newTree(after)
	affected := map[int64]bool{}
	for i, u := range now.units {
		j, ok := old.index[u.ID]
		if !ok {
			continue // a new unit has no lines yet
		}
		if old.units[j].ParentID != u.ParentID {
			moved++
		}
		// A unit under a moved one (a ward of a district given to another province) has other
		// keys too, its own parent unchanged.
		if old.keys[j] != now.keys[i] {
			affected[old.keys[j].province], affected[now.keys[i].province] = true, true
		}
	}
	if len(affected) == 0 {
		return moved, nil
	}
	if db.DialectOf(tx) == db.Postgres {
		// As a rebuild does: no statement timeout, and writers of lines wait until the end.
		for _, stmt := range []string{"SET LOCAL statement_timeout = 0", "LOCK TABLE disbursements IN SHARE MODE", "LOCK TABLE rollups IN EXCLUSIVE MODE"} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return 0, errs.E(op, err)
			}
		}
	}
	// The rows of those provinces as the units were, and as they are now.
	for _, t := range []*tree{old, now} {
		for _, p := range t.partitions() {
			if affected[p.province] {
				if _, err := tx.ExecContext(ctx, "DELETE FROM rollups WHERE "+partitionWhere(p)); err != nil {
					return 0, errs.E(op, err)
				}
			}
		}
	}
	if err := logAllChanged(ctx, tx); err != nil {
		return 0, errs.E(op, err)
	}
	var sum Summary
	if err := recomputeOnly(ctx, tx, affected, func(_ partition, a *accumulator) error {
		return insertCells(ctx, tx, a.cells)
	}, &sum); err != nil {
		return 0, errs.E(op, err)
	}
	return moved, nil
}

func joinInts(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ", ")
}

func compareCell(want *cell, got storedRow) (string, error) {
	var diffs []string
	if want.lines != got.cell.lines {
		diffs = append(diffs, fmt.Sprintf("lines %d, want %d", got.cell.lines, want.lines))
	}
	if want.amount != got.cell.amount {
		diffs = append(diffs, fmt.Sprintf("amount %d, want %d", got.cell.amount, want.amount))
	}
	for _, bm := range []struct {
		name string
		want *roaring.Bitmap
		raw  []byte
	}{{"recipients", want.recipients, got.recipients}, {"persons", want.persons, got.persons}} {
		have, err := decode(bm.raw)
		if err != nil {
			return "", fmt.Errorf("row %s: %s: %w", got.key, bm.name, err)
		}
		if !sameBitmap(bm.want, have) {
			diffs = append(diffs, fmt.Sprintf("%s differ (%d stored, %d recomputed)", bm.name, cardinality(have), cardinality(bm.want)))
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, "; "), nil
}

func sameBitmap(a, b *roaring.Bitmap) bool {
	if a == nil || a.IsEmpty() {
		return b == nil || b.IsEmpty()
	}
	return b != nil && a.Equals(b)
}

func cardinality(b *roaring.Bitmap) uint64 {
	if b == nil {
		return 0
	}
	return b.GetCardinality()
}

// EnsureBuilt rebuilds the rollups when the database holds payment lines but no rollup rows: a
// database from before the rollups, or lines loaded without the Keeper. It reports whether it did.
func EnsureBuilt(ctx context.Context, d *bun.DB) (bool, error) {
	var state struct {
		Lines   bool `bun:"lines"`
		Rollups bool `bun:"rollups"`
	}
	if err := d.NewRaw(`SELECT EXISTS (SELECT 1 FROM disbursements) AS lines, EXISTS (SELECT 1 FROM rollups) AS rollups`).Scan(ctx, &state); err != nil {
		return false, errs.E("rollup: ensure built", err)
	}
	if !state.Lines || state.Rollups {
		return false, nil
	}
	_, err := Rebuild(ctx, d)
	return err == nil, err
}
