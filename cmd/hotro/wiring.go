package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/config"
	"hotro/internal/db"
	"hotro/internal/errs"
	"hotro/internal/logging"
)

// errHelpShown is returned by a command whose arguments asked for help, once it is written.
var errHelpShown = errors.New("help shown")

// load reads the configuration of cmd, with own, its own settings. Asked for help, it writes the
// command's help to stdout and returns errHelpShown.
func load(cmd config.Command, args []string, getenv func(string) string, stdout io.Writer, own ...config.Setting) (config.Config, []string, error) {
	cfg, rest, err := config.Load(cmd, args, getenv, own...)
	if errors.Is(err, config.ErrHelp) {
		fmt.Fprintf(stdout, "Usage:\n  %s\n\n", strings.ReplaceAll(synopses[cmd], "\n", "\n  "))
		config.Help(stdout, cmd, own...)
		return cfg, nil, errHelpShown
	}
	return cfg, rest, err
}

// setup reads the configuration of cmd (with own, its own settings), builds the logger and opens
// the database.
func setup(ctx context.Context, cmd config.Command, args []string, getenv func(string) string, stdout, stderr io.Writer, own ...config.Setting) (config.Config, []string, *slog.Logger, *bun.DB, error) {
	cfg, rest, err := load(cmd, args, getenv, stdout, own...)
	if err != nil {
		return cfg, nil, nil, nil, err
	}
	log, d, err := open(ctx, cfg, stderr)
	return cfg, rest, log, d, err
}

// open builds the logger of cfg and opens its database.
func open(ctx context.Context, cfg config.Config, stderr io.Writer) (*slog.Logger, *bun.DB, error) {
	log, err := logging.New(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return nil, nil, err
	}
	d, err := db.Open(ctx, cfg.Database, db.Options{StatementTimeout: cfg.StatementTimeout})
	if err != nil {
		return nil, nil, err
	}
	return log, d, nil
}

// action returns the one action of cmd among actions, from its arguments (after the flags are
// taken out); with no argument, the default ("" when an action must be given).
func action(cmd config.Command, rest []string, def string, actions ...string) (string, error) {
	choices := strings.Join(actions, ", ")
	switch {
	case len(rest) == 0 && def != "":
		return def, nil
	case len(rest) != 1:
		return "", fmt.Errorf("%s takes one action (%s), got %q", cmd, choices, rest)
	case !slices.Contains(actions, rest[0]):
		return "", fmt.Errorf("%s: unknown action %q (use %s)", cmd, rest[0], choices)
	}
	return rest[0], nil
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
