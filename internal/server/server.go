// Package server is hotro's HTTP front: routes, timeouts, body limits, request IDs, access logs and
// graceful shutdown. It knows handlers, not the domain; what may be kept, here or by shared
// caches, is internal/respcache's to say.
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"hotro/internal/errs"
	"hotro/internal/httperr"
	"hotro/internal/logging"
)

// Config is what the server serves and how.
type Config struct {
	Addr       string
	GraphQL    http.Handler
	Dashboard  http.Handler
	Console    http.Handler // GraphiQL at /graphiql (nil: not served)
	AuthRoutes http.Handler // /auth/ (sign-in, sign-out, me)
	EmbedData  http.Handler // chart data for the portal at /embed/data/ (nil: not served)
	Embeds     http.Handler // embed pages and embed.js at /embed/ (nil: not served)
	Geo        http.Handler // imported ward boundaries at /geo/boundaries.json (nil: not served)
	Public     Public
	// Authenticate names the caller of every request (nil: everyone is anonymous).
	Authenticate func(http.Handler) http.Handler
	Export       http.Handler                // stats as CSV/XLSX at /export/ (nil: not served)
	Reports      http.Handler                // the signed report of a snapshot at /reports/ (nil: not served)
	Ready        func(context.Context) error // nil error: the database answers
	Logger       *slog.Logger
	// Metrics, when set, records every request. It is served apart (NewMetrics), not here: what the
	// process counts is not for everyone who can reach the API.
	Metrics      Recorder
	MaxBodyBytes int64
	// Intake serves the list templates and row reports under /intake/ and the wards' posting lists
	// under /wards/ (nil: not served).
	Intake http.Handler
	// MaxUploadBytes is the largest multipart/form-data body (a list uploaded to /graphql); other
	// bodies stay within MaxBodyBytes. Zero: MaxBodyBytes.
	MaxUploadBytes int64
	// RequestTimeout bounds the work of one request (zero: no bound beyond the statement timeout).
	RequestTimeout time.Duration
}

// New returns the HTTP server with hotro's routes and timeouts.
func New(c Config) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/graphql", c.Public.withCORS(c.Public.cached(c.GraphQL)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := c.Ready(ctx); err != nil {
			c.Logger.WarnContext(r.Context(), "not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	if c.Console != nil {
		mux.Handle("/graphiql", c.Console)
		mux.Handle("/graphiql/", c.Console)
	}
	if c.Export != nil {
		mux.Handle("/export/", c.Export)
	}
	if c.Reports != nil {
		mux.Handle("/reports/", c.Reports)
	}
	if c.AuthRoutes != nil {
		mux.Handle("/auth/", c.AuthRoutes)
	}
	if c.EmbedData != nil {
		mux.Handle("/embed/data/", c.Public.withCORS(c.Public.cached(c.EmbedData)))
	}
	if c.Geo != nil {
		mux.Handle("/geo/boundaries.json", c.Public.withCORS(c.Geo))
	}
	if c.Embeds != nil {
		mux.Handle("/embed/", c.Embeds)
		mux.Handle("/embed.js", c.Embeds)
	}
	if c.Intake != nil {
		mux.Handle("/intake/", c.Intake)
		mux.Handle("/wards/", c.Intake)
	}
	mux.Handle("/", c.Dashboard)

	var h http.Handler = framing(withDeadline(mux, c.RequestTimeout), c.Public.frameAncestors())
	if c.Authenticate != nil {
		h = c.Authenticate(h)
	}
	h = limitBody(h, c.MaxBodyBytes, c.MaxUploadBytes)
	h = recoverPanics(h, c.Logger)
	h = accessLog(h, c.Logger, c.Metrics)
	h = requestID(h)
	return &http.Server{
		Addr:              c.Addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(c.Logger.Handler(), slog.LevelWarn),
	}
}

