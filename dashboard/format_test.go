package dashboard_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFormattingInTheBrowser runs the dashboard's formatting helpers (static/js/format.js) in
// Chromium: money, numbers, percentages and dates written the Vietnamese and the English way.
func TestFormattingInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?page=signin")) // any page that loads the modules; no figures needed
	tb.waitFor(`document.body.dataset.state === "ready"`)

	const nb = "\u00a0"
	tests := []struct {
		name, call, want string
	}{
		{"VND in full", `formatVND(16912500000, "vi")`, "16.912.500.000" + nb + "₫"},
		{"VND in full, English", `formatVND(16912500000, "en")`, "16,912,500,000" + nb + "VND"},
		{"VND small", `formatVND(500, "vi")`, "500" + nb + "₫"},
		{"VND zero", `formatVND(0, "vi")`, "0" + nb + "₫"},
		{"VND national package", `formatVND(62000000000000, "vi")`, "62.000.000.000.000" + nb + "₫"},
		{"VND missing", `formatVND(null, "vi")`, "—"},
		{"compact billions", `formatVNDCompact(16912500000, "vi")`, "16,9" + nb + "tỷ đồng"},
		{"compact billions, English", `formatVNDCompact(16912500000, "en")`, "16.9" + nb + "billion VND"},
		{"compact whole", `formatVNDCompact(17000000000, "vi")`, "17" + nb + "tỷ đồng"},
		{"compact millions", `formatVNDCompact(824250000, "vi")`, "824,3" + nb + "triệu đồng"},
		{"compact rounds up a unit", `formatVNDCompact(999960000, "vi")`, "1" + nb + "tỷ đồng"},
		{"compact thousands", `formatVNDCompact(1500, "vi")`, "1,5" + nb + "nghìn đồng"},
		{"compact trillions", `formatVNDCompact(62000000000000, "vi")`, "62" + nb + "nghìn tỷ đồng"},
		{"compact under a thousand", `formatVNDCompact(750, "vi")`, "750" + nb + "đồng"},
		{"number", `formatNumber(12888, "vi")`, "12.888"},
		{"number, English", `formatNumber(12888, "en")`, "12,888"},
		{"number, negative", `formatNumber(-1234567, "vi")`, "-1.234.567"},
		{"percent", `formatPercent(0.8242, "vi")`, "82,4%"},
		{"percent, English", `formatPercent(0.8242, "en")`, "82.4%"},
		{"percent whole keeps its decimal", `formatPercent(1, "vi")`, "100,0%"},
		{"percent 4 beside 4.5", `formatPercent(0.04, "vi")`, "4,0%"},
		{"percent rounds to one decimal", `formatPercent(0.04049, "en")`, "4.0%"},
		{"percent tiny", `formatPercent(0.0004, "vi")`, "0,0%"},
		{"percent of nothing", `formatPercent(null, "vi")`, "—"},
		{"percent not finite", `formatPercent(1/0, "vi")`, "—"},
		{"date", `formatDate("2020-05-04")`, "04/05/2020"},
		{"date bad", `formatDate("4 May")`, "—"},
		{"day and month", `formatDayMonth("2020-06-30")`, "30/06"},
		{"parse date", `parseDate("4/5/2020")`, "2020-05-04"},
		{"parse date padded", `parseDate(" 04/05/2020 ")`, "2020-05-04"},
		{"parse impossible date", `String(parseDate("31/02/2020"))`, "null"},
		{"parse leap day", `parseDate("29/02/2020")`, "2020-02-29"},
		{"parse ISO refused", `String(parseDate("2020-05-04"))`, "null"},
		{"date-time in Vietnam", `formatDateTime("2026-11-27T01:08:25Z")`, "27/11/2026 08:08"},
		{"date-time with offset", `formatDateTime("2026-11-27T08:08:25+07:00")`, "27/11/2026 08:08"},
		{"axis billions", `formatVNDAxis(2500000000, "vi")`, "2,5" + nb + "tỷ"},
		{"axis millions, English", `formatVNDAxis(500000000, "en")`, "500" + nb + "m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := eval[string](tb, fmt.Sprintf(`import("./js/format.js").then((f) => { with (f) { return %s; } })`, tt.call))
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.call, got, tt.want)
			}
		})
	}

	// Every string has both languages.
	missing := eval[map[string][]string](tb, `import("./js/i18n.js").then(({tables}) => ({
		vi: Object.keys(tables.en).filter((k) => !(k in tables.vi)),
		en: Object.keys(tables.vi).filter((k) => !(k in tables.en)),
	}))`)
	if len(missing["vi"])+len(missing["en"]) > 0 {
		b, _ := json.Marshal(missing)
		t.Errorf("strings missing a language: %s", b)
	}
}
