package respcache

import "testing"

func TestCache(t *testing.T) {
	c := New(80)
	c.Put(1, "a", []byte("1234567890")) // 10 bytes: over an eighth of 80, not kept
	if _, ok := c.Get(1, "a"); ok {
		t.Error("an answer over an eighth of the cache was kept")
	}
	c.Put(1, "b", []byte("12345"))
	if got, ok := c.Get(1, "b"); !ok || string(got) != "12345" {
		t.Errorf("Get(b) = %q, %v", got, ok)
	}
	if _, ok := c.Get(2, "b"); ok {
		t.Error("an answer of an older data version was served")
	}
	c.Put(1, "c", []byte("x")) // made while the version changed: dropped
	if _, ok := c.Get(2, "c"); ok {
		t.Error("an answer made at an older version was kept")
	}
	for i := range 20 {
		c.Put(2, string(rune('d'+i)), []byte("12345"))
	}
	if _, ok := c.Get(2, "d"); ok {
		t.Error("the least recently used answer was not evicted")
	}
	if _, ok := c.Get(2, string(rune('d'+19))); !ok {
		t.Error("the most recent answer was evicted")
	}
	if hits, misses := c.Stats(); hits != 2 || misses != 4 {
		t.Errorf("hits %d, misses %d", hits, misses)
	}
}
