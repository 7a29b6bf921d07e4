package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"hotro/internal/app"
	"hotro/internal/config"
	"hotro/internal/seed"
	"hotro/internal/server"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, log, d, target, err := setup(ctx, config.Serve, args, getenv, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	// Listen before the slower start-up work, so a port in use is reported at once.
	l, err := server.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	if loaded, err := seed.EnsureReference(ctx, d); err != nil {
		return fmt.Errorf("loading reference data: %w", err)
	} else if loaded {
		log.Info("reference data loaded")
	}
	if cfg.DemoIfEmpty {
		if err := demoIfEmpty(ctx, d, cfg, log); err != nil {
			return err
		}
	}

	srv, err := app.New(cfg, d, log)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", l.Addr().String(), "database", target.Describe())
	fmt.Fprintf(stdout, "hotro is running on %s\n  dashboard: %s/\n  GraphQL:   %s/graphql\n", target.Describe(), baseURL(l.Addr()), baseURL(l.Addr()))
	return server.Serve(ctx, srv, l, cfg.ShutdownTimeout)
}

// baseURL is a URL a person on this machine can open for the listening address.
func baseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); host == "" || ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
