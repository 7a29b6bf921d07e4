package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"hotro/internal/respcache"
)

// cacheOutcome tells the caches in front of the handler (respcache) that an answer reports errors:
// GraphQL sends those with status 200, and neither the response cache nor a shared cache may keep
// them. It wraps every operation (registered last, it is the outermost, so it sees what the gates
// and limits answer too) and every error answer made before an operation runs (a document that does
// not validate).
type cacheOutcome struct{}

var (
	_ graphql.HandlerExtension     = cacheOutcome{}
	_ graphql.OperationInterceptor = cacheOutcome{}
	_ graphql.ResponseInterceptor  = cacheOutcome{}
)

func (cacheOutcome) ExtensionName() string { return "CacheOutcome" }

func (cacheOutcome) Validate(graphql.ExecutableSchema) error { return nil }

func (cacheOutcome) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	respond := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if resp != nil && len(resp.Errors) > 0 {
			respcache.Failed(ctx)
		}
		return resp
	}
}

func (cacheOutcome) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		respcache.Failed(ctx)
	}
	return resp
}
