package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db"
	"hotro/internal/seed/seedtest"
)

// TestAccountCommands creates accounts and tokens from the command line, as an admin of a new
// installation does, and uses them against the server.
func TestAccountCommands(t *testing.T) {
	ctx := context.Background()
	path := seedtest.SQLiteDemoFile(t)
	env := envOf(map[string]string{"DATABASE_URL": "sqlite:" + path})
	cli := func(stdin string, args ...string) (string, string, error) {
		var stdout, stderr syncBuffer
		err := run(ctx, args, env, strings.NewReader(stdin), &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}
	steps := []struct {
		name    string
		stdin   string
		args    []string
		want    string // in stdout, or in the error when wantErr
		wantErr bool
	}{
		{"add an analyst", "mat-khau-du-dai-1\n", []string{"user", "add", "thongke", "--role", "analyst", "--name", "Chi cục Thống kê"}, "created thongke (analyst)", false},
		{"add a ward officer", "mat-khau-du-dai-2\n", []string{"user", "add", "canbo.tanlong", "--role", "ward_officer", "--wards", "05482"}, "created canbo.tanlong (ward_officer)", false},
		{"the same name again", "mat-khau-du-dai-1\n", []string{"user", "add", "thongke", "--role", "analyst"}, "đã có", true},
		{"a short password", "ngan\n", []string{"user", "add", "ngan", "--role", "leader"}, "ít nhất 10", true},
		{"no password", "", []string{"user", "add", "khong", "--role", "leader"}, "no password on standard input", true},
		{"an unknown role", "mat-khau-du-dai-3\n", []string{"user", "add", "sep", "--role", "boss"}, "không tồn tại", true},
		{"a token made with the old password", "", []string{"token", "create", "thongke", "tich-hop"}, "hotro_", false},
		{"a new password", "mat-khau-moi-rat-dai\n", []string{"user", "passwd", "thongke"}, "its sessions and API tokens are ended", false},
		{"a token", "", []string{"token", "create", "thongke", "bao-cao", "--ttl", "720h"}, "hotro_", false},
		{"the token again", "", []string{"token", "create", "thongke", "bao-cao"}, "đã có token", true},
		{"the list", "", []string{"token", "list", "thongke"}, "bao-cao", false},
		{"revoke", "", []string{"token", "revoke", "thongke", "bao-cao"}, "revoked thongke/bao-cao", false},
		{"revoke twice", "", []string{"token", "revoke", "thongke", "bao-cao"}, "không có token", true},
	}
	var token, oldToken string
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			stdout, stderr, err := cli(s.stdin, s.args...)
			if s.wantErr {
				if err == nil || !strings.Contains(err.Error(), s.want) {
					t.Fatalf("err = %v, want one containing %q", err, s.want)
				}
				return
			}
			if err != nil || !strings.Contains(stdout, s.want) {
				t.Fatalf("stdout %q, err %v; want %q", stdout, err, s.want)
			}
			if strings.Contains(stdout+stderr, "mat-khau") {
				t.Error("a password was printed")
			}
			switch s.name {
			case "a token":
				token = strings.TrimSpace(stdout)
			case "a token made with the old password":
				oldToken = strings.TrimSpace(stdout)
			}
		})
	}
	// The new password works and the old one does not; the revoked token is refused.
	d, err := db.Open(ctx, db.Target{Dialect: db.SQLite, DSN: path}, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	srv := apptest.Start(t, d, nil)
	c := srv.NewClient()
	if status, _ := c.Do(t, http.MethodPost, "/auth/login", map[string]string{"username": "thongke", "password": "mat-khau-du-dai-1"}); status != http.StatusUnauthorized {
		t.Errorf("the old password: %d", status)
	}
	c.SignIn(t, "thongke", "mat-khau-moi-rat-dai")
	tc := srv.NewClient()
	tc.Bearer = token
	if status, _ := tc.Do(t, http.MethodGet, "/auth/me", nil); status != http.StatusUnauthorized {
		t.Errorf("the revoked token: %d, want 401", status)
	}
	tc.Bearer = oldToken
	if status, _ := tc.Do(t, http.MethodGet, "/auth/me", nil); status != http.StatusUnauthorized {
		t.Errorf("a token made before the password change: %d, want 401", status)
	}
	var after string
	if err := d.NewRaw(`SELECT after FROM audit_events WHERE action = 'user.password' AND entity_id = 'thongke'`).Scan(ctx, &after); err != nil || !strings.Contains(after, "tich-hop") {
		t.Errorf("the password change is audited as %q (%v), want the revoked token named", after, err)
	}
}
