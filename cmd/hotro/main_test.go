package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hotro/internal/app/apptest"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestBadConfigurationSaysWhatIsWrongInOneLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	sqlite := filepath.Join(t.TempDir(), "x.db")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unreachable database", []string{"serve", "--addr", freeAddr(t)}, map[string]string{"DATABASE_URL": "postgres://postgres@" + freeAddr(t) + "/test"}, "cannot reach the database"},
		{"malformed DATABASE_URL", []string{"migrate"}, map[string]string{"DATABASE_URL": "postgres://u:secret@host:port/db"}, "not a valid PostgreSQL URL"},
		{"unsupported scheme", []string{"seed"}, map[string]string{"DATABASE_URL": "mysql://root@localhost/x"}, `scheme "mysql" is not supported`},
		{"port in use", []string{"serve", "--addr", busy.Addr().String()}, map[string]string{"DATABASE_URL": sqlite}, "already in use"},
		{"metrics port in use", []string{"serve", "--addr", freeAddr(t), "--metrics-addr", busy.Addr().String()}, map[string]string{"DATABASE_URL": sqlite}, "--metrics-addr"},
		{"bad env value", []string{"serve"}, map[string]string{"HOTRO_STATEMENT_TIMEOUT": "soon"}, "HOTRO_STATEMENT_TIMEOUT"},
		{"unknown command", []string{"frobnicate"}, nil, "unknown command"},
		{"unknown migrate action", []string{"migrate", "sideways"}, map[string]string{"DATABASE_URL": sqlite}, "unknown action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := run(ctx, tt.args, envOf(tt.env), strings.NewReader(""), &stdout, &stderr)
			if err == nil {
				t.Fatal("run succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || strings.Contains(msg, "secret") {
				t.Errorf("error = %q; want one line containing %q, without secrets", msg, tt.want)
			}
			if strings.Contains(stderr.String(), "goroutine ") {
				t.Errorf("a stack trace was printed:\n%s", stderr.String())
			}
		})
	}
}

// TestServeWithDemoData starts hotro as `make run` does, on each dialect, asks the README's query and
// shuts it down with the context, as SIGTERM would.
func TestServeWithDemoData(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			// On SQLite the demo data is copied in (seeding is slow under -race; the seed package tests
			// it); on PostgreSQL serve loads it itself, as make run does on an empty database.
			url := dbtest.Target(t, dialect).DSN
			if dialect == db.SQLite {
				url = "sqlite:" + seedtest.SQLiteDemoFile(t)
			}
			addr, metricsAddr := freeAddr(t), freeAddr(t)
			ctx, cancel := context.WithCancel(context.Background())
			var stdout, stderr syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve", "--addr", addr, "--metrics-addr", metricsAddr, "--demo-if-empty"}, envOf(map[string]string{"DATABASE_URL": url}), strings.NewReader(""), &stdout, &stderr)
			}()
			waitReady(t, "http://"+addr+"/readyz", done)
			if !strings.Contains(stdout.String(), "http://"+addr+"/") {
				t.Errorf("start-up message does not say where to open hotro:\n%s", stdout.String())
			}
			// Aggregates without suppression are for signed-in callers: sign in as the demo analyst.
			client := (&apptest.Server{URL: "http://" + addr}).NewClient()
			client.SignIn(t, "phantich", seedtest.DemoPassword)
			res := client.GraphQL(t, `{ stats(groupBy: [WARD], filter: { groups: ["NGUOI_CO_CONG", "BAO_TRO_XA_HOI", "HO_NGHEO", "HO_CAN_NGHEO"], paidTo: "2020-05-31" }) { total { amountPaid peopleSupported } rows { ward { code } } } }`, nil)
			var out struct {
				Data struct {
					Stats struct {
						Total struct{ AmountPaid, PeopleSupported int64 }
						Rows  []any
					}
				}
			}
			if err := json.Unmarshal(res.Raw, &out); err != nil {
				t.Fatal(err)
			}
			// /metrics is served on its own address, not on the API's.
			if !strings.Contains(stdout.String(), "http://"+metricsAddr+"/metrics") {
				t.Errorf("start-up message does not say where the metrics are:\n%s", stdout.String())
			}
			for _, tt := range []struct {
				url  string
				want bool
			}{{"http://" + metricsAddr + "/metrics", true}, {"http://" + addr + "/metrics", false}} {
				res, err := http.Get(tt.url)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if got := res.StatusCode == http.StatusOK && strings.Contains(string(body), "hotro_http_requests_total"); got != tt.want {
					t.Errorf("%s: %d, serves the metrics: %v, want %v", tt.url, res.StatusCode, got, tt.want)
				}
			}
			total := out.Data.Stats.Total
			if len(out.Data.Stats.Rows) != 32 || total.AmountPaid < 16_500_000_000 || total.AmountPaid > 17_000_000_000 || total.PeopleSupported < 12_500 || total.PeopleSupported > 13_000 {
				t.Errorf("first round = %+v over %d wards; want nearly 17 billion VND, nearly 13,000 people, 32 wards", total, len(out.Data.Stats.Rows))
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve ended with %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not shut down")
			}
		})
	}
}

func waitReady(t *testing.T, url string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v", err)
		default:
		}
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("hotro did not become ready")
}
