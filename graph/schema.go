package graph

import "github.com/vektah/gqlparser/v2/ast"

// Schema returns the API's schema as the server executes it (graph/*.graphqls, embedded by the
// generated code): the one to check documents against that are sent to the API, such as the
// dashboard's operations and the console's examples.
func Schema() *ast.Schema { return NewExecutableSchema(Config{}).Schema() }
