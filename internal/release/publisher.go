package release

import (
	"context"
	"fmt"
	"sync"
	"time"

	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
	"hotro/internal/respcache"
)

// Publisher answers the public's questions (publicStats, public exports, the portal's chart data)
// from the release tables of the current data version, built once per version.
//
// A build reads every public table and audits what it withholds: seconds at national scale. It
// runs in the background, once for every visitor who needs it (a visitor who gives up does not
// stop it). While the tables of a newer version are built, visitors wait for them, each no longer
// than their request; with StaleWait set, a visitor who has waited that long is answered from the
// last release instead, marked so that no cache keeps it under the newer version: the public
// figures then lag a write by at most the time of a build.
type Publisher struct {
	engine    report.Engine
	reference *reference.Cache
	version   func(context.Context) (int64, error)
	minCount  int
	// StaleWait is how long a visitor waits for a newer release before the last one answers
	// (0: until it is built).
	StaleWait time.Duration
	// BuildTimeout bounds one build.
	BuildTimeout time.Duration

	mu       sync.Mutex
	cur      *Release
	building *flight // the build under way; nil when none
}

// flight is one build of the release tables.
type flight struct {
	version int64 // the data version it was started for
	done    chan struct{}
	r       *Release // when done: the release, or err
	err     error
}

// DefaultBuildTimeout bounds a build of the release tables.
const DefaultBuildTimeout = 10 * time.Minute

// NewPublisher returns a publisher reading the engine (as an analyst: every ward, no personal
// data), with cells counting fewer than minCount people or recipients withheld.
func NewPublisher(e report.Engine, ref *reference.Cache, version func(context.Context) (int64, error), minCount int) *Publisher {
	if minCount < 1 {
		minCount = report.DefaultMinCount
	}
	return &Publisher{engine: e, reference: ref, version: version, minCount: minCount, BuildTimeout: DefaultBuildTimeout}
}

// MinCount is the protection level: the fewest people or recipients a published cell counts.
func (p *Publisher) MinCount() int { return p.minCount }

// Stats answers a visitor's stats question; see Release.Answer.
func (p *Publisher) Stats(ctx context.Context, q report.Query) (*report.PublicResult, error) {
	r, err := p.Release(ctx)
	if err != nil {
		return nil, err
	}
	// The rest of the answer (names of rows) reads the reference data the tables were built with,
	// without reading its version again. Codes that exist nowhere are refused as the signed-in
	// stats refuse them; a code that exists but has no lines answers zeros.
	ref := r.ref
	if ref == nil {
		if ref, err = p.reference.Get(ctx); err != nil {
			return nil, err
		}
	}
	ref = reference.Use(ctx, ref)
	if err := q.Filter.CheckCodesKnown(ref.Known); err != nil {
		return nil, err
	}
	return r.Answer(q)
}

// Prepare starts building the release of the current data version, if none is built or under
// way, and returns at once: hotro serve calls it once the rollups are loaded, so that the first
// visitor finds the tables ready.
func (p *Publisher) Prepare(ctx context.Context) {
	v, err := p.version(ctx)
	if err != nil {
		return // the first visitor will build it, and say what is wrong
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur == nil || p.cur.Version < v {
		p.start(v)
	}
}

// Release returns the release tables of the current data version (of the request's, when the
// server read it already for the answer's ETag), built when the data changed, or, with StaleWait,
// the last release while they are built (the answer is then marked volatile: see Publisher).
func (p *Publisher) Release(ctx context.Context) (*Release, error) {
	const op = "release: publish"
	v, ok := respcache.VersionOf(ctx)
	if !ok {
		var err error
		if v, err = p.version(ctx); err != nil {
			return nil, err
		}
	}
	for {
		p.mu.Lock()
		cur := p.cur
		if cur != nil && cur.Version >= v {
			p.mu.Unlock()
			return cur, nil
		}
		f := p.start(v)
		p.mu.Unlock()
		var stale <-chan time.Time
		var timer *time.Timer
		if cur != nil && p.StaleWait > 0 {
			timer = time.NewTimer(p.StaleWait)
			stale = timer.C
		}
		select {
		case <-f.done:
			if timer != nil {
				timer.Stop()
			}
		case <-stale:
			respcache.Volatile(ctx)
			return cur, nil
		case <-ctx.Done():
			return nil, errs.E(op, errs.Unavailable, ctx.Err(), errs.Msg("Số liệu công khai đang được tổng hợp lại sau khi dữ liệu thay đổi; vui lòng thử lại sau ít phút."))
		}
		if f.err != nil {
			return nil, errs.E(op, f.err)
		}
		if f.r.Version >= v {
			return f.r, nil
		}
		// Built for an older version than this request's: the next build is for this one.
	}
}

// start returns the build under way, or starts one for version v; p.mu is held.
func (p *Publisher) start(v int64) *flight {
	if f := p.building; f != nil {
		return f
	}
	f := &flight{version: v, done: make(chan struct{})}
	p.building = f
	go p.build(f)
	return f
}

// build reads the tables of f's version, again until the version is the same after as before
// (they are read in several queries: a write between them would make them disagree), and makes
// them the current release.
func (p *Publisher) build(f *flight) {
	const op = "release: publish"
	ctx, cancel := context.WithTimeout(context.Background(), p.BuildTimeout)
	defer cancel()
	r, err := func() (r *Release, err error) {
		// A build runs outside any request: a panic is an error for its visitors, not the end of
		// the server.
		defer func() {
			if v := recover(); v != nil {
				r, err = nil, errs.E(op, errs.Internal, fmt.Errorf("panic: %v", v))
			}
		}()
		v := f.version
		for range 3 {
			ref, err := p.reference.Get(ctx)
			if err != nil {
				return nil, err
			}
			r, err := Build(ctx, p.engine, ref, v, p.minCount)
			if err != nil {
				return nil, err
			}
			after, err := p.version(ctx)
			if err != nil {
				return nil, err
			}
			if after == v {
				return r, nil
			}
			v = after
		}
		return nil, errs.E(op, errs.Unavailable, errs.Msg("Số liệu đang được cập nhật liên tục; vui lòng thử lại sau ít phút."))
	}()
	p.mu.Lock()
	f.r, f.err = r, err
	if err == nil && (p.cur == nil || r.Version > p.cur.Version) {
		p.cur = r
	}
	p.building = nil
	p.mu.Unlock()
	close(f.done)
}
