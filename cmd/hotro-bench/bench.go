package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/account"
	"hotro/internal/auth"
	"hotro/internal/config"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/loadgen"
	"hotro/internal/report"
	"hotro/internal/rollup"
	"hotro/internal/seed"
	"hotro/internal/seed/national"
)

// settings are the bench's knobs, from the environment.
type settings struct {
	url         string
	scale       float64
	seed        uint64
	concurrency int
	duration    time.Duration
	sqlRuns     int
	reload      bool
	// freshClients is the connections of the fresh-answer runs (each question and, just before
	// it, the stack's ceiling { __typename }); freshOnly skips everything else.
	freshClients int
	freshOnly    bool
}

func env(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func loadSettings() (settings, error) {
	s := settings{url: env("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotro_national?sslmode=disable")}
	var err error
	if s.scale, err = strconv.ParseFloat(env("BENCH_SCALE", "1"), 64); err != nil {
		return s, fmt.Errorf("BENCH_SCALE: %v", err)
	}
	if s.seed, err = strconv.ParseUint(env("BENCH_SEED", "2020"), 10, 64); err != nil {
		return s, fmt.Errorf("BENCH_SEED: %v", err)
	}
	if s.concurrency, err = strconv.Atoi(env("BENCH_CONCURRENCY", "4")); err != nil {
		return s, fmt.Errorf("BENCH_CONCURRENCY: %v", err)
	}
	if s.duration, err = time.ParseDuration(env("BENCH_DURATION", "10s")); err != nil {
		return s, fmt.Errorf("BENCH_DURATION: %v", err)
	}
	if s.sqlRuns, err = strconv.Atoi(env("BENCH_SQL_RUNS", "3")); err != nil {
		return s, fmt.Errorf("BENCH_SQL_RUNS: %v", err)
	}
	s.reload = env("BENCH_RELOAD", "0") == "1"
	if s.freshClients, err = strconv.Atoi(env("BENCH_FRESH_CLIENTS", "10")); err != nil {
		return s, fmt.Errorf("BENCH_FRESH_CLIENTS: %v", err)
	}
	s.freshOnly = env("BENCH_FRESH_ONLY", "0") == "1"
	switch {
	case !(s.scale > 0 && s.scale <= 2):
		return s, fmt.Errorf("BENCH_SCALE must be above 0 and at most 2 (1: 20 million recipients), got %v", s.scale)
	case s.concurrency < 1 || s.concurrency > 1000:
		return s, fmt.Errorf("BENCH_CONCURRENCY must be 1 to 1000 clients, got %d", s.concurrency)
	case s.freshClients < 1 || s.freshClients > 1000:
		return s, fmt.Errorf("BENCH_FRESH_CLIENTS must be 1 to 1000 clients, got %d", s.freshClients)
	case s.duration < time.Second:
		return s, fmt.Errorf("BENCH_DURATION must be at least 1s, got %s", s.duration)
	case s.sqlRuns < 1:
		return s, fmt.Errorf("BENCH_SQL_RUNS must be at least 1, got %d", s.sqlRuns)
	}
	if t, err := db.ParseURL(s.url); err != nil || t.Dialect != db.Postgres {
		return s, errors.New("BENCH_DATABASE_URL must be a PostgreSQL URL (postgres://...): the national data set is for PostgreSQL")
	}
	os.Setenv("BENCH_DATABASE_URL", s.url)
	return s, nil
}

// benchQuery is one of the dashboard's questions, as GraphQL over HTTP and as a report query.
type benchQuery struct {
	name    string
	graphql string
	q       report.Query
}

func queries() []benchQuery {
	const totals = "totals { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved }"
	const total = "total { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved }"
	byKey := report.Order{Field: report.ByKey}
	amount := report.Order{Field: report.ByAmountPaid, Desc: true}
	return []benchQuery{
		{"national by province",
			`{ stats(groupBy: [PROVINCE], filter: {programs: ["NQ42-2020"]}, orderBy: {field: AMOUNT_PAID}) { ` + total + ` rows { province { code name } ` + totals + ` } } }`,
			report.Query{GroupBy: []report.Dimension{report.Province}, Filter: report.Filter{Programs: []string{"NQ42-2020"}}, Order: &amount}},
		{"one province by district (Hà Nội)",
			`{ stats(groupBy: [DISTRICT], filter: {provinces: ["01"]}, orderBy: {field: AMOUNT_PAID}) { ` + total + ` rows { district { code name } ` + totals + ` } } }`,
			report.Query{GroupBy: []report.Dimension{report.District}, Filter: report.Filter{Provinces: []string{"01"}}, Order: &amount}},
		{"one city by ward (Thái Nguyên)",
			`{ stats(groupBy: [WARD], filter: {districts: ["164"]}, orderBy: {field: AMOUNT_PAID}) { ` + total + ` rows { ward { code name } ` + totals + ` } } }`,
			report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Districts: []string{"164"}}, Order: &amount}},
		{"one ward by group and month",
			`{ stats(groupBy: [GROUP, MONTH], filter: {wards: ["05431"]}, orderBy: {field: KEY, direction: ASC}) { ` + total + ` rows { group { code } period { label } ` + totals + ` } } }`,
			report.Query{GroupBy: []report.Dimension{report.Group, report.Month}, Filter: report.Filter{Wards: []string{"05431"}}, Order: &byKey}},
	}
}

