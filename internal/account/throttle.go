package account

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/errs"
)

// Sign-in throttling. Every attempt reserves its place before its password is checked: one atomic
// statement per key counts the attempt as a failure and, past the free failures, locks the key from
// now on, or finds the key locked and refuses without checking anything. A right password then
// clears the account-and-address key and gives the address back its place. So a hundred guesses
// sent at once for one account get five password checks, as five sent one after another do, on
// either database and across instances sharing it.
//
// Keys:
//   - the account and the address together ("pair:"): a stranger guessing a named account locks only
//     themselves out, not the real user signing in from elsewhere, nor the others behind their proxy;
//   - the address alone ("addr:"), with a looser bound: one address spraying guesses across many
//     accounts.
const (
	pairFreeFailures = 5
	addrFreeFailures = 50
	maxLock          = 15 * time.Minute
	forgetAfter      = time.Hour
)

// throttleKey is one counter an attempt reserves a place in.
type throttleKey struct {
	key  string
	free int // failures before the key waits
}

// throttleKeys are the counters of a sign-in: the account and address together, then the address.
func throttleKeys(username, remote string) []throttleKey {
	return []throttleKey{
		{key: "pair:" + cutName(username) + "|" + remote, free: pairFreeFailures},
		{key: "addr:" + remote, free: addrFreeFailures},
	}
}

// lockFor is how long a key waits after its nth failure: nothing for the free ones, then a second,
// doubling each time up to maxLock.
func lockFor(n, free int) time.Duration {
	if n < free {
		return 0
	}
	return min(time.Second<<min(n-free, 20), maxLock)
}

// errLocked says a key is locked: the attempt is refused, its reservations rolled back.
var errLocked = errors.New("locked")

// reserve counts an attempt in every key before its password is checked. It returns how long to
// wait when a key is locked (nothing is then counted), or 0 when the attempt may go on.
func (s *Service) reserve(ctx context.Context, keys []throttleKey) (time.Duration, error) {
	now := s.now()
	var locked string
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, k := range keys {
			ok, err := reserveKey(ctx, tx, k, now)
			if err != nil {
				return err
			}
			if !ok {
				locked = k.key
				return errLocked
			}
		}
		return nil
	})
	if errors.Is(err, errLocked) {
		var t throttle
		if err := s.db.NewSelect().Model(&t).Where("key = ?", locked).Scan(ctx); err != nil || t.LockedUntil == nil {
			return time.Second, nil
		}
		return max(t.LockedUntil.Sub(now), time.Second), nil
	}
	return 0, err
}

