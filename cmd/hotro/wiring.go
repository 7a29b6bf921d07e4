package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/uptrace/bun"

	"hotro/internal/config"
	"hotro/internal/db"
	"hotro/internal/errs"
	"hotro/internal/logging"
)

// setup reads the configuration of cmd, builds the logger and opens the database.
func setup(ctx context.Context, cmd config.Command, args []string, getenv func(string) string, stderr io.Writer) (config.Config, []string, *slog.Logger, *bun.DB, db.Target, error) {
	cfg, rest, err := config.Load(cmd, args, getenv, stderr)
	if err != nil {
		return cfg, nil, nil, nil, db.Target{}, err
	}
	log, err := logging.New(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return cfg, nil, nil, nil, db.Target{}, err
	}
	target, err := db.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return cfg, nil, nil, nil, db.Target{}, err
	}
	d, err := db.Open(ctx, target, db.Options{StatementTimeout: cfg.StatementTimeout})
	if err != nil {
		return cfg, nil, nil, nil, db.Target{}, err
	}
	return cfg, rest, log, d, target, nil
}

// migrateUp applies pending migrations, logging what it applied.
func migrateUp(ctx context.Context, d *bun.DB, log *slog.Logger) error {
	applied, err := db.MigrateUp(ctx, d)
	if err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	if len(applied) > 0 {
		log.Info("migrated", "applied", applied)
	}
	return nil
}

// describe turns a domain error into its message for a person at the command line.
func describe(err error) error {
	if k := errs.KindOf(err); k != errs.Other && k != errs.Internal {
		return errors.New(errs.Message(err))
	}
	return err
}