// result is what was measured of one query.
type result struct {
	rows          int
	p50, p95, p99 time.Duration // over HTTP, as the clients saw them
	s50, s95, s99 time.Duration // the server's own times (Server-Timing)
	alone95       time.Duration // the server's p95 with one client
	rps           float64
	requests      int
	cachedP95     time.Duration // p95 over HTTP with the response cache on
	cachedS95     time.Duration // the server's p95 with the response cache on
	cachedRPS     float64
	direct        time.Duration // the rollup engine called in process, median
	sql           time.Duration // report.SQL in process, median
	same          bool
	fresh         fresh
}

// fresh is a question asked afresh (response cache off) from freshClients connections, next to the
// stack's ceiling measured just before it in the same run.
type fresh struct {
	rps, ceilingRPS float64
	s95             time.Duration // the server's p95 under that load
	// The CPU time per request of the server process (of the question, and of the ceiling) and of
	// the load generator (this process), from the kernel's accounting: what the rates cost,
	// whatever else the machine was doing.
	serverCPU, ceilingCPU, loadgenCPU time.Duration
}

// cpuLoad is load measuring, besides, the CPU time the server process (pid) and this process
// spent, per request.
func cpuLoad(ctx context.Context, pid int, endpoint, token, query string, clients int, d time.Duration) (result, time.Duration, time.Duration, error) {
	server0, self0 := processCPU(pid), selfCPU()
	r, err := load(ctx, endpoint, token, query, clients, d)
	if err != nil || r.requests == 0 {
		return r, 0, 0, err
	}
	n := time.Duration(r.requests)
	return r, (processCPU(pid) - server0) / n, (selfCPU() - self0) / n, nil
}

// processCPU is the user and system time a process has spent, from /proc/PID/stat (in clock ticks
// of 10 ms, as Linux counts them for user space).
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces: count from after it.
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// selfCPU is the user and system time this process has spent.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ceilingQuery costs the HTTP and GraphQL stack alone: no resolver reads anything.
const ceilingQuery = "{ __typename }"

