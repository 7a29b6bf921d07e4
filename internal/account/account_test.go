package account_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/account"
	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/seed/seedtest"
)

// clock is a settable time for tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{time.Date(2020, 5, 18, 8, 0, 0, 0, time.UTC)} }
func cheap() account.HashParams      { return account.HashParams{Memory: 1024, Time: 1, Threads: 1} }
func service(d *bun.DB, c *clock) *account.Service {
	return account.NewService(d, account.Options{Hash: cheap(), Now: c.now})
}

const password = "mat-khau-du-dai"

func TestPasswordHash(t *testing.T) {
	h, err := account.HashPassword(password, account.DefaultHash)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, password) {
		t.Errorf("hash %q is not argon2id or contains the password", h)
	}
	if !account.VerifyPassword(password, h) {
		t.Error("the right password does not verify")
	}
	for _, wrong := range []string{"", "mat-khau-du-dai ", "MAT-KHAU-DU-DAI"} {
		if account.VerifyPassword(wrong, h) {
			t.Errorf("wrong password %q verifies", wrong)
		}
	}
	if _, err := account.HashPassword("short", account.DefaultHash); !errs.Is(errs.Invalid, err) {
		t.Errorf("short password: err = %v, want invalid", err)
	}
}

func TestCreateUserValidates(t *testing.T) {
	d := seedtest.Reference(t, dbtest.Dialects()[0])
	svc := service(d, newClock())
	ctx := context.Background()
	tests := []struct {
		name string
		nu   account.NewUser
		want errs.Kind
	}{
		{"bad username", account.NewUser{Username: "Ông A", Role: auth.Leader, Password: password}, errs.Invalid},
		{"unknown role", account.NewUser{Username: "abc", Role: "boss", Password: password}, errs.Invalid},
		{"officer without ward", account.NewUser{Username: "abc", Role: auth.WardOfficer, Password: password}, errs.Invalid},
		{"leader with ward", account.NewUser{Username: "abc", Role: auth.Leader, Password: password, WardCodes: []string{"05431"}}, errs.Invalid},
		{"unknown ward", account.NewUser{Username: "abc", Role: auth.WardOfficer, Password: password, WardCodes: []string{"99999"}}, errs.Invalid},
		{"short password", account.NewUser{Username: "abc", Role: auth.Leader, Password: "123"}, errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := svc.CreateUser(ctx, tt.nu, "test"); errs.KindOf(err) != tt.want {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := svc.CreateUser(ctx, account.NewUser{Username: "lanhdao", Role: auth.Leader, Password: password}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, account.NewUser{Username: "LanhDao", Role: auth.Leader, Password: password}, "test"); !errs.Is(errs.Conflict, err) {
		t.Errorf("duplicate username (other case): err = %v, want conflict", err)
	}
}

func TestLoginSessionsAndBackoff(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			c := newClock()
			svc := service(d, c)
			ctx := context.Background()
			if _, err := svc.CreateUser(ctx, account.NewUser{Username: "canbo", Role: auth.WardOfficer, Password: password, WardCodes: []string{"05431"}}, "test"); err != nil {
				t.Fatal(err)
			}
			sess, id, err := svc.Login(ctx, "Canbo ", password, "10.0.0.1")
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			if id.Role != auth.WardOfficer || len(id.WardCodes) != 1 || id.WardCodes[0] != "05431" || len(id.WardIDs) != 1 {
				t.Errorf("identity = %+v", id)
			}
			got, csrf, err := svc.SessionIdentity(ctx, sess.Token)
			if err != nil || got.Username != "canbo" || csrf != sess.CSRF {
				t.Fatalf("session identity = %+v, %q, %v", got, csrf, err)
			}
			c.add(3 * time.Hour) // idle longer than two hours
			if _, _, err := svc.SessionIdentity(ctx, sess.Token); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("idle session: err = %v, want unauthorized", err)
			}

			// Five wrong passwords are free; then the account, from that address, waits, longer each
			// time. The real user signing in from elsewhere is not locked out.
			for i := 0; i < 5; i++ {
				if _, _, err := svc.Login(ctx, "canbo", "wrong-password", "10.0.0.2"); !errs.Is(errs.Unauthorized, err) {
					t.Fatalf("attempt %d: err = %v, want unauthorized", i+1, err)
				}
			}
			if _, _, err := svc.Login(ctx, "canbo", password, "10.0.0.2"); !errs.Is(errs.TooComplex, err) {
				t.Errorf("right password from the guessing address while locked: err = %v, want too many attempts", err)
			}
			if _, _, err := svc.Login(ctx, "canbo", password, "10.0.0.3"); err != nil {
				t.Errorf("right password from another address: %v", err)
			}
			// Others behind the guessing address (a proxy, an office) sign in as usual.
			if _, err := svc.CreateUser(ctx, account.NewUser{Username: "lanhdao", Role: auth.Leader, Password: password}, "test"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.Login(ctx, "lanhdao", password, "10.0.0.2"); err != nil {
				t.Errorf("another account behind the guessing address: %v", err)
			}
			c.add(2 * time.Second)
			if _, _, err := svc.Login(ctx, "canbo", password, "10.0.0.2"); err != nil {
				t.Errorf("after the wait: %v", err)
			}
			// An address spraying guesses across accounts meets the looser bound of the address.
			for i := 0; i < 50; i++ {
				svc.Login(ctx, fmt.Sprintf("nobody%d", i), "wrong-password", "10.0.0.9")
			}
			if _, _, err := svc.Login(ctx, "canbo", password, "10.0.0.9"); !errs.Is(errs.TooComplex, err) {
				t.Errorf("from a spraying address: err = %v, want too many attempts", err)
			}
			if _, _, err := svc.Login(ctx, "canbo", password, "10.0.0.3"); err != nil {
				t.Errorf("the account from elsewhere, while an address sprays: %v", err)
			}
			// An hour without failures forgets them.
			c.add(forgetAfter + time.Second)
			if _, _, err := svc.Login(ctx, "canbo", password, "10.0.0.9"); err != nil {
				t.Errorf("an hour later: %v", err)
			}
			var failures, refusals int
			d.NewRaw("SELECT count(*) FROM audit_events WHERE action = 'auth.login_failed'").Scan(ctx, &failures)
			d.NewRaw("SELECT count(*) FROM audit_events WHERE action = 'auth.login_refused'").Scan(ctx, &refusals)
			if failures != 55 || refusals != 2 {
				t.Errorf("audited %d failures and %d refusals, want 55 and 2", failures, refusals)
			}
		})
	}
}

