package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/config"
	"hotro/internal/fund"
	"hotro/internal/vntext"
)

// fundCmd: hotro fund allocate --program P --fund F --unit CODE --amount N --decision D --decided-on YYYY-MM-DD.
// It records that an administrative unit (province, district or ward, by official code) received an
// amount of a fund by a decision. Refused when the amount is not positive, the unit does not exist on
// the decision date or lies outside the programme's area, the date is before the programme or in the
// future, or what the units directly below an allocated unit received would exceed what it received
// (at the top, the fund's own allocation). Recorded as "cli" in the audit trail.
func fundCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var in fund.AllocateInput
	var amount, decidedOn string
	cfg, rest, err := load(config.Fund, args, getenv, stdout,
		config.String("program", "CODE", "programme code, e.g. NQ42-2020", &in.Program),
		config.String("fund", "CODE", "fund code, e.g. NSTP", &in.Fund),
		config.String("unit", "CODE", "official code of the province, district or ward, e.g. 05431", &in.Unit),
		config.String("amount", "VND", "amount in đồng (digits; dots or commas between thousands are accepted)", &amount),
		config.String("decision", "NUMBER", "the decision's number, e.g. 123/QĐ-UBND", &in.Decision),
		config.String("decided-on", "YYYY-MM-DD", "the decision's date", &decidedOn))
	if err != nil {
		return err
	}
	if _, err := action(config.Fund, rest, "", "allocate"); err != nil {
		return err
	}
	if in.Program == "" || in.Fund == "" || in.Unit == "" || amount == "" || in.Decision == "" || decidedOn == "" {
		return errors.New("fund allocate needs --program, --fund, --unit, --amount, --decision and --decided-on (hotro fund -h)")
	}
	n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(amount), 10, 64)
	if err != nil {
		return fmt.Errorf("--amount %q: give the amount in đồng, e.g. 500000000", amount)
	}
	in.Amount = n
	if in.DecidedOn, err = civil.Parse(decidedOn); err != nil {
		return fmt.Errorf("--decided-on %q: give the decision's date as YYYY-MM-DD, e.g. 2020-04-28", decidedOn)
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
	a, err := fund.NewAllocator(d, nil).Allocate(ctx, in)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "recorded: %s đồng of fund %s to unit %s by decision %s of %s (allocation %d)\n",
		vntext.Number(a.Amount), in.Fund, a.UnitCode, a.Decision, a.DecidedOn.Vietnamese(), a.ID)
	return nil
}