// measureFresh asks each question from clients connections, the stack's ceiling just before it.
func measureFresh(ctx context.Context, pid int, endpoint, token string, clients int, d time.Duration, logf func(string, ...any)) ([]fresh, error) {
	var out []fresh
	for _, bq := range queries() {
		logf("%s: fresh, %d connections for %s, after the ceiling %s", bq.name, clients, d, ceilingQuery)
		ceiling, ceilingCPU, _, err := cpuLoad(ctx, pid, endpoint, token, ceilingQuery, clients, d)
		if err != nil {
			return nil, fmt.Errorf("ceiling: %w", err)
		}
		r, serverCPU, loadgenCPU, err := cpuLoad(ctx, pid, endpoint, token, bq.graphql, clients, d)
		if err != nil {
			return nil, fmt.Errorf("%s, fresh: %w", bq.name, err)
		}
		out = append(out, fresh{rps: r.rps, ceilingRPS: ceiling.rps, s95: r.s95,
			serverCPU: serverCPU, ceilingCPU: ceilingCPU, loadgenCPU: loadgenCPU})
	}
	return out, nil
}

func run(ctx context.Context, stdout, stderr io.Writer) error {
	s, err := loadSettings()
	if err != nil {
		return err
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", args...) }
	if err := ensureDatabase(ctx, s); err != nil {
		return err
	}
	target, err := db.ParseURL(s.url)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, target, db.Options{MaxOpenConns: 8})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := db.MigrateUp(ctx, d); err != nil {
		return err
	}
	sum, err := ensureNational(ctx, d, s, logf)
	if err != nil {
		return err
	}
	size, err := sizes(ctx, d)
	if err != nil {
		return err
	}
	token, err := benchToken(ctx, d)
	if err != nil {
		return err
	}
	logf("starting the server")
	child, addr, err := startChild(ctx, 0)
	if err != nil {
		return err
	}
	defer child.stop()
	analyst := auth.WithIdentity(ctx, &auth.Identity{Role: auth.Analyst, Username: "bench"})
	freshRuns, err := measureFresh(ctx, child.cmd.Process.Pid, "http://"+addr+"/graphql", token, s.freshClients, s.duration, logf)
	if err != nil {
		return err
	}
	if s.freshOnly {
		var results []result
		for i, bq := range queries() {
			one, err := load(ctx, "http://"+addr+"/graphql", token, bq.graphql, 1, min(s.duration, 5*time.Second))
			if err != nil {
				return fmt.Errorf("%s, one client: %w", bq.name, err)
			}
			results = append(results, result{alone95: one.s95, fresh: freshRuns[i]})
		}
		rss, hwm := child.memory()
		printFresh(stdout, s, sum, size, results, rss, hwm)
		return nil
	}
	engine, sqlEngine := rollup.NewEngine(d), report.NewSQL(d)
	var results []result
	for i, bq := range queries() {
		logf("%s: over HTTP, %d clients for %s", bq.name, s.concurrency, s.duration)
		r, err := load(ctx, "http://"+addr+"/graphql", token, bq.graphql, s.concurrency, s.duration)
		if err != nil {
			return fmt.Errorf("%s: %w", bq.name, err)
		}
		// One client alone, as the plain SQL runs below: the server's time without waiting for a core.
		one, err := load(ctx, "http://"+addr+"/graphql", token, bq.graphql, 1, min(s.duration, 5*time.Second))
		if err != nil {
			return fmt.Errorf("%s, one client: %w", bq.name, err)
		}
		r.alone95 = one.s95
		var got *report.Result
		var direct []time.Duration
		for range 5 {
			start := time.Now()
			if got, err = engine.Stats(analyst, bq.q); err != nil {
				return fmt.Errorf("%s: rollup engine: %w", bq.name, err)
			}
			direct = append(direct, time.Since(start))
		}
		logf("%s: plain SQL GROUP BY over the lines, %d runs", bq.name, s.sqlRuns)
		var want *report.Result
		var plain []time.Duration
		for range s.sqlRuns {
			start := time.Now()
			if want, err = sqlEngine.Stats(analyst, bq.q); err != nil {
				return fmt.Errorf("%s: SQL engine: %w", bq.name, err)
			}
			plain = append(plain, time.Since(start))
		}
		r.rows, r.direct, r.sql = len(got.Rows), median(direct), median(plain)
		r.fresh = freshRuns[i]
		r.same = sameResult(got, want)
		results = append(results, r)
	}
	rss, hwm := child.memory()
	child.stop()
	logf("again with the response cache on (%d MiB)", config.Defaults().ResponseCacheMB)
	cached, cachedAddr, err := startChild(ctx, config.Defaults().ResponseCacheMB)
	if err != nil {
		return err
	}
	// The data changes every second meanwhile, as a writer elsewhere would change it (an import, a
	// payment confirmed): each change drops every cached answer, so the cache has to earn its keep.
	stopWrites := changeEverySecond(ctx, d)
	for i, bq := range queries() {
		r, err := load(ctx, "http://"+cachedAddr+"/graphql", token, bq.graphql, s.concurrency, s.duration)
		if err != nil {
			stopWrites()
			cached.stop()
			return fmt.Errorf("%s, cached: %w", bq.name, err)
		}
		results[i].cachedP95, results[i].cachedS95, results[i].cachedRPS = r.p95, r.s95, r.rps
	}
	changes := stopWrites()
	cached.stop()
	logf("the data changed %d times during the cached runs", changes)
	logf("import rate through disbursement.Store")
	plain, kept, err := importRate(ctx, d)
	if err != nil {
		return err
	}
	printTable(stdout, s, sum, size, results, plain, kept, rss, hwm)
	return nil
}

