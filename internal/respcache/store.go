package respcache

import (
	"container/list"
	"sync"
)

// store holds answers up to a size in bytes, least recently used out first, all of one data
// version.
type store struct {
	maxBytes int

	mu      sync.Mutex
	version int64
	size    int
	order   *list.List // most recently used first
	entries map[string]*list.Element
	hits    int64
	misses  int64
}

// answer is what the cache keeps of a response: its body and the type of it.
type answer struct {
	contentType string
	body        []byte
}

type entry struct {
	key string
	answer
}

func newStore(maxBytes int) *store {
	return &store{maxBytes: maxBytes, order: list.New(), entries: map[string]*list.Element{}}
}

// entryOverhead is what an entry costs besides its key and answer (list element, map slot).
const entryOverhead = 128

func (e *entry) cost() int { return len(e.key) + len(e.contentType) + len(e.body) + entryOverhead }

// get returns the answer kept for key at this data version. A newer version drops every answer;
// an older one (a request that read the version before a write) finds none and drops none.
func (c *store) get(version int64, key string) (answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version > c.version {
		c.reset(version)
	}
	e, ok := c.entries[key]
	if !ok || version != c.version {
		c.misses++
		return answer{}, false
	}
	c.hits++
	c.order.MoveToFront(e)
	return e.Value.(*entry).answer, true
}

// put keeps an answer made at this data version. An answer (with its key) larger than an eighth
// of the cache, or made while the version changed, is not kept. The size counts keys too, so that
// many small answers under long keys cannot grow the cache past its bytes.
func (c *store) put(version int64, key string, a answer) {
	e := &entry{key: key, answer: answer{contentType: a.contentType, body: a.body}}
	cost := e.cost()
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
	e.body = append([]byte(nil), a.body...)
	c.entries[key] = c.order.PushFront(e)
	c.size += cost
	for c.size > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*entry)
		c.order.Remove(last)
		delete(c.entries, old.key)
		c.size -= old.cost()
	}
}

// counts returns the hits and misses so far.
func (c *store) counts() (hits, misses int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

func (c *store) reset(version int64) {
	c.version = version
	c.entries = map[string]*list.Element{}
	c.order.Init()
	c.size = 0
}
