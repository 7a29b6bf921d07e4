package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestPathFromTheEnvironment(t *testing.T) {
	t.Setenv("HOTRO_CHROMIUM", "/opt/chromium/chrome")
	if got, err := Path(); err != nil || got != "/opt/chromium/chrome" {
		t.Errorf("Path() = %q, %v; want HOTRO_CHROMIUM", got, err)
	}
}

// The browser starts, opens a loopback page, and reaches no other host.
func TestNewOpensALoopbackPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>hotro</title>`))
	}))
	defer srv.Close()
	var events atomic.Int64
	ctx := New(t, Options{Width: 800, Height: 600, LoopbackOnly: true, Listen: func(any) { events.Add(1) }})
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	title := eval(`document.title`)
	elsewhere := eval(`fetch("http://hotro-browsertest.example/").then(() => "reached", () => "refused")`)
	if title != "hotro" || elsewhere != "refused" {
		t.Errorf("title %q, another host %s; want hotro, refused", title, elsewhere)
	}
	if events.Load() == 0 {
		t.Error("the listener heard nothing")
	}
}