// changeEverySecond moves the data version every second, as every write does, until the returned
// function is called; that function says how many times it moved it.
func changeEverySecond(ctx context.Context, d *bun.DB) (stop func() int) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan int)
	go func() {
		n := 0
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				done <- n
				return
			case <-tick.C:
				if dataset.NewStore(d).Bump(ctx) == nil {
					n++
				}
			}
		}
	}()
	return func() int {
		cancel()
		return <-done
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func sameResult(a, b *report.Result) bool {
	if a.Total != b.Total || len(a.Rows) != len(b.Rows) {
		return false
	}
	for i := range a.Rows {
		if a.Rows[i].Totals != b.Rows[i].Totals || a.Rows[i].ProvinceID != b.Rows[i].ProvinceID ||
			a.Rows[i].DistrictID != b.Rows[i].DistrictID || a.Rows[i].WardID != b.Rows[i].WardID || a.Rows[i].GroupID != b.Rows[i].GroupID {
			return false
		}
	}
	return true
}

// ensureDatabase creates the bench database on its server when it is missing.
func ensureDatabase(ctx context.Context, s settings) error {
	u, err := url.Parse(s.url)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	conn, err := sql.Open("pgx", admin.String())
	if err != nil {
		return err
	}
	defer conn.Close()
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("cannot reach PostgreSQL at %s: %w", u.Host, err)
	}
	if exists && s.reload {
		if _, err := conn.ExecContext(ctx, "DROP DATABASE "+quoteIdent(name)); err != nil {
			return err
		}
		exists = false
	}
	if !exists {
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name)); err != nil {
			return err
		}
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// ensureNational loads the national data set unless the database holds it at this seed and scale.
func ensureNational(ctx context.Context, d *bun.DB, s settings, logf func(string, ...any)) (national.Summary, error) {
	var sum national.Summary
	var raw string
	err := d.NewRaw("SELECT value FROM dataset_info WHERE key = ?", national.SummaryKey).Scan(ctx, &raw)
	var seedKey string
	_ = d.NewRaw("SELECT value FROM dataset_info WHERE key = 'demo_seed'").Scan(ctx, &seedKey)
	if err == nil && seedKey == fmt.Sprintf("national-%d-x%g", s.seed, s.scale) {
		logf("reusing the national data set in the database (BENCH_RELOAD=1 loads it again)")
		return sum, json.Unmarshal([]byte(raw), &sum)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return sum, err
	}
	if err == nil {
		return sum, fmt.Errorf("the database holds the national data set %s, not national-%d-x%g: BENCH_RELOAD=1 loads it again (the database is dropped first)", seedKey, s.seed, s.scale)
	}
	if _, err := seed.EnsureReference(ctx, d, rollup.Realign); err != nil {
		return sum, err
	}
	logf("loading the national data set at scale %g (this takes a while at scale 1)", s.scale)
	return national.Load(ctx, d, national.Options{Seed: s.seed, Scale: s.scale, Progress: func(step string, took time.Duration) {
		if took > time.Second {
			logf("load: %s took %s", step, took.Round(time.Millisecond))
		}
	}})
}

