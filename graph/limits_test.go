package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestHostileDocumentsAreRefusedBeforeTheDatabase sends documents over each limit: each gets a
// clear error with a code, and none reaches the database.
func TestHostileDocumentsAreRefusedBeforeTheDatabase(t *testing.T) {
	shared := seedtest.Demo(t, dbtest.Dialects()[0])
	counter := &statementCounter{}
	d := bun.NewDB(shared.DB, shared.Dialect())
	d.AddQueryHook(counter)
	srv := newServer(t, d, analyst)

	nest := func(depth int) string {
		q := "code"
		for i := 0; i < depth; i++ {
			q = "became { " + q + " }"
		}
		return `{ ward(code: "05431") { ` + q + ` } }`
	}
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, " a%d: programs { code }", i)
		}
		return b.String() + " }"
	}
	directives := func(n int) string {
		return "{ programs { " + strings.Repeat("code @include(if: true) ", n) + "} }"
	}
	tests := []struct {
		name, query, code, message string
	}{
		{"too deep", nest(20), "TOO_COMPLEX", "lồng quá sâu"},
		{"alias bomb", aliases(100), "TOO_COMPLEX", "bí danh"},
		{"directive flood", directives(200), "TOO_COMPLEX", "chỉ thị"},
		{"too costly", `{ a: disbursements(first: 1000) { edges { node { beneficiary { disbursements(first: 1000) { edges { node { id } } } } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED", "complexity"},
		{"too many tokens", "{ programs { " + strings.Repeat("code ", 6000) + "} }", "GRAPHQL_PARSE_FAILED", "token"},
		{"malformed", "{ stats(groupBy: [WARD] { total }", "GRAPHQL_PARSE_FAILED", "Expected"},
		{"circular fragments", "{ programs { ...A } } fragment A on Program { code ...B } fragment B on Program { ...A }", "GRAPHQL_VALIDATION_FAILED", "fragment"},
		{"unknown argument", `{ stats(groupBy: [WARD], limit: 5) { total { amountPaid } } }`, "GRAPHQL_VALIDATION_FAILED", "limit"},
		{"page over the cap", `{ disbursements(first: 5000) { totalCount } }`, "BAD_USER_INPUT", "1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter.n.Store(0)
			r, raw := post(t, srv.URL, tt.query, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("accepted: %.300s", raw)
			}
			code, _ := r.Errors[0]["extensions"].(map[string]any)["code"].(string)
			msg, _ := r.Errors[0]["message"].(string)
			if code != tt.code || !strings.Contains(strings.ToLower(msg), strings.ToLower(tt.message)) {
				t.Errorf("error = %s %q, want %s containing %q", code, msg, tt.code, tt.message)
			}
			if strings.Contains(string(raw), "SELECT") || strings.Contains(string(raw), "goroutine") {
				t.Errorf("the error shows internals: %.300s", raw)
			}
			if n := counter.n.Load(); n > 0 && tt.code != "BAD_USER_INPUT" {
				t.Errorf("%d statements ran before the refusal", n)
			}
		})
	}
}
