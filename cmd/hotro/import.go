package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"hotro/internal/account"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/config"
	"hotro/internal/intake"
	"hotro/internal/vntext"
)

// importCmd: hotro import --program P --group G --ward W [--fund F] [--listed-on D] [--as U] [--commit] FILE.
// It checks a recipient list (.xlsx, or .csv/.txt in UTF-8 or Excel's UTF-16) against the group's
// rule and the lists already held, and prints the outcome of every row: nothing is written (the dry
// run). With --commit, the list is checked again and written in one transaction, all or nothing; a
// list with any row in error is not written. --as acts as that account (its role and wards); without
// it the command acts as an administrator, recorded as "cli" in the audit trail. It fails (exit 1)
// when the list has errors or cannot be read.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var req intake.Request
	var listedOn, as string
	var commit bool
	cfg, rest, err := load(config.Import, args, getenv, stdout,
		config.String("program", "CODE", "programme code, e.g. NQ42-2020", &req.Program),
		config.String("group", "CODE", "group code, e.g. HO_NGHEO", &req.Group),
		config.String("ward", "CODE", "official ward code, e.g. 05431", &req.Ward),
		config.String("fund", "CODE", "fund code (default: the programme's first fund)", &req.Fund),
		config.String("listed-on", "YYYY-MM-DD", "the day the list was drawn up (default: today)", &listedOn),
		config.String("as", "USERNAME", "act as this account (its role and wards); default: an administrator, recorded as cli", &as),
		config.Bool("commit", "write the list, all or nothing (default: a dry run that writes nothing)", &commit))
	if err != nil {
		return err
	}
	if len(rest) != 1 || req.Program == "" || req.Group == "" || req.Ward == "" {
		return errors.New("import needs --program, --group, --ward and one FILE (hotro import -h)")
	}
	if listedOn != "" {
		d, err := civil.Parse(listedOn)
		if err != nil {
			return fmt.Errorf("--listed-on %q: give the day the list was drawn up as YYYY-MM-DD, e.g. 2020-04-20", listedOn)
		}
		req.ListedOn = &d
	}
	path := rest[0]
	file, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no file %s", path)
		}
		return fmt.Errorf("cannot open %s: %v", path, err)
	}
	defer file.Close()
	req.FileName = filepath.Base(path)

	log, d, err := open(ctx, cfg, stderr)
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
