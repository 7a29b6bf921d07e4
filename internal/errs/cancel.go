package errs

import (
	"context"
	"errors"
)

// CanceledByClient reports whether a failure is the client going away: the browser cancelled the
// request (a new filter replaced the old one, the page was closed), so the request's context was
// cancelled and whatever the database said after that is no news of the database. Such a failure
// is not logged as the database being unavailable. A deadline that passed is not a cancellation:
// that is the database being too slow.
func CanceledByClient(ctx context.Context, err error) bool {
	if ctx != nil && errors.Is(ctx.Err(), context.Canceled) && !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return true
	}
	return errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
