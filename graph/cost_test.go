package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/graph"
	"hotro/internal/auth"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
)

// wardsAttack is issue 15's query: thirty aliases of every ward with its totals.
func wardsAttack() string {
	var b strings.Builder
	b.WriteString("{")
	for i := range 30 {
		fmt.Fprintf(&b, " a%d: wards { code stats { amountPaid peopleSupported beneficiaries } }", i)
	}
	return b.String() + " }"
}

// TestCostlyListsAreRefused sends operations whose lists could return more than the cost limit
// allows: each is refused with TOO_COMPLEX and a Vietnamese message before any statement runs, while
// the same lists, narrowed, are answered.
func TestCostlyListsAreRefused(t *testing.T) {
	shared := seedtest.Demo(t, dbtest.Dialects()[0])
	counter := &statementCounter{}
	d := bun.NewDB(shared.DB, shared.Dialect()).WithQueryHook(counter)
	srv := newServer(t, d, analyst)
	aliases := func(n int, field string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " a%d: %s", i, field)
		}
		return b.String() + " }"
	}
	tests := []struct {
		name, query string
		refused     bool
	}{
		{"thirty aliases of every ward's totals", wardsAttack(), true},
		{"every ward's totals", `{ wards { code stats { amountPaid } } }`, true},
		{"every ward's history, nested", `{ wards { formedFrom { formedFrom { formedFrom { code } } } } }`, true},
		{"every ward's successors and predecessors", `{ wards { code became { code } formedFrom { code } } }`, true},
		{"thirty stats by ward", aliases(30, "stats(groupBy: [WARD]) { rows { ward { code } totals { amountPaid } } }"), true},
		{"many dimensions, nested links", `{ stats(groupBy: [WARD, DAY, GROUP, FUND]) { rows { ward { code formedFrom { code became { code } } } totals { amountPaid } } } }`, true},
		{"programmes' groups and funds, thirty times", aliases(30, "programs { groups { stats { amountPaid } } funds { paid stats { amountPaid } } }"), true},
		{"the wards of one district with their totals", `{ wards(asOf: "2020-05-01", districts: ["164"]) { code stats { amountPaid } } }`, false},
		{"every ward's name", `{ wards { code name } }`, false},
		{"stats by ward", `{ stats(groupBy: [WARD]) { rows { ward { code } totals { amountPaid } } } }`, false},
		{"many dimensions, paged", `{ stats(groupBy: [WARD, DAY, GROUP, FUND], first: 100) { rows { ward { code } totals { amountPaid } } } }`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter.n.Store(0)
			r, raw := post(t, srv.URL, tt.query, nil)
			if !tt.refused {
				if len(r.Errors) > 0 {
					t.Fatalf("refused: %.400s", raw)
				}
				return
			}
			if len(r.Errors) != 1 {
				t.Fatalf("answered: %.300s", raw)
			}
			code, _ := r.Errors[0]["extensions"].(map[string]any)["code"].(string)
			msg, _ := r.Errors[0]["message"].(string)
			if code != "TOO_COMPLEX" || !strings.Contains(msg, "Truy vấn quá tốn kém") {
				t.Errorf("error = %s %q, want TOO_COMPLEX, in Vietnamese", code, msg)
			}
			if n := counter.n.Load(); n > 0 {
				t.Errorf("%d statements ran before the refusal", n)
			}
		})
	}
}

// TestUnpagedStatsAreBounded groups the demo lines by six dimensions at once (2,927 rows): without `first` the
// answer would have more than report.MaxUnpagedRows rows, so it is refused with a message that says
// to page it; with `first` it is answered.
func TestUnpagedStatsAreBounded(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			srv := newServer(t, seedtest.Demo(t, dialect), analyst)
			const query = `query($first: Int) { stats(groupBy: [WARD, DAY, GROUP, STATUS, FUND, CHANNEL], first: $first) { rows { totals { disbursements } } } }`
			r, raw := post(t, srv.URL, query, nil)
			if len(r.Errors) != 1 {
				t.Fatalf("unpaged: %.300s", raw)
			}
			code, _ := r.Errors[0]["extensions"].(map[string]any)["code"].(string)
			msg, _ := r.Errors[0]["message"].(string)
			if code != "TOO_COMPLEX" || !strings.Contains(msg, "first") || !strings.Contains(msg, "nhóm") {
				t.Errorf("unpaged: %s %q, want TOO_COMPLEX saying to add first", code, msg)
			}
			r, raw = post(t, srv.URL, query, map[string]any{"first": 100})
			if len(r.Errors) > 0 {
				t.Fatalf("paged: %.300s", raw)
			}
			var data struct {
				Stats struct{ Rows []json.RawMessage }
			}
			if err := json.Unmarshal(r.Data, &data); err != nil {
				t.Fatal(err)
			}
			if len(data.Stats.Rows) != 100 {
				t.Errorf("paged: %d rows, want 100", len(data.Stats.Rows))
			}
		})
	}
}

