package rollup_test

import (
	"context"
	"testing"

	"hotro/internal/auth"
	"hotro/internal/db"
	"hotro/internal/reference"
	"hotro/internal/report"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
)

// BenchmarkEngine asks the rollup engines the dashboard's questions on the demo database (Thái
// Nguyên's lines under the national tree of 10,614 communes), in process on PostgreSQL: the
// database engine's time includes its round trips; the resident one's makes none.
func BenchmarkEngine(b *testing.B) {
	d := seedtest.Demo(b, db.Postgres)
	ctx := auth.WithIdentity(context.Background(), &auth.Identity{Role: auth.Analyst, Username: "bench"})
	if _, err := rollup.EnsureBuilt(ctx, d); err != nil {
		b.Fatal(err)
	}
	byKey := report.Order{Field: report.ByKey}
	for _, bq := range []struct {
		name string
		q    report.Query
	}{
		{"nation by province", report.Query{GroupBy: []report.Dimension{report.Province}}},
		{"city by ward", report.Query{GroupBy: []report.Dimension{report.Ward}, Filter: report.Filter{Districts: []string{"164"}}}},
		{"ward by group and month", report.Query{GroupBy: []report.Dimension{report.Group, report.Month}, Filter: report.Filter{Wards: []string{"05431"}}, Order: &byKey}},
	} {
		for _, e := range []struct {
			name   string
			engine report.Engine
		}{
			{"database", rollup.NewEngine(d)},
			// Held in memory, trusted for the default second: most answers make no round trip.
			{"memory", rollup.NewResident(d, reference.NewCache(d), rollup.ResidentOptions{})},
		} {
			b.Run(bq.name+"/"+e.name, func(b *testing.B) {
				if _, err := e.engine.Stats(ctx, bq.q); err != nil { // loads the rows held in memory
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := e.engine.Stats(ctx, bq.q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
