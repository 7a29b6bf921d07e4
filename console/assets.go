package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// contentSecurityPolicy lets the page load only its own files and talk only to its own server.
// Nothing inline: the boot code is console.js. GraphiQL's fonts are data: URLs inside its CSS.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// An asset is one file ready to send: its bytes, a strong ETag, and a gzipped copy made on first use.
type asset struct {
	body         []byte
	contentType  string
	etag         string
	cacheControl string

	gzipOnce sync.Once
	gzipped  []byte // nil when compressing does not pay
}

// assets are the files by their name under the mount path; the page is "index.html".
type assets map[string]*asset

func (set assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	a := &asset{
		body:         body,
		contentType:  contentType(name),
		etag:         `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		cacheControl: "no-cache", // revalidate with the ETag
	}
	if strings.HasPrefix(name, "vendor/") {
		// Vendored files carry their version in their name: a new version is a new URL.
		a.cacheControl = "public, max-age=31536000, immutable"
	}
	set[name] = a
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".graphql":
		return "application/graphql; charset=utf-8"
	case ".txt", "":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (a *asset) gzip() []byte {
	a.gzipOnce.Do(func() {
		t := a.contentType
		if len(a.body) < 1024 || !(strings.HasPrefix(t, "text/") || strings.Contains(t, "json") || strings.Contains(t, "graphql")) {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		if buf.Len() < len(a.body) {
			a.gzipped = buf.Bytes()
		}
	})
	return a.gzipped
}

func (set assets) serve(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := set[name]
	if !ok {
		http.Error(w, "Không tìm thấy trang.", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Phương thức không được hỗ trợ.", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", a.cacheControl)
	h.Set("ETag", a.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if name == "index.html" {
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "same-origin")
	}
	if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if z := a.gzip(); z != nil {
			h.Set("Content-Encoding", "gzip")
			body = z
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q, _ = strconv.ParseFloat(v, 64)
		}
		return q > 0
	}
	return false
}
