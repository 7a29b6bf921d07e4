package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
)

// TestSlowQueryEndsWithItsContext runs a statement that would never end (a recursive count without
// a bound) under a context with a short deadline, on every dialect: the statement is interrupted at
// the deadline (UNAVAILABLE), and the pool answers the next statement.
func TestSlowQueryEndsWithItsContext(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *bun.DB) {
		const deadline = 300 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		start := time.Now()
		var n int64
		err := d.QueryRowContext(ctx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c").Scan(&n)
		took := time.Since(start)
		if err == nil {
			t.Fatalf("the endless statement answered %d", n)
		}
		if kind := db.Classify(err); kind != errs.Unavailable {
			t.Errorf("error %v classified %v, want Unavailable", err, kind)
		}
		if took > 20*deadline {
			t.Errorf("the statement ended %v after it started; the deadline was %v", took, deadline)
		}
		var one int
		if err := d.QueryRowContext(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Errorf("the next statement: %d, %v", one, err)
		}
	})
}
