// Package db opens hotro's database (PostgreSQL, or an embedded SQLite file by default) and migrates it.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// DefaultSQLitePath is where hotro keeps its data when DATABASE_URL is not set.
const DefaultSQLitePath = "data/hotro.db"

// Dialect names the SQL dialect of an open database.
type Dialect string

// The dialects hotro runs on.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Options tune a connection beyond its URL.
type Options struct {
	// StatementTimeout bounds every statement on PostgreSQL (0: no limit).
	StatementTimeout time.Duration
	// MaxOpenConns bounds the pool (0: a default suited to the dialect).
	MaxOpenConns int
	// PingTimeout bounds the first connection attempt.
	PingTimeout time.Duration
}

// Target is a parsed DATABASE_URL.
type Target struct {
	Dialect Dialect
	// DSN is the PostgreSQL URL, or the SQLite file path.
	DSN string
}

// ParseURL reads a database URL (config reads DATABASE_URL with it; its errors do not name the
// setting, which config adds): empty means the default SQLite file, postgres:// or postgresql://
// select PostgreSQL, sqlite:PATH or file:PATH or a plain path select SQLite.
func ParseURL(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return Target{SQLite, DefaultSQLitePath}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := pgx.ParseConfig(raw); err != nil {
			return Target{}, fmt.Errorf("not a valid PostgreSQL URL: %s", pgxReason(err))
		}
		return Target{Postgres, raw}, nil
	case strings.HasPrefix(raw, "sqlite://"):
		return sqliteTarget(strings.TrimPrefix(raw, "sqlite://"))
	case strings.HasPrefix(raw, "sqlite:"):
		return sqliteTarget(strings.TrimPrefix(raw, "sqlite:"))
	case strings.HasPrefix(raw, "file:"):
		return sqliteTarget(strings.TrimPrefix(raw, "file:"))
	case strings.Contains(raw, "://"):
		scheme, _, _ := strings.Cut(raw, "://")
		return Target{}, fmt.Errorf("scheme %q is not supported: use postgres://user@host:port/dbname or a SQLite file path", scheme)
	default:
		return sqliteTarget(raw)
	}
}

func sqliteTarget(path string) (Target, error) {
	if path == "" {
		return Target{}, errors.New("names SQLite but no file path")
	}
	if strings.ContainsAny(path, "?#") {
		return Target{}, fmt.Errorf("SQLite path %q must not carry parameters; hotro sets them", path)
	}
	return Target{SQLite, path}, nil
}

// pgxReason strips pgx's echo of the connection string from a parse error, keeping the reason.
func pgxReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "`: "); i >= 0 {
		return msg[i+3:]
	}
	return msg
}

// Open connects to the target and checks that the database answers. The error says, in one line,
// what is wrong: an unreachable server, a refused login, an unwritable file.
func Open(ctx context.Context, t Target, opt Options) (*bun.DB, error) {
	if opt.PingTimeout == 0 {
		opt.PingTimeout = 5 * time.Second
	}
	var (
		db  *bun.DB
		err error
	)
	switch t.Dialect {
	case Postgres:
		db, err = openPostgres(t.DSN, opt)
	case SQLite:
		db, err = openSQLite(t.DSN, opt)
	default:
		return nil, fmt.Errorf("unknown database dialect %q", t.Dialect)
	}
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, opt.PingTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the database (%s): %s", t.Describe(), pingReason(err))
	}
	return db, nil
}

// Describe names the target without any password, for logs and errors.
func (t Target) Describe() string {
	if t.Dialect == SQLite {
		return "SQLite " + t.DSN
	}
	u, err := url.Parse(t.DSN)
	if err != nil {
		return "PostgreSQL"
	}
	return "PostgreSQL " + u.Host + u.Path
}

func pingReason(err error) string {
	var netErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer within the timeout"
	case errors.As(err, &netErr):
		return netErr.Err.Error()
	}
	msg := err.Error()
	// pgx prefixes "failed to connect to `user=... database=...`: "; keep the reason.
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "failed to connect") {
		return msg[i+2:]
	}
	return msg
}

func openPostgres(dsn string, opt Options) (*bun.DB, error) {
	cfg, err := pgConfig(dsn, opt)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = opt.PingTimeout
	}
	sqldb := stdlib.OpenDB(*cfg)
	sizePool(sqldb, opt)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

// pgConfig is the pgx configuration hotro uses for a PostgreSQL URL, the primary's or a replica's.
func pgConfig(dsn string, opt Options) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("not a valid PostgreSQL URL: %s", pgxReason(err))
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	// Filtered aggregates are planned for their actual parameters; a generic plan chosen after
	// five executions can be far slower for skewed filters.
	cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	cfg.RuntimeParams["timezone"] = "Asia/Ho_Chi_Minh"
	if opt.StatementTimeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = fmt.Sprint(opt.StatementTimeout.Milliseconds())
	}
	return cfg, nil
}

// sizePool gives a PostgreSQL pool its size (opt.MaxOpenConns, default 20), idle connections kept.
func sizePool(sqldb *sql.DB, opt Options) {
	maxConns := opt.MaxOpenConns
	if maxConns == 0 {
		maxConns = 20
	}
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
}

func openSQLite(path string, opt Options) (*bun.DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("cannot create the directory for %s: %v", path, errors.Unwrap(err))
		}
	}
	// WAL lets readers go on while an import writes; immediate transactions avoid lock upgrades
	// that fail under concurrency; foreign keys are off in SQLite unless asked for.
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("cannot open SQLite file %s: %v", path, err)
	}
	maxConns := opt.MaxOpenConns
	if maxConns == 0 {
		maxConns = 4
	}
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}

// DialectOf tells which dialect db speaks.
func DialectOf(db bun.IDB) Dialect {
	if db.Dialect().Name() == dialect.PG {
		return Postgres
	}
	return SQLite
}
