package graph

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestWriteResponseIsEncodingJSON: whatever the data, an answer is written as encoding/json writes
// gqlgen's Response: directly when nothing would change, through encoding/json otherwise.
func TestWriteResponseIsEncodingJSON(t *testing.T) {
	for _, data := range []string{
		`{"a":1}`, `{"s":"Phường Tân Thịnh"}`, `{"s":"a<b"}`, `{"s":"a>b"}`, `{"s":"R&D"}`,
		`{"s":"line\u2028sep"}`, `{"s":"para\u2029sep"}`, `{"s":"em—dash … and ‘quotes’"}`, `{"s":"quote \" and \\ slash"}`,
		`{"a": 1}`, "{\"a\":\n1}", `{"s":"tab\there"}`, `{"s":"a \"b\" c"}`, `[1,2,{"x":null}]`,
	} {
		resp := &graphql.Response{Data: json.RawMessage(data)}
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		writeResponse(&got, resp, false)
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("data %s: wrote %s, encoding/json %s", data, got.Bytes(), want)
		}
	}
	withErrors := &graphql.Response{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{"x": 1}}
	want, _ := json.Marshal(withErrors)
	var got bytes.Buffer
	writeResponse(&got, withErrors, false)
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("with extensions: wrote %s, encoding/json %s", got.Bytes(), want)
	}
}