// failingRollups makes every statement that reads the rollups fail, as a database too slow to
// answer them before their deadline would (a deadline, not a cancellation: a cancelled request is
// the client going away, which is not logged as a failure).
type failingRollups struct{}

func (failingRollups) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if strings.Contains(e.Query, "rollup") {
		ctx, cancel := context.WithDeadline(ctx, time.Unix(0, 0))
		cancel()
		return ctx
	}
	return ctx
}

func (failingRollups) AfterQuery(context.Context, *bun.QueryEvent) {}

// TestOneFailingRequestLogsAFewLines asks for the totals of 32 wards while the rollups cannot be
// read: each ward's field fails, but the request logs a few errors in full and one line that counts
// the rest, not one line per ward.
func TestOneFailingRequestLogsAFewLines(t *testing.T) {
	shared := seedtest.Demo(t, dbtest.Dialects()[0])
	r := newResolver(t, shared)
	failing := bun.NewDB(shared.DB, shared.Dialect()).WithQueryHook(failingRollups{})
	r.Stats = rollup.NewEngineShared(failing, r.Reference)
	srv, logs := serveLogged(t, r, analyst, graph.Options{})
	res, raw := post(t, srv.URL, `{ wards(asOf: "2020-05-01", districts: ["164"]) { code stats { amountPaid } } }`, nil)
	if len(res.Errors) < 32 {
		t.Fatalf("%d errors, want one per ward: %.300s", len(res.Errors), raw)
	}
	logged := append(logs.lines("level=ERROR"), logs.lines("level=WARN")...)
	if len(logged) > 4 {
		t.Errorf("%d lines logged for one request, want at most 4:\n%s", len(logged), strings.Join(logged, "\n"))
	}
	if summary := logs.lines("not_logged="); len(summary) != 1 || !strings.Contains(summary[0], fmt.Sprintf("not_logged=%d", len(res.Errors)-3)) {
		t.Errorf("no line counts the %d errors not logged: %v", len(res.Errors)-3, summary)
	}
}

// blockingRollups holds every statement that reads the rollups until release is closed, and says
// when one is held: an expensive operation that stays in the database as long as the test wants.
type blockingRollups struct{ entered, release chan struct{} }

func (h blockingRollups) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if strings.Contains(e.Query, "rollup") {
		h.entered <- struct{}{}
		<-h.release
	}
	return ctx
}

func (blockingRollups) AfterQuery(context.Context, *bun.QueryEvent) {}

// TestExpensiveOperationsWaitForASlot lets one expensive operation run at a time: while it is held
// in the database, a simple query is answered at once, and a second expensive one waits for the
// slot until its request's deadline, then fails with UNAVAILABLE without touching the database.
func TestExpensiveOperationsWaitForASlot(t *testing.T) {
	shared := seedtest.Demo(t, dbtest.Dialects()[0])
	r := newResolver(t, shared)
	hook := blockingRollups{entered: make(chan struct{}, 10), release: make(chan struct{})}
	r.Stats = rollup.NewEngineShared(bun.NewDB(shared.DB, shared.Dialect()).WithQueryHook(hook), r.Reference)
	limits := graph.DefaultLimits
	limits.MaxExpensive = 1
	h := graph.NewHandler(r, graph.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Classify: db.Classify, Limits: limits})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := auth.WithIdentity(req.Context(), analyst)
		if d, err := time.ParseDuration(req.Header.Get("Test-Timeout")); err == nil {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		h.ServeHTTP(w, req.WithContext(ctx))
	}))
	t.Cleanup(srv.Close)
	send := func(query, timeout string) response {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Test-Timeout", timeout)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return response{}
		}
		defer res.Body.Close()
		var out response
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Error(err)
		}
		return out
	}
	const expensive = `{ stats(groupBy: [WARD]) { rows { ward { code } totals { amountPaid } } } }`

	first := make(chan response)
	go func() { first <- send(expensive, "") }()
	<-hook.entered // the first holds the only slot, in the database

	if res := send(`{ programs { code } }`, ""); len(res.Errors) > 0 {
		t.Errorf("a simple query while the expensive one runs: %v", res.Errors)
	}
	res := send(expensive, "100ms")
	if len(res.Errors) != 1 {
		t.Fatalf("the second expensive query: %v, want one error", res.Errors)
	}
	code, _ := res.Errors[0]["extensions"].(map[string]any)["code"].(string)
	msg, _ := res.Errors[0]["message"].(string)
	if code != "UNAVAILABLE" || !strings.Contains(msg, "Máy chủ đang bận") {
		t.Errorf("the second expensive query: %s %q, want UNAVAILABLE, busy", code, msg)
	}
	select {
	case <-hook.entered:
		t.Error("the second expensive query reached the database")
	default:
	}

	close(hook.release)
	if res := <-first; len(res.Errors) > 0 {
		t.Errorf("the first expensive query: %v", res.Errors)
	}
	if res := send(expensive, ""); len(res.Errors) > 0 {
		t.Errorf("an expensive query once the slot is free: %v", res.Errors)
	}
}
