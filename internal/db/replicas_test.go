package db_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/db/pgtest"
	"hotro/internal/errs"
)

func TestParseReplicaURLs(t *testing.T) {
	tests := []struct {
		name, raw string
		want      int
		err       string
	}{
		{"none", "", 0, ""},
		{"two with spaces", " postgres://a@h1:5432/x , postgresql://a@h2:5433/x", 2, ""},
		{"a SQLite path", "postgres://a@h1/x,data/hotro.db", 0, "not a PostgreSQL URL"},
		{"a malformed URL", "postgres://u:p@host:port/db", 0, "not a valid PostgreSQL URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.ParseReplicaURLs(tt.raw)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("got %d targets, %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

// TestReadsGoOnWhenThePrimaryIsDown starts a real primary and a real streaming replica made with
// pg_basebackup on loopback ports, and checks that reads go to the replica, fall back to the primary
// while the replica is down, go on from the replica while the primary is down, and that writes then
// fail with a clear message.
func TestReadsGoOnWhenThePrimaryIsDown(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skip("PostgreSQL only")
	}
	cl := pgtest.New(t)
	primaryPort := cl.Init(t, "primary")
	// pg_basebackup -R writes the standby settings; initdb's trust rules allow replication on loopback.
	cl.Run(t, "pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(primaryPort), "-U", "postgres",
		"-D", filepath.Join(cl.Dir(), "replica"), "-R", "-X", "stream", "-c", "fast")
	cl.Start(t, "replica", pgtest.FreePort(t))
	ctx := context.Background()
	primaryURL, replicaURL := cl.URL("primary", "postgres"), cl.URL("replica", "postgres")
	target, err := db.ParseURL(primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	primary, err := db.Open(ctx, target, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	replicas, err := db.ParseReplicaURLs(replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.NewRouter(primary, target, replicas, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mg, err := db.NewMigrator(r.Primary())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mg.Up(ctx); err != nil {
		t.Fatal(err)
	}
	write := func(key string) error {
		return r.Write(ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO dataset_info (key, value) VALUES (?, 'x')", key)
			return err
		})
	}
	// readOn polls until a read succeeds on a server in the wanted role that sees key.
	readOn := func(t *testing.T, standby bool, key string) {
		t.Helper()
		var last error
		deadline := time.After(30 * time.Second)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			var inRecovery bool
			var n int
			err := r.Read().QueryRowContext(ctx, "SELECT pg_is_in_recovery(), (SELECT COUNT(*) FROM dataset_info WHERE key = ?)", key).Scan(&inRecovery, &n)
			if err == nil && inRecovery == standby && n == 1 {
				return
			}
			last = fmt.Errorf("in recovery %v, rows %d, err %v", inRecovery, n, err)
			select {
			case <-deadline:
				t.Fatalf("reads did not reach a server with standby=%v seeing %s: %v", standby, key, last)
			case <-tick.C:
			}
		}
	}

	t.Run("reads go to the replica", func(t *testing.T) {
		if err := write("replica_test_1"); err != nil {
			t.Fatal(err)
		}
		readOn(t, true, "replica_test_1")
	})
	t.Run("reads fall back to the primary while the replica is down", func(t *testing.T) {
		cl.Stop(t, "replica")
		if err := write("replica_test_2"); err != nil {
			t.Fatal(err)
		}
		readOn(t, false, "replica_test_2")
		cl.Start(t, "replica", 0)
	})
	t.Run("reads go on while the primary is down, writes fail clearly", func(t *testing.T) {
		// The read pool keeps its connections to the primary while it answers (they are renewed
		// every few minutes); once it stops, reads move to the replica, which has the write.
		if err := write("replica_test_3"); err != nil {
			t.Fatal(err)
		}
		waitReplayed(t, replicaURL, "replica_test_3")
		cl.Stop(t, "primary")
		readOn(t, true, "replica_test_3")
		err := write("replica_test_4")
		if !errs.Is(errs.Unavailable, err) || errs.Message(err) != string(db.ErrPrimaryDown) {
			t.Errorf("write with the primary down: err = %v (%q), want unavailable with the primary-down message", err, errs.Message(err))
		}
	})
}

// waitReplayed polls the replica itself until it has replayed the write of key.
func waitReplayed(t *testing.T, url, key string) {
	t.Helper()
	target, err := db.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		d, err := db.Open(context.Background(), target, db.Options{})
		if err == nil {
			var n int
			err = d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM dataset_info WHERE key = ?", key).Scan(&n)
			d.Close()
			if err == nil && n == 1 {
				return
			}
		}
		select {
		case <-deadline:
			t.Fatalf("the replica did not replay %s: %v", key, err)
		case <-tick.C:
		}
	}
}
