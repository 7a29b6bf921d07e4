package dashboard_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hotro/internal/app/apptest"
	"hotro/internal/browsertest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// figures2021 are reference figures of a later year than the demo's (2020, illustrative), for five
// wards only: with them the latest year loaded is 2021, and the other 27 wards have no figures of it.
var figures2021 = map[string]int64{"05431": 21000, "05434": 18500, "05437": 12400, "05440": 23900, "05446": 15700}

const source2021 = "Niên giám thống kê 2021 (kiểm thử)"

// mapTile is one ward of the map as the page draws it: its state, the number behind its colour,
// its fill, what its tooltip says, and its table twin's text.
type mapTile struct {
	Code  string `json:"code"`
	State string `json:"state"`
	Value string `json:"value"`
	Fill  string `json:"fill"`
	Title string `json:"title"`
	Cell  string `json:"cell"`
}

// wardPerCapita is a ward's row as the API gives it for one year of figures.
type wardPerCapita struct {
	Ward                   struct{ Code string }
	AmountPaidPerCapita    *float64
	PeopleSupportedPer1000 *float64
	WardFigures            *struct {
		Year       int
		Population int64
	}
	Totals struct{ Suppressed bool }
}

// TestMapPerInhabitant: the map colours wards by amount paid per inhabitant and by people
// supported per 1,000 inhabitants, dividing by the reference population of one year (the latest
// loaded by default; another year from its own control). Every ward's number (tile, tooltip,
// table) is the API's (stats for a leader, the public figures for a visitor) for that year; a ward
// without figures of the year is hatched "no figures" with a legend entry, never a zero; a withheld
// cell stays grey "<5" per inhabitant too, and its number appears nowhere in the page; the year and
// source are named under the map, "illustrative" when the figures say so. 390 and 1440 px.
func TestMapPerInhabitant(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	admin := srv.NewClient()
	admin.SignIn(t, "quantri", seedtest.DemoPassword)
	csv := "ma_xa,nam,dan_so,so_ho,nguon\n"
	for code, population := range figures2021 {
		csv += fmt.Sprintf("%s,2021,%d,%d,%s\n", code, population, population/4, source2021)
	}
	graphqlAs(t, admin, `mutation($csv: String!) { loadWardFigures(csv: $csv, illustrative: false) { rows } }`, map[string]any{"csv": csv}, nil)
	analyst := srv.NewClient()
	analyst.SignIn(t, "phantich", seedtest.DemoPassword)

	// The API's rows: an analyst's own question, or the public figures a visitor's page asks for.
	signedIn := func(t *testing.T, year int, filter map[string]any) map[string]wardPerCapita {
		var data struct {
			Stats struct{ Rows []wardPerCapita }
		}
		graphqlAs(t, analyst, `query($year: Int, $filter: DisbursementFilter) { stats(groupBy: [WARD], filter: $filter) { rows {
			ward { code } amountPaidPerCapita(year: $year) peopleSupportedPer1000(year: $year) wardFigures(year: $year) { year population } } } }`,
			map[string]any{"year": year, "filter": filter}, &data)
		return byCode(data.Stats.Rows)
	}
	public := func(t *testing.T, year int, filter map[string]any) map[string]wardPerCapita {
		vars := publicVars(filter, "WEEK")
		vars["figuresYear"] = year
		var official struct {
			OfficialSnapshot *struct {
				ByWard struct{ Rows []wardPerCapita }
			}
		}
		graphql(t, srv.URL, operation(t, "OfficialOverview"), vars, &official)
		if official.OfficialSnapshot != nil {
			return byCode(official.OfficialSnapshot.ByWard.Rows)
		}
		var live struct {
			ByWard struct{ Rows []wardPerCapita }
		}
		graphql(t, srv.URL, operation(t, "PublicOverview"), vars, &live)
		return byCode(live.ByWard.Rows)
	}

	for _, c := range []struct {
		name, who, search, measure string
		lang                       string // "" Vietnamese
		year                       int
		width                      int64
		filter                     map[string]any
		api                        func(*testing.T, int, map[string]any) map[string]wardPerCapita
		withheld, illustrative     bool
	}{
		{name: "visitor, latest year, 1440", search: "?mapm=amountPaidPerCapita", measure: "amountPaidPerCapita", year: 2021, width: 1440, api: public},
		{name: "visitor, latest year, 390", search: "?mapm=amountPaidPerCapita", measure: "amountPaidPerCapita", year: 2021, width: 390, api: public},
		{name: "visitor, a small group, withheld wards", search: "?groups=CHAM_DUT_HDLD&mapm=amountPaidPerCapita&fyear=2020", measure: "amountPaidPerCapita",
			year: 2020, width: 1440, filter: map[string]any{"groups": []string{"CHAM_DUT_HDLD"}}, api: public, withheld: true, illustrative: true},
		{name: "leader, 2020, people per 1000, 1440", who: "lanhdao", search: "?mapm=peopleSupportedPer1000&fyear=2020", measure: "peopleSupportedPer1000",
			year: 2020, width: 1440, api: signedIn, illustrative: true},
		{name: "leader, 2020, per inhabitant, 390", who: "lanhdao", search: "?mapm=amountPaidPerCapita&fyear=2020", measure: "amountPaidPerCapita",
			year: 2020, width: 390, api: signedIn, illustrative: true},
		{name: "visitor in English, latest year, 1440", lang: "en", search: "?mapm=amountPaidPerCapita", measure: "amountPaidPerCapita", year: 2021, width: 1440, api: public},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := newTab(t, c.width)
			lang, noFiguresText, noFiguresTitle, yearLabel := "vi", "chưa có số dân", "chưa có số dân năm %d", "Dân số năm"
			if c.lang == "en" {
				lang, noFiguresText, noFiguresTitle, yearLabel = "en", "no figures", "no population figures for %d", "Population of"
				tb.do(chromedp.Navigate(srv.URL + "/favicon.svg")) // the origin, to choose the language
				eval[bool](tb, `(localStorage.setItem("hotro.lang", "en"), true)`)
			}
			if c.who != "" {
				signIn(t, tb, srv, c.who)
			}
			tb.open(srv, c.search)
			tb.waitFor(`document.querySelector("#map-chart[data-map-kind]")`)
			want := c.api(t, c.year, c.filter)
			if got := eval[string](tb, `document.querySelector("#map-measure").value`); got != c.measure {
				t.Fatalf("measure chosen %q, want %q (from the URL)", got, c.measure)
			}
			if got := eval[[]string](tb, `[...document.querySelectorAll("#map-year option")].map((o) => o.value)`); strings.Join(got, ",") != "2021,2020" {
				t.Errorf("years offered %v, want 2021,2020 (latest first)", got)
			}
			if got := eval[string](tb, `document.querySelector("#map-year").value`); got != strconv.Itoa(c.year) {
				t.Errorf("year shown %s, want %d", got, c.year)
			}
			tiles := eval[[]mapTile](tb, `(() => {
				const cells = Object.fromEntries([...document.querySelectorAll("#map-table tbody tr")].map((tr) => [tr.querySelector("a").dataset.ward, tr.cells[1].textContent]));
				return [...document.querySelectorAll("#map-chart rect.map-unit")].map((r) => ({ code: r.dataset.code, state: r.dataset.state, value: r.dataset.value,
					fill: r.getAttribute("fill"), title: r.parentNode.querySelector("title").textContent, cell: cells[r.dataset.code] ?? "" }));
			})()`)
			if len(tiles) != 32 {
				t.Fatalf("%d tiles, want 32", len(tiles))
			}
			var withheld, noFigures, valued int
			type shown struct {
				code  string
				value float64
				dark  float64
			}
			var values []shown
			for _, tile := range tiles {
				row, ok := want[tile.Code]
				if !ok {
					if tile.State != "nopayments" {
						t.Errorf("ward %s has no row in the API but is drawn %s", tile.Code, tile.State)
					}
					continue
				}
				apiValue := row.AmountPaidPerCapita
				if c.measure == "peopleSupportedPer1000" {
					apiValue = row.PeopleSupportedPer1000
				}
				switch {
				case row.Totals.Suppressed:
					withheld++
					if tile.State != "withheld" || tile.Fill != "#d9d9d9" || tile.Value != "" || tile.Cell != "<5" || !strings.HasSuffix(tile.Title, ": <5") {
						t.Errorf("withheld ward %s: %+v, want grey <5 and no number", tile.Code, tile)
					}
					if apiValue != nil {
						t.Errorf("the API divides withheld ward %s: %v", tile.Code, *apiValue)
					}
				case row.WardFigures == nil:
					noFigures++
					if tile.State != "nofigures" || tile.Fill != "url(#map-no-figures)" || tile.Value != "" || tile.Cell != noFiguresText ||
						!strings.Contains(tile.Title, fmt.Sprintf(noFiguresTitle, c.year)) {
						t.Errorf("ward %s without %d figures: %+v, want hatched \"no figures\", never a number", tile.Code, c.year, tile)
					}
				default:
					valued++
					if row.WardFigures.Year != c.year || apiValue == nil {
						t.Fatalf("API row of %s: %+v", tile.Code, row)
					}
					got, err := strconv.ParseFloat(tile.Value, 64)
					if tile.State != "value" || err != nil || got != *apiValue {
						t.Errorf("ward %s: tile %+v, API %v", tile.Code, tile, *apiValue)
						continue
					}
					if c.measure == "amountPaidPerCapita" {
						text := formatVND(int64(math.Round(*apiValue)), lang)
						if tile.Cell != text || !strings.HasSuffix(tile.Title, ": "+text) {
							t.Errorf("ward %s: table %q, tooltip %q, want %s", tile.Code, tile.Cell, tile.Title, text)
						}
					}
					values = append(values, shown{tile.Code, got, darkness(t, tile.Fill)})
				}
			}
			if valued == 0 || (withheld > 0) != c.withheld || (noFigures > 0) != (c.year == 2021) {
				t.Fatalf("%d wards with a value, %d withheld, %d without figures", valued, withheld, noFigures)
			}
			if c.year == 2021 && valued != len(figures2021) {
				t.Errorf("%d wards valued with 2021 figures, want the %d loaded", valued, len(figures2021))
			}
			for _, a := range values {
				for _, b := range values {
					if a.value > b.value && a.dark < b.dark {
						t.Errorf("ward %s (%v) is lighter than %s (%v)", a.code, a.value, b.code, b.value)
					}
				}
			}
			if has := eval[bool](tb, `!!document.querySelector("#map .map-legend [data-legend-no-figures]")`); has != (noFigures > 0) {
				t.Errorf("legend entry for no figures: %v, with %d wards without", has, noFigures)
			}
			note := eval[string](tb, `document.querySelector("#map [data-map-figures]").textContent`)
			source := source2021
			if c.year == 2020 {
				source = "minh hoạ" // the demo's source, in Vietnamese whatever the page's language
			}
			marked := eval[bool](tb, `!!document.querySelector("#map [data-map-figures] [data-illustrative]")`)
			if !strings.Contains(note, fmt.Sprint(c.year)) || !strings.Contains(note, source) || marked != c.illustrative || (lang == "vi" && strings.Contains(note, "minh hoạ") != c.illustrative) {
				t.Errorf("note under the map %q: want the year %d, the source, illustrative %v", note, c.year, c.illustrative)
			}
			if h := eval[float64](tb, `document.querySelector("#map-chart").getBoundingClientRect().height - document.querySelector("#map-chart svg").getBoundingClientRect().height`); h < 0 {
				t.Errorf("the map overflows its card by %.0f px", -h)
			}
			if sideways := eval[bool](tb, `document.documentElement.scrollWidth > window.innerWidth + 1`); sideways {
				t.Errorf("the page scrolls sideways at %d px", c.width)
			}
			elementShot(tb, "#map", fmt.Sprintf("map-per-inhabitant-%s-%s-%d-%d", lang, c.measure, c.year, c.width))
			// The controls are labelled and reached by keyboard: the measure, then the year.
			browsertest.AssertAccessible(t, tb.ctx, "map per inhabitant, "+c.name)
			tb.do(chromedp.Focus("#map-measure"), chromedp.KeyEvent(kb.Tab))
			if focused := eval[string](tb, `document.activeElement.id`); focused != "map-year" {
				t.Errorf("Tab from the measure reaches %q, want the year (map-year)", focused)
			}
			if label := eval[string](tb, `document.querySelector("#map-year").labels[0]?.textContent ?? ""`); !strings.Contains(label, yearLabel) {
				t.Errorf("the year's control is labelled %q", label)
			}
		})
	}

	// The year's control asks the figures of the year chosen; the measure stays.
	t.Run("choosing a year", func(t *testing.T) {
		tb := newTab(t, 1440)
		tb.open(srv, "?mapm=amountPaidPerCapita")
		tb.waitFor(`document.querySelector("#map-chart[data-map-kind]")`)
		tb.choose("#map-year", "2020")
		tb.waitReady("fyear=2020")
		tb.waitFor(`document.querySelector("#map-chart[data-map-kind]")`)
		if got := eval[string](tb, `location.search`); !strings.Contains(got, "mapm=amountPaidPerCapita") {
			t.Errorf("URL %s lost the measure", got)
		}
		if n := eval[int](tb, `document.querySelectorAll('#map-chart rect.map-unit[data-state="nofigures"]').length`); n != 0 {
			t.Errorf("%d wards without 2020 figures, want none (the demo has all 32)", n)
		}
		if focused := eval[string](tb, `document.activeElement.id`); focused != "map-year" {
			t.Errorf("focus on %q after choosing the year, want the year's control", focused)
		}
	})
}

func byCode(rows []wardPerCapita) map[string]wardPerCapita {
	out := map[string]wardPerCapita{}
	for _, r := range rows {
		out[r.Ward.Code] = r
	}
	return out
}
