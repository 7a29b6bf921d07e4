package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/account"
	"hotro/internal/app"
	"hotro/internal/auth"
	"hotro/internal/config"
	"hotro/internal/dataset"
	"hotro/internal/rollup"
	"hotro/internal/seed"
	"hotro/internal/server"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var demo config.Demo
	cfg, rest, log, d, err := setup(ctx, config.Serve, args, getenv, stdout, stderr, demo.Settings()...)
	if err != nil {
		return err
	}
	defer d.Close()
	if len(rest) > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", rest)
	}
	target := cfg.Database
	if cfg.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey); err != nil {
			return fmt.Errorf("cannot use the TLS certificate and key: %v", err)
		}
	}
	// Listen before the slower start-up work, so a port in use is reported at once.
	l, err := server.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	defer l.Close()
	var metricsListener net.Listener
	if cfg.MetricsAddr != "" {
		if metricsListener, err = server.ListenFor(cfg.MetricsAddr, "--metrics-addr or HOTRO_METRICS_ADDR, or turn it off with --metrics-addr off"); err != nil {
			return err
		}
		defer metricsListener.Close()
	}
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	if loaded, err := seed.EnsureReference(ctx, d, rollup.Realign); err != nil {
		return fmt.Errorf("loading reference data: %w", err)
	} else if loaded {
		log.Info("reference data loaded")
	}
	if cfg.DemoIfEmpty {
		if err := demoIfEmpty(ctx, d, demo, log); err != nil {
			return err
		}
	}
	if cfg.AdminUsername != "" {
		if err := ensureAdmin(ctx, d, cfg); err != nil {
			return err
		}
	}
	// Stats are read from the rollups; a database filled before they existed gets them now.
	if built, err := rollup.EnsureBuilt(ctx, d); err != nil {
		return fmt.Errorf("building the rollups: %w", err)
	} else if built {
		log.Info("rollups built from the payment lines")
	}

	servers, err := app.NewServers(cfg, d, log)
	if err != nil {
		return err
	}
	app.TuneGC()
	go func() {
		start := time.Now()
		if err := servers.Warm(ctx); err != nil {
			log.Warn("rollups not loaded into memory: stats are read from the database until the next answer loads them", "err", err)
			return
		}
		log.Info("rollups loaded into memory", "took", time.Since(start).Round(time.Millisecond))
		servers.PreparePublic(ctx)
	}()
	log.Info("serving", "addr", l.Addr().String(), "database", target.Describe())
	fmt.Fprintf(stdout, "hotro is running on %s\n  dashboard: %s/\n  GraphQL:   %s/graphql\n  console:   %s/graphiql\n",
		target.Describe(), baseURL(l.Addr(), cfg.TLSCert != ""), baseURL(l.Addr(), cfg.TLSCert != ""), baseURL(l.Addr(), cfg.TLSCert != ""))
	metricsDone := make(chan error, 1)
	if metricsListener != nil {
		fmt.Fprintf(stdout, "  metrics:   %s/metrics\n", baseURL(metricsListener.Addr(), false))
		go func() { metricsDone <- server.Serve(ctx, servers.Metrics, metricsListener, cfg.ShutdownTimeout) }()
	} else {
		metricsDone <- nil
	}
	if info, err := dataset.NewStore(d).Get(ctx); err == nil && info.Demo {
		printDemoAccounts(stdout, demo.Password)
	}
	err = server.ServeTLS(ctx, servers.Main, l, cfg.ShutdownTimeout, server.TLS{Cert: cfg.TLSCert, Key: cfg.TLSKey})
	if mErr := <-metricsDone; err == nil && mErr != nil {
		err = fmt.Errorf("metrics: %w", mErr)
	}
	return err
}

// baseURL is a URL a person on this machine can open for the listening address.
func baseURL(a net.Addr, https bool) string {
	scheme := "http://"
	if https {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return scheme + a.String()
	}
	if ip := net.ParseIP(host); host == "" || ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + net.JoinHostPort(host, port)
}

// ensureAdmin creates the configured admin account when there is no admin yet.
func ensureAdmin(ctx context.Context, d *bun.DB, cfg config.Config) error {
	svc := account.NewService(d, account.Options{})
	has, err := svc.HasAdmin(ctx)
	if err != nil || has {
		return err
	}
	_, err = svc.CreateUser(ctx, account.NewUser{Username: cfg.AdminUsername, DisplayName: "Quản trị hệ thống", Role: auth.Admin, Password: cfg.AdminPassword}, "config")
	if err != nil {
		return fmt.Errorf("creating the admin account %s: %w", cfg.AdminUsername, describe(err))
	}
	return nil
}
