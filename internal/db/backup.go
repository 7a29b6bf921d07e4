package db

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/uptrace/bun"
)

// Backup writes a consistent copy of the database to path while it keeps serving: SQLite's
// VACUUM INTO for SQLite, pg_dump's custom format for PostgreSQL (pg_dump must be on PATH).
func Backup(ctx context.Context, d *bun.DB, t Target, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file name", path)
	}
	switch t.Dialect {
	case SQLite:
		if _, err := d.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		return nil
	case Postgres:
		return runTool(ctx, "pg_dump", "--format=custom", "--no-owner", "--file="+path, "--dbname="+t.DSN)
	}
	return fmt.Errorf("backup: unknown dialect %q", t.Dialect)
}

// Restore loads a backup into the target, which must be empty: a new SQLite file, or a PostgreSQL
// database without hotro's tables (pg_restore must be on PATH).
func Restore(ctx context.Context, t Target, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	switch t.Dialect {
	case SQLite:
		if _, err := os.Stat(t.DSN); err == nil {
			return fmt.Errorf("restore: %s exists; restore into a new file and switch to it", t.DSN)
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if !bytes.HasPrefix(src, []byte("SQLite format 3\x00")) {
			return fmt.Errorf("restore: %s is not a SQLite backup", path)
		}
		return os.WriteFile(t.DSN, src, 0o640)
	case Postgres:
		d, err := Open(ctx, t, Options{})
		if err != nil {
			return err
		}
		defer d.Close()
		var n int
		if err := d.NewRaw("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'disbursements'").Scan(ctx, &n); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if n > 0 {
			return errors.New("restore: the target database already holds hotro's tables; restore into an empty database")
		}
		return runTool(ctx, "pg_restore", "--no-owner", "--exit-on-error", "--dbname="+t.DSN, path)
	}
	return fmt.Errorf("restore: unknown dialect %q", t.Dialect)
}

func runTool(ctx context.Context, name string, args ...string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("%s is not installed: install the PostgreSQL client tools", name)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
