package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

//go:embed migrations
var migrationFiles embed.FS

// migrationLockKey is the PostgreSQL advisory lock that serialises migrations across replicas.
const migrationLockKey = 0x686f74726f // "hotro"

// Migrator applies and rolls back hotro's embedded SQL migrations for the database's dialect.
type Migrator struct {
	db *bun.DB
	m  *migrate.Migrator
}

// NewMigrator reads the migrations embedded for db's dialect.
func NewMigrator(db *bun.DB) (*Migrator, error) {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(DialectOf(db)))
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(sub); err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	return &Migrator{db: db, m: migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true))}, nil
}

// MigrateUp applies every pending migration to db and returns the names of those it applied.
func MigrateUp(ctx context.Context, db *bun.DB) ([]string, error) {
	mg, err := NewMigrator(db)
	if err != nil {
		return nil, err
	}
	return mg.Up(ctx)
}

// Up applies every migration not yet applied, under a lock, and returns their names.
func (mg *Migrator) Up(ctx context.Context) ([]string, error) {
	var names []string
	err := mg.locked(ctx, func() error {
		group, err := mg.m.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("db: migrate up: %w", err)
		}
		for _, m := range group.Migrations {
			names = append(names, m.Name+"_"+m.Comment)
		}
		return nil
	})
	return names, err
}

// Down rolls back the most recently applied group of migrations, under a lock.
func (mg *Migrator) Down(ctx context.Context) ([]string, error) {
	var names []string
	err := mg.locked(ctx, func() error {
		group, err := mg.m.Rollback(ctx)
		if err != nil {
			return fmt.Errorf("db: migrate down: %w", err)
		}
		for _, m := range group.Migrations {
			names = append(names, m.Name+"_"+m.Comment)
		}
		return nil
	})
	return names, err
}

// Status lists every known migration and whether it is applied.
func (mg *Migrator) Status(ctx context.Context) (migrate.MigrationSlice, error) {
	if err := mg.m.Init(ctx); err != nil {
		return nil, fmt.Errorf("db: migrate status: %w", err)
	}
	return mg.m.MigrationsWithStatus(ctx)
}

// Pending tells how many migrations are not applied yet.
func (mg *Migrator) Pending(ctx context.Context) (int, error) {
	ms, err := mg.Status(ctx)
	if err != nil {
		return 0, err
	}
	return len(ms.Unapplied()), nil
}

// locked runs fn while holding the migration lock: a PostgreSQL advisory lock (released by the
// server if this process dies), or on SQLite an exclusive write transaction's file lock taken by
// a lock row that a crashed process cannot leave behind for long.
func (mg *Migrator) locked(ctx context.Context, fn func() error) error {
	if err := mg.m.Init(ctx); err != nil {
		return fmt.Errorf("db: migrate init: %w", err)
	}
	if DialectOf(mg.db) == Postgres {
		conn, err := mg.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("db: migrate lock: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockKey); err != nil {
			return fmt.Errorf("db: migrate lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockKey) //nolint:errcheck // released on close anyway
		return fn()
	}
	release, err := mg.sqliteLock(ctx)
	if err != nil {
		return err
	}
	defer release()
	return fn()
}

// sqliteLockStale is how old a SQLite lock row may be before a new process takes it over.
const sqliteLockStale = 10 * time.Minute

func (mg *Migrator) sqliteLock(ctx context.Context) (func(), error) {
	if _, err := mg.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS hotro_migration_lock (
		id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, acquired_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("db: migrate lock: %w", err)
	}
	holder := fmt.Sprintf("pid %d", os.Getpid())
	deadline := time.Now().Add(time.Minute)
	for {
		now := time.Now().UTC()
		res, err := mg.db.ExecContext(ctx, `INSERT INTO hotro_migration_lock (id, holder, acquired_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at
			WHERE hotro_migration_lock.acquired_at < ?`,
			holder, now.Format(time.RFC3339Nano), now.Add(-sqliteLockStale).Format(time.RFC3339Nano))
		if err != nil {
			return nil, fmt.Errorf("db: migrate lock: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return func() {
				mg.db.ExecContext(context.WithoutCancel(ctx), "DELETE FROM hotro_migration_lock WHERE holder = ?", holder) //nolint:errcheck // a stale row expires
			}, nil
		}
		if time.Now().After(deadline) {
			return nil, errors.New("db: migrate lock: another hotro process is migrating this SQLite file; try again when it has finished")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
