package app_test

import (
	"math"
	"runtime/debug"
	"testing"

	"hotro/internal/app"
)

func TestTuneGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	app.TuneGC()
	if got := debug.SetGCPercent(100); got != app.GCPercent {
		t.Errorf("GC percent %d, want %d", got, app.GCPercent)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != app.MemoryLimit {
		t.Errorf("memory limit %d, want %d", got, app.MemoryLimit)
	}

	// What the operator sets wins: the runtime read it at start, and TuneGC leaves it.
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "2GiB")
	app.TuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: GC percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: memory limit changed to %d", got)
	}
}