// size is the data set's size as stored.
type size struct {
	recipients, lines, persons, rollupRows int64
	database, linesTable, rollupTable      string
}

func sizes(ctx context.Context, d *bun.DB) (size, error) {
	var z size
	err := d.NewRaw(`SELECT (SELECT COUNT(*) FROM beneficiaries), (SELECT COUNT(*) FROM disbursements),
		(SELECT COALESCE(SUM(members), 0) FROM beneficiaries), (SELECT COUNT(*) FROM rollups),
		pg_size_pretty(pg_database_size(current_database())), pg_size_pretty(pg_total_relation_size('disbursements')),
		pg_size_pretty(pg_total_relation_size('rollups'))`).Scan(ctx, &z.recipients, &z.lines, &z.persons, &z.rollupRows, &z.database, &z.linesTable, &z.rollupTable)
	return z, err
}

// benchToken makes an analyst account and an API token for the load (kept in the bench database).
func benchToken(ctx context.Context, d *bun.DB) (string, error) {
	svc := account.NewService(d, account.Options{})
	if _, err := svc.Identity(ctx, "bench"); err != nil {
		if _, err := svc.CreateUser(ctx, account.NewUser{Username: "bench", Role: auth.Analyst, DisplayName: "Benchmark", Password: "bench-password-not-secret"}, "bench"); err != nil {
			return "", fmt.Errorf("creating the bench account: %w", err)
		}
	}
	return svc.CreateToken(ctx, "bench", fmt.Sprintf("load-%d", time.Now().UnixNano()), 2*time.Hour, "bench")
}

// childServer is the server process.
type childServer struct {
	cmd     *exec.Cmd
	done    chan error
	stopped sync.Once
}

// startChild starts the server process, with a response cache of cacheMB (0: none).
func startChild(ctx context.Context, cacheMB int) (*childServer, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.CommandContext(ctx, self, "serve")
	cmd.Env = append(os.Environ(), fmt.Sprintf("BENCH_RESPONSE_CACHE_MB=%d", cacheMB))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	c := &childServer{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				addr <- a
			}
		}
	}()
	go func() { c.done <- cmd.Wait() }()
	select {
	case a := <-addr:
		return c, a, nil
	case err := <-c.done:
		return nil, "", fmt.Errorf("the server stopped: %v", err)
	case <-time.After(60 * time.Second):
		c.stop()
		return nil, "", errors.New("the server did not start within a minute")
	}
}

func (c *childServer) stop() {
	c.stopped.Do(func() {
		_ = c.cmd.Process.Signal(os.Interrupt)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
		}
	})
}

// memory reads the server's resident memory now and at its peak, from /proc.
func (c *childServer) memory() (rss, peak string) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return "?", "?"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rss = mib(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			peak = mib(v)
		}
	}
	return rss, peak
}

func mib(field string) string {
	kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(field), " kB"), 10, 64)
	if err != nil {
		return strings.TrimSpace(field)
	}
	return fmt.Sprintf("%.0f MiB", float64(kb)/1024)
}

