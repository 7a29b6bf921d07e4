package graph

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// Schema is built from every graph/*.graphqls file (the generated code embeds them): documents
// checked against it are checked against the schema files as they are.
func TestSchemaHoldsEverySourceFile(t *testing.T) {
	files, err := filepath.Glob("*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v (found %d)", err, len(files))
	}
	var sources []string
	note := func(builtIn bool, pos *ast.Position) {
		if !builtIn && pos != nil && pos.Src != nil && !slices.Contains(sources, pos.Src.Name) {
			sources = append(sources, pos.Src.Name)
		}
	}
	for _, def := range Schema().Types {
		note(def.BuiltIn, def.Position)
		for _, f := range def.Fields { // a file may only extend a type
			note(def.BuiltIn, f.Position)
		}
	}
	slices.Sort(sources)
	if !slices.Equal(sources, files) {
		t.Errorf("types come from %v, want every schema file %v", sources, files)
	}
	if q := Schema().Query; q == nil || q.Fields.ForName("stats") == nil {
		t.Error("the schema has no Query.stats")
	}
}
