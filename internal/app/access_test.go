package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed"
	"hotro/internal/seed/seedtest"
)

// The demo accounts, by role; the ward officer works in Phường Quán Triều (05431).
var roles = []struct{ role, username string }{
	{"public", ""},
	{"admin", "quantri"},
	{"leader", "lanhdao"},
	{"analyst", "phantich"},
	{"ward_officer", "canbo.quantrieu"},
}

// otherWard is a ward the ward officer does not work in.
const ownWard, otherWard, otherWardName = "05431", "05434", "Quang Vinh"

// An expectation of one operation for one role: "ok" (allowed), "masked" / "full" (allowed, with
// personal data so), or "denied:CODE".
type operation struct {
	name  string
	query string
	vars  func(f fixture) map[string]any
	want  map[string]string
	check func(t *testing.T, f fixture, role string, data json.RawMessage)
}

// fixture holds IDs the operations need.
type fixture struct {
	ownLineID, otherLineID int64
	ownBenID, otherBenID   int64
}

func loadFixture(t *testing.T, d *bun.DB) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	q := func(code string, dst *int64, table string) {
		col := map[string]string{"disbursements": "d.id", "beneficiaries": "d.beneficiary_id"}[table]
		if err := d.NewRaw(fmt.Sprintf(`SELECT min(%s) FROM disbursements AS d JOIN admin_units AS w ON w.id = d.ward_id WHERE w.code = ?`, col), code).Scan(ctx, dst); err != nil {
			t.Fatal(err)
		}
	}
	q(ownWard, &f.ownLineID, "disbursements")
	q(otherWard, &f.otherLineID, "disbursements")
	q(ownWard, &f.ownBenID, "beneficiaries")
	q(otherWard, &f.otherBenID, "beneficiaries")
	return f
}

func everyoneSignedIn(v string) map[string]string {
	return map[string]string{"public": "denied:FORBIDDEN", "admin": v, "leader": v, "analyst": v, "ward_officer": v}
}