// load sends the query from clients at once for the duration (after a short warm-up that loads the
// unit tree and fills caches) and measures each request; any failed request or GraphQL error fails.
func load(ctx context.Context, endpoint, token, query string, clients int, d time.Duration) (result, error) {
	body, _ := json.Marshal(map[string]string{"query": query})
	header := http.Header{}
	header.Set("Content-Type", "application/json")
	header.Set("Authorization", "Bearer "+token)
	res, err := loadgen.Run(ctx, loadgen.Load{URL: endpoint, Method: http.MethodPost, Body: body, Header: header,
		Clients: clients, Duration: d, Warmup: 3, Timeout: time.Minute, FailOn: []byte(`"errors":`)})
	if err != nil {
		return result{}, err
	}
	if res.Errors > 0 || len(res.Latencies) == 0 {
		return result{}, fmt.Errorf("%d requests failed: %v", res.Errors, res.ErrorText)
	}
	if len(res.ServerTimes) != len(res.Latencies) {
		return result{}, fmt.Errorf("%d of %d answers lack Server-Timing", len(res.Latencies)-len(res.ServerTimes), len(res.Latencies))
	}
	return result{p50: res.Percentile(0.50), p95: res.Percentile(0.95), p99: res.Percentile(0.99),
		s50: res.ServerPercentile(0.50), s95: res.ServerPercentile(0.95), s99: res.ServerPercentile(0.99),
		rps: res.Rate(), requests: int(res.Requests)}, nil
}

// importRate inserts lines through disbursement.Store as an import does, without an observer and
// with the rollup Keeper, each in a transaction that is rolled back, and returns lines per second.
func importRate(ctx context.Context, d *bun.DB) (plain, kept float64, err error) {
	const n = 20_000
	rate := func(observer disbursement.Observer) (float64, error) {
		var perSecond float64
		errRollback := errors.New("rolled back on purpose")
		err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			var lines []*disbursement.Disbursement
			if err := tx.NewSelect().Model(&lines).Where("status = 'PAID' AND instalment = 1").
				Where("ward_id IN (SELECT id FROM admin_units WHERE parent_id = (SELECT id FROM admin_units WHERE level = 'DISTRICT' AND code = '164'))").
				OrderExpr("id").Limit(n).Scan(ctx); err != nil {
				return err
			}
			if len(lines) == 0 {
				return errors.New("no lines to copy for the import rate")
			}
			for _, l := range lines {
				l.ID = 0
				l.Instalment = 9 // a further instalment of the same recipients
			}
			start := time.Now()
			if err := disbursement.NewStore(tx, observer).Insert(ctx, lines); err != nil {
				return err
			}
			perSecond = float64(len(lines)) / time.Since(start).Seconds()
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			return 0, err
		}
		return perSecond, nil
	}
	if plain, err = rate(nil); err != nil {
		return 0, 0, err
	}
	kept, err = rate(rollup.NewKeeper())
	return plain, kept, err
}

