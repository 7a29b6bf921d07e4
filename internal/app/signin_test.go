package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/config"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// login posts a sign-in as if forwarded for the address xff (none when empty) and returns the status.
func login(t *testing.T, srv *apptest.Server, username, password, xff string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/auth/login", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestSignInThrottleBehindProxy: behind a trusted proxy, sign-ins are throttled by the client's
// address from X-Forwarded-For, per account and address: a stranger guessing an account does not lock
// out its owner signing in from elsewhere. From a peer that is not a trusted proxy (the default: none
// is), the header is ignored: a guesser cannot dodge the throttle by writing it.
func TestSignInThrottleBehindProxy(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	proxied := apptest.Start(t, d, func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	for i := range 5 {
		if status := login(t, proxied, "lanhdao", "sai-mat-khau-roi", "203.0.113.7"); status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, status)
		}
	}
	if status := login(t, proxied, "lanhdao", seedtest.DemoPassword, "203.0.113.7"); status != http.StatusTooManyRequests {
		t.Errorf("the guessing address, right password: %d, want 429", status)
	}
	if status := login(t, proxied, "lanhdao", seedtest.DemoPassword, "198.51.100.2"); status != http.StatusOK {
		t.Errorf("the owner from elsewhere: %d, want 200", status)
	}
	if status := login(t, proxied, "phantich", seedtest.DemoPassword, "203.0.113.7"); status != http.StatusOK {
		t.Errorf("another account from the guessing address: %d, want 200", status)
	}
	var remote string
	if err := d.NewRaw(`SELECT after FROM audit_events WHERE action = 'auth.login_refused' ORDER BY id DESC LIMIT 1`).Scan(context.Background(), &remote); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(remote, "203.0.113.7") {
		t.Errorf("the refusal is audited with %s, want the client's address", remote)
	}

	direct := apptest.Start(t, d, nil)
	for i, xff := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"} {
		if status := login(t, direct, "canbo.quantrieu", "sai-mat-khau-roi", xff); status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, status)
		}
	}
	if status := login(t, direct, "canbo.quantrieu", seedtest.DemoPassword, "192.0.2.6"); status != http.StatusTooManyRequests {
		t.Errorf("a guesser writing X-Forwarded-For to an untrusted server: %d, want 429", status)
	}
}

// TestCrossOriginRequests: sign-in, and state-changing requests riding on the session cookie, are
// refused when the browser says they come from another site (Sec-Fetch-Site, or Origin against the
// host); the same requests from the dashboard's own origin, and API clients that send neither
// header, go on. The session's CSRF token is still required.
func TestCrossOriginRequests(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), nil)
	host := strings.TrimPrefix(srv.URL, "http://")
	send := func(path, body string, header map[string]string, cookies []*http.Cookie) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	signIn := `{"username":"lanhdao","password":"` + seedtest.DemoPassword + `"}`
	for _, tt := range []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"from another site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"from a sibling site", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://other." + host}, http.StatusForbidden},
		{"an older browser from another site", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"from the dashboard", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": srv.URL}, http.StatusOK},
		{"an older browser from the dashboard", map[string]string{"Origin": srv.URL}, http.StatusOK},
		{"a script (no browser headers)", nil, http.StatusOK},
	} {
		if got := send("/auth/login", signIn, tt.header, nil); got != tt.want {
			t.Errorf("sign-in %s: %d, want %d", tt.name, got, tt.want)
		}
	}

	c := srv.NewClient()
	c.SignIn(t, "lanhdao", seedtest.DemoPassword)
	var csrf string
	for _, ck := range c.Cookies() {
		if ck.Name == "hotro_csrf" {
			csrf = ck.Value
		}
	}
	query := `{"query":"{ me { username } }"}`
	for _, tt := range []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"from another site, with the token", map[string]string{"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"an older browser from another site, with the token", map[string]string{"X-CSRF-Token": csrf, "Origin": "https://evil.example"}, http.StatusForbidden},
		{"from the dashboard without the token", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusForbidden},
		{"from the dashboard with the token", map[string]string{"X-CSRF-Token": csrf, "Sec-Fetch-Site": "same-origin"}, http.StatusOK},
	} {
		if got := send("/graphql", query, tt.header, c.Cookies()); got != tt.want {
			t.Errorf("session POST %s: %d, want %d", tt.name, got, tt.want)
		}
	}
}
