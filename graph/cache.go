package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"hotro/internal/auth"
	"hotro/internal/respcache"
)

// ResponseCache keeps answers to read-only operations, keyed by the operation, its variables and
// who asked (role, wards, account), and drops them all when the data version changes.
type ResponseCache struct {
	versions *versions
	cache    *respcache.Cache
}

// NewResponseCache returns a cache holding up to maxBytes of answers. It reads the data version
// with version, and trusts what it read for VersionTTL while this process writes nothing.
func NewResponseCache(version func(context.Context) (int64, error), maxBytes int) *ResponseCache {
	return &ResponseCache{versions: &versions{read: version, ttl: VersionTTL}, cache: respcache.New(maxBytes)}
}

// Stats returns the hits and misses so far.
func (c *ResponseCache) Stats() (hits, misses int64) { return c.cache.Stats() }

// Handler serves cached answers in front of the GraphQL handler. Mutations, answers with errors,
// and requests it cannot read are passed through untouched.
func (c *ResponseCache) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		params, ok := readParams(r)
		if !ok || !readOnly(params.Query) {
			// It may write (a mutation, an upload): until it is over, and once after, the version
			// is read afresh, so that whoever wrote reads what they wrote.
			c.versions.beginWrite()
			defer c.versions.endWrite()
			next.ServeHTTP(w, r)
			return
		}
		version, err := c.versions.get(r.Context())
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		key := cacheKey(auth.FromContext(r.Context()), params)
		if body, ok := c.cache.Get(version, key); ok {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Cache", "hit")
			_, _ = w.Write(body)
			return
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		rec.Header().Set("X-Cache", "miss")
		next.ServeHTTP(rec, r)
		if rec.status == http.StatusOK && !bytes.Contains(rec.body.Bytes(), []byte(`"errors":`)) {
			c.cache.Put(version, key, rec.body.Bytes())
		}
	})
}

// VersionTTL is how long the response cache trusts the data version it read last while this
// process writes nothing: what other processes write (hotro import, other instances) shows within
// it, and an answer from the cache costs no database round trip.
const VersionTTL = time.Second

// versions remembers the data version read last.
type versions struct {
	read func(context.Context) (int64, error)
	ttl  time.Duration

	mu      sync.Mutex
	v       int64
	at      time.Time // when v was read; zero: read again
	gen     uint64    // moves on when a write begins or ends, so that a read begun before it is not kept
	writing int       // requests that may write, running now
}

func (c *versions) get(ctx context.Context) (int64, error) {
	c.mu.Lock()
	if c.writing == 0 && !c.at.IsZero() && time.Since(c.at) < c.ttl {
		v := c.v
		c.mu.Unlock()
		return v, nil
	}
	gen := c.gen
	c.mu.Unlock()
	v, err := c.read(ctx)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if c.gen == gen && c.writing == 0 {
		c.v, c.at = v, time.Now()
	}
	c.mu.Unlock()
	return v, nil
}

func (c *versions) beginWrite() { c.change(+1) }
func (c *versions) endWrite()   { c.change(-1) }

func (c *versions) change(writing int) {
	c.mu.Lock()
	c.writing += writing
	c.gen++
	c.at = time.Time{}
	c.mu.Unlock()
}

type rawParams struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
}

// readParams reads a POST body (and puts it back) or GET parameters.
func readParams(r *http.Request) (rawParams, bool) {
	var p rawParams
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		p.Query, p.OperationName = q.Get("query"), q.Get("operationName")
		p.Variables, p.Extensions = json.RawMessage(q.Get("variables")), json.RawMessage(q.Get("extensions"))
		return p, p.Query != "" || len(p.Extensions) > 0
	case http.MethodPost:
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			return p, false
		}
		body, err := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil || json.Unmarshal(body, &p) != nil {
			return p, false
		}
		return p, true
	}
	return p, false
}

// readOnlyMemo remembers readOnly's answers for documents up to readOnlyMemoMaxLen bytes: clients
// send the same few documents again and again. It forgets everything when full, so that a flood of
// distinct documents cannot grow it past about 8 MB.
var readOnlyMemo struct {
	sync.Mutex
	m map[string]bool
}

const (
	readOnlyMemoSize   = 1024
	readOnlyMemoMaxLen = 8 << 10
)

// readOnly reports whether the document holds only queries. A document sent by hash alone is an
// allow-listed query.
func readOnly(query string) bool {
	if query == "" {
		return true
	}
	if len(query) > readOnlyMemoMaxLen {
		return parseReadOnly(query)
	}
	readOnlyMemo.Lock()
	ro, ok := readOnlyMemo.m[query]
	readOnlyMemo.Unlock()
	if ok {
		return ro
	}
	ro = parseReadOnly(query)
	readOnlyMemo.Lock()
	if readOnlyMemo.m == nil || len(readOnlyMemo.m) >= readOnlyMemoSize {
		readOnlyMemo.m = make(map[string]bool, readOnlyMemoSize)
	}
	readOnlyMemo.m[query] = ro
	readOnlyMemo.Unlock()
	return ro
}

func parseReadOnly(query string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	for _, op := range doc.Operations {
		if op.Operation != ast.Query {
			return false
		}
	}
	return true
}

// cacheKey names an answer: who asked (their view of the data), what, with which variables.
func cacheKey(id *auth.Identity, p rawParams) string {
	wards := slices.Clone(id.WardIDs)
	slices.Sort(wards)
	h := sha256.New()
	h.Write([]byte(string(id.Role) + "\x00" + id.Username + "\x00"))
	for _, w := range wards {
		h.Write([]byte(strconv.FormatInt(w, 10) + ","))
	}
	for _, part := range [][]byte{[]byte(p.Query), []byte(p.OperationName), canonicalJSON(p.Variables), canonicalJSON(p.Extensions)} {
		h.Write([]byte{0})
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// canonicalJSON rewrites JSON with sorted keys, so that equal variables give equal keys.
func canonicalJSON(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	b, _ := json.Marshal(v) // encoding/json sorts map keys
	return b
}

// recorder keeps a copy of what the handler writes.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
