package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hotro/internal/errs"
)

// presentError turns any error into what the client sees: a message it can act on and
// extensions.code from the one error vocabulary. SQL text and stacks go only to the log.
func presentError(log *slog.Logger, classify func(error) errs.Kind, metrics Recorder) graphql.ErrorPresenterFunc {
	present := presentErrorKind(log, classify)
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := present(ctx, err)
		if metrics != nil {
			code, _ := gqlErr.Extensions["code"].(string)
			metrics.Error(code)
		}
		return gqlErr
	}
}

func presentErrorKind(log *slog.Logger, classify func(error) errs.Kind) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		var own *errs.Error
		if !errors.As(err, &own) {
			if _, ok := gqlErr.Extensions["code"]; ok {
				// gqlgen's own: parse and validation errors, which name what is wrong.
				return gqlErr
			}
			var gErr *gqlerror.Error
			if errors.As(err, &gErr) && gErr.Err == nil {
				// An error gqlgen built from the request itself (a bad argument): say what it says,
				// except that a body it could not decode is quoted back whole, passwords and tokens
				// with it: say only that it is not JSON of a GraphQL request.
				if strings.HasPrefix(gErr.Message, undecodableBody) {
					gqlErr.Message = "Nội dung yêu cầu không phải JSON hợp lệ của một yêu cầu GraphQL."
				}
				gqlErr.Extensions["code"] = errs.Invalid.Code()
				return gqlErr
			}
		}
		kind := errs.KindOf(err)
		if kind == errs.Other {
			kind = classify(err)
			err = errs.E("graph", kind, err)
		}
		gqlErr.Message = errs.Message(err)
		gqlErr.Extensions["code"] = kind.Code()
		switch kind {
		case errs.Internal, errs.Other:
			log.ErrorContext(ctx, "request failed", "err", err, "path", gqlErr.Path.String())
		case errs.Unavailable:
			log.WarnContext(ctx, "database unavailable", "err", err, "path", gqlErr.Path.String())
		}
		return gqlErr
	}
}

// undecodableBody starts gqlgen's message for a POST body it could not decode (which goes on to quote
// the body).
const undecodableBody = "json request body could not be decoded"

// recoverPanic logs a resolver panic with its value and hides it from the client.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "resolver panic", "panic", fmt.Sprint(p))
		return errs.E("graph: panic", errs.Internal, fmt.Errorf("panic: %v", p))
	}
}
