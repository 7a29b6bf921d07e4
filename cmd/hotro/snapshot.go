package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/config"
	"hotro/internal/dataset"
	"hotro/internal/officialdoc"
	"hotro/internal/reference"
	"hotro/internal/report"
	"hotro/internal/rollup"
	"hotro/internal/snapshot"
	"hotro/internal/vntext"
)

// snapshotService wires the snapshot service over the database, as the command-line actor (an
// admin, recorded as "cli" in the audit trail).
func snapshotService(ctx context.Context, d *bun.DB, minCount int) (*snapshot.Service, context.Context, error) {
	if _, err := rollup.EnsureBuilt(ctx, d); err != nil {
		return nil, ctx, err
	}
	ref := reference.NewCache(d)
	svc := snapshot.NewService(d, rollup.NewEngineShared(d, ref), ref, dataset.NewStore(d).Version, time.Now, minCount)
	return svc, auth.WithIdentity(ctx, &auth.Identity{Username: cliActor, Role: auth.Admin, Via: "cli"}), nil
}

// snapshotCmd: hotro snapshot create|list|show|diff|withdraw.
func snapshotCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var name, document, reason, by string
	cfg, rest, err := load(config.Snapshot, args, getenv, stdout,
		config.String("name", "NAME", "create: the snapshot's name, e.g. \"Báo cáo 123\"", &name),
		config.String("document", "TEXT", "create: the document it backs, e.g. \"Báo cáo số 123/BC-UBND ngày 20/05/2020\"", &document),
		config.String("reason", "TEXT", "withdraw: why the snapshot is withdrawn", &reason),
		config.String("by", "DIMS", "diff: the dimensions to compare by, comma separated (default WARD)", &by))
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return errors.New("snapshot takes an action: create, list, show, diff or withdraw (hotro snapshot -h)")
	}
	verb, params := rest[0], rest[1:]
	need := map[string]int{"create": 0, "list": 0, "show": 1, "withdraw": 1, "diff": 2}
	n, ok := need[verb]
	if !ok {
		return fmt.Errorf("snapshot: unknown action %q (use create, list, show, diff or withdraw)", verb)
	}
	if len(params) != n {
		return fmt.Errorf("snapshot %s takes %d argument(s), got %q", verb, n, params)
	}
	log, d, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	svc, ctx, err := snapshotService(ctx, d, cfg.PublicMinCount)
	if err != nil {
		return err
	}
	id := func(s string) (int64, error) {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a snapshot number (hotro snapshot list)", s)
		}
		return v, nil
	}
	switch verb {
	case "create":
		snap, err := svc.Create(ctx, snapshot.CreateInput{Name: name, Document: document})
		if err != nil {
			return describe(err)
		}
		return show(ctx, svc, snap, stdout)
	case "list":
		list, err := svc.List(ctx)
		if err != nil {
			return describe(err)
		}
		for _, s := range list {
			state := "chính thức"
			if !s.Official() {
				state = "đã rút: " + *s.WithdrawnReason
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.CreatedAt.In(civil.Location).Format("2006-01-02 15:04"), s.Name, s.Document, s.CreatedBy, state)
		}
		return nil
	case "show":
		v, err := id(params[0])
		if err != nil {
			return err
		}
		snap, err := svc.Get(ctx, v)
		if err != nil {
			return describe(err)
		}
		return show(ctx, svc, snap, stdout)
	case "withdraw":
		v, err := id(params[0])
		if err != nil {
			return err
		}
		snap, err := svc.Withdraw(ctx, v, reason)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "withdrawn: %d %s (%s)\n", snap.ID, snap.Name, *snap.WithdrawnReason)
		return nil
	}
	from, err := id(params[0])
	if err != nil {
		return err
	}
	diff, err := svc.Diff(ctx, from, params[1])
	if err != nil {
		return describe(err)
	}
	q := report.Query{GroupBy: []report.Dimension{report.Ward}}
	if by != "" {
		q.GroupBy = nil
		for _, d := range strings.Split(by, ",") {
			q.GroupBy = append(q.GroupBy, report.Dimension(strings.ToUpper(strings.TrimSpace(d))))
		}
	}
	ref, err := reference.NewCache(d).Get(ctx)
	if err != nil {
		return err
	}
	cells, before, after, err := diff.Cells(q, ref)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "total: paid %s -> %s đồng, people %s -> %s, lines %s -> %s; %d lines changed\n",
		vntext.Number(before.AmountPaid), vntext.Number(after.AmountPaid), vntext.Number(before.PeopleSupported), vntext.Number(after.PeopleSupported),
		vntext.Number(before.Disbursements), vntext.Number(after.Disbursements), len(diff.Lines()))
	for _, c := range cells {
		fmt.Fprintf(stdout, "%s\tpaid %s -> %s\tpeople %s -> %s\tlines %s -> %s\n", keyLabel(ref, c.Key),
			vntext.Number(c.Before.AmountPaid), vntext.Number(c.After.AmountPaid), vntext.Number(c.Before.PeopleSupported), vntext.Number(c.After.PeopleSupported),
			vntext.Number(c.Before.Disbursements), vntext.Number(c.After.Disbursements))
		for _, l := range c.Lines {
			var rs []string
			for _, r := range l.Reasons {
				rs = append(rs, string(r))
			}
			fmt.Fprintf(stdout, "\tline %d: %s\n", l.ID, strings.Join(rs, ", "))
		}
		if c.LineCount > len(c.Lines) {
			fmt.Fprintf(stdout, "\t… %d more lines\n", c.LineCount-len(c.Lines))
		}
	}
	return nil
}

