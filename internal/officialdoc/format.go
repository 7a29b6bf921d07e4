package officialdoc

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"hotro/internal/vntext"
)

// money writes an amount the Vietnamese way: 1234567 → "1.234.567 đồng".
func money(n int64) string { return vntext.Number(n) + " đồng" }

// count writes a count with its thousands grouped by dots: 12876 → "12.876".
func count(n int64) string { return vntext.Number(n) }

// percent writes part/whole as a percentage with one decimal after a comma: "85,3%".
func percent(part, whole int64) string {
	if whole == 0 {
		return ""
	}
	tenths := (part*1000 + whole/2) / whole
	return fmt.Sprintf("%s,%d%%", vntext.Number(tenths/10), tenths%10)
}

// dateLine is the place and date line: "Thái Nguyên, ngày 20 tháng 5 năm 2020". The decree writes
// a 0 before days below 10 and before the months 1 and 2 ("ngày 05 tháng 02 năm 2021").
func dateLine(place string, d time.Time) string {
	month := fmt.Sprint(int(d.Month()))
	if d.Month() <= time.February {
		month = "0" + month
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", place, d.Day(), month, d.Year())
}

// clean makes s safe and uniform to print: composed (NFC, so every Vietnamese letter is one glyph
// of the font), control and format characters and line breaks turned into single spaces, a
// character the font cannot draw (an emoji, Chinese) into "?" so both formats show the same, trimmed.
func clean(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.IsSpace(r), r == unicode.ReplacementChar:
			return ' '
		case !drawable(r):
			return '?'
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// upper writes s in capitals, as the decree writes bodies, kinds and positions.
func upper(s string) string { return strings.ToUpper(clean(s)) }

// upperLines is upper for text whose line breaks are kept (the bodies of the heading: "ỦY BAN NHÂN
// DÂN\nTHÀNH PHỐ THÁI NGUYÊN" breaks where the office wants).
func upperLines(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = upper(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// recipientLines adds the dash before each recipient and the decree's punctuation after: ";" after
// each line but the last, "." after the last.
func recipientLines(recipients []string) []string {
	var lines []string
	for _, r := range recipients {
		r = strings.TrimRight(clean(r), ";.,")
		r = strings.TrimSpace(strings.TrimPrefix(r, "-"))
		if r != "" {
			lines = append(lines, "- "+r)
		}
	}
	for i := range lines {
		if i == len(lines)-1 {
			lines[i] += "."
		} else {
			lines[i] += ";"
		}
	}
	return lines
}
