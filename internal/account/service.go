package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/time/rate"

	"hotro/internal/auth"

	"hotro/internal/audit"
	"hotro/internal/errs"
)

// Options tune the service.
type Options struct {
	Hash       HashParams       // password hashing cost (zero: DefaultHash)
	SessionTTL time.Duration    // a session ends this long after sign-in (zero: 12h)
	IdleTTL    time.Duration    // or after this long unused (zero: 2h)
	Now        func() time.Time // the clock (nil: time.Now)
	// Read, when set, serves the lookups of every request (sessions, tokens, accounts): a read
	// replica, so that signed-in reading goes on while the primary is down.
	Read *bun.DB
	// IdentityTTL is how long who a token or session is stays remembered without asking the
	// database again (zero: not at all; hotro serve uses DefaultIdentityTTL).
	IdentityTTL time.Duration
	// HashConcurrency bounds the passwords hashed at once (zero: half the cores, at least one).
	HashConcurrency int
	// HashRate bounds the passwords hashed per second, with a burst of as many (zero: 4 per core):
	// a flood of sign-ins waits its turn instead of taking the cores from the queries, while people
	// signing in (a few a minute) never notice it.
	HashRate float64
}

// Service signs people in and out, and tells who a request comes from.
type Service struct {
	db       *bun.DB
	opt      Options
	memory   memory
	hashing  chan struct{} // a slot per password being hashed
	hashRate *rate.Limiter
	// waitingForHash, when set (by tests), is called when a sign-in starts waiting for a slot.
	waitingForHash func()
}

// NewService returns the service over db.
func NewService(db *bun.DB, opt Options) *Service {
	if opt.Hash == (HashParams{}) {
		opt.Hash = DefaultHash
	}
	if opt.SessionTTL == 0 {
		opt.SessionTTL = 12 * time.Hour
	}
	if opt.IdleTTL == 0 {
		opt.IdleTTL = 2 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Read == nil {
		opt.Read = db
	}
	if opt.HashRate <= 0 {
		opt.HashRate = 4 * float64(runtime.GOMAXPROCS(0))
	}
	return &Service{db: db, opt: opt, hashing: hashSlots(opt.HashConcurrency),
		hashRate: rate.NewLimiter(rate.Limit(opt.HashRate), max(1, int(opt.HashRate)))}
}

func (s *Service) now() time.Time { return s.opt.Now().UTC() }

var usernamePattern = regexp.MustCompile(`^[a-z0-9._-]{3,64}$`)

// NewUser is what an account is created from.
type NewUser struct {
	Username    string
	DisplayName string
	Role        auth.Role
	Password    string
	WardCodes   []string // for ward officers: official codes of the wards (valid today or latest)
}

// CreateUser adds an account. The actor is recorded in the audit trail.
func (s *Service) CreateUser(ctx context.Context, nu NewUser, actor string) (*User, error) {
	const op = "auth: create user"
	nu.Username = strings.ToLower(strings.TrimSpace(nu.Username))
	switch {
	case !usernamePattern.MatchString(nu.Username):
		return nil, errs.E(op, errs.Invalid, errs.Msg("Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang."))
	case !nu.Role.Valid():
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Vai trò %q không tồn tại (admin, leader, analyst, ward_officer, supervisor).", nu.Role))
	case nu.Role == auth.WardOfficer && len(nu.WardCodes) == 0:
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cán bộ phường/xã phải được giao ít nhất một phường/xã."))
	case nu.Role != auth.WardOfficer && len(nu.WardCodes) > 0:
		return nil, errs.E(op, errs.Invalid, errs.Msg("Chỉ cán bộ phường/xã mới được giao phường/xã."))
	}
	hash, err := s.hash(ctx, nu.Password)
	if err != nil {
		return nil, errs.E(op, err)
	}
	now := s.now()
	u := &User{Username: nu.Username, DisplayName: strings.TrimSpace(nu.DisplayName), Role: nu.Role,
		PasswordHash: hash, CreatedAt: now, PasswordChangedAt: now}
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*User)(nil)).Where("username = ?", u.Username).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.E(op, errs.Conflict, errs.Msgf("Tên đăng nhập %s đã có.", u.Username))
		}
		if _, err := tx.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
			return err
		}
		wardIDs, err := wardIDsByCode(ctx, tx, nu.WardCodes)
		if err != nil {
			return err
		}
		if len(wardIDs) > 0 {
			links := make([]userWard, len(wardIDs))
			for i, w := range wardIDs {
				links[i] = userWard{UserID: u.ID, WardID: w}
			}
			if _, err := tx.NewInsert().Model(&links).Exec(ctx); err != nil {
				return err
			}
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: now, Actor: actor, Action: "user.create", Entity: "user",
			EntityID: u.Username, After: audit.JSON(map[string]any{"role": u.Role, "wards": nu.WardCodes, "displayName": u.DisplayName})})
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return u, nil
}

