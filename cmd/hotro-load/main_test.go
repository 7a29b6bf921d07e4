package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRunPrintsTheReport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test") != "yes" {
			http.Error(w, "no X-Test", http.StatusBadRequest)
			return
		}
		w.Header().Set("ETag", `"v7-abc"`)
		if r.Header.Get("If-None-Match") == `"v7-abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-url", srv.URL, "-c", "4", "-n", "40", "-H", "X-Test: yes", "-etag"}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	for _, want := range []string{"GET " + srv.URL, "X-Test: yes", `If-None-Match: "v7-abc"`, "clients     4 for ", "requests    40 (",
		" requests/s)", "latency     p50 ", "statuses    40 × 304", "errors      0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunRefusesWrongFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-url", "http://127.0.0.1:1/", "extra"},
		{"-url", "http://127.0.0.1:1/", "-H", "no colon"},
		{"-url", "http://127.0.0.1:1/", "-c", "0"},
		{"-url", "http://127.0.0.1:1/", "-d", "0s"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}
