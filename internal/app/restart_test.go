package app_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hotro/internal/account"
	"hotro/internal/app/apptest"
	"hotro/internal/auth"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/db/pgtest"
	"hotro/internal/rollup"
	"hotro/internal/seed"
)

// TestPostgresRestartUnderLoad stops the database while clients keep asking, then starts it again:
// while it is down every request ends at once with UNAVAILABLE (none hangs, none is a 500) and
// /readyz says 503; once it is back, hotro answers again by itself and /readyz says 200.
func TestPostgresRestartUnderLoad(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("needs PostgreSQL (HOTRO_TEST_DIALECTS leaves it out)")
	}
	ctx := context.Background()
	cluster := pgtest.New(t)
	cluster.Init(t, "main")
	target := db.Target{Dialect: db.Postgres, DSN: cluster.URL("main", "postgres")}
	d, err := db.Open(ctx, target, db.Options{StatementTimeout: 5 * time.Second, PingTimeout: 2 * time.Second})
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
	if _, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: 3, Scale: 0.05}); err != nil {
		t.Fatal(err)
	}
	svc := account.NewService(d, account.Options{Hash: cheapHash})
	if _, err := svc.CreateUser(ctx, account.NewUser{Username: "phantich", Role: auth.Analyst, Password: "mat-khau-du-dai"}, "test"); err != nil {
		t.Fatal(err)
	}
	token, err := svc.CreateToken(ctx, "phantich", "load", 0, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)

	type outcome struct{ ok, unavailable, other atomic.Int64 }
	var phase atomic.Int32 // 0 before, 1 while down, 2 after
	counts := []*outcome{{}, {}, {}}
	var otherBodies sync.Map
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 15 * time.Second} // a hung request would show as a failure
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := srv.NewClient()
			c.Bearer = token
			for {
				select {
				case <-stop:
					return
				default:
				}
				p := phase.Load()
				status, body, err := postWith(client, srv.URL, token, `{ stats(groupBy: [GROUP]) { total { amountPaid } } }`)
				switch {
				case err == nil && status == 200 && !strings.Contains(body, `"errors"`):
					counts[p].ok.Add(1)
				case err == nil && (strings.Contains(body, `"UNAVAILABLE"`) || status == http.StatusServiceUnavailable):
					counts[p].unavailable.Add(1)
				default:
					counts[p].other.Add(1)
					otherBodies.Store(i, body+errString(err))
				}
			}
		}()
	}
	waitFor(t, "requests to succeed before the fault", func() bool { return counts[0].ok.Load() >= 20 })

	cluster.Stop(t, "main")
	phase.Store(1)
	waitFor(t, "requests to fail while the database is down", func() bool { return counts[1].unavailable.Load() >= 20 })
	if status, _ := srv.NewClient().Do(t, http.MethodGet, "/readyz", nil); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the database is down: %d, want 503", status)
	}
	if status, _ := srv.NewClient().Do(t, http.MethodGet, "/healthz", nil); status != http.StatusOK {
		t.Errorf("/healthz while the database is down: %d, want 200 (the process is fine)", status)
	}

	cluster.Start(t, "main", 0)
	phase.Store(2)
	waitFor(t, "hotro to recover by itself", func() bool { return counts[2].ok.Load() >= 20 })
	if status, _ := srv.NewClient().Do(t, http.MethodGet, "/readyz", nil); status != http.StatusOK {
		t.Errorf("/readyz after the restart: %d, want 200", status)
	}
	close(stop)
	wg.Wait()
	for p, name := range []string{"before", "down", "after"} {
		c := counts[p]
		t.Logf("%s: %d ok, %d unavailable, %d other", name, c.ok.Load(), c.unavailable.Load(), c.other.Load())
		if c.other.Load() > 0 {
			otherBodies.Range(func(_, v any) bool {
				t.Errorf("%s: an answer that is neither success nor UNAVAILABLE: %.300s", name, v)
				return false
			})
		}
	}
}

func postWith(c *http.Client, base, token, query string) (int, string, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":`+quote(query)+`}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, b.String(), nil
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}
