package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/uptrace/bun"

	"hotro/internal/account"
	"hotro/internal/config"
	"hotro/internal/rollup"
	"hotro/internal/seed"
	"hotro/internal/seed/national"
)

func seedCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var demo, nationalSet bool
	var set config.Demo
	_, rest, log, d, err := setup(ctx, config.Seed, args, getenv, stdout, stderr, append(set.Settings(),
		config.Bool("demo", "also load the synthetic demo data set (only into a database without payments)", &demo),
		config.Bool("national", "load the synthetic national data set with COPY (PostgreSQL; --scale 1 is 20 million recipients)", &nationalSet))...)
	if err != nil {
		return err
	}
	defer d.Close()
	if len(rest) > 0 {
		return fmt.Errorf("seed takes no arguments, got %q", rest)
	}
	if demo && nationalSet {
		return errors.New("--demo and --national are two different data sets: choose one")
	}
	if nationalSet {
		if err := national.Check(d, nationalOptions(set, nil)); err != nil {
			return err
		}
	}
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	sum, err := seed.Reference(ctx, d, rollup.Realign)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reference data: %d administrative units, %d programmes, %d groups, %d funds, %d payment rounds\n", sum.Units, sum.Programs, sum.Groups, sum.Funds, sum.Rounds)
	if sum.Moved > 0 {
		fmt.Fprintf(stdout, "%d units moved to another parent: the aggregates of their provinces were computed again\n", sum.Moved)
	}
	if nationalSet {
		return loadNational(ctx, set, d, log, stdout)
	}
	if !demo {
		return nil
	}
	sumDemo, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: set.Seed, Scale: set.Scale, Observer: rollup.NewKeeper()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo data (seed %d, scale %g): %d recipients, %d payment lines; first round paid %d VND to %d people\n",
		set.Seed, set.Scale, sumDemo.Beneficiaries, sumDemo.Disbursements, sumDemo.FirstRoundAmount, sumDemo.FirstRoundPeople)
	if err := seed.CreateDemoAccounts(ctx, d, set.Password, account.DefaultHash); err != nil {
		return err
	}
	printDemoAccounts(stdout, set.Password)
	return nil
}

// demoIfEmpty loads the demo data set when the database holds no payment lines.
func demoIfEmpty(ctx context.Context, d *bun.DB, demo config.Demo, log *slog.Logger) error {
	n, err := d.NewSelect().Table("disbursements").Count(ctx)
	if err != nil {
		return fmt.Errorf("counting payment lines: %w", err)
	}
	if n > 0 {
		return nil
	}
	sum, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: demo.Seed, Scale: demo.Scale, Observer: rollup.NewKeeper()})
	if err != nil {
		return fmt.Errorf("loading demo data: %w", err)
	}
	log.Info("demo data loaded", "seed", demo.Seed, "recipients", sum.Beneficiaries, "lines", sum.Disbursements)
	return seed.CreateDemoAccounts(ctx, d, demo.Password, account.DefaultHash)
}

// printDemoAccounts tells how to sign in to a demo database.
func printDemoAccounts(w io.Writer, password string) {
	fmt.Fprintf(w, "demo accounts (password %q):", password)
	for _, a := range seed.DemoAccounts {
		fmt.Fprintf(w, " %s (%s)", a.Username, a.Role)
	}
	fmt.Fprintln(w)
}
