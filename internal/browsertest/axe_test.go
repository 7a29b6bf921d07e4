package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hotro/internal/webasset/webassettest"
)

// The vendored axe-core is byte for byte what npm shipped, with its licence (MPL-2.0), and is the
// file that axe.go embeds.
func TestVendoredAxeMatchesItsChecksumAndHasItsLicence(t *testing.T) {
	dir := filepath.Join("axe", "vendor")
	listed := webassettest.CheckVendored(t, os.DirFS(dir))
	if name := "axe-core-" + AxeVersion + ".min.js"; !listed[name] {
		t.Errorf("%s is not vendored: AxeVersion and axe/vendor disagree", name)
	}
	licence, err := os.ReadFile(filepath.Join(dir, "axe-core-LICENSE.txt"))
	if err != nil || !strings.HasPrefix(string(licence), "Mozilla Public License, version 2.0") {
		t.Errorf("axe-core's licence is not the MPL 2.0 it ships with: %v", err)
	}
	if !strings.Contains(axeScript, `version:"`+AxeVersion+`"`) && !strings.Contains(axeScript, "axe v"+AxeVersion) {
		t.Errorf("the embedded script is not axe-core %s", AxeVersion)
	}
}

// recorder keeps what AssertAccessible reports instead of failing the test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// assert runs AssertAccessible on its own goroutine (a Fatalf ends it) and returns what it reported.
func assert(t *testing.T, ctx context.Context, kept ...Kept) []string {
	r := &recorder{TB: t}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		AssertAccessible(r, ctx, "the page", kept...)
	}()
	wg.Wait()
	return r.errors
}

// AssertAccessible passes a clean page, fails every critical and serious violation (even under a
// strict Content Security Policy), and fails a moderate one unless the test keeps it, saying why.
func TestAssertAccessible(t *testing.T) {
	pages := map[string]string{
		"/clean": `<!doctype html><html lang="vi"><title>Trang</title><main><h1>Số liệu</h1>
			<p>Đã chi 16.912.500.000 ₫.</p><button type="button">Tải CSV</button></main>`,
		"/broken": `<!doctype html><html lang="vi"><title>Trang</title><main><h1>Số liệu</h1>
			<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
			<button type="button"></button>
			<link rel="stylesheet" href="/faint.css"><p class="faint">Chữ mờ</p>
			<button type="button" aria-label="Bảng số liệu các phường">Tải CSV</button></main>`,
		"/moderate": `<!doctype html><html lang="vi"><title>Trang</title><p>Ngoài mọi vùng</p><main><h1>Số liệu</h1></main>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/faint.css" {
			w.Header().Set("Content-Type", "text/css")
			_, _ = w.Write([]byte(".faint { color: #999; background: #fff }"))
			return
		}
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		_, _ = w.Write([]byte(page))
	}))
	defer srv.Close()
	ctx := New(t, Options{Width: 800, Height: 600, LoopbackOnly: true})
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	open := func(path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path)); err != nil {
			t.Fatal(err)
		}
	}

	open("/clean")
	if errs := assert(t, ctx); len(errs) != 0 {
		t.Errorf("a clean page fails:\n%s", strings.Join(errs, "\n"))
	}

	open("/broken")
	errs := strings.Join(assert(t, ctx, Kept{"image-alt", "kept in vain: a critical violation cannot be kept"}), "\n")
	for _, rule := range []string{"image-alt (critical)", "button-name (critical)", "color-contrast (serious)", "label-content-name-mismatch (serious)"} {
		if !strings.Contains(errs, rule) {
			t.Errorf("a broken page passes %s; reported:\n%s", rule, errs)
		}
	}

	open("/moderate")
	if errs := assert(t, ctx); len(errs) != 1 || !strings.Contains(errs[0], "region (moderate)") || !strings.Contains(errs[0], "not listed as kept") {
		t.Errorf("text outside every landmark, not kept: %q; want one failure of the rule region", errs)
	}
	if errs := assert(t, ctx, Kept{"region", "the test page has no landmark around its first paragraph"}); len(errs) != 0 {
		t.Errorf("a kept moderate violation still fails: %q", errs)
	}
	if errs := assert(t, ctx, Kept{Rule: "region"}); len(errs) != 1 || !strings.Contains(errs[0], "says not why") {
		t.Errorf("a violation kept without a reason: %q; want a failure", errs)
	}
}
