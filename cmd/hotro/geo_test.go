package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hotro/internal/db/dbtest"
)

// TestGeoImportCommand loads a boundary file from the command line and refuses one with an unknown
// ward code, or without an attribution, with messages an admin can act on.
func TestGeoImportCommand(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			url := databaseURL(t, dialect, func(url string) {
				if err := run(context.Background(), []string{"seed", "--database-url", url, "--log-level", "warn"}, envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
					t.Fatal(err)
				}
			})
			dir := t.TempDir()
			write := func(name, code string) string {
				p := filepath.Join(dir, name)
				body := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"` + code +
					`"},"geometry":{"type":"Polygon","coordinates":[[[105.8,21.6],[105.81,21.6],[105.81,21.61],[105.8,21.6]]]}}]}`
				if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			geoImport := func(args ...string) (string, error) {
				var stdout, stderr bytes.Buffer
				all := append([]string{"geo", "import", "--database-url", url, "--log-level", "warn"}, args...)
				err := run(context.Background(), all, envOf(nil), strings.NewReader(""), &stdout, &stderr)
				return stdout.String(), err
			}
			out, err := geoImport(write("ok.geojson", "05431"), "--attribution", "UBND thành phố, CC BY 4.0")
			if err != nil || !strings.Contains(out, "loaded the boundaries of 1 wards from ok.geojson") {
				t.Fatalf("import: %q, %v", out, err)
			}
			for _, c := range []struct {
				name, want string
				args       []string
			}{
				{"an unknown code", "mã 77777", []string{write("bad.geojson", "77777"), "--attribution", "x"}},
				{"no attribution", "Cần ghi nguồn", []string{write("ok2.geojson", "05431")}},
				{"no file", "usage: hotro geo import", nil},
				{"a missing file", "read", []string{filepath.Join(dir, "none.geojson"), "--attribution", "x"}},
			} {
				t.Run(c.name, func(t *testing.T) {
					if _, err := geoImport(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
						t.Errorf("got %v, want an error with %q", err, c.want)
					}
				})
			}
		})
	}
}