func printTable(w io.Writer, s settings, sum national.Summary, z size, rs []result, plainImport, keptImport float64, rss, peak string) {
	fmt.Fprintf(w, "\n| hotro-bench | BENCH_SCALE=%g, PostgreSQL, %d clients, %s per query |\n|---|---|\n", s.scale, s.concurrency, s.duration)
	fmt.Fprintf(w, "| data set | %d provinces, %d districts, %d communes; %s recipients, %s persons, %s payment lines; %s rollup rows |\n",
		sum.Provinces, sum.Districts, sum.Wards, thousands(z.recipients), thousands(z.persons), thousands(z.lines), thousands(z.rollupRows))
	fmt.Fprintf(w, "| on disk | database %s; lines with indexes %s; rollups %s |\n", z.database, z.linesTable, z.rollupTable)
	fmt.Fprintf(w, "| bulk load (COPY) | %s lines/s while copying (%s); %s lines/s overall with indexes, keys and foreign keys (%s) |\n",
		thousands(int64(sum.CopyLinesPerSecond())), sum.Copy.Round(time.Second), thousands(int64(sum.LinesPerSecond())), sum.Total.Round(time.Second))
	fmt.Fprintf(w, "| import (disbursement.Store.Insert, 20,000 lines of one city) | %s lines/s with the rollup Keeper in the same transaction; %s lines/s without |\n",
		thousands(int64(keptImport)), thousands(int64(plainImport)))
	fmt.Fprintf(w, "| server memory | %s resident after the run, %s at peak |\n", rss, peak)
	fmt.Fprintf(w, "| machine | %d cores; load average %s at the end (every process on the machine counts) |\n\n", runtime.NumCPU(), loadAverage())
	fmt.Fprintln(w, "| dashboard query | rows | server p50 | server p95 | server p99 | HTTP p50 | HTTP p95 | HTTP p99 | req/s | rollups in process | plain SQL GROUP BY | SQL / server p95 | one client: server p95, SQL / it | with the response cache (the default), the data changing every second: server p95, HTTP p95, req/s, SQL / server p95 | same answer |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|")
	for i, bq := range queries() {
		r := rs[i]
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s | %.0f | %s | %s | %.0f× | %s, %.0f× | %s, %s, %.0f, %.0f× | %v |\n", bq.name, r.rows,
			ms(r.s50), ms(r.s95), ms(r.s99), ms(r.p50), ms(r.p95), ms(r.p99), r.rps,
			ms(r.direct), ms(r.sql), ratio(r.sql, r.s95), ms(r.alone95), ratio(r.sql, r.alone95),
			ms(r.cachedS95), ms(r.cachedP95), r.cachedRPS, ratio(r.sql, r.cachedS95), yesNo(r.same))
	}
	fmt.Fprintln(w)
	printFreshRows(w, s, rs)
	fmt.Fprintln(w, "\nServer times are hotro's own (Server-Timing: from the request read to the answer's first byte); HTTP times are the clients', on the same 2-core machine as the server and the database. The plain SQL runs alone, as the one-client column does.")
}

// ratio is how many times faster b is than a.
func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, time.Microsecond)) }

// loadAverage is the one-minute load average, from /proc.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(raw))[0]
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// micros writes a duration in microseconds.
func micros(d time.Duration) string {
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// printFresh prints the table of a BENCH_FRESH_ONLY run.
func printFresh(w io.Writer, s settings, sum national.Summary, z size, rs []result, rss, peak string) {
	fmt.Fprintf(w, "\n| hotro-bench, fresh answers | BENCH_SCALE=%g, PostgreSQL, %d connections, %s per measure |\n|---|---|\n", s.scale, s.freshClients, s.duration)
	fmt.Fprintf(w, "| data set | %d provinces, %d districts, %d communes; %s recipients, %s payment lines; %s rollup rows (%s on disk) |\n",
		sum.Provinces, sum.Districts, sum.Wards, thousands(z.recipients), thousands(z.lines), thousands(z.rollupRows), z.rollupTable)
	fmt.Fprintf(w, "| server memory | %s resident after the run, %s at peak |\n", rss, peak)
	fmt.Fprintf(w, "| machine | %d cores; load average %s at the end (every process on the machine counts) |\n\n", runtime.NumCPU(), loadAverage())
	printFreshRows(w, s, rs)
}

// printFreshRows prints, per question, the fresh rate, the stack's ceiling measured just before it
// and their ratio.
func printFreshRows(w io.Writer, s settings, rs []result) {
	fmt.Fprintf(w, "| dashboard query, response cache off | fresh req/s, %d connections | server p95 | stack ceiling %s req/s, just before | fresh / ceiling | one client: server p95 | server CPU per answer (ceiling's) | load generator CPU per request |\n", s.freshClients, "`"+ceilingQuery+"`")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for i, bq := range queries() {
		f := rs[i].fresh
		fmt.Fprintf(w, "| %s | %.0f | %s | %.0f | %.2f | %s | %s (%s) | %s |\n", bq.name, f.rps, ms(f.s95), f.ceilingRPS, f.rps/max(f.ceilingRPS, 1), ms(rs[i].alone95),
			micros(f.serverCPU), micros(f.ceilingCPU), micros(f.loadgenCPU))
	}
}
