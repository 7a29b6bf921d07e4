package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"hotro/internal/account"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/config"
	"hotro/internal/errs"
	"hotro/internal/intake"
	"hotro/internal/vntext"
)

const importUsage = `usage: hotro import --program CODE --group CODE --ward CODE [--fund CODE] [--listed-on YYYY-MM-DD]
                    [--as USERNAME] [--commit] FILE

Checks a recipient list (.xlsx, or .csv/.txt in UTF-8 or Excel's UTF-16) against the group's rule and
the lists already held, and prints the outcome of every row: nothing is written (the dry run). With
--commit, the list is checked again and written in one transaction, all or nothing; a list with any
row in error is not written. --as acts as that account (its role and wards); without it the command
acts as an administrator, recorded as "cli" in the audit trail.

Exit status: 0 when the list is fine (or already imported), 1 when it has errors or cannot be read.
`

// importCmd: hotro import --program P --group G --ward W [--fund F] [--listed-on D] [--as U] [--commit] FILE.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hotro import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage) }
	var req intake.Request
	var listedOn, as string
	var commit bool
	fs.StringVar(&req.Program, "program", "", "programme code, e.g. NQ42-2020")
	fs.StringVar(&req.Group, "group", "", "group code, e.g. HO_NGHEO")
	fs.StringVar(&req.Ward, "ward", "", "official ward code, e.g. 05431")
	fs.StringVar(&req.Fund, "fund", "", "fund code (default: the programme's first fund)")
	fs.StringVar(&listedOn, "listed-on", "", "the day the list was drawn up, YYYY-MM-DD (default: today)")
	fs.StringVar(&as, "as", "", "act as this account (its role and wards)")
	fs.BoolVar(&commit, "commit", false, "write the list (default: dry run)")
	// The flags every command takes go on to the configuration.
	var common []string
	for _, name := range []string{"database-url", "statement-timeout", "log-format", "log-level"} {
		fs.Func(name, "see hotro help", func(v string) error { common = append(common, "--"+name+"="+v); return nil })
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || req.Program == "" || req.Group == "" || req.Ward == "" {
		fmt.Fprint(stderr, importUsage)
		return errors.New("hotro import cần --program, --group, --ward và một tệp danh sách (import needs --program, --group, --ward and one FILE)")
	}
	if listedOn != "" {
		d, err := civil.Parse(listedOn)
		if err != nil {
			return fmt.Errorf("--listed-on %q: ngày lập danh sách phải có dạng YYYY-MM-DD, ví dụ 2020-04-20", listedOn)
		}
		req.ListedOn = &d
	}
	path := fs.Arg(0)
	file, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return describe(errs.E("import", errs.NotFound, errs.Msgf("Không có tệp %s.", path)))
		}
		return describe(errs.E("import", errs.Invalid, errs.Msgf("Không mở được tệp %s (%v).", path, err)))
	}
	defer file.Close()
	req.FileName = filepath.Base(path)

	_, _, log, d, _, err := setup(ctx, config.Command("import"), common, getenv, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	id := &auth.Identity{Username: cliActor, Role: auth.Admin, Via: "cli"}
	if as != "" {
		if id, err = account.NewService(d, account.Options{}).Identity(ctx, as); err != nil {
			return describe(err)
		}
	}
	ctx = auth.WithIdentity(ctx, id)
	svc := intake.NewService(d, intake.Options{
		OnCommit:  func() { fmt.Fprintln(stderr, "hotro: import: committing") },
		OnWritten: func(rows int) { fmt.Fprintf(stderr, "hotro: import: %d rows written, not yet committed\n", rows) },
	})
	var rep *intake.Report
	if commit {
		rep, err = svc.Import(ctx, req, file, nil)
	} else {
		rep, err = svc.Check(ctx, req, file, func(r intake.RowResult) { printRow(stdout, r) })
	}
	if err != nil {
		return describe(err)
	}
	printReport(stdout, rep, commit)
	switch rep.Status {
	case intake.HasErrors, intake.Refused:
		return errors.New(rep.Message)
	}
	return nil
}

var outcomeWords = map[intake.Outcome]string{intake.Accepted: "hợp lệ", intake.Warned: "cảnh báo", intake.Skipped: "bỏ qua", intake.Rejected: "LỖI"}

// printRow writes one row's outcome and its issues.
func printRow(w io.Writer, r intake.RowResult) {
	fmt.Fprintf(w, "dòng %-6d %-9s %-32s %-12s %12s\n", r.Row, outcomeWords[r.Outcome], r.FullName, r.CitizenID, vntext.Number(r.Amount))
	for _, i := range r.Issues {
		printIssue(w, i)
	}
}

func printIssue(w io.Writer, i intake.Issue) {
	kind := "lỗi"
	if i.Warning {
		kind = "cảnh báo"
	}
	where := i.Location()
	if where == "" {
		where = "toàn tệp"
	}
	fmt.Fprintf(w, "    %s (%s, %s): %s\n", kind, where, i.Code, i.Message)
}

// printReport writes the file-level issues (all issues after a commit, whose rows were not printed)
// and the summary.
func printReport(w io.Writer, rep *intake.Report, commit bool) {
	for _, i := range rep.Issues {
		if commit || i.Row == 0 || i.Code == "unknown_column" || i.Code == "empty_rows_stop" {
			printIssue(w, i)
		}
	}
	if rep.Truncated() && commit {
		fmt.Fprintf(w, "    … và %d vấn đề khác (chạy lại không có --commit để xem từng dòng)\n", rep.IssueCount-len(rep.Issues))
	}
	fmt.Fprintf(w, "%d dòng: %d hợp lệ, %d có cảnh báo, %d bỏ qua, %d lỗi.\n", rep.Rows, rep.Accepted, rep.Warned, rep.Skipped, rep.Rejected)
	fmt.Fprintln(w, rep.Message)
}
