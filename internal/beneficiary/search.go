package beneficiary

import (
	"strings"
	"unicode/utf8"

	"hotro/internal/auth"
	"hotro/internal/errs"
	"hotro/internal/vntext"
)

// MaxSearch bounds the text of a search.
const MaxSearch = 100

// SearchCondition turns what a caller typed into a condition on the recipients (table alias b), as
// that caller may search:
//
//   - four digits (or "********1234", as masked IDs read): the last four digits of the citizen ID,
//     for every role that may list;
//   - other digits: a full ID (9 or 12 digits) or the start of one, only for roles that see IDs in
//     full (admins, and ward officers, whose lists keep to their wards);
//   - anything else: the name without diacritics, case or extra spaces ("nguyen van a" finds
//     "Nguyễn Văn A"), only for roles that see names in full.
//
// A role that sees masked data is refused a full ID or a name whatever the data holds, so the
// answer never tells whether someone is listed. The empty text gives no condition ("").
func SearchCondition(id *auth.Identity, text string) (string, []any, error) {
	const op = "beneficiary: search"
	text = strings.TrimSpace(text)
	if text == "" {
		return "", nil, nil
	}
	if utf8.RuneCountInString(text) > MaxSearch {
		return "", nil, errs.E(op, errs.Invalid, errs.Msgf("Nội dung tìm kiếm dài quá %d ký tự.", MaxSearch))
	}
	seesInFull := SeesNamesInFull(id)
	if digits, ok := idDigits(text); ok {
		switch {
		case len(digits) == 4:
			return "b.citizen_id LIKE ?", []any{"%" + digits}, nil
		case !seesInFull:
			return "", nil, errs.E(op, errs.Permission, errs.Msg("Vai trò của bạn chỉ thấy 4 số cuối của số giấy tờ, nên chỉ tìm được theo 4 số cuối (ví dụ 1234)."))
		case len(digits) == 9 || len(digits) == 12:
			return "b.citizen_id = ?", []any{digits}, nil
		default:
			return "b.citizen_id LIKE ?", []any{digits + "%"}, nil
		}
	}
	if !seesInFull {
		return "", nil, errs.E(op, errs.Permission, errs.Msg("Vai trò của bạn không thấy họ tên đầy đủ, nên không tìm được theo tên; hãy tìm theo 4 số cuối của số giấy tờ."))
	}
	key := vntext.Fold(text)
	if key == "" {
		return "", nil, errs.E(op, errs.Invalid, errs.Msg("Hãy nhập một phần họ tên hoặc số giấy tờ để tìm."))
	}
	return "b.name_key LIKE ?", []any{"%" + key + "%"}, nil
}

// SeesNamesInFull reports whether the caller's role sees recipients' names and IDs in full where it
// may list them (admins, the working group, and ward officers in their wards); other roles see them masked, so they may
// neither search nor sort by what the mask hides.
func SeesNamesInFull(id *auth.Identity) bool {
	return id.Role == auth.Admin || id.Role == auth.WardOfficer || id.Role == auth.Supervisor
}

// idDigits returns the digits of an ID number as typed: digits, with spaces, dots, dashes or the
// asterisks of a masked ID between them.
func idDigits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '*':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}