const forgetAfter = time.Hour

// TestLoginConcurrentGuesses: guesses sent at once are counted as strictly as guesses sent one after
// another: a hundred wrong passwords for one account from one address get five password checks
// (each audited as a failure); the others are refused without one.
func TestLoginConcurrentGuesses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *bun.DB) {
		svc := service(d, newClock())
		ctx := context.Background()
		if _, err := svc.CreateUser(ctx, account.NewUser{Username: "canbo", Role: auth.Leader, Password: password}, "test"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make(chan error, 100)
		for range 100 {
			wg.Go(func() {
				_, _, err := svc.Login(ctx, "canbo", "wrong-password", "10.0.0.2")
				results <- err
			})
		}
		wg.Wait()
		close(results)
		kinds := map[errs.Kind]int{}
		for err := range results {
			kinds[errs.KindOf(err)]++
		}
		if kinds[errs.Unauthorized] != 5 || kinds[errs.TooComplex] != 95 {
			t.Errorf("outcomes %v: want 5 unauthorized (checked) and 95 too many attempts", kinds)
		}
		var checked int
		d.NewRaw("SELECT count(*) FROM audit_events WHERE action = 'auth.login_failed'").Scan(ctx, &checked)
		if checked != 5 {
			t.Errorf("%d passwords checked, want 5", checked)
		}
	})
}

