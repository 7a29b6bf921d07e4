package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"hotro/internal/app/apptest"
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
	status, body := c.Do(t, http.MethodGet, "/metrics", nil)
	if status != http.StatusOK {
		t.Fatalf("metrics: %d", status)
	}
	for _, want := range []string{
		`hotro_http_requests_total{method="POST",route="/graphql",status="2xx"}`,
		`hotro_graphql_operations_total{operation="adhoc",outcome="ok"} 1`,
		`hotro_graphql_operations_total{operation="adhoc",outcome="error"} 1`,
		`hotro_errors_total{code="BAD_USER_INPUT"} 1`,
		`go_sql_open_connections{db_name="hotro"}`,
		`hotro_http_request_duration_seconds_bucket{route="/graphql"`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
