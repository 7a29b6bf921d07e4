package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hotro/internal/errs"
)

// Limits bound the shape of one operation, so that a hostile document is refused after parsing
// and before any resolver runs.
type Limits struct {
	MaxDepth      int // nesting of selections
	MaxAliases    int // aliased fields
	MaxDirectives int // directives used
	MaxTokens     int // lexical tokens (checked by the parser)
	MaxComplexity int // cost; a list field costs its page size times its selection
}

// DefaultLimits fit every dashboard and example query with room to spare.
var DefaultLimits = Limits{MaxDepth: 12, MaxAliases: 30, MaxDirectives: 50, MaxTokens: 5000, MaxComplexity: 100_000}

type shapeLimit struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext measures the operation and refuses it when it is too deep or has too
// many aliases or directives.
func (l shapeLimit) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	m := measure{doc: rc.Doc, seen: map[string]bool{}}
	depth := m.depth(rc.Operation.SelectionSet, 1)
	m.directives += len(rc.Operation.Directives)
	switch {
	case depth > l.MaxDepth:
		return tooComplex("Truy vấn lồng quá sâu (%d tầng, tối đa %d).", depth, l.MaxDepth)
	case m.aliases > l.MaxAliases:
		return tooComplex("Truy vấn có quá nhiều bí danh (%d, tối đa %d).", m.aliases, l.MaxAliases)
	case m.directives > l.MaxDirectives:
		return tooComplex("Truy vấn có quá nhiều chỉ thị (%d, tối đa %d).", m.directives, l.MaxDirectives)
	}
	return nil
}

func tooComplex(format string, args ...any) *gqlerror.Error {
	e := gqlerror.Errorf("%s", errs.Msgf(format, args...))
	e.Extensions = map[string]any{"code": errs.TooComplex.Code()}
	return e
}

// measure walks a selection set, following fragments once each (the validator has already refused
// fragment cycles).
type measure struct {
	doc                 *ast.QueryDocument
	seen                map[string]bool
	aliases, directives int
}

func (m *measure) depth(set ast.SelectionSet, level int) int {
	deepest := level - 1
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			m.directives += len(s.Directives)
			if s.Alias != "" && s.Alias != s.Name {
				m.aliases++
			}
			deepest = max(deepest, level)
			if len(s.SelectionSet) > 0 {
				deepest = max(deepest, m.depth(s.SelectionSet, level+1))
			}
		case *ast.InlineFragment:
			m.directives += len(s.Directives)
			deepest = max(deepest, m.depth(s.SelectionSet, level))
		case *ast.FragmentSpread:
			m.directives += len(s.Directives)
			f := m.doc.Fragments.ForName(s.Name)
			if f == nil {
				continue
			}
			if m.seen[s.Name] {
				// Counted once for aliases and directives; its depth still counts where it is used.
				saved := *m
				deepest = max(deepest, m.depth(f.SelectionSet, level))
				m.aliases, m.directives = saved.aliases, saved.directives
				continue
			}
			m.seen[s.Name] = true
			deepest = max(deepest, m.depth(f.SelectionSet, level))
		}
	}
	return deepest
}
