package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"hotro/internal/errs"
)

// Classify tells what kind of failure a database error is, for errors that no domain package
// classified: a database that is down, too slow, full or read-only is Unavailable (try again later);
// a constraint the data broke is a Conflict; anything else is Internal.
func Classify(err error) errs.Kind {
	if k := errs.KindOf(err); k != errs.Other {
		return k
	}
	var pgErr *pgconn.PgError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return errs.Unavailable
	case errors.As(err, &pgErr):
		switch {
		case pgErr.Code == "57014", // query_canceled: statement_timeout
			strings.HasPrefix(pgErr.Code, "08"),                                 // connection exceptions
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // shutting down, cannot connect now
			pgErr.Code == "53100", pgErr.Code == "53300", // disk full, too many connections
			pgErr.Code == "25006": // read-only transaction (a replica)
			return errs.Unavailable
		case strings.HasPrefix(pgErr.Code, "23"): // integrity constraint violations
			return errs.Conflict
		}
		return errs.Internal
	case errors.As(err, &netErr), errors.Is(err, driver.ErrBadConn), pgconn.SafeToRetry(err):
		return errs.Unavailable
	}
	msg := err.Error()
	for _, s := range []string{"SQLITE_BUSY", "database is locked", "SQLITE_FULL", "database or disk is full",
		"SQLITE_READONLY", "attempt to write a readonly database", "failed to connect", "connection refused",
		"conn closed", "unexpected EOF"} {
		if strings.Contains(msg, s) {
			return errs.Unavailable
		}
	}
	if strings.Contains(msg, "constraint failed") {
		return errs.Conflict
	}
	return errs.Internal
}
