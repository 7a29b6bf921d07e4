package webasset

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestServe(t *testing.T) {
	page := []byte("<!doctype html><title>x</title>" + strings.Repeat("<p>Hỗ trợ</p>", 100))
	set, err := Load(fstest.MapFS{
		"index.html":           {Data: page},
		"vendor/lib-1.2.js":    {Data: []byte(strings.Repeat("var a = 1;\n", 200))},
		"img/logo.png":         {Data: bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 300)},
		"small.css":            {Data: []byte("body{}")},
		"skipped/secret.txt":   {Data: []byte("no")},
		"examples/top.graphql": {Data: []byte("{ stats { total { amountPaid } } }")},
	}, func(name string) bool { return !strings.HasPrefix(name, "skipped/") })
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := set["skipped/secret.txt"]; ok {
		t.Error("Load kept a file keep refused")
	}
	get := func(method, name string, header map[string]string) *http.Response {
		t.Helper()
		r := httptest.NewRequest(method, "/"+name, nil)
		for k, v := range header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		set.Serve(w, r, name, "default-src 'self'")
		return w.Result()
	}

	res := get(http.MethodGet, "index.html", nil)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !bytes.Equal(body, page) || res.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		res.Header.Get("Content-Security-Policy") != "default-src 'self'" || res.Header.Get("Cache-Control") != "no-cache" ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("page: %d %v", res.StatusCode, res.Header)
	}
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
		t.Errorf("ETag %q", etag)
	}

	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		if res := get(http.MethodGet, "index.html", map[string]string{"If-None-Match": inm}); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s: %d, want 304", inm, res.StatusCode)
		}
	}
	if res := get(http.MethodGet, "index.html", map[string]string{"If-None-Match": `"other"`}); res.StatusCode != 200 {
		t.Errorf("another ETag: %d, want 200", res.StatusCode)
	}

	res = get(http.MethodGet, "index.html", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip for a client that takes it: %v", res.Header)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if unzipped, _ := io.ReadAll(zr); !bytes.Equal(unzipped, page) {
		t.Error("the gzipped page differs from the page")
	}
	for _, ae := range []string{"gzip;q=0", "identity", ""} {
		if res := get(http.MethodGet, "index.html", map[string]string{"Accept-Encoding": ae}); res.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: gzipped anyway", ae)
		}
	}
	for _, name := range []string{"small.css", "img/logo.png"} {
		if res := get(http.MethodGet, name, map[string]string{"Accept-Encoding": "gzip"}); res.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s gzipped: too small, or not text", name)
		}
	}

	res = get(http.MethodGet, "vendor/lib-1.2.js", nil)
	if res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || res.Header.Get("Content-Security-Policy") != "" ||
		res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("vendored script: %v", res.Header)
	}
	if ct := get(http.MethodGet, "examples/top.graphql", nil).Header.Get("Content-Type"); ct != "application/graphql; charset=utf-8" {
		t.Errorf("a .graphql file is %q", ct)
	}

	res = get(http.MethodHead, "index.html", nil)
	if body, _ := io.ReadAll(res.Body); res.StatusCode != 200 || len(body) != 0 || res.Header.Get("Content-Length") != "1731" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %s", res.StatusCode, len(body), res.Header.Get("Content-Length"))
	}
	if res := get(http.MethodPost, "index.html", nil); res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	res = get(http.MethodGet, "nothing.js", nil)
	if body, _ := io.ReadAll(res.Body); res.StatusCode != 404 || !strings.Contains(string(body), "Không tìm thấy") {
		t.Errorf("missing file: %d %s", res.StatusCode, body)
	}
}
