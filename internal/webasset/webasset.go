// Package webasset serves files built into the binary: a strong ETag from their content and 304 to
// a request that holds it, a gzipped copy when that saves space, long caching for vendored files
// (their names carry their version), and a content security policy on HTML pages.
package webasset

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// A File is one file ready to send.
type File struct {
	body        []byte
	contentType string
	etag        string
	// CacheControl goes with the file: "no-cache" (revalidate with the ETag), or a year for the
	// files under vendor/.
	CacheControl string

	gzipOnce sync.Once
	gzipped  []byte // nil when compressing does not pay
}

// New makes the file called name (its extension gives its type) of body.
func New(name string, body []byte) *File {
	sum := sha256.Sum256(body)
	f := &File{
		body:         body,
		contentType:  contentType(name),
		etag:         `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		CacheControl: "no-cache",
	}
	if strings.HasPrefix(name, "vendor/") {
		f.CacheControl = "public, max-age=31536000, immutable"
	}
	return f
}

// A Set is files by name.
type Set map[string]*File

// Add puts body in the set as name and returns its file.
func (s Set) Add(name string, body []byte) *File {
	f := New(name, body)
	s[name] = f
	return f
}

// Load reads every file of fsys for which keep (nil: all) says yes.
func Load(fsys fs.FS, keep func(name string) bool) (Set, error) {
	set := Set{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (keep != nil && !keep(name)) {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		set.Add(name, b)
		return nil
	})
	return set, err
}

// Serve sends the file called name, or a 404.
func (s Set) Serve(w http.ResponseWriter, r *http.Request, name, csp string) {
	f, ok := s[name]
	if !ok {
		http.Error(w, "Không tìm thấy trang.", http.StatusNotFound)
		return
	}
	f.Serve(w, r, csp)
}

// Serve sends the file to a GET or HEAD, or 304 Not Modified to a request that holds its ETag; an
// HTML page gets the policy csp.
func (f *File) Serve(w http.ResponseWriter, r *http.Request, csp string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Phương thức không được hỗ trợ.", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", f.CacheControl)
	h.Set("ETag", f.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if strings.HasPrefix(f.contentType, "text/html") && csp != "" {
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "same-origin")
	}
	if etagMatches(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if z := f.gzip(); z != nil {
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

// gzip compresses the file once, on first use: some vendored files are megabytes.
func (f *File) gzip() []byte {
	f.gzipOnce.Do(func() {
		if len(f.body) <= 512 || !compressible(f.contentType) {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(f.body)
		_ = zw.Close()
		if buf.Len() < len(f.body) {
			f.gzipped = buf.Bytes()
		}
	})
	return f.gzipped
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
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

func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "json") ||
		strings.Contains(contentType, "svg") || strings.Contains(contentType, "graphql")
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
