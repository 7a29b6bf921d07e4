// Command hotro-load measures how many requests a URL of hotro answers, and how fast: a number of
// clients ask again and again for a while, then it prints requests per second, latency
// percentiles, statuses and errors. For example, a cached public chart, revalidated:
//
//	hotro-load -url 'http://127.0.0.1:8080/embed/data/wards?lang=vi' -c 50 -d 30s -etag
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"

	"hotro/internal/loadgen"
)

// headers collects repeated -H "Name: value" flags.
type headers http.Header

func (h headers) String() string { return fmt.Sprint(http.Header(h)) }

func (h headers) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("%q: want Name: value", v)
	}
	http.Header(h).Add(strings.TrimSpace(name), strings.TrimSpace(value))
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "hotro-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hotro-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	l := loadgen.Load{Header: http.Header{}}
	var body string
	fs.StringVar(&l.URL, "url", "", "the `URL` to ask for (required)")
	fs.StringVar(&l.Method, "X", http.MethodGet, "the request `method`")
	fs.StringVar(&body, "body", "", "a request body sent with every request (e.g. a GraphQL POST)")
	fs.IntVar(&l.Clients, "c", 50, "clients asking at once")
	fs.DurationVar(&l.Duration, "d", 30*time.Second, "how long to ask")
	fs.Int64Var(&l.Requests, "n", 0, "stop after this many requests (0: when -d is over)")
	fs.IntVar(&l.Warmup, "warmup", 3, "requests sent first, unmeasured, to fill the server's caches")
	fs.DurationVar(&l.Timeout, "timeout", 10*time.Second, "time limit of one request")
	fs.Var(headers(l.Header), "H", "a header to send, `Name: value` (repeatable), e.g. -H 'If-None-Match: \"v2-…\"'")
	fs.BoolVar(&l.Revalidate, "etag", false, "ask once for the URL's ETag, then send it as If-None-Match (a cache revalidating)")
	var replay, token, metricsURL, cpuProfile string
	var memEvery time.Duration
	fs.StringVar(&replay, "replay", "", "replay the dashboard's queries against the hotro at this base `URL` (e.g. http://127.0.0.1:8080), over a spread of filters")
	fs.StringVar(&token, "token", "", "with -replay: an API token, to replay the signed-in dashboard instead of the public one")
	fs.DurationVar(&memEvery, "memory", 0, "sample the server's resident memory from its metrics this often (e.g. 5s) and report it")
	fs.StringVar(&metricsURL, "metrics", "http://127.0.0.1:9090/metrics", "with -memory: the server's metrics `URL` (hotro serve --metrics-addr)")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write the load generator's own CPU profile to this `file` (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	base := strings.TrimRight(replay, "/")
	if replay != "" {
		bodies, err := replayBodies(ctx, base, token != "")
		if err != nil {
			return err
		}
		l.URL, l.Method, l.Bodies = base+"/graphql", http.MethodPost, bodies
		l.FailOn = []byte(`"errors":`)
		l.Header.Set("Content-Type", "application/json")
		if token != "" {
			l.Header.Set("Authorization", "Bearer "+token)
		}
		fmt.Fprintf(stdout, "replaying %d dashboard requests in turn\n", len(bodies))
	}
	if l.URL == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("give -url or -replay, and flags only")
	}
	if body != "" {
		l.Body = []byte(body)
	}
	var mem memorySampler
	if memEvery > 0 {
		if u, err := url.Parse(metricsURL); err != nil || u.Host == "" {
			return fmt.Errorf("-metrics %q: give a full URL such as http://127.0.0.1:9090/metrics", metricsURL)
		}
		mctx, stopSampling := context.WithCancel(ctx)
		defer stopSampling()
		go mem.run(mctx, metricsURL, memEvery)
	}
	res, err := loadgen.Run(ctx, l)
	if err != nil {
		return err
	}
	res.Report(stdout, l)
	if memEvery > 0 {
		mem.report(stdout)
	}
	return nil
}
