package graph_test

import (
	"fmt"
	"io"
	"net/http"
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
	d := bun.NewDB(shared.DB, shared.Dialect()).WithQueryHook(counter)
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
		{"too costly", `{ a: disbursements(first: 1000) { edges { node { beneficiary { disbursements(first: 1000) { edges { node { id } } } } } } } }`, "TOO_COMPLEX", "tốn kém"},
		{"too many tokens", "{ programs { " + strings.Repeat("code ", 6000) + "} }", "TOO_COMPLEX", "từ tố"},
		{"malformed", "{ stats(groupBy: [WARD] { total }", "GRAPHQL_PARSE_FAILED", "Lỗi cú pháp"},
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

// TestHugeInputsAndBatchesAreRefused sends a variable list over the filter cap and a batch of
// operations in one request.
func TestHugeInputsAndBatchesAreRefused(t *testing.T) {
	srv := newServer(t, seedtest.Demo(t, dbtest.Dialects()[0]), analyst)
	wards := make([]string, 5000)
	for i := range wards {
		wards[i] = fmt.Sprintf("%05d", i)
	}
	r, raw := post(t, srv.URL, `query($w: [String!]) { stats(filter: { wards: $w }) { total { amountPaid } } }`, map[string]any{"w": wards})
	if len(r.Errors) == 0 || !strings.Contains(string(raw), "TOO_COMPLEX") {
		t.Errorf("5,000 ward codes: %.300s", raw)
	}
	res, err := http.Post(srv.URL, "application/json", strings.NewReader(`[{"query":"{ programs { code } }"},{"query":"{ programs { code } }"}]`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusOK && !strings.Contains(string(body), "errors") {
		t.Errorf("a batch was run: %d %.300s", res.StatusCode, body)
	}
}
