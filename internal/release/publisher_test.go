package release_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/release"
	"hotro/internal/report"
	"hotro/internal/respcache"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
)

// heldEngine is an engine whose answers wait while the test holds it, and which counts them.
type heldEngine struct {
	report.Engine
	mu    sync.Mutex
	held  chan struct{} // nil: answers at once
	calls atomic.Int64
}

func (e *heldEngine) hold() {
	e.mu.Lock()
	e.held = make(chan struct{})
	e.mu.Unlock()
}

func (e *heldEngine) release() {
	e.mu.Lock()
	if e.held != nil {
		close(e.held)
		e.held = nil
	}
	e.mu.Unlock()
}

func (e *heldEngine) Stats(ctx context.Context, q report.Query) (*report.Result, error) {
	e.calls.Add(1)
	e.mu.Lock()
	held := e.held
	e.mu.Unlock()
	if held != nil {
		select {
		case <-held:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return e.Engine.Stats(ctx, q)
}

// newHeldPublisher is a publisher of the demo data over a held engine, its data version the
// test's to move.
func newHeldPublisher(t *testing.T) (*release.Publisher, *heldEngine, *atomic.Int64) {
	t.Helper()
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	if _, err := rollup.EnsureBuilt(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	e := &heldEngine{Engine: rollup.NewEngine(d)}
	version := &atomic.Int64{}
	version.Store(1)
	p := release.NewPublisher(e, reference.NewCache(d), func(context.Context) (int64, error) { return version.Load(), nil }, 5)
	return p, e, version
}

// TestVisitorsShareOneBuild: visitors arriving while the tables are built wait for the same build
// and get the same release; one whose request ends first is told to come back, at once, in
// Vietnamese, and the build goes on for the others: the next visitor gets it without a build.
func TestVisitorsShareOneBuild(t *testing.T) {
	t.Parallel()
	p, e, _ := newHeldPublisher(t)
	e.hold()
	ctx := context.Background()
	var wg sync.WaitGroup
	got := make([]*release.Release, 6)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := p.Release(ctx)
			if err != nil {
				t.Error(err)
			}
			got[i] = r
		}()
	}
	// One who gives up: its request ends while the build waits.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := p.Release(short)
	if !errors.Is(err, context.DeadlineExceeded) || errs.KindOf(err) != errs.Unavailable || errs.Message(err) == "" {
		t.Fatalf("a visitor whose request ended: %v (kind %v), want unavailable with a message", err, errs.KindOf(err))
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("the visitor waited %s past the end of its request", waited)
	}
	e.release()
	wg.Wait()
	for i, r := range got {
		if r == nil || r != got[0] {
			t.Fatalf("visitor %d got release %p, the first %p: one build for all", i, r, got[0])
		}
	}
	calls := e.calls.Load()
	if r, err := p.Release(ctx); err != nil || r != got[0] {
		t.Fatalf("the next visitor: %p, %v; want the release built", r, err)
	}
	if e.calls.Load() != calls {
		t.Fatalf("the next visitor built again (%d engine calls, then %d)", calls, e.calls.Load())
	}
}

// TestLastReleaseAnswersWhileTheNextIsBuilt: after the data moved, with StaleWait set (a national
// deployment's --public-stale-wait), a visitor is answered from the last release once it has
// passed, marked so that no cache keeps it (no ETag, no-store); once the new tables are built,
// they answer, tagged with the new version.
func TestLastReleaseAnswersWhileTheNextIsBuilt(t *testing.T) {
	t.Parallel()
	p, e, version := newHeldPublisher(t)
	p.StaleWait = 20 * time.Millisecond
	first, err := p.Release(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cache := respcache.New(respcache.Options{Version: func(context.Context) (int64, error) { return version.Load(), nil }, VersionTTL: time.Nanosecond})
	srv := httptest.NewServer(cache.Public(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel, err := p.Release(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, rel.Version)
	}), time.Minute, func(*http.Request) bool { return true }))
	defer srv.Close()
	ask := func() (body string, h http.Header) {
		t.Helper()
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b [32]byte
		n, _ := res.Body.Read(b[:])
		return string(b[:n]), res.Header
	}
	if body, h := ask(); body != "1" || h.Get("ETag") == "" {
		t.Fatalf("before the change: %q, ETag %q", body, h.Get("ETag"))
	}
	version.Store(2)
	e.hold()
	if body, h := ask(); body != fmt.Sprint(first.Version) || h.Get("ETag") != "" || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("while the next is built: %q, ETag %q, Cache-Control %q; want the last release, not to be kept", body, h.Get("ETag"), h.Get("Cache-Control"))
	}
	e.release()
	deadline := time.Now().Add(30 * time.Second)
	for {
		body, h := ask()
		if body == "2" {
			if h.Get("ETag") == "" {
				t.Fatal("the new release is not tagged")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new release was not built: still %q", body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
