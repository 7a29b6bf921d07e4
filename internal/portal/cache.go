package portal

import (
	"net/http"

	"hotro/internal/respcache"
)

// CacheRequest tells the response cache (respcache) what a request for chart data is: an unsigned
// GET or HEAD is a read of public figures, the same for every visitor, keyed by its URL; a signed
// link is checked (signature, expiry) every time and passes through.
func CacheRequest(r *http.Request) respcache.Request {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.Query().Get("sig") != "" {
		return respcache.Request{Kind: respcache.Pass}
	}
	return respcache.Request{Kind: respcache.Read, Key: r.URL.RequestURI()}
}
