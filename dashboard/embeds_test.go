package dashboard

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"hotro/internal/portal"
)

const testOrigin = "https://thainguyencity.gov.vn"

func TestEmbedsServesPagesScriptAndFiles(t *testing.T) {
	h := Embeds([]string{testOrigin, "http://127.0.0.1:8081"})
	csp := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'self' https://thainguyencity.gov.vn http://127.0.0.1:8081"
	tests := []struct {
		name, path, contentType, cache, csp string
		status                              int
	}{
		{"a chart's page", "/embed/wards?measure=peopleSupported", "text/html; charset=utf-8", "no-cache", csp, 200},
		{"the KPI tile's page", "/embed/kpi", "text/html; charset=utf-8", "no-cache", csp, 200},
		{"the pipeline's page (signed links)", "/embed/pipeline?exp=1&sig=x", "text/html; charset=utf-8", "no-cache", csp, 200},
		{"embed.js", "/embed.js", "text/javascript; charset=utf-8", "public, max-age=300", "", 200},
		{"the page's module", "/embed/assets/embed/page.js", "text/javascript; charset=utf-8", "no-cache", "", 200},
		{"the drawing module", "/embed/assets/embed/draw.js", "text/javascript; charset=utf-8", "no-cache", "", 200},
		{"the styles", "/embed/assets/embed/embed.css", "text/css; charset=utf-8", "no-cache", "", 200},
		{"the dashboard's formatting", "/embed/assets/js/format.js", "text/javascript; charset=utf-8", "no-cache", "", 200},
		{"the chart library", "/embed/assets/vendor/" + vendoredChartLibrary(t), "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "", 200},
		{"the map's scale", "/embed/assets/js/mapscale.js", "text/javascript; charset=utf-8", "no-cache", "", 200},
		{"the map's tile layout", "/embed/assets/geo/thai-nguyen-city-wards.json", "application/json", "no-cache", "", 200},
		{"an unknown chart", "/embed/atlas", "text/plain; charset=utf-8", "", "", 404},
		{"no chart", "/embed/", "text/plain; charset=utf-8", "", "", 404},
		{"a dashboard module the embeds do not share", "/embed/assets/js/main.js", "text/plain; charset=utf-8", "", "", 404},
		{"the loader under another name", "/embed/assets/embed/loader.js", "text/plain; charset=utf-8", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, h, tt.path, nil)
			if res.StatusCode != tt.status {
				t.Fatalf("GET %s: status %d, want %d", tt.path, res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if tt.status != 200 {
				return
			}
			if got := res.Header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if got := res.Header.Get("Content-Security-Policy"); got != tt.csp {
				t.Errorf("Content-Security-Policy %q, want %q", got, tt.csp)
			}
			if got := res.Header.Get("X-Frame-Options"); got != "" {
				t.Errorf("X-Frame-Options %q: the portal could not frame the chart", got)
			}
			if res.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
		})
	}
}

// TestEmbedsShareTheDashboardsFiles: the formatting module and the chart library are the
// dashboard's own embedded files, byte for byte, not copies.
func TestEmbedsShareTheDashboardsFiles(t *testing.T) {
	embeds, dashboard := Embeds(nil), Handler()
	for path, file := range map[string]string{
		"/embed/assets/js/format.js":                      "static/js/format.js",
		"/embed/assets/js/timeline.js":                    "static/js/timeline.js",
		"/embed/assets/vendor/" + vendoredChartLibrary(t): "static/vendor/" + vendoredChartLibrary(t),
		"/embed.js":                   "static/embed/loader.js",
		"/embed/assets/embed/page.js": "static/embed/page.js",
	} {
		want, err := fs.ReadFile(static, file)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(get(t, embeds, path, nil).Body)
		if !bytes.Equal(got, want) {
			t.Errorf("GET %s differs from %s", path, file)
		}
		dash, _ := io.ReadAll(get(t, dashboard, strings.TrimPrefix(file, "static"), nil).Body)
		if strings.HasPrefix(file, "static/js/") || strings.HasPrefix(file, "static/vendor/") {
			if !bytes.Equal(dash, want) {
				t.Errorf("the dashboard's %s differs from the embeds'", file)
			}
		}
	}
}

func TestEmbedPageVariants(t *testing.T) {
	h := Embeds(nil)
	tests := []struct {
		path, html, chart string
		library           bool
	}{
		{"/embed/wards", `<html lang="vi" class="theme-light">`, "wards", true},
		{"/embed/wards?theme=dark&lang=en", `<html lang="en" class="theme-dark">`, "wards", true},
		{"/embed/groups?theme=blue&lang=fr", `<html lang="vi" class="theme-light">`, "groups", true},
		{"/embed/timeseries?bucket=WEEK", `<html lang="vi" class="theme-light">`, "timeseries", true},
		{"/embed/kpi?lang=en", `<html lang="en" class="theme-light">`, "kpi", false},
		{"/embed/table?theme=dark", `<html lang="vi" class="theme-dark">`, "table", false},
	}
	etags := map[string]bool{}
	for _, tt := range tests {
		res := get(t, h, tt.path, nil)
		page, _ := io.ReadAll(res.Body)
		if !bytes.Contains(page, []byte(tt.html)) || !bytes.Contains(page, []byte(`<body data-chart="`+tt.chart+`" data-state="loading">`)) {
			t.Errorf("GET %s: want %s and data-chart %q in\n%s", tt.path, tt.html, tt.chart, page)
		}
		// The KPI tile and the table draw no chart: they load no chart library.
		if got := bytes.Contains(page, []byte(`href="assets/vendor/echarts-`)); got != tt.library {
			t.Errorf("GET %s: preloads the chart library %v, want %v", tt.path, got, tt.library)
		}
		etags[res.Header.Get("ETag")] = true
		if res := get(t, h, tt.path, map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", tt.path, res.StatusCode)
		}
	}
	if len(etags) != len(tests) {
		t.Errorf("%d ETags for %d different pages", len(etags), len(tests))
	}
	assertGzipped(t, h, "/embed/assets/embed/page.js", "static/embed/page.js")
}

// TestEmbedPagesHaveNoInlineCode: the pages and their scripts keep to a CSP without
// 'unsafe-inline', and load nothing from elsewhere.
func TestEmbedPagesHaveNoInlineCode(t *testing.T) {
	h := Embeds(nil)
	for _, chart := range EmbedCharts {
		for _, q := range []string{"", "?theme=dark&lang=en"} {
			page, _ := io.ReadAll(get(t, h, "/embed/"+chart+q, nil).Body)
			for _, bad := range []*regexp.Regexp{
				regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`),
				regexp.MustCompile(`<style`),
				regexp.MustCompile(`\sstyle=`),
				regexp.MustCompile(`\son[a-z]+=`),
				regexp.MustCompile(`https?://`),
			} {
				if loc := bad.FindIndex(page); loc != nil {
					t.Errorf("/embed/%s%s has %q", chart, q, page[loc[0]:loc[1]])
				}
			}
		}
	}
	err := fs.WalkDir(static, "static/embed", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		src, _ := fs.ReadFile(static, p)
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "setAttribute(\"style\""} {
			if bytes.Contains(src, []byte(bad)) {
				t.Errorf("%s uses %s", p, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEmbedChartsAreThePortals(t *testing.T) {
	if !slices.Equal(EmbedCharts, portal.Charts) {
		t.Errorf("embed pages for %v, the portal's chart data for %v", EmbedCharts, portal.Charts)
	}
}

// TestLoaderKnowsEveryChart: embed.js frames a chart it has a title and a height for, and falls
// back to the wards otherwise, so every chart the embeds serve must be in its tables.
func TestLoaderKnowsEveryChart(t *testing.T) {
	src, err := fs.ReadFile(static, "static/embed/loader.js")
	if err != nil {
		t.Fatal(err)
	}
	heights := regexp.MustCompile(`var heights = \{([^}]*)\}`).FindSubmatch(src)
	if heights == nil {
		t.Fatal("no heights table in loader.js")
	}
	for _, chart := range EmbedCharts {
		if !regexp.MustCompile(`\b` + chart + `:`).Match(heights[1]) {
			t.Errorf("loader.js has no height for the %s chart: it would frame the wards instead", chart)
		}
		if n := len(regexp.MustCompile(`\b`+chart+`: "`).FindAll(src, -1)); n != 2 {
			t.Errorf("loader.js names the %s chart in %d languages, want 2 (vi, en)", chart, n)
		}
	}
}

func TestEmbedsRefusesAnOriginThatIsNot(t *testing.T) {
	for _, bad := range []string{"*", "thainguyencity.gov.vn", "https://thainguyencity.gov.vn/portal", "https://a.vn; script-src *", "https://a.vn 'unsafe-inline'"} {
		t.Run(bad, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Embeds(%q) accepted it", bad)
				}
			}()
			Embeds([]string{bad})
		})
	}
}
