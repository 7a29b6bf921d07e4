package db

import (
	"context"
	"database/sql"

	"github.com/uptrace/bun"
)

// Querier is the part of database/sql that sends bind parameters apart from the statement.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// SQLOf returns the database/sql handle behind a bun database, transaction or connection, for
// statements with bind parameters (bun writes parameters into the statement's text, which costs
// parsing on large arrays).
func SQLOf(idb bun.IDB) (Querier, bool) {
	switch x := idb.(type) {
	case bun.Tx:
		return x.Tx, true
	case *bun.Tx:
		return x.Tx, true
	case *bun.DB:
		return x.DB, true
	case bun.Conn:
		return x.Conn, true
	}
	return nil, false
}
