package dashboard_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/config"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestGroupsGoByShortNamesWhereSpaceIsShort checks that the groups chart's axis and the filter's
// summary name each group by its short name from the API (the full names are cut alike on a
// phone), while the table and the hover keep the full name; at 390 px the header takes at most a
// fifth of the first screen.
func TestGroupsGoByShortNamesWhereSpaceIsShort(t *testing.T) {
	srv := demoServer(t)
	var meta struct {
		Programs []struct {
			Groups []struct{ Code, Name, NameEn, ShortName, ShortNameEn string }
		}
	}
	graphql(t, srv.URL, operation(t, "Meta"), nil, &meta)
	short, full := map[string]string{}, map[string]string{}
	for _, p := range meta.Programs {
		for _, g := range p.Groups {
			short[g.Code], full[g.Code] = g.ShortName, g.Name
		}
	}
	if short["TAM_HOAN_HDLD"] != "LĐ tạm hoãn HĐLĐ" || short["CHAM_DUT_HDLD"] == short["LAO_DONG_TU_DO"] {
		t.Fatalf("API short names %v", short)
	}

	for _, width := range []int64{390, 1440} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := newTab(t, width)
			tb.do(chromedp.Navigate(srv.URL + "/"))
			tb.waitReady()
			tb.waitFor(`(() => { const c = echarts.getInstanceByDom(document.getElementById("groups-chart")); return !!c && c.getOption().yAxis[0].data.length > 0; })()`)
			axis := eval[[]string](tb, `echarts.getInstanceByDom(document.getElementById("groups-chart")).getOption().yAxis[0].data`)
			if len(axis) == 0 {
				t.Fatal("groups chart has no axis labels")
			}
			for _, label := range axis {
				if !contains(values(short), label) {
					t.Errorf("axis label %q is not a group's short name", label)
				}
			}
			// Hover: the tooltip is headed by the full name of the bar's group.
			tip := eval[string](tb, `echarts.getInstanceByDom(document.getElementById("groups-chart")).getOption().tooltip[0].formatter([{dataIndex: 0, seriesIndex: 0, seriesName: "x", value: 1}])`)
			if first := strings.SplitN(tip, "\n", 2)[0]; !contains(values(full), first) || contains(values(short), first) {
				t.Errorf("tooltip headed %q, want a group's full name", first)
			}
			cells := eval[[]string](tb, `[...document.querySelectorAll("#groups-table tbody tr > :first-child")].map((c) => c.textContent.trim())`)
			if !contains(cells, full["TAM_HOAN_HDLD"]) {
				t.Errorf("group tables %q do not name the group in full %q", cells, full["TAM_HOAN_HDLD"])
			}
			if width == 390 {
				ratio := eval[float64](tb, `document.querySelector("header").getBoundingClientRect().height / window.innerHeight`)
				if ratio > 0.2 {
					t.Errorf("header takes %.0f%% of the first screen at 390 px, want at most 20%%", ratio*100)
				}
			}
			tb.screenshot(fmt.Sprintf("short-names-%d", width))
			first, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			_ = os.WriteFile(filepath.Join(screenshotDir(t), fmt.Sprintf("short-names-%d-first-screen.png", width)), first, 0o644)
			eval[bool](tb, `(document.getElementById("groups-chart").scrollIntoView(), true)`)
			groups, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			_ = os.WriteFile(filepath.Join(screenshotDir(t), fmt.Sprintf("short-names-%d-groups.png", width)), groups, 0o644)
			tb.do(chromedp.Navigate(srv.URL + "/?groups=TAM_HOAN_HDLD"))
			tb.waitReady()
			summary := eval[[]string](tb, `[document.querySelector('details[data-field="groups"] .multi-value').textContent, document.querySelector('details[data-field="groups"] .multi-value').title]`)
			if summary[0] != short["TAM_HOAN_HDLD"] || summary[1] != full["TAM_HOAN_HDLD"] {
				t.Errorf("group filter shows %q (title %q), want %q (title the full name)", summary[0], summary[1], short["TAM_HOAN_HDLD"])
			}
		})
	}
}

