// Package loadgen sends one request over and over from many clients at once and measures what
// comes back: requests per second, latency percentiles, statuses and errors.
//
// It shares the machine with the server it measures, so it must cost little: requests go through
// fasthttp's client (one request and one response object per client, reused; each request's bytes
// made once), which spends a fraction of what net/http's client does on each request. Otherwise a
// fast server would be measured at the load generator's speed.
package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Load says what to ask for and how hard.
type Load struct {
	URL    string
	Method string // GET when empty
	Body   []byte // sent with every request (a GraphQL POST, say)
	// Bodies, when set, are sent in turn instead of Body: one request each, round the list, as a
	// page replaying its queries does.
	Bodies   [][]byte
	Header   http.Header
	Clients  int           // requests in flight at once; each client asks again when answered
	Duration time.Duration // how long to keep asking (with Requests: whichever ends first)
	Requests int64         // stop after this many requests (0: no limit)
	Timeout  time.Duration // of one request (0: none)
	// Warmup requests go first, one after the other, and are not measured: the first request
	// fills the server's caches. One that fails stops the run.
	Warmup int
	// FailOn, when set, counts an answer whose body holds it as an error, such as `"errors":` in
	// a GraphQL answer that came back 200.
	FailOn []byte
	// Revalidate asks once for the URL and then sends its ETag as If-None-Match with every
	// request, as a cache or a browser holding the answer does.
	Revalidate bool
}

// Result is what the load got back.
type Result struct {
	Requests  int64 // measured requests: answered ones and errors
	Errors    int64 // requests without an HTTP answer (refused, reset, timed out)
	Elapsed   time.Duration
	Statuses  map[int]int64
	BodyBytes int64
	Latencies []time.Duration // of every answered request, sorted
	// ServerTimes are the server's own times of the answers that told it (Server-Timing: app;dur=),
	// sorted: the latency without the network and the load generator's share of the machine.
	ServerTimes []time.Duration
	ErrorText   []string // the first few errors
	ETag        string   // the If-None-Match sent, with Revalidate
}

// Run sends the request from l.Clients clients until l.Duration has passed or l.Requests have
// been sent, and reports what came back. It fails only if the load cannot start (bad settings,
// a warm-up or ETag request without an answer); errors under load are counted.
func Run(ctx context.Context, l Load) (*Result, error) {
	if l.Clients < 1 {
		return nil, errors.New("loadgen: at least one client")
	}
	if l.Duration <= 0 && l.Requests <= 0 {
		return nil, errors.New("loadgen: give a duration or a number of requests")
	}
	if l.Method == "" {
		l.Method = http.MethodGet
	}
	if u, err := url.Parse(l.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("loadgen: %q is not an http:// or https:// URL", l.URL)
	}
	client := &fasthttp.Client{
		MaxConnsPerHost:          l.Clients,
		MaxConnWaitTimeout:       time.Minute, // a client waits for a connection rather than fail
		MaxIdleConnDuration:      90 * time.Second,
		NoDefaultUserAgentHeader: true,
		DisablePathNormalizing:   true,
		MaxResponseBodySize:      maxBody,
		ReadBufferSize:           16 << 10,
	}
	defer client.CloseIdleConnections()
	header := l.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	res := &Result{Statuses: map[int]int64{}}
	c := newCaller(ctx, client, l.Timeout)
	defer c.release()
	for i := range l.Warmup {
		one := l
		if len(l.Bodies) > 0 {
			one.Body = l.Bodies[i%len(l.Bodies)]
		}
		if _, err := c.send(one, header); err != nil {
			return nil, fmt.Errorf("loadgen: warm-up: %w", err)
		}
	}
	if l.Revalidate {
		a, err := c.send(l, header)
		if err != nil {
			return nil, fmt.Errorf("loadgen: asking for the ETag: %w", err)
		}
		etag := a.etag
		if etag == "" {
			return nil, fmt.Errorf("loadgen: %s %s has no ETag: nothing to revalidate", l.Method, l.URL)
		}
		header.Set("If-None-Match", etag)
		res.ETag = etag
	}
	if l.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, l.Duration)
		defer cancel()
	}

	type tally struct {
		statuses  map[int]int64
		latencies []time.Duration
		server    []time.Duration
		errors    int64
		bytes     int64
		errText   []string
	}
	var sent, turn atomic.Int64
	next := func() Load {
		if len(l.Bodies) == 0 {
			return l
		}
		one := l
		one.Body = l.Bodies[(turn.Add(1)-1)%int64(len(l.Bodies))]
		return one
	}
	tallies := make([]tally, l.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range tallies {
		wg.Add(1)
		go func(t *tally) {
			defer wg.Done()
			c := newCaller(ctx, client, l.Timeout)
			defer c.release()
			t.statuses = map[int]int64{}
			for ctx.Err() == nil {
				if l.Requests > 0 && sent.Add(1) > l.Requests {
					return
				}
				began := time.Now()
				a, err := c.send(next(), header)
				took := time.Since(began)
				if err != nil {
					if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
						return // the run ended mid-request: not the server's doing
					}
					t.errors++
					if len(t.errText) < 3 {
						t.errText = append(t.errText, err.Error())
					}
					continue
				}
				t.statuses[a.status]++
				t.bytes += a.bytes
				t.latencies = append(t.latencies, took)
				if a.server >= 0 {
					t.server = append(t.server, a.server)
				}
			}
		}(&tallies[i])
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	for _, t := range tallies {
		for s, n := range t.statuses {
			res.Statuses[s] += n
			res.Requests += n
		}
		res.Errors += t.errors
		res.Requests += t.errors
		res.BodyBytes += t.bytes
		res.Latencies = append(res.Latencies, t.latencies...)
		res.ServerTimes = append(res.ServerTimes, t.server...)
		if len(res.ErrorText) < 3 {
			res.ErrorText = append(res.ErrorText, t.errText[:min(len(t.errText), 3-len(res.ErrorText))]...)
		}
	}
	slices.Sort(res.Latencies)
	slices.Sort(res.ServerTimes)
	return res, nil
}