func TestTokens(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			c := newClock()
			svc := service(d, c)
			ctx := context.Background()
			if _, err := svc.CreateUser(ctx, account.NewUser{Username: "phantich", Role: auth.Analyst, Password: password}, "test"); err != nil {
				t.Fatal(err)
			}
			secret, err := svc.CreateToken(ctx, "phantich", "bao-cao-thang", 24*time.Hour, "test")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(secret, account.TokenPrefix) {
				t.Errorf("token %q lacks the prefix", secret)
			}
			if id, err := svc.TokenIdentity(ctx, secret); err != nil || id.Role != auth.Analyst || id.Via != "token" {
				t.Fatalf("token identity = %+v, %v", id, err)
			}
			if _, err := svc.CreateToken(ctx, "phantich", "bao-cao-thang", 0, "test"); !errs.Is(errs.Conflict, err) {
				t.Errorf("same name twice: err = %v, want conflict", err)
			}
			if _, err := svc.TokenIdentity(ctx, secret+"x"); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("tampered token: err = %v, want unauthorized", err)
			}
			c.add(25 * time.Hour)
			if _, err := svc.TokenIdentity(ctx, secret); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("expired token: err = %v, want unauthorized", err)
			}
			other, _ := svc.CreateToken(ctx, "phantich", "tich-hop", 0, "test")
			if err := svc.RevokeToken(ctx, "phantich", "tich-hop", "test"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.TokenIdentity(ctx, other); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("revoked token: err = %v, want unauthorized", err)
			}
			assertNoSecretStored(t, d, password, secret, other)
		})
	}
}

