package account

import (
	"context"

	"hotro/internal/auth"
	"hotro/internal/errs"
)

// Identity returns who an enabled account acts as — role and wards — for work done on its behalf
// outside a request, such as `hotro import --as USERNAME`.
func (s *Service) Identity(ctx context.Context, username string) (*auth.Identity, error) {
	const op = "auth: identity"
	u, err := userByName(ctx, s.db, username)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if u.Disabled {
		return nil, errs.E(op, errs.Permission, errs.Msgf("Tài khoản %s đã bị khoá.", u.Username))
	}
	id, err := identityOf(ctx, s.db, u, "cli")
	if err != nil {
		return nil, errs.E(op, err)
	}
	return id, nil
}
