package webasset

import (
	"io/fs"
	"net/http"
)

// Dir serves the files of a directory on disk, read again at every request, so that a person editing
// them sees each change on reload (hotro serve --assets-dir, as GoAlert's --ui-dir and pkgsite's
// -static). Every file is revalidated by its ETag: none is cached for a year, whatever its name.
type Dir struct{ fsys fs.FS }

// NewDir serves the files of fsys (os.DirFS of the directory).
func NewDir(fsys fs.FS) Dir { return Dir{fsys: fsys} }

// Serve sends the file called name as it is on disk now, or a 404.
func (d Dir) Serve(w http.ResponseWriter, r *http.Request, name, csp string) {
	b, err := fs.ReadFile(d.fsys, name)
	if err != nil {
		http.Error(w, "Không tìm thấy trang.", http.StatusNotFound)
		return
	}
	f := New(name, b)
	f.CacheControl = "no-cache"
	f.Serve(w, r, csp)
}
