package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"
)

// fakeServer is a database server that answers or not.
type fakeServer struct {
	name string
	up   bool
}

// fakeConn stands for a pgx connection: only the server it goes to matters here.
type fakeConn struct{ server string }

var errNotUsed = errors.New("not used")

func (fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errNotUsed }
func (fakeConn) Close() error                        { return nil }
func (fakeConn) Begin() (driver.Tx, error)           { return nil, errNotUsed }
func (fakeConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return nil, errNotUsed
}
func (fakeConn) PrepareContext(context.Context, string) (driver.Stmt, error) { return nil, errNotUsed }
func (fakeConn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	return nil, errNotUsed
}
func (fakeConn) QueryContext(context.Context, string, []driver.NamedValue) (driver.Rows, error) {
	return nil, errNotUsed
}
func (fakeConn) Ping(context.Context) error               { return nil }
func (fakeConn) CheckNamedValue(*driver.NamedValue) error { return nil }
func (fakeConn) ResetSession(context.Context) error       { return nil }

// serverOf is the server a connection of the failover goes to.
func serverOf(t *testing.T, conn driver.Conn) (string, *serverConn) {
	t.Helper()
	sc, ok := conn.(*serverConn)
	if !ok {
		t.Fatalf("connection %T is not tied to its server", conn)
	}
	return sc.pgxConn.(fakeConn).server, sc
}

func (s *fakeServer) Connect(context.Context) (driver.Conn, error) {
	if !s.up {
		return nil, errors.New(s.name + " is down")
	}
	return fakeConn{s.name}, nil
}

func (s *fakeServer) Driver() driver.Driver { return nil }

// TestFailoverReadsFromOneReplica: every connection goes to the same replica while it answers, so
// that no answer is read from a replica behind the one its data version came from; when it stops
// answering, the next one that answers takes its place for good; with none, the primary.
func TestFailoverReadsFromOneReplica(t *testing.T) {
	a, b, c := &fakeServer{"a", true}, &fakeServer{"b", true}, &fakeServer{"c", true}
	primary := &fakeServer{"primary", true}
	f := newFailover([]driver.Connector{a, b, c}, primary)
	var held []*serverConn // connections the pool holds
	connect := func() string {
		t.Helper()
		conn, err := f.Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		server, sc := serverOf(t, conn)
		held = append(held, sc)
		return server
	}
	first := connect()
	for range 10 {
		if got := connect(); got != first {
			t.Fatalf("connections went to %s and %s", first, got)
		}
	}
	for _, c := range held {
		if !c.IsValid() {
			t.Fatal("a connection to the server the pool reads from is not kept")
		}
	}
	servers := map[string]*fakeServer{"a": a, "b": b, "c": c}
	servers[first].up = false
	second := connect()
	if second == first || second == "primary" {
		t.Fatalf("%s down: connected to %s", first, second)
	}
	// The connections to the server left are closed as they come back to the pool.
	for _, c := range held[:len(held)-1] {
		if c.IsValid() {
			t.Fatalf("a connection to %s, which the pool left for %s, is kept", first, second)
		}
	}
	if !held[len(held)-1].IsValid() {
		t.Fatalf("the connection to %s is not kept", second)
	}
	servers[first].up = true // back, but the pool stays where it moved
	for range 10 {
		if got := connect(); got != second {
			t.Fatalf("after the move to %s, a connection went to %s", second, got)
		}
	}
	a.up, b.up, c.up = false, false, false
	if got := connect(); got != "primary" {
		t.Errorf("no replica answers: connected to %s, want the primary", got)
	}
	// A replica answers again: the pool goes back to it, and leaves the primary's connections.
	onPrimary := held[len(held)-1]
	b.up = true
	if got := connect(); got != "b" {
		t.Errorf("b answers again: connected to %s", got)
	}
	if onPrimary.IsValid() {
		t.Error("the primary's connection is kept after the pool went back to a replica")
	}
	b.up, primary.up = false, false
	if _, err := f.Connect(context.Background()); err == nil {
		t.Error("nothing answers: connected")
	}
}

// TestFailoverSpreadsInstances: instances start at replicas drawn at random, so that several of
// them read from all the replicas.
func TestFailoverSpreadsInstances(t *testing.T) {
	replicas := []driver.Connector{&fakeServer{"a", true}, &fakeServer{"b", true}, &fakeServer{"c", true}}
	seen := map[string]bool{}
	for range 200 {
		conn, err := newFailover(replicas, &fakeServer{"primary", true}).Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		server, _ := serverOf(t, conn)
		seen[server] = true
	}
	if len(seen) != 3 {
		t.Errorf("200 instances read from %v, want all 3 replicas", seen)
	}
}
