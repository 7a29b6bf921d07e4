// Package respcache is where hotro caches answers, all of it: the answers to repeated reads (GraphQL
// queries, the portal's chart data) kept in memory, and the ETag and Cache-Control of public answers
// that browsers and shared caches keep. Both are keyed by one data version, the one the rollup Keeper
// and the release Publisher move with (dataset.Store.Version): a new version drops every answer kept
// and every tag given. Handlers say which requests are reads, writes or neither (a Classifier) and
// when an answer sent with 200 reports an error (Failed); the cache never reads their bodies to
// guess. The clock is a constructor argument, so that tests move time instead of waiting for it.
package respcache

import (
	"bytes"
	"context"
	"net/http"
	"time"
)

// Options say how much the cache keeps and how it reads the data version.
type Options struct {
	// MaxBytes is the memory for kept answers, keys included. Zero: no answer is kept, and the
	// Handler passes every request through; public answers are still tagged.
	MaxBytes int
	// Version reads the data version, which changes whenever the data does (dataset.Store.Version).
	Version func(context.Context) (int64, error)
	// VersionTTL is how long a version read is trusted while this process writes nothing (zero:
	// DefaultVersionTTL).
	VersionTTL time.Duration
	// Now tells the time (nil: time.Now).
	Now func() time.Time
}

// Cache keeps answers per data version and tags public answers with it. One Cache serves every
// handler of a process, so that they all see the same data version and a write through one is seen
// at once by all.
type Cache struct {
	versions *versions
	store    *store // nil: no answer kept
}

// New returns a cache with the options.
func New(o Options) *Cache {
	if o.VersionTTL <= 0 {
		o.VersionTTL = DefaultVersionTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &Cache{versions: &versions{read: o.Version, ttl: o.VersionTTL, now: o.Now}}
	if o.MaxBytes > 0 {
		c.store = newStore(o.MaxBytes)
	}
	return c
}

// Counts returns how many reads were answered from the cache (hits) and how many were not (misses).
func (c *Cache) Counts() (hits, misses int64) {
	if c.store == nil {
		return 0, 0
	}
	return c.store.counts()
}

// Kind is what a request is to the cache.
type Kind int

const (
	// Pass: neither kept nor a write (nothing to run, or an answer the data version does not cover).
	Pass Kind = iota
	// Read: its answer moves only with the data version, and is kept under the request's Key.
	Read
	// Write: it may change the data. Until it is over, and once after, the data version is read
	// afresh, so that whoever wrote reads what they wrote.
	Write
)

// Request is what a Classifier says of a request.
type Request struct {
	Kind Kind
	// Key names the answer of a Read: everything it depends on besides the data version (the
	// document, its variables, who asks).
	Key string
}

// Classifier tells the cache what a request is. It may read the request's body if it puts it back.
type Classifier func(*http.Request) Request

// Handler serves kept answers in front of next. An answer is kept when next sends it with status
// 200 and does not call Failed. Answers from the cache carry X-Cache: hit, the others X-Cache: miss.
func (c *Cache) Handler(classify Classifier, next http.Handler) http.Handler {
	if c.store == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := classify(r)
		switch req.Kind {
		case Write:
			c.versions.beginWrite()
			defer c.versions.endWrite()
			next.ServeHTTP(w, r)
			return
		case Pass:
			next.ServeHTTP(w, r)
			return
		}
		version, err := c.versions.get(r.Context())
		if err != nil {
			next.ServeHTTP(w, r) // the handler meets the same error, and answers it
			return
		}
		if a, ok := c.store.get(version, req.Key); ok {
			if a.contentType != "" {
				w.Header().Set("Content-Type", a.contentType)
			}
			w.Header().Set("X-Cache", "hit")
			_, _ = w.Write(a.body)
			return
		}
		ctx, out := withOutcome(r.Context())
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		rec.Header().Set("X-Cache", "miss")
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rec.status == http.StatusOK && !out.failed.Load() {
			c.store.put(version, req.Key, answer{contentType: rec.Header().Get("Content-Type"), body: rec.body.Bytes()})
		}
	})
}

// recorder keeps a copy of what the handler writes.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
