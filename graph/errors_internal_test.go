package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"hotro/internal/db"
)

// TestCancelledRequestIsNotTheDatabase: a request the browser cancelled fails with the context's
// error (or whatever the driver says once its context is gone); that is logged at debug level as a
// cancellation, not as "database unavailable", which stays for a database that is down.
func TestCancelledRequestIsNotTheDatabase(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		err      error
		wantWarn bool
	}{
		{"context canceled", context.Background(), fmt.Errorf("report: stats: %w", context.Canceled), false},
		{"the driver's error after the browser went away", cancelled, errors.New("conn closed"), false},
		{"the database down", context.Background(), errors.New("dial tcp 127.0.0.1:5432: connection refused"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			present := presentErrorKind(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})), db.Classify)
			got := present(tt.ctx, tt.err)
			if code := got.Extensions["code"]; code != "UNAVAILABLE" {
				t.Errorf("code %v, want UNAVAILABLE", code)
			}
			warned := strings.Contains(log.String(), "database unavailable")
			if warned != tt.wantWarn {
				t.Errorf("logged %q; want a 'database unavailable' warning: %v", log.String(), tt.wantWarn)
			}
			if !tt.wantWarn && !strings.Contains(log.String(), "cancelled by the client") {
				t.Errorf("logged %q, want the cancellation at debug level", log.String())
			}
		})
	}
}
