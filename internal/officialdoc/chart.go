package officialdoc

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"hotro/internal/errs"
)

// The chart is drawn at this resolution, enough for print.
const chartDPI = 200.0

var (
	chartBar  = color.RGBA{R: 0x2f, G: 0x5d, B: 0x8a, A: 0xff}
	chartInk  = color.RGBA{A: 0xff}
	chartRule = color.RGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
)

// drawChart draws c as horizontal bars, each with its label on the left and its value (in đồng,
// written the Vietnamese way) at its end, widthMM wide. It returns the PNG and its height in mm.
func drawChart(c Chart, widthMM float64) ([]byte, float64, error) {
	const op = "officialdoc: chart"
	px := func(mm float64) int { return int(math.Round(mm / 25.4 * chartDPI)) }
	n := len(c.Bars)
	pitchMM := math.Max(4.5, math.Min(8, 170/float64(n)))
	sizePt := math.Min(11, pitchMM/25.4*72*0.62)
	heightMM := 3 + float64(n)*pitchMM + 3

	faceOf := func(f face) (xfont.Face, error) {
		return opentype.NewFace(parsedFonts()[f].font, &opentype.FaceOptions{Size: sizePt, DPI: chartDPI, Hinting: xfont.HintingFull})
	}
	labelFace, err := faceOf(regular)
	if err != nil {
		return nil, 0, errs.E(op, errs.Internal, err)
	}
	defer labelFace.Close()

	w, h := px(widthMM), px(heightMM)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	labels := make([]string, n)
	values := make([]string, n)
	var maxLabel, maxValue fixed.Int26_6
	var top int64
	for i, b := range c.Bars {
		labels[i], values[i] = clean(b.Label), count(b.Value)
		maxLabel = max(maxLabel, xfont.MeasureString(labelFace, labels[i]))
		maxValue = max(maxValue, xfont.MeasureString(labelFace, values[i]))
		top = max(top, b.Value)
	}
	labelWidth := min(maxLabel.Ceil(), w*2/5)
	gap := px(1.5)
	axisX := labelWidth + gap
	barSpan := w - axisX - gap - maxValue.Ceil() - px(1)
	if barSpan < w/4 {
		barSpan = w / 4
	}
	pitch := float64(px(pitchMM))
	y0 := float64(px(3))
	ascent := labelFace.Metrics().Ascent.Ceil()
	for i, b := range c.Bars {
		rowTop := y0 + float64(i)*pitch
		barTop, barBottom := int(rowTop+pitch*0.18), int(rowTop+pitch*0.82)
		barLen := 0
		if top > 0 {
			barLen = int(math.Round(float64(barSpan) * float64(b.Value) / float64(top)))
		}
		draw.Draw(img, image.Rect(axisX, barTop, axisX+barLen, barBottom), image.NewUniform(chartBar), image.Point{}, draw.Src)
		baseline := (barTop+barBottom)/2 + ascent*2/5
		label := fitText(labelFace, labels[i], labelWidth)
		textAt(img, labelFace, label, axisX-gap-xfont.MeasureString(labelFace, label).Ceil(), baseline)
		textAt(img, labelFace, values[i], axisX+barLen+gap, baseline)
	}
	draw.Draw(img, image.Rect(axisX-1, int(y0), axisX+1, int(y0+float64(n)*pitch)), image.NewUniform(chartRule), image.Point{}, draw.Src)

	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, 0, errs.E(op, errs.Internal, err)
	}
	return buf.Bytes(), heightMM, nil
}

// textAt writes s with its baseline at y, starting at x.
func textAt(img draw.Image, f xfont.Face, s string, x, y int) {
	d := xfont.Drawer{Dst: img, Src: image.NewUniform(chartInk), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// fitText shortens s with an ellipsis until it is at most width pixels wide.
func fitText(f xfont.Face, s string, width int) string {
	if xfont.MeasureString(f, s).Ceil() <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 {
		rs = rs[:len(rs)-1]
		if t := string(rs) + "…"; xfont.MeasureString(f, t).Ceil() <= width {
			return t
		}
	}
	return s
}