// wardIDsByCode finds the current (latest) commune-level unit of each code.
func wardIDsByCode(ctx context.Context, db bun.IDB, codes []string) ([]int64, error) {
	var ids []int64
	for _, code := range codes {
		var id int64
		err := db.NewRaw(`SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code = ? ORDER BY valid_from DESC LIMIT 1`, code).Scan(ctx, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errs.E("auth: wards", errs.Invalid, errs.Msgf("Không có phường/xã mã %s.", code))
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// PasswordChange says what a new password ends besides the account's sessions.
type PasswordChange struct {
	// KeepTokens leaves the account's API tokens working. By default they end with the sessions: a
	// password is changed because it may be known to someone else, who may have made a token with it.
	KeepTokens bool
}

// SetPassword changes a password and ends the account's sessions and, unless change keeps them,
// its API tokens; the audit trail records how many sessions ended and which tokens were revoked.
func (s *Service) SetPassword(ctx context.Context, username, password, actor string, change PasswordChange) error {
	const op = "auth: set password"
	hash, err := s.hash(ctx, password)
	if err != nil {
		return errs.E(op, err)
	}
	defer s.memory.forget()
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		u, err := userByName(ctx, tx, username)
		if err != nil {
			return errs.E(op, err)
		}
		now := s.now()
		if _, err := tx.NewUpdate().Model(u).Set("password_hash = ?", hash).Set("password_changed_at = ?", now).WherePK().Exec(ctx); err != nil {
			return errs.E(op, err)
		}
		res, err := tx.NewDelete().Model((*session)(nil)).Where("user_id = ?", u.ID).Exec(ctx)
		if err != nil {
			return errs.E(op, err)
		}
		ended, _ := res.RowsAffected()
		revoked := []string{}
		if !change.KeepTokens {
			if err := tx.NewSelect().Model((*Token)(nil)).Column("name").Where("user_id = ? AND revoked_at IS NULL", u.ID).
				Order("name").Scan(ctx, &revoked); err != nil {
				return errs.E(op, err)
			}
			if _, err := tx.NewUpdate().Model((*Token)(nil)).Set("revoked_at = ?", now).
				Where("user_id = ? AND revoked_at IS NULL", u.ID).Exec(ctx); err != nil {
				return errs.E(op, err)
			}
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: now, Actor: actor, Action: "user.password", Entity: "user", EntityID: u.Username,
			After: audit.JSON(map[string]any{"sessionsEnded": ended, "tokensRevoked": revoked, "tokensKept": change.KeepTokens})})
	})
}

func userByName(ctx context.Context, db bun.IDB, username string) (*User, error) {
	u := new(User)
	err := db.NewSelect().Model(u).Where("username = ?", strings.ToLower(strings.TrimSpace(username))).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E("auth: user", errs.NotFound, errs.Msgf("Không có tài khoản %s.", username))
	}
	return u, err
}

// HasAdmin reports whether an enabled admin account exists.
func (s *Service) HasAdmin(ctx context.Context) (bool, error) {
	n, err := s.db.NewSelect().Model((*User)(nil)).Where("role = ?", auth.Admin).Where("disabled = ?", false).Count(ctx)
	return n > 0, err
}

