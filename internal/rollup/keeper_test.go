package rollup

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
)

// rewrite changes (or, with mutate returning false, deletes) lines in tx the way a store would, and
// tells the Keeper with their facts before and after.
func rewrite(ctx context.Context, tx bun.IDB, ids []int64, mutate func(*disbursement.Disbursement) bool) error {
	var lines []*disbursement.Disbursement
	if err := tx.NewSelect().Model(&lines).Where("id IN (?)", bun.List(ids)).Order("id").Scan(ctx); err != nil {
		return err
	}
	store := disbursement.NewStore(tx, nil)
	before, err := store.FactsOf(ctx, lines)
	if err != nil {
		return err
	}
	changes := make([]disbursement.Change, len(lines))
	var kept []*disbursement.Disbursement
	for i, l := range lines {
		changes[i].Before = before[i]
		if !mutate(l) {
			if _, err := tx.NewDelete().Model(l).WherePK().Exec(ctx); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.NewUpdate().Model(l).WherePK().Exec(ctx); err != nil {
			return err
		}
		kept = append(kept, l)
	}
	after, err := store.FactsOf(ctx, kept)
	if err != nil {
		return err
	}
	j := 0
	for i, l := range lines {
		if j < len(kept) && kept[j] == l {
			changes[i].After = after[j]
			j++
		}
	}
	return NewKeeper().LinesChanged(ctx, tx, changes)
}

func lineIDs(t *testing.T, d bun.IDB, where string) []int64 {
	t.Helper()
	var ids []int64
	if err := d.NewRaw("SELECT id FROM disbursements WHERE "+where+" ORDER BY id").Scan(context.Background(), &ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

func mustCheck(t *testing.T, d *bun.DB, when string) {
	t.Helper()
	rep, err := Check(context.Background(), d)
	if err != nil {
		t.Fatalf("%s: check: %v", when, err)
	}
	if !rep.OK() {
		t.Fatalf("%s: %d rollup rows differ from the lines:\n%s", when, rep.Mismatches, strings.Join(rep.Examples, "\n"))
	}
}

// TestEveryWriteKeepsRollupsExact inserts, changes statuses, moves, corrects and deletes lines through
// the Keeper and checks after each kind of write that the rollups equal a recomputation.
func TestEveryWriteKeepsRollupsExact(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, dialect, 3, 300, false)
			mustCheck(t, w.d, "after inserts")
			r := rand.New(rand.NewPCG(9, 9))
			pick := func(where string, n int) []int64 {
				ids := lineIDs(t, w.d, where)
				r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
				return ids[:min(n, len(ids))]
			}
			second := lineIDs(t, w.d, "instalment > 1 AND status = 'PAID'")
			if len(second) == 0 {
				t.Fatal("the fixture has no second instalments")
			}
			tests := []struct {
				name   string
				ids    []int64
				mutate func(*disbursement.Disbursement) bool
			}{
				{"approved lines are paid", pick("status = 'APPROVED'", 80), func(l *disbursement.Disbursement) bool {
					setStatus(r, l, disbursement.Paid)
					return true
				}},
				{"paid lines are returned", pick("status = 'PAID'", 80), func(l *disbursement.Disbursement) bool {
					setStatus(r, l, disbursement.Returned)
					return true
				}},
				// The recipient keeps its first instalment: it must stay counted in that row.
				{"second instalments are cancelled", second[:min(40, len(second))], func(l *disbursement.Disbursement) bool {
					setStatus(r, l, disbursement.Cancelled)
					return true
				}},
				{"paid lines move ward and date", pick("status = 'PAID'", 60), func(l *disbursement.Disbursement) bool {
					l.WardID = w.wards[r.IntN(len(w.wards))].id
					setStatus(r, l, disbursement.Paid)
					return true
				}},
				{"amounts and people are corrected", pick("1 = 1", 80), func(l *disbursement.Disbursement) bool {
					l.Amount += 50_000
					if l.PeopleCovered > 1 {
						l.PeopleCovered--
					}
					return true
				}},
				{"lines are deleted", pick("1 = 1", 60), func(*disbursement.Disbursement) bool { return false }},
			}
			for _, tt := range tests {
				err := w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					return rewrite(ctx, tx, tt.ids, tt.mutate)
				})
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				mustCheck(t, w.d, tt.name)
			}
		})
	}
}

