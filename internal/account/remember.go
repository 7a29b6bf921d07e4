package account

import (
	"sync"
	"time"

	"hotro/internal/auth"
)

// DefaultIdentityTTL is how long hotro serve remembers who a token or session is: a dashboard or an
// integration asks many times a second, and each lookup would be a round trip to the database. A
// sign-out, a revoked token or a changed password through this process counts at once; through
// another process (hotro token revoke, another instance) within this time.
const DefaultIdentityTTL = time.Second

// rememberMax bounds the identities remembered; past it they are all forgotten.
const rememberMax = 10000

// remembered is what a token or session lookup found.
type remembered struct {
	id    *auth.Identity
	csrf  string
	until time.Time
}

// memory keeps recent lookups by the hash of their secret.
type memory struct {
	mu  sync.Mutex
	m   map[string]remembered
	gen uint64 // moves on with every forget, so that a lookup begun before it is not kept
}

// generation is what a lookup notes before it reads the database; put keeps its answer only if no
// forget came in between.
func (m *memory) generation() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen
}

func (m *memory) get(key string, now time.Time) (remembered, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.m[key]
	if !ok || !now.Before(r.until) {
		return remembered{}, false
	}
	return r, true
}

func (m *memory) put(key string, r remembered, gen uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen != m.gen {
		return
	}
	if m.m == nil || len(m.m) >= rememberMax {
		m.m = map[string]remembered{}
	}
	m.m[key] = r
}

// forget drops everything: called on every change that may end a token or session.
func (m *memory) forget() {
	m.mu.Lock()
	m.m = nil
	m.gen++
	m.mu.Unlock()
}

// remember keeps r, looked up from generation gen on, under key until ttl from now, or the end
// given if sooner; nothing when ttl is 0.
func (s *Service) remember(key string, r remembered, gen uint64, now time.Time, end *time.Time) {
	if s.opt.IdentityTTL <= 0 {
		return
	}
	r.until = now.Add(s.opt.IdentityTTL)
	if end != nil && end.Before(r.until) {
		r.until = *end
	}
	s.memory.put(key, r, gen)
}

func (s *Service) recall(key string, now time.Time) (remembered, bool) {
	if s.opt.IdentityTTL <= 0 {
		return remembered{}, false
	}
	return s.memory.get(key, now)
}
