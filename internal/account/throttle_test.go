package account

import (
	"context"
	"testing"
	"time"

	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
)

// TestHashSlots: passwords are hashed in a bounded number of slots. A sign-in that finds them all
// taken waits; when its request ends first it gives up without checking the password, and gives back
// the place it reserved in the throttle. Once a slot is free, sign-in works.
func TestHashSlots(t *testing.T) {
	d := dbtest.Open(t, dbtest.Dialects()[0])
	svc := NewService(d, Options{Hash: HashParams{Memory: 1024, Time: 1, Threads: 1}, HashConcurrency: 2})
	ctx := context.Background()
	const pw = "mat-khau-du-dai"
	if _, err := svc.CreateUser(ctx, NewUser{Username: "lanhdao", Role: auth.Leader, Password: pw}, "test"); err != nil {
		t.Fatal(err)
	}
	if got := cap(svc.hashing); got != 2 {
		t.Fatalf("%d slots, want 2", got)
	}
	if got := cap(NewService(d, Options{}).hashing); got < 1 {
		t.Fatalf("default: %d slots, want at least one", got)
	}
	// Take every slot, as hashes in progress do.
	for range cap(svc.hashing) {
		svc.hashing <- struct{}{}
	}
	reqCtx, endRequest := context.WithCancel(ctx)
	svc.waitingForHash = endRequest // the request ends while the sign-in waits
	_, _, err := svc.Login(reqCtx, "lanhdao", pw, "10.0.0.1")
	if !errs.Is(errs.Unavailable, err) {
		t.Fatalf("sign-in with every slot taken: err = %v, want unavailable (busy)", err)
	}
	var failures int
	if err := d.NewRaw("SELECT coalesce(sum(failures), 0) FROM login_throttle").Scan(ctx, &failures); err != nil {
		t.Fatal(err)
	}
	if failures != 0 {
		t.Errorf("a sign-in not checked left %d failures counted", failures)
	}
	var checked int
	d.NewRaw("SELECT count(*) FROM audit_events WHERE action IN ('auth.login', 'auth.login_failed')").Scan(ctx, &checked)
	if checked != 0 {
		t.Errorf("%d sign-ins audited as checked, want 0", checked)
	}
	// Free the slots: sign-in works, and leaves them free.
	for range cap(svc.hashing) {
		<-svc.hashing
	}
	svc.waitingForHash = nil
	if _, _, err := svc.Login(ctx, "lanhdao", pw, "10.0.0.1"); err != nil {
		t.Fatalf("sign-in with free slots: %v", err)
	}
	if n := len(svc.hashing); n != 0 {
		t.Errorf("%d slots still taken after sign-in", n)
	}
}

// TestHashPanicReachesTheCaller: a hash that panics (a corrupt stored hash asking for zero lanes
// makes argon2 panic) panics in the caller, where the request's recovery turns it into a 500, not in
// the hashing thread, where it would end the process.
func TestHashPanicReachesTheCaller(t *testing.T) {
	defer func() {
		if p := recover(); p == nil {
			t.Error("no panic in the caller")
		}
	}()
	onLowPriorityThread(func() {
		VerifyPassword("mat-khau-du-dai", "$argon2id$v=19$m=1024,t=1,p=0$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U")
	})
}

// TestHashRate: within the rate's burst sign-ins go through; past it, a sign-in whose request
// would end before its turn is told at once that the server is busy.
func TestHashRate(t *testing.T) {
	d := dbtest.Open(t, dbtest.Dialects()[0])
	ctx := context.Background()
	const pw = "mat-khau-du-dai"
	cheap := HashParams{Memory: 1024, Time: 1, Threads: 1}
	// A burst of two: creating the account and one sign-in.
	svc := NewService(d, Options{Hash: cheap, HashRate: 2})
	if _, err := svc.CreateUser(ctx, NewUser{Username: "lanhdao", Role: auth.Leader, Password: pw}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Login(ctx, "lanhdao", pw, "10.0.0.1"); err != nil {
		t.Fatalf("sign-in within the burst: %v", err)
	}
	// One hash every twenty seconds: the account's creation takes the only token, and a sign-in whose
	// request has two seconds left does not wait for the next.
	slow := NewService(d, Options{Hash: cheap, HashRate: 0.05})
	if _, err := slow.CreateUser(ctx, NewUser{Username: "canbo", Role: auth.Leader, Password: pw}, "test"); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, _, err := slow.Login(short, "canbo", pw, "10.0.0.2"); !errs.Is(errs.Unavailable, err) {
		t.Fatalf("sign-in past the rate, ending before its turn: err = %v, want unavailable (busy)", err)
	}
}
