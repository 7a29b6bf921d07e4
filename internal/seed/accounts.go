package seed

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/account"
	"hotro/internal/auth"
	"hotro/internal/errs"
)

// DemoAccounts are the accounts created with the demo data set, one per role, so that every screen
// can be tried. They share one password (HOTRO_DEMO_PASSWORD) and exist only in demo databases.
var DemoAccounts = []account.NewUser{
	{Username: "quantri", DisplayName: "Quản trị hệ thống (demo)", Role: auth.Admin},
	{Username: "lanhdao", DisplayName: "Lãnh đạo UBND thành phố (demo)", Role: auth.Leader},
	{Username: "phantich", DisplayName: "Chuyên viên thống kê (demo)", Role: auth.Analyst},
	{Username: "canbo.quantrieu", DisplayName: "Cán bộ phường Quán Triều (demo)", Role: auth.WardOfficer, WardCodes: []string{"05431"}},
	{Username: "canbo.phucha", DisplayName: "Cán bộ xã Phúc Hà (demo)", Role: auth.WardOfficer, WardCodes: []string{"05485"}},
	{Username: "giamsat", DisplayName: "Tổ công tác giám sát (demo)", Role: auth.Supervisor},
}

// CreateDemoAccounts adds the demo accounts with the password, skipping any that exist.
func CreateDemoAccounts(ctx context.Context, db *bun.DB, password string, hash account.HashParams) error {
	svc := account.NewService(db, account.Options{Hash: hash})
	for _, nu := range DemoAccounts {
		nu.Password = password
		if _, err := svc.CreateUser(ctx, nu, "seed.demo"); err != nil && !errs.Is(errs.Conflict, err) {
			return errs.E("seed: demo accounts", err)
		}
	}
	return nil
}
