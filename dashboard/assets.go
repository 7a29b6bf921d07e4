package dashboard

import (
	"io/fs"
	"net/http"
	"strings"

	"hotro/internal/webasset"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere: the pages load only their
// own files and talk only to their own server.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// assets serves the dashboard's files by path; "/" is index.html.
type assets webasset.Set

func loadAssets(fsys fs.FS) (assets, error) {
	set, err := webasset.Load(fsys, nil)
	return assets(set), err
}

func (set assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	webasset.Set(set).Serve(w, r, name, contentSecurityPolicy)
}

// diskAssets serves the dashboard's files from a directory on disk, read at every request; the
// operations stay the embedded ones.
type diskAssets struct {
	dir        webasset.Dir
	operations *webasset.File
}

func (d diskAssets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	switch name {
	case "":
		name = "index.html"
	case "operations.json":
		d.operations.Serve(w, r, contentSecurityPolicy)
		return
	}
	d.dir.Serve(w, r, name, contentSecurityPolicy)
}
