package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/geo"
	"hotro/internal/seed/seedtest"
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
	for _, c := range []struct {
		name, search string
		width        int64
	}{
		{"1440", "", 1440},
		{"390", "", 390},
		{"a small group, some wards withheld", "?groups=CHAM_DUT_HDLD", 1440},
	} {
		t.Run(c.name, func(t *testing.T) {
			width := c.width
			tb := newTab(t, width)
			tb.do(chromedp.Navigate(srv.URL + "/" + c.search))
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
			withheld := 0
			for _, u := range units {
				text, inTable := table[u.Code]
				if !inTable {
					continue
				}
				if u.Value == "" {
					withheld++
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
			if (withheld > 0) != (c.search != "") || len(valued) == 0 {
				t.Fatalf("%d wards with values, %d withheld", len(valued), withheld)
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
			if c.search == "" {
				tb.screenshot(fmt.Sprintf("map-%d", width))
			}
			elementShot(tb, "#map", fmt.Sprintf("map-card-%d-%d", width, withheld))
			// Another measure: the tiles and the table follow it; the table's first row (largest)
			// has the darkest tile's value.
			people := eval[map[string]string](tb, `(() => {
				const s = document.querySelector("#map-measure");
				s.value = "peopleSupported";
				s.dispatchEvent(new Event("change"));
				const first = document.querySelector("#map-table tbody tr");
				const rects = [...document.querySelectorAll("#map-chart rect.map-unit")].filter((r) => r.dataset.value !== "");
				const top = rects.sort((a, b) => Number(b.dataset.value) - Number(a.dataset.value))[0];
				return { table: document.querySelector("#map-table table").dataset.mapTable, first: first.querySelector("a").dataset.ward,
					firstText: first.cells[1].textContent, top: top.dataset.code, topValue: top.dataset.value };
			})()`)
			if people["table"] != "peopleSupported" {
				t.Errorf("after choosing people: %v", people)
			}
			if v, _ := strconv.ParseInt(people["topValue"], 10, 64); groupDigits(v, ".") != people["firstText"] {
				t.Errorf("people: tile %s, table %q", people["topValue"], people["firstText"])
			}
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

// TestMapEmbedDraws opens /embed/map as a portal reader would: a tile per ward of the public
// figures (/embed/data/map), each tile's value that of the data, darker for more, withheld grey.
func TestMapEmbedDraws(t *testing.T) {
	srv := demoServer(t)
	for _, c := range []struct {
		name, query string
		width       int64
		withheld    bool // some wards withheld under the filter
	}{
		{"all at 390", "lang=vi", 390, false},
		{"all at 1440", "lang=vi", 1440, false},
		{"a small group", "lang=vi&group=CHAM_DUT_HDLD", 1440, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			width := c.width
			data := embedData(t, srv.URL, "map", c.query)
			want := map[string]*int64{}
			withheld := 0
			for _, p := range data.Points {
				want[p.Code] = p.Value
				if p.Value == nil {
					withheld++
				}
			}
			if len(data.Points) == 0 || (withheld > 0) != c.withheld {
				t.Fatalf("/embed/data/map?%s: %d points, %d withheld", c.query, len(data.Points), withheld)
			}
			tb := newTab(t, width)
			tb.do(chromedp.Navigate(srv.URL + "/embed/map?" + c.query))
			tb.waitFor(`document.body.dataset.state === "drawn" || document.body.dataset.state === "error"`)
			if state := eval[string](tb, `document.body.dataset.state`); state != "drawn" {
				t.Fatalf("embed state %q: %s", state, tb.text("#content"))
			}
			units := eval[[]mapUnit](tb, `[...document.querySelectorAll("#content rect.map-unit")].map((r) => ({code: r.dataset.code, fill: r.getAttribute("fill"), value: r.dataset.value}))`)
			if len(units) != 32 {
				t.Fatalf("%d tiles, want 32", len(units))
			}
			type shown struct {
				value int64
				dark  float64
			}
			var valued []shown
			for _, u := range units {
				v, ok := want[u.Code]
				switch {
				case !ok:
					continue
				case v == nil:
					if u.Fill != "#d9d9d9" || u.Value != "" {
						t.Errorf("withheld ward %s drawn %s with value %q", u.Code, u.Fill, u.Value)
					}
				default:
					if u.Value != strconv.FormatInt(*v, 10) {
						t.Errorf("ward %s: tile %q, data %d", u.Code, u.Value, *v)
					}
					valued = append(valued, shown{*v, darkness(t, u.Fill)})
				}
			}
			for _, a := range valued {
				for _, b := range valued {
					if a.value > b.value && a.dark < b.dark {
						t.Errorf("%d drawn lighter than %d", a.value, b.value)
					}
				}
			}
			if href := eval[string](tb, `document.querySelector("#content a.map-link")?.getAttribute("href") || ""`); !regexp.MustCompile(`/\?ward=\d{5}$`).MatchString(href) {
				t.Errorf("a tile links to %q, want the dashboard's ward page", href)
			}
			elementShot(tb, "main", fmt.Sprintf("embed-map-%d-%t", width, c.withheld))
		})
	}
}

// TestMapDrawsImportedBoundaries: once a city's boundaries are loaded (hotro geo import), the map
// draws them as a choropleth with their attribution instead of the tiles.
func TestMapDrawsImportedBoundaries(t *testing.T) {
	// Its own database: the boundaries it loads would redraw every other test's map.
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	var features []string
	for i, code := range []string{"05431", "05434", "05437", "05440"} {
		lon := 105.80 + float64(i)*0.02
		features = append(features, fmt.Sprintf(`{"type":"Feature","properties":{"code":%q},"geometry":{"type":"Polygon","coordinates":[[[%g,21.6],[%g,21.6],[%g,21.62],[%g,21.62],[%g,21.6]]]}}`,
			code, lon, lon+0.02, lon+0.02, lon, lon))
	}
	file := `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	ctx := auth.WithIdentity(context.Background(), &auth.Identity{Username: "quantri", Role: auth.Admin})
	if _, err := geo.Import(ctx, d, []byte(file), "Ranh giới thử nghiệm của thành phố", "test.geojson"); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitFor(`document.body.dataset.state === "ready" && document.querySelector("#map-chart[data-map-kind]")`)
	if n := eval[int](tb, `document.querySelectorAll("#map-chart path.map-unit").length`); n != 4 {
		t.Errorf("%d ward shapes, want the 4 imported", n)
	}
	if got := tb.text("#map .map-attribution"); !strings.Contains(got, "Ranh giới thử nghiệm của thành phố") {
		t.Errorf("attribution %q", got)
	}
	elementShot(tb, "#map", "map-boundaries-1440")
	tb.do(chromedp.Navigate(srv.URL + "/embed/map"))
	tb.waitFor(`document.body.dataset.state === "drawn"`)
	if n := eval[int](tb, `document.querySelectorAll("#content path.map-unit").length`); n != 4 {
		t.Errorf("embed: %d ward shapes, want 4", n)
	}
}

// TestMapProvinceData: the national map's data and shapes agree. The provinces file has the 63
// provinces of 2020, each with its own 2-digit code (Thái Nguyên's 19 among them), and the map's per-province
// query (the public one, as a visitor asks it) answers in those codes, its figures adding up to
// the total.
func TestMapProvinceData(t *testing.T) {
	srv := demoServer(t)
	b, err := os.ReadFile(filepath.Join("static", "geo", "provinces-2020.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties struct{ Code, Name string }
			Geometry   struct{ Type string }
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	twoDigits := regexp.MustCompile(`^\d{2}$`)
	shapes := map[string]bool{}
	for _, f := range fc.Features {
		if !twoDigits.MatchString(f.Properties.Code) || shapes[f.Properties.Code] || (f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon") {
			t.Errorf("feature %q (%s): not a province code, repeated, or a %s", f.Properties.Code, f.Properties.Name, f.Geometry.Type)
		}
		shapes[f.Properties.Code] = true
	}
	if len(shapes) != 63 || !shapes["19"] {
		t.Errorf("%d provinces drawn, want 63", len(shapes))
	}

	var data struct {
		ByProvince struct {
			Rows []struct {
				Province struct{ Code string }
				Totals   struct{ AmountPaid *int64 }
			}
		} `json:"byProvince"`
	}
	graphql(t, srv.URL, operation(t, "PublicMapProvinces"), map[string]any{"filter": map[string]any{}}, &data)
	var sum int64
	for _, r := range data.ByProvince.Rows {
		if !shapes[r.Province.Code] {
			t.Errorf("province %q has figures but no shape", r.Province.Code)
		}
		if r.Totals.AmountPaid != nil {
			sum += *r.Totals.AmountPaid
		}
	}
	if want := apiTotals(t, srv.URL, nil).AmountPaid; sum != want || len(data.ByProvince.Rows) == 0 {
		t.Errorf("provinces add up to %d in %d rows, want the total %d", sum, len(data.ByProvince.Rows), want)
	}
}

// TestMapDrawsProvinces draws the map panel at national scope (ward rows beyond the city's tiles)
// in the page, with the provinces' public figures from the API: 63 province shapes with the
// geoBoundaries attribution, each province with figures coloured by them (darker for more).
func TestMapDrawsProvinces(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitFor(`document.body.dataset.state === "ready"`)
	got := eval[map[string]any](tb, `(async () => {
		const { mapPanel } = await import("/js/map.js");
		const { mapProvinces } = await import("/js/mapdata.js");
		const navigated = [];
		const ctx = { visitor: true, state: { program: "", groups: [], funds: [], provinces: [], wards: [], statuses: [] }, program: null,
			hrefFor: (change) => "?provinces=" + (change.provinces || []).join(","), navigate: (change) => navigated.push(change) };
		const panel = mapPanel({ rows: [{ code: "99999", name: "x", amountPaid: 1 }], ctx, provinces: () => mapProvinces(ctx) });
		panel.section.id = "map-national";
		document.querySelector("main").append(panel.section);
		await panel.draw();
		const chart = panel.section.querySelector(".chart");
		const coloured = [...chart.querySelectorAll("path.map-unit")].find((p) => p.dataset.value !== "");
		coloured.dispatchEvent(new MouseEvent("click", { bubbles: true }));
		const link = panel.section.querySelector("table a[data-province]");
		return { navigated: navigated.map((c) => (c.provinces || []).join(",")), clicked: coloured.dataset.code,
			link: link ? [link.dataset.province, link.getAttribute("href")] : null,
			kind: chart.dataset.mapKind, shapes: chart.querySelectorAll("path.map-unit").length,
			attribution: panel.section.querySelector(".map-attribution").textContent,
			filled: [...chart.querySelectorAll("path.map-unit")].filter((p) => p.dataset.value !== "").map((p) => [p.dataset.code, Number(p.dataset.value), p.getAttribute("fill")]) };
	})()`)
	if got["kind"] != "province" || got["shapes"] != float64(63) {
		t.Fatalf("drawn %v with %v shapes, want 63 provinces", got["kind"], got["shapes"])
	}
	if a, _ := got["attribution"].(string); !strings.Contains(a, "geoBoundaries") {
		t.Errorf("attribution %q", a)
	}
	filled, _ := got["filled"].([]any)
	if len(filled) == 0 {
		t.Fatal("no province coloured by a figure")
	}
	for _, f := range filled {
		row := f.([]any)
		if row[1].(float64) > 0 && darkness(t, row[2].(string)) < 100 {
			t.Errorf("province %v with the only figures is drawn light: %v", row[0], row[2])
		}
	}
	// A province opens as the page's filter, from the map and from its table.
	if nav, _ := got["navigated"].([]any); len(nav) != 1 || nav[0] != got["clicked"] {
		t.Errorf("clicking province %v navigated to %v, want a filter on it", got["clicked"], got["navigated"])
	}
	if link, _ := got["link"].([]any); len(link) != 2 || link[1] != "?provinces="+link[0].(string) {
		t.Errorf("the table's province link: %v", got["link"])
	}
	elementShot(tb, "#map-national", "map-provinces-1440")

	// The page filtered to a province shows that province's figures, as the API gives them.
	tb.open(srv, "?provinces=19")
	tb.checkKPIs(apiTotals(t, srv.URL, map[string]any{"provinces": []string{"19"}}), "vi")
	if got := tb.text(".filter-summary"); !strings.Contains(got, "19") && !strings.Contains(got, "Thái Nguyên") {
		t.Errorf("the filter summary does not name the province: %q", got)
	}
}
