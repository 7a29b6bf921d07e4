package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold reduces a header to the form headers are compared in: lower case,
// Vietnamese diacritics removed (đ → d; NFC and NFD input alike), and every
// run of white space or punctuation turned into one space, so "Số CCCD/CMND",
// "so cccd cmnd" and "SỐ  CCCD - CMND" all fold to "so cccd cmnd".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð': // Ð (U+00D0) often stands in for Đ
			r = 'd'
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			gap = b.Len() > 0
			continue
		}
		if gap {
			b.WriteByte(' ')
			gap = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Column describes one column a caller expects in an upload.
type Column struct {
	// Key names the column in the caller's code; Mapping is keyed by it.
	Key string
	// Aliases are the headers officers may write, in Vietnamese and English
	// ("Số CCCD/CMND", "CCCD", "National ID"). They are compared folded (see
	// Fold), and a note in parentheses is ignored when nothing else matches,
	// so "Số tiền (đồng)" matches "Số tiền". The first alias is the name shown
	// in messages. Key itself is accepted too. An alias shared by two columns
	// goes to the first.
	Aliases []string
	// Required columns missing from the header are errors.
	Required bool
}

// name is how a column is shown to officers.
func (c Column) name() string {
	if len(c.Aliases) > 0 {
		return c.Aliases[0]
	}
	return c.Key
}

// Mapping gives the 0-based position in Row.Cells of each column found.
type Mapping map[string]int

// Value returns the cell of column key in cells, or "" when the column is
// not mapped or the row is shorter than the header.
func (m Mapping) Value(cells []string, key string) string {
	i, ok := m[key]
	if !ok || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// Has reports whether column key was found in the header.
func (m Mapping) Has(key string) bool {
	_, ok := m[key]
	return ok
}

// MatchColumns finds cols in header, tolerating case, missing diacritics,
// extra spaces and punctuation, and any column order. It reports missing
// required columns and columns that appear twice as errors, and header cells
// that match no column as warnings (Error.Warning). The errors have Row 0;
// Column is the header text as written, or the column's first alias when it
// is missing.
func MatchColumns(header []string, cols []Column) (Mapping, []*Error) {
	exact := make(map[string]int)   // folded alias → index in cols
	relaxed := make(map[string]int) // the same without notes in parentheses
	for i, c := range cols {
		for _, a := range append([]string{c.Key}, c.Aliases...) {
			if f := Fold(a); f != "" {
				if _, taken := exact[f]; !taken {
					exact[f] = i
				}
			}
			if f := Fold(stripNotes(a)); f != "" {
				if _, taken := relaxed[f]; !taken {
					relaxed[f] = i
				}
			}
		}
	}
	mapping := make(Mapping)
	var errs []*Error
	for pos, h := range header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		i, ok := exact[Fold(h)]
		if !ok {
			i, ok = relaxed[Fold(stripNotes(h))]
		}
		if !ok {
			errs = append(errs, &Error{Column: h, Code: CodeUnknownColumn, Warning: true,
				Message: "Cột " + columnName(pos) + ` "` + h + `" không có trong mẫu nên sẽ bị bỏ qua.`})
			continue
		}
		key := cols[i].Key
		if first, dup := mapping[key]; dup {
			errs = append(errs, &Error{Column: h, Code: CodeDuplicateColumn,
				Message: `Cột "` + cols[i].name() + `" xuất hiện hai lần (cột ` + columnName(first) + " và cột " + columnName(pos) + "). Hãy xoá hoặc đổi tên một cột."})
			continue
		}
		mapping[key] = pos
	}
	for _, c := range cols {
		if c.Required && !mapping.Has(c.Key) {
			errs = append(errs, &Error{Column: c.name(), Code: CodeMissingColumn,
				Message: `Thiếu cột bắt buộc "` + c.name() + `". Hãy thêm cột này vào dòng tiêu đề (có thể dùng tệp mẫu).`})
		}
	}
	return mapping, errs
}

// stripNotes removes parenthesised notes: "Số tiền (đồng)" → "Số tiền ".
func stripNotes(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
