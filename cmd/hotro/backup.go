package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"hotro/internal/config"
	"hotro/internal/db"
)

// backupCmd: hotro backup FILE writes a consistent copy of the database while it serves.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := load(config.Backup, args, getenv, stdout)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: hotro backup FILE")
	}
	_, d, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := db.Backup(ctx, d, cfg.Database, rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", cfg.Database.Describe(), rest[0])
	return nil
}

// restoreCmd: hotro restore FILE loads a backup into an empty database (DATABASE_URL).
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := load(config.Restore, args, getenv, stdout)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: hotro restore FILE (into the empty database of --database-url or DATABASE_URL)")
	}
	if err := db.Restore(ctx, cfg.Database, rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s\n", rest[0], cfg.Database.Describe())
	return nil
}