// TestSmallThingsALeaderNotices: the as-of line says when the data was updated (its version only
// on hover), "Covid-19" does not break after its hyphen, and the signed-in line has one pair of
// brackets.
func TestSmallThingsALeaderNotices(t *testing.T) {
	srv := demoServer(t)
	var ds struct {
		Dataset struct{ Version int64 }
	}
	graphql(t, srv.URL, operation(t, "Meta"), nil, &ds)

	tb := signedInTab(t, srv, "lanhdao", 390)
	tb.open(srv, "")
	if got := tb.text(".as-of"); !strings.HasPrefix(got, "Cập nhật lúc ") || strings.Contains(got, "phiên bản") {
		t.Errorf("as-of line %q", got)
	}
	if got := eval[string](tb, `document.querySelector(".as-of").title`); !strings.Contains(got, fmt.Sprint(ds.Dataset.Version)) {
		t.Errorf("as-of title %q does not name version %d for the analyst", got, ds.Dataset.Version)
	}
	if got := tb.text(".brand-subtitle"); !strings.Contains(got, "Covid\u201119") {
		t.Errorf("subtitle %q: Covid-19 may break after its hyphen", got)
	}
	who := tb.text(".who")
	if strings.Count(who, "(") > 1 || !strings.Contains(who, "lãnh đạo") {
		t.Errorf("signed-in line %q", who)
	}
}

// TestDateFilterKeepsFocusWhereTheUserClicked: typing a "from" date and clicking the "to" field
// leaves focus in the "to" field once the page is drawn again.
func TestDateFilterKeepsFocusWhereTheUserClicked(t *testing.T) {
	srv := demoServer(t)
	tb := signedInTab(t, srv, "phantich", 1440) // a visitor's dates must come in pairs
	tb.open(srv, "")
	tb.do(chromedp.SendKeys(chromedp.CSS("#f-from"), "01/05/2020"))
	tb.click("#f-to")
	tb.waitFor(`location.search.includes("from=2020-05-01") && document.body.dataset.state === "ready"`)
	if got := eval[string](tb, `document.activeElement.id`); got != "f-to" {
		t.Errorf("focus on %q after clicking the 'to' date, want f-to", got)
	}
	tb.do(chromedp.SendKeys(chromedp.CSS("#f-to"), "31/05/2020\n"))
	tb.waitFor(`location.search.includes("to=2020-05-31") && document.body.dataset.state === "ready"`)
	if got := eval[string](tb, `document.activeElement.id`); got != "f-to" {
		t.Errorf("focus on %q after Enter in the 'to' date, want f-to", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestVisitorsPageLoadAsksNoSession: a visitor (no session cookie) loads the home page without the
// browser logging a 401 for /auth/me.
func TestVisitorsPageLoadAsksNoSession(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitReady()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, line := range tb.console {
		if strings.Contains(line, "401") {
			t.Errorf("console: %s", line)
		}
	}
}

// TestUnknownFilterCodeSaysWhatWasNotFound: a code in the URL that does not exist (a link typed
// by hand or an old one) is named in the error, with no retry button; not "the server failed".
func TestUnknownFilterCodeSaysWhatWasNotFound(t *testing.T) {
	srv := demoServer(t)
	for _, tt := range []struct{ search, code string }{
		{"?groups=HO_GIAU", "HO_GIAU"},
		{"?wards=99999", "99999"},
		{"?program=NQ99", "NQ99"},
		{"?funds=QUY_X", "QUY_X"},
		{"?page=ward&ward=99999", "99999"},
	} {
		for _, who := range []string{"", "lanhdao"} {
			t.Run(who+tt.search, func(t *testing.T) {
				tb := newTab(t, 1440)
				if who != "" {
					tb = signedInTab(t, srv, who, 1440)
				}
				tb.do(chromedp.Navigate(srv.URL + "/" + tt.search))
				tb.waitFor(`document.body.dataset.state === "error" || document.body.dataset.state === "ready" || document.body.dataset.state === "empty"`)
				status := tb.text("#status")
				if !strings.Contains(status, tt.code) || strings.Contains(status, "Máy chủ gặp lỗi") {
					t.Errorf("state %s, status %q: want the unknown code %s named", eval[string](tb, `document.body.dataset.state`), status, tt.code)
				}
				if eval[bool](tb, `!!document.querySelector("#status button")`) {
					t.Error("a retry button for a code that does not exist")
				}
			})
		}
	}
}

// TestOrganisationNamedInHeaderAndPrint: the configured organisation's name (a setting, served in
// dataset.organisation) heads the page on a desktop and on paper, and stays out of a phone's
// one-row header.
func TestOrganisationNamedInHeaderAndPrint(t *testing.T) {
	const org = "UBND tỉnh Thái Nguyên (thử)"
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), func(c *config.Config) { c.Organisation = org })
	var meta struct {
		Dataset struct{ Organisation string }
	}
	graphql(t, srv.URL, operation(t, "Meta"), nil, &meta)
	if meta.Dataset.Organisation != org {
		t.Fatalf("API organisation %q, want %q", meta.Dataset.Organisation, org)
	}
	visible := `(() => { const e = document.querySelector(".brand-org"); return !!e && e.getClientRects().length > 0 ? e.textContent : ""; })()`
	for _, width := range []int64{1440, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := newTab(t, width)
			tb.do(chromedp.Navigate(srv.URL + "/"))
			tb.waitReady()
			got := eval[string](tb, visible)
			if width == 1440 && got != org {
				t.Errorf("header names %q, want %q", got, org)
			}
			if width == 390 && got != "" {
				t.Errorf("a phone's one-row header names %q", got)
			}
			if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				t.Fatal(err)
			}
			if got := eval[string](tb, visible); got != org {
				t.Errorf("printed header names %q, want %q", got, org)
			}
			if width == 1440 {
				tb.screenshot("organisation-print-1440")
			}
		})
	}
}

