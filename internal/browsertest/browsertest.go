// Package browsertest starts the headless Chromium that the dashboard's and the console's browser
// tests drive with chromedp: found the same way, with the same flags, for tests only; and audits
// the pages in it with axe-core (AssertAccessible).
package browsertest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path is the Chromium to run: $HOTRO_CHROMIUM, else /usr/bin/chromium, chromium or
// chromium-browser on PATH.
func Path() (string, error) {
	if p := os.Getenv("HOTRO_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium found at /usr/bin/chromium or on PATH (Debian: apt-get install chromium; or set HOTRO_CHROMIUM)")
}

// Options shape one browser. The zero Options is a 1440×900 window free to reach any host.
type Options struct {
	Width, Height int // the window (zero: 1440×900)
	// LoopbackOnly cuts the network: every host name but 127.0.0.1 and localhost fails to resolve,
	// so a page can reach nothing but the server under test.
	LoopbackOnly bool
	// Listen, when set, hears the events of the first tab (chromedp.WithListener).
	Listen func(ev any)
}

// Start runs Chromium headless with a fresh profile and returns the context of its first tab
// (chromedp.NewContext on it opens more), and stop, which ends the browser and removes the profile.
func Start(o Options) (ctx context.Context, stop func(), err error) {
	path, err := Path()
	if err != nil {
		return nil, nil, err
	}
	profile, err := os.MkdirTemp("", "hotro-chromium-")
	if err != nil {
		return nil, nil, err
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1440, 900
	}
	flags := append([]chromedp.ExecAllocatorOption{},
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(o.Width, o.Height),
	)
	if o.LoopbackOnly {
		flags = append(flags, chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	var tabOpts []chromedp.ContextOption
	if o.Listen != nil {
		tabOpts = append(tabOpts, chromedp.WithListener(o.Listen))
	}
	ctx, cancelCtx := chromedp.NewContext(alloc, tabOpts...)
	stop = func() {
		cancelCtx()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
		stop()
		return nil, nil, err
	}
	return ctx, stop, nil
}

// New is Start for one test: it fails the test when Chromium cannot start, and stops it when the
// test ends.
func New(t testing.TB, o Options) context.Context {
	t.Helper()
	ctx, stop, err := Start(o)
	if err != nil {
		t.Fatalf("the browser tests need headless Chromium: %v", err)
	}
	t.Cleanup(stop)
	return ctx
}
