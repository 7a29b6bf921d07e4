package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hotro/graph"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// FuzzGraphQL sends arbitrary documents and variables to the API: whatever comes in, the answer is
// JSON with data or errors, never a server error, a panic or SQL text. The seed corpus is every
// example query; crashers found are kept under testdata/fuzz as regression cases. An answer the
// direct answer wrote must be the bytes gqlgen alone writes for the same request.
func FuzzGraphQL(f *testing.F) {
	files, _ := filepath.Glob("testdata/queries/*.graphql")
	for _, file := range files {
		q, _ := os.ReadFile(file)
		f.Add(string(q), `{}`)
	}
	f.Add(`query($f: DisbursementFilter) { stats(filter: $f, groupBy: [WARD]) { total { amountPaid } } }`, `{"f": {"wards": ["05431"], "paidFrom": "2020-13-01"}}`)
	f.Add(`query($n: Int) { disbursements(first: $n) { totalCount } }`, `{"n": 99999999999}`)
	f.Add(`{ __schema { types { name } } }`, `null`)
	r := newResolver(f, seedtest.Demo(f, dbtest.Dialects()[0]))
	srv, generic := serve(f, r, analyst), serveWith(f, r, analyst, true)
	client := srv.Client()
	f.Fuzz(func(t *testing.T, query, variables string) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": json.RawMessage(validJSONOrNull(variables))})
		wrote, _ := graph.DirectCounts()
		res, err := client.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if now, _ := graph.DirectCounts(); now > wrote {
			res, err := client.Post(generic.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if !bytes.Equal(raw, want) {
				t.Fatalf("the direct answer to %q %q differs from gqlgen's:\n got %s\nwant %s", query, variables, raw, want)
			}
		}
		if res.StatusCode >= 500 {
			t.Fatalf("status %d for %q %q: %s", res.StatusCode, query, variables, raw)
		}
		var out struct {
			Data   json.RawMessage `json:"data"`
			Errors []any           `json:"errors"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("not JSON for %q: %s", query, raw)
		}
		for _, leak := range []string{"goroutine ", "SELECT ", "panic", "sql: "} {
			if strings.Contains(string(raw), leak) {
				t.Fatalf("the answer shows %q for %q: %s", leak, query, raw)
			}
		}
	})
}

func validJSONOrNull(s string) string {
	if json.Valid([]byte(s)) {
		return s
	}
	return "null"
}