// identity builds the caller of an account: for a ward officer, the assigned wards and the units
// that were wholly merged into them.
func identityOf(ctx context.Context, db bun.IDB, u *User, via string) (*auth.Identity, error) {
	id := &auth.Identity{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Via: via}
	if u.Role != auth.WardOfficer {
		return id, nil
	}
	var rows []struct {
		ID   int64  `bun:"id"`
		Code string `bun:"code"`
	}
	err := db.NewRaw(`SELECT u.id, u.code FROM user_wards AS uw JOIN admin_units AS u ON u.id = uw.ward_id WHERE uw.user_id = ? ORDER BY u.code`, u.ID).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	id.WardIDs = []int64{}
	for _, r := range rows {
		id.WardIDs = append(id.WardIDs, r.ID)
		id.WardCodes = append(id.WardCodes, r.Code)
	}
	var merged []int64
	err = db.NewRaw(`SELECT s.unit_id FROM admin_unit_successors AS s
		JOIN user_wards AS uw ON uw.ward_id = s.successor_id AND uw.user_id = ?
		WHERE NOT EXISTS (SELECT 1 FROM admin_unit_successors AS o WHERE o.unit_id = s.unit_id
			AND o.successor_id NOT IN (SELECT ward_id FROM user_wards WHERE user_id = ?))`, u.ID, u.ID).Scan(ctx, &merged)
	if err != nil {
		return nil, err
	}
	id.WardIDs = append(id.WardIDs, merged...)
	return id, nil
}

// Session is a signed-in browser's credentials, returned once at sign-in.
type Session struct {
	Token     string // the cookie value; only its hash is stored
	CSRF      string // sent back in X-CSRF-Token on state-changing requests
	ExpiresAt time.Time
}

// dummyHash makes a failed lookup cost as much as a password check, so timing does not tell which
// accounts exist.
var dummyHash, _ = HashPassword("hotro-dummy-password", DefaultHash)

// Login checks a password and opens a session. Each attempt reserves its place in the throttle
// (per account and address, and per address) before the password is checked, with growing waits
// past the free failures; failures and refusals are recorded in the audit trail.
func (s *Service) Login(ctx context.Context, username, password, remote string) (*Session, *auth.Identity, error) {
	const op = "auth: login"
	username = strings.ToLower(strings.TrimSpace(username))
	keys := throttleKeys(username, remote)
	if wait, err := s.reserve(ctx, keys); err != nil {
		return nil, nil, errs.E(op, err)
	} else if wait > 0 {
		s.recordAttempt(ctx, "auth.login_refused", username, remote, "locked")
		return nil, nil, errs.E(op, errs.TooComplex, errs.Msgf("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %d giây.", int(wait.Seconds())+1))
	}
	u, err := userByName(ctx, s.db, username)
	if err != nil && !errs.Is(errs.NotFound, err) {
		_ = release(context.WithoutCancel(ctx), s.db, keys)
		return nil, nil, errs.E(op, err)
	}
	encoded := dummyHash
	if u != nil {
		encoded = u.PasswordHash
	}
	ok, err := s.verify(ctx, password, encoded)
	if err != nil {
		// Not checked (the request ended while waiting for a slot): the places go back.
		_ = release(context.WithoutCancel(ctx), s.db, keys)
		return nil, nil, errs.E(op, err)
	}
	ok = ok && u != nil && !u.Disabled
	if !ok {
		reason := "bad_password"
		if u == nil {
			reason = "unknown_user"
		} else if u.Disabled {
			reason = "disabled"
		}
		s.recordAttempt(ctx, "auth.login_failed", username, remote, reason)
		return nil, nil, errs.E(op, errs.Unauthorized, errs.Msg("Tên đăng nhập hoặc mật khẩu không đúng."))
	}
	sess := &Session{Token: randomToken(32), CSRF: randomToken(24)}
	now := s.now()
	sess.ExpiresAt = now.Add(s.opt.SessionTTL)
	var id *auth.Identity
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.succeeded(ctx, tx, keys); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*session)(nil)).Where("expires_at < ?", now).Exec(ctx); err != nil {
			return err
		}
		row := &session{TokenHash: hashToken(sess.Token), CSRFToken: sess.CSRF, UserID: u.ID, CreatedAt: now,
			ExpiresAt: sess.ExpiresAt, LastSeenAt: now, RemoteAddr: remote}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return err
		}
		if id, err = identityOf(ctx, tx, u, "session"); err != nil {
			return err
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: now, Actor: u.Username, Action: "auth.login", Entity: "user",
			EntityID: u.Username, After: audit.JSON(map[string]string{"remote": remote})})
	})
	if err != nil {
		return nil, nil, errs.E(op, err)
	}
	return sess, id, nil
}

