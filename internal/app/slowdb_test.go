package app_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"hotro/internal/account"
	"hotro/internal/app/apptest"
	"hotro/internal/config"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/rollup"
	"hotro/internal/seed"
	"hotro/internal/seed/seedtest"
)

var cheapHash = account.HashParams{Memory: 1024, Time: 1, Threads: 1}

// TestSlowDatabase holds a lock on the payment lines and their rollups, as a long write or a stuck session would:
// queries that need them end at the statement timeout with UNAVAILABLE, while the server goes on
// answering everything else, stats included (from the rollups it holds in memory); once the lock is
// gone, they work again.
func TestSlowDatabase(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("needs PostgreSQL (HOTRO_TEST_DIALECTS leaves it out)")
	}
	ctx := context.Background()
	target := dbtest.Target(t, db.Postgres)
	d, err := db.Open(ctx, target, db.Options{StatementTimeout: 800 * time.Millisecond})
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
	srv := apptest.Start(t, d, func(c *config.Config) { c.ResponseCacheMB = 0 })
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
	if _, err := tx.ExecContext(ctx, "LOCK TABLE rollups, disbursements IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	res := c.GraphQL(t, linesQuery, nil)
	if res.Code() != "UNAVAILABLE" || !strings.Contains(string(res.Raw), "Cơ sở dữ liệu") {
		t.Errorf("lines behind a lock: %s; want UNAVAILABLE with a clear message", res.Raw)
	}
	if strings.Contains(string(res.Raw), "statement timeout") || strings.Contains(string(res.Raw), "SQLSTATE") {
		t.Errorf("the answer shows the database's own error: %s", res.Raw)
	}
	if status, _ := c.Do(t, http.MethodGet, "/healthz", nil); status != http.StatusOK {
		t.Errorf("healthz during the lock: %d", status)
	}
	if res := c.GraphQL(t, `{ programs { code } }`, nil); len(res.Errors) > 0 {
		t.Errorf("a query on other tables during the lock: %s", res.Raw)
	}
	if res := c.GraphQL(t, `{ stats { total { amountPaid } } }`, nil); len(res.Errors) > 0 {
		t.Errorf("stats during the lock, from the rollups in memory: %s", res.Raw)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if res := c.GraphQL(t, linesQuery, nil); len(res.Errors) > 0 {
		t.Errorf("lines after the lock: %s", res.Raw)
	}
}

// linesQuery reads payment lines: the database answers it every time.
const linesQuery = `{ disbursements(first: 5) { edges { node { amount } } } }`
