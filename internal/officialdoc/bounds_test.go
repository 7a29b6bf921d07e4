package officialdoc

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// wordBox is where pdftotext finds a word, in millimetres from the page's top left.
type wordBox struct {
	page                   int
	text                   string
	xMin, yMin, xMax, yMax float64
}

var (
	pageTag = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)
	wordTag = regexp.MustCompile(`<page |<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
)

func pdfWordBoxes(t *testing.T, pdf []byte) []wordBox {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-bbox", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	for _, m := range pageTag.FindAllSubmatch(out, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if mm(w) < pageWidthMM-0.5 || mm(w) > pageWidthMM+0.5 || mm(h) < pageHeightMM-0.5 || mm(h) > pageHeightMM+0.5 {
			t.Fatalf("a page is %.1f × %.1f mm, not A4", mm(w), mm(h))
		}
	}
	var boxes []wordBox
	page := 0
	for _, m := range wordTag.FindAllSubmatch(out, -1) {
		if string(m[0]) == "<page " {
			page++
			continue
		}
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(string(m[i+1]), 64)
		}
		boxes = append(boxes, wordBox{page: page, text: string(m[5]), xMin: mm(v[0]), yMin: mm(v[1]), xMax: mm(v[2]), yMax: mm(v[3])})
	}
	return boxes
}

func mm(pt float64) float64 { return pt * 25.4 / 72 }

// checkInsideMargins fails t for a word outside the text area (the page number above it aside).
func checkInsideMargins(t *testing.T, pdf []byte) {
	t.Helper()
	const slack = 1.0    // mm: a glyph's box may overhang its advance a little
	const ascender = 2.5 // mm: a box's top is the font's ascender, above the line's top for marks
	bad := 0
	for _, b := range pdfWordBoxes(t, pdf) {
		pageNumber := b.page > 1 && b.text == strconv.Itoa(b.page) && b.yMax < marginTopMM
		if pageNumber {
			continue
		}
		if b.xMin < marginLeftMM-slack || b.xMax > pageWidthMM-marginRightMM+slack ||
			b.yMin < marginTopMM-ascender || b.yMax > pageHeightMM-marginBottomMM+slack {
			if bad++; bad <= 5 {
				t.Errorf("page %d: %q at x %.1f–%.1f, y %.1f–%.1f mm is outside the margins", b.page, b.text, b.xMin, b.xMax, b.yMin, b.yMax)
			}
		}
	}
	if bad > 5 {
		t.Errorf("and %d more words outside the margins", bad-5)
	}
}
