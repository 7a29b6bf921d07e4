// Package dbtest gives tests a fresh, migrated database on every dialect hotro supports: a real
// SQLite file and a real PostgreSQL schema, never a mock.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	"hotro/internal/db"
)

// PostgresURL is the server tests use: TEST_DATABASE_URL, or the local server of the README.
func PostgresURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Dialects lists the dialects to test on. HOTRO_TEST_DIALECTS=sqlite limits a local run to SQLite;
// CI always runs both.
func Dialects() []db.Dialect {
	switch os.Getenv("HOTRO_TEST_DIALECTS") {
	case "sqlite":
		return []db.Dialect{db.SQLite}
	case "postgres":
		return []db.Dialect{db.Postgres}
	}
	return []db.Dialect{db.SQLite, db.Postgres}
}

// Each runs fn once per dialect, each time on a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *bun.DB)) {
	t.Helper()
	for _, dialect := range Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, Open(t, dialect))
		})
	}
}

// Open returns a fresh, migrated database of the dialect, removed when the test ends.
func Open(t testing.TB, dialect db.Dialect) *bun.DB {
	t.Helper()
	target := Target(t, dialect)
	d, err := db.Open(context.Background(), target, db.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := db.MigrateUp(context.Background(), d); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return d
}

// Target returns an empty database of the dialect, without migrating it: a SQLite file in the
// test's temporary directory, or a new schema on the test PostgreSQL server.
func Target(t testing.TB, dialect db.Dialect) db.Target {
	t.Helper()
	if dialect == db.SQLite {
		return db.Target{Dialect: db.SQLite, DSN: filepath.Join(t.TempDir(), "hotro.db")}
	}
	return db.Target{Dialect: db.Postgres, DSN: NewSchema(t)}
}

// NewSchema creates an empty schema on the test server and returns a URL whose search_path is it.
// The schema is dropped when the test ends.
func NewSchema(t testing.TB) string {
	t.Helper()
	schema := create(t, "test_", "CREATE SCHEMA %s", "DROP SCHEMA %s CASCADE")
	return withURL(t, func(u *url.URL, q url.Values) { q.Set("search_path", schema) })
}

// NewDatabase creates an empty database on the test server and returns its URL; it is dropped when
// the test ends. Use it where a whole database is needed (dumps and restores); schemas are cheaper.
func NewDatabase(t testing.TB) string {
	t.Helper()
	name := create(t, "hotro_test_", "CREATE DATABASE %s", "DROP DATABASE IF EXISTS %s WITH (FORCE)")
	return withURL(t, func(u *url.URL, q url.Values) {
		u.Path = "/" + name
		q.Del("search_path")
	})
}

// create runs the statement for a new random name on the test server, and the drop statement
// when the test ends.
func create(t testing.TB, prefix, createStmt, dropStmt string) string {
	t.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	var buf [6]byte
	_, _ = rand.Read(buf[:])
	name := prefix + hex.EncodeToString(buf[:])
	if _, err := admin.Exec(fmt.Sprintf(createStmt, name)); err != nil {
		t.Fatalf("postgres at %s is needed for this test (start it, or set TEST_DATABASE_URL; HOTRO_TEST_DIALECTS=sqlite skips it locally): %v", base, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(fmt.Sprintf(dropStmt, name))
	})
	return name
}

// withURL returns the test server's URL changed by edit.
func withURL(t testing.TB, edit func(u *url.URL, q url.Values)) string {
	t.Helper()
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	edit(u, q)
	u.RawQuery = q.Encode()
	return u.String()
}

var _ = stdlib.GetDefaultDriver // registers the "pgx" database/sql driver
