package respcache

import (
	"context"
	"sync/atomic"
)

type versionKey struct{}

// WithVersion returns ctx carrying the data version the request's answer is tagged with (its ETag):
// a cache further in, and the release Publisher, read it from there, so that the answer and its tag
// agree.
func WithVersion(ctx context.Context, version int64) context.Context {
	return context.WithValue(ctx, versionKey{}, version)
}

// VersionOf returns the data version ctx carries, if any.
func VersionOf(ctx context.Context) (int64, bool) {
	v, ok := ctx.Value(versionKey{}).(int64)
	return v, ok
}

type outcomeKey struct{}

// outcome is what the handler of a request tells the caches in front of it about its answer.
type outcome struct{ failed atomic.Bool }

// withOutcome returns ctx carrying the request's outcome, the one it carries already if any (an
// ETag layer and a response cache in front of the same handler share it).
func withOutcome(ctx context.Context) (context.Context, *outcome) {
	if o, ok := ctx.Value(outcomeKey{}).(*outcome); ok {
		return ctx, o
	}
	o := &outcome{}
	return context.WithValue(ctx, outcomeKey{}, o), o
}

// Failed tells the caches in front of the request that its answer reports an error even though it
// is sent with status 200 (a GraphQL answer with errors, a database timeout for one): it is neither
// kept nor tagged for others to keep. Outside a cached request it does nothing.
func Failed(ctx context.Context) {
	if o, ok := ctx.Value(outcomeKey{}).(*outcome); ok {
		o.failed.Store(true)
	}
}

// Volatile tells the caches in front of the request that its answer changes without the data
// version moving (residents' reports and their answers): like a failed answer, it is neither kept
// nor tagged for others to keep, whether the document came as text or by hash alone.
func Volatile(ctx context.Context) { Failed(ctx) }
