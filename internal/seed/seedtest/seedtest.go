// Package seedtest gives tests a database holding the reference data and the demo data set. The
// shared one is seeded once per dialect and test binary, for tests that only read; Fresh gives a
// private copy to tests that write.
package seedtest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/account"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed"
)

// DemoSeed is the seed of the demo data set tests use.
const DemoSeed = 2020

type shared struct {
	once sync.Once
	db   *bun.DB
	err  error
}

var demo = map[db.Dialect]*shared{db.SQLite: {}, db.Postgres: {}}

// A SQLite file seeded once and copied for each test: seeding the pure-Go SQLite is slow under the
// race detector, copying a file is not.
type sqliteTemplate struct {
	env  string // variable naming a file `make test` seeded without -race, to reuse
	demo bool
	once sync.Once
	path string
	err  error
}

var (
	referenceTemplate = &sqliteTemplate{env: "HOTRO_TEST_SQLITE_REFERENCE"}
	demoTemplate      = &sqliteTemplate{env: "HOTRO_TEST_SQLITE_DEMO", demo: true}
)

// Demo returns the shared demo database of the dialect. Tests must not write to it.
func Demo(t testing.TB, dialect db.Dialect) *bun.DB {
	t.Helper()
	s := demo[dialect]
	s.once.Do(func() {
		// It outlives the test that first asks for it: the whole binary shares it.
		s.db, s.err = Fresh(&keep{TB: t}, dialect)
	})
	if s.err != nil {
		t.Fatalf("demo database (%s): %v", dialect, s.err)
	}
	return s.db
}

// Fresh returns a new database of the dialect with reference and demo data, removed with the test.
func Fresh(t testing.TB, dialect db.Dialect) (*bun.DB, error) {
	t.Helper()
	if dialect == db.SQLite {
		return demoTemplate.copy(t)
	}
	d := dbtest.Open(t, dialect)
	if err := seedInto(d, true); err != nil {
		return nil, err
	}
	return d, nil
}

// Reference returns a new database of the dialect with reference data only, removed with the test.
func Reference(t testing.TB, dialect db.Dialect) *bun.DB {
	t.Helper()
	var d *bun.DB
	var err error
	if dialect == db.SQLite {
		d, err = referenceTemplate.copy(t)
	} else {
		d = dbtest.Open(t, dialect)
		err = seedInto(d, false)
	}
	if err != nil {
		t.Fatalf("reference database (%s): %v", dialect, err)
	}
	return d
}

// SQLiteDemoFile returns the path of a new SQLite file with reference and demo data.
func SQLiteDemoFile(t testing.TB) string {
	t.Helper()
	path, err := demoTemplate.copyFile(t)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func seedInto(d *bun.DB, demo bool) error {
	ctx := context.Background()
	if _, err := seed.Reference(ctx, d, nil); err != nil {
		return err
	}
	if !demo {
		return nil
	}
	// The rollups are built by whoever serves the data (apptest.Start, as hotro serve does):
	// package rollup's own tests use these fixtures, so this package cannot import it.
	if _, err := seed.Demo(ctx, d, seed.DemoOptions{Seed: DemoSeed, Scale: 1}); err != nil {
		return err
	}
	return seed.CreateDemoAccounts(ctx, d, DemoPassword, cheapHash)
}

// DemoPassword is the password of the demo accounts in test databases (the default of the binary).
const DemoPassword = "hotro-demo-2020"

// cheapHash keeps test fixtures quick; production hashes use account.DefaultHash.
var cheapHash = account.HashParams{Memory: 1024, Time: 1, Threads: 1}

func (st *sqliteTemplate) copy(t testing.TB) (*bun.DB, error) {
	path, err := st.copyFile(t)
	if err != nil {
		return nil, err
	}
	d, err := db.Open(context.Background(), db.Target{Dialect: db.SQLite, DSN: path}, db.Options{})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { d.Close() })
	return d, nil
}

func (st *sqliteTemplate) copyFile(t testing.TB) (string, error) {
	st.once.Do(func() { st.path, st.err = st.make() })
	if st.err != nil {
		return "", st.err
	}
	path := filepath.Join(t.TempDir(), "hotro.db")
	return path, copyFile(st.path, path)
}

// make returns the file `make test` prepared, if it holds what this code would seed, or seeds one.
func (st *sqliteTemplate) make() (string, error) {
	ctx := context.Background()
	if path := os.Getenv(st.env); path != "" && st.current(ctx, path) {
		return path, nil
	}
	dir, err := os.MkdirTemp("", "hotro-template-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "hotro.db")
	d, err := db.Open(ctx, db.Target{Dialect: db.SQLite, DSN: path}, db.Options{})
	if err != nil {
		return "", err
	}
	defer d.Close()
	if _, err := db.MigrateUp(ctx, d); err != nil {
		return "", err
	}
	if err := seedInto(d, st.demo); err != nil {
		return "", err
	}
	_, err = d.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return path, err
}

// current reports whether the prepared file is fully migrated and holds this reference data (and,
// for the demo template, the demo set of DemoSeed).
func (st *sqliteTemplate) current(ctx context.Context, path string) bool {
	d, err := db.Open(ctx, db.Target{Dialect: db.SQLite, DSN: path}, db.Options{})
	if err != nil {
		return false
	}
	defer d.Close()
	mg, err := db.NewMigrator(d)
	if err != nil {
		return false
	}
	if n, err := mg.Pending(ctx); err != nil || n > 0 {
		return false
	}
	info := dataset.NewStore(d)
	ref, err := info.ReferenceVersion(ctx)
	if err != nil || ref != seed.ReferenceVersion() {
		return false
	}
	got, err := info.Get(ctx)
	if err != nil {
		return false
	}
	if st.demo {
		return got.Demo && got.DemoSeed == fmt.Sprint(DemoSeed)
	}
	return !got.Demo
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// keep is a testing.TB whose cleanups never run, for resources the whole test binary shares.
type keep struct{ testing.TB }

func (k *keep) Cleanup(func()) {}

func (k *keep) TempDir() string {
	dir, err := os.MkdirTemp("", "hotro-test-")
	if err != nil {
		k.TB.Fatal(err)
	}
	return dir
}
