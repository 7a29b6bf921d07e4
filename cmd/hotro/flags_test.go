package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"hotro/internal/config"
)

// TestMigrateTakesFlagsAfterItsAction: hotro migrate up --database-url X migrates X, as
// hotro migrate --database-url X up does, and status reads it back.
func TestMigrateTakesFlagsAfterItsAction(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"flags after the action", []string{"migrate", "up", "--database-url", filepath.Join(dir, "after.db"), "--log-level", "warn"}, "applied "},
		{"flags before the action", []string{"migrate", "--database-url", filepath.Join(dir, "before.db"), "up"}, "applied "},
		{"flags around the action", []string{"migrate", "--log-level=warn", "status", "--database-url", filepath.Join(dir, "after.db")}, "applied  "},
		{"again: nothing to do", []string{"migrate", "up", "--database-url=" + filepath.Join(dir, "after.db")}, "database is up to date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), tt.args, envOf(nil), strings.NewReader(""), &stdout, &stderr); err != nil {
				t.Fatalf("%q: %v\n%s", tt.args, err, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("%q printed %q, want %q", tt.args, stdout.String(), tt.want)
			}
		})
	}
	// The flag named the database: the default data/hotro.db was not created here.
	if matches, _ := filepath.Glob("data"); len(matches) > 0 {
		t.Error("migrate created data/ in the working folder: --database-url was not read")
	}
}

// TestHelp: hotro -h lists the commands and hotro CMD -h the command's usage and flags, on stdout,
// as a success, before anything is opened.
func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"-h"}, []string{"hotro serve [flags]", "hotro migrate [up|down|status]", "hotro import --program"}},
		{[]string{"--help"}, []string{"hotro token create USERNAME NAME"}},
		{[]string{"help"}, []string{"hotro public audit"}},
		{[]string{"migrate", "-h"}, []string{"hotro migrate [up|down|status]", "--database-url URL", "env DATABASE_URL", "default data/hotro.db"}},
		{[]string{"migrate", "up", "--help"}, []string{"--log-level LEVEL"}},
		{[]string{"serve", "--help"}, []string{"--addr ADDRESS", "HOTRO_ADMIN_PASSWORD (environment only)", "HOTRO_EMBED_SECRET"}},
		{[]string{"user", "add", "lan", "-h"}, []string{"hotro user add USERNAME --role ROLE", "--role ROLE", "--keep-tokens"}},
		{[]string{"token", "-h"}, []string{"--ttl DURATION"}},
		{[]string{"seed", "-h"}, []string{"--demo\n", "--national\n", "--seed N", "default 2020"}},
		{[]string{"import", "-h"}, []string{"--program CODE", "--commit\n"}},
		{[]string{"restore", "-h"}, []string{"hotro restore FILE"}},
		{[]string{"rollup", "check", "-h"}, []string{"hotro rollup check|rebuild"}},
		{[]string{"public", "-h"}, []string{"--public-min-count N"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// A database URL that cannot be opened: help must not reach it.
			env := envOf(map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"})
			if err := run(context.Background(), tt.args, env, strings.NewReader(""), &stdout, &stderr); err != nil {
				t.Fatalf("err = %v, want success", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("help lacks %q:\n%s", w, stdout.String())
				}
			}
			if stderr.Len() > 0 {
				t.Errorf("help wrote to stderr: %q", stderr.String())
			}
		})
	}
	for _, c := range config.Commands {
		if synopses[c] == "" {
			t.Errorf("command %s has no synopsis", c)
		}
	}
}

// TestErrorsArePrintedOnce runs the binary with bad flags and wants one line on stderr naming the
// flag, exit status 1 (2 for an unknown command), and help with -h as a success.
func TestErrorsArePrintedOnce(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "hotro")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tests := []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"migrate", "up", "--addr", ":1"}, 1, "hotro: --addr: hotro migrate has no flag --addr (hotro migrate -h lists its flags)\n"},
		{[]string{"serve", "--max-body-bytes", "10"}, 1, "hotro: --max-body-bytes \"10\": must be a whole number of at least 1024\n"},
		{[]string{"seed", "--scale=0"}, 1, "hotro: --scale \"0\": must be a number above 0 and at most 1000\n"},
		{[]string{"token", "list", "--ttl"}, 1, "hotro: --ttl needs a value (DURATION)\n"},
		{[]string{"migrate", "-h"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cmd := exec.Command(bin, tt.args...)
			cmd.Dir = t.TempDir()
			cmd.Env = []string{"PATH=/usr/bin:/bin"}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.status || stderr.String() != tt.want {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr %q", status, stderr.String(), tt.status, tt.want)
			}
			if tt.status == 0 && !strings.Contains(stdout.String(), "Flags") {
				t.Errorf("help on stdout: %q", stdout.String())
			}
		})
	}
}

// TestAction: migrate, rollup and public read their action the same way.
func TestAction(t *testing.T) {
	tests := []struct {
		name    string
		cmd     config.Command
		rest    []string
		def     string
		actions []string
		want    string
		wantErr string
	}{
		{"the default", config.Migrate, nil, "up", []string{"up", "down", "status"}, "up", ""},
		{"given", config.Migrate, []string{"status"}, "up", []string{"up", "down", "status"}, "status", ""},
		{"none, none by default", config.Rollup, nil, "", []string{"check", "rebuild"}, "", `rollup takes one action (check, rebuild), got []`},
		{"two", config.Public, []string{"audit", "audit"}, "", []string{"audit"}, "", `public takes one action (audit), got ["audit" "audit"]`},
		{"unknown", config.Rollup, []string{"sideways"}, "", []string{"check", "rebuild"}, "", `rollup: unknown action "sideways" (use check, rebuild)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := action(tt.cmd, tt.rest, tt.def, tt.actions...)
			if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
				t.Errorf("action = %q, %v; want %q, %q", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestWrongArgumentsOpenNothing: a command given the wrong arguments says so before it opens (and
// so creates) the database.
func TestWrongArgumentsOpenNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "never.db")
	for _, args := range [][]string{
		{"user", "add", "--role", "leader"},
		{"token", "list"},
		{"backup"},
		{"restore"},
		{"import", "--program", "NQ42-2020"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append(args, "--database-url", path), envOf(nil), strings.NewReader(""), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), "hotro "+args[0]) && !strings.Contains(err.Error(), args[0]+" needs") {
				t.Errorf("err = %v, want the command's usage", err)
			}
			if matches, _ := filepath.Glob(filepath.Join(dir, "*")); len(matches) > 0 {
				t.Errorf("the database was created: %v", matches)
			}
		})
	}
}
