package intake

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/program"
)

// Request names the list an upload is for: a programme, one of its groups, a ward, and optionally
// the fund that pays it (default: the programme's first fund) and the day the list was drawn up
// (default: today).
type Request struct {
	Program  string
	Group    string
	Ward     string
	Fund     string
	ListedOn *civil.Date
	FileName string
}

// Target is a Request resolved against the database.
type Target struct {
	Program  *program.Program
	Group    *program.Group
	Groups   map[int64]*program.Group // every group of the programme, for messages
	Ward     *adminunit.Unit
	Fund     *fund.Fund
	ListedOn civil.Date
}

// CanImport refuses callers who may not import lists for the ward: only admins and the ward's own
// officers may. A ward officer reaching for another ward gets auth.OutOfScope, which names nothing.
func CanImport(id *auth.Identity, wardID int64) error {
	return wardWork(id, wardID, "intake: permission", "Vui lòng đăng nhập để nhập danh sách.",
		"Chỉ cán bộ phường/xã và quản trị viên được nhập danh sách chi trả.")
}

// wardWork lets admins and the ward's own officers work on a ward's lists; anyone else is told to
// sign in or refused with the messages given. An officer of another ward gets auth.OutOfScope.
func wardWork(id *auth.Identity, wardID int64, op, signIn, refused string) error {
	switch {
	case !id.SignedIn():
		return errs.E(op, errs.Unauthorized, errs.Msg(signIn))
	case id.Role == auth.Admin:
		return nil
	case id.Role == auth.WardOfficer:
		if !id.InScope(wardID) {
			return auth.OutOfScope()
		}
		return nil
	}
	return errs.E(op, errs.Permission, errs.Msg(refused))
}

// resolve finds the programme, group, fund and ward of a request and checks that the caller may
// import for the ward.
func resolve(ctx context.Context, db bun.IDB, req Request, today civil.Date) (*Target, error) {
	const op = "intake: target"
	id := auth.FromContext(ctx)
	if !id.SignedIn() {
		return nil, CanImport(id, 0)
	}
	code := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	prog, err := program.NewStore(db).Program(ctx, code(req.Program))
	if err != nil {
		return nil, errs.E(op, err)
	}
	groups, err := program.NewStore(db).Groups(ctx, prog.Code)
	if err != nil {
		return nil, errs.E(op, err)
	}
	t := &Target{Program: prog, Groups: map[int64]*program.Group{}}
	for _, g := range groups {
		t.Groups[g.ID] = g
		if g.Code == code(req.Group) {
			t.Group = g
		}
	}
	if t.Group == nil {
		return nil, errs.E(op, errs.NotFound, errs.Msgf("Chương trình %s không có nhóm đối tượng %q.", prog.Code, req.Group))
	}
	funds, err := fund.NewStore(db).List(ctx, prog.Code)
	if err != nil {
		return nil, errs.E(op, err)
	}
	for _, f := range funds {
		if (req.Fund == "" && t.Fund == nil) || f.Code == code(req.Fund) {
			t.Fund = f
		}
	}
	if t.Fund == nil {
		if req.Fund == "" {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Chương trình %s chưa có nguồn kinh phí nào.", prog.Code))
		}
		return nil, errs.E(op, errs.NotFound, errs.Msgf("Chương trình %s không có nguồn kinh phí %q.", prog.Code, req.Fund))
	}
	t.ListedOn = today
	if req.ListedOn != nil {
		if req.ListedOn.After(today) {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Ngày lập danh sách %s ở tương lai.", req.ListedOn.Vietnamese()))
		}
		t.ListedOn = *req.ListedOn
	}
	if t.Ward, err = findWard(ctx, db, strings.TrimSpace(req.Ward), t.ListedOn, prog.AppliesFrom); err != nil {
		return nil, err
	}
	if err := CanImport(id, t.Ward.ID); err != nil {
		return nil, err
	}
	return t, nil
}

// findWard returns the ward or commune with the code valid on the day of the list, else the one
// valid when the programme began (a 2020 list entered after the 2025 reorganisation), else the
// latest.
func findWard(ctx context.Context, db bun.IDB, code string, listedOn, programStart civil.Date) (*adminunit.Unit, error) {
	units := adminunit.NewStore(db)
	for _, on := range []*civil.Date{&listedOn, &programStart, nil} {
		u, err := units.Get(ctx, adminunit.Commune, code, on)
		if err == nil {
			return u, nil
		}
		if !errs.Is(errs.NotFound, err) {
			return nil, errs.E("intake: ward", err)
		}
	}
	return nil, errs.E("intake: ward", errs.NotFound, errs.Msgf("Không có phường/xã mã %q.", code))
}