// answer is what one request got back.
type answer struct {
	status int
	bytes  int64
	etag   string
	server time.Duration // from Server-Timing; -1 when the server did not say
}

// maxBody bounds one answer the load generator reads.
const maxBody = 256 << 20

// caller sends requests one after the other, reusing one request and one response.
type caller struct {
	ctx     context.Context
	client  *fasthttp.Client
	timeout time.Duration
	req     *fasthttp.Request
	resp    *fasthttp.Response
}

func newCaller(ctx context.Context, client *fasthttp.Client, timeout time.Duration) *caller {
	return &caller{ctx: ctx, client: client, timeout: timeout, req: fasthttp.AcquireRequest(), resp: fasthttp.AcquireResponse()}
}

func (c *caller) release() {
	fasthttp.ReleaseRequest(c.req)
	fasthttp.ReleaseResponse(c.resp)
}

// send makes one request and reads the whole answer. It ends by the context's deadline (the end of
// the run) or the request's timeout, whichever comes first.
func (c *caller) send(l Load, header http.Header) (answer, error) {
	if err := c.ctx.Err(); err != nil {
		return answer{}, err
	}
	req, resp := c.req, c.resp
	req.Reset()
	resp.Reset()
	req.SetRequestURI(l.URL)
	req.Header.SetMethod(l.Method)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if l.Body != nil {
		req.SetBodyRaw(l.Body)
	}
	var deadline time.Time
	if c.timeout > 0 {
		deadline = time.Now().Add(c.timeout)
	}
	end, ended := c.ctx.Deadline()
	if ended && (deadline.IsZero() || end.Before(deadline)) {
		deadline = end
	}
	var err error
	if deadline.IsZero() {
		err = c.client.Do(req, resp)
	} else {
		err = c.client.DoDeadline(req, resp, deadline)
	}
	if err != nil {
		if ctxErr := c.ctx.Err(); ctxErr != nil {
			return answer{}, ctxErr
		}
		if ended && !time.Now().Before(end) { // the run's end, a moment before its context says so
			return answer{}, context.DeadlineExceeded
		}
		return answer{}, err
	}
	a := answer{status: resp.StatusCode(), etag: string(resp.Header.Peek("ETag")), server: -1}
	for _, v := range resp.Header.PeekAll("Server-Timing") {
		if d := serverTime(string(v)); d >= 0 {
			a.server = d
			break
		}
	}
	b := resp.Body()
	a.bytes = int64(len(b))
	if len(l.FailOn) > 0 && bytes.Contains(b, l.FailOn) {
		return a, fmt.Errorf("answer %d holds %q: %.200s", a.status, l.FailOn, b)
	}
	return a, nil
}

