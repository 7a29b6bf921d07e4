package app

import (
	"os"
	"runtime/debug"
)

// GCPercent and MemoryLimit are the garbage collector's settings for a server, unless GOGC or
// GOMEMLIMIT set them: an answer allocates much and keeps little, and with Go's defaults
// collections took about a quarter of the server's CPU on fresh stats answers (BENCH_CPUPROFILE of
// make bench). Letting the heap grow to five times what is live buys more answers per second for
// more memory (make load against make run, and against GOGC=100 make run: README, "Performance").
// The soft limit keeps the whole process well under the 1 GiB a national server is allowed: near
// it, the collector runs as often as it must.
const (
	GCPercent   = 400
	MemoryLimit = 800 << 20
)

// TuneGC applies GCPercent and MemoryLimit where the environment does not set its own.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}
