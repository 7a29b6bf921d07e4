// Package httperr is the one way an HTTP handler answers with an error: the status of the error's
// kind (internal/errs), and the body {"error": "<message>", "code": "<errs code>"}, never SQL text.
package httperr

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"hotro/internal/errs"
)

// Body is the JSON of every error answer: the message a person can act on (in Vietnamese), and the
// stable code of its kind, as GraphQL gives it in extensions.code.
type Body struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// Write answers with status and the body of kind and message, not to be cached or sniffed.
func Write(w http.ResponseWriter, status int, kind errs.Kind, message string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Body{Error: message, Code: kind.Code()})
}

// WriteGraphQL answers a request to the GraphQL API with status and an error in GraphQL's shape:
// {"errors": [{"message": "<message>", "extensions": {"code": "<errs code>"}}], "data": null}.
func WriteGraphQL(w http.ResponseWriter, status int, kind errs.Kind, message string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	type graphQLError struct {
		Message    string            `json:"message"`
		Extensions map[string]string `json:"extensions"`
	}
	_ = json.NewEncoder(w).Encode(struct {
		Errors []graphQLError `json:"errors"`
		Data   *struct{}      `json:"data"`
	}{Errors: []graphQLError{{Message: message, Extensions: map[string]string{"code": kind.Code()}}}})
}

// Writer answers with errors the way one handler wants: how it classifies the errors no domain
// package did, and where it logs the failures its clients cannot act on. The zero Writer treats
// unclassified errors as internal and logs nothing.
type Writer struct {
	// Op names the handler in the log ("export", "auth").
	Op string
	// Classify names the kind of an error no domain package classified (db.Classify: the
	// database down or too slow). Nil: such errors are internal.
	Classify func(error) errs.Kind
	Logger   *slog.Logger // nil: discard
}

// Error answers r with err: the status of its kind, its client message. Internal failures are
// logged as errors, an unavailable database as a warning, with a Retry-After.
func (hw Writer) Error(w http.ResponseWriter, r *http.Request, err error) {
	hw.ErrorStatus(w, r, err, 0)
}

// ErrorStatus is Error with a status more precise than the kind's (429 for a rate, 413 for a body
// too large, 405 for a method); zero means the kind's.
func (hw Writer) ErrorStatus(w http.ResponseWriter, r *http.Request, err error, status int) {
	kind := errs.KindOf(err)
	if kind == errs.Other {
		kind = errs.Internal
		if hw.Classify != nil {
			kind = hw.Classify(err)
		}
		err = errs.E(hw.Op, kind, err)
	}
	if status == 0 {
		status = kind.HTTPStatus()
	}
	switch {
	case errs.CanceledByClient(r.Context(), err):
		// The browser cancelled the request: nobody reads the answer and the database is fine.
		hw.log().DebugContext(r.Context(), hw.Op+": request cancelled by the client", "path", r.URL.Path)
	case status == http.StatusInternalServerError:
		hw.log().ErrorContext(r.Context(), hw.Op+" failed", "err", err, "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery)
	case kind == errs.Unavailable:
		hw.log().WarnContext(r.Context(), hw.Op+": database unavailable", "err", err)
		w.Header().Set("Retry-After", "5")
	}
	Write(w, status, kind, errs.Message(err))
}

func (hw Writer) log() *slog.Logger {
	if hw.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return hw.Logger
}
