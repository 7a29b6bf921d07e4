package logging

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRequestIDIsLogged(t *testing.T) {
	var buf bytes.Buffer
	log, err := New(&buf, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	log.InfoContext(WithRequestID(context.Background(), "abc123"), "served")
	if got := buf.String(); !strings.Contains(got, `"request_id":"abc123"`) {
		t.Errorf("log line %q lacks the request id", got)
	}
}

func TestBadSettings(t *testing.T) {
	if _, err := New(&bytes.Buffer{}, "xml", "info"); err == nil {
		t.Error("format xml accepted")
	}
	if _, err := New(&bytes.Buffer{}, "text", "loud"); err == nil {
		t.Error("level loud accepted")
	}
}
