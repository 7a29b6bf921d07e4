package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// apiFundUse is the API's fundUse for a filter, asked as the user with the dashboard's own
// FundUse operation.
type apiFundUse []struct {
	Fund      struct{ Code string }
	Level     string
	Allocated *int64
	Paid      int64
	Share     *float64
}

func fundUseOf(t *testing.T, srv *apptest.Server, username string, filter map[string]any) apiFundUse {
	t.Helper()
	c := srv.NewClient()
	c.SignIn(t, username, seedtest.DemoPassword)
	res := c.GraphQL(t, operation(t, "FundUse"), map[string]any{"filter": filter})
	if len(res.Errors) > 0 {
		t.Fatalf("FundUse as %s: %s", username, res.Raw)
	}
	var data struct{ FundUse apiFundUse }
	if err := json.Unmarshal(res.Data, &data); err != nil {
		t.Fatal(err)
	}
	return data.FundUse
}

// TestFundUseCard checks the fund-use card and the funds table against the API for a ward officer,
// a leader with a ward filter, a leader over the whole city, and a ward officer whose ward has no
// allocation: that one reads "chưa phân bổ", never a ratio against the city's money.
func TestFundUseCard(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	// Phúc Hà received nothing: its decisions are taken away.
	if _, err := d.NewRaw(`DELETE FROM fund_allocations WHERE unit_id IN (SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code = '05485')`).
		Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	cases := []struct {
		name, user, search string
		filter             map[string]any
		level              string
		unallocated        bool
	}{
		{"ward officer", "canbo.quantrieu", "", map[string]any{}, "WARD", false},
		{"leader with a ward", "lanhdao", "?wards=05431", map[string]any{"wards": []string{"05431"}}, "WARD", false},
		{"leader over the city", "lanhdao", "", map[string]any{}, "AREA", false},
		{"ward without allocation", "canbo.phucha", "", map[string]any{}, "WARD", true},
		{"leader on a ward page", "lanhdao", "?page=ward&ward=05431", map[string]any{"wards": []string{"05431"}}, "WARD", false},
	}
	for _, c := range cases {
		want := fundUseOf(t, srv, c.user, c.filter)
		var allocated, paidOfAllocated, paid int64
		for _, u := range want {
			if u.Level != c.level {
				t.Fatalf("%s: API level %s, want %s", c.name, u.Level, c.level)
			}
			paid += u.Paid
			if u.Allocated != nil {
				allocated += *u.Allocated
				paidOfAllocated += u.Paid
			}
		}
		if c.unallocated != (allocated == 0) {
			t.Fatalf("%s: the API's allocation %d does not fit the case", c.name, allocated)
		}
		for _, width := range []int64{390, 1440, 1920} {
			t.Run(fmt.Sprintf("%s/%d", c.name, width), func(t *testing.T) {
				tb := signedInTab(t, srv, c.user, width)
				tb.open(srv, c.search)
				card := tb.kpis()["fundUse"]
				if c.unallocated {
					if card.Value != "" || card.Big != "chưa phân bổ" || !strings.Contains(card.Note, "chưa có quyết định phân bổ") || strings.Contains(card.Note, "%") {
						t.Errorf("card %+v, want chưa phân bổ and no ratio", card)
					}
				} else {
					share := float64(paidOfAllocated) / float64(allocated)
					var got float64
					if _, err := fmt.Sscan(card.Value, &got); err != nil || math.Abs(got-share) > 1e-9 {
						t.Errorf("card value %q, want the API's share %v (%d / %d)", card.Value, share, paidOfAllocated, allocated)
					}
					if !strings.HasSuffix(card.Big, "%") || !strings.Contains(card.Note, "được phân bổ") {
						t.Errorf("card %+v, want a percentage and what was allocated", card)
					}
				}
				if c.search == "?page=ward&ward=05431" {
					// The ward page has no funds panel: the card is the check.
					tb.screenshot(fmt.Sprintf("funduse-ward-page-%d", width))
					tb.checkClean()
					return
				}
				cells := eval[[][]string](tb, `[...document.querySelectorAll("#funds table tbody tr")].map((tr) => [...tr.children].map((td) => td.textContent))`)
				if len(cells) != len(want) {
					t.Fatalf("funds table has %d rows, want the API's %d", len(cells), len(want))
				}
				for i, u := range want {
					wantAllocated := "chưa phân bổ"
					if u.Allocated != nil {
						wantAllocated = formatVND(*u.Allocated, "vi")
					}
					if cells[i][1] != wantAllocated || cells[i][2] != formatVND(u.Paid, "vi") {
						t.Errorf("fund %s: row %q, want allocated %q and paid %q", u.Fund.Code, cells[i], wantAllocated, formatVND(u.Paid, "vi"))
					}
				}
				if got := tb.text("#funds table tfoot td:nth-child(3)"); got != formatVND(paid, "vi") {
					t.Errorf("funds table total paid %q, want %q", got, formatVND(paid, "vi"))
				}
				scope := eval[string](tb, `document.querySelector("#funds [data-fund-scope]")?.dataset.fundScope || ""`)
				if scope != c.level {
					t.Errorf("funds note for %q, want %q", scope, c.level)
				}
				name := fmt.Sprintf("funduse-%s-%d", strings.ReplaceAll(c.name, " ", "-"), width)
				tb.screenshot(name)
				// The card and the panel close up, for people to read.
				for part, sel := range map[string]string{"kpis": ".kpis", "funds": "#funds"} {
					png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(screenshotDir(t), name+"-"+part+".png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				tb.checkClean()
			})
		}
	}
}

// TestFundUseCardForVisitors: the public figures hold each fund's allocation for the whole area
// only, so a visitor with a ward in the filter sees no ratio, and over the whole city the ratio is
// against the fund's own figure.
func TestFundUseCardForVisitors(t *testing.T) {
	srv := demoServer(t)
	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?wards=05431"))
	tb.waitReady("wards=05431")
	card := tb.kpis()["fundUse"]
	if card.Value != "" || card.Big != "—" || !strings.Contains(card.Note, "chỉ hiện khi đăng nhập") || strings.Contains(card.Note, "%") {
		t.Errorf("a visitor's card with a ward: %+v, want no ratio", card)
	}
	if got := tb.text("#funds table tbody tr td:nth-child(2)"); got != "—" {
		t.Errorf("a visitor's allocation cell with a ward: %q, want —", got)
	}
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitFor(`document.body.dataset.state === "ready" && !location.search.includes("wards")`)
	if card := tb.kpis()["fundUse"]; !strings.HasSuffix(card.Big, "%") || !strings.Contains(card.Note, "23,5") {
		t.Errorf("a visitor's card over the city: %+v, want a ratio against the funds' 23,5 tỷ", card)
	}
	tb.checkClean()
}
