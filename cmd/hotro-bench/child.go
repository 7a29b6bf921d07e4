package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	"hotro/internal/app"
	"hotro/internal/config"
	"hotro/internal/db"
	"hotro/internal/server"
)

// serveChild is the server process: hotro itself (internal/app, as hotro serve wires it) over the
// bench database. It prints the address it listens on. BENCH_RESPONSE_CACHE_MB sets the response
// cache (0, the default here, measures the rollups alone). BENCH_CPUPROFILE=file writes the server's
// CPU profile (go tool pprof) of its whole run, and file.cached that of the server with the cache.
func serveChild(ctx context.Context) error {
	cfg := config.Defaults()
	target, err := db.ParseURL(os.Getenv("BENCH_DATABASE_URL"))
	if err != nil {
		return fmt.Errorf("BENCH_DATABASE_URL: %w", err)
	}
	cfg.Database = target
	cfg.Addr = "127.0.0.1:0"
	cfg.ResponseCacheMB, _ = strconv.Atoi(os.Getenv("BENCH_RESPONSE_CACHE_MB"))
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" {
		if cfg.ResponseCacheMB > 0 {
			path += ".cached"
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	d, err := db.Open(ctx, cfg.Database, db.Options{StatementTimeout: cfg.StatementTimeout})
	if err != nil {
		return err
	}
	defer d.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	servers, err := app.NewServers(cfg, d, log)
	if err != nil {
		return err
	}
	srv := servers.Main
	app.TuneGC() // as hotro serve does, before the rollups are loaded
	// Loaded before the address is printed, so that every measured answer comes from memory.
	if err := servers.Warm(ctx); err != nil {
		return err
	}
	l, err := server.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening %s\n", l.Addr())
	return server.Serve(ctx, srv, l, 5*time.Second)
}
