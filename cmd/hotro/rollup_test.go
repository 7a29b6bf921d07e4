package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestRollupCheckAndRebuild: rollups that lost rows (as if written around the Keeper) fail the
// check, rebuild restores them, and check then finds them equal to the lines.
func TestRollupCheckAndRebuild(t *testing.T) {
	path := seedtest.SQLiteDemoFile(t)
	url := "sqlite:" + path
	ctx := context.Background()
	d, err := db.Open(ctx, db.Target{Dialect: db.SQLite, DSN: path}, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Whether or not the fixture was seeded with its rollups, the finest level is now missing.
	if _, err := d.ExecContext(ctx, "DELETE FROM rollups WHERE level = 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, "INSERT INTO rollups (level, unit_id, program_id, group_id, fund_id, status, channel, period, lines, amount) VALUES (1, 1, 1, 0, 0, 'PAID', '', 0, 1, 1)"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	steps := []struct {
		name    string
		args    []string
		wantErr string
		wantOut string
	}{
		{"check finds the rollups missing", []string{"rollup", "check"}, "differ from the lines", "missing row"},
		{"rebuild", []string{"rollup", "rebuild"}, "", "rebuilt"},
		{"check passes", []string{"rollup", "check"}, "", "rollups equal the lines"},
		{"unknown action", []string{"rollup", "sideways"}, "unknown action", ""},
		{"the national data set is for PostgreSQL", []string{"national", "--scale", "0.001"}, "PostgreSQL only", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			err := run(ctx, append(s.args, "--log-level", "warn"), envOf(map[string]string{"DATABASE_URL": url}), strings.NewReader(""), &stdout, &stderr)
			if s.wantErr == "" && err != nil {
				t.Fatalf("err = %v\n%s", err, stderr.String())
			}
			if s.wantErr != "" && (err == nil || !strings.Contains(err.Error(), s.wantErr)) {
				t.Fatalf("err = %v, want one containing %q", err, s.wantErr)
			}
			if !strings.Contains(stdout.String(), s.wantOut) {
				t.Errorf("output %q does not contain %q", stdout.String(), s.wantOut)
			}
		})
	}
}

// TestNationalRefusesBeforeItMigrates: a scale the national data set does not take is refused by
// hotro national and hotro seed --national before the database is touched.
func TestNationalRefusesBeforeItMigrates(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("the national data set loads into PostgreSQL only")
	}
	url := dbtest.NewDatabase(t)
	ctx := context.Background()
	for _, args := range [][]string{{"national", "--scale", "1000"}, {"seed", "--national", "--scale", "5"}} {
		var stdout, stderr syncBuffer
		err := run(ctx, append(args, "--log-level", "warn"), envOf(map[string]string{"DATABASE_URL": url}), strings.NewReader(""), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "at most 2") {
			t.Errorf("%v: err = %v, want the scale refused", args, err)
		}
	}
	d, err := db.Open(ctx, db.Target{Dialect: db.Postgres, DSN: url}, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var tables int
	if err := d.NewRaw("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("the refused commands left %d tables behind", tables)
	}
}
