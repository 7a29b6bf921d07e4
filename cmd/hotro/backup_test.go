package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// summary is a fingerprint of a database's content: row counts and money sums.
func summary(t *testing.T, url string) string {
	t.Helper()
	target, err := db.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), target, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []string
	for _, q := range []string{
		"SELECT count(*) || '/' || COALESCE(SUM(amount), 0) FROM disbursements",
		"SELECT count(*) || '/' || COALESCE(SUM(members), 0) FROM beneficiaries",
		"SELECT count(*) FROM admin_units",
		"SELECT count(*) FROM users",
		"SELECT count(*) FROM audit_events",
	} {
		var s string
		if err := d.NewRaw(q).Scan(context.Background(), &s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestBackupAndRestore(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			var source, restored string
			if dialect == db.SQLite {
				source = "sqlite:" + seedtest.SQLiteDemoFile(t)
				restored = "sqlite:" + filepath.Join(dir, "restored.db")
			} else {
				source = dbtest.NewDatabase(t)
				restored = dbtest.NewDatabase(t)
				var out syncBuffer
				if err := run(ctx, []string{"seed", "--demo", "--scale", "0.05"}, envOf(map[string]string{"DATABASE_URL": source}), strings.NewReader(""), &out, &out); err != nil {
					t.Fatalf("seed: %v\n%s", err, out.String())
				}
			}
			backup := filepath.Join(dir, "hotro.backup")
			var stdout, stderr syncBuffer
			if err := run(ctx, []string{"backup", backup}, envOf(map[string]string{"DATABASE_URL": source}), strings.NewReader(""), &stdout, &stderr); err != nil {
				t.Fatalf("backup: %v\n%s", err, stderr.String())
			}
			if err := run(ctx, []string{"backup", backup}, envOf(map[string]string{"DATABASE_URL": source}), strings.NewReader(""), &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "exists") {
				t.Errorf("backup over an existing file: %v", err)
			}
			if err := run(ctx, []string{"restore", backup}, envOf(map[string]string{"DATABASE_URL": restored}), strings.NewReader(""), &stdout, &stderr); err != nil {
				t.Fatalf("restore: %v\n%s", err, stderr.String())
			}
			if got, want := summary(t, restored), summary(t, source); got != want {
				t.Errorf("restored database %s, source %s", got, want)
			}
			if err := run(ctx, []string{"restore", backup}, envOf(map[string]string{"DATABASE_URL": restored}), strings.NewReader(""), &stdout, &stderr); err == nil {
				t.Error("restore over a database that holds data succeeded")
			}
		})
	}
}