// NewMetrics returns the server of GET /metrics alone, for its own address (loopback by default),
// with the same timeouts as the API.
func NewMetrics(addr string, m Recorder, log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return &http.Server{
		Addr:              addr,
		Handler:           recoverPanics(mux, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Listen opens the server's address, saying in one line why it cannot.
func Listen(addr string) (net.Listener, error) {
	return ListenFor(addr, "--addr or HOTRO_ADDR")
}

// ListenFor opens an address given by setting (e.g. "--metrics-addr or HOTRO_METRICS_ADDR"), saying
// in one line why it cannot.
func ListenFor(addr, setting string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("cannot listen on %s: the address is already in use (choose another with %s)", addr, setting)
		}
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Err != nil {
			return nil, fmt.Errorf("cannot listen on %s: %v", addr, opErr.Err)
		}
		return nil, fmt.Errorf("cannot listen on %s: %v", addr, err)
	}
	return l, nil
}

// TLS names the certificate and key files to serve HTTPS with; empty for plain HTTP.
type TLS struct{ Cert, Key string }

// Serve serves on l until ctx ends, then lets requests in flight finish within grace.
func Serve(ctx context.Context, srv *http.Server, l net.Listener, grace time.Duration) error {
	return ServeTLS(ctx, srv, l, grace, TLS{})
}

// ServeTLS is Serve over HTTPS when tls names a certificate and key.
func ServeTLS(ctx context.Context, srv *http.Server, l net.Listener, grace time.Duration, tls TLS) error {
	errc := make(chan error, 1)
	go func() {
		if tls.Cert != "" {
			errc <- srv.ServeTLS(l, tls.Cert, tls.Key)
			return
		}
		errc <- srv.Serve(l)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// framing lets the portal's origins frame the embed pages, and no one else frame anything.
func framing(next http.Handler, embedAncestors string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if strings.HasPrefix(r.URL.Path, "/embed/") {
			h.Set("Content-Security-Policy", embedAncestors)
		} else {
			h.Set("Content-Security-Policy", "frame-ancestors 'self'")
			h.Set("X-Frame-Options", "SAMEORIGIN")
		}
		next.ServeHTTP(w, r)
	})
}

// requestID gives every request an ID (or keeps a sane X-Request-Id from a proxy), in the context
// for logs and in the response header.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(logging.WithRequestID(r.Context(), id)))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// statusRecorder notes the status and size of a response, and stamps it with the time the server
// took until the response began (Server-Timing: app;dur=<ms>), which load tests read to tell the
// server's time from the network's and the client's.
type statusRecorder struct {
	http.ResponseWriter
	start  time.Time
	status int
	bytes  int64
}

// begin stamps the response as it starts.
func (s *statusRecorder) begin(code int) {
	s.status = code
	s.ResponseWriter.Header().Set("Server-Timing", "app;dur="+strconv.FormatFloat(float64(time.Since(s.start).Microseconds())/1000, 'f', 3, 64))
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.begin(code)
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.begin(http.StatusOK)
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Recorder counts requests for monitoring.
type Recorder interface {
	Request(route, method string, status int, took time.Duration)
	Handler() http.Handler
}

// routes are the fixed names requests are counted under (never the raw path, which the client picks).
var routes = []string{"/graphql", "/graphiql", "/export/", "/embed/data/", "/embed/", "/auth/", "/intake/", "/wards/", "/healthz", "/readyz"}

func routeOf(path string) string {
	for _, r := range routes {
		if path == strings.TrimSuffix(r, "/") || strings.HasPrefix(path, r) {
			return r
		}
	}
	return "/"
}

// accessLog logs one structured line per request and counts it.
func accessLog(next http.Handler, log *slog.Logger, counter Recorder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, start: start}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		log.InfoContext(r.Context(), "http", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration_ms", float64(took.Microseconds())/1000, "remote", r.RemoteAddr)
		if counter != nil {
			counter.Request(routeOf(r.URL.Path), r.Method, rec.status, took)
		}
	})
}

// recoverPanics turns a handler panic into a 500 and a log line instead of a dropped connection.
func recoverPanics(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				httperr.Writer{Op: "server", Logger: log}.Error(w, r, errs.E("server: handler panic", errs.Internal, fmt.Errorf("%v", p)))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses request bodies over maxBody bytes, or maxUpload for multipart uploads.
func limitBody(next http.Handler, maxBody, maxUpload int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max, msg := maxBody, fmt.Sprintf("Yêu cầu quá lớn (tối đa %d byte).", maxBody)
		if maxUpload > maxBody && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			// The envelope of an upload gets 1 MB beyond the file itself
			// (intake.Service.MaxUploadBytes): the limit said is the file's.
			max, msg = maxUpload, fmt.Sprintf("Tệp tải lên quá lớn (tối đa %d MB). Hãy chia danh sách thành nhiều tệp nhỏ hơn.", maxUpload>>20-1)
		}
		tooLarge := func() { httperr.Write(w, http.StatusRequestEntityTooLarge, errs.TooComplex, msg) }
		if r.ContentLength > max {
			tooLarge()
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		if r.ContentLength < 0 && max == maxBody {
			// A body of unknown length (chunked) is read here, so that one over the limit is refused
			// as clearly as a declared one, not cut short under the reader's feet. Uploads, larger,
			// stream on, and their readers report the limit.
			body, err := io.ReadAll(r.Body)
			if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
				tooLarge()
				return
			}
			if err != nil {
				httperr.Write(w, http.StatusBadRequest, errs.Invalid, "Không đọc được nội dung yêu cầu.")
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		}
		next.ServeHTTP(w, r)
	})
}
