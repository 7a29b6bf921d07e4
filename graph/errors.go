package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
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
			if code, ok := gqlErr.Extensions["code"]; ok {
				// gqlgen's own parse and validation errors name what is wrong, in English: say it in
				// Vietnamese. A document over the token limit is a limit like depth and cost.
				if code == errcode.ParseFailed || code == errcode.ValidationFailed {
					if m := tokenLimit.FindStringSubmatch(gqlErr.Message); m != nil {
						gqlErr.Message = fmt.Sprintf("Truy vấn quá dài (tối đa %s từ tố: tên, dấu ngoặc, giá trị): hãy bỏ bớt trường, dùng biến hoặc chia thành nhiều truy vấn.", m[1])
						gqlErr.Extensions["code"] = errs.TooComplex.Code()
						return gqlErr
					}
					gqlErr.Message = translateMessage(gqlErr.Message, gqlErr.Path)
				}
				return gqlErr
			}
			var gErr *gqlerror.Error
			if errors.As(err, &gErr) && gErr.Err == nil {
				// An error gqlgen built from the request itself (a bad argument): say what it says,
				// except that a body it could not decode is quoted back whole, passwords and tokens
				// with it: say only that it is not JSON of a GraphQL request.
				if strings.HasPrefix(gErr.Message, undecodableBody) {
					gqlErr.Message = "Nội dung yêu cầu không phải JSON hợp lệ của một yêu cầu GraphQL."
				} else if !vietnamese(gqlErr.Message) {
					gqlErr.Message = translateMessage(gqlErr.Message, gqlErr.Path)
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
			if logBudgetOf(ctx).take() {
				log.ErrorContext(ctx, "request failed", "err", err, "path", gqlErr.Path.String())
			}
		case errs.Unavailable:
			if errs.CanceledByClient(ctx, err) {
				// The browser went away (a new filter replaced the request): not the database.
				log.DebugContext(ctx, "request cancelled by the client", "path", gqlErr.Path.String())
				break
			}
			if logBudgetOf(ctx).take() {
				log.WarnContext(ctx, "database unavailable", "err", err, "path", gqlErr.Path.String())
			}
		}
		return gqlErr
	}
}

// maxLoggedErrors is how many errors of one operation are logged in full: a list whose every item
// fails (ten thousand wards) writes these and one line with the count of the rest.
const maxLoggedErrors = 3

// logBudget counts the errors one operation logged, so that it logs a few lines, not thousands.
type logBudget struct {
	mu             sync.Mutex
	logged, unseen int
}

type logBudgetKey struct{}

func withLogBudget(ctx context.Context, b *logBudget) context.Context {
	return context.WithValue(ctx, logBudgetKey{}, b)
}

// logBudgetOf returns the operation's budget; nil (no limit) outside an operation.
func logBudgetOf(ctx context.Context) *logBudget {
	b, _ := ctx.Value(logBudgetKey{}).(*logBudget)
	return b
}

// take reports whether one more error may be logged, and counts it when it may not.
func (b *logBudget) take() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.logged < maxLoggedErrors {
		b.logged++
		return true
	}
	b.unseen++
	return false
}

// flush logs one line with the number of errors take refused, if any.
func (b *logBudget) flush(ctx context.Context, log *slog.Logger) {
	b.mu.Lock()
	unseen := b.unseen
	b.mu.Unlock()
	if unseen > 0 && log != nil {
		log.ErrorContext(ctx, "request failed: more errors not logged", "logged", maxLoggedErrors, "not_logged", unseen)
	}
}

// undecodableBody starts gqlgen's message for a POST body it could not decode (which goes on to quote
// the body).
const undecodableBody = "json request body could not be decoded"

// recoverPanic logs a resolver panic with its value and hides it from the client.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		if logBudgetOf(ctx).take() {
			log.ErrorContext(ctx, "resolver panic", "panic", fmt.Sprint(p))
		}
		return errs.E("graph: panic", errs.Internal, fmt.Errorf("panic: %v", p))
	}
}
