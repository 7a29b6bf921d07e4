package main

import (
	"context"
	"errors"
	"flag"
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

const fundUsage = `Usage: hotro fund allocate --program P --fund F --unit CODE --amount N --decision "123/QĐ-UBND" --decided-on YYYY-MM-DD

Records that an administrative unit (province, district or ward, by official code) received an
amount of a fund by a decision. Refused when the amount is not positive, the unit does not exist on
the decision date or lies outside the programme's area, the date is before the programme or in the
future, or what the units directly below an allocated unit received would exceed what it received
(at the top, the fund's own allocation). Recorded as "cli" in the audit trail.
`

// fundCmd: hotro fund allocate --program P --fund F --unit CODE --amount N --decision D --decided-on YYYY-MM-DD.
func fundCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "allocate" {
		fmt.Fprint(stderr, fundUsage)
		return errors.New("hotro fund: chỉ có lệnh allocate (the only action is allocate)")
	}
	fs := flag.NewFlagSet("hotro fund allocate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, fundUsage) }
	var in fund.AllocateInput
	var amount, decidedOn string
	fs.StringVar(&in.Program, "program", "", "programme code, e.g. NQ42-2020")
	fs.StringVar(&in.Fund, "fund", "", "fund code, e.g. NSTP")
	fs.StringVar(&in.Unit, "unit", "", "official code of the province, district or ward, e.g. 05431")
	fs.StringVar(&amount, "amount", "", "amount in đồng (digits; dots or commas between thousands are accepted)")
	fs.StringVar(&in.Decision, "decision", "", "the decision's number, e.g. 123/QĐ-UBND")
	fs.StringVar(&decidedOn, "decided-on", "", "the decision's date, YYYY-MM-DD")
	// The flags every command takes go on to the configuration.
	var common []string
	for _, name := range []string{"database-url", "statement-timeout", "log-format", "log-level"} {
		fs.Func(name, "see hotro help", func(v string) error { common = append(common, "--"+name+"="+v); return nil })
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || in.Program == "" || in.Fund == "" || in.Unit == "" || amount == "" || in.Decision == "" || decidedOn == "" {
		fmt.Fprint(stderr, fundUsage)
		return errors.New("hotro fund allocate cần --program, --fund, --unit, --amount, --decision và --decided-on")
	}
	n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(amount), 10, 64)
	if err != nil {
		return fmt.Errorf("--amount %q: số tiền phải là số đồng, ví dụ 500000000", amount)
	}
	in.Amount = n
	if in.DecidedOn, err = civil.Parse(decidedOn); err != nil {
		return fmt.Errorf("--decided-on %q: ngày quyết định phải có dạng YYYY-MM-DD, ví dụ 2020-04-28", decidedOn)
	}
	_, _, log, d, _, err := setup(ctx, config.Command("fund"), common, getenv, stderr)
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
	fmt.Fprintf(stdout, "đã ghi: %s đồng của nguồn %s cho đơn vị %s theo quyết định %s ngày %s (mã %d)\n",
		vntext.Number(a.Amount), in.Fund, a.UnitCode, a.Decision, a.DecidedOn.Vietnamese(), a.ID)
	return nil
}
