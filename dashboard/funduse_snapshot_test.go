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
	"time"

	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// cardFigures is what the fund-use card must say for a list of funds' use: the share of what was
// paid from the funds with an allocation, and those two amounts (allocated 0: no allocation).
type cardFigures struct {
	share                  float64
	allocated, paidOfAlloc int64
	unallocated            int
}

func figuresOf(use apiFundUse) cardFigures {
	var c cardFigures
	for _, u := range use {
		if u.Allocated == nil {
			c.unallocated++
			continue
		}
		c.allocated += *u.Allocated
		c.paidOfAlloc += u.Paid
	}
	if c.allocated > 0 {
		c.share = float64(c.paidOfAlloc) / float64(c.allocated)
	}
	return c
}

// checkCard compares the fund-use card with the API's figures: the exact share it holds, the
// percentage and the two amounts of its note as the page's own formatter writes them, and whether
// it says the allocations are the snapshot's.
func checkCard(tb *tab, want cardFigures, frozen bool) {
	tb.t.Helper()
	card := tb.kpis()["fundUse"]
	if want.allocated == 0 {
		if card.Value != "" || card.Big != "chưa phân bổ" || strings.Contains(card.Note, "%") {
			tb.t.Errorf("card %+v, want chưa phân bổ and no ratio", card)
		}
		return
	}
	var got float64
	if _, err := fmt.Sscan(card.Value, &got); err != nil || math.Abs(got-want.share) > 1e-9 {
		tb.t.Errorf("card value %q, want the API's share %v (%d / %d)", card.Value, want.share, want.paidOfAlloc, want.allocated)
	}
	texts := eval[[]string](tb, fmt.Sprintf(`import("./js/format.js").then((f) => [f.formatPercent(%v, "vi"), f.formatVNDCompact(%d, "vi"), f.formatVNDCompact(%d, "vi")])`,
		want.share, want.paidOfAlloc, want.allocated))
	if card.Big != texts[0] {
		tb.t.Errorf("card reads %q, want %q", card.Big, texts[0])
	}
	if note := texts[1] + " / " + texts[2] + " được phân bổ"; !strings.HasPrefix(card.Note, note) {
		tb.t.Errorf("card note %q, want it to start with %q", card.Note, note)
	}
	if frozen != strings.Contains(card.Note, "lúc chốt số liệu") {
		tb.t.Errorf("card note %q: says the allocations are frozen: %v, want %v", card.Note, !frozen, frozen)
	}
}

// checkFundsTable compares the funds table with the API, fund by fund.
func checkFundsTable(tb *tab, want apiFundUse) {
	tb.t.Helper()
	cells := eval[[][]string](tb, `[...document.querySelectorAll("#funds table tbody tr")].map((tr) => [...tr.children].map((td) => td.textContent))`)
	if len(cells) != len(want) {
		tb.t.Fatalf("funds table has %d rows, want the API's %d", len(cells), len(want))
	}
	for i, u := range want {
		wantAllocated := "chưa phân bổ"
		if u.Allocated != nil {
			wantAllocated = formatVND(*u.Allocated, "vi")
		}
		if cells[i][1] != wantAllocated || cells[i][2] != formatVND(u.Paid, "vi") {
			tb.t.Errorf("fund %s: row %q, want allocated %q and paid %q", u.Fund.Code, cells[i], wantAllocated, formatVND(u.Paid, "vi"))
		}
	}
}

