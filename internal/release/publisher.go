package release

import (
	"context"
	"sync"

	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
	"hotro/internal/respcache"
)

// Publisher answers the public's questions (publicStats, public exports, the portal's chart data)
// from the release tables of the current data version, built once per version.
type Publisher struct {
	engine    report.Engine
	reference *reference.Cache
	version   func(context.Context) (int64, error)
	minCount  int

	mu  sync.Mutex // held while building, so that concurrent visitors build once
	cur *Release
}

// NewPublisher returns a publisher reading the engine (as an analyst: every ward, no personal
// data), with cells counting fewer than minCount people or recipients withheld.
func NewPublisher(e report.Engine, ref *reference.Cache, version func(context.Context) (int64, error), minCount int) *Publisher {
	if minCount < 1 {
		minCount = report.DefaultMinCount
	}
	return &Publisher{engine: e, reference: ref, version: version, minCount: minCount}
}

// MinCount is the protection level: the fewest people or recipients a published cell counts.
func (p *Publisher) MinCount() int { return p.minCount }

// Stats answers a visitor's stats question; see Release.Answer.
func (p *Publisher) Stats(ctx context.Context, q report.Query) (*report.PublicResult, error) {
	// Codes that exist nowhere are refused as the signed-in stats refuse them; a code that exists
	// but has no lines answers zeros.
	ref, err := p.reference.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := q.Filter.CheckCodesKnown(ref.Known); err != nil {
		return nil, err
	}
	r, err := p.Release(ctx)
	if err != nil {
		return nil, err
	}
	return r.Answer(q)
}

// Release returns the release tables of the current data version (of the request's, when the
// server read it already for the answer's ETag), building them when the data changed.
func (p *Publisher) Release(ctx context.Context) (*Release, error) {
	const op = "release: publish"
	v, ok := respcache.VersionOf(ctx)
	if !ok {
		var err error
		if v, err = p.version(ctx); err != nil {
			return nil, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur != nil && p.cur.Version >= v {
		return p.cur, nil
	}
	// The tables are read in several queries: a write between them would make them disagree, so
	// they are read again until the version is the same after as before.
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
			p.cur = r
			return r, nil
		}
		v = after
	}
	return nil, errs.E(op, errs.Unavailable, errs.Msg("Số liệu đang được cập nhật liên tục; vui lòng thử lại sau ít phút."))
}
