package officialdoc

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"
)

// Each bar is as long as its value says, against the longest: the chart shows the figures it is
// given, with no other scale.
func TestChartBarsAreToScale(t *testing.T) {
	c := Chart{Bars: []Bar{
		{Label: "Phường Quán Triều", Value: 900650000},
		{Label: "Phường Quang Vinh", Value: 297300000},
		{Label: "Xã Phúc Hà", Value: 0},
		{Label: "Phường Tân Thành", Value: 967550000},
	}}
	b, heightMM, err := drawChart(c, textWidthMMAll)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	wantHeight := int(math.Round(heightMM / 25.4 * chartDPI))
	if got := img.Bounds().Dy(); got != wantHeight {
		t.Errorf("height = %d px, want %d (%.1f mm at %g dpi)", got, wantHeight, heightMM, chartDPI)
	}
	lengths := barLengths(img, len(c.Bars))
	longest := lengths[3]
	if longest < img.Bounds().Dx()/3 {
		t.Fatalf("the longest bar is %d px of %d", longest, img.Bounds().Dx())
	}
	for i, bar := range c.Bars {
		want := float64(longest) * float64(bar.Value) / float64(c.Bars[3].Value)
		if math.Abs(float64(lengths[i])-want) > 2 {
			t.Errorf("bar %q is %d px, want %.0f", bar.Label, lengths[i], want)
		}
	}
}

// barLengths counts the bar-coloured pixels across the middle of each bar's row.
func barLengths(img image.Image, n int) []int {
	pitch := float64(img.Bounds().Dy()-2*int(math.Round(3/25.4*chartDPI))) / float64(n)
	top := 3 / 25.4 * chartDPI
	var out []int
	for i := range n {
		y := int(top + (float64(i)+0.5)*pitch)
		count := 0
		for x := range img.Bounds().Dx() {
			r, g, b, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == chartBar.R && uint8(g>>8) == chartBar.G && uint8(b>>8) == chartBar.B {
				count++
			}
		}
		out = append(out, count)
	}
	return out
}
