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

// parsedFonts are the faces parsed once, for measuring text and drawing the chart; never changed after.
var parsedFonts = sync.OnceValue(func() map[face]*sfnt.Font {
	fonts := map[face]*sfnt.Font{}
	for f := range faceFiles {
		parsed, err := sfnt.Parse(fontBytes(f))
		if err != nil {
			panic("officialdoc: the vendored font does not parse: " + err.Error())
		}
		fonts[f] = parsed
	}
	return fonts
})

// textWidthMM is how wide s is in the face at size pt, in millimetres (the same in Times New Roman,
// whose metrics Liberation Serif shares).
func textWidthMM(f face, size float64, s string) float64 {
	font := parsedFonts()[f]
	var buf sfnt.Buffer
	upem := float64(font.UnitsPerEm())
	var units float64
	for _, r := range s {
		g, err := font.GlyphIndex(&buf, r)
		if err != nil || g == 0 {
			continue
		}
		// At a size of one em per font unit, the advance is in font units (26.6 fixed point).
		adv, err := font.GlyphAdvance(&buf, g, fixed.I(int(font.UnitsPerEm())), xfont.HintingNone)
		if err != nil {
			continue
		}
		units += float64(adv) / 64
	}
	return units / upem * size * 25.4 / 72
}

// drawable says whether every vendored face has a glyph for r.
func drawable(r rune) bool {
	var buf sfnt.Buffer
	for _, f := range parsedFonts() {
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			return false
		}
	}
	return true
}
