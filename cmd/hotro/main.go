// Command hotro serves the support-payment tracker: the GraphQL API and the dashboard over
// PostgreSQL or an embedded SQLite file, and administers its database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `hotro tracks government cash support to people and shows where the money went.

Usage:
  hotro serve   [flags]          serve the API and the dashboard (migrates the database first)
  hotro migrate [up|down|status] apply, roll back (the last group) or list the database migrations
  hotro seed    [--demo] [flags] load reference data (idempotent); --demo adds the demo data set
  hotro user    add USERNAME --role ROLE [--name NAME] [--wards CODES]   create an account
  hotro user    passwd USERNAME                                        change a password
                (the password is read from standard input)
  hotro token   create USERNAME NAME [--ttl 720h] | revoke USERNAME NAME | list USERNAME
                API tokens for analysts and integrations (Authorization: Bearer ...)
  hotro backup  FILE             write a consistent copy of the database while it serves
                (SQLite: VACUUM INTO; PostgreSQL: pg_dump custom format)
  hotro restore FILE             load a backup into the empty database of DATABASE_URL
  hotro national [--scale F] [--seed N]   load the synthetic national data set (PostgreSQL only;
                scale 1: 20 million recipients, 30 million lines, with COPY)
  hotro rollup  check|rebuild    compare the rollups with the lines, or recompute them
  hotro public  audit            prove the public figures: no withheld cell can be worked out from the published ones
  hotro import  --program P --group G --ward W [--as USER] [--commit] FILE
                check a recipient list (.xlsx/.csv) row by row; --commit writes it, all or nothing
  hotro fund    allocate --program P --fund F --unit CODE --amount N --decision D --decided-on YYYY-MM-DD
                record a fund's allocation to a province, district or ward by a decision
  hotro help                     show this

Every command takes --database-url (env DATABASE_URL): postgres://... selects PostgreSQL; a file path,
or nothing, selects the embedded SQLite database (default data/hotro.db).
Run "hotro <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "hotro:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("unknown command; run hotro help")

// run is main without the process: it returns instead of exiting, so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
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
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%q: %w", cmd, errUsage)
	}
}
