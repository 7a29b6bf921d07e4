package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"hotro/internal/app/apptest"
	"hotro/internal/config"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/rollup"
	"hotro/internal/seed"
	"hotro/internal/seed/seedtest"
)

// TestRequestDeadlineCancelsTheQuery holds a lock on the payment lines so that a query of them waits
// in PostgreSQL, with a statement timeout far longer than the request timeout: the request ends at its
// deadline with UNAVAILABLE, and the statement it started is cancelled in the database, not left
// waiting for the statement timeout.
func TestRequestDeadlineCancelsTheQuery(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("needs PostgreSQL (HOTRO_TEST_DIALECTS leaves it out)")
	}
	const statementTimeout, requestTimeout = time.Minute, 500 * time.Millisecond
	ctx := context.Background()
	target := dbtest.Target(t, db.Postgres)
	d, err := db.Open(ctx, target, db.Options{StatementTimeout: statementTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	mg, _ := db.NewMigrator(d)
	if _, err := mg.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Reference(ctx, d, rollup.Realign); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: 1, Scale: 0.05}); err != nil {
		t.Fatal(err)
	}
	if err := seed.CreateDemoAccounts(ctx, d, seedtest.DemoPassword, cheapHash); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, func(c *config.Config) {
		c.ResponseCacheMB = 0
		c.RequestTimeout = requestTimeout
	})
	c := srv.NewClient()
	c.SignIn(t, "phantich", seedtest.DemoPassword)

	holder, err := db.Open(ctx, target, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var holderPID int
	if err := tx.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&holderPID); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE rollups, disbursements IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	// Payment lines: stats would come from the rollups held in memory, behind no lock.
	res := c.GraphQL(t, linesQuery, nil)
	took := time.Since(start)
	if res.Code() != "UNAVAILABLE" {
		t.Errorf("lines behind a lock: %s; want UNAVAILABLE", res.Raw)
	}
	if took >= statementTimeout/2 {
		t.Fatalf("the request took %v: the statement ran to its timeout (%v), not to the request's deadline (%v)", took, statementTimeout, requestTimeout)
	}

	// The cancelled statement leaves the lock's queue: wait for no session to be blocked by the
	// holder, on a connection of its own (a transaction sees one snapshot of pg_stat_activity).
	watch, err := db.Open(ctx, target, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		var blocked int
		err := watch.QueryRowContext(wctx, "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", holderPID).Scan(&blocked)
		if err != nil {
			t.Fatalf("statements still waiting behind the lock %v after the request ended: %v", time.Since(start), err)
		}
		if blocked == 0 {
			break
		}
	}
}
