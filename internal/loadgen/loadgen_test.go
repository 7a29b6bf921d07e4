package loadgen

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// chart answers like a cached public chart: 200 with an ETag, or 304 to a request holding it.
// It counts the requests it sees and refuses those without the X-Test header.
func chart(t *testing.T, seen *atomic.Int64) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		if r.Header.Get("X-Test") != "yes" {
			http.Error(w, "no X-Test header", http.StatusBadRequest)
			return
		}
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			_, _ = w.Write(b) // echo
			return
		}
		w.Header().Set("ETag", `"v7-abc"`)
		if r.Header.Get("If-None-Match") == `"v7-abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte(`{"points":[]}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRun(t *testing.T) {
	var seen atomic.Int64
	srv := chart(t, &seen)
	tests := []struct {
		name       string
		load       Load
		status     int
		bytes      int64
		unmeasured int64 // warm-up and ETag requests
		etag       string
	}{
		{"plain GET", Load{}, http.StatusOK, 13 * 300, 0, ""},
		{"warmed up", Load{Warmup: 3}, http.StatusOK, 13 * 300, 3, ""},
		{"revalidating with the ETag", Load{Revalidate: true}, http.StatusNotModified, 0, 1, `"v7-abc"`},
		{"a GraphQL-like POST", Load{Method: http.MethodPost, Body: []byte(`{"query":"{x}"}`)}, http.StatusOK, 15 * 300, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen.Store(0)
			l := tt.load
			l.URL, l.Clients, l.Requests, l.Timeout = srv.URL, 8, 300, 10*time.Second
			l.Header = http.Header{"X-Test": {"yes"}}
			res, err := Run(context.Background(), l)
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != 300 || res.Errors != 0 || res.Statuses[tt.status] != 300 || len(res.Statuses) != 1 {
				t.Errorf("%d requests, %d errors, statuses %v; want 300 × %d", res.Requests, res.Errors, res.Statuses, tt.status)
			}
			if res.BodyBytes != tt.bytes || len(res.Latencies) != 300 || res.ETag != tt.etag {
				t.Errorf("%d body bytes, %d latencies, ETag %q; want %d, 300, %q", res.BodyBytes, len(res.Latencies), res.ETag, tt.bytes, tt.etag)
			}
			if got := seen.Load(); got != 300+tt.unmeasured {
				t.Errorf("the server saw %d requests, want %d", got, 300+tt.unmeasured)
			}
			if p50, p99 := res.Percentile(0.5), res.Percentile(0.99); p50 <= 0 || p99 < p50 || res.Percentile(1) != res.Latencies[299] {
				t.Errorf("percentiles p50 %v p99 %v max %v", p50, p99, res.Percentile(1))
			}
		})
	}
}

// TestRunCountsErrors: requests that get no answer are errors, not statuses.
func TestRunCountsErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	res, err := Run(context.Background(), Load{URL: "http://" + addr + "/", Clients: 2, Requests: 20, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 20 || res.Errors != 20 || len(res.Statuses) != 0 || len(res.ErrorText) != 3 {
		t.Errorf("%d requests, %d errors, statuses %v, errors %q", res.Requests, res.Errors, res.Statuses, res.ErrorText)
	}
	if _, err := Run(context.Background(), Load{URL: "http://" + addr + "/", Clients: 1, Requests: 1, Warmup: 1}); err == nil {
		t.Error("a failed warm-up did not stop the run")
	}
}

// TestRunForAWhile: with a duration and no count, the clients ask until the time is up.
func TestRunForAWhile(t *testing.T) {
	var seen atomic.Int64
	srv := chart(t, &seen)
	res, err := Run(context.Background(), Load{URL: srv.URL, Clients: 2, Duration: 100 * time.Millisecond, Header: http.Header{"X-Test": {"yes"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors != 0 || res.Requests != res.Statuses[http.StatusOK] || res.Rate() <= 0 {
		t.Errorf("%d requests, %d errors %v, statuses %v, %.0f/s", res.Requests, res.Errors, res.ErrorText, res.Statuses, res.Rate())
	}
}

func TestRunRefusesNoLoad(t *testing.T) {
	for _, l := range []Load{{URL: "http://127.0.0.1:1/", Clients: 0, Requests: 1}, {URL: "http://127.0.0.1:1/", Clients: 1}} {
		if _, err := Run(context.Background(), l); err == nil {
			t.Errorf("Run(%+v): no error", l)
		}
	}
}

func TestReport(t *testing.T) {
	r := &Result{Requests: 4, Errors: 1, Elapsed: 2 * time.Second, Statuses: map[int]int64{200: 2, 304: 1}, BodyBytes: 30,
		Latencies: []time.Duration{time.Millisecond, 2 * time.Millisecond, 40 * time.Millisecond}, ErrorText: []string{"connection refused"}, ETag: `"v1"`}
	var out bytes.Buffer
	r.Report(&out, Load{URL: "http://127.0.0.1/embed/data/wards", Clients: 5, Header: http.Header{"X-Test": {"yes"}}})
	want := `GET http://127.0.0.1/embed/data/wards
  headers     If-None-Match: "v1" (the URL's ETag); X-Test: yes
  clients     5 for 2s
  requests    4 (2 requests/s)
  latency     p50 2ms  p95 40ms  p99 40ms  max 40ms
  statuses    2 × 200, 1 × 304
  body bytes  30 (10 a request)
  errors      1
              connection refused
`
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestServerTime(t *testing.T) {
	tests := []struct {
		header []string
		want   time.Duration
	}{
		{nil, -1},
		{[]string{"app;dur=12.5"}, 12500 * time.Microsecond},
		{[]string{`db;dur=3, app;desc="GraphQL";dur=0.250`}, 250 * time.Microsecond},
		{[]string{"cache;desc=hit", "app;dur=7"}, 7 * time.Millisecond},
		{[]string{"app"}, -1},
		{[]string{"app;dur=-3"}, -1},
		{[]string{"app;dur=x"}, -1},
		{[]string{"application;dur=5"}, -1},
	}
	for _, tt := range tests {
		if got := ServerTime(http.Header{"Server-Timing": tt.header}); got != tt.want {
			t.Errorf("ServerTime(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestRunReadsServerTimes: answers that tell the server's time are measured twice: as the client
// saw them, and as the server did.
func TestRunReadsServerTimes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server-Timing", "app;dur=2.000")
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(srv.Close)
	res, err := Run(context.Background(), Load{URL: srv.URL, Clients: 2, Requests: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ServerTimes) != 50 || res.ServerPercentile(0.5) != 2*time.Millisecond || res.ServerPercentile(0.99) != 2*time.Millisecond {
		t.Errorf("%d server times, p50 %v, p99 %v; want 50 at 2ms", len(res.ServerTimes), res.ServerPercentile(0.5), res.ServerPercentile(0.99))
	}
	var out bytes.Buffer
	res.Report(&out, Load{URL: srv.URL, Clients: 2})
	if !bytes.Contains(out.Bytes(), []byte("server time p50 2ms  p95 2ms  p99 2ms  max 2ms (Server-Timing, 50 answers)")) {
		t.Errorf("the report does not give the server's times:\n%s", out.String())
	}
}
