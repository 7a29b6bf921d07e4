package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hotro/internal/auth"
	"hotro/internal/errs"
)

// HashOperation returns the hex SHA-256 of an operation's text, its name in the allow-list.
func HashOperation(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// publicGate lets anonymous callers run only allow-listed documents (sent as text or by hash, the
// Apollo persisted-query way), with introspection off. Signed-in callers may also send an
// allow-listed document by hash.
type publicGate struct {
	allowed map[string]string // hash -> document
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = publicGate{}

func (publicGate) ExtensionName() string                   { return "PublicGate" }
func (publicGate) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs before the document is parsed: a refused document costs nothing.
func (g publicGate) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash := persistedHash(p.Extensions)
	if hash != "" {
		doc, ok := g.allowed[hash]
		if !ok {
			e := gqlerror.Errorf("Không có truy vấn đã lưu với mã băm này.")
			e.Extensions = map[string]any{"code": "PERSISTED_QUERY_NOT_FOUND"}
			return e
		}
		if p.Query != "" && p.Query != doc {
			return refused("Nội dung truy vấn không khớp mã băm.")
		}
		p.Query = doc
		return nil
	}
	if auth.FromContext(ctx).SignedIn() {
		return nil
	}
	if _, ok := g.allowed[HashOperation(p.Query)]; !ok {
		return refused("Khách chưa đăng nhập chỉ được chạy các truy vấn công khai của hệ thống. Vui lòng đăng nhập để truy vấn tự do.")
	}
	return nil
}

// MutateOperationContext turns introspection off for anonymous callers.
func (publicGate) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if !auth.FromContext(ctx).SignedIn() {
		rc.DisableIntrospection = true
	}
	return nil
}

func refused(msg string) *gqlerror.Error {
	e := gqlerror.Errorf("%s", msg)
	e.Extensions = map[string]any{"code": errs.Permission.Code()}
	return e
}

func persistedHash(ext map[string]any) string {
	pq, ok := ext["persistedQuery"].(map[string]any)
	if !ok {
		return ""
	}
	h, _ := pq["sha256Hash"].(string)
	return h
}
