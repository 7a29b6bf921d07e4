package dashboard_test

// The time charts are timelines (issue 18, item 3): every period of the range in time order, a
// period with nothing paid an empty place on the axis, a withheld period in its place reading
// "<5", and a note saying the running total leaves the withheld periods out. Checked on the home
// page (a visitor by week, a leader by day), the ward page and the time series embed, against
// the API, with screenshots at 390 and 1440 px.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// timelineOption is what a time chart draws, read from its ECharts instance.
type timelineOption struct {
	Labels []string `json:"labels"`
	Bars   []struct {
		Start    string   `json:"start"`
		Value    *float64 `json:"value"`
		Withheld bool     `json:"withheld"`
		Mark     string   `json:"mark"`
	} `json:"bars"`
	Line []float64 `json:"line"`
}

func readTimeline(tb *tab, sel string) timelineOption {
	tb.t.Helper()
	return eval[timelineOption](tb, fmt.Sprintf(`(() => { const o = echarts.getInstanceByDom(document.querySelector(%q)).getOption();
		return {labels: o.xAxis[0].data, line: o.series[1].data,
			bars: o.series[0].data.map((d) => ({start: d.start, value: d.value ?? null, withheld: !!d.withheld, mark: d.label?.formatter ?? ""}))}; })()`, sel))
}

// screenshotSection writes the time section alone to NAME.png beside the full-page screenshots.
func (tb *tab) screenshotSection(name, sel string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.fail(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(tb.t), name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatalf("period start %q: %v", s, err)
	}
	return d
}

