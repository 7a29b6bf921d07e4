package dashboard

import (
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// HandlerFromDir (hotro serve --assets-dir) serves the files as they are on disk at each request,
// so an edit shows on reload; the operations stay the embedded ones.
func TestHandlerFromDirServesEditsOnReload(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html", "<!doctype html><title>hotro</title>")
	write("js/main.js", "export const version = 1;")
	write("vendor/chart-1.0.min.js", "chart")
	h, err := HandlerFromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	body := func(res *http.Response) string {
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}

	res := get(t, h, "/", nil)
	if res.StatusCode != 200 || body(res) != "<!doctype html><title>hotro</title>" || res.Header.Get("Content-Security-Policy") != contentSecurityPolicy {
		t.Errorf("/ = %d, CSP %q: want the page on disk with the dashboard's policy", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	first := get(t, h, "/js/main.js", nil)
	if got := body(first); got != "export const version = 1;" {
		t.Errorf("/js/main.js = %q, want the file on disk", got)
	}
	write("js/main.js", "export const version = 2;")
	second := get(t, h, "/js/main.js", map[string]string{"If-None-Match": first.Header.Get("ETag")})
	if got := body(second); second.StatusCode != 200 || got != "export const version = 2;" {
		t.Errorf("after an edit, with the old ETag: %d %q, want 200 and the edited file", second.StatusCode, got)
	}
	if got := get(t, h, "/js/main.js", map[string]string{"If-None-Match": second.Header.Get("ETag")}); got.StatusCode != http.StatusNotModified {
		t.Errorf("unchanged, with its ETag: %d, want 304", got.StatusCode)
	}
	if got := get(t, h, "/vendor/chart-1.0.min.js", nil).Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("vendor file Cache-Control = %q, want no-cache: files being edited are never cached for a year", got)
	}
	if res := get(t, h, "/missing.js", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("/missing.js = %d, want 404", res.StatusCode)
	}
	if res := get(t, h, "/../dashboard.go", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("/../dashboard.go = %d, want 404: nothing outside the folder", res.StatusCode)
	}
	embedded := get(t, Handler(), "/operations.json", nil)
	if res := get(t, h, "/operations.json", nil); res.StatusCode != 200 || res.Header.Get("ETag") != embedded.Header.Get("ETag") {
		t.Errorf("/operations.json = %d, ETag %q; want the embedded operations (%q)", res.StatusCode, res.Header.Get("ETag"), embedded.Header.Get("ETag"))
	}
}

// The folder to give is the checkout's dashboard/static: the same files the binary embeds.
func TestHandlerFromDirOfTheCheckoutServesTheEmbeddedFiles(t *testing.T) {
	h, err := HandlerFromDir("static")
	if err != nil {
		t.Fatal(err)
	}
	err = fs.WalkDir(static, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		want, _ := fs.ReadFile(static, name)
		path := strings.TrimPrefix(name, "static")
		if res := get(t, h, path, nil); res.StatusCode != 200 || res.Header.Get("ETag") != get(t, Handler(), path, nil).Header.Get("ETag") {
			t.Errorf("%s: %d, or not the embedded file (%d bytes)", path, res.StatusCode, len(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHandlerFromDirRefusesAFolderWithoutThePage(t *testing.T) {
	if _, err := HandlerFromDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "dashboard/static") {
		t.Errorf("err = %v, want one naming the folder to give", err)
	}
}
