package graph

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"hotro/internal/auth"
	"hotro/internal/respcache"
)

// CacheRequest tells the response cache (respcache) what a GraphQL request is: a mutation or an
// upload may write; a query whose answer moves only with the data version is a read, keyed by the
// operation, its variables and who asked (role, wards, account); anything else (no document, one
// that does not parse, the audit trail) passes through. Whether an answer failed is not read here
// from its body: the handler reports it (see cacheOutcome).
func CacheRequest(r *http.Request) respcache.Request {
	params, ok := readParams(r)
	var doc document
	if ok {
		doc = classify(params.Query)
	}
	// A POST this cache cannot read as JSON is an upload (a list being checked or committed).
	upload := !ok && r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	switch {
	case upload || doc.mutation:
		return respcache.Request{Kind: respcache.Write}
	case !ok || !doc.cacheable:
		return respcache.Request{Kind: respcache.Pass}
	case auth.FromContext(r.Context()).AuditsFullReads():
		// Every read in full by the working group is recorded as it is made: none is answered from
		// the cache, which would skip the record.
		return respcache.Request{Kind: respcache.Pass}
	}
	return respcache.Request{Kind: respcache.Read, Key: cacheKey(auth.FromContext(r.Context()), params)}
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
// reconciliation queue (dry runs write it), the working group's board and spot checks (a visit's
// result is recorded without moving it), the snapshots (made and withdrawn without the data version
// moving), residents' reports (their resolvers also call respcache.Volatile, for a document sent by
// hash alone).
var uncachedFields = map[string]bool{"auditEvents": true, "me": true, "importUpload": true, "reconciliations": true,
	"supervisionBoard": true, "spotChecks": true, "spotCheck": true,
	"snapshots": true, "snapshot": true, "officialSnapshot": true, "snapshotDiff": true,
	"feedbackStatus": true, "feedbacks": true, "feedbackStats": true}

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
