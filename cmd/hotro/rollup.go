package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"hotro/internal/config"
	"hotro/internal/rollup"
)

// rollupCmd checks the rollups against a recomputation from the lines, or rebuilds them:
// hotro rollup check|rebuild.
func rollupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	_, rest, log, d, err := setup(ctx, config.Rollup, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	act, err := action(config.Rollup, rest, "", "check", "rebuild")
	if err != nil {
		return err
	}
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	start := time.Now()
	switch act {
	case "check":
		rep, err := rollup.Check(ctx, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "compared %d rollup rows with a recomputation from %d payment lines in %s\n", rep.Rows, rep.Lines, time.Since(start).Round(time.Millisecond))
		if !rep.OK() {
			fmt.Fprintln(stdout, strings.Join(rep.Examples, "\n"))
			return fmt.Errorf("%d rollup rows differ from the lines: run hotro rollup rebuild", rep.Mismatches)
		}
		fmt.Fprintln(stdout, "rollups equal the lines")
	case "rebuild":
		sum, err := rollup.Rebuild(ctx, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rebuilt %d rollup rows from %d payment lines in %s\n", sum.Rows, sum.Lines, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
