package graph_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/db/dbtest"
	"hotro/internal/reference"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
)

// TestOverviewMakesNoRoundTrip asks the dashboard's overview (the operation the page sends, with
// per-inhabitant figures) of the whole city, of a ward whose code was reused in 2025 (which says
// which unit the code matched, from the units that have lines) and of a month, from an engine that
// holds the rollups and has just checked its version: the answers read nothing from the database.
// The first answer of each may read the reference data's version; asked again, none.
func TestOverviewMakesNoRoundTrip(t *testing.T) {
	overview, err := os.ReadFile("../dashboard/queries/Overview.graphql")
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			shared := seedtest.Demo(t, dialect)
			counter := &statementCounter{}
			d := bun.NewDB(shared.DB, shared.Dialect()).WithQueryHook(counter)
			r := newResolver(t, d)
			ref := reference.NewCache(d)
			resident := rollup.NewResident(d, ref, rollup.ResidentOptions{Staleness: time.Hour})
			r.Stats, r.Reference = resident, ref
			if err := resident.Warm(context.Background()); err != nil {
				t.Fatal(err)
			}
			srv := serve(t, r, analyst)
			for _, filter := range []map[string]any{
				{"programs": []string{"NQ42-2020"}},
				{"programs": []string{"NQ42-2020"}, "wards": []string{"05443", "05446"}},
				{"programs": []string{"NQ42-2020"}, "paidFrom": "2020-05-01", "paidTo": "2020-05-31"},
			} {
				vars := map[string]any{"filter": filter, "bucket": "WEEK"}
				if res, raw := post(t, srv.URL, string(overview), vars); len(res.Errors) > 0 {
					t.Fatalf("%v: %s", filter, raw)
				}
				counter.n.Store(0)
				res, raw := post(t, srv.URL, string(overview), vars)
				if len(res.Errors) > 0 {
					t.Fatalf("%v: %s", filter, raw)
				}
				if n := counter.n.Load(); n != 0 {
					t.Errorf("%v: the overview asked again made %d statements, want none", filter, n)
				}
			}
		})
	}
}
