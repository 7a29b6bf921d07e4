package rollup

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/db/dbtest"
	"hotro/internal/reference"
)

// TestRealignFollowsAMovedWard moves a ward with payment lines to a district of another province,
// as a correction of the reference data would: without Realign the district and province rows
// count the ward in the wrong place (the check says so); with it, in the same transaction, the
// rollups equal a recomputation from the lines again.
func TestRealignFollowsAMovedWard(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			for _, realign := range []bool{false, true} {
				w := newWorld(t, dialect, 11, 300, true)
				var ward, district int64
				if err := w.d.NewRaw(`SELECT ward_id FROM disbursements GROUP BY ward_id ORDER BY COUNT(*) DESC, ward_id LIMIT 1`).Scan(ctx, &ward); err != nil {
					t.Fatal(err)
				}
				// A district whose province is not the ward's.
				if err := w.d.NewRaw(`SELECT d.id FROM admin_units AS d
					WHERE d.level = 'DISTRICT' AND d.parent_id <> (SELECT p.parent_id FROM admin_units AS w JOIN admin_units AS p ON p.id = w.parent_id WHERE w.id = ?)
					ORDER BY d.id LIMIT 1`, ward).Scan(ctx, &district); err != nil {
					t.Fatal(err)
				}
				var moved int
				err := w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					before, err := reference.Load(ctx, tx)
					if err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, "UPDATE admin_units SET parent_id = ? WHERE id = ?", district, ward); err != nil {
						return err
					}
					after, err := reference.Load(ctx, tx)
					if err != nil {
						return err
					}
					if realign {
						moved, err = Realign(ctx, tx, before, after)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				rep, err := Check(ctx, w.d)
				if err != nil {
					t.Fatal(err)
				}
				if !realign {
					if rep.OK() {
						t.Fatal("a ward moved without Realign, and the check found nothing to say")
					}
					continue
				}
				if moved != 1 || !rep.OK() {
					t.Fatalf("Realign moved %d units; %d rows differ from the lines:\n%s", moved, rep.Mismatches, strings.Join(rep.Examples, "\n"))
				}
			}
		})
	}
}

// TestRealignWithoutMovesDoesNothing: reference data written again unchanged touches no row.
func TestRealignWithoutMovesDoesNothing(t *testing.T) {
	w := newWorld(t, dbtest.Dialects()[0], 12, 50, false)
	ctx := context.Background()
	ref, err := reference.Load(ctx, w.d)
	if err != nil {
		t.Fatal(err)
	}
	if moved, err := Realign(ctx, w.d, ref, ref); err != nil || moved != 0 {
		t.Fatalf("Realign of an unchanged tree: %d moved, %v", moved, err)
	}
	mustCheck(t, w.d, "after an empty realign")
}
