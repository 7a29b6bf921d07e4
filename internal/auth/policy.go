package auth

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/errs"
)

// Visibility is how much of a person's data a caller may see.
type Visibility int

// The levels of visibility.
const (
	Hidden Visibility = iota // not at all
	Masked                   // name as initials, ID number with its last four digits
	Full                     // everything
)

// PersonalData says how much of the personal data of a recipient listed in the ward the caller may
// see.
func (id *Identity) PersonalData(wardID int64) Visibility {
	switch id.Role {
	case Admin, Supervisor:
		return Full
	case WardOfficer:
		if id.InScope(wardID) {
			return Full
		}
		return Hidden
	case Leader, Analyst:
		return Masked
	}
	return Hidden
}

// CanList reports whether the caller may list payment lines and recipients (with personal data as
// PersonalData allows).
func (id *Identity) CanList() error {
	if !id.SignedIn() {
		return errs.E("auth: list", errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để xem danh sách."))
	}
	return nil
}

// CanAudit reports whether the caller may read the audit trail.
func (id *Identity) CanAudit() error {
	if id.Role != Admin {
		return denied("auth: audit")
	}
	return nil
}

// AuditsFullReads reports whether every read of personal data in full by the caller is recorded in
// the audit trail: the working group's reads are, so that its full view of every ward is answerable.
func (id *Identity) AuditsFullReads() bool { return id.Role == Supervisor }

// CanSupervise reports whether the caller may read the working group's board (anomalies and spot
// checks) and record checks: the working group and admins.
func (id *Identity) CanSupervise() error {
	switch {
	case !id.SignedIn():
		return errs.E("auth: supervise", errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để xem bảng giám sát."))
	case id.Role == Supervisor || id.Role == Admin:
		return nil
	}
	return errs.E("auth: supervise", errs.Permission, errs.Msg("Chỉ Tổ công tác và quản trị viên được xem bảng giám sát và ghi kết quả kiểm tra."))
}

// CanManageAccounts reports whether the caller may create accounts and tokens for others.
func (id *Identity) CanManageAccounts() error {
	if id.Role != Admin {
		return denied("auth: accounts")
	}
	return nil
}

// CheckWards refuses a request that names wards (by ID) outside the caller's scope, without saying
// which ward or whether it has data.
func (id *Identity) CheckWards(wardIDs ...int64) error {
	for _, w := range wardIDs {
		if !id.InScope(w) {
			return OutOfScope()
		}
	}
	return nil
}

// OutOfScope is the error for a ward officer reaching beyond their wards. It names nothing.
func OutOfScope() error {
	return errs.E("auth: scope", errs.Permission, errs.Msg("Bạn chỉ được xem và thay đổi dữ liệu của phường/xã mình phụ trách."))
}

func denied(op string) error {
	return errs.E(op, errs.Permission, errs.Msg("Bạn không có quyền thực hiện thao tác này."))
}

// MaskID hides all but the last four digits of an ID number: 019085001234 becomes ********1234.
func MaskID(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 4 {
		return strings.Repeat("*", n)
	}
	return strings.Repeat("*", n-4) + s[len(s)-4:]
}

// MaskName keeps the family name and the initials of the other names: "Nguyễn Văn An" becomes
// "Nguyễn V. A.", so a list can be checked without showing who is on it.
func MaskName(s string) string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return ""
	}
	out := []string{words[0]}
	for _, w := range words[1:] {
		r, _ := utf8.DecodeRuneInString(w)
		out = append(out, string(r)+".")
	}
	if len(words) == 1 {
		r, _ := utf8.DecodeRuneInString(words[0])
		return string(r) + "."
	}
	return strings.Join(out, " ")
}

// CheckWardCodes refuses ward codes none of whose units (of any period) are in the caller's scope.
func CheckWardCodes(ctx context.Context, idb bun.IDB, id *Identity, codes []string) error {
	if !id.WardScoped() || len(codes) == 0 {
		return nil
	}
	inScope, err := adminunit.NewStore(idb).WardCodesAmong(ctx, codes, id.WardIDs)
	if err != nil {
		return errs.E("auth: scope", err)
	}
	have := map[string]bool{}
	for _, c := range inScope {
		have[c] = true
	}
	for _, c := range codes {
		if !have[c] {
			return OutOfScope()
		}
	}
	return nil
}
