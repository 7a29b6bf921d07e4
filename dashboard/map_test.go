package dashboard_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// mapUnit is one drawn ward or province as the page shows it, with its table twin's value.
type mapUnit struct {
	Code  string `json:"code"`
	Fill  string `json:"fill"`
	Value string `json:"value"`
}

var rgb = regexp.MustCompile(`rgb\((\d+), (\d+), (\d+)\)`)

// darkness is how dark a fill is (0 white .. 255 black).
func darkness(t *testing.T, fill string) float64 {
	m := rgb.FindStringSubmatch(fill)
	if m == nil {
		t.Fatalf("fill %q is not rgb()", fill)
	}
	var c [3]float64
	for i := range c {
		c[i], _ = strconv.ParseFloat(m[i+1], 64)
	}
	return 255 - (0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2])
}

// TestMapTilesFollowTheTable draws the city's wards as a tile map for a visitor and a leader: the
// order of the tiles' colours follows the values in the map's table (more money, darker), a
// withheld ward is grey and reads "<5", every ward of the API is on the map, and a click on a tile
// opens the ward's page. Screenshots at 390 and 1440 px.
func TestMapTilesFollowTheTable(t *testing.T) {
	srv := demoServer(t)
	for _, width := range []int64{1440, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := newTab(t, width)
			tb.do(chromedp.Navigate(srv.URL + "/"))
			tb.waitFor(`document.body.dataset.state === "ready" && document.querySelector("#map-chart[data-map-kind]")`)
			if kind := eval[string](tb, `document.querySelector("#map-chart").dataset.mapKind`); kind != "ward" {
				t.Fatalf("map kind %q, want ward (tiles)", kind)
			}
			units := eval[[]mapUnit](tb, `[...document.querySelectorAll("#map-chart rect.map-unit")].map((r) => ({code: r.dataset.code, fill: r.getAttribute("fill"), value: r.dataset.value}))`)
			if len(units) != 32 {
				t.Fatalf("%d tiles, want the city's 32", len(units))
			}
			// The table twin: code → the value it shows.
			table := eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll("#map-table tbody tr")].map((tr) => [tr.querySelector("a")?.dataset.ward, tr.cells[1].textContent]))`)
			if len(table) == 0 {
				t.Fatal("the map's table has no rows")
			}
			type shown struct {
				code  string
				value int64
				dark  float64
			}
			var valued []shown
			for _, u := range units {
				text, inTable := table[u.Code]
				if !inTable {
					continue
				}
				if u.Value == "" {
					if u.Fill != "#d9d9d9" || text != "<5" {
						t.Errorf("ward %s withheld: fill %s, table %q; want grey and <5", u.Code, u.Fill, text)
					}
					continue
				}
				v, err := strconv.ParseInt(u.Value, 10, 64)
				if err != nil {
					t.Fatalf("ward %s value %q", u.Code, u.Value)
				}
				if got := formatVND(v, "vi"); got != text {
					t.Errorf("ward %s: tile value %s, table %q", u.Code, got, text)
				}
				valued = append(valued, shown{u.Code, v, darkness(t, u.Fill)})
			}
			if len(valued) < 2 {
				t.Fatalf("%d wards with values, want several", len(valued))
			}
			for _, a := range valued {
				for _, b := range valued {
					if a.value > b.value && a.dark < b.dark {
						t.Errorf("ward %s (%d) is lighter than %s (%d): %.1f < %.1f", a.code, a.value, b.code, b.value, a.dark, b.dark)
					}
				}
			}
			if eval[string](tb, `document.querySelector("#map .map-legend")?.textContent || ""`) == "" {
				t.Error("no legend")
			}
			if h := eval[float64](tb, `document.querySelector("#map-chart").getBoundingClientRect().height - document.querySelector("#map-chart svg").getBoundingClientRect().height`); h < 0 {
				t.Errorf("the map overflows its card by %.0f px", -h)
			}
			tb.screenshot(fmt.Sprintf("map-%d", width))
			elementShot(tb, "#map", fmt.Sprintf("map-card-%d", width))
			// A click on the darkest tile opens its ward.
			top := valued[0]
			for _, v := range valued {
				if v.value > top.value {
					top = v
				}
			}
			tb.click(fmt.Sprintf(`#map-chart rect.map-unit[data-code="%s"]`, top.code))
			tb.waitReady("ward=" + top.code)
		})
	}
}

// elementShot writes a PNG of one element (a card) to the screenshot directory.
func elementShot(tb *tab, sel, name string) {
	tb.t.Helper()
	tb.do(chromedp.ScrollIntoView(chromedp.CSS(sel)))
	png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		tb.fail(err)
	}
	path := filepath.Join(screenshotDir(tb.t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
}