// TestEmbedDialogTellsWhetherThePortalIsAllowed: the dialog lists the origins allowed to embed
// (from the API, not the name of a setting) and answers for the address an editor types.
func TestEmbedDialogTellsWhetherThePortalIsAllowed(t *testing.T) {
	srv := embedServer(t, []string{"https://thainguyencity.gov.vn"}, nil)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitReady()
	tb.click("#embed-open")
	tb.waitFor(`document.querySelector("#embed-origin") !== null`)
	if got := tb.text("#embed-origins"); !strings.Contains(got, "https://thainguyencity.gov.vn") {
		t.Errorf("allowed origins %q", got)
	}
	if got := tb.text("#embed-dialog"); strings.Contains(got, "HOTRO_") {
		t.Errorf("the dialog names a setting: %q", got)
	}
	for _, tt := range []struct{ typed, want, allowed string }{
		{"thainguyencity.gov.vn/tin-tuc/ho-tro", "được phép nhúng biểu đồ", "true"},
		{"https://baothainguyen.vn", "chưa được phép", "false"},
		{"không phải địa chỉ", "https://", "false"},
	} {
		eval[bool](tb, `(() => { const e = document.querySelector("#embed-origin"); e.value = ""; e.focus(); return true; })()`)
		tb.do(chromedp.SendKeys(chromedp.CSS("#embed-origin"), tt.typed))
		got := tb.text("#embed-origin-answer")
		if !strings.Contains(got, tt.want) || eval[string](tb, `document.querySelector("#embed-origin-answer").dataset.allowed`) != tt.allowed {
			t.Errorf("typed %q: answer %q, want it to say %q (allowed %s)", tt.typed, got, tt.want, tt.allowed)
		}
	}
}
