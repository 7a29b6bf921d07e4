package errs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"hotro/internal/errs"
)

func TestCanceledByClient(t *testing.T) {
	live := context.Background()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithTimeout(context.Background(), 0)
	defer cancel2()
	<-expired.Done()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"the request's context cancelled, any error", cancelled, errors.New("conn closed"), true},
		{"a wrapped context.Canceled", live, fmt.Errorf("report: stats: %w", context.Canceled), true},
		{"classified and wrapped", live, errs.E("graph", errs.Unavailable, context.Canceled), true},
		{"a deadline is the database being slow", expired, context.DeadlineExceeded, false},
		{"a deadline error on a live request", live, fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{"the database down", live, errors.New("dial tcp: connection refused"), false},
		{"no context", nil, errors.New("x"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errs.CanceledByClient(tt.ctx, tt.err); got != tt.want {
				t.Errorf("CanceledByClient = %v, want %v", got, tt.want)
			}
		})
	}
}
