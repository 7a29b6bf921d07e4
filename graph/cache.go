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
		var doc document
		if ok {
			doc = classify(params.Query)
		}
		// A POST this cache cannot read as JSON is an upload (a list being checked or committed).
		upload := !ok && r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
		if upload || doc.mutation {
			// It may write (a mutation, an upload): until it is over, and once after, the version
			// is read afresh, so that whoever wrote reads what they wrote.
			c.versions.beginWrite()
			defer c.versions.endWrite()
			next.ServeHTTP(w, r)
			return
		}
		if !ok || !doc.cacheable {
			// Nothing to run (a request without a document, one that does not parse) or an answer
			// the data version does not cover: passed through, neither cached nor counted a write.
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
	if v, ok := respcache.VersionOf(ctx); ok {
		return v, nil // read for this request already (the public answers' ETag)
	}
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

// document is what the cache needs to know of a GraphQL document.
type document struct {
	mutation  bool // it may write
	cacheable bool // a query whose answer moves only with the data version
}

// uncachedFields are root fields whose answers change without the data version moving: the audit
// trail (sign-ins write it), the caller's own account, kept uploads (a dry run or a discard), the
// reconciliation queue (dry runs write it).
var uncachedFields = map[string]bool{"auditEvents": true, "me": true, "importUpload": true, "reconciliations": true}

// classifyMemo remembers classify's answers for documents up to classifyMemoMaxLen bytes: clients
// send the same few documents again and again. It forgets everything when full, so that a flood of
// distinct documents cannot grow it past about 8 MB.
var classifyMemo struct {
	sync.Mutex
	m map[string]document
}

const (
	classifyMemoSize   = 1024
	classifyMemoMaxLen = 8 << 10
)

// classify reads the document. A document sent by hash alone is an allow-listed query; one that
// does not parse is neither a write nor cacheable (the server answers its error).
func classify(query string) document {
	if query == "" {
		return document{cacheable: true}
	}
	if len(query) > classifyMemoMaxLen {
		return parseDocument(query)
	}
	classifyMemo.Lock()
	doc, ok := classifyMemo.m[query]
	classifyMemo.Unlock()
	if ok {
		return doc
	}
	doc = parseDocument(query)
	classifyMemo.Lock()
	if classifyMemo.m == nil || len(classifyMemo.m) >= classifyMemoSize {
		classifyMemo.m = make(map[string]document, classifyMemoSize)
	}
	classifyMemo.m[query] = doc
	classifyMemo.Unlock()
	return doc
}

func parseDocument(query string) document {
	parsed, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return document{}
	}
	doc := document{cacheable: true}
	for _, op := range parsed.Operations {
		if op.Operation != ast.Query {
			return document{mutation: op.Operation == ast.Mutation}
		}
		for _, sel := range op.SelectionSet {
			f, ok := sel.(*ast.Field)
			// A fragment at the root could select anything: not cached.
			if !ok || uncachedFields[f.Name] {
				doc.cacheable = false
			}
		}
	}
	return doc
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
