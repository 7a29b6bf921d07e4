// Package apptest starts the whole of hotro on a loopback port for end-to-end tests: the same
// wiring as the binary, over a test database.
package apptest

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/app"
	"hotro/internal/config"
	"hotro/internal/rollup"
	"hotro/internal/server"
)

// Server is a running hotro.
type Server struct {
	URL        string // http://127.0.0.1:port
	MetricsURL string // http://127.0.0.1:port/metrics, on its own port ("" when the metrics are off)
	DB         *bun.DB
	logs       *syncBuffer
}

// Logs returns everything the server has logged so far.
func (s *Server) Logs() string { return s.logs.String() }

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

// Start serves hotro over d until the test ends. change may adjust the configuration.
func Start(t testing.TB, d *bun.DB, change func(*config.Config)) *Server {
	t.Helper()
	cfg := config.Defaults()
	if change != nil {
		change(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Stats are read from the rollups: fill them if the test's data came without them.
	if _, err := rollup.EnsureBuilt(context.Background(), d); err != nil {
		t.Fatalf("rollups: %v", err)
	}
	servers, err := app.NewServers(cfg, d, log)
	if err != nil {
		t.Fatal(err)
	}
	// As hotro serve does, but before serving: every answer then comes from memory.
	if err := servers.Warm(context.Background()); err != nil {
		t.Fatalf("rollups into memory: %v", err)
	}
	s := &Server{DB: d, logs: logs}
	s.URL = serve(t, servers.Main, cfg.ShutdownTimeout)
	if servers.Metrics != nil {
		s.MetricsURL = serve(t, servers.Metrics, cfg.ShutdownTimeout) + "/metrics"
	}
	return s
}

// serve serves srv on a loopback port until the test ends, and returns its base URL.
func serve(t testing.TB, srv *http.Server, grace time.Duration) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, srv, l, grace) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return "http://" + l.Addr().String()
}
