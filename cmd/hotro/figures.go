package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"hotro/internal/auth"
	"hotro/internal/config"
	"hotro/internal/wardfigure"
)

// maxFiguresFileBytes bounds a figures CSV: every commune of the country for many years is a few MB.
const maxFiguresFileBytes = 32 << 20

// figuresCmd: hotro figures load FILE.csv [--illustrative]. It loads population and households per
// ward (header ma_xa,nam,dan_so,so_ho,nguon, or ward_code,year,population,households,source), as the
// loadWardFigures mutation does: all or nothing, every wrong row named, figures of a ward and year
// loaded before replaced, recorded as "cli" in the audit trail.
func figuresCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var illustrative bool
	cfg, rest, err := load(config.Figures, args, getenv, stdout,
		config.Bool("illustrative", "mark the figures as illustrative, not official statistics", &illustrative))
	if err != nil {
		return err
	}
	if len(rest) != 2 || rest[0] != "load" {
		return errors.New("usage: hotro figures load FILE.csv [--illustrative] (hotro figures -h)")
	}
	file := rest[1]
	info, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if info.Size() > maxFiguresFileBytes {
		return fmt.Errorf("%s: %d MB, larger than the %d MB a figures file may have", file, info.Size()>>20, maxFiguresFileBytes>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	log, d, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	ctx = auth.WithIdentity(ctx, &auth.Identity{Username: cliActor, Role: auth.Admin, Via: "cli"})
	res, err := wardfigure.NewStore(d).Load(ctx, wardfigure.LoadInput{CSV: data, Illustrative: illustrative})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "loaded %d ward figures for %v from %s\n", res.Rows, res.Years, file)
	return nil
}
