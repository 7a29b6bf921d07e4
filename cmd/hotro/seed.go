package main

import (
	"context"
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
	cfg, rest, log, d, _, err := setup(ctx, config.Seed, args, getenv, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if len(rest) > 0 {
		return fmt.Errorf("seed takes no arguments, got %q", rest)
	}
	if cfg.National {
		if err := national.Check(d, nationalOptions(cfg, nil)); err != nil {
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
	if cfg.National {
		return loadNational(ctx, cfg, d, log, stdout)
	}
	if !cfg.Demo {
		return nil
	}
	demo, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: cfg.DemoSeed, Scale: cfg.DemoScale, Observer: rollup.NewKeeper()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo data (seed %d, scale %g): %d recipients, %d payment lines; first round paid %d VND to %d people\n",
		cfg.DemoSeed, cfg.DemoScale, demo.Beneficiaries, demo.Disbursements, demo.FirstRoundAmount, demo.FirstRoundPeople)
	if err := seed.CreateDemoAccounts(ctx, d, cfg.DemoPassword, account.DefaultHash); err != nil {
		return err
	}
	printDemoAccounts(stdout, cfg.DemoPassword)
	return nil
}

// demoIfEmpty loads the demo data set when the database holds no payment lines.
func demoIfEmpty(ctx context.Context, d *bun.DB, cfg config.Config, log *slog.Logger) error {
	n, err := d.NewSelect().Table("disbursements").Count(ctx)
	if err != nil {
		return fmt.Errorf("counting payment lines: %w", err)
	}
	if n > 0 {
		return nil
	}
	sum, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: cfg.DemoSeed, Scale: cfg.DemoScale, Observer: rollup.NewKeeper()})
	if err != nil {
		return fmt.Errorf("loading demo data: %w", err)
	}
	log.Info("demo data loaded", "seed", cfg.DemoSeed, "recipients", sum.Beneficiaries, "lines", sum.Disbursements)
	if err := seed.CreateDemoAccounts(ctx, d, cfg.DemoPassword, account.DefaultHash); err != nil {
		return err
	}
	return nil
}

// printDemoAccounts tells how to sign in to a demo database.
func printDemoAccounts(w io.Writer, password string) {
	fmt.Fprintf(w, "demo accounts (password %q):", password)
	for _, a := range seed.DemoAccounts {
		fmt.Fprintf(w, " %s (%s)", a.Username, a.Role)
	}
	fmt.Fprintln(w)
}
