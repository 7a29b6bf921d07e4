package dashboard_test

// Helpers of the work pages' tests (import, lists and approval, audit): signing a tab in, choosing
// in a form, lists written to upload, the pipeline's figures as the API gives them.

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hotro/internal/app/apptest"
	"hotro/internal/seed/seedtest"
)

// signedInTab opens a tab (its own browser context) signed in as the demo account.
func signedInTab(t *testing.T, srv *apptest.Server, username string, width int64) *tab {
	t.Helper()
	return signIn(t, newTab(t, width), srv, username)
}

// signIn signs the tab in as the demo account.
func signIn(t *testing.T, tb *tab, srv *apptest.Server, username string) *tab {
	t.Helper()
	tb.do(chromedp.Navigate(srv.URL + "/?page=signin"))
	tb.waitFor(`document.body.dataset.state === "ready"`)
	status := eval[float64](tb, fmt.Sprintf(`fetch("auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
		body: JSON.stringify({username: %q, password: %q})}).then((r) => r.status)`, username, seedtest.DemoPassword))
	if status != 200 {
		t.Fatalf("sign in as %s: HTTP %v", username, status)
	}
	return tb
}

// open navigates to the dashboard's URL and waits until the page is drawn.
func (tb *tab) open(srv *apptest.Server, search string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(srv.URL + "/" + search))
	tb.waitFor(`document.body.dataset.state === "ready" || document.body.dataset.state === "error"`)
	if state := eval[string](tb, `document.body.dataset.state`); state != "ready" {
		tb.fail(fmt.Errorf("page %s: state %s: %s", search, state, tb.text("#status")))
	}
}

// choose picks an option of a select the way a person does: the value, then a change event.
func (tb *tab) choose(sel, value string) {
	tb.t.Helper()
	ok := eval[bool](tb, fmt.Sprintf(`(() => { const s = document.querySelector(%q); if (!s || ![...s.options].some((o) => o.value === %q)) return false;
		s.value = %q; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, sel, value, value))
	if !ok {
		tb.fail(fmt.Errorf("no option %q in %s", value, sel))
	}
}

// fill types text into an input, replacing what it held.
func (tb *tab) fill(sel, text string) {
	tb.t.Helper()
	if !eval[bool](tb, fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return false; el.value = ""; return true; })()`, sel)) {
		tb.fail(fmt.Errorf("no field %s", sel))
	}
	tb.do(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// listRow is one row of a list to upload, with the columns of the HO_NGHEO template.
type listRow struct {
	Name, CitizenID, Born, Gender string
	Members                       int
}

// writeList writes a CSV list (UTF-8 with a BOM, as Excel saves it) with the template's headers.
func writeList(t *testing.T, name string, rows []listRow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("\ufeffHọ và tên,Số CCCD/CMND,Ngày sinh,Giới tính,Số nhân khẩu,Địa chỉ,Số tháng hưởng,Số tiền (đồng),Ghi chú\r\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%d,Tổ %d,3,,\r\n", r.Name, r.CitizenID, r.Born, r.Gender, r.Members, i+1)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// poorHouseholds are three households of ward 05431 not on any list yet (IDs registered in Cà
// Mau, 096, which the demo data never uses): 250,000 đồng × members × 3 months each.
var poorHouseholds = []listRow{
	{"Nguyễn Văn An", "096085000101", "02/03/1985", "Nam", 4},
	{"Trần Thị Bình", "096190000102", "05/06/1990", "Nữ", 3},
	{"Lê Văn Cường", "096078000103", "01/01/1978", "Nam", 2},
}

const poorHouseholdsAmount = 250_000 * 3 * (4 + 3 + 2)

// pipeline is what the API says of ward 05431's poor households, for a signed-in admin.
type pipeline struct {
	AmountListed, AmountApproved, AmountPaid int64
}

func pipelineOf(t *testing.T, admin *apptest.Client) pipeline {
	t.Helper()
	r := admin.GraphQL(t, `query { stats(filter: {wards: ["05431"], groups: ["HO_NGHEO"]}) { total { amountListed amountApproved amountPaid } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("stats: %s", r.Raw)
	}
	var data struct {
		Stats struct{ Total pipeline }
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	return data.Stats.Total
}

// batchStatuses returns a batch's lines by status, from the API.
func batchStatuses(t *testing.T, admin *apptest.Client, batchID string) map[string]int {
	t.Helper()
	r := admin.GraphQL(t, `query { importBatches(wards: ["05431"]) { id statuses { status lines } } }`, nil)
	var data struct {
		ImportBatches []struct {
			ID       string
			Statuses []struct {
				Status string
				Lines  int
			}
		}
	}
	if err := json.Unmarshal(r.Data, &data); err != nil || len(r.Errors) > 0 {
		t.Fatalf("importBatches: %v %s", err, r.Raw)
	}
	for _, b := range data.ImportBatches {
		if b.ID == batchID {
			out := map[string]int{}
			for _, s := range b.Statuses {
				out[s.Status] = s.Lines
			}
			return out
		}
	}
	t.Fatalf("no batch %s in importBatches", batchID)
	return nil
}

// xlsxText returns the text of an XLSX file's shared strings and sheets, failing unless it is one.
func xlsxText(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the template is not an XLSX (zip) file: %v", err)
	}
	var text strings.Builder
	hasWorkbook := false
	for _, f := range zr.File {
		hasWorkbook = hasWorkbook || f.Name == "xl/workbook.xml"
		if f.Name == "xl/sharedStrings.xml" || strings.HasPrefix(f.Name, "xl/worksheets/") {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			text.Write(b)
		}
	}
	if !hasWorkbook {
		t.Fatal("the template has no xl/workbook.xml")
	}
	return text.String()
}

// importList has ward 05431's officer check and commit a HO_NGHEO list drawn up on 20/04/2020
// through the API, and returns the list's ID.
func importList(t *testing.T, officer *apptest.Client, name string, data []byte) string {
	t.Helper()
	input := map[string]any{"program": "NQ42-2020", "group": "HO_NGHEO", "ward": "05431", "listedOn": "2020-04-20", "file": nil}
	status, r := officer.Upload(t, `mutation($input: ImportInput!) { checkImport(input: $input) { uploadId status } }`,
		map[string]any{"input": input}, "variables.input.file", name, data)
	var checked struct {
		CheckImport struct{ UploadID, Status string }
	}
	if err := json.Unmarshal(r.Data, &checked); err != nil || checked.CheckImport.Status != "READY" {
		t.Fatalf("checkImport: %d %s", status, r.Raw)
	}
	r = officer.GraphQL(t, `mutation($id: ID!) { commitImport(id: $id) { batch { id } } }`, map[string]any{"id": checked.CheckImport.UploadID})
	var committed struct {
		CommitImport struct{ Batch struct{ ID string } }
	}
	if err := json.Unmarshal(r.Data, &committed); err != nil || committed.CommitImport.Batch.ID == "" {
		t.Fatalf("commitImport: %s", r.Raw)
	}
	return committed.CommitImport.Batch.ID
}
