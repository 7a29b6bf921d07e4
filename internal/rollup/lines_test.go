package rollup

import (
	"context"
	"testing"
	"time"

	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/report"
)

// TestLineScansTakeTurns: when MaxLineScans scans are running, one more waits for its turn and
// fails UNAVAILABLE at its deadline instead of running beside them; a query the rollups answer
// does not wait.
func TestLineScansTakeTurns(t *testing.T) {
	w := newWorld(t, dbtest.Dialects()[0], 1, 0, false)
	e := NewEngine(w.d)
	for range MaxLineScans {
		e.lineScans <- struct{}{} // scans in progress
	}
	// A deadline the scan itself would meet easily: only waiting for a turn can miss it.
	ctx, cancel := context.WithTimeout(analyst(), 300*time.Millisecond)
	defer cancel()
	from := datePtr("2020-06-01")
	q := report.Query{Filter: report.Filter{}}
	q.Filter.ListedFrom = from
	if _, err := e.Stats(ctx, q); !errs.Is(errs.Unavailable, err) {
		t.Errorf("a scan beyond the turns: err = %v, want UNAVAILABLE", err)
	}
	if _, err := e.Stats(analyst(), report.Query{GroupBy: []report.Dimension{report.Ward}}); err != nil {
		t.Errorf("a rollup query waited for the scans: %v", err)
	}
	<-e.lineScans
	if _, err := e.Stats(analyst(), q); err != nil {
		t.Errorf("with a turn free: %v", err)
	}
}
