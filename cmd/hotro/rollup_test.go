package main

import (
	"context"
	"strings"
	"testing"

	"hotro/internal/seed/seedtest"
)

// TestRollupCheckAndRebuild: demo data seeded without the Keeper has no rollups; check says so,
// rebuild makes them, and check then finds them equal to the lines.
func TestRollupCheckAndRebuild(t *testing.T) {
	url := "sqlite:" + seedtest.SQLiteDemoFile(t)
	ctx := context.Background()
	steps := []struct {
		name    string
		args    []string
		wantErr string
		wantOut string
	}{
		{"check finds the rollups missing", []string{"rollup", "check"}, "differ from the lines", "missing row"},
		{"rebuild", []string{"rollup", "rebuild"}, "", "rebuilt"},
		{"check passes", []string{"rollup", "check"}, "", "rollups equal the lines"},
		{"unknown action", []string{"rollup", "sideways"}, "unknown action", ""},
		{"the national data set is for PostgreSQL", []string{"national", "--scale", "0.001"}, "PostgreSQL only", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			err := run(ctx, append(s.args, "--log-level", "warn"), envOf(map[string]string{"DATABASE_URL": url}), strings.NewReader(""), &stdout, &stderr)
			if s.wantErr == "" && err != nil {
				t.Fatalf("err = %v\n%s", err, stderr.String())
			}
			if s.wantErr != "" && (err == nil || !strings.Contains(err.Error(), s.wantErr)) {
				t.Fatalf("err = %v, want one containing %q", err, s.wantErr)
			}
			if !strings.Contains(stdout.String(), s.wantOut) {
				t.Errorf("output %q does not contain %q", stdout.String(), s.wantOut)
			}
		})
	}
}
