// Package respcache keeps recent answers in memory, keyed by the caller's choice, and drops them all
// when the data version changes: repeated reads of unchanged data cost a map lookup.
package respcache

import (
	"container/list"
	"context"
	"sync"
)

// Cache holds answers up to a size in bytes, least recently used out first.
type Cache struct {
	maxBytes int

	mu      sync.Mutex
	version int64
	size    int
	order   *list.List // most recently used first
	entries map[string]*list.Element
	hits    int64
	misses  int64
}

type entry struct {
	key  string
	body []byte
}

// New returns a cache of maxBytes.
func New(maxBytes int) *Cache {
	return &Cache{maxBytes: maxBytes, order: list.New(), entries: map[string]*list.Element{}}
}

// entryOverhead is what an entry costs besides its key and answer (list element, map slot).
const entryOverhead = 128

// Get returns the answer kept for key at this data version. A newer version drops every answer;
// an older one (a request that read the version before a write) finds none and drops none.
func (c *Cache) Get(version int64, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version > c.version {
		c.reset(version)
	}
	e, ok := c.entries[key]
	if !ok || version != c.version {
		c.misses++
		return nil, false
	}
	c.hits++
	c.order.MoveToFront(e)
	return e.Value.(*entry).body, true
}

// Put keeps an answer made at this data version. An answer (with its key) larger than an eighth
// of the cache, or made while the version changed, is not kept. The size counts keys too, so that
// many small answers under long keys cannot grow the cache past its bytes.
func (c *Cache) Put(version int64, key string, body []byte) {
	cost := len(key) + len(body) + entryOverhead
	if cost > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return
	}
	if _, ok := c.entries[key]; ok {
		return
	}
	b := append([]byte(nil), body...)
	c.entries[key] = c.order.PushFront(&entry{key: key, body: b})
	c.size += cost
	for c.size > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*entry)
		c.order.Remove(last)
		delete(c.entries, old.key)
		c.size -= len(old.key) + len(old.body) + entryOverhead
	}
}

// Stats returns the hits and misses so far.
func (c *Cache) Stats() (hits, misses int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

func (c *Cache) reset(version int64) {
	c.version = version
	c.entries = map[string]*list.Element{}
	c.order.Init()
	c.size = 0
}

type versionKey struct{}

// WithVersion returns ctx carrying the data version the request's answer is tagged with (its ETag):
// a cache further in reads it from there, so that the answer and its tag agree.
func WithVersion(ctx context.Context, version int64) context.Context {
	return context.WithValue(ctx, versionKey{}, version)
}

// VersionOf returns the data version ctx carries, if any.
func VersionOf(ctx context.Context) (int64, bool) {
	v, ok := ctx.Value(versionKey{}).(int64)
	return v, ok
}
