package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hotro/internal/errs"
)

// refusedTransport is the last transport: it takes every request the others do not (a POST without
// Content-Type: application/json, a PUT) and answers with a GraphQL error in Vietnamese saying how
// to send one, where gqlgen would answer "transport not supported".
type refusedTransport struct{}

var _ graphql.Transport = refusedTransport{}

// Supports takes every request but the multipart uploads, which belong to the transport
// AcceptUploads adds after this one.
func (refusedTransport) Supports(r *http.Request) bool {
	return !(transport.MultipartForm{}).Supports(r)
}

func (refusedTransport) Do(w http.ResponseWriter, r *http.Request, _ graphql.GraphExecutor) {
	w.Header().Set("Content-Type", "application/json")
	status := http.StatusBadRequest
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		status = http.StatusMethodNotAllowed
	}
	transport.SendError(w, status, &gqlerror.Error{Message: transportMessage,
		Extensions: map[string]any{"code": errs.Invalid.Code()}})
}

// postTransport is gqlgen's POST transport (transport.POST of v0.17.98, whose Do it follows step by
// step) but for how it writes an answer that holds only data, as every successful query's does:
// gqlgen encodes the whole Response with encoding/json, which scans and re-compacts the data
// gqlgen itself wrote (a tenth of the server's time on the city's 32 wards); here the data is
// written as it is, wrapped in {"data":...}. The bytes are the same: data in which encoding/json
// would escape something (<, >, & and the line separators U+2028, U+2029) and every answer with
// errors or extensions still go through encoding/json (TestPostTransportIsGqlgens).
type postTransport struct{ transport.POST }

var _ graphql.Transport = postTransport{}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseContentType(r)
	w.Header().Add("Content-Type", contentType)
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body: %+v", err)}), false)
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf(
			"json request body could not be decoded: %+v body:%s", err, string(body))}), false)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		status := http.StatusOK
		if errcode.GetErrorKind(opErr) == errcode.KindProtocol {
			status = http.StatusUnprocessableEntity
			if contentType == "application/graphql-response+json" {
				status = http.StatusBadRequest
			}
		}
		w.WriteHeader(status)
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr), false)
		return
	}
	plain := &plainData{}
	responses, ctx := exec.DispatchOperation(context.WithValue(ctx, plainDataKey{}, plain), rc)
	resp := responses(ctx)
	writeResponse(w, resp, plain.is(resp))
}

// plainData is where the direct answer notes data it wrote that encoding/json would write the same
// (compact, nothing to escape): writeResponse then sends it without scanning it.
type plainData struct{ data []byte }

type plainDataKey struct{}

// notePlain notes data as plain, where the transport asked for it.
func notePlain(ctx context.Context, data []byte) {
	if p, ok := ctx.Value(plainDataKey{}).(*plainData); ok {
		p.data = data
	}
}

// is reports whether resp's data is the very data noted (not data another step put in its place).
func (p *plainData) is(resp *graphql.Response) bool {
	return resp != nil && len(p.data) > 0 && len(resp.Data) == len(p.data) && &resp.Data[0] == &p.data[0]
}

// responseContentType is the answer's media type as gqlgen's POST transport chooses it (without
// explicit headers, application/json by default).
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case "application/graphql-response+json":
			return "application/graphql-response+json"
		}
	}
	return "application/graphql-response+json"
}

// writeResponse writes an answer as encoding/json would, without re-encoding data that needs
// nothing escaped (plain: known so, not scanned again). It says the answer's length (Content-Length) where the status is not sent yet:
// the answer then goes in one piece, not in chunks.
func writeResponse(w io.Writer, resp *graphql.Response, plain bool) {
	if resp != nil && len(resp.Errors) == 0 && resp.Label == "" && len(resp.Path) == 0 && resp.HasNext == nil &&
		len(resp.Extensions) == 0 && len(resp.Data) > 0 && (plain || !needsEscape(resp.Data)) {
		// One write: the server sends it as one piece (a first small write would be flushed on
		// its own before the data).
		b := make([]byte, 0, len(`{"data":}`)+len(resp.Data))
		b = append(append(append(b, `{"data":`...), resp.Data...), '}')
		setLength(w, len(b))
		_, _ = w.Write(b)
		return
	}
	b, err := json.Marshal(resp)
	if err != nil {
		panic(fmt.Errorf("unable to marshal %s: %w", string(resp.Data), err))
	}
	setLength(w, len(b))
	_, _ = w.Write(b)
}

// setLength sets Content-Length on an HTTP answer (where the status is already sent, nothing changes).
func setLength(w io.Writer, n int) {
	if rw, ok := w.(http.ResponseWriter); ok {
		rw.Header().Set("Content-Length", strconv.Itoa(n))
	}
}

// needsEscape reports whether encoding/json would change data: anything but compact JSON without
// <, >, & and U+2028, U+2029. gqlgen and the direct answer write compact JSON (no space between
// tokens); a space or a line break outside a string would be taken out. One pass, byte by byte.
func needsEscape(data []byte) bool {
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !jsonSpecial[c] {
			continue
		}
		switch {
		case c == '<' || c == '>' || c == '&':
			return true
		case c == 0xE2: // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
			if i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9) {
				return true
			}
		case c == '"':
			inString = !inString
		case c == '\\':
			if inString {
				i++
			}
		case !inString: // a space, tab or line break between tokens
			return true
		}
	}
	return false
}

// jsonSpecial marks the bytes needsEscape looks at.
var jsonSpecial = func() (t [256]bool) {
	for _, c := range []byte{'<', '>', '&', 0xE2, '"', '\\', ' ', '\t', '\n', '\r'} {
		t[c] = true
	}
	return t
}()
