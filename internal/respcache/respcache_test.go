package respcache_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hotro/internal/respcache"
)

// fakeClock is the cache's time, moved by the test.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// world is a data version, a handler that counts its runs and answers with the version it saw, and
// a cache in front of it.
type world struct {
	version atomic.Int64
	reads   atomic.Int64 // of the version
	runs    atomic.Int64 // of the handler
	clock   fakeClock
	cache   *respcache.Cache
	srv     *httptest.Server
}

// newWorld serves /read/* (a read keyed by its URL), /write (a write: it moves the version),
// /fail (a read that calls Failed), /missing (a read answered 404) and anything else passed through,
// behind the response cache and, with public, the public ETag layer for anonymous callers.
func newWorld(t *testing.T, maxBytes int, public bool) *world {
	w := &world{}
	w.version.Store(1)
	w.cache = respcache.New(respcache.Options{MaxBytes: maxBytes, Now: w.clock.now,
		Version: func(context.Context) (int64, error) {
			w.reads.Add(1)
			return w.version.Load(), nil
		}})
	backend := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.runs.Add(1)
		if r.URL.Path == "/write" {
			w.version.Add(1)
		}
		rw.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch r.URL.Path {
		case "/fail":
			respcache.Failed(r.Context())
		case "/missing":
			rw.WriteHeader(http.StatusNotFound)
		}
		// version: the data the answer shows; tag: the version the public layer tagged it with.
		tag, _ := respcache.VersionOf(r.Context())
		fmt.Fprintf(rw, `{"path":%q,"version":%d,"tag":%d}`, r.URL.Path, w.version.Load(), tag)
	})
	classify := func(r *http.Request) respcache.Request {
		switch {
		case r.URL.Path == "/write":
			return respcache.Request{Kind: respcache.Write}
		case strings.HasPrefix(r.URL.Path, "/read/"), r.URL.Path == "/fail", r.URL.Path == "/missing":
			return respcache.Request{Kind: respcache.Read, Key: r.URL.RequestURI()}
		}
		return respcache.Request{Kind: respcache.Pass}
	}
	h := w.cache.Handler(classify, backend)
	if public {
		h = w.cache.Public(h, 5*time.Minute, func(r *http.Request) bool { return r.Header.Get("Cookie") == "" })
	}
	w.srv = httptest.NewServer(h)
	t.Cleanup(w.srv.Close)
	return w
}

func (w *world) get(t *testing.T, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// TestInvalidation: a read is kept until the data version moves: at once when the write went
// through this cache, once the version TTL passed on the cache's clock when another process wrote.
func TestInvalidation(t *testing.T) {
	w := newWorld(t, 1<<20, false)
	steps := []struct {
		name      string
		path      string
		elsewhere bool          // another process writes first
		advance   time.Duration // then the clock moves on
		wantCache string
		wantBody  string
	}{
		{"first read", "/read/a", false, 0, "miss", `"version":1`},
		{"again", "/read/a", false, 0, "hit", `"version":1`},
		{"another key", "/read/b", false, 0, "miss", `"version":1`},
		{"a write elsewhere is not seen at once", "/read/a", true, 0, "hit", `"version":1`},
		{"nor just before the TTL ends", "/read/a", false, respcache.DefaultVersionTTL - time.Nanosecond, "hit", `"version":1`},
		{"but once it has", "/read/a", false, time.Nanosecond, "miss", `"version":2`},
		{"kept again", "/read/a", false, 0, "hit", `"version":2`},
		{"a write passes through", "/write", false, 0, "", `"path":"/write"`},
		{"what this process wrote is seen at once", "/read/a", false, 0, "miss", `"version":3`},
		{"and the other keys were dropped with it", "/read/b", false, 0, "miss", `"version":3`},
		{"a request neither read nor write passes through", "/other", false, 0, "", `"path":"/other"`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.elsewhere {
				w.version.Add(1)
			}
			w.clock.advance(s.advance)
			res, body := w.get(t, s.path, nil)
			if got := res.Header.Get("X-Cache"); got != s.wantCache || !strings.Contains(body, s.wantBody) {
				t.Errorf("X-Cache %q, body %s; want %q and %s", got, body, s.wantCache, s.wantBody)
			}
			if res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q: the kept answer lost its type", res.Header.Get("Content-Type"))
			}
		})
	}
	if hits, misses := w.cache.Counts(); hits != 4 || misses != 5 {
		t.Errorf("Counts() = %d hits, %d misses; want 4 and 5", hits, misses)
	}
}

// TestErrorsNeverKept: an answer the handler calls Failed, or one sent with a status other than
// 200, is run again every time, and the public layer tags neither for shared caches.
func TestErrorsNeverKept(t *testing.T) {
	w := newWorld(t, 1<<20, true)
	for _, path := range []string{"/fail", "/missing"} {
		t.Run(path, func(t *testing.T) {
			before := w.runs.Load()
			for range 3 {
				res, _ := w.get(t, path, nil)
				if res.Header.Get("X-Cache") != "miss" || res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("X-Cache %q, ETag %q, Cache-Control %q; want miss, none, no-store",
						res.Header.Get("X-Cache"), res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
				}
			}
			if n := w.runs.Load() - before; n != 3 {
				t.Errorf("the handler ran %d times for 3 asks, want 3", n)
			}
		})
	}
}

