package console_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hotro/dashboard/console"
	"hotro/internal/webasset/webassettest"
)

// get fetches path from the handler's server with the headers given as "Name: value".
func get(t *testing.T, srv *httptest.Server, method, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	if req.Header.Get("Accept-Encoding") == "" { // no transparent gzip from the client
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func TestHandlerServesEmbeddedFiles(t *testing.T) {
	srv := httptest.NewServer(console.Handler())
	defer srv.Close()
	const revalidate, immutable, page = "no-cache", "public, max-age=31536000, immutable", "no-store"
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantType           string
		wantCache          string
		wantCSP            bool
		wantBody           string
	}{
		{"page at the mount path", "GET", "/graphiql", 200, "text/html; charset=utf-8", page, true, "<title>hotro — Truy vấn"},
		{"page with a trailing slash", "GET", "/graphiql/", 200, "text/html; charset=utf-8", page, true, `content="/graphql"`},
		{"boot script", "GET", "/graphiql/console.js", 200, "text/javascript; charset=utf-8", revalidate, false, "hotro_csrf"},
		{"styles", "GET", "/graphiql/console.css", 200, "text/css; charset=utf-8", revalidate, false, ".hotro-console"},
		{"examples list", "GET", "/graphiql/examples.json", 200, "application/json", revalidate, false, `"name":"first-round-by-ward"`},
		{"one example", "GET", "/graphiql/examples/monthly-2020.graphql", 200, "application/graphql; charset=utf-8", revalidate, false, "groupBy: [MONTH]"},
		{"GraphiQL", "GET", "/graphiql/vendor/graphiql-3.9.0.min.js", 200, "text/javascript; charset=utf-8", immutable, false, "GraphiQL"},
		{"GraphiQL styles", "GET", "/graphiql/vendor/graphiql-3.9.0.min.css", 200, "text/css; charset=utf-8", immutable, false, ".graphiql-container"},
		{"React", "GET", "/graphiql/vendor/react-18.3.1.production.min.js", 200, "text/javascript; charset=utf-8", immutable, false, "React"},
		{"React DOM", "GET", "/graphiql/vendor/react-dom-18.3.1.production.min.js", 200, "text/javascript; charset=utf-8", immutable, false, "ReactDOM"},
		{"a licence", "GET", "/graphiql/vendor/graphiql-LICENSE.txt", 200, "text/plain; charset=utf-8", immutable, false, "MIT"},
		{"HEAD has no body", "HEAD", "/graphiql", 200, "text/html; charset=utf-8", page, true, ""},
		{"the template is not served raw", "GET", "/graphiql/index.html", 200, "text/html; charset=utf-8", page, true, `content="/graphiql"`},
		{"unknown file", "GET", "/graphiql/nope.js", 404, "text/plain; charset=utf-8", "", false, "Không tìm thấy"},
		{"not under the mount path", "GET", "/graphiqlx", 404, "text/plain; charset=utf-8", "", false, ""},
		{"POST is refused", "POST", "/graphiql", 405, "text/plain; charset=utf-8", "", false, "Phương thức"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, srv, tt.method, tt.path)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if got := res.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if got := res.Header.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
			if got := res.Header.Get("Content-Security-Policy") != ""; got != tt.wantCSP {
				t.Errorf("has Content-Security-Policy = %v, want %v", got, tt.wantCSP)
			}
			if tt.wantStatus == 200 && res.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
			if tt.wantStatus == 405 && res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q, want GET, HEAD", res.Header.Get("Allow"))
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body does not contain %q: %.200s", tt.wantBody, body)
			}
			if tt.method == "HEAD" && len(body) != 0 {
				t.Errorf("HEAD returned %d bytes", len(body))
			}
		})
	}
}

func TestPageAllowsNothingInlineOrForeign(t *testing.T) {
	srv := httptest.NewServer(console.Handler())
	defer srv.Close()
	res, body := get(t, srv, "GET", "/graphiql")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows unsafe code: %q", csp)
	}
	page := string(body)
	// The one style GraphiQL writes (its dialogs' scroll lock) is let in by a nonce, fresh on every
	// load, that the page hands to console.js.
	nonce := regexp.MustCompile(`<meta name="hotro-style-nonce" content="([0-9a-f]{32})">`).FindStringSubmatch(page)
	if nonce == nil || !strings.Contains(csp, "style-src 'self' 'nonce-"+nonce[1]+"';") {
		t.Fatalf("the page's style nonce %v is not the policy's: %q", nonce, csp)
	}
	if res, again := get(t, srv, "GET", "/graphiql"); strings.Contains(string(again), nonce[1]) || strings.Contains(res.Header.Get("Content-Security-Policy"), nonce[1]) {
		t.Error("two loads of the page share a nonce")
	}
	if regexp.MustCompile(`<script(\s+defer)?>|<style|\sstyle=|\son[a-z]+=`).MatchString(page) {
		t.Errorf("page has inline script, style or handler:\n%s", page)
	}
	// Every file the page loads comes from the handler itself.
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 6 {
		t.Fatalf("found %d references in the page, want at least 6", len(refs))
	}
	for _, m := range refs {
		ref := m[1]
		if ref == "data:," { // the empty favicon, so the browser asks for none
			continue
		}
		if !strings.HasPrefix(ref, "/graphiql/") {
			t.Errorf("page refers to %q, outside the console", ref)
			continue
		}
		if res, _ := get(t, srv, "GET", ref); res.StatusCode != 200 {
			t.Errorf("GET %s = %d", ref, res.StatusCode)
		}
	}
}

