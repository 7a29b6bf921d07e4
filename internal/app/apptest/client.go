package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
)

// Client is a browser-like client of a running hotro: it keeps cookies and sends the CSRF token.
type Client struct {
	srv  *Server
	http *http.Client
	// Bearer, when set, is sent as an API token instead of cookies.
	Bearer string
}

// NewClient returns an anonymous client.
func (s *Server) NewClient() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{srv: s, http: &http.Client{Jar: jar}}
}

// SignIn signs the client in, failing the test if it cannot.
func (c *Client) SignIn(t testing.TB, username, password string) {
	t.Helper()
	status, body := c.Do(t, http.MethodPost, "/auth/login", map[string]string{"username": username, "password": password})
	if status != http.StatusOK {
		t.Fatalf("sign in as %s: %d %s", username, status, body)
	}
}

// Do sends a request with a JSON body (nil for none) and returns the status and body.
func (c *Client) Do(t testing.TB, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	return c.Send(t, method, path, r)
}

// Send sends a request with body as it is (nil for none; JSON when there is one), signed in as the
// client is, and returns the status and body. A reader of unknown length (not a bytes or strings
// reader) goes chunked, without Content-Length.
func (c *Client) Send(t testing.TB, method, path string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "hotro_csrf" {
			req.Header.Set("X-CSRF-Token", ck.Value)
		}
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// GraphQLResponse is the decoded answer of a GraphQL request.
type GraphQLResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Raw []byte `json:"-"`
}

// Code returns the extensions.code of the first error, or "".
func (r GraphQLResponse) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

// GraphQL posts an operation to /graphql.
func (c *Client) GraphQL(t testing.TB, query string, vars map[string]any) GraphQLResponse {
	t.Helper()
	status, body := c.Do(t, http.MethodPost, "/graphql", map[string]any{"query": query, "variables": vars})
	var r GraphQLResponse
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("graphql: status %d, not JSON: %s", status, body)
	}
	r.Raw = body
	return r
}

// Cookies returns the cookies the client holds for the server.
func (c *Client) Cookies() []*http.Cookie {
	u, _ := url.Parse(c.srv.URL)
	return c.http.Jar.Cookies(u)
}

// Upload posts a GraphQL operation with one file, as the GraphQL multipart request spec has it
// (filePath is where the file goes in the variables, e.g. "variables.input.file"), signed in as the
// client is, and returns the HTTP status and the answer.
func (c *Client) Upload(t testing.TB, query string, vars map[string]any, filePath, name string, data []byte) (int, GraphQLResponse) {
	t.Helper()
	ops, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := writeUpload(mw, string(ops), fmt.Sprintf(`{"0": [%q]}`, filePath), name, data); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.srv.URL+"/graphql", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "hotro_csrf" {
			req.Header.Set("X-CSRF-Token", ck.Value)
		}
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r GraphQLResponse
	_ = json.Unmarshal(raw, &r)
	r.Raw = raw
	return res.StatusCode, r
}

// writeUpload writes the parts of a multipart GraphQL request: operations, map and the file.
func writeUpload(mw *multipart.Writer, operations, fileMap, name string, data []byte) error {
	if err := mw.WriteField("operations", operations); err != nil {
		return err
	}
	if err := mw.WriteField("map", fileMap); err != nil {
		return err
	}
	fw, err := mw.CreateFormFile("0", name)
	if err != nil {
		return err
	}
	if _, err := fw.Write(data); err != nil {
		return err
	}
	return mw.Close()
}
