package dashboard

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"hotro/internal/webasset/webassettest"
)

func get(t *testing.T, h http.Handler, path string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// assertGzipped fetches path accepting gzip and checks that it comes gzipped and unzips to the
// embedded file.
func assertGzipped(t *testing.T, h http.Handler, path, file string) {
	t.Helper()
	gz := get(t, h, path, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if gz.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("%s with Accept-Encoding gzip: Content-Encoding %q", path, gz.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if want, _ := fs.ReadFile(static, file); !bytes.Equal(unzipped, want) {
		t.Errorf("gzipped %s differs from the embedded file", path)
	}
}

func TestHandlerServesEmbeddedFiles(t *testing.T) {
	h := Handler()
	tests := []struct {
		name, path, contentType, cache string
		status                         int
	}{
		{"page", "/", "text/html; charset=utf-8", "no-cache", 200},
		{"script", "/js/main.js", "text/javascript; charset=utf-8", "no-cache", 200},
		{"styles", "/css/app.css", "text/css; charset=utf-8", "no-cache", 200},
		{"chart library", "/vendor/" + vendoredChartLibrary(t), "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", 200},
		{"operations", "/operations.json", "application/json", "no-cache", 200},
		{"unknown", "/nope.js", "text/plain; charset=utf-8", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, h, tt.path, nil)
			if res.StatusCode != tt.status {
				t.Fatalf("GET %s: status %d, want %d", tt.path, res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.contentType)
			}
			if got := res.Header.Get("Cache-Control"); tt.status == 200 && got != tt.cache {
				t.Errorf("GET %s: Cache-Control %q, want %q", tt.path, got, tt.cache)
			}
		})
	}
}

func TestHandlerRevalidatesAndCompresses(t *testing.T) {
	h := Handler()
	plain := get(t, h, "/js/main.js", nil)
	etag := plain.Header.Get("ETag")
	if etag == "" || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("plain response: ETag %q, Content-Encoding %q", etag, plain.Header.Get("Content-Encoding"))
	}
	if res := get(t, h, "/js/main.js", map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: status %d, want 304", res.StatusCode)
	}
	assertGzipped(t, h, "/vendor/"+vendoredChartLibrary(t), "static/vendor/"+vendoredChartLibrary(t))
	if res := get(t, h, "/js/main.js", map[string]string{"Accept-Encoding": "gzip;q=0"}); res.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
}

func TestPageHasNoInlineCode(t *testing.T) {
	page, err := fs.ReadFile(static, "static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), // a script with a body
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`https?://`),
	} {
		if loc := bad.FindIndex(page); loc != nil {
			t.Errorf("index.html has %q: inline code, inline styles and remote URLs break the CSP and offline use", page[loc[0]:loc[1]])
		}
	}
	res := get(t, Handler(), "/", nil)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
}

func TestOperationsJSONCarriesHashes(t *testing.T) {
	res := get(t, Handler(), "/operations.json", nil)
	var ops map[string]struct{ Query, SHA256 string }
	if err := json.NewDecoder(res.Body).Decode(&ops); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Meta", "Overview", "PublicOverview", "WardOptions"} {
		op, ok := ops[name]
		if !ok {
			t.Fatalf("operations.json lacks %s", name)
		}
		file, _ := fs.ReadFile(queries, "queries/"+name+".graphql")
		sum := sha256.Sum256(file)
		if op.Query != string(file) || op.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: text or hash differs from queries/%s.graphql", name, name)
		}
	}
}

// The vendored chart library is exactly what vendor.mjs copied from npm (SHA256SUMS, written by
// it), with its licence and notice beside it.
func TestVendoredFilesMatchTheirChecksumsAndHaveLicences(t *testing.T) {
	vendor, err := fs.Sub(static, "static/vendor")
	if err != nil {
		t.Fatal(err)
	}
	listed := webassettest.CheckVendored(t, vendor)
	if !listed["echarts-NOTICE.txt"] {
		t.Error("the chart library's NOTICE (Apache-2.0 asks for it) is missing")
	}
}

func vendoredChartLibrary(t *testing.T) string {
	t.Helper()
	names, err := fs.Glob(static, "static/vendor/echarts-*.min.js")
	if err != nil || len(names) != 1 {
		t.Fatalf("want one vendored echarts-*.min.js, got %v (%v)", names, err)
	}
	page, _ := fs.ReadFile(static, "static/index.html")
	name := strings.TrimPrefix(names[0], "static/vendor/")
	if !bytes.Contains(page, []byte(`href="vendor/`+name+`" as="script"`)) {
		t.Fatalf("index.html does not preload vendor/%s", name)
	}
	return name
}

// TestEveryModuleIsPreloaded keeps the first load to one round trip for the scripts: index.html
// names every module, so the browser fetches them all at once instead of import by import.
func TestEveryModuleIsPreloaded(t *testing.T) {
	page, err := fs.ReadFile(static, "static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	err = fs.WalkDir(static, "static/js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		href := strings.TrimPrefix(p, "static/")
		if !bytes.Contains(page, []byte(`<link rel="modulepreload" href="`+href+`">`)) {
			t.Errorf("index.html does not preload %s", href)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
