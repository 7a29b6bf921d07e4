package graph

import (
	"context"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hotro/internal/errs"
	"hotro/internal/vntext"
)

// Limits bound the shape of one operation, so that a hostile document is refused after parsing
// and before any resolver runs.
type Limits struct {
	MaxDepth      int // nesting of selections
	MaxAliases    int // aliased fields
	MaxDirectives int // directives used
	MaxTokens     int // lexical tokens (checked by the parser)
	MaxComplexity int // cost: a list field costs the most items it may return times its selection
	// ExpensiveCost is the cost above which an operation waits for one of MaxExpensive slots before
	// it runs (0: half the CPUs, at least one), and runs its aggregations one at a time, so that a
	// few heavy operations leave CPUs to the simple ones.
	ExpensiveCost int
	MaxExpensive  int
}

// DefaultLimits fit every dashboard and example query with room to spare.
var DefaultLimits = Limits{MaxDepth: 12, MaxAliases: 30, MaxDirectives: 50, MaxTokens: 5000,
	MaxComplexity: 100_000, ExpensiveCost: 5_000}

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

// costLimit prices the operation (see setComplexity) and refuses it when it costs more than max,
// before any resolver runs. The cost stays in the operation's stats for the handler.
type costLimit struct {
	max    int
	schema graphql.ExecutableSchema
	// known keeps the cost of operations that declare no variable (their cost depends on their
	// text alone), by operation name and text.
	known *lru.LRU[int]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*costLimit)(nil)

const costExtension = "Cost"

func (*costLimit) ExtensionName() string { return costExtension }

func (l *costLimit) Validate(schema graphql.ExecutableSchema) error {
	l.schema = schema
	return nil
}

func (l *costLimit) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	key := ""
	if l.known != nil && rc.RawQuery != "" && len(rc.Operation.VariableDefinitions) == 0 {
		key = rc.OperationName + "\x00" + rc.RawQuery
	}
	cost, ok := 0, false
	if key != "" {
		cost, ok = l.known.Get(ctx, key)
	}
	if !ok {
		cost = complexity.Calculate(ctx, l.schema, rc.Operation, rc.Variables)
		if key != "" {
			l.known.Add(ctx, key, cost)
		}
	}
	rc.Stats.SetExtension(costExtension, cost)
	if cost > l.max {
		return tooComplex("Truy vấn quá tốn kém (chi phí ước tính %s, tối đa %s): mỗi danh sách được tính theo số phần tử lớn nhất nó có thể trả về. Hãy lọc hẹp hơn (districts, wards), dùng first, hoặc dùng stats(groupBy: [WARD]) thay cho stats của từng xã.",
			vntext.Number(int64(min(cost, costCeiling))), vntext.Number(int64(l.max)))
	}
	return nil
}

// operationCost is the cost costLimit put on the operation of ctx (0 when none).
func operationCost(ctx context.Context) int {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil {
		return 0
	}
	cost, _ := oc.Stats.GetExtension(costExtension).(int)
	return cost
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
