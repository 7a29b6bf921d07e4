package seed_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/rollup"
	"hotro/internal/seed"
	"hotro/internal/seed/seedtest"
)

func count(t *testing.T, d bun.IDB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.NewRaw(q, args...).Scan(context.Background(), &n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestReferenceIsCompleteAndIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *bun.DB) {
		ctx := context.Background()
		first, err := seed.Reference(ctx, d, rollup.Realign)
		if err != nil {
			t.Fatal(err)
		}
		snapshot := digest(t, d, "admin_units", "admin_unit_successors", "programs", "beneficiary_groups", "funds", "payment_rounds", "payment_round_groups")
		second, err := seed.Reference(ctx, d, rollup.Realign)
		if err != nil {
			t.Fatal(err)
		}
		if first != second {
			t.Errorf("second run summary %+v, first %+v", second, first)
		}
		if again := digest(t, d, "admin_units", "admin_unit_successors", "programs", "beneficiary_groups", "funds", "payment_rounds", "payment_round_groups"); again != snapshot {
			t.Error("seeding twice changed the reference tables")
		}
		checks := []struct {
			name string
			q    string
			want int
		}{
			{"provinces", "SELECT count(*) FROM admin_units WHERE level = 'PROVINCE'", 63},
			{"districts", "SELECT count(*) FROM admin_units WHERE level = 'DISTRICT'", 707},
			{"communes of 2020", "SELECT count(*) FROM admin_units WHERE level = 'COMMUNE' AND valid_from = '2020-01-01'", 10614},
			{"city units 2020", "SELECT count(*) FROM admin_units u JOIN admin_units p ON p.id = u.parent_id WHERE p.code = '164'", 32},
			{"city units 2025", "SELECT count(*) FROM admin_units WHERE valid_from = '2025-07-01'", 8},
			{"every city unit has a successor", "SELECT count(DISTINCT unit_id) FROM admin_unit_successors", 32},
			{"split units", "SELECT count(*) FROM (SELECT unit_id FROM admin_unit_successors GROUP BY unit_id HAVING count(*) > 1) s", 2},
			{"programs", "SELECT count(*) FROM programs", 2},
			{"NQ42 groups", "SELECT count(*) FROM beneficiary_groups g JOIN programs p ON p.id = g.program_id WHERE p.code = 'NQ42-2020'", 8},
			{"NQ42 funds", "SELECT count(*) FROM funds", 3},
			{"NQ42 rounds", "SELECT count(*) FROM payment_rounds r JOIN programs p ON p.id = r.program_id WHERE p.code = 'NQ42-2020'", 2},
			{"every NQ42 group in one round", "SELECT count(DISTINCT rg.group_id) FROM payment_round_groups rg JOIN beneficiary_groups g ON g.id = rg.group_id JOIN programs p ON p.id = g.program_id WHERE p.code = 'NQ42-2020'", 8},
			{"round 1: the four groups paid by 31/05/2020", `SELECT count(*) FROM payment_round_groups rg JOIN payment_rounds r ON r.id = rg.round_id
				JOIN beneficiary_groups g ON g.id = rg.group_id
				WHERE r.code = 'NQ42_DOT1' AND r.seq = 1 AND r.paid_to = '2020-05-31'
				AND g.code IN ('NGUOI_CO_CONG', 'BAO_TRO_XA_HOI', 'HO_NGHEO', 'HO_CAN_NGHEO')`, 4},
			{"groups without a short name", "SELECT count(*) FROM beneficiary_groups WHERE short_name = '' OR short_name_en = ''", 0},
			{"NQ42 short names told apart", "SELECT count(DISTINCT g.short_name) FROM beneficiary_groups g JOIN programs p ON p.id = g.program_id WHERE p.code = 'NQ42-2020'", 8},
		}
		for _, c := range checks {
			if got := count(t, d, c.q); got != c.want {
				t.Errorf("%s: got %d, want %d", c.name, got, c.want)
			}
		}
		var nameEn string
		if err := d.NewRaw("SELECT name_en FROM admin_units WHERE code = '05431'").Scan(ctx, &nameEn); err != nil {
			t.Fatal(err)
		}
		if nameEn != "Quan Trieu Ward" {
			t.Errorf("English name of 05431 = %q, want %q", nameEn, "Quan Trieu Ward")
		}
	})
}

func TestDemoIsShapedLikeTheFirstRound(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) { testDemoShape(t, seedtest.Reference(t, dialect)) })
	}
}

