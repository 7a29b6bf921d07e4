// Package metrics counts what hotro does for Prometheus: HTTP requests and their latency by route,
// GraphQL operations and their latency by name, errors by code, the response cache's hits and
// misses, and the database pool.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds hotro's collectors in their own registry.
type Metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	operations *prometheus.CounterVec
	opLatency  *prometheus.HistogramVec
	errors     *prometheus.CounterVec
}

// New returns the collectors, registered with the process, Go runtime and database pool collectors.
func New(db *sql.DB) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotro_http_requests_total", Help: "HTTP requests by route, method and status class.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hotro_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotro_graphql_operations_total", Help: "GraphQL operations by name and outcome (ok or error).",
		}, []string{"operation", "outcome"}),
		opLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hotro_graphql_operation_duration_seconds", Help: "GraphQL operation latency by name.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotro_errors_total", Help: "Errors returned to clients by extensions.code.",
		}, []string{"code"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.operations, m.opLatency, m.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(db, "hotro"))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Request records one HTTP request. route must come from a fixed set (the mux pattern), never
// from the client, so the number of series stays bounded.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status/100)+"xx").Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

// Operation records one GraphQL operation under a name from a fixed set.
func (m *Metrics) Operation(name string, failed bool, took time.Duration) {
	outcome := "ok"
	if failed {
		outcome = "error"
	}
	m.operations.WithLabelValues(name, outcome).Inc()
	m.opLatency.WithLabelValues(name).Observe(took.Seconds())
}

// Error records an error returned to a client, by its code.
func (m *Metrics) Error(code string) { m.errors.WithLabelValues(code).Inc() }

// CacheCounts is what the response cache counts: reads answered from it (hits) and not (misses).
type CacheCounts interface {
	Counts() (hits, misses int64)
}

// WatchCache publishes the response cache's counts as hotro_response_cache_hits_total and
// hotro_response_cache_misses_total, read when scraped. Call it once.
func (m *Metrics) WatchCache(c CacheCounts) {
	m.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "hotro_response_cache_hits_total", Help: "Reads answered from the response cache.",
		}, func() float64 { hits, _ := c.Counts(); return float64(hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "hotro_response_cache_misses_total", Help: "Cacheable reads the response cache did not hold.",
		}, func() float64 { _, misses := c.Counts(); return float64(misses) }),
	)
}
