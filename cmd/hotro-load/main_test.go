package main

import (
	"bytes"
	"context"
	"fmt"
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

// TestPublicVariablesAsThePage: the public overview's variables follow the page's rule (public.js,
// whose publicVariables gives these same answers): weeks unless months are all a table holds with
// the filter, panels only where one release table holds them, and no overview for a filter of two
// wards or two groups (the page says why).
func TestPublicVariablesAsThePage(t *testing.T) {
	f := map[string]any{}
	for _, c := range []struct {
		groups, wards int
		month         bool
		want          map[string]any // nil: not asked
	}{
		{0, 0, false, map[string]any{"bucket": "WEEK", "withWards": true, "withGroups": true, "withFunds": true, "withTime": true}},
		{0, 1, false, map[string]any{"bucket": "MONTH", "withWards": true, "withGroups": true, "withFunds": true, "withTime": true}},
		{1, 0, false, map[string]any{"bucket": "WEEK", "withWards": true, "withGroups": true, "withFunds": false, "withTime": true}},
		{1, 1, false, map[string]any{"bucket": "WEEK", "withWards": true, "withGroups": true, "withFunds": false, "withTime": false}},
		{0, 2, false, nil},
		{2, 0, false, nil},
		{0, 1, true, map[string]any{"bucket": "MONTH", "withWards": true, "withGroups": false, "withFunds": false, "withTime": true}},
		{0, 0, true, map[string]any{"bucket": "MONTH", "withWards": true, "withGroups": false, "withFunds": false, "withTime": true}},
	} {
		got, ok := publicVariables(f, c.groups, c.wards, c.month)
		if c.want == nil {
			if ok {
				t.Errorf("%+v: asked %v, want no overview", c, got)
			}
			continue
		}
		delete(got, "filter")
		if !ok || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%d groups, %d wards, month %v: %v (%v), want %v", c.groups, c.wards, c.month, got, ok, c.want)
		}
	}
}