type snapshot []string

func rollupSnapshot(t *testing.T, d bun.IDB) snapshot {
	t.Helper()
	var out snapshot
	err := scanRows(context.Background(), d, "SELECT "+keyColumns+", lines, amount, recipients, persons FROM rollups ORDER BY "+keyColumns, nil,
		func(r storedRow) error {
			out = append(out, fmt.Sprintf("%s %d %d %x %x", r.key, r.cell.lines, r.cell.amount, r.recipients, r.persons))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRolledBackWriteLeavesRollupsUnchanged: the rollups change with the lines or not at all.
func TestRolledBackWriteLeavesRollupsUnchanged(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, dialect, 5, 100, false)
			before := rollupSnapshot(t, w.d)
			boom := errors.New("the import failed after the rollups were written")
			err := w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if err := rewrite(ctx, tx, lineIDs(t, tx, "status = 'PAID'")[:50], func(l *disbursement.Disbursement) bool {
					setStatus(rand.New(rand.NewPCG(1, 1)), l, disbursement.Returned)
					return true
				}); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v", err)
			}
			w.addLinesRolledBack(t)
			after := rollupSnapshot(t, w.d)
			if strings.Join(before, "\n") != strings.Join(after, "\n") {
				t.Errorf("rollups changed by rolled-back writes: %d rows before, %d after", len(before), len(after))
			}
			mustCheck(t, w.d, "after rollbacks")
		})
	}
}

// addLinesRolledBack inserts lines through the Store and the Keeper in a transaction that fails.
func (w *world) addLinesRolledBack(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	boom := errors.New("rolled back")
	err := w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var lines []*disbursement.Disbursement
		if err := tx.NewSelect().Model(&lines).Where("status = 'PAID'").Limit(30).Scan(ctx); err != nil {
			return err
		}
		for _, l := range lines {
			l.ID = 0
			l.Instalment += 10
		}
		if err := disbursement.NewStore(tx, NewKeeper()).Insert(ctx, lines); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

// TestKeeperRefusesMorePeopleThanMembers: a paid line that covers more persons than the household has
// would count its neighbour's persons; the write is refused.
func TestKeeperRefusesMorePeopleThanMembers(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	ctx := context.Background()
	w := newWorld(t, dialect, 6, 100, false)
	ids := lineIDs(t, w.d, "status = 'PAID' AND beneficiary_id IN (SELECT id FROM beneficiaries WHERE members = 1)")
	err := w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return rewrite(ctx, tx, ids[:1], func(l *disbursement.Disbursement) bool {
			l.PeopleCovered = 3
			return true
		})
	})
	if !errs.Is(errs.Invalid, err) || !strings.Contains(errs.Message(err), "nhân khẩu") {
		t.Errorf("err = %v (%q), want invalid about members", err, errs.Message(err))
	}
	mustCheck(t, w.d, "after the refused write")
}

// TestCheckFindsAndRebuildRepairs: damaged rollup rows are found by Check and put right by Rebuild.
func TestCheckFindsAndRebuildRepairs(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, dialect, 8, 200, false)
			damage := []struct{ sql, found string }{
				{"UPDATE rollups SET amount = amount + 1 WHERE level = 8 AND status = 'LISTED'", "amount"},
				{"DELETE FROM rollups WHERE level = 1 AND status = 'POSTED'", "missing row"},
				{"UPDATE rollups SET recipients = NULL WHERE level = 5 AND status = 'PAID'", "recipients differ"},
				{"INSERT INTO rollups (level, unit_id, program_id, group_id, fund_id, status, channel, period, lines, amount) VALUES (2, 999999, 1, 1, 1, 'PAID', 'BANK', 0, 1, 1)", "belong to no unit"},
			}
			for _, d := range damage {
				if _, err := w.d.ExecContext(ctx, d.sql); err != nil {
					t.Fatalf("%s: %v", d.sql, err)
				}
			}
			rep, err := Check(ctx, w.d)
			if err != nil {
				t.Fatal(err)
			}
			found := strings.Join(rep.Examples, "\n")
			for _, d := range damage {
				if !strings.Contains(found, d.found) {
					t.Errorf("check did not report %q after %s:\n%s", d.found, d.sql, found)
				}
			}
			if _, err := Rebuild(ctx, w.d); err != nil {
				t.Fatal(err)
			}
			mustCheck(t, w.d, "after rebuild")
		})
	}
}