// recordAttempt audits a failed or refused sign-in. The password is never recorded.
func (s *Service) recordAttempt(ctx context.Context, action, username, remote, reason string) {
	_ = audit.NewStore(s.db).Record(context.WithoutCancel(ctx), &audit.Event{At: s.now(), Actor: cutName(username), Action: action,
		Entity: "user", EntityID: cutName(username), After: audit.JSON(map[string]string{"remote": remote, "reason": reason})})
}

func cutName(s string) string {
	if s == "" {
		return "(trống)"
	}
	if len(s) > 64 {
		return s[:64]
	}
	return s
}

// Logout ends the session with the token.
func (s *Service) Logout(ctx context.Context, token string) error {
	var row session
	err := s.db.NewSelect().Model(&row).Where("token_hash = ?", hashToken(token)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return errs.E("auth: logout", err)
	}
	defer s.memory.forget()
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*session)(nil)).Where("id = ?", row.ID).Exec(ctx); err != nil {
			return err
		}
		var username string
		_ = tx.NewSelect().Model((*User)(nil)).Column("username").Where("id = ?", row.UserID).Scan(ctx, &username)
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: s.now(), Actor: username, Action: "auth.logout", Entity: "user", EntityID: username})
	})
}

// SessionIdentity returns the caller of a session cookie and the session's CSRF token; a session
// that is unknown, expired or idle too long is an Unauthorized error.
func (s *Service) SessionIdentity(ctx context.Context, token string) (*auth.Identity, string, error) {
	const op = "auth: session"
	key := "session " + hashToken(token)
	if r, ok := s.recall(key, s.now()); ok {
		return r.id, r.csrf, nil
	}
	gen := s.memory.generation()
	var row session
	err := s.opt.Read.NewSelect().Model(&row).Relation("User").Where("ses.token_hash = ?", hashToken(token)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errs.E(op, errs.Unauthorized, errs.Msg("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."))
	}
	if err != nil {
		return nil, "", errs.E(op, err)
	}
	now := s.now()
	if now.After(row.ExpiresAt) || now.Sub(row.LastSeenAt) > s.opt.IdleTTL {
		return nil, "", errs.E(op, errs.Unauthorized, errs.Msg("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."))
	}
	u := row.User
	if u == nil || u.ID != row.UserID {
		return nil, "", errs.E(op, errs.Msgf("session %d has no account", row.ID))
	}
	if u.Disabled {
		return nil, "", errs.E(op, errs.Unauthorized, errs.Msg("Tài khoản đã bị khoá."))
	}
	if now.Sub(row.LastSeenAt) > time.Minute {
		_, _ = s.db.NewUpdate().Model(&row).Set("last_seen_at = ?", now).WherePK().Exec(ctx)
	}
	id, err := identityOf(ctx, s.opt.Read, u, "session")
	if err != nil {
		return nil, "", errs.E(op, err)
	}
	end := row.ExpiresAt
	if idle := row.LastSeenAt.Add(s.opt.IdleTTL); idle.Before(end) {
		end = idle
	}
	s.remember(key, remembered{id: id, csrf: row.CSRFToken}, gen, now, &end)
	return id, row.CSRFToken, nil
}

// TokenPrefix starts every API token, so that leaked tokens are easy to find.
const TokenPrefix = "hotro_"

