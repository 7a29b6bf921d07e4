package graph_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// statementCounter counts the SQL statements a bun.DB runs.
type statementCounter struct{ n atomic.Int64 }

func (c *statementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *statementCounter) AfterQuery(context.Context, *bun.QueryEvent) {}

// TestListingCostsAConstantNumberOfStatements lists 50 and then 500 payment lines with their ward,
// district, group, programme, fund and recipient (with the audit of its lines): both cost a few statements (7 on an idle
// machine), not one per line (500 and more). Loaders gather keys for a while before they fetch; here
// for 250 ms, but a slow machine (the race detector, a loaded CI) may still split a batch, so the
// bound leaves room for that.
func TestListingCostsAConstantNumberOfStatements(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			shared := seedtest.Demo(t, dialect)
			counter := &statementCounter{}
			d := bun.NewDB(shared.DB, shared.Dialect()).WithQueryHook(counter)
			r := newResolver(t, d)
			r.LoaderWait = 250 * time.Millisecond
			srv := serve(t, r, &auth.Identity{UserID: 1, Username: "quantri", Role: auth.Admin})
			const query = `query($first: Int) { disbursements(first: $first) { edges { node {
				amount amountDue
				ward { name district { name } }
				group { name program { code } }
				fund { name }
				beneficiary { fullName ward { code } history { action at } }
			} } } }`
			var counts []int64
			for _, first := range []int{50, 500} {
				counter.n.Store(0)
				r, raw := post(t, srv.URL, query, map[string]any{"first": first})
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %s", raw)
				}
				var data struct {
					Disbursements struct{ Edges []json.RawMessage }
				}
				if err := json.Unmarshal(r.Data, &data); err != nil {
					t.Fatal(err)
				}
				if len(data.Disbursements.Edges) != first {
					t.Fatalf("got %d lines, want %d", len(data.Disbursements.Edges), first)
				}
				counts = append(counts, counter.n.Load())
			}
			const bound = 16
			if counts[0] > bound || counts[1] > bound {
				t.Errorf("statements for 50 lines: %d, for 500 lines: %d; want at most %d each", counts[0], counts[1], bound)
			}
			t.Logf("statements: %v", counts)
		})
	}
}
