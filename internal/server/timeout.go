package server

import (
	"context"
	"net/http"
	"time"
)

// withDeadline bounds the work of one request: its context ends after d, which cancels the database
// statements it started, so a slow database cannot pile up requests.
func withDeadline(next http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
