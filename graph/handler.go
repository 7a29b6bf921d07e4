package graph

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"hotro/internal/errs"
	"hotro/internal/reference"
)

// Options tune the GraphQL handler.
type Options struct {
	Logger *slog.Logger
	// Classify names the kind of an error no domain package classified (database down, timeout).
	Classify func(error) errs.Kind
	// Limits bound the shape and cost of one operation (zero: DefaultLimits).
	Limits Limits
	// PublicOperations are the documents anonymous callers may run.
	PublicOperations []string
	// Metrics, when set, counts operations and errors by code. Operations are counted by name when
	// they are named in PublicOperations, else as "adhoc", so clients cannot grow the series.
	Metrics Recorder
	// Generic answers every operation as gqlgen alone does: through its generic execution and its
	// POST transport. By default the queries that ask only for stats are written directly
	// (directSchema) and answers with data only are sent without re-encoding (postTransport): the
	// same bytes, for a fraction of the time.
	Generic bool
	// Writes, when set, is told when a mutation begins and ends (rollup.Resident: data held in memory
	// is read again at every answer meanwhile, so that whoever wrote reads what they wrote).
	Writes Writes
}

// Writes is told of the mutations under way.
type Writes interface {
	BeginWrite()
	EndWrite()
}

// Recorder counts operations and errors for monitoring.
type Recorder interface {
	Operation(name string, failed bool, took time.Duration)
	Error(code string)
}

// NewHandler returns the GraphQL HTTP handler over the resolver, with explicit transports, a parsed
// query cache, shape and cost limits, a bound on concurrent expensive operations, per-operation
// dataloaders and the error presenter (which logs a few lines per operation at most).
func NewHandler(r *Resolver, opt Options) *handler.Server {
	if opt.Limits == (Limits{}) {
		opt.Limits = DefaultLimits
	}
	if opt.Classify == nil {
		opt.Classify = func(error) errs.Kind { return errs.Internal }
	}
	allowed := make(map[string]string, len(opt.PublicOperations))
	for _, doc := range opt.PublicOperations {
		allowed[HashOperation(doc)] = doc
	}
	// The resolvers' stats go through serialEngine, on a copy: the caller's resolver is left as is.
	serial := *r
	serial.Stats = serialEngine{r.Stats}
	r = &serial
	cfg := Config{Resolvers: r}
	setComplexity(&cfg.Complexity)
	es := NewExecutableSchema(cfg)
	if !opt.Generic {
		es = newDirectSchema(es)
	}
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	if opt.Generic {
		srv.AddTransport(transport.POST{})
	} else {
		srv.AddTransport(postTransport{})
	}
	srv.AddTransport(refusedTransport{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(opt.Limits.MaxTokens)
	srv.Use(publicGate{allowed: allowed})
	srv.Use(extension.Introspection{})
	srv.Use(shapeLimit{opt.Limits})
	srv.Use(&costLimit{max: opt.Limits.MaxComplexity, known: lru.New[int](1000)})
	known := map[string]bool{}
	for _, doc := range opt.PublicOperations {
		if parsed, err := parser.ParseQuery(&ast.Source{Input: doc}); err == nil {
			for _, op := range parsed.Operations {
				known[op.Name] = op.Name != ""
			}
		}
	}
	if opt.Limits.MaxExpensive <= 0 {
		opt.Limits.MaxExpensive = max(1, runtime.GOMAXPROCS(0)/2)
	}
	expensive := newGate(opt.Limits.MaxExpensive)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		start := time.Now()
		name := "adhoc"
		if oc := graphql.GetOperationContext(ctx); oc != nil && known[oc.OperationName] {
			name = oc.OperationName
		}
		record := func(resp *graphql.Response) {
			if opt.Metrics != nil {
				opt.Metrics.Operation(name, resp == nil || len(resp.Errors) > 0, time.Since(start))
			}
		}
		release := func() {}
		if operationCost(ctx) > opt.Limits.ExpensiveCost {
			ctx = withEngineTurns(ctx)
			var err *gqlerror.Error
			if release, err = expensive.enter(ctx); err != nil {
				resp := &graphql.Response{Errors: gqlerror.List{err}}
				record(resp)
				if opt.Metrics != nil {
					opt.Metrics.Error(errs.Unavailable.Code())
				}
				return graphql.OneShot(resp)
			}
		}
		if oc := graphql.GetOperationContext(ctx); opt.Writes != nil && oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Mutation {
			opt.Writes.BeginWrite()
			inner := release
			release = func() { inner(); opt.Writes.EndWrite() }
		}
		budget := &logBudget{}
		respond := next(withLogBudget(reference.WithRequest(withLazyLoaders(ctx, r)), budget))
		done := false
		return func(ctx context.Context) *graphql.Response {
			resp := respond(ctx)
			if !done {
				done = true
				release()
				budget.flush(ctx, opt.Logger)
				record(resp)
			}
			return resp
		}
	})
	// Last, so that it is the outermost: it sees every answer, the gates' and limits' too.
	srv.Use(cacheOutcome{})
	srv.SetErrorPresenter(presentError(opt.Logger, opt.Classify, opt.Metrics))
	srv.SetRecoverFunc(recoverPanic(opt.Logger))
	return srv
}