// checkTimeline checks that the chart's periods follow each other with no period missing (a
// bucket apart, strictly increasing), that each of the API's periods is in its place with its
// value or, withheld, reads "<5", and that every other period is empty.
func checkTimeline(t *testing.T, got timelineOption, bucket string, want map[string]*int64) {
	t.Helper()
	if len(got.Bars) == 0 || len(got.Labels) != len(got.Bars) || len(got.Line) != len(got.Bars) {
		t.Fatalf("time chart: %d labels, %d bars, %d line points", len(got.Labels), len(got.Bars), len(got.Line))
	}
	for i := 1; i < len(got.Bars); i++ {
		a, b := day(t, got.Bars[i-1].Start), day(t, got.Bars[i].Start)
		next := a.AddDate(0, 0, 1)
		switch bucket {
		case "WEEK":
			next = a.AddDate(0, 0, 7)
		case "MONTH":
			next = a.AddDate(0, 1, 0)
		}
		if !b.Equal(next) {
			t.Errorf("period %d starts %s after %s: want %s (in time order, none missing)", i, got.Bars[i].Start, got.Bars[i-1].Start, next.Format("2006-01-02"))
		}
		if got.Line[i] < got.Line[i-1] {
			t.Errorf("running total falls at %s: %v after %v", got.Bars[i].Start, got.Line[i], got.Line[i-1])
		}
	}
	seen := 0
	for _, b := range got.Bars {
		v, ok := want[b.Start]
		switch {
		case !ok:
			if b.Value != nil || b.Withheld {
				t.Errorf("%s: nothing paid, but the chart draws %v (withheld %v)", b.Start, *b.Value, b.Withheld)
			}
		case v == nil:
			seen++
			if !b.Withheld || b.Mark != "<5" {
				t.Errorf("%s: withheld, but the chart shows %+v", b.Start, b)
			}
		default:
			seen++
			if b.Value == nil || int64(*b.Value) != *v || b.Withheld {
				t.Errorf("%s: bar %+v, want %d", b.Start, b, *v)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("the chart shows %d of the API's %d periods", seen, len(want))
	}
}

// checkDays checks a signed-in chart by day: one day after another, and two paid days far apart
// far apart on the axis (a gap, not neighbours).
func checkDays(t *testing.T, got timelineOption) {
	t.Helper()
	var paid []string
	for i, b := range got.Bars {
		if b.Value != nil && *b.Value > 0 {
			paid = append(paid, b.Start)
		}
		if i > 0 && !day(t, b.Start).Equal(day(t, got.Bars[i-1].Start).AddDate(0, 0, 1)) {
			t.Errorf("day %s follows %s", b.Start, got.Bars[i-1].Start)
		}
	}
	gap := false
	for i := 1; i < len(paid); i++ {
		if day(t, paid[i]).Sub(day(t, paid[i-1])) > 24*time.Hour {
			gap = true
			t.Logf("paid on %s, then nothing until %s", paid[i-1], paid[i])
		}
	}
	if !gap {
		t.Errorf("no gap between paid days %v", paid)
	}
}

// publicWeeks is the API's publicStats by week for a filter: each week's amount, nil if withheld.
func publicWeeks(t *testing.T, base string, filter map[string]any) map[string]*int64 {
	t.Helper()
	return publicPeriods(t, base, filter, "WEEK")
}

// publicPeriods is the API's publicStats by week or month: each period's amount, nil if withheld.
func publicPeriods(t *testing.T, base string, filter map[string]any, bucket string) map[string]*int64 {
	t.Helper()
	var data struct {
		OverTime struct {
			Rows []struct {
				Period *struct{ Start string }
				Totals struct {
					Suppressed bool
					AmountPaid *int64
				}
			}
		} `json:"overTime"`
	}
	graphql(t, base, operation(t, "PublicOverview"), publicVars(filter, bucket), &data)
	out := map[string]*int64{}
	for _, r := range data.OverTime.Rows {
		if r.Period != nil {
			out[r.Period.Start] = r.Totals.AmountPaid
		}
	}
	return out
}

// withheldInside says whether a withheld period has paid periods on both sides.
func withheldInside(weeks map[string]*int64) bool {
	first, last, withheld := "", "", []string{}
	for s, v := range weeks {
		if v == nil {
			withheld = append(withheld, s)
			continue
		}
		if first == "" || s < first {
			first = s
		}
		if s > last {
			last = s
		}
	}
	for _, s := range withheld {
		if s > first && s < last {
			return true
		}
	}
	return false
}

func TestTimeChartsAreTimelines(t *testing.T) {
	srv := demoServer(t)

	// A group whose weekly figures withhold a week between two paid ones.
	var group string
	var weeks map[string]*int64
	for _, g := range []string{"TAM_HOAN_HDLD", "CHAM_DUT_HDLD", "HO_KINH_DOANH", "LAO_DONG_TU_DO", "HO_CAN_NGHEO", "HO_NGHEO", "BAO_TRO_XA_HOI", "NGUOI_CO_CONG"} {
		w := publicWeeks(t, srv.URL, map[string]any{"groups": []string{g}})
		if withheldInside(w) {
			group, weeks = g, w
			break
		}
	}
	if group == "" {
		t.Fatal("no group of the demo data withholds a week between two paid weeks")
	}
	t.Logf("group %s: %d weeks from the API", group, len(weeks))

	for _, width := range []int64{1440, 390} {
		t.Run(fmt.Sprintf("visitor by week %d", width), func(t *testing.T) {
			tb := newTab(t, width)
			tb.do(chromedp.Navigate(srv.URL + "/?groups=" + group + "&bucket=WEEK"))
			tb.waitReady("groups=" + group)
			tb.waitFor(`!!echarts.getInstanceByDom(document.querySelector("#time .chart"))`)
			checkTimeline(t, readTimeline(tb, "#time .chart"), "WEEK", weeks)
			table := eval[map[string][]string](tb, `(() => { const rows = [...document.querySelectorAll("#time table tbody tr")];
				return {names: rows.map((r) => r.cells[0].textContent), paid: rows.map((r) => r.cells[1].textContent)}; })()`)
			if len(table["names"]) != len(weeks) {
				t.Errorf("time table has %d rows, want the API's %d weeks", len(table["names"]), len(weeks))
			}
			withheldRows := 0
			for i, paid := range table["paid"] {
				if strings.Contains(paid, "ẩn") {
					t.Errorf("row %s reads %q, want <5", table["names"][i], paid)
				}
				if paid == "<5" {
					withheldRows++
				}
			}
			if withheldRows == 0 {
				t.Error("no withheld row in the time table reads <5")
			}
			if note := tb.text("#time [data-cumulative-note]"); !strings.Contains(note, "Luỹ kế không tính các kỳ bị ẩn (<5)") {
				t.Errorf("cumulative note %q", note)
			}
			tb.screenshot(fmt.Sprintf("timeline-visitor-week-%d", width))
			tb.screenshotSection(fmt.Sprintf("timeline-visitor-week-%d-section", width), "#time")
			if width == 1440 {
				tb.click("#lang-switch")
				tb.waitFor(`document.documentElement.lang === "en" && document.body.dataset.state === "ready" && !!document.querySelector("#time [data-cumulative-note]")`)
				if note := tb.text("#time [data-cumulative-note]"); note != "The running total leaves out the withheld periods (<5); the total includes them." {
					t.Errorf("English cumulative note %q", note)
				}
				if note := tb.text("#time-table .note"); !strings.HasPrefix(note, "“<5”: periods with figures of fewer than 5 people") {
					t.Errorf("English time table note %q", note)
				}
				tb.click("#lang-switch")
				tb.waitFor(`document.documentElement.lang === "vi" && document.body.dataset.state === "ready"`)
			}
			tb.checkClean()
		})
	}

	t.Run("visitor ward page by month", func(t *testing.T) {
		tb := newTab(t, 1440)
		tb.do(chromedp.Navigate(srv.URL + "/?page=ward&ward=05431&bucket=MONTH"))
		tb.waitReady("ward=05431")
		tb.waitFor(`!!echarts.getInstanceByDom(document.querySelector("#time .chart"))`)
		checkTimeline(t, readTimeline(tb, "#time .chart"), "MONTH", publicPeriods(t, srv.URL, map[string]any{"wards": []string{"05431"}}, "MONTH"))
		tb.screenshot("timeline-ward-1440")
		tb.screenshotSection("timeline-ward-1440-section", "#time")
		tb.do(tb.viewport(390))
		tb.screenshot("timeline-ward-390")
		tb.screenshotSection("timeline-ward-390-section", "#time")
	})

	for _, c := range []struct{ name, search string }{{"leader by day", "?bucket=DAY"}, {"leader on a ward page by day", "?page=ward&ward=05431&bucket=DAY"}} {
		t.Run(c.name, func(t *testing.T) {
			tb := signedInTab(t, srv, "lanhdao", 1440)
			tb.open(srv, c.search)
			tb.waitFor(`!!echarts.getInstanceByDom(document.querySelector("#time .chart"))`)
			checkDays(t, readTimeline(tb, "#time .chart"))
			name := "timeline-leader-" + strings.ReplaceAll(strings.TrimPrefix(c.name, "leader "), " ", "-")
			tb.screenshot(name + "-1440")
			tb.screenshotSection(name+"-1440-section", "#time")
			tb.do(tb.viewport(390))
			tb.screenshot(name + "-390")
			tb.screenshotSection(name+"-390-section", "#time")
		})
	}

	t.Run("embed by week", func(t *testing.T) {
		want := embedData(t, srv.URL, "timeseries", "bucket=WEEK&group="+group)
		byStart := map[string]*int64{}
		for i, p := range want.Points {
			byStart[p.Start] = p.Value
			if i > 0 && p.Start <= want.Points[i-1].Start {
				t.Errorf("the API's points out of time order: %s after %s", p.Start, want.Points[i-1].Start)
			}
		}
		for _, width := range []int64{1440, 390} {
			tb := newTab(t, width)
			tb.do(chromedp.Navigate(srv.URL + "/embed/timeseries?bucket=WEEK&group=" + group))
			tb.waitFor(`document.body.dataset.state === "drawn"`)
			checkTimeline(t, readTimeline(tb, ".chart"), "WEEK", byStart)
			table := eval[[]string](tb, `[...document.querySelectorAll("tbody tr")].map((r) => r.dataset.code + "=" + r.cells[1].textContent)`)
			for i, row := range table {
				start, text, _ := strings.Cut(row, "=")
				if i > 0 && start <= strings.Split(table[i-1], "=")[0] {
					t.Errorf("embed table: %s after %s", start, table[i-1])
				}
				if byStart[start] == nil && text != "<5" {
					t.Errorf("embed table: withheld week %s reads %q", start, text)
				}
			}
			if note := tb.text("#note"); !strings.Contains(note, "Luỹ kế không tính các kỳ bị ẩn (<5)") {
				t.Errorf("embed note %q", note)
			}
			tb.screenshot(fmt.Sprintf("timeline-embed-week-%d", width))
		}
		tb := newTab(t, 1440)
		tb.do(chromedp.Navigate(srv.URL + "/embed/timeseries?lang=en&bucket=WEEK&group=" + group))
		tb.waitFor(`document.body.dataset.state === "drawn"`)
		if note := tb.text("#note"); !strings.HasSuffix(note, "The running total leaves out the withheld periods (<5).") {
			t.Errorf("English embed note %q", note)
		}
	})
}

// TestTimelineHelpers runs static/js/timeline.js in Chromium: the periods between the first and
// the last, in order whatever order they came in; ISO weeks across a new year; months; labels
// with the year only when the range spans years.
func TestTimelineHelpers(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?page=signin")) // any page that serves the modules
	tb.waitFor(`document.body.dataset.state === "ready"`)
	tests := []struct {
		name, call, want string
	}{
		{"days with a gap", `fillPeriods([{start: "2020-05-16"}, {start: "2020-05-14", n: 1}], "DAY").map((p) => p.start + (p.item ? "+" : "")).join(" ")`,
			"2020-05-14+ 2020-05-15 2020-05-16+"},
		{"weeks out of order", `fillPeriods([{start: "2020-06-29"}, {start: "2020-06-01"}, {start: "2020-06-15"}], "WEEK").map((p) => p.start + (p.item ? "+" : "")).join(" ")`,
			"2020-06-01+ 2020-06-08 2020-06-15+ 2020-06-22 2020-06-29+"},
		{"months over a new year", `fillPeriods([{start: "2020-11-01"}, {start: "2021-02-01"}], "MONTH").map((p) => p.start).join(" ")`,
			"2020-11-01 2020-12-01 2021-01-01 2021-02-01"},
		{"no periods", `String(fillPeriods([], "WEEK").length)`, "0"},
		{"rows by their period", `fillPeriods([{period: {start: "2020-05-04"}}, {period: null}, {period: {start: "2020-05-06"}}], "DAY", (r) => r.period?.start).length + ""`, "3"},
		{"next day over a month end", `nextPeriod("2020-05-31", "DAY")`, "2020-06-01"},
		{"next month from January 31", `nextPeriod("2020-01-31", "MONTH")`, "2020-02-01"},
		{"ISO week 53", `JSON.stringify(periodOf("2020-12-28", "WEEK"))`, `{"start":"2020-12-28","end":"2021-01-03","label":"2020-W53"}`},
		{"ISO week 1 in December", `periodOf("2019-12-30", "WEEK").label`, "2020-W01"},
		{"ISO week 20", `periodOf("2020-05-11", "WEEK").label`, "2020-W20"},
		{"month's end", `periodOf("2020-02-01", "MONTH").end`, "2020-02-29"},
		{"one year", `String(spansYears(fillPeriods([{start: "2020-05-04"}, {start: "2020-06-29"}], "WEEK")))`, "false"},
		{"two years", `String(spansYears(fillPeriods([{start: "2020-12-28"}, {start: "2021-01-04"}], "WEEK")))`, "true"},
		{"axis label", `axisDay("2020-05-14", false)`, "14/05"},
		{"axis label with the year", `axisDay("2021-01-04", true)`, "04/01/21"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := eval[string](tb, fmt.Sprintf(`import("./js/timeline.js").then((m) => { with (m) { return %s; } })`, tt.call))
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.call, got, tt.want)
			}
		})
	}
	tb.checkClean()
}
