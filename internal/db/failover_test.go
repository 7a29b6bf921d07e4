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

type fakeConn struct{ server string }

func (fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not used") }
func (fakeConn) Close() error                        { return nil }
func (fakeConn) Begin() (driver.Tx, error)           { return nil, errors.New("not used") }

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
	connect := func() string {
		t.Helper()
		conn, err := f.Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return conn.(fakeConn).server
	}
	first := connect()
	for range 10 {
		if got := connect(); got != first {
			t.Fatalf("connections went to %s and %s", first, got)
		}
	}
	servers := map[string]*fakeServer{"a": a, "b": b, "c": c}
	servers[first].up = false
	second := connect()
	if second == first || second == "primary" {
		t.Fatalf("%s down: connected to %s", first, second)
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
	primary.up = false
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
		seen[conn.(fakeConn).server] = true
	}
	if len(seen) != 3 {
		t.Errorf("200 instances read from %v, want all 3 replicas", seen)
	}
}
