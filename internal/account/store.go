package account

import (
	"hotro/internal/auth"
	"time"

	"github.com/uptrace/bun"
)

// User is an account.
type User struct {
	bun.BaseModel `bun:"table:users,alias:usr"`

	ID                int64     `bun:"id,pk,autoincrement"`
	Username          string    `bun:"username,notnull"`
	DisplayName       string    `bun:"display_name,notnull"`
	Role              auth.Role `bun:"role,notnull"`
	PasswordHash      string    `bun:"password_hash,notnull"`
	Disabled          bool      `bun:"disabled,notnull"`
	CreatedAt         time.Time `bun:"created_at,notnull"`
	PasswordChangedAt time.Time `bun:"password_changed_at,notnull"`
}

type userWard struct {
	bun.BaseModel `bun:"table:user_wards"`

	UserID int64 `bun:"user_id,pk"`
	WardID int64 `bun:"ward_id,pk"`
}

type session struct {
	bun.BaseModel `bun:"table:sessions,alias:ses"`

	ID         int64     `bun:"id,pk,autoincrement"`
	TokenHash  string    `bun:"token_hash,notnull"`
	CSRFToken  string    `bun:"csrf_token,notnull"`
	UserID     int64     `bun:"user_id,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	ExpiresAt  time.Time `bun:"expires_at,notnull"`
	LastSeenAt time.Time `bun:"last_seen_at,notnull"`
	RemoteAddr string    `bun:"remote_addr,notnull"`

	// User is the session's account, read with it in one round trip (Relation("User")).
	User *User `bun:"rel:belongs-to,join:user_id=id"`
}

// Token is an API token as listed: never its secret.
type Token struct {
	bun.BaseModel `bun:"table:api_tokens,alias:tok"`

	ID         int64      `bun:"id,pk,autoincrement"`
	UserID     int64      `bun:"user_id,notnull"`
	Name       string     `bun:"name,notnull"`
	Prefix     string     `bun:"prefix,notnull"`
	TokenHash  string     `bun:"token_hash,notnull"`
	CreatedAt  time.Time  `bun:"created_at,notnull"`
	ExpiresAt  *time.Time `bun:"expires_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`

	// User is the token's account, read with it in one round trip (Relation("User")); nil in lists.
	User *User `bun:"rel:belongs-to,join:user_id=id" json:"-"`
}

type throttle struct {
	bun.BaseModel `bun:"table:login_throttle,alias:thr"`

	Key         string     `bun:"key,pk"`
	Failures    int        `bun:"failures,notnull"`
	LastFailure time.Time  `bun:"last_failure,notnull"`
	LockedUntil *time.Time `bun:"locked_until"`
}