// reserveKey is the one atomic statement that counts an attempt in a key unless the key is locked,
// and locks it from now on when this attempt is past the free failures. It reports whether the
// attempt was counted.
func reserveKey(ctx context.Context, db bun.IDB, k throttleKey, now time.Time) (bool, error) {
	forgotten := now.Add(-forgetAfter)
	// failures after this attempt: a count idle for forgetAfter starts again.
	next := "(CASE WHEN thr.last_failure < ? THEN 1 ELSE thr.failures + 1 END)"
	// locked_until after this attempt: one branch per step of the backoff, the times computed here
	// (the dialects spell date arithmetic differently). PostgreSQL types a CASE of parameters alone
	// as text: they are cast to the column's type.
	at := "?"
	if db.Dialect().Name() == dialect.PG {
		at = "CAST(? AS timestamptz)"
	}
	var lock strings.Builder
	args := []any{forgotten}
	fmt.Fprintf(&lock, "CASE WHEN %s < %d THEN NULL", next, k.free)
	for n := k.free; lockFor(n, k.free) < maxLock; n++ {
		fmt.Fprintf(&lock, " WHEN %s = %d THEN %s", next, n, at)
		args = append(args, forgotten, now.Add(lockFor(n, k.free)))
	}
	fmt.Fprintf(&lock, " ELSE %s END", at)
	args = append(args, now.Add(maxLock))

	row := &throttle{Key: k.key, Failures: 1, LastFailure: now}
	if until := lockFor(1, k.free); until > 0 {
		t := now.Add(until)
		row.LockedUntil = &t
	}
	res, err := db.NewInsert().Model(row).
		On("CONFLICT (key) DO UPDATE").
		Set("failures = "+next, forgotten).
		Set("locked_until = "+lock.String(), args...).
		Set("last_failure = EXCLUDED.last_failure").
		Where("thr.locked_until IS NULL OR thr.locked_until <= ?", now).
		Returning("").
		Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// succeeded clears the account-and-address key of a right password and gives the others back the
// place the attempt reserved.
func (s *Service) succeeded(ctx context.Context, tx bun.IDB, keys []throttleKey) error {
	if _, err := tx.NewDelete().Model((*throttle)(nil)).Where("key = ?", keys[0].key).Exec(ctx); err != nil {
		return err
	}
	return release(ctx, tx, keys[1:])
}

// release gives back the places an attempt reserved and did not use (its password was not checked).
// A lock the reservation set stays: it ends by itself.
func release(ctx context.Context, db bun.IDB, keys []throttleKey) error {
	for _, k := range keys {
		if _, err := db.NewUpdate().Model((*throttle)(nil)).Set("failures = failures - 1").
			Where("key = ? AND failures > 0", k.key).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// hashSlots bounds how many passwords are hashed at once: half the cores, at least one, so that a
// flood of sign-ins (argon2id takes tens of milliseconds of a core and 19 MiB each) leaves the rest
// to the queries.
func hashSlots(n int) chan struct{} {
	if n <= 0 {
		n = max(1, runtime.GOMAXPROCS(0)/2)
	}
	return make(chan struct{}, n)
}

// errBusy: a sign-in waited for a hashing slot until its request ended.
var errBusy = errs.Msg("Máy chủ đang bận, vui lòng thử lại sau ít phút.")

// withHashSlot runs fn, which hashes a password, once the rate allows and a slot is free, or gives
// up when ctx ends (at once when its deadline comes before the rate would allow it).
func (s *Service) withHashSlot(ctx context.Context, fn func()) error {
	if err := s.hashRate.Wait(ctx); err != nil {
		return errs.E("auth: password", errs.Unavailable, errBusy, err)
	}
	select {
	case s.hashing <- struct{}{}:
	default:
		if s.waitingForHash != nil {
			s.waitingForHash()
		}
		select {
		case s.hashing <- struct{}{}:
		case <-ctx.Done():
			return errs.E("auth: password", errs.Unavailable, errBusy, ctx.Err())
		}
	}
	defer func() { <-s.hashing }()
	onLowPriorityThread(fn)
	return nil
}

// onLowPriorityThread runs fn on an OS thread of its own at the lowest priority, which ends with it:
// a hash in progress gives way to the queries whenever they need the cores, and takes them when they
// are idle. (The thread is not handed back to the runtime, whose other goroutines it would slow.)
// A panic in fn is raised again in the caller, where the request's recovery sees it.
func onLowPriorityThread(fn func()) {
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		lowerThreadPriority()
		fn()
	}()
	if p := <-panicked; p != nil {
		panic(p)
	}
}

// verify checks a password against its hash within a hashing slot.
func (s *Service) verify(ctx context.Context, password, encoded string) (ok bool, err error) {
	err = s.withHashSlot(ctx, func() { ok = VerifyPassword(password, encoded) })
	return ok, err
}

// hash hashes a new password within a hashing slot.
func (s *Service) hash(ctx context.Context, password string) (hash string, err error) {
	if err := CheckPasswordStrength(password); err != nil {
		return "", err
	}
	if err := s.withHashSlot(ctx, func() { hash, err = HashPassword(password, s.opt.Hash) }); err != nil {
		return "", err
	}
	return hash, err
}
