package server

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"time"

	"github.com/rs/cors"

	"hotro/internal/respcache"
)

// Public says how the public parts are served: to which origins, and for how long caches may keep
// them.
type Public struct {
	// Origins may read the public API from a browser (CORS) and frame the charts.
	Origins []string
	// MaxAge is how long a cache may keep a public answer before it asks again.
	MaxAge time.Duration
	// DataVersion changes whenever the data does; answers are tagged with it.
	DataVersion func(context.Context) (int64, error)
	// Anonymous reports whether a request comes from someone not signed in.
	Anonymous func(*http.Request) bool
}

// withCORS lets the configured origins read public answers from their pages: no credentials are
// ever allowed cross-origin, and preflights are cached for ten minutes.
func (p Public) withCORS(h http.Handler) http.Handler {
	if len(p.Origins) == 0 {
		return h
	}
	return cors.New(cors.Options{
		AllowedOrigins:   p.Origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodHead},
		AllowedHeaders:   []string{"Content-Type"},
		ExposedHeaders:   []string{"ETag"},
		AllowCredentials: false,
		MaxAge:           600,
	}).Handler(h)
}

// frameAncestors is the CSP directive for pages the portal may frame.
func (p Public) frameAncestors() string {
	return strings.TrimSpace("frame-ancestors 'self' " + strings.Join(p.Origins, " "))
}

// cached serves public GET answers with an ETag from the data version and the URL, answers
// If-None-Match with 304 Not Modified without running the query, and lets shared caches keep
// them for MaxAge. Answers to signed-in callers and to signed chart links are never stored.
func (p Public) cached(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A signed chart link is checked (signature, expiry) on every request, and what it shows may
		// be more than the public figures: never answered from a cache, never stored by one.
		signed := r.URL.Query().Get("sig") != ""
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !p.Anonymous(r) || p.DataVersion == nil || signed {
			w.Header().Set("Cache-Control", "private, no-store")
			h.ServeHTTP(w, r)
			return
		}
		version, err := p.DataVersion(r.Context())
		if err != nil {
			w.Header().Set("Cache-Control", "no-store")
			h.ServeHTTP(w, r)
			return
		}
		sum := fnv.New64a()
		sum.Write([]byte(r.URL.RequestURI()))
		etag := fmt.Sprintf(`"v%d-%x"`, version, sum.Sum64())
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(p.MaxAge.Seconds())))
		// The answer is the public one because the request carried no credentials: a shared cache must
		// not hand it to a request that carries some (a session cookie, a token), nor the reverse.
		w.Header().Add("Vary", "Origin, Cookie, Authorization")
		if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == etag || inm == "W/"+etag || inm == "*") {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		// The answer is made at the version its ETag names, even where a cache further in would
		// trust an older one for a moment.
		held := &noStoreOnError{ResponseWriter: w}
		h.ServeHTTP(held, r.WithContext(respcache.WithVersion(r.Context(), version)))
		held.finish()
	})
}

// noStoreOnError keeps caches from storing a failed answer: a status other than 200, or a GraphQL
// answer with errors (sent with 200, a database timeout for one). Public answers are small: it holds
// the answer until it is complete, then decides.
type noStoreOnError struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (n *noStoreOnError) WriteHeader(status int) {
	if n.status == 0 {
		n.status = status
	}
}

func (n *noStoreOnError) Write(b []byte) (int, error) {
	if n.status == 0 {
		n.status = http.StatusOK
	}
	return n.body.Write(b)
}

// finish sends the answer, marked not to be stored when it failed.
func (n *noStoreOnError) finish() {
	if n.status == 0 {
		n.status = http.StatusOK
	}
	failed := n.status != http.StatusOK ||
		(strings.HasPrefix(n.Header().Get("Content-Type"), "application/json") && bytes.Contains(n.body.Bytes(), []byte(`"errors":`)))
	if failed {
		n.Header().Del("ETag")
		n.Header().Set("Cache-Control", "no-store")
	}
	n.ResponseWriter.WriteHeader(n.status)
	_, _ = n.ResponseWriter.Write(n.body.Bytes())
}
