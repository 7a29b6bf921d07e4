// Command hotro-bench measures hotro at national scale and prints one table: the data set, the
// dashboard's queries over HTTP under concurrency (served from the rollups) against the same queries
// as plain SQL GROUP BY over the lines, the bulk-load and import rates, and the server's memory.
//
// It loads the national data set into BENCH_DATABASE_URL (default: the hotro_national database on
// the local PostgreSQL) unless that database already holds it at BENCH_SCALE, starts hotro's HTTP
// server in a child process (so its memory is its own), and drives it from here.
//
//	BENCH_SCALE=0.01 go run ./cmd/hotro-bench     # a quick run; 1 (the default) is the nation
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		err = serveChild(ctx)
	} else {
		err = run(ctx, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hotro-bench:", err)
		os.Exit(1)
	}
}
