package app_test

import (
	"net/http"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestBadBodiesAreNotEchoed: a body that cannot be decoded is refused without being quoted back: it
// may hold a password or a token, and answers end up in logs, proxies and screenshots.
func TestBadBodiesAreNotEchoed(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), nil)
	const marker = "hotro_BiMatKhongDuocLo" // looks like a token
	const number = "987654321987"           // a secret that is a number
	bodies := []struct{ path, body string }{
		{"/auth/login", `{"username":"lanhdao","password":"` + marker + `"`},
		{"/auth/login", `{"username":"lanhdao","password":` + number + `}`},
		{"/graphql", `{"query":"{ me { username } }","variables":{"token":"` + marker + `"}`},
		{"/graphql", `{"query":{"token":"` + marker + `"}}`},
		{"/graphql", `{"query":"{ me { username } }","operationName":` + number + `}`},
	}
	for _, signedIn := range []bool{false, true} {
		c := srv.NewClient()
		if signedIn {
			c.SignIn(t, "phantich", seedtest.DemoPassword)
		}
		for _, b := range bodies {
			status, answer := c.Send(t, http.MethodPost, b.path, strings.NewReader(b.body))
			if status != http.StatusBadRequest {
				t.Errorf("%s %s (signed in: %v): %d %s, want 400", b.path, b.body, signedIn, status, answer)
			}
			if strings.Contains(string(answer), marker) || strings.Contains(string(answer), number) {
				t.Errorf("%s %s (signed in: %v): the answer quotes the body: %s", b.path, b.body, signedIn, answer)
			}
		}
	}
	if logs := srv.Logs(); strings.Contains(logs, marker) || strings.Contains(logs, number) {
		t.Error("the logs quote a body")
	}
}
