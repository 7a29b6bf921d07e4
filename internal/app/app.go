// Package app is hotro's composition package: it wires the stores over the database, the GraphQL
// API (graph), the dashboard and its query console (dashboard, dashboard/console), the pages and the
// HTTP server into one hotro, for the binaries (cmd/hotro, cmd/hotro-bench) and, through apptest,
// the end-to-end tests.
//
// Dependencies point one way, down: cmd -> app -> graph, dashboard -> the domain packages of
// internal/ -> db, errs. app is the top floor of internal/, not the bottom: it is the only package
// under internal/ (with apptest) that imports graph/ or dashboard/, and only binaries and apptest
// import it. TestDependenciesPointDown fails when a package breaks either rule.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/uptrace/bun"

	"hotro/dashboard"
	"hotro/dashboard/console"
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
	"hotro/internal/feedback"
	"hotro/internal/fund"
	"hotro/internal/geo"
	"hotro/internal/intake"
	intakeweb "hotro/internal/intake/web"
	"hotro/internal/metrics"
	"hotro/internal/portal"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/release"
	"hotro/internal/report"
	"hotro/internal/respcache"
	"hotro/internal/rollup"
	"hotro/internal/server"
	"hotro/internal/snapshot"
	"hotro/internal/snapshot/snapshotweb"
	"hotro/internal/supervision"
	"hotro/internal/wardfigure"
	"hotro/internal/workqueue"
)

// New wires hotro over an open, migrated database and returns its HTTP server (not yet listening).
func New(cfg config.Config, d *bun.DB, log *slog.Logger) (*http.Server, error) {
	s, err := NewServers(cfg, d, log)
	return s.Main, err
}

// Servers are hotro's HTTP servers, not yet listening: the API, pages and dashboard on cfg.Addr, and
// /metrics on cfg.MetricsAddr (nil when that is empty).
type Servers struct {
	Main, Metrics *http.Server
	// Warm loads the rollups into memory (a few seconds at national scale); until it is done, or
	// if it fails, stats are answered from the database. Call it as the server starts.
	Warm func(context.Context) error
	// PreparePublic starts building the public release tables in the background (seconds to
	// minutes at national scale), so that the first visitor finds them: call it after Warm.
	PreparePublic func(context.Context)
}

