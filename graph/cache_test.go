package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hotro/graph"
	"hotro/internal/auth"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/respcache"
	"hotro/internal/seed/seedtest"
)

// TestResponseCache puts the cache in front of a handler that counts the calls it gets, answers
// with an error for one query and moves the data version on with a mutation: answers are kept per
// caller and query, dropped with a new data version (at once when this process wrote it, within
// the version TTL when another did, on the cache's clock), and errors and mutations are never kept.
func TestResponseCache(t *testing.T) {
	var version, calls, clock atomic.Int64
	version.Store(1)
	cache := respcache.New(respcache.Options{MaxBytes: 1 << 20,
		Version: func(context.Context) (int64, error) { return version.Load(), nil },
		Now:     func() time.Time { return time.Unix(0, clock.Load()) }})
	backend := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var p struct{ Query string }
		json.NewDecoder(r.Body).Decode(&p)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(p.Query, "mutation") {
			version.Add(1)
		}
		if p.Query == "{ broken }" {
			respcache.Failed(r.Context()) // as the GraphQL handler does (TestErrorsAreNotCached)
			w.Write([]byte(`{"errors":[{"message":"x"}],"data":null}`))
			return
		}
		w.Write([]byte(`{"data":{"who":"` + auth.FromContext(r.Context()).Username + `"}}`))
	})
	var caller atomic.Pointer[auth.Identity]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cache.Handler(graph.CacheRequest, backend).ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), caller.Load())))
	}))
	defer srv.Close()
	analyst := &auth.Identity{Username: "phantich", Role: auth.Analyst}
	officer := &auth.Identity{Username: "canbo", Role: auth.WardOfficer, WardIDs: []int64{7}}

	send := func(query string, vars map[string]any) (string, string) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		res, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct{ Data struct{ Who string } }
		json.NewDecoder(res.Body).Decode(&out)
		return res.Header.Get("X-Cache"), out.Data.Who
	}
	const q = `query($a: Int, $b: Int) { programs { code } }`
	steps := []struct {
		name    string
		as      *auth.Identity
		query   string
		vars    map[string]any
		bump    bool   // another process writes first
		wait    bool   // then the version TTL passes
		want    string // X-Cache
		wantWho string
	}{
		{"first ask", analyst, q, map[string]any{"a": 1, "b": 2}, false, false, "miss", "phantich"},
		{"same ask, variables in another order", analyst, q, map[string]any{"b": 2, "a": 1}, false, false, "hit", "phantich"},
		{"other variables", analyst, q, map[string]any{"a": 9}, false, false, "miss", "phantich"},
		{"another caller does not get the analyst's answer", officer, q, map[string]any{"a": 1, "b": 2}, false, false, "miss", "canbo"},
		{"a write elsewhere is not seen at once", analyst, q, map[string]any{"a": 1, "b": 2}, true, false, "hit", "phantich"},
		{"but within the version TTL", analyst, q, map[string]any{"a": 1, "b": 2}, false, true, "miss", "phantich"},
		{"again", analyst, q, map[string]any{"a": 1, "b": 2}, false, false, "hit", "phantich"},
		{"an error is not kept", analyst, "{ broken }", nil, false, false, "miss", ""},
		{"still not kept", analyst, "{ broken }", nil, false, false, "miss", ""},
		{"a mutation passes through", analyst, "mutation { x }", nil, false, false, "", "phantich"},
		{"what this process wrote is seen at once", analyst, q, map[string]any{"a": 1, "b": 2}, false, false, "miss", "phantich"},
		{"and kept", analyst, q, map[string]any{"a": 1, "b": 2}, false, false, "hit", "phantich"},
		{"the audit trail passes through: sign-ins write it, not the data version", analyst, "{ auditEvents { total } }", nil, false, false, "", "phantich"},
		{"so does the reconciliation queue: dry runs write it, not the data version", analyst, "{ reconciliations { totalCount } }", nil, false, false, "", "phantich"},
		{"so does the caller's account", analyst, "query { me { username } }", nil, false, false, "", "phantich"},
		{"a document that does not parse passes through", analyst, "{ broken", nil, false, false, "", "phantich"},
		{"and is no write: the version is still trusted", analyst, q, map[string]any{"a": 1, "b": 2}, true, false, "hit", "phantich"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			caller.Store(s.as)
			if s.bump {
				version.Add(1)
			}
			if s.wait {
				clock.Add(int64(respcache.DefaultVersionTTL))
			}
			got, who := send(s.query, s.vars)
			if got != s.want || who != s.wantWho {
				t.Errorf("X-Cache %q for %q; want %q for %q", got, who, s.want, s.wantWho)
			}
		})
	}
	if hits, misses := cache.Counts(); hits != 5 || misses != 7 {
		t.Errorf("hits %d, misses %d; want 5 and 7", hits, misses)
	}
	if n := calls.Load(); n != 7+5 {
		t.Errorf("the handler ran %d times, want 12: every miss and every request passed through", n)
	}
}

// TestErrorsAreNotCached runs the real GraphQL handler behind the cache: an answer with errors sent
// with status 200 (a filter naming an unknown group) is told to the cache by the handler, not read
// from its body, so it is neither kept nor tagged for shared caches; a good answer is both.
func TestErrorsAreNotCached(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var clock atomic.Int64
	cache := respcache.New(respcache.Options{MaxBytes: 1 << 20, Version: dataset.NewStore(d).Version,
		Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	api := cache.Handler(graph.CacheRequest, graph.NewHandler(newResolver(t, d), graph.Options{Logger: log, Classify: db.Classify}))
	public := cache.Public(api, time.Minute, func(*http.Request) bool { return true })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		public.ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), analyst)))
	}))
	defer srv.Close()
	get := func(query string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(srv.URL + "?query=" + url.QueryEscape(query))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}
	for _, tc := range []struct {
		name, query string
		wantErrors  bool
		wantCache   []string // X-Cache of two asks in turn
	}{
		{"an error at 200", `{ stats(filter: { groups: ["NO_SUCH"] }) { total { amountPaid } } }`, true, []string{"miss", "miss"}},
		{"a good answer", `{ stats { total { amountPaid } } }`, false, []string{"miss", "hit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, want := range tc.wantCache {
				res, body := get(tc.query)
				if res.StatusCode != http.StatusOK || strings.Contains(body, `"errors"`) != tc.wantErrors {
					t.Fatalf("%d %.200s", res.StatusCode, body)
				}
				if got := res.Header.Get("X-Cache"); got != want {
					t.Errorf("X-Cache %q, want %q", got, want)
				}
				stored := res.Header.Get("ETag") != "" && strings.HasPrefix(res.Header.Get("Cache-Control"), "public")
				if stored == tc.wantErrors {
					t.Errorf("ETag %q, Cache-Control %q: errors %v", res.Header.Get("ETag"), res.Header.Get("Cache-Control"), tc.wantErrors)
				}
			}
		})
	}
}
