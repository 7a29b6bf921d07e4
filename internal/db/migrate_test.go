package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
)

func tables(t *testing.T, d *bun.DB) []string {
	t.Helper()
	var q string
	if db.DialectOf(d) == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE 'bun_%' ORDER BY 1"
	} else {
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'bun_%' AND name NOT LIKE 'hotro_%' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
	}
	var names []string
	if err := d.NewRaw(q).Scan(context.Background(), &names); err != nil {
		t.Fatal(err)
	}
	return names
}

func TestMigrateUpDownUp(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			d, err := db.Open(ctx, dbtest.Target(t, dialect), db.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			mg, err := db.NewMigrator(d)
			if err != nil {
				t.Fatal(err)
			}
			applied, err := mg.Up(ctx)
			if err != nil {
				t.Fatalf("up: %v", err)
			}
			if len(applied) == 0 {
				t.Fatal("up applied nothing on an empty database")
			}
			want := tables(t, d)
			if !contains(want, "disbursements") || !contains(want, "audit_events") {
				t.Fatalf("after up, tables = %v", want)
			}
			if again, err := mg.Up(ctx); err != nil || len(again) != 0 {
				t.Fatalf("second up = %v, %v; want nothing applied", again, err)
			}
			for {
				n, err := mg.Pending(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ms, _ := mg.Status(ctx)
				if n == len(ms) {
					break
				}
				if _, err := mg.Down(ctx); err != nil {
					t.Fatalf("down: %v", err)
				}
			}
			if got := tables(t, d); len(got) != 0 {
				t.Fatalf("after down, tables left: %v", got)
			}
			if _, err := mg.Up(ctx); err != nil {
				t.Fatalf("up again: %v", err)
			}
			if got := tables(t, d); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("after up again, tables = %v, want %v", got, want)
			}
		})
	}
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	ctx := context.Background()
	names := map[db.Dialect][]string{}
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		d, err := db.Open(ctx, dbtest.Target(t, dialect), db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		mg, err := db.NewMigrator(d)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := mg.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			names[dialect] = append(names[dialect], m.Name+"_"+m.Comment)
		}
		d.Close()
	}
	if a, b := strings.Join(names[db.SQLite], " "), strings.Join(names[db.Postgres], " "); a != b {
		t.Errorf("migrations differ:\nsqlite:   %s\npostgres: %s", a, b)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