// TestPublicRevalidates: an anonymous GET carries an ETag of the data version and the URL; the tag
// gets 304 without running the handler until the data moves; the answer is made at the tag's
// version even while the response cache would trust an older one; callers with credentials and
// other methods get private, no-store.
func TestPublicRevalidates(t *testing.T) {
	w := newWorld(t, 1<<20, true)
	res, body := w.get(t, "/read/a", nil)
	etag := res.Header.Get("ETag")
	if etag == "" || res.Header.Get("Cache-Control") != "public, max-age=300" || !strings.Contains(body, `"tag":1`) {
		t.Fatalf("first answer: ETag %q, Cache-Control %q, %s", etag, res.Header.Get("Cache-Control"), body)
	}
	if vary := strings.Join(res.Header.Values("Vary"), ", "); !strings.Contains(vary, "Cookie") || !strings.Contains(vary, "Authorization") {
		t.Errorf("Vary %q", vary)
	}
	if other, _ := w.get(t, "/read/b", nil); other.Header.Get("ETag") == etag {
		t.Errorf("two URLs share the ETag %q", etag)
	}
	runs := w.runs.Load()
	for _, inm := range []string{etag, "W/" + etag, "*"} {
		if res, body := w.get(t, "/read/a", map[string]string{"If-None-Match": inm}); res.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("If-None-Match %s: %d with %q, want 304 and no body", inm, res.StatusCode, body)
		}
	}
	if w.runs.Load() != runs {
		t.Error("a revalidation ran the handler")
	}
	// Another process writes: the public layer reads the version for every request, so the old tag
	// no longer matches, and the answer comes fresh at the new version, not from the cache.
	w.version.Add(1)
	res, body = w.get(t, "/read/a", map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == etag || res.Header.Get("X-Cache") != "miss" || !strings.Contains(body, `"version":2,"tag":2`) {
		t.Errorf("after a write elsewhere: %d, ETag %q (old %q), X-Cache %q, %s", res.StatusCode, res.Header.Get("ETag"), etag, res.Header.Get("X-Cache"), body)
	}
	// Someone signed in: answered, never stored.
	res, _ = w.get(t, "/read/a", map[string]string{"Cookie": "session=x", "If-None-Match": "*"})
	if res.StatusCode != http.StatusOK || res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("signed in: %d, ETag %q, Cache-Control %q", res.StatusCode, res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
	}
	// A signed link: answered, never stored.
	res, _ = w.get(t, "/read/a?sig=abc", nil)
	if res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("signed link: ETag %q, Cache-Control %q", res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
	}
}

// TestNoCacheStillTags: with no memory for answers every read runs, but public answers still carry
// their ETag; a nil Cache tags nothing.
func TestNoCacheStillTags(t *testing.T) {
	w := newWorld(t, 0, true)
	for range 2 {
		res, _ := w.get(t, "/read/a", nil)
		if res.Header.Get("X-Cache") != "" || res.Header.Get("ETag") == "" {
			t.Errorf("X-Cache %q, ETag %q; want none and a tag", res.Header.Get("X-Cache"), res.Header.Get("ETag"))
		}
	}
	if n := w.runs.Load(); n != 2 {
		t.Errorf("%d runs, want 2", n)
	}
	var none *respcache.Cache
	rec := httptest.NewRecorder()
	none.Public(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), time.Minute, func(*http.Request) bool { return true }).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/read/a", nil))
	if rec.Header().Get("Cache-Control") != "private, no-store" || rec.Header().Get("ETag") != "" {
		t.Errorf("nil cache: %v", rec.Header())
	}
}

// TestVersionError: when the version cannot be read the handler answers (it meets the same
// error) and nothing is kept or tagged.
func TestVersionError(t *testing.T) {
	var runs atomic.Int64
	cache := respcache.New(respcache.Options{MaxBytes: 1 << 20,
		Version: func(context.Context) (int64, error) { return 0, errors.New("database down") }})
	h := cache.Public(cache.Handler(func(*http.Request) respcache.Request { return respcache.Request{Kind: respcache.Read, Key: "k"} },
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { runs.Add(1) })), time.Minute, func(*http.Request) bool { return true })
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("ETag") != "" || rec.Header().Get("X-Cache") != "" {
			t.Errorf("headers %v", rec.Header())
		}
	}
	if runs.Load() != 2 {
		t.Errorf("%d runs, want 2", runs.Load())
	}
}

func versionOf(t *testing.T, body string) int64 {
	var a struct{ Version int64 }
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Errorf("answer %q: %v", body, err)
	}
	return a.Version
}

// TestConcurrent: readers, writers and a moving clock at once (run with -race): every answer is
// one the handler made, a read never gets an answer older than the data a write before it in the
// same goroutine made, and the counts add up.
func TestConcurrent(t *testing.T) {
	w := newWorld(t, 4<<10, false) // small: evictions happen too
	var wg sync.WaitGroup
	var asks atomic.Int64
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				switch {
				case g%4 == 0 && i%10 == 0:
					_, wrote := w.get(t, "/write", nil)
					_, body := w.get(t, fmt.Sprintf("/read/%d", i%7), nil)
					asks.Add(1)
					if versionOf(t, body) < versionOf(t, wrote) {
						t.Errorf("after writing %s, read %s: older than what this caller wrote", wrote, body)
					}
				case g%4 == 1 && i%5 == 0:
					w.clock.advance(respcache.DefaultVersionTTL / 2)
				default:
					_, body := w.get(t, fmt.Sprintf("/read/%d", i%7), nil)
					asks.Add(1)
					if !strings.HasPrefix(body, `{"path":"/read/`) {
						t.Errorf("answer %q", body)
					}
				}
			}
		}()
	}
	wg.Wait()
	if hits, misses := w.cache.Counts(); hits+misses != asks.Load() {
		t.Errorf("%d hits + %d misses, want %d asks", hits, misses, asks.Load())
	}
}
