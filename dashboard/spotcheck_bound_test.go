package dashboard_test

import (
	"fmt"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestSpotCheckRedrawsAreBoundedOnTheBoard: the working group draws a ward three times through the
// form (a typed seed, then random ones); each check shown and each item of the latest checks says
// which draw of the ward's day it is, out of the bound, who drew it and when, and whether the seed
// was typed, as the API says. The fourth draw is refused on the page with the API's Vietnamese
// message and nothing is drawn. At 1440 px (Quán Triều) and 390 px (Phúc Hà).
func TestSpotCheckRedrawsAreBoundedOnTheBoard(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	api := srv.NewClient()
	api.SignIn(t, "giamsat", seedtest.DemoPassword)
	type check struct {
		ID, CreatedAt, CreatedBy, DrawnOn, Seed string
		DrawNumber, DrawLimit                   int
		SeedGiven                               bool
	}
	checksOf := func(ward string) []check {
		var got struct{ SpotChecks []check }
		graphqlAs(t, api, operation(t, "SpotChecks"), map[string]any{"wards": []string{ward}, "first": 20}, &got)
		return got.SpotChecks
	}
	for _, c := range []struct {
		width int64
		ward  string
	}{{1440, "05431"}, {390, "05485"}} {
		t.Run(fmt.Sprint(c.width), func(t *testing.T) {
			tb := signedInTab(t, srv, "giamsat", c.width)
			tb.open(srv, "?page=supervision&wards="+c.ward)
			tb.waitFor(`document.querySelector("#sv-draw-form") !== null`)
			for i, seed := range []string{"tct-bound-1", "", ""} {
				tb.choose("#sv-ward", c.ward)
				tb.fill("#sv-size", "3")
				tb.fill("#sv-seed", seed)
				before := tb.search()
				tb.click("#sv-draw")
				tb.waitFor(fmt.Sprintf(`location.search !== %q && document.body.dataset.state === "ready" && document.querySelector("#sv-check-facts")?.dataset.drawNumber === "%d"`, before, i+1))
				api := checksOf(c.ward)
				if len(api) != i+1 {
					t.Fatalf("the API has %d checks of %s after %d draws", len(api), c.ward, i+1)
				}
				newest := api[0]
				if newest.DrawNumber != i+1 || newest.DrawLimit != 3 || newest.SeedGiven != (seed != "") || newest.CreatedBy != "giamsat" {
					t.Errorf("draw %d: the API says %+v", i+1, newest)
				}
				texts := eval[[]string](tb, fmt.Sprintf(`import("./js/format.js").then((f) => [f.formatDate(%q), f.formatDateTime(%q)])`, newest.DrawnOn, newest.CreatedAt))
				facts := tb.text("#sv-check-facts")
				seedKind := "ngẫu nhiên"
				if newest.SeedGiven {
					seedKind = "do người rút nhập"
				}
				for _, want := range []string{fmt.Sprintf("Lần rút %d/%d của phường/xã trong ngày %s", newest.DrawNumber, newest.DrawLimit, texts[0]),
					"hạt giống " + newest.Seed + " (" + seedKind + ")", "giamsat chọn lúc " + texts[1]} {
					if !strings.Contains(facts, want) {
						t.Errorf("draw %d: the check reads %q, want %q", i+1, facts, want)
					}
				}
			}
			// The latest checks list each draw with its number, who and when, as the API.
			api := checksOf(c.ward)
			tb.waitFor(fmt.Sprintf(`document.querySelectorAll("#sv-checks-list li").length === %d`, len(api)))
			items := eval[[]map[string]string](tb, `[...document.querySelectorAll("#sv-checks-list li")].map((li) => ({id: li.dataset.check, n: li.dataset.drawNumber, text: li.textContent}))`)
			for i, a := range api {
				when := eval[string](tb, fmt.Sprintf(`import("./js/format.js").then((f) => f.formatDateTime(%q))`, a.CreatedAt))
				if items[i]["id"] != a.ID || items[i]["n"] != fmt.Sprint(a.DrawNumber) ||
					!strings.Contains(items[i]["text"], fmt.Sprintf("lần rút %d/%d", a.DrawNumber, a.DrawLimit)) || !strings.Contains(items[i]["text"], "(giamsat, "+when+")") {
					t.Errorf("item %d reads %v, want check %s, draw %d/%d by giamsat at %s", i, items[i], a.ID, a.DrawNumber, a.DrawLimit, when)
				}
			}
			tb.screenshot(fmt.Sprintf("spotcheck-drawn-3-%d", c.width))

			// The fourth draw of the day is refused on the page; nothing is drawn.
			tb.choose("#sv-ward", c.ward)
			tb.fill("#sv-seed", "")
			tb.click("#sv-draw")
			tb.waitFor(`document.querySelector("#sv-draw-error .notice-refused") !== null`)
			refusal := tb.text("#sv-draw-error")
			today := eval[string](tb, fmt.Sprintf(`import("./js/format.js").then((f) => f.formatDate(%q))`, api[0].DrawnOn))
			for _, want := range []string{"Đã đến giới hạn", "đã được rút mẫu kiểm tra 3 lần trong ngày " + today, "giới hạn 3 lần mỗi ngày"} {
				if !strings.Contains(refusal, want) {
					t.Errorf("the refusal reads %q, want %q", refusal, want)
				}
			}
			if n := len(checksOf(c.ward)); n != 3 {
				t.Errorf("after the refused draw the API has %d checks, want 3", n)
			}
			eval[bool](tb, `(document.querySelector("#sv-draw-form").scrollIntoView(), true)`)
			tb.screenshot(fmt.Sprintf("spotcheck-refused-%d", c.width))
			tb.screenshotOf("#sv-check", fmt.Sprintf("spotcheck-refused-%d-checks", c.width))
			if w := eval[[]float64](tb, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
				t.Errorf("the page is %v px wide in a %v px window", w[0], w[1])
			}
			tb.checkClean()
		})
	}
}
