package graph

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hotro/internal/errs"
)

// refusedTransport is the last transport: it takes every request the others do not (a POST without
// Content-Type: application/json, a PUT) and answers with a GraphQL error in Vietnamese saying how
// to send one, where gqlgen would answer "transport not supported".
type refusedTransport struct{}

var _ graphql.Transport = refusedTransport{}

// Supports takes every request but the multipart uploads, which belong to the transport
// AcceptUploads adds after this one.
func (refusedTransport) Supports(r *http.Request) bool {
	return !(transport.MultipartForm{}).Supports(r)
}

func (refusedTransport) Do(w http.ResponseWriter, r *http.Request, _ graphql.GraphExecutor) {
	w.Header().Set("Content-Type", "application/json")
	status := http.StatusBadRequest
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		status = http.StatusMethodNotAllowed
	}
	transport.SendError(w, status, &gqlerror.Error{Message: transportMessage,
		Extensions: map[string]any{"code": errs.Invalid.Code()}})
}
