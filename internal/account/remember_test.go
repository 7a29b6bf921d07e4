package account

import (
	"testing"
	"time"
)

// TestMemoryDropsALookupAForgetOvertook: a lookup that read the database before a sign-out or a
// revocation forgot everything does not put its answer back afterwards.
func TestMemoryDropsALookupAForgetOvertook(t *testing.T) {
	var m memory
	now := time.Now()
	r := remembered{until: now.Add(time.Second)}
	gen := m.generation() // the lookup begins
	m.forget()            // a sign-out commits meanwhile
	m.put("session x", r, gen)
	if _, ok := m.get("session x", now); ok {
		t.Error("a lookup begun before the forget was kept")
	}
	m.put("session y", r, m.generation())
	if _, ok := m.get("session y", now); !ok {
		t.Error("a lookup begun after the forget was not kept")
	}
}
