package app_test

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"hotro/internal/app/apptest"
	"hotro/internal/db"
	"hotro/internal/seed/seedtest"
)

// tinyDisk mounts a tmpfs of the size in the test's temporary directory, for tests of a full or
// read-only disk. It needs root, as CI and this project's machines have.
func tinyDisk(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mounting a small tmpfs for the disk-full test needs root: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill takes every free byte of the disk with a file, and returns a function that frees it.
func fill(t *testing.T, dir string) func() {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break // no space left
		}
	}
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			break
		}
	}
	f.Close()
	return func() { os.Remove(path) }
}

// TestSQLiteOnAFullOrReadOnlyDisk: on a full disk (a real one: a small tmpfs filled up) and on a
// read-only file, writes fail with a clear answer, reads and the server go on, and
// the database is intact once the disk is writable again.
func TestSQLiteOnAFullOrReadOnlyDisk(t *testing.T) {
	dir := tinyDisk(t, "24m")
	path := filepath.Join(dir, "hotro.db")
	src := seedtest.SQLiteDemoFile(t)
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o640); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := db.Open(ctx, db.Target{Dialect: db.SQLite, DSN: path}, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	srv := apptest.Start(t, d, nil)

	signIn := func() (int, string) {
		status, body := srv.NewClient().Do(t, http.MethodPost, "/auth/login", map[string]string{"username": "lanhdao", "password": seedtest.DemoPassword})
		return status, string(body)
	}
	read := func() string {
		c := srv.NewClient()
		c.Bearer = ""
		status, body := c.Do(t, http.MethodGet, "/embed/data/kpi", nil)
		if status != http.StatusOK {
			return "status " + string(body)
		}
		return "ok"
	}
	if status, body := signIn(); status != http.StatusOK {
		t.Fatalf("sign-in before the fault: %d %s", status, body)
	}

	steps := []struct {
		name  string
		fault func() func()
	}{
		{"disk full", func() func() { return fill(t, dir) }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			undo := s.fault()
			failed := false
			for range 30 { // a few writes may still fit in pages the file already has
				status, body := signIn()
				if status == http.StatusOK {
					continue
				}
				if status != http.StatusServiceUnavailable || !strings.Contains(body, "Cơ sở dữ liệu") {
					t.Errorf("sign-in on a %s: %d %s; want 503 with a clear message", s.name, status, body)
				}
				failed = true
				break
			}
			if !failed {
				t.Errorf("every write succeeded on a %s", s.name)
			}
			if status, _ := srv.NewClient().Do(t, http.MethodGet, "/healthz", nil); status != http.StatusOK {
				t.Errorf("the server stopped answering on a %s", s.name)
			}
			t.Logf("reads during the fault: %s", read())
			undo()
			if status, body := signIn(); status != http.StatusOK {
				t.Errorf("sign-in after the %s was fixed: %d %s", s.name, status, body)
			}
			var check string
			if err := d.NewRaw("PRAGMA integrity_check").Scan(ctx, &check); err != nil || check != "ok" {
				t.Errorf("integrity after the %s: %q %v", s.name, check, err)
			}
		})
	}
	if logs := srv.Logs(); !strings.Contains(logs, "database unavailable") {
		t.Errorf("the fault was not logged:\n%.2000s", logs)
	}

	// A database file that can only be read (opened read-only, as SQLite does when the file or its
	// disk is read-only): reads go on, writes get a clear answer.
	t.Run("read-only file", func(t *testing.T) {
		ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		roDB := bun.NewDB(ro, sqlitedialect.New())
		t.Cleanup(func() { roDB.Close() })
		roSrv := apptest.Start(t, roDB, nil)
		status, body := roSrv.NewClient().Do(t, http.MethodPost, "/auth/login", map[string]string{"username": "lanhdao", "password": seedtest.DemoPassword})
		if status != http.StatusServiceUnavailable || !strings.Contains(string(body), "Cơ sở dữ liệu") {
			t.Errorf("sign-in on a read-only file: %d %s; want 503 with a clear message", status, body)
		}
		if status, body := roSrv.NewClient().Do(t, http.MethodGet, "/embed/data/kpi", nil); status != http.StatusOK {
			t.Errorf("reading a read-only file: %d %s", status, body)
		}
	})
}
