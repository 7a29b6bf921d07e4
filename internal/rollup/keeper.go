package rollup

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
)

// Keeper keeps the rollups current: it is the disbursement.Observer of every write of payment lines,
// and changes the rollup rows in the writer's transaction, so they change with the lines or not at
// all.
//
// Adding a paid line only adds to bitmaps. Taking one away (a status change, a correction, a
// deletion) recomputes the recipient's place in each row it left from the recipient's other paid
// lines, so a second instalment in the same row keeps the recipient counted.
type Keeper struct{}

// NewKeeper returns a Keeper.
func NewKeeper() *Keeper { return &Keeper{} }

var _ disbursement.Observer = (*Keeper)(nil)

// delta is what one write does to one rollup row.
type delta struct {
	lines, amount int64
	paid          bool                            // the row counts recipients (status PAID)
	removed       map[int64][]*disbursement.Facts // recipient -> paid lines that left the row
	added         []*disbursement.Facts           // paid lines that entered the row
}

// LinesChanged updates the rollups for the changes, inside tx.
func (k *Keeper) LinesChanged(ctx context.Context, tx bun.IDB, changes []disbursement.Change) error {
	const op = "rollup: lines changed"
	if len(changes) == 0 {
		return nil
	}
	wardSet := map[int64]bool{}
	changed := map[int64]bool{}
	var paidAfter []*disbursement.Facts
	removedFrom := map[int64]bool{} // recipients with a paid line taken away
	for _, c := range changes {
		for _, f := range []*disbursement.Facts{c.Before, c.After} {
			if f == nil {
				continue
			}
			wardSet[f.WardID] = true
			changed[f.ID] = true
		}
		if c.After != nil && c.After.Status == disbursement.Paid {
			if err := checkIDs(c.After); err != nil {
				// IDs past 2^32 (bitmaps count 32-bit IDs): a limit of the rollups, not the caller's doing.
				return errs.E(op, errs.Internal, fmt.Errorf("line %d: %w", c.After.ID, err))
			}
			paidAfter = append(paidAfter, c.After)
		}
		if c.Before != nil && c.Before.Status == disbursement.Paid {
			removedFrom[c.Before.BeneficiaryID] = true
		}
	}
	// Lock the recipients whose paid lines change before reading their other paid lines: a writer
	// paying or taking back another line of one of them waits, or is waited for, so that whether a
	// recipient stays in a rollup row is decided on lines that are all committed.
	touched := map[int64]bool{}
	for id := range removedFrom {
		touched[id] = true
	}
	for _, f := range paidAfter {
		touched[f.BeneficiaryID] = true
	}
	members, err := lockRecipients(ctx, tx, keysOfSet(touched))
	if err != nil {
		return err
	}
	if err := checkMembers(paidAfter, members); err != nil {
		return err
	}
	// The other paid lines of recipients that lost one, as they stand after this write.
	var others []*disbursement.Facts
	if len(removedFrom) > 0 {
		var err error
		if others, err = paidLinesOf(ctx, tx, keysOfSet(removedFrom), changed); err != nil {
			return errs.E(op, err)
		}
		for _, f := range others {
			wardSet[f.WardID] = true
		}
	}
	units, err := loadUnitKeys(ctx, tx, keysOfSet(wardSet))
	if err != nil {
		return errs.E(op, err)
	}

	deltas := map[cellKey]*delta{}
	get := func(key cellKey) *delta {
		d := deltas[key]
		if d == nil {
			d = &delta{paid: key.status == paidIndex}
			deltas[key] = d
		}
		return d
	}
	for _, c := range changes {
		for _, side := range [2]struct {
			sign int64
			f    *disbursement.Facts
		}{{-1, c.Before}, {1, c.After}} {
			sign, f := side.sign, side.f
			if f == nil {
				continue
			}
			keys, err := keysOf(f, units[f.WardID])
			if err != nil {
				// A status or channel the database's checks would have refused: a bug.
				return errs.E(op, errs.Internal, fmt.Errorf("line %d: %w", f.ID, err))
			}
			for _, key := range keys {
				d := get(key)
				d.lines += sign
				d.amount += sign * f.Amount
				if !d.paid {
					continue
				}
				if sign > 0 {
					d.added = append(d.added, f)
				} else {
					if d.removed == nil {
						d.removed = map[int64][]*disbursement.Facts{}
					}
					d.removed[f.BeneficiaryID] = append(d.removed[f.BeneficiaryID], f)
				}
			}
		}
	}
	// A recipient that left a row stays in it through its other paid lines there.
	for _, f := range append(others, paidAfter...) {
		keys, err := keysOf(f, units[f.WardID])
		if err != nil {
			return errs.E(op, err)
		}
		for _, key := range keys {
			if d := deltas[key]; d != nil && d.removed[f.BeneficiaryID] != nil && !containsFacts(d.added, f) {
				d.added = append(d.added, f)
			}
		}
	}
	if err := applyDeltas(ctx, tx, deltas); err != nil {
		return errs.E(op, err)
	}
	pairs := make([]unitOfLevel, 0, len(deltas))
	for key := range deltas {
		pairs = append(pairs, unitOfLevel{key.level, key.unit})
	}
	if err := logChanges(ctx, tx, pairs); err != nil {
		return errs.E(op, err)
	}
	return nil
}

