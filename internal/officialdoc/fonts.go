package officialdoc

import (
	"embed"
	"sync"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// vendored holds Liberation Serif 2 (metric-compatible with Times New Roman), its licence and checksums.
//
//go:embed fonts
var vendored embed.FS

// face is one of the vendored faces.
type face int

const (
	regular face = iota
	bold
	italic
	boldItalic
)

var faceFiles = map[face]string{
	regular:    "fonts/LiberationSerif-Regular.ttf",
	bold:       "fonts/LiberationSerif-Bold.ttf",
	italic:     "fonts/LiberationSerif-Italic.ttf",
	boldItalic: "fonts/LiberationSerif-BoldItalic.ttf",
}

// faceOf is the face of a run's style.
func faceOf(isBold, isItalic bool) face {
	switch {
	case isBold && isItalic:
		return boldItalic
	case isBold:
		return bold
	case isItalic:
		return italic
	}
	return regular
}

// fontBytes is the TTF of the face.
func fontBytes(f face) []byte {
	b, err := vendored.ReadFile(faceFiles[f])
	if err != nil {
		panic("officialdoc: the vendored font is missing: " + err.Error()) // embedded at build time
	}
	return b
}

// parsedFont is a face parsed once, with the advance of each glyph of the scripts a report uses,
// in ems; never changed after.
type parsedFont struct {
	font     *sfnt.Font
	advances map[rune]float64
}

// commonRunes are the ranges measured ahead: Latin with Vietnamese, combining marks, punctuation.
var commonRunes = [][2]rune{{0x20, 0x24f}, {0x300, 0x36f}, {0x1e00, 0x1eff}, {0x2000, 0x20cf}}

// parsedFonts are the vendored faces, parsed and measured once.
var parsedFonts = sync.OnceValue(func() map[face]*parsedFont {
	fonts := map[face]*parsedFont{}
	for f := range faceFiles {
		font, err := sfnt.Parse(fontBytes(f))
		if err != nil {
			panic("officialdoc: the vendored font does not parse: " + err.Error())
		}
		p := &parsedFont{font: font, advances: map[rune]float64{}}
		var buf sfnt.Buffer
		for _, span := range commonRunes {
			for r := span[0]; r <= span[1]; r++ {
				if adv, ok := measure(font, &buf, r); ok {
					p.advances[r] = adv
				}
			}
		}
		fonts[f] = p
	}
	return fonts
})

// measure is the advance of r's glyph in ems; false when the font has no glyph for r.
func measure(font *sfnt.Font, buf *sfnt.Buffer, r rune) (float64, bool) {
	g, err := font.GlyphIndex(buf, r)
	if err != nil || g == 0 {
		return 0, false
	}
	// At a size of one em per font unit, the advance is in font units (26.6 fixed point).
	upem := font.UnitsPerEm()
	adv, err := font.GlyphAdvance(buf, g, fixed.I(int(upem)), xfont.HintingNone)
	if err != nil {
		return 0, false
	}
	return float64(adv) / 64 / float64(upem), true
}

// advance is r's advance in the face, in ems; false when the face cannot draw r.
func (p *parsedFont) advance(r rune) (float64, bool) {
	if adv, ok := p.advances[r]; ok {
		return adv, true
	}
	for _, span := range commonRunes {
		if r >= span[0] && r <= span[1] {
			return 0, false // measured ahead: no glyph
		}
	}
	var buf sfnt.Buffer
	return measure(p.font, &buf, r)
}

// textWidthMM is how wide s is in the face at size pt, in millimetres (the same in Times New Roman,
// whose metrics Liberation Serif shares). A character the face cannot draw counts for nothing.
func textWidthMM(f face, size float64, s string) float64 {
	p := parsedFonts()[f]
	ems := 0.0
	for _, r := range s {
		if adv, ok := p.advance(r); ok {
			ems += adv
		}
	}
	return ems * size * 25.4 / 72
}

// drawable says whether every vendored face has a glyph for r.
func drawable(r rune) bool {
	for _, p := range parsedFonts() {
		if _, ok := p.advance(r); !ok {
			return false
		}
	}
	return true
}
