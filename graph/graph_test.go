package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/graph"
	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
	"hotro/internal/supervision"
	"hotro/internal/wardfigure"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current answers")

// newServer serves the GraphQL API over d on a real loopback HTTP server, to callers with the
// identity (nil: anonymous), allowing anonymous callers the public documents.
func newServer(t testing.TB, d *bun.DB, id *auth.Identity, public ...string) *httptest.Server {
	t.Helper()
	return serve(t, newResolver(t, d), id, public...)
}

// newResolver is the resolver over d as hotro serve makes it: stats from the rollups held in
// memory, names and codes from reference data held in memory.
func newResolver(t testing.TB, d *bun.DB) *graph.Resolver {
	t.Helper()
	r := newLoaderResolver(t, d)
	ref := reference.NewCache(d)
	r.Stats, r.Reference = rollup.NewResident(d, ref, rollup.ResidentOptions{}), ref
	return r
}

// newLoaderResolver is the resolver over d without reference data in memory: every name comes
// from the dataloaders.
func newLoaderResolver(t testing.TB, d *bun.DB) *graph.Resolver {
	t.Helper()
	// The API answers from the rollups, as hotro serve does (the report package checks the plain
	// SQL engine against an oracle; package rollup checks the rollups against it).
	if _, err := rollup.EnsureBuilt(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return &graph.Resolver{
		Units: adminunit.NewStore(d), Programs: program.NewStore(d), Funds: fund.NewStore(d),
		Dataset: dataset.NewStore(d), Stats: rollup.NewEngine(d), Lines: disbursement.NewReader(d),
		Recipients: beneficiary.NewReader(d), Audit: audit.NewStore(d), Allocator: fund.NewAllocator(d, nil),
		Supervision: supervision.New(d, supervision.DefaultRules, nil),
		Figures:     wardfigure.NewStore(d),
	}
}

// serve serves r's API to id (nil: anonymous), with the public allow-list given.
func serve(t testing.TB, r *graph.Resolver, id *auth.Identity, public ...string) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	opt := graph.Options{Logger: log, Classify: db.Classify, PublicOperations: public}
	if w, ok := r.Stats.(graph.Writes); ok {
		opt.Writes = w // as hotro serve does: a mutation's writes are read by the next answer
	}
	h := graph.NewHandler(r, opt)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if id != nil {
			req = req.WithContext(auth.WithIdentity(req.Context(), id))
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// analyst is the identity the example queries run as: every aggregate, lists masked.
var analyst = &auth.Identity{UserID: 1, Username: "phantich", Role: auth.Analyst}

type response struct {
	Data   json.RawMessage  `json:"data"`
	Errors []map[string]any `json:"errors"`
}

func post(t *testing.T, url, query string, vars map[string]any) (response, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("response is not JSON: %s", raw)
	}
	return r, raw
}

// TestExamples runs every testdata/queries/*.graphql against the demo data on every dialect and
// compares the answer with testdata/golden: the two dialects must give the same answer.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/queries/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example queries: %v", err)
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			for _, resolver := range []struct {
				name string
				new  func(testing.TB, *bun.DB) *graph.Resolver
			}{{"reference", newResolver}, {"loaders", newLoaderResolver}} {
				t.Run(resolver.name, func(t *testing.T) {
					examples(t, serve(t, resolver.new(t, d), analyst), files, dialect == dbtest.Dialects()[0] && resolver.name == "reference")
				})
			}
		})
	}
}

// examples runs the example queries against srv and compares each answer with its golden file, or
// rewrites the golden files when -update is given and write is true.
func examples(t *testing.T, srv *httptest.Server, files []string, write bool) {
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, raw := post(t, srv.URL, string(q), nil)
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, raw, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update && write {
				if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("no golden answer (run go test ./graph -update): %v", err)
			}
			if got := pretty.String(); got != string(want) {
				t.Errorf("answer differs from %s:\n%s", golden, diff(string(want), got))
			}
		})
	}
}

// diff shows the first differing lines of two texts.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(same lines)"
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestWardRowsSumToTotal(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			srv := newServer(t, seedtest.Demo(t, dialect), analyst)
			q, _ := os.ReadFile("testdata/queries/stats-by-ward.graphql")
			r, raw := post(t, srv.URL, string(q), nil)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %s", raw)
			}
			var data struct {
				Stats struct {
					Total struct{ AmountPaid, PeopleSupported, Beneficiaries, Disbursements int64 }
					Rows  []struct {
						Totals struct{ AmountPaid, PeopleSupported int64 }
					}
				}
			}
			if err := json.Unmarshal(r.Data, &data); err != nil {
				t.Fatal(err)
			}
			if len(data.Stats.Rows) != 32 {
				t.Errorf("rows = %d, want 32", len(data.Stats.Rows))
			}
			var amount, people int64
			for _, row := range data.Stats.Rows {
				amount += row.Totals.AmountPaid
				people += row.Totals.PeopleSupported
			}
			if amount != data.Stats.Total.AmountPaid || people != data.Stats.Total.PeopleSupported {
				t.Errorf("rows sum to %d VND, %d people; total %d VND, %d people", amount, people, data.Stats.Total.AmountPaid, data.Stats.Total.PeopleSupported)
			}
		})
	}
}
