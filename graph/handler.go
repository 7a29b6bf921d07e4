package graph

import (
	"context"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"hotro/internal/errs"
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
}

// NewHandler returns the GraphQL HTTP handler over the resolver, with explicit transports, a parsed
// query cache, a complexity limit, per-operation dataloaders and the error presenter.
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
	cfg := Config{Resolvers: r}
	setComplexity(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(opt.Limits.MaxTokens)
	srv.Use(publicGate{allowed: allowed})
	srv.Use(extension.Introspection{})
	srv.Use(shapeLimit{opt.Limits})
	srv.Use(extension.FixedComplexityLimit(opt.Limits.MaxComplexity))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(WithLoaders(ctx, r.NewLoaders()))
	})
	srv.SetErrorPresenter(presentError(opt.Logger, opt.Classify))
	srv.SetRecoverFunc(recoverPanic(opt.Logger))
	return srv
}