// TestPasswordChangeEndsTokens: a new password ends the account's sessions and API tokens (a
// password is changed because someone else may know it, and may have made a token with it), and the
// audit trail says which; an operator may keep the tokens of an integration that must not stop.
func TestPasswordChangeEndsTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *bun.DB) {
		svc := service(d, newClock())
		ctx := context.Background()
		if _, err := svc.CreateUser(ctx, account.NewUser{Username: "phantich", Role: auth.Analyst, Password: password}, "test"); err != nil {
			t.Fatal(err)
		}
		one, _ := svc.CreateToken(ctx, "phantich", "mot", 0, "test")
		two, _ := svc.CreateToken(ctx, "phantich", "hai", 0, "test")
		sess, _, err := svc.Login(ctx, "phantich", password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SetPassword(ctx, "phantich", password+"-moi", "quantri", account.PasswordChange{}); err != nil {
			t.Fatal(err)
		}
		for name, secret := range map[string]string{"mot": one, "hai": two} {
			if _, err := svc.TokenIdentity(ctx, secret); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("token %s after a password change: err = %v, want unauthorized", name, err)
			}
		}
		if _, _, err := svc.SessionIdentity(ctx, sess.Token); !errs.Is(errs.Unauthorized, err) {
			t.Errorf("session after a password change: err = %v, want unauthorized", err)
		}
		var after string
		if err := d.NewRaw(`SELECT after FROM audit_events WHERE action = 'user.password' AND actor = 'quantri'`).Scan(ctx, &after); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"sessionsEnded":1`, `"tokensRevoked":["hai","mot"]`} {
			if !strings.Contains(strings.ReplaceAll(after, " ", ""), want) {
				t.Errorf("audited %s, want %s in it", after, want)
			}
		}

		kept, _ := svc.CreateToken(ctx, "phantich", "tich-hop", 0, "test")
		if err := svc.SetPassword(ctx, "phantich", password+"-moi-nua", "quantri", account.PasswordChange{KeepTokens: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.TokenIdentity(ctx, kept); err != nil {
			t.Errorf("a token kept by choice: %v", err)
		}
	})
}

// assertNoSecretStored scans every text column of every table for the secrets.
func assertNoSecretStored(t *testing.T, d *bun.DB, secrets ...string) {
	t.Helper()
	ctx := context.Background()
	for _, table := range []string{"users", "sessions", "api_tokens", "audit_events", "login_throttle"} {
		rows, err := d.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var s string
				switch x := v.(type) {
				case string:
					s = x
				case []byte:
					s = string(x)
				}
				for _, secret := range secrets {
					if secret != "" && strings.Contains(s, secret) {
						t.Errorf("%s.%s holds a secret in clear", table, cols[i])
					}
				}
			}
		}
		rows.Close()
	}
}

// TestRememberedIdentities: with IdentityTTL, who a token or session is stays known without the
// database for that long; an end through the same service counts at once, through another process
// within the TTL, and never later than the token or session itself ends.
func TestRememberedIdentities(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			c := newClock()
			svc := account.NewService(d, account.Options{Hash: cheap(), Now: c.now, IdentityTTL: time.Second})
			elsewhere := service(d, c) // another process: hotro token revoke, another instance
			ctx := context.Background()
			if _, err := svc.CreateUser(ctx, account.NewUser{Username: "phantich", Role: auth.Analyst, Password: password}, "test"); err != nil {
				t.Fatal(err)
			}
			lookup := func(secret string) error {
				_, err := svc.TokenIdentity(ctx, secret)
				return err
			}

			// Revoked elsewhere: remembered until the TTL is over.
			secret, _ := svc.CreateToken(ctx, "phantich", "mot", 0, "test")
			if err := lookup(secret); err != nil {
				t.Fatal(err)
			}
			if err := elsewhere.RevokeToken(ctx, "phantich", "mot", "test"); err != nil {
				t.Fatal(err)
			}
			if err := lookup(secret); err != nil {
				t.Errorf("within the TTL the token should still be remembered: %v", err)
			}
			c.add(time.Second)
			if err := lookup(secret); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("revoked elsewhere, after the TTL: err = %v, want unauthorized", err)
			}

			// Revoked here: at once.
			secret, _ = svc.CreateToken(ctx, "phantich", "hai", 0, "test")
			if err := lookup(secret); err != nil {
				t.Fatal(err)
			}
			if err := svc.RevokeToken(ctx, "phantich", "hai", "test"); err != nil {
				t.Fatal(err)
			}
			if err := lookup(secret); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("revoked here: err = %v, want unauthorized at once", err)
			}

			// A token ending sooner than the TTL ends on time.
			secret, _ = svc.CreateToken(ctx, "phantich", "ba", 500*time.Millisecond, "test")
			if err := lookup(secret); err != nil {
				t.Fatal(err)
			}
			c.add(600 * time.Millisecond)
			if err := lookup(secret); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("expired token: err = %v, want unauthorized", err)
			}

			// Sessions: signed out elsewhere (remembered for the TTL), here (at once), or ended by a
			// new password (at once).
			session := func(s *account.Session) error {
				_, _, err := svc.SessionIdentity(ctx, s.Token)
				return err
			}
			s1, _, err := svc.Login(ctx, "phantich", password, "10.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			if err := session(s1); err != nil {
				t.Fatal(err)
			}
			if err := elsewhere.Logout(ctx, s1.Token); err != nil {
				t.Fatal(err)
			}
			if err := session(s1); err != nil {
				t.Errorf("within the TTL the session should still be remembered: %v", err)
			}
			c.add(time.Second)
			if err := session(s1); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("signed out elsewhere, after the TTL: err = %v, want unauthorized", err)
			}
			s2, _, _ := svc.Login(ctx, "phantich", password, "10.0.0.1")
			if err := session(s2); err != nil {
				t.Fatal(err)
			}
			if err := svc.Logout(ctx, s2.Token); err != nil {
				t.Fatal(err)
			}
			if err := session(s2); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("signed out here: err = %v, want unauthorized at once", err)
			}
			s3, _, _ := svc.Login(ctx, "phantich", password, "10.0.0.1")
			if err := session(s3); err != nil {
				t.Fatal(err)
			}
			if err := svc.SetPassword(ctx, "phantich", password+"-moi", "test", account.PasswordChange{}); err != nil {
				t.Fatal(err)
			}
			if err := session(s3); !errs.Is(errs.Unauthorized, err) {
				t.Errorf("password changed here: err = %v, want unauthorized at once", err)
			}
		})
	}
}