func testDemoShape(t *testing.T, d *bun.DB) {
	{
		ctx := context.Background()
		sum, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatal(err)
		}
		if sum.FirstRoundAmount < 16_500_000_000 || sum.FirstRoundAmount > 17_000_000_000 {
			t.Errorf("first round paid %d VND, want nearly 17 billion", sum.FirstRoundAmount)
		}
		if sum.FirstRoundPeople < 12_500 || sum.FirstRoundPeople > 13_000 {
			t.Errorf("first round covered %d people, want nearly 13,000", sum.FirstRoundPeople)
		}
		if got := count(t, d, "SELECT count(DISTINCT ward_id) FROM disbursements"); got != 32 {
			t.Errorf("payments in %d wards, want 32", got)
		}
		// Every line's amount follows its group's rule, except the few listed typing mistakes.
		broken := count(t, d, `SELECT count(*) FROM disbursements d JOIN beneficiary_groups g ON g.id = d.group_id
			WHERE d.amount <> g.monthly_amount * d.months_covered * (CASE WHEN g.support_unit = 'HOUSEHOLD_MEMBER' THEN d.people_covered ELSE 1 END)`)
		brokenListed := count(t, d, `SELECT count(*) FROM disbursements d JOIN beneficiary_groups g ON g.id = d.group_id
			WHERE d.status = 'LISTED' AND d.amount <> g.monthly_amount * d.months_covered * (CASE WHEN g.support_unit = 'HOUSEHOLD_MEMBER' THEN d.people_covered ELSE 1 END)`)
		if broken != brokenListed {
			t.Errorf("%d lines break the rule, %d of them LISTED; only listed lines may", broken, brokenListed)
		}
		if got := count(t, d, "SELECT count(*) FROM dataset_info WHERE key = 'demo' AND value = 'true'"); got != 1 {
			t.Error("the data set is not marked as demo data")
		}
		if got := count(t, d, "SELECT count(*) FROM disbursements WHERE status = 'PAID' AND paid_on >= '2020-06-01'"); got == 0 {
			t.Error("no later group was paid in June")
		}
		_, err = seed.Demo(ctx, d, seed.DemoOptions{Seed: 1, Scale: 1})
		if !errs.Is(errs.Conflict, err) {
			t.Errorf("second demo run: err = %v, want a conflict", err)
		}
	}
}

func TestDemoIsDeterministic(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			var digests []string
			for _, s := range []uint64{7, 7, 8} {
				d := seedtest.Reference(t, dialect)
				if _, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: s, Scale: 0.1}); err != nil {
					t.Fatal(err)
				}
				digests = append(digests, digest(t, d, "beneficiaries", "disbursements", "import_batches"))
			}
			if digests[0] != digests[1] {
				t.Error("the same seed gave different data sets")
			}
			if digests[0] == digests[2] {
				t.Error("different seeds gave the same data set")
			}
		})
	}
}

func TestDemoScale(t *testing.T) {
	d := seedtest.Reference(t, dbtest.Dialects()[0])
	ctx := context.Background()
	if _, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: 1, Scale: -1}); !errs.Is(errs.Invalid, err) {
		t.Errorf("negative scale: err = %v, want invalid", err)
	}
	small, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: 1, Scale: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if small.Beneficiaries < 1000 || small.Beneficiaries > 1400 {
		t.Errorf("scale 0.1 made %d recipients, want about a tenth of 12,200", small.Beneficiaries)
	}
}

// digest hashes the tables' rows (without ids and write times) in a stable order.
func digest(t *testing.T, d bun.IDB, tables ...string) string {
	t.Helper()
	h := sha256.New()
	for _, table := range tables {
		rows, err := d.QueryContext(context.Background(), "SELECT * FROM "+table+" ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, c := range cols {
				if c == "id" || c == "created_at" || c == "updated_at" {
					continue
				}
				fmt.Fprintf(h, "%s=%v;", c, vals[i])
			}
			h.Write([]byte{'\n'})
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestReferenceRealignsMovedUnits: a database whose unit tree differs from the seed data (a ward
// under another district, with payment lines and rollups that agree with that tree) is seeded
// again: the ward goes back under its district, and the rollups follow in the same transaction.
func TestReferenceRealignsMovedUnits(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			for _, realign := range []seed.Realigner{nil, rollup.Realign} {
				d, err := seedtest.Fresh(t, dialect) // a copy of its own: it changes the units
				if err != nil {
					t.Fatal(err)
				}
				if _, err := d.ExecContext(ctx, `UPDATE admin_units SET parent_id = (SELECT id FROM admin_units WHERE level = 'DISTRICT' AND code = '001')
					WHERE level = 'COMMUNE' AND code = '05431'`); err != nil {
					t.Fatal(err)
				}
				if _, err := rollup.Rebuild(ctx, d); err != nil {
					t.Fatal(err)
				}
				sum, err := seed.Reference(ctx, d, realign)
				if err != nil {
					t.Fatal(err)
				}
				rep, err := rollup.Check(ctx, d)
				if err != nil {
					t.Fatal(err)
				}
				if realign == nil {
					if rep.OK() {
						t.Fatal("the ward went back without realigning, and the rollups still agree: the test moves nothing")
					}
					continue
				}
				if sum.Moved != 1 || !rep.OK() {
					t.Errorf("moved %d units (want 1); %d rollup rows differ from the lines: %v", sum.Moved, rep.Mismatches, rep.Examples)
				}
			}
		})
	}
}
