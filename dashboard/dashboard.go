// Package dashboard serves hotro's web pages, embedded in the binary so that nothing is loaded from
// the internet: the leaders' dashboard, its vendored chart library and the GraphQL operations it sends.
package dashboard

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"

	"hotro/internal/webasset"
)

//go:embed static
var static embed.FS

//go:embed queries/*.graphql
var queries embed.FS

// PublicOperations returns the text of every GraphQL operation the dashboard sends for visitors who
// are not signed in: the API's allow-list of public documents (graph.Options.PublicOperations)
// must hold them, by text or by SHA-256 hash.
func PublicOperations() []string {
	ops, err := loadOperations(queries)
	if err != nil {
		panic(err) // embedded files are fixed at build time; TestOperations proves they load
	}
	var docs []string
	for _, op := range ops {
		if !signedInOnly[op.Name] {
			docs = append(docs, op.Query)
		}
	}
	return docs
}

// HandlerFromDir is Handler serving the page's files from dir on disk (the dashboard/static folder
// of a checkout) instead of the embedded ones, read again at every request: edit a module, reload
// the page. The GraphQL operations stay the embedded ones (the API allows those). It is for
// development (hotro serve --assets-dir).
func HandlerFromDir(dir string) (http.Handler, error) {
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return nil, fmt.Errorf("%s holds no index.html: give the dashboard/static folder of a checkout", dir)
	}
	ops, err := loadOperations(queries)
	if err != nil {
		return nil, err
	}
	opsJSON, err := ops.json()
	if err != nil {
		return nil, err
	}
	return diskAssets{dir: webasset.NewDir(os.DirFS(dir)), operations: webasset.New("operations.json", opsJSON)}, nil
}

// Handler serves the embedded pages with content types, ETags, gzip and cache headers, and the
// dashboard's GraphQL operations at /operations.json.
func Handler() http.Handler {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	ops, err := loadOperations(queries)
	if err != nil {
		panic(err) // embedded files are fixed at build time; TestOperations proves they load
	}
	set, err := loadAssets(sub)
	if err != nil {
		panic(err)
	}
	opsJSON, err := ops.json()
	if err != nil {
		panic(err)
	}
	webasset.Set(set).Add("operations.json", opsJSON)
	return set
}
