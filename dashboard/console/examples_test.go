package console_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"hotro/dashboard/console"
	"hotro/graph"
	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// Every example is one named query that the schema accepts, with no variables to fill in.
func TestExamplesAreValidAgainstTheSchema(t *testing.T) {
	schema := graph.Schema()
	srv := httptest.NewServer(console.Handler())
	defer srv.Close()
	names := map[string]string{}
	for _, e := range examplesOf(t, srv.URL+"/graphiql") {
		t.Run(e.Name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(schema, e.Query, rules.NewDefaultRules())
			if len(errs) > 0 {
				t.Fatalf("invalid against the schema: %v", errs)
			}
			if len(doc.Operations) != 1 {
				t.Fatalf("%d operations, want 1", len(doc.Operations))
			}
			op := doc.Operations[0]
			if op.Operation != ast.Query || op.Name == "" {
				t.Errorf("operation %q %q: want a named query (its name is the tab's title)", op.Operation, op.Name)
			}
			if len(op.VariableDefinitions) > 0 {
				t.Errorf("uses variables: an example must run as it is")
			}
			if other, ok := names[op.Name]; ok {
				t.Errorf("operation name %s is also used by %s", op.Name, other)
			}
			names[op.Name] = e.Name
		})
	}
}

// Every example runs without errors on the demo data through the whole of hotro, for a signed-in
// analyst (the people the console is for), and returns something.
func TestExamplesRunOnTheDemoData(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), nil)
	analyst := srv.NewClient()
	analyst.SignIn(t, "phantich", seedtest.DemoPassword)
	for _, e := range examplesOf(t, srv.URL+"/graphiql") {
		t.Run(e.Name, func(t *testing.T) {
			res := analyst.GraphQL(t, e.Query, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %s", res.Raw)
			}
			var data map[string]any
			if err := json.Unmarshal(res.Data, &data); err != nil || len(data) == 0 {
				t.Fatalf("no data: %s", res.Raw)
			}
			for field, v := range data {
				if empty(v) {
					t.Errorf("%s is empty on the demo data: an example should show something", field)
				}
			}
		})
	}
}

// empty reports whether v is null, an empty list, or an object whose rows are an empty list.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case []any:
		return len(v) == 0
	case map[string]any:
		if rows, ok := v["rows"].([]any); ok {
			return len(rows) == 0
		}
	}
	return false
}
