// Command hotro serves the support-payment tracker: the GraphQL API and the dashboard over
// PostgreSQL or an embedded SQLite file, and administers its database.
//
// Each command reads its settings through internal/config (the shared ones from config.Table, its
// own declared next to it with the same config.Setting), so every command takes its flags before
// or after its arguments and answers -h with its usage. Errors are returned up to main, which
// prints each once, on one line. The command line speaks English to the operator; what the domain
// packages say about the data (an account's rules, the rows of a recipient list) is the Vietnamese
// the dashboard shows the ward officers and leaders.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"hotro/internal/config"
)

// synopses are the commands' usage lines, for hotro help and hotro CMD -h.
var synopses = map[config.Command]string{
	config.Serve:   "hotro serve [flags]\n      serve the API and the dashboard (migrates the database first)",
	config.Migrate: "hotro migrate [up|down|status] [flags]\n      apply, roll back (the last group) or list the database migrations",
	config.Seed:    "hotro seed [--demo | --national] [flags]\n      load reference data (idempotent); --demo adds the demo data set",
	config.User: "hotro user add USERNAME --role ROLE [--name NAME] [--wards CODES] [flags]\n" +
		"hotro user passwd USERNAME [--keep-tokens] [flags]\n      create an account or change a password (the password is read from standard input)",
	config.Token: "hotro token create USERNAME NAME [--ttl 720h] | revoke USERNAME NAME | list USERNAME [flags]\n" +
		"      API tokens for analysts and integrations (Authorization: Bearer ...)",
	config.Backup:   "hotro backup FILE [flags]\n      write a consistent copy of the database while it serves (SQLite: VACUUM INTO; PostgreSQL: pg_dump custom format)",
	config.Restore:  "hotro restore FILE [flags]\n      load a backup into the empty database of --database-url",
	config.National: "hotro national [--scale F] [--seed N] [flags]\n      load the synthetic national data set (PostgreSQL only; scale 1: 20 million recipients, 30 million lines, with COPY)",
	config.Rollup:   "hotro rollup check|rebuild [flags]\n      compare the rollups with the payment lines, or recompute them",
	config.Public:   "hotro public audit [flags]\n      prove the public figures: no withheld cell can be worked out from the published ones",
	config.Import: "hotro import --program P --group G --ward W [--as USER] [--commit] FILE [flags]\n" +
		"      check a recipient list (.xlsx/.csv) row by row; --commit writes it, all or nothing",
	config.Fund: "hotro fund allocate --program P --fund F --unit CODE --amount N --decision D --decided-on YYYY-MM-DD [flags]\n" +
		"      record a fund's allocation to a province, district or ward by a decision",
	config.Figures: "hotro figures load FILE.csv [--illustrative] [flags]\n" +
		"      load population and households per ward (ma_xa,nam,dan_so,so_ho,nguon), all or nothing",
	config.Geo: "hotro geo import FILE.geojson --attribution TEXT [flags]\n" +
		"      load the city's own ward boundaries (features keyed by ward code: property code, ma or ward_code) for the map",
	config.Snapshot: "hotro snapshot create --name N --document D | list | show ID | diff FROM TO|now [--by DIMS] | withdraw ID --reason R [flags]\n" +
		"      freeze the official figures a report announces, list or show them, compare them with later data, withdraw one",
	config.Report: "hotro report --snapshot ID --format docx|pdf --out FILE --signer NAME [--position P] [flags]\n" +
		"      write the report a leader signs (Decree 30/2020/NĐ-CP) with the figures of an official snapshot",
}

// writeUsage lists the commands, for hotro help.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, "hotro tracks government cash support to people and shows where the money went.\n\nUsage:\n")
	for _, c := range config.Commands {
		fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(synopses[c], "\n", "\n  "))
	}
	fmt.Fprint(w, `  hotro help
      show this

Every command takes --database-url (env DATABASE_URL): postgres://... selects PostgreSQL; a file path,
or nothing, selects the embedded SQLite database (default data/hotro.db). Flags may come before or
after a command's arguments. Run "hotro <command> -h" for the flags of a command.
`)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hotro:", err)
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("unknown command; run hotro help")

// run is main without the process: it returns instead of exiting, so tests can call it.
// Help asked for with -h or --help is written to stdout and is a success.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		writeUsage(stderr)
		return errUsage
	}
	err := runCommand(ctx, args[0], args[1:], getenv, stdin, stdout, stderr)
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

func runCommand(ctx context.Context, cmd string, rest []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, getenv, stdout, stderr)
	case "seed":
		return seedCmd(ctx, rest, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, rest, getenv, stdin, stdout, stderr)
	case "token":
		return tokenCmd(ctx, rest, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, rest, getenv, stdout, stderr)
	case "national":
		return nationalCmd(ctx, rest, getenv, stdout, stderr)
	case "rollup":
		return rollupCmd(ctx, rest, getenv, stdout, stderr)
	case "public":
		return publicCmd(ctx, rest, getenv, stdout, stderr)
	case "fund":
		return fundCmd(ctx, rest, getenv, stdout, stderr)
	case "snapshot":
		return snapshotCmd(ctx, rest, getenv, stdout, stderr)
	case "report":
		return reportCmd(ctx, rest, getenv, stdout, stderr)
	case "figures":
		return figuresCmd(ctx, rest, getenv, stdout, stderr)
	case "geo":
		return geoCmd(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help":
		writeUsage(stdout)
		return nil
	default:
		writeUsage(stderr)
		return fmt.Errorf("%q: %w", cmd, errUsage)
	}
}
