// Package app assembles hotro from its parts: stores over the database, the GraphQL API, the pages
// and the HTTP server. main and the end-to-end tests build hotro the same way through it.
package app

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/uptrace/bun"

	"hotro/console"
	"hotro/dashboard"
	"hotro/graph"
	"hotro/internal/account"
	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/config"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/export"
	"hotro/internal/fund"
	"hotro/internal/metrics"
	"hotro/internal/portal"
	"hotro/internal/program"
	"hotro/internal/report"
	"hotro/internal/server"
)

// New wires hotro over an open, migrated database and returns its HTTP server (not yet listening).
func New(cfg config.Config, d *bun.DB, log *slog.Logger) (*http.Server, error) {
	resolver := &graph.Resolver{
		Units:      adminunit.NewStore(d),
		Programs:   program.NewStore(d),
		Funds:      fund.NewStore(d),
		Dataset:    dataset.NewStore(d),
		Stats:      report.NewSQL(d),
		Lines:      disbursement.NewReader(d),
		Recipients: beneficiary.NewReader(d),
		Audit:      audit.NewStore(d),

		PublicMinCount: cfg.PublicMinCount,
	}
	counters := metrics.New(d.DB)
	authn := account.NewHTTP(account.NewService(d, account.Options{}), log)
	authn.SecureCookies = cfg.SecureCookies
	authn.Classify = db.Classify
	data := dataset.NewStore(d)
	charts := &portal.Handler{
		Engine: resolver.Stats, Units: resolver.Units, Programs: resolver.Programs, Dataset: data,
		Signer: portal.NewSigner([]byte(cfg.EmbedSecret), nil), MinCount: cfg.PublicMinCount,
	}
	var gql http.Handler = graph.NewHandler(resolver, graph.Options{Logger: log, Classify: db.Classify,
		PublicOperations: dashboard.PublicOperations(), Metrics: counters})
	if cfg.ResponseCacheMB > 0 {
		gql = graph.NewResponseCache(data.Version, cfg.ResponseCacheMB<<20).Handler(gql)
	}
	return server.New(server.Config{
		EmbedData: charts,
		Public: server.Public{
			Origins:     cfg.CORSOrigins,
			MaxAge:      cfg.PublicMaxAge,
			DataVersion: data.Version,
			Anonymous:   func(r *http.Request) bool { return !auth.FromContext(r.Context()).SignedIn() },
		},
		Authenticate: authn.Middleware,
		AuthRoutes:   authn.Routes(),
		Addr:         cfg.Addr,
		GraphQL:      gql,
		Metrics:      counters,
		Dashboard:    dashboard.Handler(),
		Console:      console.Handler(),
		Export: export.NewHandler(export.Config{
			Stats: resolver.Stats, Units: resolver.Units, Programs: resolver.Programs, Funds: resolver.Funds,
			Dataset: data, Classify: db.Classify, Logger: log,
			// The report engine applies the signed-in caller's ward scope itself; no extra limit here.
			Scope: func(*http.Request) (report.Scope, error) { return report.Scope{}, nil },
			// Anonymous visitors get the public figures, small cells withheld, as from publicStats.
			Public:   func(r *http.Request) bool { return !auth.FromContext(r.Context()).SignedIn() },
			MinCount: cfg.PublicMinCount,
		}),
		Ready:        func(ctx context.Context) error { return d.PingContext(ctx) },
		Logger:       log,
		MaxBodyBytes: cfg.MaxBodyBytes,
	}), nil
}