// CreateToken makes a named API token for the account and returns its secret, shown only once.
// ttl 0 means it does not expire.
func (s *Service) CreateToken(ctx context.Context, username, name string, ttl time.Duration, actor string) (string, error) {
	const op = "auth: create token"
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", errs.E(op, errs.Invalid, errs.Msg("Tên token phải có từ 1 đến 100 ký tự."))
	}
	secret := TokenPrefix + randomToken(30)
	now := s.now()
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		u, err := userByName(ctx, tx, username)
		if err != nil {
			return err
		}
		t := &Token{UserID: u.ID, Name: name, Prefix: secret[:len(TokenPrefix)+6], TokenHash: hashToken(secret), CreatedAt: now}
		if ttl > 0 {
			exp := now.Add(ttl)
			t.ExpiresAt = &exp
		}
		n, err := tx.NewSelect().Model((*Token)(nil)).Where("user_id = ? AND name = ?", u.ID, name).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.E(op, errs.Conflict, errs.Msgf("Tài khoản %s đã có token tên %q.", u.Username, name))
		}
		if _, err := tx.NewInsert().Model(t).Exec(ctx); err != nil {
			return err
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: now, Actor: actor, Action: "token.create", Entity: "token",
			EntityID: u.Username + "/" + name, After: audit.JSON(map[string]any{"prefix": t.Prefix, "expiresAt": t.ExpiresAt})})
	})
	if err != nil {
		return "", errs.E(op, err)
	}
	return secret, nil
}

// RevokeToken stops a named token of the account from working.
func (s *Service) RevokeToken(ctx context.Context, username, name, actor string) error {
	const op = "auth: revoke token"
	defer s.memory.forget()
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		u, err := userByName(ctx, tx, username)
		if err != nil {
			return errs.E(op, err)
		}
		res, err := tx.NewUpdate().Model((*Token)(nil)).Set("revoked_at = ?", s.now()).
			Where("user_id = ? AND name = ? AND revoked_at IS NULL", u.ID, name).Exec(ctx)
		if err != nil {
			return errs.E(op, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(op, errs.NotFound, errs.Msgf("Tài khoản %s không có token %q đang hoạt động.", u.Username, name))
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: s.now(), Actor: actor, Action: "token.revoke", Entity: "token", EntityID: u.Username + "/" + name})
	})
}

// Tokens lists the account's tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context, username string) ([]Token, error) {
	u, err := userByName(ctx, s.db, username)
	if err != nil {
		return nil, err
	}
	var ts []Token
	err = s.db.NewSelect().Model(&ts).Where("user_id = ?", u.ID).Order("name").Scan(ctx)
	return ts, err
}

// TokenIdentity returns the caller of a bearer token.
func (s *Service) TokenIdentity(ctx context.Context, secret string) (*auth.Identity, error) {
	const op = "auth: token"
	invalid := errs.E(op, errs.Unauthorized, errs.Msg("Token không hợp lệ, đã hết hạn hoặc đã bị thu hồi."))
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, invalid
	}
	key := "token " + hashToken(secret)
	if r, ok := s.recall(key, s.now()); ok {
		return r.id, nil
	}
	gen := s.memory.generation()
	var t Token
	err := s.opt.Read.NewSelect().Model(&t).Relation("User").Where("tok.token_hash = ?", hashToken(secret)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, invalid
	}
	if err != nil {
		return nil, errs.E(op, err)
	}
	now := s.now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && now.After(*t.ExpiresAt)) {
		return nil, invalid
	}
	u := t.User
	if u == nil || u.ID != t.UserID {
		return nil, errs.E(op, errs.Msgf("token %d has no account", t.ID))
	}
	if u.Disabled {
		return nil, invalid
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		_, _ = s.db.NewUpdate().Model(&t).Set("last_used_at = ?", now).WherePK().Exec(ctx)
	}
	id, err := identityOf(ctx, s.opt.Read, u, "token")
	if err != nil {
		return nil, errs.E(op, err)
	}
	s.remember(key, remembered{id: id}, gen, now, t.ExpiresAt)
	return id, nil
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("auth: no randomness: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how session and API tokens are stored: they are long random secrets, so a fast hash
// is enough.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
