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
	_, rest, _, d, target, err := setup(ctx, config.Migrate, args, getenv, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if len(rest) != 1 {
		return errors.New("usage: hotro backup FILE")
	}
	if err := db.Backup(ctx, d, target, rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", target.Describe(), rest[0])
	return nil
}

// restoreCmd: hotro restore FILE loads a backup into an empty database (DATABASE_URL).
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := config.Load(config.Migrate, args, getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: hotro restore FILE (into the empty database of DATABASE_URL)")
	}
	target, err := db.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if err := db.Restore(ctx, target, rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s\n", rest[0], target.Describe())
	return nil
}
