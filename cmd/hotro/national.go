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
	var set config.Demo
	_, rest, log, d, err := setup(ctx, config.National, args, getenv, stdout, stderr, set.Settings()...)
	if err != nil {
		return err
	}
	defer d.Close()
	if len(rest) > 0 {
		return fmt.Errorf("national takes no arguments, got %q", rest)
	}
	if err := national.Check(d, nationalOptions(set, nil)); err != nil {
		return err
	}
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	if _, err := seed.EnsureReference(ctx, d, rollup.Realign); err != nil {
		return err
	}
	return loadNational(ctx, set, d, log, stdout)
}

// loadNational loads the national data set of the configured seed and scale into d, which holds the
// reference data, and says what it loaded.
func loadNational(ctx context.Context, set config.Demo, d *bun.DB, log *slog.Logger, stdout io.Writer) error {
	sum, err := national.Load(ctx, d, nationalOptions(set, func(step string, took time.Duration) {
		log.Info("national data set", "step", step, "took", took.Round(time.Millisecond))
	}))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "national data set (seed %d, scale %g): %d provinces, %d districts, %d communes; %d recipients (%d persons), %d payment lines, %d rollup rows\n",
		set.Seed, set.Scale, sum.Provinces, sum.Districts, sum.Wards, sum.Recipients, sum.Persons, sum.Lines, sum.RollupRows)
	fmt.Fprintf(stdout, "loaded in %s: copy %s (%.0f lines/s), indexes and keys %s, analyze %s; %.0f lines/s overall\n",
		sum.Total.Round(time.Second), sum.Copy.Round(time.Second), sum.CopyLinesPerSecond(), sum.Indexes.Round(time.Second),
		sum.Analyze.Round(time.Second), sum.LinesPerSecond())
	return nil
}

// nationalOptions are the national data set's options from its settings.
func nationalOptions(set config.Demo, progress func(step string, took time.Duration)) national.Options {
	return national.Options{Seed: set.Seed, Scale: set.Scale, Progress: progress}
}