// keyLabel names a row by its codes.
func keyLabel(ref *reference.Snapshot, k report.Key) string {
	var parts []string
	if k.ProgramID != 0 && ref.Program(k.ProgramID) != nil {
		parts = append(parts, ref.Program(k.ProgramID).Code)
	}
	for _, code := range []string{k.ProvinceCode, k.DistrictCode, k.WardCode} {
		if code != "" {
			parts = append(parts, code)
		}
	}
	if g := ref.Group(k.GroupID); g != nil {
		parts = append(parts, g.Code)
	}
	if f := ref.Fund(k.FundID); f != nil {
		parts = append(parts, f.Code)
	}
	if r := ref.Round(k.RoundID); r != nil {
		parts = append(parts, r.Code)
	}
	if k.Period != nil {
		parts = append(parts, k.Period.Label)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

func show(ctx context.Context, svc *snapshot.Service, snap *snapshot.Snapshot, stdout io.Writer) error {
	f, err := svc.Figures(ctx, snap)
	if err != nil {
		return describe(err)
	}
	t := f.Total()
	fmt.Fprintf(stdout, "snapshot %d: %s\ndocument: %s\nmade by %s at %s, data version %d\n%s lines, %s cells\npaid %s đồng to %s recipients covering %s people\n",
		snap.ID, snap.Name, snap.Document, snap.CreatedBy, snap.CreatedAt.In(civil.Location).Format("2006-01-02 15:04:05"), snap.DataVersion,
		vntext.Number(snap.Lines), vntext.Number(snap.Cells), vntext.Number(t.AmountPaid), vntext.Number(t.Beneficiaries), vntext.Number(t.PeopleSupported))
	if !snap.Official() {
		fmt.Fprintf(stdout, "withdrawn by %s at %s: %s\n", *snap.WithdrawnBy, snap.WithdrawnAt.In(civil.Location).Format("2006-01-02 15:04"), *snap.WithdrawnReason)
	}
	return nil
}

// reportCmd: hotro report --snapshot ID --format docx|pdf --out FILE.
func reportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var id, format, out, signer, position, authority, parent, number, place string
	cfg, rest, err := load(config.Report, args, getenv, stdout,
		config.String("snapshot", "ID", "the official snapshot whose figures the report gives", &id),
		config.String("format", "docx|pdf", "the file's format", &format),
		config.String("out", "FILE", "where to write it", &out),
		config.String("signer", "NAME", "who signs", &signer),
		config.String("position", "TEXT", "the signer's position (default CHỦ TỊCH)", &position),
		config.String("authority", "TEXT", "how the signer signs (default TM. ỦY BAN NHÂN DÂN)", &authority),
		config.String("parent-body", "TEXT", "the body above the issuer, e.g. UBND TỈNH THÁI NGUYÊN", &parent),
		config.String("number", "TEXT", "number and symbol (default: from the snapshot's document)", &number),
		config.String("place", "TEXT", "place name of the date line (default: the organisation's last words)", &place))
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("report takes no arguments besides flags, got %q", rest)
	}
	if id == "" || out == "" || (format != "docx" && format != "pdf") {
		return errors.New("report needs --snapshot ID, --format docx or pdf, and --out FILE (hotro report -h)")
	}
	v, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("--snapshot %q is not a snapshot number (hotro snapshot list)", id)
	}
	log, d, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	svc, ctx, err := snapshotService(ctx, d, cfg.PublicMinCount)
	if err != nil {
		return err
	}
	snap, err := svc.Get(ctx, v)
	if err != nil {
		return describe(err)
	}
	r, err := svc.Report(ctx, snap, snapshot.DefaultReportInput(cfg.Organisation, snapshot.ReportInput{ParentBody: parent, Number: number, Place: place,
		Signer: officialdoc.Signer{Authority: authority, Position: position, Name: signer}}))
	if err != nil {
		return describe(err)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	write := officialdoc.WriteDOCX
	if format == "pdf" {
		write = officialdoc.WritePDF
	}
	if err := write(f, r); err != nil {
		f.Close()
		os.Remove(out)
		return describe(err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: the report of snapshot %d (%s)\n", out, snap.ID, snap.Name)
	return nil
}
