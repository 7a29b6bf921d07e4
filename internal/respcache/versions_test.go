package respcache

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestVersionsDoNotKeepAReadAWriteOvertook: a version read that began before a write of this
// process and came back after it began is used once but not kept, so the next request reads again;
// while a write runs every request reads; afterwards one read is kept for the TTL.
func TestVersionsDoNotKeepAReadAWriteOvertook(t *testing.T) {
	var reads, version atomic.Int64
	version.Store(1)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	block := atomic.Bool{}
	c := &versions{ttl: time.Hour, now: time.Now, read: func(context.Context) (int64, error) {
		reads.Add(1)
		v := version.Load()
		if block.Load() {
			started <- struct{}{}
			<-release
		}
		return v, nil
	}}
	ctx := context.Background()

	block.Store(true)
	got := make(chan int64)
	go func() {
		v, _ := c.get(ctx)
		got <- v
	}()
	<-started      // the read is out
	c.beginWrite() // the write begins while the read is out, and commits version 2
	version.Store(2)
	block.Store(false)
	close(release)
	if v := <-got; v != 1 {
		t.Fatalf("the overtaken read gave %d, want 1 (what it read)", v)
	}
	for range 2 {
		if v, _ := c.get(ctx); v != 2 {
			t.Errorf("during the write: %d, want 2", v)
		}
	}
	if n := reads.Load(); n != 3 {
		t.Errorf("%d reads, want 3: nothing is kept while a write runs", n)
	}
	c.endWrite()
	for range 3 {
		if v, _ := c.get(ctx); v != 2 {
			t.Errorf("after the write: %d, want 2", v)
		}
	}
	if n := reads.Load(); n != 4 {
		t.Errorf("%d reads, want 4: one after the write, then kept", n)
	}
}
