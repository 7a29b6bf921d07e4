// Package console serves GraphiQL, the in-browser GraphQL editor, from files embedded in the binary,
// so that analysts can query hotro with no internet: the page, its vendored libraries and the
// example analyst queries, one click away.
package console

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"hotro/internal/webasset"
)

// contentSecurityPolicy lets the page load only its own files and talk only to its own server.
// Nothing inline: the boot code is console.js. GraphiQL's fonts are data: URLs inside its CSS. The
// one style GraphiQL writes itself (the scroll lock of its dialogs, react-remove-scroll-bar) carries
// the page's nonce, fresh on every load of the page: policy(nonce) is the page's policy.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func policy(nonce string) string {
	return strings.Replace(contentSecurityPolicy, "style-src 'self';", "style-src 'self' 'nonce-"+nonce+"';", 1)
}

// static holds the page (a template), its script and styles, and the vendored libraries.
//
//go:embed static
var static embed.FS

// exampleFiles are the example analyst queries, one operation a file.
//
//go:embed examples/*.graphql
var exampleFiles embed.FS

// An Option changes where the console is mounted or which API it talks to.
type Option func(*settings)

type settings struct {
	prefix   string // the path the console is served under
	endpoint string // the GraphQL endpoint the page sends queries to
}

// Mount says under which path the handler is mounted, without a trailing slash (default
// "/graphiql"). The handler expects the full path: mount it without http.StripPrefix.
func Mount(prefix string) Option {
	return func(s *settings) { s.prefix = "/" + strings.Trim(prefix, "/") }
}

// Endpoint says where the page sends its GraphQL requests (default "/graphql", same origin).
func Endpoint(path string) Option {
	return func(s *settings) { s.endpoint = path }
}

// Handler serves the console: the page at PREFIX and PREFIX/, its files under PREFIX/ (vendored
// libraries cached for a year under versioned names, the rest revalidated by ETag), and the examples
// at PREFIX/examples.json and PREFIX/examples/NAME.graphql.
func Handler(opts ...Option) http.Handler {
	s := settings{prefix: "/graphiql", endpoint: "/graphql"}
	for _, o := range opts {
		o(&s)
	}
	h, err := newHandler(s, static, exampleFiles)
	if err != nil {
		panic(err) // the embedded files are fixed at build time; the tests prove they load
	}
	return h
}

func newHandler(s settings, staticFS, examplesFS fs.FS) (*handler, error) {
	files, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	// The page is a template, filled below.
	set, err := webasset.Load(files, func(name string) bool { return name != "index.html" })
	if err != nil {
		return nil, err
	}
	examples, err := loadExamples(examplesFS)
	if err != nil {
		return nil, err
	}
	for _, e := range examples {
		set.Add("examples/"+e.Name+".graphql", []byte(e.Query))
	}
	list, err := json.Marshal(examples)
	if err != nil {
		return nil, err
	}
	set.Add("examples.json", list)

	page, err := template.ParseFS(files, "index.html")
	if err != nil {
		return nil, err
	}
	h := &handler{settings: s, page: page, assets: set}
	if _, err := h.render("test"); err != nil {
		return nil, err
	}
	return h, nil
}

type handler struct {
	settings
	page   *template.Template // filled on every load, with a fresh nonce
	assets webasset.Set
}

// render fills the page with the settings and the nonce.
func (h *handler) render(nonce string) ([]byte, error) {
	var buf bytes.Buffer
	err := h.page.Execute(&buf, struct{ Prefix, Endpoint, Nonce string }{h.prefix, h.endpoint, nonce})
	return buf.Bytes(), err
}

// servePage sends the page with a nonce of its own, never cached.
func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		http.Error(w, "Không tạo được trang.", http.StatusInternalServerError)
		return
	}
	// Hex: characters html/template writes as they are, and valid in a CSP nonce.
	nonce := hex.EncodeToString(b)
	body, err := h.render(nonce)
	if err != nil {
		http.Error(w, "Không tạo được trang.", http.StatusInternalServerError)
		return
	}
	f := webasset.Set{}.Add("index.html", body)
	f.CacheControl = "no-store"
	f.Serve(w, r, policy(nonce))
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, h.prefix)
	if !ok || (name != "" && !strings.HasPrefix(name, "/")) {
		http.NotFound(w, r)
		return
	}
	name = strings.TrimPrefix(name, "/")
	if name == "" || name == "index.html" {
		h.servePage(w, r)
		return
	}
	h.assets.Serve(w, r, name, contentSecurityPolicy)
}
