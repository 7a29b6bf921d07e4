package dataset_test

import (
	"context"
	"testing"

	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestVersionMovesWithLinesAndReferenceData: the data version, which keys the response cache and
// the public ETags, moves when the lines change (Bump) and when reference data changes (a unit
// renamed), and Get says the same as Version.
func TestVersionMovesWithLinesAndReferenceData(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			s := dataset.NewStore(d)
			version := func() int64 {
				t.Helper()
				v, err := s.Version(ctx)
				if err != nil {
					t.Fatal(err)
				}
				info, err := s.Get(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if info.Version != v {
					t.Fatalf("Get says version %d, Version %d", info.Version, v)
				}
				return v
			}
			v0 := version()
			if err := s.Bump(ctx); err != nil {
				t.Fatal(err)
			}
			v1 := version()
			if v1 <= v0 {
				t.Errorf("after Bump the version went from %d to %d", v0, v1)
			}
			if _, err := d.NewRaw("UPDATE admin_units SET name = name || ' (mới)' WHERE id = (SELECT MIN(id) FROM admin_units)").Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if v2 := version(); v2 <= v1 {
				t.Errorf("after a unit was renamed the version went from %d to %d", v1, v2)
			}
		})
	}
}