// NewServers wires hotro over an open, migrated database and returns its HTTP servers.
func NewServers(cfg config.Config, d *bun.DB, log *slog.Logger) (Servers, error) {
	// Reads go to the streaming replicas when there are any (and on to the primary if none
	// answers); writes always go to d, the primary.
	var read *bun.DB = d
	ready := d.PingContext
	if len(cfg.Replicas) > 0 {
		router, err := db.NewRouter(d, cfg.Database, cfg.Replicas, db.Options{StatementTimeout: cfg.StatementTimeout})
		if err != nil {
			return Servers{}, err
		}
		read, ready = router.Read(), router.Ready
	}
	// Reference data (units, programmes, groups, funds) is read once and again only when it changes,
	// shared by the stats engine (its unit tree, the codes a filter names) and the names of rows.
	ref := reference.NewCache(read)
	// Stats are answered from the rollups held in memory, loaded as the server starts (the database
	// answers meanwhile) and kept current from the rollup log (see rollup.Resident).
	stats := rollup.NewResident(read, ref, rollup.ResidentOptions{})
	resolver := &graph.Resolver{
		Units:         adminunit.NewStore(read),
		Programs:      program.NewStore(read),
		Funds:         fund.NewStore(read),
		Dataset:       dataset.NewStore(read),
		Organisation:  cfg.Organisation,
		PortalOrigins: cfg.CORSOrigins,
		Stats:         stats,
		Reference:     ref,
		Lines:         disbursement.NewReplicaReader(read, d),
		Recipients:    beneficiary.NewReplicaReader(read, d),
		Audit:         audit.NewStore(read),
	}
	data := dataset.NewStore(read)
	// The public's figures come only from the release tables, built once per data version: the
	// version of the rollups held, which the tables are built from.
	public := release.NewPublisher(resolver.Stats, ref, stats.HeldVersion, cfg.PublicMinCount)
	public.StaleWait = cfg.PublicStaleWait
	resolver.Public = public
	// lines is told of every change to payment lines, in the writer's transaction: the rollups
	// change with the lines or not at all.
	var lines disbursement.Observer = rollup.NewKeeper()
	lists := intake.NewService(d, intake.Options{Observer: lines, DailyRows: cfg.ImportDailyRows})
	resolver.Intake = lists
	resolver.Workflow = disbursement.NewWorkflow(d, lines, nil)
	resolver.Reports = feedback.NewService(d, feedback.Options{PostingDays: cfg.PostingDays,
		AnswerDays: cfg.FeedbackAnswerDays, Workflow: resolver.Workflow})
	resolver.Queue = workqueue.New(d, lists, nil)
	resolver.Allocator = fund.NewAllocator(d, nil)
	rules := supervision.DefaultRules
	rules.DailyDraws = cfg.SpotCheckDailyDraws
	resolver.Supervision = supervision.New(d, rules, nil)
	// Snapshots are written to and read from the primary: the lines they keep must be those of the
	// version they freeze.
	resolver.Snapshots = snapshot.NewService(d, rollup.NewEngineShared(d, reference.NewCache(d)), reference.NewCache(d), dataset.NewStore(d).Version, time.Now, cfg.PublicMinCount)
	resolver.Figures = wardfigure.NewStore(d)
	counters := metrics.New(d.DB)
	authn := account.NewHTTP(account.NewService(d, account.Options{Read: read, IdentityTTL: account.DefaultIdentityTTL}), log)
	authn.SecureCookies = cfg.SecureCookies
	authn.TrustedProxies = cfg.TrustedProxies
	authn.Classify = db.Classify
	authn.GraphQLPath = "/graphql"
	signer := portal.NewSigner([]byte(cfg.EmbedSecret), nil)
	resolver.Links = signer
	charts := &portal.Handler{
		Engine: resolver.Stats, Units: resolver.Units, Programs: resolver.Programs, Dataset: data,
		Signer: signer, Public: public, Classify: db.Classify, Logger: log,
	}
	api := graph.NewHandler(resolver, graph.Options{Logger: log, Classify: db.Classify,
		PublicOperations: dashboard.PublicOperations(), Metrics: counters, Writes: stats})
	graph.AcceptUploads(api, lists.MaxUploadBytes(), 8<<20)
	// One cache, one data version, for every answer kept: GraphQL reads, chart data, public ETags.
	// The version is the one of the rollups held in memory, read afresh: no answer is kept under a
	// version newer than its data.
	cache := respcache.New(respcache.Options{MaxBytes: cfg.ResponseCacheMB << 20, Version: stats.Version})
	counters.WatchCache(cache)
	gql := cache.Handler(graph.CacheRequest, api)
	page := dashboard.Handler()
	if cfg.AssetsDir != "" {
		var err error
		if page, err = dashboard.HandlerFromDir(cfg.AssetsDir); err != nil {
			return Servers{}, fmt.Errorf("--assets-dir or HOTRO_ASSETS_DIR: %w", err)
		}
		log.Warn("serving the dashboard's files from disk, read at every request: for development only", "dir", cfg.AssetsDir)
	}
	servers := Servers{Warm: stats.Warm, PreparePublic: public.Prepare}
	if cfg.MetricsAddr != "" {
		servers.Metrics = server.NewMetrics(cfg.MetricsAddr, counters, log)
	}
	servers.Main = server.New(server.Config{
		EmbedData: cache.Handler(portal.CacheRequest, charts),
		Public: server.Public{
			Origins:   cfg.CORSOrigins,
			MaxAge:    cfg.PublicMaxAge,
			Cache:     cache,
			Anonymous: func(r *http.Request) bool { return !auth.FromContext(r.Context()).SignedIn() },
		},
		Authenticate: authn.Middleware,
		AuthRoutes:   authn.Routes(),
		Addr:         cfg.Addr,
		GraphQL:      gql,
		Metrics:      counters,
		Dashboard:    page,
		Embeds:       dashboard.Embeds(cfg.CORSOrigins),
		Geo:          &geo.Handler{DB: read, Classify: db.Classify, Logger: log},
		Console:      console.Handler(),
		Export: export.NewHandler(export.Config{
			Stats: resolver.Stats, Units: resolver.Units, Programs: resolver.Programs, Funds: resolver.Funds,
			Dataset: data, Classify: db.Classify, Logger: log,
			// The report engine applies the signed-in caller's ward scope itself; no extra limit here.
			Scope: func(*http.Request) (report.Scope, error) { return report.Scope{}, nil },
			// Anonymous visitors get the public figures, small cells withheld, as from publicStats.
			Public:      func(r *http.Request) bool { return !auth.FromContext(r.Context()).SignedIn() },
			PublicStats: public,
			// Lines as the signed-in caller may list them, recipients masked as the API masks them.
			Lines: resolver.Lines, Recipients: resolver.Recipients,
			// The query sheet says which unit a reused code matched, as the API's notice does.
			UnitCodes: resolver.UnitCodeMessages,
		}),
		Reports:        &snapshotweb.Handler{Snapshots: resolver.Snapshots, Organisation: cfg.Organisation, Classify: db.Classify, Logger: log},
		Ready:          ready,
		Logger:         log,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		RequestTimeout: cfg.RequestTimeout,

		Intake:         intakeweb.New(lists, resolver.Reports, log, db.Classify),
		MaxUploadBytes: lists.MaxUploadBytes(),
	})
	return servers, nil
}
