package app_test

import (
	"net/http"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
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
