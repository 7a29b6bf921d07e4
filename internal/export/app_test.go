package export_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// Through the whole of hotro, who asks decides what the file holds: an analyst gets every ward, a
// ward officer their own ward only and is refused another, and a visitor gets the public figures.
func TestExportThroughTheApp(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), nil)
	client := func(username string) *apptest.Client {
		c := srv.NewClient()
		if username != "" {
			c.SignIn(t, username, seedtest.DemoPassword)
		}
		return c
	}
	tests := []struct {
		name, username, path string
		wantStatus           int
		wantWards            int    // rows between the header and the total, for a 200 (0: any; -1: an XLSX)
		wantCode             string // for an error
		wantWithheld         bool   // some cells are withheld (left empty)
	}{
		{"an analyst gets every ward", "phantich", "/export/stats.csv?groupBy=WARD", 200, 32, "", false},
		{"an analyst gets every small cell", "phantich", "/export/stats.csv?groupBy=WARD&groups=TAM_HOAN_HDLD", 200, 0, "", false},
		{"a ward officer gets their ward", "canbo.quantrieu", "/export/stats.csv?groupBy=WARD", 200, 1, "", false},
		{"a ward officer is refused another ward", "canbo.quantrieu", "/export/stats.csv?groupBy=WARD&wards=05434", 403, 0, "FORBIDDEN", false},
		{"a visitor gets the public figures, small cells withheld", "", "/export/stats.csv?groupBy=WARD&groups=TAM_HOAN_HDLD", 200, 0, "", true},
		{"the XLSX is served too", "phantich", "/export/stats.xlsx?groupBy=GROUP&lang=en", 200, -1, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := client(tt.username).Do(t, http.MethodGet, tt.path, nil)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %.300s", status, tt.wantStatus, body)
			}
			if status != 200 {
				var e struct{ Error, Code string }
				if err := json.Unmarshal(body, &e); err != nil || e.Code != tt.wantCode || e.Error == "" {
					t.Errorf("error %s, want code %s and a message", body, tt.wantCode)
				}
				return
			}
			if tt.wantWards < 0 {
				readXLSX(t, body, []string{"Statistics", "Query"})
				return
			}
			rows := readCSV(t, body)
			if got := len(rows) - 2; tt.wantWards > 0 && got != tt.wantWards {
				t.Errorf("%d wards, want %d", got, tt.wantWards)
			}
			if tt.wantWards == 1 && rows[1][0] != "05431" {
				t.Errorf("the ward officer got ward %s, want 05431", rows[1][0])
			}
			withheld := 0
			for _, r := range rows[1 : len(rows)-1] {
				if r[len(r)-1] == "" {
					withheld++
				}
			}
			if (withheld > 0) != tt.wantWithheld {
				t.Errorf("%d of %d rows withheld, want some: %v", withheld, len(rows)-2, tt.wantWithheld)
			}
		})
	}
}

// TestExportSaysWhichUnitACodeMatched: the query sheet of an export filtered by a code that has
// named two units (the 2020 ward and the 2025 unit reusing it) says which one the filter matched,
// as the API's notice does; a code named once gets no such line.
func TestExportSaysWhichUnitACodeMatched(t *testing.T) {
	srv := apptest.Start(t, seedtest.Demo(t, dbtest.Dialects()[0]), nil)
	c := srv.NewClient()
	c.SignIn(t, "phantich", seedtest.DemoPassword)
	notes := func(path string) []string {
		t.Helper()
		status, body := c.Do(t, http.MethodGet, path, nil)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d: %.300s", path, status, body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetList()[1])
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			if len(r) == 2 && r[0] == "Mã đơn vị đã dùng cho nhiều đơn vị" {
				out = append(out, r[1])
			}
		}
		return out
	}
	got := notes("/export/stats.xlsx?groupBy=GROUP&wards=05443")
	if len(got) != 1 || !strings.Contains(got[0], "Mã 05443 đã dùng cho 2 đơn vị") ||
		!strings.Contains(got[0], "bộ lọc lấy các dòng theo đơn vị nơi chi trả: Phường Trưng Vương") {
		t.Errorf("query sheet notes %q, want the one of code 05443 matching Phường Trưng Vương", got)
	}
	if got := notes("/export/stats.xlsx?groupBy=GROUP&wards=05443&unitsAsOf=2025-07-01"); len(got) != 1 ||
		!strings.Contains(got[0], "Với unitsAsOf 01/07/2025, bộ lọc lấy các dòng quy về Phường Phan Đình Phùng") {
		t.Errorf("with unitsAsOf: notes %q, want the 2025 unit named", got)
	}
	if got := notes("/export/stats.xlsx?groupBy=GROUP&wards=05431"); len(got) != 0 {
		t.Errorf("a code named once got notes %q", got)
	}
}
