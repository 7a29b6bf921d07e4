// Package errs is hotro's one error vocabulary: every failure has a kind, and a message a person can act on.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies an error so that every adapter (GraphQL, HTTP, CLI) can present it the same way.
type Kind int

// The kinds of error. Their Code is what clients see in extensions.code.
const (
	Other        Kind = iota // not classified: treated as internal
	Invalid                  // the input is wrong; the message says how
	NotFound                 // the thing asked for does not exist (or is not visible to the caller)
	Conflict                 // the write clashes with existing data or with the thing's state
	Permission               // the caller is known but may not do this
	Unauthorized             // the caller must sign in first
	TooComplex               // the request exceeds a limit (depth, cost, size, rate)
	Unavailable              // a dependency (the database) is down or too slow; try again
	Internal                 // a bug or an unexpected failure; details stay in the log
)

var codes = map[Kind]string{
	Other:        "INTERNAL",
	Invalid:      "BAD_USER_INPUT",
	NotFound:     "NOT_FOUND",
	Conflict:     "CONFLICT",
	Permission:   "FORBIDDEN",
	Unauthorized: "UNAUTHENTICATED",
	TooComplex:   "TOO_COMPLEX",
	Unavailable:  "UNAVAILABLE",
	Internal:     "INTERNAL",
}

// Code is the stable machine-readable name of the kind.
func (k Kind) Code() string { return codes[k] }

func (k Kind) String() string { return k.Code() }

// HTTPStatus is the HTTP status an answer with an error of the kind carries (a handler may be more
// precise: 429 for a rate, 413 for a body too large). internal/httperr writes such answers.
func (k Kind) HTTPStatus() int {
	switch k {
	case Invalid:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Permission:
		return http.StatusForbidden
	case Unauthorized:
		return http.StatusUnauthorized
	case TooComplex:
		return http.StatusUnprocessableEntity
	case Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Error is an error with an operation, a kind and a message meant for the person who caused it.
type Error struct {
	Op   string // the operation, "pkg: verb", for logs
	Kind Kind
	Msg  string // shown to the client; in Vietnamese where a ward officer or leader reads it
	Err  error  // the cause, for logs only; never shown to a client
}

// E builds an Error. The arguments may be, in any order: an Op (string first), a Kind, a message
// given with Msg, and a cause error. A cause that is itself an *Error lends its kind and message
// when they are not given.
func E(op string, args ...any) error {
	e := &Error{Op: op}
	for _, a := range args {
		switch v := a.(type) {
		case Kind:
			e.Kind = v
		case Msg:
			e.Msg = string(v)
		case error:
			e.Err = v
		default:
			panic(fmt.Sprintf("errs.E: unexpected argument %T", a))
		}
	}
	var inner *Error
	if errors.As(e.Err, &inner) {
		if e.Kind == Other {
			e.Kind = inner.Kind
		}
		if e.Msg == "" {
			e.Msg = inner.Msg
		}
	}
	return e
}

// Msg marks a string argument of E as the client-facing message.
type Msg string

// Msgf formats a client-facing message.
func Msgf(format string, args ...any) Msg { return Msg(fmt.Sprintf(format, args...)) }

func (e *Error) Error() string {
	s := e.Op
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the outermost classified error in err's chain, or Other.
func KindOf(err error) Kind {
	var e *Error
	for errors.As(err, &e) {
		if e.Kind != Other {
			return e.Kind
		}
		err = e.Err
	}
	return Other
}

// Is reports whether err is of kind k.
func Is(k Kind, err error) bool { return err != nil && KindOf(err) == k }

// Message returns the client-facing message of err. Errors that carry none, or internal ones,
// get a generic message so that no SQL text or stack ever reaches a client.
func Message(err error) string {
	var e *Error
	k := KindOf(err)
	if k == Other || k == Internal {
		return "Lỗi hệ thống, vui lòng thử lại sau."
	}
	for errors.As(err, &e) {
		if e.Msg != "" {
			return e.Msg
		}
		err = e.Err
	}
	return defaultMessages[k]
}

var defaultMessages = map[Kind]string{
	Invalid:      "Dữ liệu không hợp lệ.",
	NotFound:     "Không tìm thấy.",
	Conflict:     "Xung đột với dữ liệu hiện có.",
	Permission:   "Bạn không có quyền thực hiện thao tác này.",
	Unauthorized: "Vui lòng đăng nhập.",
	TooComplex:   "Yêu cầu vượt quá giới hạn cho phép.",
	Unavailable:  "Cơ sở dữ liệu tạm thời không phản hồi, vui lòng thử lại.",
}
