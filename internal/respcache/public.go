package respcache

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"net/http"
	"time"
)

// Public serves public GET answers with an ETag from the data version and the URL, answers
// If-None-Match with 304 Not Modified without running the request, and lets shared caches keep
// them for maxAge. Answers to callers anonymous does not call anonymous, to signed chart links and
// to other methods are never stored (Cache-Control: private, no-store), nor are failed answers (a
// status other than 200, or Failed). On a nil Cache nothing is tagged: every answer is no-store.
func (c *Cache) Public(next http.Handler, maxAge time.Duration, anonymous func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A signed chart link is checked (signature, expiry) on every request, and what it shows may
		// be more than the public figures: never answered from a cache, never stored by one.
		signed := r.URL.Query().Get("sig") != ""
		if c == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !anonymous(r) || signed {
			w.Header().Set("Cache-Control", "private, no-store")
			next.ServeHTTP(w, r)
			return
		}
		version, err := c.versions.fresh(r.Context())
		if err != nil {
			w.Header().Set("Cache-Control", "no-store")
			next.ServeHTTP(w, r)
			return
		}
		sum := fnv.New64a()
		sum.Write([]byte(r.URL.RequestURI()))
		etag := fmt.Sprintf(`"v%d-%x"`, version, sum.Sum64())
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds())))
		// The answer is the public one because the request carried no credentials: a shared cache must
		// not hand it to a request that carries some (a session cookie, a token), nor the reverse.
		w.Header().Add("Vary", "Origin, Cookie, Authorization")
		if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == etag || inm == "W/"+etag || inm == "*") {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		// The answer is made at the version its ETag names, even where the cache further in would
		// trust an older one for a moment.
		ctx, out := withOutcome(WithVersion(r.Context(), version))
		held := &noStoreOnError{ResponseWriter: w, out: out}
		next.ServeHTTP(held, r.WithContext(ctx))
		held.finish()
	})
}

// noStoreOnError keeps caches from storing a failed answer: a status other than 200, or one the
// handler called Failed for. Public answers are small: it holds the answer until it is complete,
// then decides.
type noStoreOnError struct {
	http.ResponseWriter
	out    *outcome
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
	if n.status != http.StatusOK || n.out.failed.Load() {
		n.Header().Del("ETag")
		n.Header().Set("Cache-Control", "no-store")
	}
	n.ResponseWriter.WriteHeader(n.status)
	_, _ = n.ResponseWriter.Write(n.body.Bytes())
}
