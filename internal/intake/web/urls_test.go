package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestURLsReachTheirRoutes checks that the addresses the API hands out (ReportURL, PostingURL) are
// the ones this handler serves, with their arguments where the handler reads them.
func TestURLsReachTheirRoutes(t *testing.T) {
	h := New(nil, nil, nil, nil)
	tests := []struct {
		name, url, pattern string
		want               map[string]string // path values
		batch              string
	}{
		{"report", ReportURL(42), "GET /intake/uploads/{id}/report.csv", map[string]string{"id": "42"}, ""},
		{"posting", PostingURL("05431", 7), "GET /wards/{code}/posting", map[string]string{"code": "05431"}, "7"},
		{"posting of an odd code", PostingURL("a/b c", 9), "GET /wards/{code}/posting", map[string]string{"code": "a/b c"}, "9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.url, nil)
			_, pattern := h.mux.Handler(r)
			if pattern != tt.pattern {
				t.Fatalf("%s goes to %q, want %q", tt.url, pattern, tt.pattern)
			}
			// The mux sets path values only when it serves: serve the pattern with one that records them.
			got := map[string]string{}
			mux := http.NewServeMux()
			mux.HandleFunc(tt.pattern, func(_ http.ResponseWriter, r *http.Request) {
				for k := range tt.want {
					got[k] = r.PathValue(k)
				}
			})
			mux.ServeHTTP(httptest.NewRecorder(), r)
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: {%s} = %q, want %q", tt.url, k, got[k], v)
				}
			}
			if b := r.URL.Query().Get("batch"); b != tt.batch {
				t.Errorf("%s: batch = %q, want %q", tt.url, b, tt.batch)
			}
		})
	}
}
