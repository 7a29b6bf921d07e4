package dashboard_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestExportCSV follows the ward table's CSV link as the page offers it (same URL, same cookies)
// and checks the file: UTF-8 with BOM, a Vietnamese header, one row per ward and a total row whose
// figures are the API's.
func TestExportCSV(t *testing.T) {
	srv := demoServer(t)
	if res, err := http.Get(srv.URL + "/export/stats.csv?groupBy=WARD"); err != nil || res.StatusCode == http.StatusNotFound {
		t.Skip("PENDING: the API's export (GET /export/stats.csv) is not served yet; this test runs once it is")
	}
	var overview struct {
		Total  struct{ Total totals } `json:"total"`
		ByWard struct {
			Rows []struct {
				Ward   struct{ Code, Name string }
				Totals totals
			}
		} `json:"byWard"`
	}
	filter := map[string]any{"groups": []string{"HO_NGHEO"}}
	graphql(t, srv.URL, operation(t, "PublicOverview"), publicVars(filter, "WEEK"), &overview)

	tb := newTab(t, 1440)
	tb.do(chromedp.Navigate(srv.URL + "/?groups=HO_NGHEO"))
	tb.waitReady()
	link := eval[map[string]any](tb, `(() => { const a = document.querySelector('#wards [data-export="csv"]');
		return {href: a.href, download: a.hasAttribute("download"), xlsx: document.querySelector('#wards [data-export="xlsx"]').href}; })()`)
	if link["download"] != true {
		t.Errorf("CSV link is not a download: %v", link)
	}
	for _, want := range []string{"/export/stats.csv?", "groupBy=WARD", "groups=HO_NGHEO", "lang=vi", "orderBy=AMOUNT_PAID"} {
		if !strings.Contains(link["href"].(string), want) {
			t.Errorf("CSV link %v lacks %q", link["href"], want)
		}
	}
	if !strings.Contains(link["xlsx"].(string), "/export/stats.xlsx?") {
		t.Errorf("XLSX link %v", link["xlsx"])
	}
	got := eval[map[string]any](tb, `fetch(document.querySelector('#wards [data-export="csv"]').href, {credentials: "same-origin"})
		.then(async (r) => ({status: r.status, type: r.headers.get("Content-Type") || "", body: Array.from(new Uint8Array(await r.arrayBuffer()))}))`)
	if got["status"].(float64) != 200 {
		t.Fatalf("CSV export: HTTP %v", got["status"])
	}
	var body []byte
	for _, b := range got["body"].([]any) {
		body = append(body, byte(b.(float64)))
	}
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Errorf("CSV does not start with a UTF-8 BOM: % x", body[:min(8, len(body))])
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	if want := 1 + len(overview.ByWard.Rows) + 1; len(rows) != want {
		t.Errorf("CSV has %d rows, want %d (header, %d wards, total)", len(rows), want, len(overview.ByWard.Rows))
	}
	if !strings.Contains(strings.Join(rows[0], "|"), "Phường") {
		t.Errorf("CSV header is not Vietnamese: %q", rows[0])
	}
	for i, w := range overview.ByWard.Rows {
		if i+1 >= len(rows) {
			break
		}
		line := strings.Join(rows[i+1], "|")
		if !strings.Contains(line, w.Ward.Name) || !strings.Contains(digits(line), digits(groupDigits(w.Totals.AmountPaid, ""))) {
			t.Errorf("CSV row %d %q, want ward %s paid %d", i+1, line, w.Ward.Name, w.Totals.AmountPaid)
		}
	}
	last := strings.Join(rows[len(rows)-1], "|")
	if !strings.Contains(digits(last), groupDigits(overview.Total.Total.AmountPaid, "")) {
		t.Errorf("CSV total row %q, want total paid %d", last, overview.Total.Total.AmountPaid)
	}
	tb.checkClean()
}

func digits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// TestExportCSVWithholdsForVisitors: a visitor's export holds the public figures, as publicStats
// gives them: a ward counting fewer than 5 people has no figures, the others have the API's.
func TestExportCSVWithholdsForVisitors(t *testing.T) {
	srv := demoServer(t)
	res, err := http.Get(srv.URL + "/export/stats.csv?groupBy=WARD&groups=TAM_HOAN_HDLD&lang=vi")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		t.Skip("PENDING: the API's export (GET /export/stats.csv) is not served yet")
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	api := publicByWard(t, srv.URL, map[string]any{"groups": []string{"TAM_HOAN_HDLD"}})
	withheld := 0
	for _, row := range rows[1 : len(rows)-1] {
		w, ok := api[row[0]]
		switch {
		case !ok:
			t.Errorf("CSV row %q: no such ward in publicStats", row)
		case w.Suppressed:
			// Code, name, valid from, valid to, then the measures.
			withheld++
			if strings.Trim(strings.Join(row[4:], ""), " ") != "" {
				t.Errorf("ward %s is withheld from visitors, the CSV gives %q", row[0], row[4:])
			}
		case row[4] != fmt.Sprint(*w.AmountPaid) || row[5] != fmt.Sprint(*w.PeopleSupported):
			t.Errorf("ward %s: CSV %q, publicStats paid %d, people %d", row[0], row, *w.AmountPaid, *w.PeopleSupported)
		}
	}
	if withheld == 0 {
		t.Error("no withheld ward in the small group's export: the test proves nothing")
	}
}
