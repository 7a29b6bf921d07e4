package officialdoc

import (
	"strings"
	"unicode"
)

// part is a stretch of a word in one style ("đồng" bold then "." plain make one word of two parts).
type part struct {
	text         string
	bold, italic bool
	widthMM      float64
}

// word is what a line may break around.
type word struct {
	parts   []part
	widthMM float64
}

// line is a line of a wrapped paragraph.
type line struct {
	words   []word
	widthMM float64 // the words and one space between each
}

// words splits runs at size pt into words; a word may span runs where no space separates them.
func words(runs []run, size float64) []word {
	var ws []word
	afterSpace := true
	for _, r := range runs {
		t := r.text
		for t != "" {
			i := strings.IndexFunc(t, unicode.IsSpace)
			if i == 0 {
				afterSpace = true
				t = strings.TrimLeftFunc(t, unicode.IsSpace)
				continue
			}
			piece := t
			if i > 0 {
				piece, t = t[:i], t[i:]
			} else {
				t = ""
			}
			p := part{text: piece, bold: r.bold, italic: r.italic, widthMM: textWidthMM(faceOf(r.bold, r.italic), size, piece)}
			if afterSpace || len(ws) == 0 {
				ws = append(ws, word{})
			}
			last := &ws[len(ws)-1]
			last.parts = append(last.parts, p)
			last.widthMM += p.widthMM
			afterSpace = false
		}
	}
	return ws
}

// spaceMM is the width of a space at size pt.
func spaceMM(size float64) float64 { return textWidthMM(regular, size, " ") }

// wrap breaks runs at size pt into lines: the first at most firstMM wide, the others at most
// restMM. A word wider than a line stands alone on its line.
func wrap(runs []run, size, firstMM, restMM float64) []line {
	space := spaceMM(size)
	var lines []line
	var cur line
	limit := firstMM
	for _, w := range words(runs, size) {
		if len(cur.words) > 0 && cur.widthMM+space+w.widthMM > limit {
			lines = append(lines, cur)
			cur, limit = line{}, restMM
		}
		if len(cur.words) > 0 {
			cur.widthMM += space
		}
		cur.words = append(cur.words, w)
		cur.widthMM += w.widthMM
	}
	if len(cur.words) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// widest is the width of the widest of lines.
func widest(lines []line) float64 {
	w := 0.0
	for _, l := range lines {
		w = max(w, l.widthMM)
	}
	return w
}

// headingLines sets s, whose line breaks are kept, in balanced lines at most widthMM wide.
func headingLines(s string, isBold, isItalic bool, size, widthMM float64) []line {
	var lines []line
	for _, piece := range strings.Split(s, "\n") {
		lines = append(lines, balanced([]run{{text: piece, bold: isBold, italic: isItalic}}, size, widthMM)...)
	}
	return lines
}

// balanced wraps runs into as few lines as at most widthMM allows, but as even as can be, as a
// heading is set ("ỦY BAN NHÂN DÂN / THÀNH PHỐ THÁI NGUYÊN", not "… THÀNH / PHỐ …").
func balanced(runs []run, size, widthMM float64) []line {
	lines := wrap(runs, size, widthMM, widthMM)
	if len(lines) <= 1 {
		return lines
	}
	lo, hi := 0.0, widthMM
	for range 30 {
		mid := (lo + hi) / 2
		if len(wrap(runs, size, mid, mid)) == len(lines) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return wrap(runs, size, hi, hi)
}