// TestConcurrentWritersStayExact runs imports into the same wards at once: rows are locked in one
// order, so writers wait for each other instead of deadlocking, and nothing is lost.
func TestConcurrentWritersStayExact(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("PostgreSQL only: SQLite runs one writer at a time")
	}
	ctx := context.Background()
	w := newWorld(t, db.Postgres, 10, 400, false)
	const writers = 4
	batches := make([][]drawnLine, writers)
	for i := range batches {
		// Recipients first, each in its own transaction (person IDs are handed out one writer at a time).
		bens, lines := w.draw(rand.New(rand.NewPCG(uint64(i), 3)), 300)
		if err := insertRecipients(ctx, w.d, bens); err != nil {
			t.Fatal(err)
		}
		batches[i] = lines
	}
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for _, lines := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return insertLines(ctx, tx, lines) })
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Error(err)
		}
	}
	mustCheck(t, w.d, "after concurrent imports")
}

// TestEnsureBuiltFillsEmptyRollups: lines written without the Keeper (an older database, a bulk load)
// get their rollups at start, once.
func TestEnsureBuiltFillsEmptyRollups(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, dbtest.Dialects()[0], 12, 100, false)
	if built, err := EnsureBuilt(ctx, w.d); err != nil || built {
		t.Fatalf("with rollups: built = %v, %v; want nothing done", built, err)
	}
	if _, err := w.d.ExecContext(ctx, "DELETE FROM rollups"); err != nil {
		t.Fatal(err)
	}
	if built, err := EnsureBuilt(ctx, w.d); err != nil || !built {
		t.Fatalf("without rollups: built = %v, %v; want a rebuild", built, err)
	}
	mustCheck(t, w.d, "after EnsureBuilt")
}

// TestConcurrentReturnsOfOneRecipient: two writers each take back one of a recipient's two paid
// lines at once. Each, alone, would keep the recipient counted through the other line; the Keeper
// makes the second wait for the first and see its line taken back, so the recipient leaves the row.
func TestConcurrentReturnsOfOneRecipient(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("PostgreSQL only: SQLite runs one writer at a time")
	}
	ctx := context.Background()
	w := newWorld(t, db.Postgres, 5, 300, false)
	var pair []int64
	if err := w.d.NewRaw(`SELECT unnest(ARRAY[a.id, b.id]) FROM disbursements AS a JOIN disbursements AS b
		ON b.beneficiary_id = a.beneficiary_id AND b.id > a.id AND b.ward_id = a.ward_id
		WHERE a.status = 'PAID' AND b.status = 'PAID' ORDER BY a.id LIMIT 2`).Scan(ctx, &pair); err != nil || len(pair) != 2 {
		t.Fatalf("no recipient with two paid lines in one ward: %v %v", pair, err)
	}
	r := rand.New(rand.NewPCG(4, 4))
	takeBack := func(l *disbursement.Disbursement) bool {
		setStatus(r, l, disbursement.Returned)
		return true
	}
	first, err := w.d.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	if err := rewrite(ctx, first, pair[:1], takeBack); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() {
		second <- w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return rewrite(ctx, tx, pair[1:], takeBack) })
	}()
	// Give the second writer time to reach the first one's locks (if it did not, it runs after
	// the commit and the outcome is the same).
	time.Sleep(300 * time.Millisecond)
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	mustCheck(t, w.d, "after two concurrent returns of one recipient's lines")
}
