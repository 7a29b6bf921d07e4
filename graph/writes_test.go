package graph_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"hotro/graph"
	"hotro/internal/auth"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// writeCounter counts the writes the handler says begin and end, and how many ran at the time of
// the last answer to a query.
type writeCounter struct {
	mu                  sync.Mutex
	begun, ended, depth int
}

func (c *writeCounter) BeginWrite() { c.mu.Lock(); c.begun++; c.depth++; c.mu.Unlock() }
func (c *writeCounter) EndWrite()   { c.mu.Lock(); c.ended++; c.depth--; c.mu.Unlock() }

func (c *writeCounter) counts() (begun, ended, depth int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.begun, c.ended, c.depth
}

// TestMutationsTellWrites wants the handler to tell Options.Writes of every mutation, refused or
// not, and of nothing else, each begun write ended by the time its answer is read: the rollups held
// in memory are read again at every answer while a write of this process runs.
func TestMutationsTellWrites(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	d, err := seedtest.Fresh(t, dialect)
	if err != nil {
		t.Fatal(err)
	}
	writes := &writeCounter{}
	h := graph.NewHandler(newResolver(t, d), graph.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Classify: db.Classify, Writes: writes})
	as := func(id *auth.Identity) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			h.ServeHTTP(w, req.WithContext(auth.WithIdentity(req.Context(), id)))
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	admin := as(&auth.Identity{UserID: 2, Username: "quantri", Role: auth.Admin})
	leader := as(&auth.Identity{UserID: 4, Username: "lanhdao", Role: auth.Leader})
	var allocated int64
	if err := d.NewRaw("SELECT allocated FROM funds WHERE code = 'NST'").Scan(context.Background(), &allocated); err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"program": "NQ42-2020", "fund": "NST", "unit": "164", "amount": allocated,
		"decision": "1088/QĐ-UBND", "decidedOn": "2020-04-24"}
	steps := []struct {
		name       string
		url, query string
		vars       map[string]any
		wantBegun  int
	}{
		{"a query", leader.URL, `{ stats(groupBy: [WARD]) { total { amountPaid } } }`, nil, 0},
		{"a refused mutation", leader.URL, allocateMutation, map[string]any{"in": in}, 1},
		{"a mutation", admin.URL, allocateMutation, map[string]any{"in": in}, 2},
		{"another query", leader.URL, `{ stats { total { amountPaid } } }`, nil, 2},
	}
	for _, s := range steps {
		post(t, s.url+"/", s.query, s.vars)
		begun, ended, depth := writes.counts()
		if begun != s.wantBegun || ended != begun || depth != 0 {
			t.Errorf("after %s: %d writes begun, %d ended, %d running; want %d begun, all ended", s.name, begun, ended, depth, s.wantBegun)
		}
	}
}
