// Package auth knows who is asking and what they may see and do: roles, ward scope and the
// masking of personal data. Accounts and sign-in are in package account.
package auth

import (
	"context"
	"slices"
)

// Role is what a person may do.
type Role string

// The roles.
const (
	// Admin manages accounts and sees everything.
	Admin Role = "admin"
	// Leader sees all aggregates and lists, with personal data masked.
	Leader Role = "leader"
	// Analyst sees all aggregates and lists, with personal data masked.
	Analyst Role = "analyst"
	// WardOfficer reads and writes in their wards only, with personal data there in full.
	WardOfficer Role = "ward_officer"
	// Supervisor is the city's working group (Tổ công tác): reads every ward with personal data in
	// full, every such read audited, and records checks; it imports, approves and pays nothing.
	Supervisor Role = "supervisor"
	// Public is anyone not signed in: aggregates only.
	Public Role = "public"
)

// Roles lists the roles an account can have (Public is for no account).
var Roles = []Role{Admin, Leader, Analyst, WardOfficer, Supervisor}

// Valid reports whether r is an account role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Identity is the caller of one request.
type Identity struct {
	UserID      int64
	Username    string
	DisplayName string
	Role        Role
	// WardIDs are the units a ward officer works in, with the units that became them; nil for
	// other roles.
	WardIDs []int64
	// WardCodes are the official codes of the wards assigned to a ward officer.
	WardCodes []string
	// Via tells how the caller proved who they are: "session", "token" or "" (public).
	Via string
}

// Anonymous is the identity of a caller who has not signed in.
var Anonymous = &Identity{Role: Public}

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the caller in ctx, or Anonymous: never nil.
func FromContext(ctx context.Context) *Identity {
	if id, ok := ctx.Value(identityKey{}).(*Identity); ok && id != nil {
		return id
	}
	return Anonymous
}

// SignedIn reports whether the caller has an account.
func (id *Identity) SignedIn() bool { return id.Role != Public }

// WardScoped reports whether the caller is limited to some wards.
func (id *Identity) WardScoped() bool { return id.Role == WardOfficer }

// InScope reports whether the caller may see the ward's data.
func (id *Identity) InScope(wardID int64) bool {
	return !id.WardScoped() || slices.Contains(id.WardIDs, wardID)
}

// ScopeWardIDs returns the wards the caller is limited to, or nil for no limit.
func (id *Identity) ScopeWardIDs() []int64 {
	if !id.WardScoped() {
		return nil
	}
	if id.WardIDs == nil {
		return []int64{}
	}
	return id.WardIDs
}
