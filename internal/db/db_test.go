package db

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in          string
		wantDialect Dialect
		wantDSN     string
		wantErr     string
	}{
		{"", SQLite, DefaultSQLitePath, ""},
		{"data/x.db", SQLite, "data/x.db", ""},
		{"sqlite:/tmp/x.db", SQLite, "/tmp/x.db", ""},
		{"file:x.db", SQLite, "x.db", ""},
		{"postgres://postgres@127.0.0.1:5432/test", Postgres, "postgres://postgres@127.0.0.1:5432/test", ""},
		{"postgres://u:secret@host:notaport/db", "", "", "not a valid PostgreSQL URL"},
		{"mysql://root@localhost/db", "", "", `scheme "mysql" is not supported`},
		{"sqlite:x.db?mode=ro", "", "", "must not carry parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseURL(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error leaks the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.in, err)
			}
			if got.Dialect != tt.wantDialect || got.DSN != tt.wantDSN {
				t.Errorf("ParseURL(%q) = %+v, want %s %s", tt.in, got, tt.wantDialect, tt.wantDSN)
			}
		})
	}
}

func TestOpenUnreachablePostgresSaysSoInOneLine(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens here now
	_, err = Open(context.Background(), Target{Postgres, "postgres://postgres:pw@" + addr + "/test"}, Options{PingTimeout: 2 * time.Second})
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	msg := err.Error()
	if !strings.Contains(msg, "cannot reach the database") || !strings.Contains(msg, addr) || strings.Contains(msg, "\n") || strings.Contains(msg, "pw") {
		t.Errorf("error = %q; want one line naming the address, without the password", msg)
	}
}

func TestOpenSQLiteInUnwritablePlace(t *testing.T) {
	_, err := Open(context.Background(), Target{SQLite, "/proc/hotro/x.db"}, Options{})
	if err == nil {
		t.Fatal("Open succeeded in /proc")
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans lines: %q", err)
	}
}
