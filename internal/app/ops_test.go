package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hotro/internal/app/apptest"
	"hotro/internal/config"
	"hotro/internal/db/dbtest"
	"hotro/internal/loadgen"
	"hotro/internal/seed/seedtest"
)

func TestHealthReadinessAndMetrics(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), nil)
	c := srv.NewClient()
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, body := c.Do(t, http.MethodGet, path, nil); status != http.StatusOK {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	// Every answer tells the server's own time, and carries the request's ID.
	res, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if took := loadgen.ServerTime(res.Header); took < 0 || took > time.Minute {
		t.Errorf("Server-Timing %q: want app;dur=<ms>", res.Header.Get("Server-Timing"))
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	c.SignIn(t, "phantich", seedtest.DemoPassword)
	c.GraphQL(t, `{ stats { total { amountPaid } } }`, nil)
	c.GraphQL(t, `{ stats(filter: { groups: ["NO_SUCH"] }) { total { amountPaid } } }`, nil)
	c.GraphQL(t, `{ stats { total { amountPaid } } }`, nil) // from the response cache
	// The metrics are served on their own (loopback) address, not on the API's.
	if status, body := c.Do(t, http.MethodGet, "/metrics", nil); status != http.StatusNotFound || strings.Contains(string(body), "hotro_") {
		t.Errorf("/metrics on the API's address: %d %.200s, want 404", status, body)
	}
	res, err = http.Get(srv.MetricsURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("metrics: %d", res.StatusCode)
	}
	for _, want := range []string{
		`hotro_http_requests_total{method="POST",route="/graphql",status="2xx"}`,
		`hotro_graphql_operations_total{operation="adhoc",outcome="ok"} 1`,
		`hotro_graphql_operations_total{operation="adhoc",outcome="error"} 1`,
		`hotro_errors_total{code="BAD_USER_INPUT"} 1`,
		// The first stats question and the one with an error missed; the first again hit.
		"hotro_response_cache_hits_total 1\n",
		"hotro_response_cache_misses_total 2\n",
		`go_sql_open_connections{db_name="hotro"}`,
		`hotro_http_request_duration_seconds_bucket{route="/graphql"`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestBodyOfUnknownLength: a request body sent without its length (chunked) is held to the same
// limit as one that declares it, with the same clear answer; one under the limit is served.
func TestBodyOfUnknownLength(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), func(c *config.Config) { c.MaxBodyBytes = 4096 })
	analyst := srv.NewClient()
	analyst.SignIn(t, "phantich", seedtest.DemoPassword)
	post := func(body string) (int, string) {
		t.Helper()
		// A reader of unknown length: the client sends it chunked, without Content-Length.
		status, raw := analyst.Send(t, http.MethodPost, "/graphql", io.MultiReader(strings.NewReader(body)))
		return status, string(raw)
	}
	query := `{"query":"{ stats { total { amountPaid } } }"}`
	if status, body := post(query); status != http.StatusOK || !strings.Contains(body, `"amountPaid":`) || strings.Contains(body, `"errors"`) {
		t.Errorf("a small chunked body: %d %s", status, body)
	}
	big := `{"query":"{ stats { total { amountPaid } } }","variables":{"x":"` + strings.Repeat("a", 8192) + `"}}`
	if status, body := post(big); status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "quá lớn") || !strings.Contains(body, "TOO_COMPLEX") {
		t.Errorf("a chunked body over the limit: %d %s", status, body)
	}
}