func TestRevalidationAndCompression(t *testing.T) {
	srv := httptest.NewServer(console.Handler())
	defer srv.Close()
	res, plain := get(t, srv, "GET", "/graphiql/vendor/graphiql-3.9.0.min.js")
	etag := res.Header.Get("ETag")
	tests := []struct {
		name       string
		headers    []string
		wantStatus int
		wantGzip   bool
	}{
		{"matching ETag", []string{"If-None-Match: " + etag}, 304, false},
		{"weak form of the ETag", []string{"If-None-Match: W/" + etag}, 304, false},
		{"one of several", []string{`If-None-Match: "other", ` + etag}, 304, false},
		{"stale ETag", []string{`If-None-Match: "stale"`}, 200, false},
		{"gzip accepted", []string{"Accept-Encoding: gzip, br"}, 200, true},
		{"gzip refused with q=0", []string{"Accept-Encoding: gzip;q=0"}, 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, srv, "GET", "/graphiql/vendor/graphiql-3.9.0.min.js", tt.headers...)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if got := res.Header.Get("Content-Encoding") == "gzip"; got != tt.wantGzip {
				t.Fatalf("gzipped = %v, want %v", got, tt.wantGzip)
			}
			if tt.wantStatus == 304 && len(body) != 0 {
				t.Errorf("304 with a body of %d bytes", len(body))
			}
			if tt.wantGzip {
				zr, err := gzip.NewReader(strings.NewReader(string(body)))
				if err != nil {
					t.Fatal(err)
				}
				unzipped, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				if string(unzipped) != string(plain) {
					t.Error("gzipped body differs from the file")
				}
				if len(body) >= len(plain)/2 {
					t.Errorf("gzip saved little: %d of %d bytes", len(body), len(plain))
				}
			}
		})
	}
}

func TestOptionsMoveTheConsoleAndTheEndpoint(t *testing.T) {
	srv := httptest.NewServer(console.Handler(console.Mount("/tools/graphiql/"), console.Endpoint("/api/graphql")))
	defer srv.Close()
	res, body := get(t, srv, "GET", "/tools/graphiql")
	if res.StatusCode != 200 {
		t.Fatalf("status = %d", res.StatusCode)
	}
	for _, want := range []string{`content="/api/graphql"`, `src="/tools/graphiql/console.js"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if res, _ := get(t, srv, "GET", "/tools/graphiql/vendor/react-18.3.1.production.min.js"); res.StatusCode != 200 {
		t.Errorf("vendored file under the new mount: %d", res.StatusCode)
	}
}

// The vendored files are exactly what vendor.mjs copied from npm (SHA256SUMS, written by it), and
// each library's licence lies next to it.
func TestVendoredFilesMatchTheirChecksumsAndHaveLicences(t *testing.T) {
	listed := webassettest.CheckVendored(t, os.DirFS(filepath.Join("static", "vendor")))
	if !listed["graphiql-THIRD-PARTY-LICENSES.txt"] {
		t.Error("the licences of what graphiql.min.js bundles are missing")
	}
}

func TestExamplesList(t *testing.T) {
	srv := httptest.NewServer(console.Handler())
	defer srv.Close()
	examples := examplesOf(t, srv.URL+"/graphiql")
	if len(examples) < 9 {
		t.Fatalf("%d examples, want at least 9", len(examples))
	}
	for _, e := range examples {
		t.Run(e.Name, func(t *testing.T) {
			if e.Title == "" || e.Description == "" {
				t.Errorf("title %q, description %q: both are needed", e.Title, e.Description)
			}
			if !strings.HasPrefix(e.Query, "# Title: "+e.Title+"\n") {
				t.Errorf("query does not start with its title line: %.60q", e.Query)
			}
			res, body := get(t, srv, "GET", "/graphiql/examples/"+e.Name+".graphql")
			if res.StatusCode != 200 || string(body) != e.Query {
				t.Errorf("examples/%s.graphql = %d, %.40q; want the example", e.Name, res.StatusCode, body)
			}
		})
	}
}

// example is one entry of examples.json.
type example struct {
	Name, Title, Description, Query string
}

func examplesOf(t *testing.T, consoleURL string) []example {
	t.Helper()
	res, err := http.Get(consoleURL + "/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []example
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}
