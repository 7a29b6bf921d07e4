package respcache

import (
	"context"
	"sync"
	"time"
)

// DefaultVersionTTL is how long the caches trust the data version they read last while this
// process writes nothing: what other processes write (hotro import, other instances) shows within
// it, and an answer from the cache costs no database round trip.
const DefaultVersionTTL = time.Second

// versions remembers the data version read last.
type versions struct {
	read func(context.Context) (int64, error)
	ttl  time.Duration
	now  func() time.Time

	mu      sync.Mutex
	v       int64
	at      time.Time // when v was read; zero: read again
	gen     uint64    // moves on when a write begins or ends, so that a read begun before it is not kept
	writing int       // requests that may write, running now
}

// get returns the data version of the request: the one its ETag names when the request carries
// it, else the one read last while it is trusted, else a fresh read.
func (c *versions) get(ctx context.Context) (int64, error) {
	if v, ok := VersionOf(ctx); ok {
		return v, nil // read for this request already (the public answers' ETag)
	}
	c.mu.Lock()
	if c.writing == 0 && !c.at.IsZero() && c.now().Sub(c.at) < c.ttl {
		v := c.v
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	return c.fresh(ctx)
}

// fresh reads the data version now, and trusts it for the TTL unless a write began or ended
// while it was read.
func (c *versions) fresh(ctx context.Context) (int64, error) {
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	v, err := c.read(ctx)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if c.gen == gen && c.writing == 0 {
		c.v, c.at = v, c.now()
	}
	c.mu.Unlock()
	return v, nil
}

func (c *versions) beginWrite() { c.change(+1) }
func (c *versions) endWrite()   { c.change(-1) }

func (c *versions) change(writing int) {
	c.mu.Lock()
	c.writing += writing
	c.gen++
	c.at = time.Time{}
	c.mu.Unlock()
}
