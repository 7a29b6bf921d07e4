package export_test

import (
	"encoding/json"
	"net/http"
	"testing"

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
