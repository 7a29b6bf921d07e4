package webassettest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// recorder keeps the errors CheckVendored reports instead of failing the test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func sumLine(name, body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:]) + "  " + name + "\n"
}

func TestCheckVendored(t *testing.T) {
	lib, licence := "chart code", "Apache License"
	sums := sumLine("chart-1.0.min.js", lib) + sumLine("chart-LICENSE.txt", licence)
	tests := []struct {
		name       string
		files      fstest.MapFS
		wantErrors []string // substrings, one per error reported
	}{
		{"as vendored", fstest.MapFS{
			"SHA256SUMS": {Data: []byte(sums)}, "chart-1.0.min.js": {Data: []byte(lib)}, "chart-LICENSE.txt": {Data: []byte(licence)},
		}, nil},
		{"edited by hand", fstest.MapFS{
			"SHA256SUMS": {Data: []byte(sums)}, "chart-1.0.min.js": {Data: []byte(lib + "//")}, "chart-LICENSE.txt": {Data: []byte(licence)},
		}, []string{"chart-1.0.min.js differs"}},
		{"added without the script", fstest.MapFS{
			"SHA256SUMS": {Data: []byte(sums)}, "chart-1.0.min.js": {Data: []byte(lib)}, "chart-LICENSE.txt": {Data: []byte(licence)},
			"map-2.0.js": {Data: []byte("x")},
		}, []string{"map-2.0.js is not in SHA256SUMS", "map-2.0.js has no licence"}},
		{"listed but missing", fstest.MapFS{
			"SHA256SUMS": {Data: []byte(sums)}, "chart-1.0.min.js": {Data: []byte(lib)},
		}, []string{"chart-LICENSE.txt: open"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			listed := CheckVendored(r, tt.files)
			if len(r.errors) != len(tt.wantErrors) {
				t.Fatalf("errors = %q, want %d like %q", r.errors, len(tt.wantErrors), tt.wantErrors)
			}
			for i, want := range tt.wantErrors {
				if !strings.Contains(r.errors[i], want) {
					t.Errorf("error %d = %q, want it to say %q", i, r.errors[i], want)
				}
			}
			if !listed["chart-1.0.min.js"] {
				t.Errorf("listed = %v, want the library in it", listed)
			}
		})
	}
}
