package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"hotro/internal/app/apptest"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
)

// TestOfficialFigures: a leader freezes the figures on the official page; visitors then see the
// official snapshot's figures by default (its public figures, as the API gives them) and may switch
// to the live ones; after a line's amount is corrected the official figures stay, the live ones
// move, and the comparison names the ward that changed and the line, with its reason; the report
// downloads as PDF for the leader.
func TestOfficialFigures(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	leader := signedInTab(t, srv, "lanhdao", 1440)
	leader.open(srv, "?page=official")
	if got := leader.text("#snap-none"); got == "" {
		t.Error("no notice that there is no snapshot yet")
	}
	leader.fill("#snap-name", "Báo cáo 123")
	leader.fill("#snap-document", "Báo cáo số 123/BC-UBND ngày 20/05/2020")
	leader.click("#snap-create")
	leader.waitFor(`!!document.querySelector("#official-done")`)
	if got := leader.text(".snapshots-table"); !strings.Contains(got, "Báo cáo 123") || !strings.Contains(got, "Chính thức") || !strings.Contains(got, "lanhdao") {
		t.Errorf("the snapshots table reads %q", got)
	}
	leader.screenshot("official-page-1440")

	api := srv.NewClient()
	api.SignIn(t, "phantich", seedtest.DemoPassword)
	official := func() totals {
		res := api.GraphQL(t, `{ officialSnapshot { publicStats { total { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved } } } }`, nil)
		var out struct {
			OfficialSnapshot struct{ PublicStats struct{ Total totals } }
		}
		if err := json.Unmarshal(res.Data, &out); err != nil {
			t.Fatal(err)
		}
		return out.OfficialSnapshot.PublicStats.Total
	}
	live := func() totals {
		res := api.GraphQL(t, `{ stats { total { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved } } }`, nil)
		var out struct{ Stats struct{ Total totals } }
		if err := json.Unmarshal(res.Data, &out); err != nil {
			t.Fatal(err)
		}
		return out.Stats.Total
	}
	frozen := official()

	// A paid line's amount is corrected after the report.
	ctx := context.Background()
	var id int64
	var ward string
	if err := d.NewRaw(`SELECT l.id, u.code FROM disbursements l JOIN admin_units u ON u.id = l.ward_id WHERE l.status = 'PAID' ORDER BY l.id LIMIT 1`).Scan(ctx, &id, &ward); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, fmt.Sprintf(`UPDATE disbursements SET amount = amount + 500000 WHERE id = %d`, id)); err != nil {
		t.Fatal(err)
	}
	if err := dataset.NewStore(d).Bump(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rollup.Rebuild(ctx, d); err != nil {
		t.Fatal(err)
	}
	// The write came from outside the server, as from another instance: the server's figures held
	// in memory follow it within the staleness the README states (a second).
	now := live()
	for deadline := time.Now().Add(5 * time.Second); now.AmountPaid != frozen.AmountPaid+500000 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		now = live()
	}
	if now.AmountPaid != frozen.AmountPaid+500000 {
		t.Fatalf("live paid %d, official %d: the correction did not show", now.AmountPaid, frozen.AmountPaid)
	}

	for _, width := range []int64{390, 1440} {
		visitor := newTab(t, width)
		visitor.open(srv, "")
		if got := visitor.text("#official-note"); !strings.Contains(got, "Báo cáo 123") || !strings.Contains(got, "123/BC-UBND") {
			t.Errorf("%d px: the visitor's note reads %q", width, got)
		}
		visitor.checkKPIs(frozen, "vi")
		visitor.screenshot(fmt.Sprintf("official-visitor-%d", width))
		visitor.choose("#figures-source", "live")
		visitor.waitReady("official=live")
		if n := eval[int](visitor, `document.querySelectorAll("#official-note").length`); n != 0 {
			t.Errorf("%d px: the live figures still say they are official", width)
		}
		if got := visitor.kpis()["amountPaid"].Value; got != fmt.Sprint(now.AmountPaid) {
			t.Errorf("%d px: live amount paid shown %s, want %d", width, got, now.AmountPaid)
		}
		visitor.checkClean()
	}

	leader.open(srv, "?page=official")
	leader.click("#snap-diff-1")
	leader.waitReady("id=1")
	leader.waitFor(`!!document.querySelector("#diff-summary")`)
	table := leader.text(".diff-table")
	if !strings.Contains(table, ward) || !strings.Contains(table, fmt.Sprintf("Dòng %d: sửa số tiền", id)) {
		t.Errorf("the comparison reads %q; want ward %s and line %d corrected", table, ward, id)
	}
	if n := eval[int](leader, `document.querySelectorAll(".diff-table tbody tr").length`); n != 1 {
		t.Errorf("%d wards changed, want 1", n)
	}
	leader.screenshot("official-diff-1440")
	leader.do(leader.viewport(390))
	leader.screenshot("official-diff-390")

	leader.do(leader.viewport(1440))
	leader.open(srv, "?page=official")
	leader.fill("#report-signer", "Nguyễn Văn A")
	status := eval[string](leader, `fetch(document.querySelector("#report-pdf").href).then((r) => r.status + " " + r.headers.get("Content-Type"))`)
	if status != "200 application/pdf" {
		t.Errorf("the PDF download answers %s", status)
	}
	leader.do(leader.viewport(390))
	leader.screenshot("official-page-390")
	leader.checkClean()

	// The leader switches the overview to the snapshot: its signed-in figures, exactly.
	leader.do(leader.viewport(1440))
	leader.open(srv, "?official=1")
	if got := leader.text("#official-note"); !strings.Contains(got, "Báo cáo 123") {
		t.Errorf("the leader's overview of the snapshot reads %q", got)
	}
	if got := leader.kpis()["amountPaid"].Value; got != fmt.Sprint(frozen.AmountPaid) {
		t.Errorf("the snapshot's amount paid shown %s, want %d", got, frozen.AmountPaid)
	}
	leader.screenshot("official-leader-overview-1440")
}
