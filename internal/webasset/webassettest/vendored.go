// Package webassettest checks, in tests, that the web files a package vendors are byte for byte
// what its vendor script (vendor.mjs) copied from npm, each with its licence.
package webassettest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// SumsFile lists the SHA-256 of every vendored file, as sha256sum writes it ("<hex>  <name>").
const SumsFile = "SHA256SUMS"

var library = regexp.MustCompile(`^(.*?)-[0-9]`)

// CheckVendored fails t unless every file of vendor (a static/vendor directory) is listed in its
// SHA256SUMS with the SHA-256 of its content, and every script and style sheet has its library's
// licence, <library>-LICENSE.txt, listed beside it. It returns the names listed, for a caller's
// further checks.
func CheckVendored(t testing.TB, vendor fs.FS) map[string]bool {
	t.Helper()
	sums, err := fs.ReadFile(vendor, SumsFile)
	if err != nil {
		t.Fatalf("%v: the vendor script writes %s", err, SumsFile)
	}
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("%s: bad line %q", SumsFile, sc.Text())
		}
		listed[name] = true
		b, err := fs.ReadFile(vendor, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s differs from what vendor.mjs copied: rerun `npm ci && npm run vendor`", name)
		}
	}
	entries, err := fs.ReadDir(vendor, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if name != SumsFile && !listed[name] {
			t.Errorf("%s is not in %s: vendor files only with vendor.mjs", name, SumsFile)
		}
		if ext := path.Ext(name); ext == ".js" || ext == ".css" {
			lib := library.FindStringSubmatch(name)
			if lib == nil || !listed[lib[1]+"-LICENSE.txt"] {
				t.Errorf("%s has no licence file beside it", name)
			}
		}
	}
	return listed
}
