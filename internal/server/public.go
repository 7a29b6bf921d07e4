package server

import (
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
	// Cache tags public answers with the data version (ETag) and says whether they may be stored
	// (nil: none may).
	Cache *respcache.Cache
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

// cached serves public answers with an ETag and Cache-Control (see respcache.Cache.Public): one
// place says what may be stored, and for how long.
func (p Public) cached(h http.Handler) http.Handler {
	return p.Cache.Public(h, p.MaxAge, p.Anonymous)
}
