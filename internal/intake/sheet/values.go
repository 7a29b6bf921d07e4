package sheet

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// The Excel serial of 9999-12-31, the last date Excel knows.
const maxExcelSerial = 2_958_465

// ParseDate reads a date as officers write it or as Excel stores it:
// dd/mm/yyyy or d/m/yyyy (also with '-' or '.'), yyyy-mm-dd (also with '/'
// or '.'; a trailing time such as "T00:00:00" is dropped), or an Excel serial
// number in the 1900 date system ("43952" is 2020-05-01; serial 60, Lotus's
// 29/02/1900 that never existed, is refused). Day comes before month: a
// US-style 5/13/2020 is refused rather than guessed. A bare number between
// 1900 and 2100 is refused as a year without day and month. The result is
// midnight UTC of that date. Errors are *Error with code "bad_date" and no
// location; place them with Error.At.
func ParseDate(cell string) (time.Time, error) { return parseDate(cell, false) }

// ParseDate is the package ParseDate reading serial numbers in the date
// system of this workbook (1904 for old Mac files, see Date1904).
func (rd *Reader) ParseDate(cell string) (time.Time, error) { return parseDate(cell, rd.date1904) }

func parseDate(cell string, date1904 bool) (time.Time, error) {
	s := trimCell(cell)
	bad := func(msg string) (time.Time, error) {
		return time.Time{}, newError("parse date", CodeBadDate, msg)
	}
	wrongFormat := `Ngày "` + s + `" không đúng định dạng. Hãy ghi theo dạng ngày/tháng/năm, ví dụ 01/05/2020.`
	if s == "" {
		return bad("Ô trống, cần ghi ngày theo dạng ngày/tháng/năm, ví dụ 01/05/2020.")
	}
	if whole, frac, ok := strings.Cut(s, "."); allDigits(whole) && (!ok || allDigits(frac)) {
		return serialDate(s, whole, ok, date1904)
	}
	if i := strings.IndexAny(s, "T "); i > 0 {
		if !isClock(strings.TrimSpace(s[i+1:])) {
			return bad(wrongFormat)
		}
		s = s[:i]
	}
	sep := strings.IndexAny(s, "/-.")
	if sep < 0 {
		return bad(wrongFormat)
	}
	parts := strings.Split(s, s[sep:sep+1])
	if len(parts) != 3 || !allDigits(parts[0]) || !allDigits(parts[1]) || !allDigits(parts[2]) {
		return bad(wrongFormat)
	}
	var y, m, d string
	switch {
	case len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		y, m, d = parts[0], parts[1], parts[2]
	case len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 4:
		d, m, y = parts[0], parts[1], parts[2]
	case len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 2:
		return bad(`Ngày "` + s + `" có năm chỉ gồm 2 chữ số; hãy ghi đủ 4 chữ số, ví dụ 01/05/2020.`)
	default:
		return bad(wrongFormat)
	}
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(m)
	day, _ := strconv.Atoi(d)
	if year < 1800 {
		return bad(`Ngày "` + s + `" có năm ` + y + ` không hợp lệ.`)
	}
	if month < 1 || month > 12 {
		return bad(`Ngày "` + s + `" có tháng ` + m + ` không hợp lệ (thứ tự là ngày/tháng/năm).`)
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if day < 1 || t.Day() != day {
		return bad(`Ngày "` + s + `" không tồn tại.`)
	}
	return t, nil
}

// serialDate converts an Excel serial number; only its whole part counts.
func serialDate(s, whole string, hasFrac, date1904 bool) (time.Time, error) {
	bad := func(msg string) (time.Time, error) {
		return time.Time{}, newError("parse date", CodeBadDate, msg)
	}
	n, err := strconv.Atoi(whole)
	if err != nil || n > maxExcelSerial {
		return bad(`"` + s + `" không phải là ngày. Hãy ghi theo dạng ngày/tháng/năm, ví dụ 01/05/2020.`)
	}
	if n >= 1900 && n <= 2100 && !hasFrac {
		return bad(`"` + s + `" chỉ có năm; hãy ghi đủ ngày/tháng/năm, ví dụ 01/01/` + s + ".")
	}
	if date1904 {
		return time.Date(1904, 1, 1+n, 0, 0, 0, 0, time.UTC), nil
	}
	switch {
	case n == 0:
		return bad(`"` + s + `" không phải là ngày. Hãy ghi theo dạng ngày/tháng/năm, ví dụ 01/05/2020.`)
	case n == 60:
		return bad("Ngày 29/02/1900 không tồn tại (lỗi năm nhuận cũ của Excel). Hãy ghi lại ngày đúng.")
	case n < 60: // before Lotus's phantom 29/02/1900: serial 1 is 01/01/1900
		return time.Date(1899, 12, 31+n, 0, 0, 0, 0, time.UTC), nil
	default:
		return time.Date(1899, 12, 30+n, 0, 0, 0, 0, time.UTC), nil
	}
}

// isClock reports whether s is a time of day such as "00:00", "08:30:00",
// "00:00:00.000" or "00:00:00Z".
func isClock(s string) bool {
	s = strings.TrimSuffix(s, "Z")
	s, frac, hasFrac := strings.Cut(s, ".")
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || (hasFrac && (len(parts) != 3 || !allDigits(frac))) {
		return false
	}
	for i, p := range parts {
		if !allDigits(p) || len(p) > 2 || (i > 0 && len(p) != 2) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// currencyMarks are stripped from money cells, longest first.
var currencyMarks = []string{"vnđ", "vnd", "đồng", "dong", "đ", "₫", "d"}

// ParseMoney reads a whole amount of đồng: "750000", "750.000", "750,000",
// "750 000", "750.000 đ", "750.000₫", "750000 VNĐ". A separator followed by
// exactly three digits groups thousands; otherwise it starts decimals, which
// must be zero ("750000.00"); with both '.' and ',' the last one is the
// decimal mark. Negative amounts, fractions of a đồng and amounts beyond int64
// are refused. Errors are *Error with code "bad_money"; place them with
// Error.At.
func ParseMoney(cell string) (int64, error) {
	s := norm.NFC.String(trimCell(cell))
	bad := func(msg string) (int64, error) { return 0, newError("parse money", CodeBadMoney, msg) }
	if s == "" {
		return bad("Ô trống, cần ghi số tiền bằng số đồng chẵn, ví dụ 750000 hoặc 750.000.")
	}
	number := s
	for stripped := true; stripped; {
		stripped = false
		lower := strings.ToLower(number)
		for _, m := range currencyMarks {
			if strings.HasSuffix(lower, m) {
				number, stripped = trimCell(number[:len(number)-len(m)]), true
				break
			}
			if strings.HasPrefix(lower, m) && m != "d" {
				number, stripped = trimCell(number[len(m):]), true
				break
			}
		}
	}
	if strings.HasPrefix(number, "-") || strings.HasPrefix(number, "−") || (strings.HasPrefix(number, "(") && strings.HasSuffix(number, ")")) {
		return bad(`Số tiền "` + s + `" không được âm.`)
	}
	n, err := parseWhole(number)
	switch {
	case errors.Is(err, errFraction):
		return bad(`Số tiền "` + s + `" phải là số đồng chẵn, không có phần lẻ.`)
	case errors.Is(err, strconv.ErrRange):
		return bad(`Số tiền "` + s + `" quá lớn.`)
	case err != nil:
		return bad(`Số tiền "` + s + `" không hợp lệ; hãy ghi số đồng chẵn, ví dụ 750000 hoặc 750.000.`)
	}
	return n, nil
}

// ParseInt reads a whole number, with an optional minus sign and the same
// thousands separators and zero decimals as ParseMoney ("1.234", "5",
// "5.0"). Errors are *Error with code "bad_number"; place them with Error.At.
func ParseInt(cell string) (int64, error) {
	s := trimCell(cell)
	bad := func(msg string) (int64, error) { return 0, newError("parse int", CodeBadNumber, msg) }
	if s == "" {
		return bad("Ô trống, cần ghi một số nguyên.")
	}
	number, negative := s, false
	for _, minus := range []string{"-", "−"} {
		if rest, ok := strings.CutPrefix(s, minus); ok {
			number, negative = trimCell(rest), true
		}
	}
	n, err := parseWhole(number)
	switch {
	case errors.Is(err, errFraction):
		return bad(`"` + s + `" phải là số nguyên, không có phần lẻ.`)
	case errors.Is(err, strconv.ErrRange):
		return bad(`Số "` + s + `" quá lớn.`)
	case err != nil:
		return bad(`"` + s + `" không phải là số nguyên hợp lệ.`)
	}
	if negative {
		n = -n
	}
	return n, nil
}

var (
	errFraction  = errors.New("has a non-zero fraction")
	errNotNumber = errors.New("not a number")
)

// parseWhole reads unsigned digits with optional thousands separators ('.',
// ',', spaces, apostrophes) and an optional all-zero decimal part.
func parseWhole(s string) (int64, error) {
	type token struct {
		digits string
		sep    rune // separator that follows the digits, 0 at the end
	}
	var tokens []token
	start := 0
	for i, r := range s {
		if r >= '0' && r <= '9' {
			continue
		}
		switch r {
		case '.', ',', ' ', '\u00a0', '\u202f', '\'':
		default:
			return 0, errNotNumber
		}
		if i == start {
			return 0, errNotNumber // two separators in a row, or a leading one
		}
		tokens = append(tokens, token{s[start:i], r})
		start = i + len(string(r))
	}
	if start == len(s) {
		return 0, errNotNumber // empty, or a trailing separator
	}
	tokens = append(tokens, token{s[start:], 0})

	// Find the decimal mark, if any: the last '.' or ','.
	decimal := -1 // index of the token whose sep is the decimal mark
	var dots, commas int
	for _, t := range tokens {
		switch t.sep {
		case '.':
			dots++
		case ',':
			commas++
		}
	}
	for i := len(tokens) - 2; i >= 0; i-- {
		sep := tokens[i].sep
		if sep != '.' && sep != ',' {
			continue
		}
		count := dots
		if sep == ',' {
			count = commas
		}
		if (dots > 0 && commas > 0) || (count == 1 && len(tokens[i+1].digits) != 3) {
			if count != 1 || i != len(tokens)-2 {
				return 0, errNotNumber
			}
			decimal = i
		}
		break
	}
	intPart := tokens
	if decimal >= 0 {
		if strings.Trim(tokens[decimal+1].digits, "0") != "" {
			return 0, errFraction
		}
		intPart = tokens[:decimal+1]
	}
	var digits strings.Builder
	for i, t := range intPart {
		if len(intPart) > 1 && ((i == 0 && len(t.digits) > 3) || (i > 0 && len(t.digits) != 3)) {
			return 0, errNotNumber
		}
		digits.WriteString(t.digits)
	}
	return strconv.ParseInt(digits.String(), 10, 64)
}
