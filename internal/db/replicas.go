package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"hotro/internal/errs"
)

// ParseReplicaURLs reads a list of replica URLs (config reads DATABASE_REPLICA_URLS with it): PostgreSQL URLs of streaming replicas of the primary,
// separated by commas. Empty means none.
func ParseReplicaURLs(raw string) ([]Target, error) {
	var out []Target
	for i, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		t, err := ParseURL(part)
		if err != nil {
			return nil, fmt.Errorf("replica %d: %w", i+1, err)
		}
		if t.Dialect != Postgres {
			return nil, fmt.Errorf("replica %d (%s) is not a PostgreSQL URL: replicas are PostgreSQL streaming replicas", i+1, t.Describe())
		}
		out = append(out, t)
	}
	return out, nil
}

// Router sends reads to PostgreSQL streaming replicas and writes to the primary. Reads use a pool
// whose connections all go to one replica while it answers, then to another that does, or to the
// primary when none does (see failover); so reads go on while the primary is down, and writes then
// fail with a clear message.
//
// A replica may lag the primary by a little: a read just after a write may not see it yet.
type Router struct {
	primary *bun.DB
	read    *bun.DB
}

// NewRouter returns a router over the open primary and the replicas; with no replicas, reads go to
// the primary. The replicas need not be up: they are dialled when a read needs a connection.
func NewRouter(primary *bun.DB, primaryTarget Target, replicas []Target, opt Options) (*Router, error) {
	r := &Router{primary: primary, read: primary}
	if len(replicas) == 0 {
		return r, nil
	}
	if DialectOf(primary) != Postgres || primaryTarget.Dialect != Postgres {
		return nil, errors.New("DATABASE_REPLICA_URLS needs DATABASE_URL to be PostgreSQL: replicas are PostgreSQL streaming replicas")
	}
	var conns []driver.Connector
	for _, t := range replicas {
		cfg, err := connConfig(t.DSN, opt)
		if err != nil {
			return nil, err
		}
		conns = append(conns, stdlib.GetConnector(*cfg, checkIdle))
	}
	cfg, err := connConfig(primaryTarget.DSN, opt)
	if err != nil {
		return nil, err
	}
	sqldb := sql.OpenDB(newFailover(conns, stdlib.GetConnector(*cfg, checkIdle)))
	sizePool(sqldb, opt)
	// Connections are renewed every few minutes (a long-lived one holds server memory).
	sqldb.SetConnMaxLifetime(5 * time.Minute)
	r.read = bun.NewDB(sqldb, pgdialect.New())
	return r, nil
}

// Primary is the database writes go to (and reads that must see the latest write).
func (r *Router) Primary() *bun.DB { return r.primary }

// Read is the database reads go to: a replica when there is one that answers.
func (r *Router) Read() *bun.DB { return r.read }

// Ready reports whether reads are answered.
func (r *Router) Ready(ctx context.Context) error { return r.read.PingContext(ctx) }

// Write runs fn in a transaction on the primary. When the primary cannot be reached, the error is
// Unavailable and says so in Vietnamese, the language of the people who write.
func (r *Router) Write(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	err := r.primary.RunInTx(ctx, nil, fn)
	if err != nil && errs.KindOf(err) == errs.Other && Classify(err) == errs.Unavailable {
		return errs.E("db: write", errs.Unavailable, ErrPrimaryDown, err)
	}
	return err
}

// ErrPrimaryDown is the message of a write refused because the primary does not answer.
const ErrPrimaryDown = errs.Msg("Máy chủ cơ sở dữ liệu chính đang không trả lời nên chưa ghi được thay đổi. Số liệu vẫn xem được; hãy thử ghi lại sau ít phút.")

// Close closes the read pool (the primary belongs to the caller).
func (r *Router) Close() error {
	if r.read != r.primary {
		return r.read.Close()
	}
	return nil
}

// checkIdle pings a read connection taken from the pool after a short idle, so that a connection to
// a server that went down is dropped (and another server dialled) instead of failing the read.
var checkIdle = stdlib.OptionShouldPing(func(_ context.Context, p stdlib.ShouldPingParams) bool {
	return p.IdleDuration > 100*time.Millisecond
})

// failover dials the replica the pool reads from, or when it does not answer the next one that
// does, which the pool reads from from then on; when none answers, the primary.
//
// Every connection of the pool goes to one server, not to each replica in turn: replicas lag by
// different amounts, and an answer must not be older than the data version it is cached under,
// read on another connection of the pool (a replica only moves forward, so a later read on the same
// one sees at least that version). When the pool moves to another server, a connection to the one
// it left is closed as it comes back to the pool (IsValid), so the pool is on one server again as
// soon as the requests under way end. Several instances spread their reads: each starts at a
// replica of its own, drawn at random.
type failover struct {
	replicas []driver.Connector
	primary  driver.Connector
	current  atomic.Int32 // the replica dialled first
	serving  atomic.Int32 // the server the pool reads from: a replica's index, or onPrimary
}

const onPrimary = -1

func newFailover(replicas []driver.Connector, primary driver.Connector) *failover {
	f := &failover{replicas: replicas, primary: primary}
	start := int32(rand.IntN(len(replicas)))
	f.current.Store(start)
	f.serving.Store(start)
	return f
}

func (f *failover) Connect(ctx context.Context) (driver.Conn, error) {
	start := int(f.current.Load())
	var errsSeen []error
	for i := range f.replicas {
		n := (start + i) % len(f.replicas)
		conn, err := f.replicas[n].Connect(ctx)
		if err == nil {
			f.current.Store(int32(n))
			return f.serve(conn, int32(n)), nil
		}
		errsSeen = append(errsSeen, err)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	conn, err := f.primary.Connect(ctx)
	if err != nil {
		return nil, errors.Join(append(errsSeen, err)...)
	}
	return f.serve(conn, onPrimary), nil
}

// serve makes server the one the pool reads from, and ties conn to it.
func (f *failover) serve(conn driver.Conn, server int32) driver.Conn {
	f.serving.Store(server)
	if c, ok := conn.(pgxConn); ok {
		return &serverConn{pgxConn: c, f: f, server: server}
	}
	return conn
}

// pgxConn is what database/sql uses of a pgx connection (stdlib.Conn).
type pgxConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.NamedValueChecker
	driver.SessionResetter
}

var _ pgxConn = (*stdlib.Conn)(nil)

// serverConn is a read connection and the server it goes to.
type serverConn struct {
	pgxConn
	f      *failover
	server int32
}

// IsValid tells database/sql to close the connection, rather than keep it, once the pool reads
// from another server.
func (c *serverConn) IsValid() bool { return c.f.serving.Load() == c.server }

func (f *failover) Driver() driver.Driver { return stdlib.GetDefaultDriver() }

// connConfig is pgConfig with a short connect timeout, so that a replica that is down is passed
// over quickly.
func connConfig(dsn string, opt Options) (*pgx.ConnConfig, error) {
	cfg, err := pgConfig(dsn, opt)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 2*time.Second {
		cfg.ConnectTimeout = 2 * time.Second
	}
	return cfg, nil
}
