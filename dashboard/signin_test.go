package dashboard_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hotro/internal/account"
	"hotro/internal/app/apptest"
	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestSignInAndOut signs a leader in from the dashboard (wrong password first), sees the figures
// and a ward's lists with personal data masked, and signs out.
func TestSignInAndOut(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	const password = "mat-khau-lanh-dao-2020"
	svc := account.NewService(d, account.Options{})
	if _, err := svc.CreateUser(context.Background(), account.NewUser{
		Username: "test.leader", DisplayName: "Lãnh đạo UBND", Role: auth.Leader, Password: password,
	}, "test"); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	want := apiTotals(t, srv.URL, nil)

	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?groups=HO_NGHEO"))
	tb.waitReady()
	tb.click("#signin")
	tb.waitFor(`document.querySelector("form.signin") !== null`)
	if got := tb.search(); got != "?page=signin&next=?groups=HO_NGHEO" { // decoded
		t.Errorf("sign-in URL %q", got)
	}
	tb.screenshot("signin-1440")

	// Empty, then a wrong password: said in Vietnamese, focus back on the password.
	tb.click("form.signin button[type=submit]")
	tb.waitFor(`document.querySelector("#signin-error").textContent !== ""`)
	if got := tb.text("#signin-error"); got != "Hãy nhập tên đăng nhập và mật khẩu." {
		t.Errorf("empty form: %q", got)
	}
	tb.do(chromedp.SendKeys(chromedp.CSS("#username"), "test.leader"), chromedp.SendKeys(chromedp.CSS("#password"), "sai-mat-khau-123\n"))
	tb.waitFor(`document.querySelector("#signin-error").textContent.includes("không đúng")`)
	if got := eval[string](tb, `document.activeElement.id`); got != "password" {
		t.Errorf("focus after a wrong password on %q", got)
	}

	tb.do(chromedp.SendKeys(chromedp.CSS("#password"), password+"\n"))
	tb.waitFor(`location.search === "?groups=HO_NGHEO" && document.body.dataset.state === "ready" && document.querySelector(".who") !== null`)
	if got := tb.text(".who"); got != "Đang đăng nhập: Lãnh đạo UBND · lãnh đạo" {
		t.Errorf("signed in as %q", got)
	}
	if !eval[bool](tb, `document.cookie.includes("hotro_csrf=") && !document.cookie.includes("hotro_session")`) {
		t.Errorf("cookies seen by the page: %q (want the CSRF cookie, not the HttpOnly session)", eval[string](tb, `document.cookie`))
	}
	tb.click("#f-groups")
	tb.click("#f-groups-HO_NGHEO") // back to everything: the signed-in POST /graphql carries the CSRF token
	tb.waitFor(`location.search === "" && document.body.dataset.state === "ready"`)
	tb.checkKPIs(want, "vi")

	// A ward's lists, with personal data masked for a leader.
	code := eval[string](tb, `document.querySelector("table.wards tbody a").dataset.ward`)
	tb.click("table.wards tbody a")
	tb.waitReady("ward=" + code)
	tb.waitFor(`document.querySelector("#lists table, #lists .notice") !== null`)
	if notice := tb.text("#lists .notice"); notice != "<none>" {
		t.Fatalf("lists for a leader: %q", notice)
	}
	rows := eval[[]string](tb, `[...document.querySelectorAll("#lists tbody tr")].map((tr) => [...tr.cells].map((c) => c.textContent).join(" | "))`)
	if len(rows) == 0 {
		t.Fatal("no payment lines listed for a leader")
	}
	fullID := regexp.MustCompile(`\b\d{9}(\d{3})?\b`)
	for _, r := range rows {
		if fullID.MatchString(r) {
			t.Errorf("a leader sees a full ID number: %q", r)
		}
	}
	t.Logf("lists: %d rows, e.g. %q; %s", len(rows), rows[0], tb.text("#lists p"))
	tb.screenshot("ward-signed-in-1440")

	tb.click("#signout")
	tb.waitFor(`document.querySelector("#signin") !== null && document.body.dataset.state === "ready"`)
	if strings.Contains(eval[string](tb, `document.cookie`), "hotro_csrf=") {
		t.Error("the CSRF cookie outlives the session")
	}
	if got := eval[float64](tb, `fetch("auth/me").then((r) => r.status)`); got != 401 {
		t.Errorf("after sign-out /auth/me answers %v, want 401", got)
	}
	if got := tb.text("#lists .notice"); !strings.Contains(got, "phân quyền") {
		t.Errorf("lists after sign-out: %q", got)
	}
	tb.checkClean()
}
