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
	// ComplexityLimit bounds the cost of one operation (0: 5,000).
	ComplexityLimit int
}

// NewHandler returns the GraphQL HTTP handler over the resolver, with explicit transports, a parsed
// query cache, a complexity limit, per-operation dataloaders and the error presenter.
func NewHandler(r *Resolver, opt Options) *handler.Server {
	if opt.ComplexityLimit == 0 {
		opt.ComplexityLimit = 5000
	}
	if opt.Classify == nil {
		opt.Classify = func(error) errs.Kind { return errs.Internal }
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(opt.ComplexityLimit))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(WithLoaders(ctx, r.NewLoaders()))
	})
	srv.SetErrorPresenter(presentError(opt.Logger, opt.Classify))
	srv.SetRecoverFunc(recoverPanic(opt.Logger))
	return srv
}
