package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestWorkingGroupLeavesARecordEverywhere: the working group's export of a ward's lines gives
// names and IDs in full, each recipient recorded in the audit trail; the same query asked twice
// through the server (where answers are cached) is recorded twice; and its account cannot commit an
// import or allocate a fund.
func TestWorkingGroupLeavesARecordEverywhere(t *testing.T) {
	d, err := seedtest.Fresh(t, dbtest.Dialects()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, d, nil)
	group := srv.NewClient()
	group.SignIn(t, "giamsat", seedtest.DemoPassword)
	reads := func() int {
		var n int
		if err := d.NewRaw("SELECT COUNT(*) FROM audit_events WHERE actor = 'giamsat' AND action = 'personal.read'").Scan(context.Background(), &n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	status, body := group.Do(t, http.MethodGet, "/export/lines.csv?wards=05485&orderBy=ID", nil)
	if status != http.StatusOK {
		t.Fatalf("export: HTTP %d: %s", status, body)
	}
	rows := strings.Count(strings.TrimSpace(string(body)), "\n") - 1 // the header and the total row
	if strings.Contains(string(body), "********") {
		t.Error("the working group's export masks IDs")
	}
	if n := reads(); n == 0 || n > rows {
		t.Errorf("%d reads recorded for an export of %d lines", n, rows)
	}

	before := reads()
	const q = `{ disbursements(filter: { wards: ["05431"] }, first: 3) { edges { node { beneficiary { citizenId } } } } }`
	for range 2 {
		if r := group.GraphQL(t, q, nil); len(r.Errors) > 0 {
			t.Fatal(string(r.Raw))
		}
	}
	if got := reads() - before; got != 6 {
		t.Errorf("the same query twice recorded %d reads, want 6: an answer came from the cache", got)
	}

	r := group.GraphQL(t, `mutation { allocateFund(input: { program: "NQ42-2020", fund: "NSTP", unit: "05431", amount: 1000, decision: "1/QĐ", decidedOn: "2020-04-28" }) { id } }`, nil)
	if r.Code() != "FORBIDDEN" {
		t.Errorf("the working group allocates a fund: %s", r.Raw)
	}
	vars := map[string]any{"input": map[string]any{"program": "NQ42-2020", "group": "HO_NGHEO", "ward": "05431", "listedOn": "2020-04-20", "file": nil}}
	_, up := group.Upload(t, checkImport, vars, "variables.input.file", "ds.csv", []byte("Họ và tên,Số CCCD/CMND,Số nhân khẩu\r\nPhạm Văn A,001085778101,2\r\n"))
	if up.Code() != "FORBIDDEN" {
		t.Errorf("the working group checks an import: %s", up.Raw)
	}
}
