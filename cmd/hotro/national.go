package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/config"
	"hotro/internal/rollup"
	"hotro/internal/seed"
	"hotro/internal/seed/national"
)

// nationalCmd loads the synthetic national data set (PostgreSQL only): hotro national [--scale F] [--seed N].
func nationalCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, log, d, err := setup(ctx, config.National, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if len(rest) > 0 {
		return fmt.Errorf("national takes no arguments, got %q", rest)
	}
	if err := national.Check(d, nationalOptions(cfg, nil)); err != nil {
		return err
	}
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	if _, err := seed.EnsureReference(ctx, d, rollup.Realign); err != nil {
		return err
	}
	return loadNational(ctx, cfg, d, log, stdout)
}

// loadNational loads the national data set of the configured seed and scale into d, which holds the
// reference data, and says what it loaded.
func loadNational(ctx context.Context, cfg config.Config, d *bun.DB, log *slog.Logger, stdout io.Writer) error {
	sum, err := national.Load(ctx, d, nationalOptions(cfg, func(step string, took time.Duration) {
		log.Info("national data set", "step", step, "took", took.Round(time.Millisecond))
	}))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "national data set (seed %d, scale %g): %d provinces, %d districts, %d communes; %d recipients (%d persons), %d payment lines, %d rollup rows\n",
		cfg.DemoSeed, cfg.DemoScale, sum.Provinces, sum.Districts, sum.Wards, sum.Recipients, sum.Persons, sum.Lines, sum.RollupRows)
	fmt.Fprintf(stdout, "loaded in %s: copy %s (%.0f lines/s), indexes and keys %s, analyze %s; %.0f lines/s overall\n",
		sum.Total.Round(time.Second), sum.Copy.Round(time.Second), sum.CopyLinesPerSecond(), sum.Indexes.Round(time.Second),
		sum.Analyze.Round(time.Second), sum.LinesPerSecond())
	return nil
}

// nationalOptions are the national data set's options from the configuration.
func nationalOptions(cfg config.Config, progress func(step string, took time.Duration)) national.Options {
	return national.Options{Seed: cfg.DemoSeed, Scale: cfg.DemoScale, Progress: progress}
}