func containsFacts(list []*disbursement.Facts, f *disbursement.Facts) bool {
	for _, g := range list {
		if g == f {
			return true
		}
	}
	return false
}

func keysOfSet(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// lockRecipients reads the household size of each recipient, locking the recipients' rows in ID
// order on PostgreSQL (SQLite writers already hold the database's write lock).
func lockRecipients(ctx context.Context, tx bun.IDB, ids []int64) (map[int64]int, error) {
	slices.Sort(ids)
	lock := ""
	if db.DialectOf(tx) == db.Postgres {
		lock = " FOR UPDATE"
	}
	members := make(map[int64]int, len(ids))
	const chunk = 5000
	for i := 0; i < len(ids); i += chunk {
		var rows []struct {
			ID      int64 `bun:"id"`
			Members int   `bun:"members"`
		}
		if err := tx.NewRaw("SELECT id, members FROM beneficiaries WHERE id IN (?) ORDER BY id"+lock, bun.List(ids[i:min(i+chunk, len(ids))])).Scan(ctx, &rows); err != nil {
			return nil, errs.E("rollup: lock recipients", err)
		}
		for _, r := range rows {
			members[r.ID] = r.Members
		}
	}
	return members, nil
}

// checkMembers refuses a paid line that covers more persons than its recipient has: its person IDs
// would run into the next recipient's and the distinct count would be wrong.
func checkMembers(paid []*disbursement.Facts, members map[int64]int) error {
	for _, f := range paid {
		if n := members[f.BeneficiaryID]; f.People > n {
			return errs.E("rollup: check members", errs.Invalid,
				errs.Msgf("Đối tượng %d có %d nhân khẩu nhưng dòng chi trả ghi %d người được hỗ trợ.", f.BeneficiaryID, n, f.People))
		}
	}
	return nil
}

// paidLinesOf reads the paid lines of the recipients, leaving out the lines being changed.
func paidLinesOf(ctx context.Context, tx bun.IDB, recipients []int64, leaveOut map[int64]bool) ([]*disbursement.Facts, error) {
	var out []*disbursement.Facts
	const chunk = 5000
	for i := 0; i < len(recipients); i += chunk {
		err := scanFacts(ctx, tx, "d.status = 'PAID' AND d.beneficiary_id IN (?)", []any{bun.List(recipients[i:min(i+chunk, len(recipients))])},
			func(f *disbursement.Facts) error {
				if !leaveOut[f.ID] {
					out = append(out, f)
				}
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scanFacts reads the facts of the lines matching where (over disbursements d joined with their
// beneficiaries b).
func scanFacts(ctx context.Context, idb bun.IDB, where string, args []any, each func(*disbursement.Facts) error) error {
	rows, err := idb.QueryContext(ctx, `SELECT d.id, d.beneficiary_id, b.person_base, d.people_covered, d.program_id,
		d.group_id, d.fund_id, d.ward_id, d.status, d.channel, d.paid_on, d.amount
		FROM disbursements AS d JOIN beneficiaries AS b ON b.id = d.beneficiary_id WHERE `+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFact(rows)
		if err != nil {
			return err
		}
		if err := each(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanFact(rows scanner) (*disbursement.Facts, error) {
	var (
		f       disbursement.Facts
		status  string
		channel *string
		paid    civil.Date
	)
	if err := rows.Scan(&f.ID, &f.BeneficiaryID, &f.PersonBase, &f.People, &f.ProgramID, &f.GroupID, &f.FundID,
		&f.WardID, &status, &channel, &paid, &f.Amount); err != nil {
		return nil, err
	}
	f.Status = disbursement.Status(status)
	if channel != nil {
		ch := disbursement.Channel(*channel)
		f.Channel = &ch
	}
	if !paid.IsZero() {
		f.PaidOn = &paid
	}
	return &f, nil
}

// applyDeltas writes the deltas. Rows whose bitmaps change are read and written under a row lock,
// taken in key order so that concurrent writers cannot deadlock; rows whose counts alone change are
// added to in one statement. Rows left without lines are deleted.
func applyDeltas(ctx context.Context, tx bun.IDB, deltas map[cellKey]*delta) error {
	counts := map[cellKey]*cell{}
	bitmapKeys := map[cellKey]*cell{}
	for key, d := range deltas {
		if d.paid && (len(d.added) > 0 || len(d.removed) > 0) {
			bitmapKeys[key] = &cell{}
			continue
		}
		if d.lines != 0 || d.amount != 0 {
			counts[key] = &cell{lines: d.lines, amount: d.amount}
		}
	}
	if len(bitmapKeys) > 0 {
		current, err := ensureLocked(ctx, tx, bitmapKeys)
		if err != nil {
			return err
		}
		for key := range bitmapKeys {
			c := current[key]
			d := deltas[key]
			c.lines += d.lines
			c.amount += d.amount
			if c.recipients == nil {
				c.recipients, c.persons = roaring.New(), roaring.New()
			}
			for ben, gone := range d.removed {
				c.recipients.Remove(uint32(ben))
				for _, f := range gone {
					if f.People > 0 {
						c.persons.RemoveRange(uint64(f.PersonBase), uint64(f.PersonBase)+uint64(f.People))
					}
				}
			}
			for _, f := range d.added {
				c.addPaid(f)
			}
			if c.recipients.IsEmpty() {
				c.recipients, c.persons = nil, nil
			}
			bitmapKeys[key] = c
		}
		if err := upsertCells(ctx, tx, bitmapKeys, " ON CONFLICT ("+keyColumns+") DO UPDATE SET lines = excluded.lines, amount = excluded.amount, recipients = excluded.recipients, persons = excluded.persons"); err != nil {
			return err
		}
	}
	if len(counts) > 0 {
		if err := upsertCells(ctx, tx, counts, " ON CONFLICT ("+keyColumns+") DO UPDATE SET lines = rollups.lines + excluded.lines, amount = rollups.amount + excluded.amount"); err != nil {
			return err
		}
	}
	touched := make([]cellKey, 0, len(deltas))
	for key := range deltas {
		touched = append(touched, key)
	}
	return deleteEmpty(ctx, tx, touched)
}

// ensureLocked makes sure every row exists and reads them all under lock. A concurrent writer may
// delete a row it emptied between the two steps; then both steps run again.
func ensureLocked(ctx context.Context, tx bun.IDB, keys map[cellKey]*cell) (map[cellKey]*cell, error) {
	for range 5 {
		if err := upsertCells(ctx, tx, keys, " ON CONFLICT ("+keyColumns+") DO NOTHING"); err != nil {
			return nil, err
		}
		current, err := lockRows(ctx, tx, sortedKeys(keys))
		if err != nil {
			return nil, err
		}
		if len(current) == len(keys) {
			return current, nil
		}
	}
	return nil, errs.E("rollup: lock rows", errs.Unavailable, errs.Msg("Số liệu tổng hợp đang được ghi đồng thời; hãy thử lại."))
}

// lockRows reads the rows with the keys, locking them on PostgreSQL (SQLite writers already hold the
// database's write lock).
func lockRows(ctx context.Context, tx bun.IDB, keys []cellKey) (map[cellKey]*cell, error) {
	out := make(map[cellKey]*cell, len(keys))
	const chunk = 500
	for i := 0; i < len(keys); i += chunk {
		var b strings.Builder
		b.WriteString("SELECT " + keyColumns + ", lines, amount, recipients, persons FROM rollups WHERE (" + keyColumns + ") IN (VALUES ")
		for j, k := range keys[i:min(i+chunk, len(keys))] {
			if j > 0 {
				b.WriteString(", ")
			}
			keyLiteral(&b, k)
		}
		b.WriteString(") ORDER BY " + keyColumns)
		if db.DialectOf(tx) == db.Postgres {
			b.WriteString(" FOR UPDATE")
		}
		err := scanRows(ctx, tx, b.String(), nil, func(r storedRow) error {
			c := r.cell
			var err error
			if c.recipients, err = decodeCopy(r.recipients); err != nil {
				return err
			}
			if c.persons, err = decodeCopy(r.persons); err != nil {
				return err
			}
			out[r.key] = &c
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decodeCopy reads a bitmap into memory of its own, to be changed.
func decodeCopy(raw []byte) (*roaring.Bitmap, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	b := roaring.New()
	if err := b.UnmarshalBinary(raw); err != nil {
		return nil, err
	}
	return b, nil
}

// deleteEmpty removes rows that no line counts in any more.
func deleteEmpty(ctx context.Context, tx bun.IDB, keys []cellKey) error {
	const chunk = 500
	for i := 0; i < len(keys); i += chunk {
		var b strings.Builder
		b.WriteString("DELETE FROM rollups WHERE lines = 0 AND (" + keyColumns + ") IN (VALUES ")
		for j, k := range keys[i:min(i+chunk, len(keys))] {
			if j > 0 {
				b.WriteString(", ")
			}
			keyLiteral(&b, k)
		}
		b.WriteString(")")
		if _, err := tx.ExecContext(ctx, b.String()); err != nil {
			return fmt.Errorf("rollup: delete empty rows: %w", err)
		}
	}
	return nil
}
