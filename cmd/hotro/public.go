package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"hotro/internal/config"
	"hotro/internal/dataset"
	"hotro/internal/reference"
	"hotro/internal/release"
	"hotro/internal/rollup"
)

// publicCmd proves the public figures of the database as hotro serve publishes them: hotro public
// audit builds the release tables and their suppression pattern, then computes by linear
// programming, for every withheld sensitive cell, the values consistent with every published cell,
// and fails when one is narrower than the protection.
func publicCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, log, d, err := setup(ctx, config.Public, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := action(config.Public, rest, "", "audit"); err != nil {
		return err
	}
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	if _, err := rollup.EnsureBuilt(ctx, d); err != nil {
		return err
	}
	start := time.Now()
	p := release.NewPublisher(rollup.NewEngine(d), reference.NewCache(d), dataset.NewStore(d).Version, cfg.PublicMinCount)
	r, err := p.Release(ctx)
	if err != nil {
		return err
	}
	built := time.Since(start)
	start = time.Now()
	rep, err := r.Audit()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "release tables at data version %d: %d cells linked by %d relations; %d sensitive (fewer than %d people or recipients), %d withheld\n",
		r.Version, rep.Cells, r.Relations(), rep.Sensitive, cfg.PublicMinCount, rep.Withheld)
	fmt.Fprintf(stdout, "pattern computed in %s; audited in %s: %d intervals (cell, measure) in %d groups of linked withheld cells\n",
		built.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), rep.Intervals, rep.Components)
	if len(rep.Findings) > 0 {
		for i, f := range rep.Findings {
			if i == 20 {
				fmt.Fprintf(stdout, "… and %d more\n", len(rep.Findings)-20)
				break
			}
			fmt.Fprintln(stdout, f)
		}
		return fmt.Errorf("%d withheld cells can be narrowed below the protection from the published figures", len(rep.Findings))
	}
	if rep.Intervals > 0 {
		fmt.Fprintf(stdout, "every withheld sensitive cell can be anything from 0 to at least %d people and recipients (the narrowest reaches %.1f), and its amounts from 0 to past their own\n",
			cfg.PublicMinCount, rep.Narrowest)
	} else {
		fmt.Fprintln(stdout, "no cell is withheld: nothing counts fewer people than the protection level")
	}
	return nil
}