// TestFundUseCardBesideASnapshot: a leader makes a snapshot, then every fund is raised and ward
// Quán Triều receives a new decision. Beside the snapshot the fund-use card and the funds table
// still divide by the allocations of the report's day (the city's, the ward's, and none for a ward
// that had none), and say so; the live figures divide by the new ones. Visitors, who see the
// official snapshot by default, get its frozen allocations too. Every figure is checked against the
// API, asked with the dashboard's own operations for that role and filter, at 390 and 1440 px.
func TestFundUseCardBesideASnapshot(t *testing.T) {
	ctx := context.Background()
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	// Phúc Hà received nothing: its decisions are taken away before the report.
	if _, err := d.NewRaw(`DELETE FROM fund_allocations WHERE unit_id IN (SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code = '05485')`).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	leader := srv.NewClient()
	leader.SignIn(t, "lanhdao", seedtest.DemoPassword)
	res := leader.GraphQL(t, operation(t, "CreateSnapshot"), map[string]any{"name": "Báo cáo 123", "document": "Báo cáo số 123/BC-UBND ngày 20/05/2020"})
	var made struct{ CreateSnapshot struct{ ID string } }
	if len(res.Errors) > 0 || json.Unmarshal(res.Data, &made) != nil || made.CreateSnapshot.ID == "" {
		t.Fatalf("create: %s", res.Raw)
	}
	id := made.CreateSnapshot.ID
	snapshotUse := func(filter map[string]any) apiFundUse {
		t.Helper()
		res := leader.GraphQL(t, operation(t, "SnapshotOverview"), map[string]any{"id": id, "filter": filter, "bucket": "WEEK"})
		var data struct{ Snapshot struct{ FundUse apiFundUse } }
		if len(res.Errors) > 0 || json.Unmarshal(res.Data, &data) != nil {
			t.Fatalf("SnapshotOverview: %s", res.Raw)
		}
		return data.Snapshot.FundUse
	}
	// What the visitor's page divides by: the frozen funds of the official snapshot (or, live, the
	// funds' figures today) and the public amounts paid from each.
	visitor := srv.NewClient()
	visitorFigures := func(official bool) cardFigures {
		t.Helper()
		allocated := map[string]*int64{}
		var paid []struct {
			Fund   struct{ Code string }
			Totals struct{ AmountPaid *int64 }
		}
		if official {
			res := visitor.GraphQL(t, operation(t, "OfficialOverview"), publicVars(map[string]any{}, "WEEK"))
			var data struct {
				OfficialSnapshot struct {
					Funds []struct {
						Fund      struct{ Code string }
						Allocated *int64
					}
					ByFund struct{ Rows json.RawMessage }
				}
			}
			if len(res.Errors) > 0 || json.Unmarshal(res.Data, &data) != nil {
				t.Fatalf("OfficialOverview: %s", res.Raw)
			}
			for _, f := range data.OfficialSnapshot.Funds {
				allocated[f.Fund.Code] = f.Allocated
			}
			json.Unmarshal(data.OfficialSnapshot.ByFund.Rows, &paid)
		} else {
			res := visitor.GraphQL(t, operation(t, "PublicOverview"), publicVars(map[string]any{}, "WEEK"))
			var data struct {
				ByFund struct{ Rows json.RawMessage }
			}
			if len(res.Errors) > 0 || json.Unmarshal(res.Data, &data) != nil {
				t.Fatalf("PublicOverview: %s", res.Raw)
			}
			json.Unmarshal(data.ByFund.Rows, &paid)
			res = visitor.GraphQL(t, operation(t, "Meta"), nil)
			var meta struct {
				Programs []struct {
					Funds []struct {
						Code      string
						Allocated int64
					}
				}
			}
			if len(res.Errors) > 0 || json.Unmarshal(res.Data, &meta) != nil {
				t.Fatalf("Meta: %s", res.Raw)
			}
			for _, p := range meta.Programs {
				for _, f := range p.Funds {
					a := f.Allocated
					allocated[f.Code] = &a
				}
			}
		}
		var use apiFundUse
		for code, a := range allocated {
			u := apiFundUse{{Allocated: a}}
			u[0].Fund.Code = code
			for _, p := range paid {
				if p.Fund.Code == code && p.Totals.AmountPaid != nil {
					u[0].Paid = *p.Totals.AmountPaid
				}
			}
			use = append(use, u...)
		}
		return figuresOf(use)
	}

	cases := []struct {
		name, search string
		filter       map[string]any
	}{
		{"city", "", map[string]any{}},
		{"ward", "wards=05431", map[string]any{"wards": []string{"05431"}}},
		{"ward-without-allocation", "wards=05485", map[string]any{"wards": []string{"05485"}}},
	}
	frozen := map[string]apiFundUse{}
	for _, c := range cases {
		frozen[c.name] = snapshotUse(c.filter)
		if live := fundUseOf(t, srv, "lanhdao", c.filter); fmt.Sprint(figuresOf(live)) != fmt.Sprint(figuresOf(frozen[c.name])) {
			t.Fatalf("%s: the snapshot's fund use %+v differs from the live one %+v before anything changed", c.name, figuresOf(frozen[c.name]), figuresOf(live))
		}
	}
	visitorFrozen := visitorFigures(true)

	// After the report: every fund is raised (a decision from outside the server), and the admin
	// gives Quán Triều more of the city budget.
	if _, err := d.ExecContext(ctx, "UPDATE funds SET allocated = allocated + 1000000000"); err != nil {
		t.Fatal(err)
	}
	if err := dataset.NewStore(d).Bump(ctx); err != nil {
		t.Fatal(err)
	}
	admin := srv.NewClient()
	admin.SignIn(t, "quantri", seedtest.DemoPassword)
	res = admin.GraphQL(t, `mutation { allocateFund(input: { program: "NQ42-2020", fund: "NSTP", unit: "05431", amount: 500000000,
		decision: "2001/QĐ-UBND", decidedOn: "2020-06-01" }) { id } }`, nil)
	if len(res.Errors) > 0 {
		t.Fatalf("allocateFund: %s", res.Raw)
	}
	// The server's figures held in memory follow a write from outside within the stated staleness.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if figuresOf(fundUseOf(t, srv, "lanhdao", map[string]any{})).allocated != figuresOf(frozen["city"]).allocated || time.Now().After(deadline) {
			break
		}
	}

	for _, c := range cases {
		live := fundUseOf(t, srv, "lanhdao", c.filter)
		if got := snapshotUse(c.filter); fmt.Sprint(figuresOf(got)) != fmt.Sprint(figuresOf(frozen[c.name])) {
			t.Errorf("%s: the API's snapshot fund use moved: %+v, was %+v", c.name, figuresOf(got), figuresOf(frozen[c.name]))
		}
		if c.name != "ward-without-allocation" && figuresOf(live).allocated == figuresOf(frozen[c.name]).allocated {
			t.Fatalf("%s: the live allocation did not move: the test shows nothing", c.name)
		}
		for _, width := range []int64{390, 1440} {
			t.Run(fmt.Sprintf("%s/%d", c.name, width), func(t *testing.T) {
				tb := signedInTab(t, srv, "lanhdao", width)
				liveSearch, snapshotSearch := "", "?official="+id
				if c.search != "" {
					liveSearch, snapshotSearch = "?"+c.search, "?"+c.search+"&official="+id
				}
				tb.open(srv, snapshotSearch)
				if got := tb.text("#official-note"); !strings.Contains(got, "Báo cáo 123") {
					t.Fatalf("beside the snapshot the note reads %q", got)
				}
				checkCard(tb, figuresOf(frozen[c.name]), true)
				checkFundsTable(tb, frozen[c.name])
				if strings.Contains(tb.text("#funds"), "2001/QĐ-UBND") {
					t.Error("beside the snapshot the funds panel names a decision made after it")
				}
				tb.screenshot(fmt.Sprintf("funduse-snapshot-%s-%d", c.name, width))
				if c.name == "ward" {
					// The ward's own page beside the snapshot: the same card.
					tb.open(srv, "?page=ward&ward=05431&official="+id)
					checkCard(tb, figuresOf(frozen[c.name]), true)
					tb.screenshotOf(".kpis", fmt.Sprintf("funduse-snapshot-ward-page-%d-kpis", width))
				}
				tb.screenshotOf(".kpis", fmt.Sprintf("funduse-snapshot-%s-%d-kpis", c.name, width))

				tb.open(srv, liveSearch)
				if c.name == "ward" && !strings.Contains(tb.text("#funds"), "2001/QĐ-UBND") {
					t.Error("the live funds panel does not name the new decision")
				}
				if n := eval[int](tb, `document.querySelectorAll("#official-note").length`); n != 0 {
					t.Error("the live figures say they are official")
				}
				checkCard(tb, figuresOf(live), false)
				checkFundsTable(tb, live)
				tb.screenshot(fmt.Sprintf("funduse-live-%s-%d", c.name, width))
				tb.screenshotOf(".kpis", fmt.Sprintf("funduse-live-%s-%d-kpis", c.name, width))
				tb.checkClean()
			})
		}
	}

	visitorLive := visitorFigures(false)
	if visitorLive.allocated == visitorFrozen.allocated {
		t.Fatal("the visitor's live allocation did not move: the test shows nothing")
	}
	if got := visitorFigures(true); got != visitorFrozen {
		t.Errorf("the official snapshot's public fund figures moved: %+v, were %+v", got, visitorFrozen)
	}
	for _, width := range []int64{390, 1440} {
		t.Run(fmt.Sprintf("visitor/%d", width), func(t *testing.T) {
			tb := newTab(t, width)
			tb.open(srv, "")
			if got := tb.text("#official-note"); !strings.Contains(got, "Báo cáo 123") {
				t.Fatalf("the visitor's note reads %q", got)
			}
			checkCard(tb, visitorFrozen, true)
			tb.screenshot(fmt.Sprintf("funduse-snapshot-visitor-%d", width))
			tb.screenshotOf(".kpis", fmt.Sprintf("funduse-snapshot-visitor-%d-kpis", width))
			tb.choose("#figures-source", "live")
			tb.waitReady("official=live")
			checkCard(tb, visitorLive, false)
			tb.checkClean()
		})
	}
}

// screenshotOf saves a close-up of the element, for people to read the card itself.
func (tb *tab) screenshotOf(sel, name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(tb.t), name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}
