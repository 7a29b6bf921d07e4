// Package vntext folds Vietnamese text for matching: without diacritics, case or extra spaces.
package vntext

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Unaccent removes Vietnamese diacritics (đ becomes d) and keeps case and spacing.
func Unaccent(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Fold returns a key for matching names and headers: lower case, no diacritics, runs of spaces and
// punctuation turned into one space, trimmed. "Nguyễn  Thị Hoà" and "nguyen thi hoa" fold equal.
func Fold(s string) string {
	s = strings.ToLower(Unaccent(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// NormalizeName tidies a person's name as typed: NFC, single spaces, each word capitalised.
func NormalizeName(s string) string {
	words := strings.Fields(norm.NFC.String(s))
	for i, w := range words {
		rs := []rune(strings.ToLower(w))
		rs[0] = unicode.ToUpper(rs[0])
		words[i] = string(rs)
	}
	return strings.Join(words, " ")
}

// Number writes n the Vietnamese way, thousands grouped by dots: 16912500000 → "16.912.500.000".
func Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	digits := strings.TrimPrefix(s, "-")
	var b strings.Builder
	if len(digits) < len(s) {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}
