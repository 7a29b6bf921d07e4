package respcache

import (
	"strings"
	"testing"
)

func TestStore(t *testing.T) {
	c := newStore(8 << 10)                          // an eighth: 1024 bytes with key and overhead
	c.put(1, "a", answer{body: make([]byte, 1000)}) // 1000 + 1 + 128 bytes: over an eighth, not kept
	if _, ok := c.get(1, "a"); ok {
		t.Error("an answer over an eighth of the cache was kept")
	}
	c.put(1, "b", answer{body: []byte("12345")})
	if got, ok := c.get(1, "b"); !ok || string(got.body) != "12345" {
		t.Errorf("Get(b) = %q, %v", got, ok)
	}
	if _, ok := c.get(2, "b"); ok {
		t.Error("an answer of an older data version was served")
	}
	c.put(1, "c", answer{body: []byte("x")}) // made while the version changed: dropped
	if _, ok := c.get(2, "c"); ok {
		t.Error("an answer made at an older version was kept")
	}
	// Each entry costs 200 + 1 + 128 bytes: 24 fit in 8 KB, the first ones go.
	for i := range 40 {
		c.put(2, string(rune('d'+i)), answer{body: make([]byte, 200)})
	}
	if _, ok := c.get(2, "d"); ok {
		t.Error("the least recently used answer was not evicted")
	}
	if _, ok := c.get(2, string(rune('d'+39))); !ok {
		t.Error("the most recent answer was evicted")
	}
	if c.size > c.maxBytes {
		t.Errorf("size %d over %d", c.size, c.maxBytes)
	}
	// A request that read the version before a write asks with the older one: it finds nothing
	// and drops nothing.
	if _, ok := c.get(1, string(rune('d'+39))); ok {
		t.Error("an older version was served")
	}
	if _, ok := c.get(2, string(rune('d'+39))); !ok {
		t.Error("a Get with an older version dropped the answers of the newer one")
	}
}

// TestKeysCount: many tiny answers under long keys (a visitor's free-form parameters) stay within
// the cache's bytes.
func TestKeysCount(t *testing.T) {
	c := newStore(1 << 20)
	for i := range 10000 {
		c.put(1, strings.Repeat("k", 900)+string(rune(i)), answer{body: []byte("{}")})
	}
	if c.size > c.maxBytes || len(c.entries) > (1<<20)/900 {
		t.Errorf("%d entries, %d bytes counted, for a cache of %d", len(c.entries), c.size, c.maxBytes)
	}
}
