package dashboard

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"hotro/internal/webasset"
)

// EmbedCharts are the charts the city portal can embed, each a page at /embed/<chart> (the charts
// of /embed/data/<chart>; the pipeline needs a signed link).
var EmbedCharts = []string{"wards", "groups", "timeseries", "kpi", "kpis", "table", "pipeline", "map"}

// drawnWithLibrary are the charts drawn with ECharts; the KPI tile and strip and the table need no library.
var drawnWithLibrary = []string{"wards", "groups", "timeseries", "pipeline"}

//go:embed embed.html
var embedPageTemplate string

// embedPolicy is the embed pages' Content-Security-Policy: nothing inline, nothing from elsewhere,
// and framing by hotro itself (the dashboard's preview) and the portal's origins only.
func embedPolicy(origins []string) string {
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors " + strings.Join(append([]string{"'self'"}, origins...), " ")
}

// embedHandler serves /embed.js, the pages /embed/<chart> and their files under /embed/assets/.
type embedHandler struct {
	pages  map[string]*webasset.File // by "chart theme lang"
	files  webasset.Set              // by the path under /embed/assets/ (as under static/)
	loader *webasset.File            // /embed.js
	csp    string
}

// Embeds serves the city portal's embeddable charts: the one-line script /embed.js, which makes the
// iframe and keeps its height fitted, and the small pages /embed/<chart>?params it frames, with
// their scripts, styles, the dashboard's formatting module and the vendored chart library (the
// same embedded files the dashboard serves). Only hotro and origins may frame the pages
// (CSP frame-ancestors); origins are scheme://host[:port] as configuration checks them, and any
// other value panics. /embed/data/ (the figures) is the portal package's.
func Embeds(origins []string) http.Handler {
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Scheme+"://"+u.Host != o {
			panic(fmt.Sprintf("dashboard: Embeds: origin %q is not scheme://host[:port]", o))
		}
	}
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	// The embed's own files, the formatting and timeline modules it shares with the dashboard, the library.
	files, err := webasset.Load(sub, func(p string) bool {
		return strings.HasPrefix(p, "embed/") || p == "js/format.js" || p == "js/timeline.js" || strings.HasPrefix(p, "vendor/") ||
			p == "js/mapscale.js" || p == "geo/thai-nguyen-city-wards.json" // the map's scale and tile layout
	})
	var library string
	for p := range files {
		if ok, _ := path.Match("vendor/echarts-*.min.js", p); ok {
			library = p
		}
	}
	if err != nil || library == "" {
		panic(fmt.Sprintf("dashboard: embedded files: %v (chart library %q)", err, library))
	}
	loader := files["embed/loader.js"]
	delete(files, "embed/loader.js") // served as /embed.js only
	// Portals load it on every page view: caches may keep it a while without asking.
	loader.CacheControl = "public, max-age=300"

	tmpl := template.Must(template.New("embed").Parse(embedPageTemplate))
	h := &embedHandler{pages: map[string]*webasset.File{}, files: files, loader: loader, csp: embedPolicy(origins)}
	for _, chart := range EmbedCharts {
		for _, theme := range []string{"light", "dark"} {
			for _, lang := range []string{"vi", "en"} {
				var b bytes.Buffer
				err := tmpl.Execute(&b, map[string]any{
					"Chart": chart, "Theme": theme, "Lang": lang, "Library": library,
					"Draws": slices.Contains(drawnWithLibrary, chart),
				})
				if err != nil {
					panic(err) // the template is fixed at build time; the handler tests execute it
				}
				key := chart + " " + theme + " " + lang
				h.pages[key] = webasset.New(key+".html", b.Bytes())
			}
		}
	}
	return h
}

func (h *embedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/embed.js" {
		h.loader.Serve(w, r, "")
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/embed/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if file, ok := strings.CutPrefix(name, "assets/"); ok {
		if a := h.files[file]; a != nil {
			a.Serve(w, r, h.csp)
			return
		}
		http.Error(w, "Không tìm thấy tệp.", http.StatusNotFound)
		return
	}
	if !slices.Contains(EmbedCharts, name) {
		http.Error(w, "Không có biểu đồ này. Các biểu đồ: "+strings.Join(EmbedCharts, ", ")+".", http.StatusNotFound)
		return
	}
	// The page comes in the theme and language of its parameters, so it is drawn right from the
	// first paint; the figures and the rest of the parameters are the script's.
	q := r.URL.Query()
	theme, lang := "light", "vi"
	if q.Get("theme") == "dark" {
		theme = "dark"
	}
	if q.Get("lang") == "en" {
		lang = "en"
	}
	h.pages[name+" "+theme+" "+lang].Serve(w, r, h.csp)
}
