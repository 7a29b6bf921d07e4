package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// FuzzGraphQL sends arbitrary documents and variables to the API: whatever comes in, the answer is
// JSON with data or errors, never a server error, a panic or SQL text. The seed corpus is every
// example query; crashers found are kept under testdata/fuzz as regression cases.
func FuzzGraphQL(f *testing.F) {
	files, _ := filepath.Glob("testdata/queries/*.graphql")
	for _, file := range files {
		q, _ := os.ReadFile(file)
		f.Add(string(q), `{}`)
	}
	f.Add(`query($f: DisbursementFilter) { stats(filter: $f, groupBy: [WARD]) { total { amountPaid } } }`, `{"f": {"wards": ["05431"], "paidFrom": "2020-13-01"}}`)
	f.Add(`query($n: Int) { disbursements(first: $n) { totalCount } }`, `{"n": 99999999999}`)
	f.Add(`{ __schema { types { name } } }`, `null`)
	srv := newServer(f, seedtest.Demo(f, dbtest.Dialects()[0]), analyst)
	client := srv.Client()
	f.Fuzz(func(t *testing.T, query, variables string) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": json.RawMessage(validJSONOrNull(variables))})
		res, err := client.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
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
