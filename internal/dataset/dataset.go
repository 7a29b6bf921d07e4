// Package dataset records facts about the data as a whole: whether it is demo data, when it was
// seeded, and a version that changes with every write so that caches know when to drop answers.
package dataset

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/errs"
)

// Keys of the dataset_info table.
const (
	keyVersion  = "data_version"
	keyDemo     = "demo"
	keySeededAt = "seeded_at"
	keyDemoSeed = "demo_seed"
	keyRefData  = "reference_version"
	// keyRefWrites counts writes to the reference tables (units, programmes, groups, funds); triggers
	// move it. It is part of the data version: answers show the names and codes of those.
	keyRefWrites = "reference_writes"
)

// Info is what the data set says about itself.
type Info struct {
	Version  int64
	Demo     bool
	DemoSeed string
	SeededAt *time.Time
}

// Store reads and writes dataset facts.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db (a database or a transaction).
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// Get reads the facts.
func (s *Store) Get(ctx context.Context) (Info, error) {
	var rows []struct {
		Key   string `bun:"key"`
		Value string `bun:"value"`
	}
	if err := s.db.NewSelect().Table("dataset_info").Column("key", "value").Scan(ctx, &rows); err != nil {
		return Info{}, errs.E("dataset: get", err)
	}
	var info Info
	for _, r := range rows {
		switch r.Key {
		case keyVersion, keyRefWrites:
			n, _ := strconv.ParseInt(r.Value, 10, 64)
			info.Version += n
		case keyDemo:
			info.Demo = r.Value == "true"
		case keyDemoSeed:
			info.DemoSeed = r.Value
		case keySeededAt:
			if t, err := time.Parse(time.RFC3339, r.Value); err == nil {
				info.SeededAt = &t
			}
		}
	}
	return info, nil
}

// Version reads the data version alone, cheaply. It moves whenever an answer may change: on every
// write of payment lines (Bump) and of reference data (reference_writes, whose names and codes
// answers show), so that caches keyed by it never serve an old name. Both only grow, so their sum
// does too.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var values []string
	err := s.db.NewSelect().Table("dataset_info").Column("value").Where("key IN (?)", bun.List([]string{keyVersion, keyRefWrites})).Scan(ctx, &values)
	if err != nil {
		return 0, errs.E("dataset: version", err)
	}
	var v int64
	for _, value := range values {
		n, _ := strconv.ParseInt(value, 10, 64)
		v += n
	}
	return v, nil
}

// Bump moves the data version on. Call it inside the transaction that changes the data, so the
// version and the data change together.
func (s *Store) Bump(ctx context.Context) error {
	_, err := s.db.NewRaw(`UPDATE dataset_info SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = ?`, keyVersion).Exec(ctx)
	if err != nil {
		return errs.E("dataset: bump", err)
	}
	return nil
}

// MarkDemo records that the data set holds synthetic demo data made with the seed.
func (s *Store) MarkDemo(ctx context.Context, seed string, at time.Time) error {
	for k, v := range map[string]string{keyDemo: "true", keyDemoSeed: seed, keySeededAt: at.UTC().Format(time.RFC3339)} {
		if err := s.set(ctx, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) set(ctx context.Context, key, value string) error {
	_, err := s.db.NewRaw(`INSERT INTO dataset_info (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, key, value).Exec(ctx)
	if err != nil {
		return errs.E("dataset: set", err)
	}
	return nil
}

// ReferenceVersion returns the version of the reference data last loaded, or "".
func (s *Store) ReferenceVersion(ctx context.Context) (string, error) {
	var v string
	err := s.db.NewSelect().Table("dataset_info").Column("value").Where("key = ?", keyRefData).Scan(ctx, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", errs.E("dataset: reference version", err)
	}
	return v, nil
}

// SetReferenceVersion records the version of the reference data just loaded.
func (s *Store) SetReferenceVersion(ctx context.Context, v string) error {
	return s.set(ctx, keyRefData, v)
}
