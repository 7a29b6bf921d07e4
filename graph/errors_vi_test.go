package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// english finds the words of gqlgen's and gqlparser's English messages.
var english = regexp.MustCompile(`\b(Cannot|cannot|must|Expected|Unexpected|Unknown|found|provided|defined|exceeded|transport|operation|Did you mean)\b`)

// TestEveryErrorInVietnamese sends what an analyst gets wrong (a field or argument that does not
// exist, a missing or wrong variable, a syntax error, a document too long, a request that is not
// GraphQL) and checks that each answer is a GraphQL error with a code the README lists and a
// message in Vietnamese, with none of gqlgen's English left in it.
func TestEveryErrorInVietnamese(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	srv := newServer(t, d, analyst)
	long := "{" + strings.Repeat(" a: dataset { demo }", 1700) + "}"
	cases := []struct {
		name, query string
		vars        map[string]any
		code, says  string
	}{
		{"unknown field", `{ stats { total { amountSpent } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Kiểu Totals không có trường "amountSpent". Có phải ý bạn là "amountPaid" hoặc "amountListed"?`},
		{"unknown argument", `{ stats(foo: 1) { total { amountPaid } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Trường Query.stats không có tham số "foo".`},
		{"no subfields", `{ stats { rows { ward } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `cần chọn các trường con`},
		{"required argument", `{ ward { code } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Trường "ward" cần tham số "code" (kiểu String!)`},
		{"enum value", `{ stats(groupBy: [WARDS]) { total { amountPaid } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Giá trị "WARDS" không có trong danh sách Dimension. Có phải ý bạn là "WARD"?`},
		{"input field", `{ stats(filter: { wardz: [] }) { total { amountPaid } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Kiểu đầu vào DisbursementFilter không có trường "wardz".`},
		{"missing variable", `query($a: Int!) { stats(first: $a) { total { amountPaid } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Thiếu giá trị của biến $a`},
		{"null variable", `query($a: Int!) { stats(first: $a) { total { amountPaid } } }`, map[string]any{"a": nil}, "GRAPHQL_VALIDATION_FAILED", `Biến $a không được là null.`},
		{"wrong variable", `query($a: Int!) { stats(first: $a) { total { amountPaid } } }`, map[string]any{"a": "x"}, "GRAPHQL_VALIDATION_FAILED", `$a: không dùng được giá trị kiểu string làm Int.`},
		{"unknown enum in a variable", `query($f: DisbursementFilter) { stats(filter: $f) { total { amountPaid } } }`, map[string]any{"f": map[string]any{"statuses": []string{"X"}}}, "GRAPHQL_VALIDATION_FAILED", `$f.statuses[0]: "X" không phải một giá trị của danh sách DisbursementStatus.`},
		{"unknown field in a variable", `query($f: DisbursementFilter) { stats(filter: $f) { total { amountPaid } } }`, map[string]any{"f": map[string]any{"wardz": []string{"1"}}}, "GRAPHQL_VALIDATION_FAILED", `$f.wardz: kiểu đầu vào không có trường này.`},
		{"undeclared variable", `{ stats(first: $b) { total { amountPaid } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Biến $b chưa được khai báo`},
		{"unused variable", `query($a: Int) { stats { total { amountPaid } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Biến $a được khai báo nhưng không được dùng.`},
		{"syntax", `{ stats { total { amountPaid } `, nil, "GRAPHQL_PARSE_FAILED", `Lỗi cú pháp: cần một tên, nhưng gặp cuối truy vấn.`},
		{"alias conflict", `{ stats { total { a: amountPaid a: disbursements } } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Hai trường cùng trả về dưới tên "a"`},
		{"no query", ``, nil, "GRAPHQL_VALIDATION_FAILED", `Yêu cầu không có truy vấn`},
		{"token limit", long, nil, "TOO_COMPLEX", `Truy vấn quá dài (tối đa 5000 từ tố`},
		{"cost limit", `{ wards { code stats { amountPaid } } }`, nil, "TOO_COMPLEX", `Truy vấn quá tốn kém`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, raw := post(t, srv.URL, c.query, c.vars)
			checkVietnameseError(t, raw, r.Errors, c.code, c.says)
		})
	}
	t.Run("not a GraphQL request", func(t *testing.T) {
		for _, req := range []struct{ method, contentType string }{{http.MethodPost, "text/plain"}, {http.MethodPut, "application/json"}} {
			hr, _ := http.NewRequest(req.method, srv.URL, bytes.NewReader([]byte(`{"query":"{ dataset { demo } }"}`)))
			hr.Header.Set("Content-Type", req.contentType)
			res, err := http.DefaultClient.Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var r response
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatalf("%s %s: not JSON: %s", req.method, req.contentType, raw)
			}
			if res.StatusCode/100 != 4 {
				t.Errorf("%s %s: status %d, want 4xx", req.method, req.contentType, res.StatusCode)
			}
			checkVietnameseError(t, raw, r.Errors, "BAD_USER_INPUT", "Content-Type: application/json")
		}
	})
}

func checkVietnameseError(t *testing.T, raw []byte, errors []map[string]any, code, says string) {
	t.Helper()
	if len(errors) == 0 {
		t.Fatalf("want an error, got %s", raw)
	}
	msg, _ := errors[0]["message"].(string)
	ext, _ := errors[0]["extensions"].(map[string]any)
	if got, _ := ext["code"].(string); got != code {
		t.Errorf("code %q, want %q: %s", got, code, raw)
	}
	if !strings.Contains(msg, says) {
		t.Errorf("message %q, want it to say %q", msg, says)
	}
	vi := false
	for _, r := range msg {
		vi = vi || (r > unicode.MaxASCII && unicode.IsLetter(r))
	}
	if !vi || english.MatchString(strings.NewReplacer("<EOF>", "", "Content-Type", "").Replace(msg)) {
		t.Errorf("message not in Vietnamese: %q", msg)
	}
}
