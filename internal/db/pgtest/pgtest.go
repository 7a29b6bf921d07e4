// Package pgtest runs PostgreSQL servers of a test's own, in a temporary directory on loopback, for
// tests that stop, restart or replicate a server: the shared test server must never be touched.
package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Cluster is a set of PostgreSQL servers in one temporary directory, run as the postgres user when
// the test runs as root (PostgreSQL refuses to run as root).
type Cluster struct {
	bin, dir string
	cred     *syscall.Credential
	started  map[string]bool
	ports    map[string]int
}

// New prepares a cluster; its servers are stopped and its files removed when the test ends. The
// server programs come from HOTRO_TEST_PG_BIN or `pg_config --bindir`.
func New(t testing.TB) *Cluster {
	t.Helper()
	bin := os.Getenv("HOTRO_TEST_PG_BIN")
	if bin == "" {
		if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
			bin = strings.TrimSpace(string(out))
		}
	}
	if _, err := os.Stat(filepath.Join(bin, "pg_ctl")); bin == "" || err != nil {
		t.Fatalf("PostgreSQL server programs not found (set HOTRO_TEST_PG_BIN to their directory): this test runs its own servers with initdb and pg_ctl")
	}
	dir, err := os.MkdirTemp("", "hotro-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{bin: bin, dir: dir, started: map[string]bool{}, ports: map[string]int{}}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root without a postgres user to run the test servers as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for name := range c.started {
			_ = c.command("pg_ctl", "-D", filepath.Join(dir, name), "-m", "immediate", "stop").Run()
		}
		os.RemoveAll(dir)
	})
	return c
}

// Dir is the cluster's directory (its servers' sockets are there).
func (c *Cluster) Dir() string { return c.dir }

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

// Run runs one of the server programs (initdb, pg_ctl, pg_basebackup…) as the servers' user.
func (c *Cluster) Run(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := c.command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// Init makes a new server called name (trust authentication on loopback, which also allows
// replication connections) and starts it on a free port, which it returns.
func (c *Cluster) Init(t testing.TB, name string) int {
	t.Helper()
	c.Run(t, "initdb", "-D", filepath.Join(c.dir, name), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
	port := FreePort(t)
	c.Start(t, name, port)
	return port
}

// Start starts the server called name on port (0: the port it had).
func (c *Cluster) Start(t testing.TB, name string, port int) {
	t.Helper()
	if port == 0 {
		port = c.ports[name]
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB", port, c.dir)
	c.Run(t, "pg_ctl", "-D", filepath.Join(c.dir, name), "-l", filepath.Join(c.dir, name+".log"), "-o", opts, "-w", "-t", "60", "start")
	c.started[name] = true
	c.ports[name] = port
}

// Stop stops the server called name at once, as a crash would.
func (c *Cluster) Stop(t testing.TB, name string) {
	t.Helper()
	c.Run(t, "pg_ctl", "-D", filepath.Join(c.dir, name), "-m", "immediate", "-w", "stop")
	delete(c.started, name)
}

// URL is a connection URL for the database of the server called name.
func (c *Cluster) URL(name, database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.ports[name], database)
}

// FreePort returns a loopback port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