var operations = []operation{
	{
		name:  "stats by ward",
		query: `{ stats(groupBy: [WARD]) { total { amountPaid } rows { ward { code } } } }`,
		want:  everyoneSignedIn("ok"),
		check: func(t *testing.T, _ fixture, role string, data json.RawMessage) {
			var d struct {
				Stats struct {
					Rows []struct{ Ward struct{ Code string } }
				}
			}
			json.Unmarshal(data, &d)
			if role == "ward_officer" {
				if len(d.Stats.Rows) != 1 || d.Stats.Rows[0].Ward.Code != ownWard {
					t.Errorf("ward officer sees rows %+v, want only %s", d.Stats.Rows, ownWard)
				}
			} else if len(d.Stats.Rows) != 32 {
				t.Errorf("%s sees %d wards, want 32", role, len(d.Stats.Rows))
			}
		},
	},
	{
		name:  "stats filtered to another ward",
		query: `{ stats(filter: { wards: ["` + otherWard + `"] }) { total { amountPaid } } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "ok", "leader": "ok", "analyst": "ok", "ward_officer": "denied:FORBIDDEN"},
	},
	{
		name:  "another ward's totals through the ward field",
		query: `{ ward(code: "` + otherWard + `", asOf: "2020-05-01") { name stats { amountPaid } } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "ok", "leader": "ok", "analyst": "ok", "ward_officer": "denied:FORBIDDEN"},
	},
	{
		name:  "list payment lines",
		query: `{ disbursements(first: 20) { totalCount edges { node { id ward { code } beneficiary { fullName citizenId visibility address } } } } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "full", "leader": "masked", "analyst": "masked", "ward_officer": "full"},
		check: func(t *testing.T, _ fixture, role string, data json.RawMessage) {
			var d struct {
				Disbursements struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Ward        struct{ Code string }
							Beneficiary struct{ Visibility string }
						}
					}
				}
			}
			json.Unmarshal(data, &d)
			if len(d.Disbursements.Edges) == 0 {
				t.Fatalf("%s got no lines", role)
			}
			for _, e := range d.Disbursements.Edges {
				if role == "ward_officer" && e.Node.Ward.Code != ownWard {
					t.Errorf("ward officer sees a line of ward %s", e.Node.Ward.Code)
				}
			}
			if role == "ward_officer" && d.Disbursements.TotalCount > 2000 {
				t.Errorf("ward officer counts %d lines: not scoped", d.Disbursements.TotalCount)
			}
		},
	},
	{
		name:  "list lines filtered to another ward",
		query: `{ disbursements(filter: { wards: ["` + otherWard + `"] }, first: 5) { totalCount } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "ok", "leader": "ok", "analyst": "ok", "ward_officer": "denied:FORBIDDEN"},
	},
	{
		name:  "another ward's line by id",
		query: `query($id: ID!) { disbursement(id: $id) { id amount beneficiary { fullName citizenId visibility } } }`,
		vars:  func(f fixture) map[string]any { return map[string]any{"id": fmt.Sprint(f.otherLineID)} },
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "full", "leader": "masked", "analyst": "masked", "ward_officer": "denied:NOT_FOUND"},
	},
	{
		name:  "own ward's line by id",
		query: `query($id: ID!) { disbursement(id: $id) { id beneficiary { fullName citizenId visibility } } }`,
		vars:  func(f fixture) map[string]any { return map[string]any{"id": fmt.Sprint(f.ownLineID)} },
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "full", "leader": "masked", "analyst": "masked", "ward_officer": "full"},
	},
	{
		name:  "another ward's recipient by id",
		query: `query($id: ID!) { beneficiary(id: $id) { fullName citizenId visibility disbursements { totalCount } } }`,
		vars:  func(f fixture) map[string]any { return map[string]any{"id": fmt.Sprint(f.otherBenID)} },
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "full", "leader": "masked", "analyst": "masked", "ward_officer": "denied:NOT_FOUND"},
	},
	{
		name:  "list recipients",
		query: `{ beneficiaries(first: 10) { totalCount edges { node { fullName citizenId dateOfBirth visibility ward { code } } } } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "full", "leader": "masked", "analyst": "masked", "ward_officer": "full"},
	},
	{
		name:  "search recipients by name",
		query: `{ beneficiaries(filter: { search: "nguyen" }, first: 5) { totalCount } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "ok", "leader": "denied:FORBIDDEN", "analyst": "denied:FORBIDDEN", "ward_officer": "ok"},
	},
	{
		name:  "search lines by the last four digits of an ID",
		query: `{ disbursements(filter: { search: "1234" }, first: 5) { totalCount } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "ok", "leader": "ok", "analyst": "ok", "ward_officer": "ok"},
	},
	{
		name:  "search lines by a full ID",
		query: `{ disbursements(filter: { search: "019162835155" }, first: 5) { totalCount } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "ok", "leader": "denied:FORBIDDEN", "analyst": "denied:FORBIDDEN", "ward_officer": "ok"},
	},
	{
		name:  "recipients of another ward",
		query: `{ beneficiaries(filter: { wards: ["` + otherWard + `"] }) { totalCount } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "ok", "leader": "ok", "analyst": "ok", "ward_officer": "denied:FORBIDDEN"},
	},
	{
		name:  "audit trail",
		query: `{ auditEvents(first: 5) { totalCount edges { node { action actor } } } }`,
		want:  map[string]string{"public": "denied:FORBIDDEN", "admin": "ok", "leader": "denied:FORBIDDEN", "analyst": "denied:FORBIDDEN", "ward_officer": "denied:FORBIDDEN"},
	},
	{
		name:  "introspection",
		query: `{ __schema { queryType { name } } }`,
		want:  everyoneSignedIn("ok"),
	},
	{
		name:  "me",
		query: `{ me { username role wards { code } } }`,
		want:  everyoneSignedIn("ok"),
	},
}

func TestAccessByRole(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			srv := apptest.Start(t, d, nil)
			f := loadFixture(t, d)
			secrets := personalData(t, d)
			for _, r := range roles {
				c := srv.NewClient()
				if r.username != "" {
					c.SignIn(t, r.username, seedtest.DemoPassword)
				}
				for _, op := range operations {
					t.Run(r.role+"/"+op.name, func(t *testing.T) {
						var vars map[string]any
						if op.vars != nil {
							vars = op.vars(f)
						}
						res := c.GraphQL(t, op.query, vars)
						want := op.want[r.role]
						got := outcome(res)
						if got != want {
							t.Fatalf("outcome = %s, want %s\n%s", got, want, res.Raw)
						}
						if r.role != "admin" && r.role != "ward_officer" {
							secrets.assertAbsent(t, res.Raw)
						}
						if strings.HasPrefix(want, "denied") {
							for _, leak := range []string{otherWard, otherWardName} {
								if strings.Contains(string(res.Raw), leak) {
									t.Errorf("the refusal names %q: %s", leak, res.Raw)
								}
							}
						}
						if op.check != nil && !strings.HasPrefix(want, "denied") {
							op.check(t, f, r.role, res.Data)
						}
					})
				}
			}
			if logs := srv.Logs(); strings.Contains(logs, seedtest.DemoPassword) {
				t.Error("a password was logged")
			}
		})
	}
}

// outcome classifies a response: denied with its code, or allowed with the visibility of the
// personal data it holds.
func outcome(res apptest.GraphQLResponse) string {
	if len(res.Errors) > 0 {
		return "denied:" + res.Code()
	}
	s := string(res.Data)
	switch {
	case strings.Contains(s, `"visibility":"FULL"`):
		return "full"
	case strings.Contains(s, `"visibility":"MASKED"`):
		return "masked"
	}
	return "ok"
}

// secrets are every recipient's full name and ID number.
type secrets struct{ names, ids []string }

func personalData(t *testing.T, d *bun.DB) secrets {
	t.Helper()
	var s secrets
	ctx := context.Background()
	if err := d.NewRaw("SELECT full_name FROM beneficiaries").Scan(ctx, &s.names); err != nil {
		t.Fatal(err)
	}
	if err := d.NewRaw("SELECT citizen_id FROM beneficiaries WHERE citizen_id IS NOT NULL").Scan(ctx, &s.ids); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s secrets) assertAbsent(t *testing.T, body []byte) {
	t.Helper()
	text := string(body)
	for _, id := range s.ids {
		if strings.Contains(text, id) {
			t.Fatalf("response holds a full ID number %s", id)
		}
	}
	for _, name := range s.names {
		if strings.Contains(text, `"`+name+`"`) {
			t.Fatalf("response holds a full name %s", name)
		}
	}
}

func TestSignInOutAndCSRF(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	srv := apptest.Start(t, d, nil)
	c := srv.NewClient()
	if status, _ := c.Do(t, http.MethodGet, "/auth/me", nil); status != http.StatusUnauthorized {
		t.Errorf("me before sign-in: %d, want 401", status)
	}
	if status, body := c.Do(t, http.MethodPost, "/auth/login", map[string]string{"username": "lanhdao", "password": "sai-mat-khau-roi"}); status != http.StatusUnauthorized || !strings.Contains(string(body), "không đúng") {
		t.Errorf("wrong password: %d %s", status, body)
	}
	c.SignIn(t, "lanhdao", seedtest.DemoPassword)
	status, body := c.Do(t, http.MethodGet, "/auth/me", nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"role":"leader"`) {
		t.Errorf("me: %d %s", status, body)
	}

	// A POST with the session cookie but without the CSRF header is refused.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query":"{ me { username } }"}`))
	req.Header.Set("Content-Type", "application/json")
	for _, ck := range c.Cookies() {
		req.AddCookie(ck)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	refusal, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("POST without CSRF token: %d, want 403", res.StatusCode)
	}
	// GraphQL-shaped, in Vietnamese, naming the header to send.
	var gql struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
		Data *json.RawMessage
	}
	if err := json.Unmarshal(refusal, &gql); err != nil || len(gql.Errors) != 1 || gql.Data != nil ||
		gql.Errors[0].Extensions.Code != "FORBIDDEN" || !strings.Contains(gql.Errors[0].Message, "X-CSRF-Token") ||
		!strings.Contains(gql.Errors[0].Message, "tiêu đề") {
		t.Errorf("POST without CSRF token: want a GraphQL error naming X-CSRF-Token, got %s", refusal)
	}
	// Elsewhere than /graphql the refusal keeps the shape of the other HTTP errors.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/auth/logout", nil)
	for _, ck := range c.Cookies() {
		req.AddCookie(ck)
	}
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	refusal, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || !strings.Contains(string(refusal), `"code":"FORBIDDEN"`) || !strings.Contains(string(refusal), "X-CSRF-Token") {
		t.Errorf("logout without CSRF token: %d %s", res.StatusCode, refusal)
	}
	for _, ck := range c.Cookies() {
		if ck.Name == "hotro_session" && ck.Value == "" {
			t.Error("empty session cookie")
		}
	}
	if status, _ := c.Do(t, http.MethodPost, "/auth/logout", nil); status != http.StatusOK {
		t.Errorf("logout: %d", status)
	}
	if status, _ := c.Do(t, http.MethodGet, "/auth/me", nil); status != http.StatusUnauthorized {
		t.Errorf("me after sign-out: %d, want 401", status)
	}
	if res := c.GraphQL(t, `{ disbursements(first: 1) { totalCount } }`, nil); res.Code() != "FORBIDDEN" {
		t.Errorf("list after sign-out: %s", res.Raw)
	}
	if got := seed.DemoAccounts[1].Username; got != "lanhdao" {
		t.Fatalf("demo accounts changed: %s", got)
	}
}