// ServerTime reads the server's time of an answer from its Server-Timing header (the "app" metric's
// dur, in milliseconds), or -1 when it has none.
func ServerTime(h http.Header) time.Duration {
	for _, v := range h.Values("Server-Timing") {
		if d := serverTime(v); d >= 0 {
			return d
		}
	}
	return -1
}

// serverTime reads the "app" metric's dur from one Server-Timing value, or -1.
func serverTime(v string) time.Duration {
	for metric := range strings.SplitSeq(v, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(metric), ";")
		if strings.TrimSpace(name) != "app" {
			continue
		}
		for p := range strings.SplitSeq(params, ";") {
			if ms, ok := strings.CutPrefix(strings.TrimSpace(p), "dur="); ok {
				if f, err := strconv.ParseFloat(ms, 64); err == nil && f >= 0 {
					return time.Duration(f * float64(time.Millisecond))
				}
			}
		}
	}
	return -1
}

// Percentile is the latency under which the share p (0 < p ≤ 1) of the answered requests came
// back (nearest rank); 0 without answers.
func (r *Result) Percentile(p float64) time.Duration { return percentile(r.Latencies, p) }

// ServerPercentile is Percentile of the server's own times; 0 if the server gave none.
func (r *Result) ServerPercentile(p float64) time.Duration { return percentile(r.ServerTimes, p) }

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Rate is the measured requests per second.
func (r *Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Report writes the result for people: the request, requests per second, latency percentiles,
// statuses, bytes and errors.
func (r *Result) Report(w io.Writer, l Load) {
	u := l.URL
	if len(u) > 120 {
		u = u[:117] + "…"
	}
	method := l.Method
	if method == "" {
		method = http.MethodGet
	}
	fmt.Fprintf(w, "%s %s\n", method, u)
	var hs []string
	for k, vs := range l.Header {
		for _, v := range vs {
			hs = append(hs, k+": "+v)
		}
	}
	if r.ETag != "" {
		hs = append(hs, "If-None-Match: "+r.ETag+" (the URL's ETag)")
	}
	sort.Strings(hs)
	if len(hs) > 0 {
		fmt.Fprintf(w, "  headers     %s\n", strings.Join(hs, "; "))
	}
	fmt.Fprintf(w, "  clients     %d for %v\n", l.Clients, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  requests    %d (%.0f requests/s)\n", r.Requests, r.Rate())
	fmt.Fprintf(w, "  latency     p50 %v  p95 %v  p99 %v  max %v\n", round(r.Percentile(0.50)), round(r.Percentile(0.95)),
		round(r.Percentile(0.99)), round(r.Percentile(1)))
	if len(r.ServerTimes) > 0 {
		fmt.Fprintf(w, "  server time p50 %v  p95 %v  p99 %v  max %v (Server-Timing, %d answers)\n", round(r.ServerPercentile(0.50)),
			round(r.ServerPercentile(0.95)), round(r.ServerPercentile(0.99)), round(r.ServerPercentile(1)), len(r.ServerTimes))
	}
	codes := make([]int, 0, len(r.Statuses))
	for c := range r.Statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d × %d", r.Statuses[c], c))
	}
	fmt.Fprintf(w, "  statuses    %s\n", strings.Join(parts, ", "))
	if answered := r.Requests - r.Errors; answered > 0 {
		fmt.Fprintf(w, "  body bytes  %d (%d a request)\n", r.BodyBytes, r.BodyBytes/answered)
	}
	fmt.Fprintf(w, "  errors      %d\n", r.Errors)
	for _, e := range r.ErrorText {
		fmt.Fprintf(w, "              %s\n", e)
	}
}

func round(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
