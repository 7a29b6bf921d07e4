package rollup_test

import (
	"context"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"hotro/internal/auth"
	"hotro/internal/db"
	"hotro/internal/reference"
	"hotro/internal/report"
	"hotro/internal/rollup"
)

// BenchmarkResidentAtScale loads the rollups of the database at BENCH_DATABASE_URL (the national
// set hotro-bench loads; skipped without it) into memory, reports the heap they hold (MiB, after a
// collection) and the time of the load, then asks the bench's questions in process: the engine's
// share of a fresh answer, with no round trip. Load measures the heap the rows hold (MiB-held), the
// objects in it (objects-held) and the time of a collection with it (ms/GC).
//
//	BENCH_DATABASE_URL=postgres://…/hotro_national go test -run '^$' -bench ResidentAtScale -benchmem ./internal/rollup/
func BenchmarkResidentAtScale(b *testing.B) {
	url := os.Getenv("BENCH_DATABASE_URL")
	if url == "" {
		b.Skip("BENCH_DATABASE_URL names no national database")
	}
	ctx := auth.WithIdentity(context.Background(), &auth.Identity{Role: auth.Analyst, Username: "bench"})
	target, err := db.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	d, err := db.Open(ctx, target, db.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	// Trusted for the whole run: the questions alone are measured.
	r := rollup.NewResident(d, reference.NewCache(d), rollup.ResidentOptions{Staleness: 1 << 40})
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if err := r.Warm(ctx); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-held")
		// What the collector has to mark: the objects held, and the time of a whole collection
		// (stop the world included) with nothing else to do.
		b.ReportMetric(float64(after.HeapObjects-before.HeapObjects), "objects-held")
		const collections = 5
		start := time.Now()
		for range collections {
			runtime.GC()
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/collections, "ms/GC")
	})
	amount := report.Order{Field: report.ByAmountPaid, Desc: true}
	byKey := report.Order{Field: report.ByKey}
	for _, bq := range []struct {
		name string
		q    report.Query
	}{
		{"nation by province", report.Query{GroupBy: []report.Dimension{report.Province}, Filter: report.Filter{Programs: []string{"NQ42-2020"}}, Order: &amount}},
		{"province by district", report.Query{GroupBy: []report.Dimension{report.District}, Filter: report.Filter{Provinces: []string{"01"}}, Order: &amount}},
		{"city by ward", report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Districts: []string{"164"}}, Order: &amount}},
		{"ward by group and month", report.Query{GroupBy: []report.Dimension{report.Group, report.Month}, Filter: report.Filter{Wards: []string{"05431"}}, Order: &byKey}},
	} {
		b.Run(bq.name, func(b *testing.B) {
			b.ReportAllocs()
			// The process's CPU time (the collector's included) per answer: on a shared machine
			// the time per answer also counts the waits for a core.
			cpu := processCPU(b)
			for b.Loop() {
				if _, err := r.Stats(ctx, bq.q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((processCPU(b)-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the CPU time the process used so far, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
