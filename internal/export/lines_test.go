package export_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
	"hotro/internal/vntext"
)

// TestLinesExport: the lines export holds what the ward page shows (the search, filter and order of
// its disbursements query), one row per line and a total, with names and IDs as the caller may see
// them: in full for the ward's officer, masked for a leader, nothing for a visitor.
func TestLinesExport(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			srv := apptest.Start(t, d, nil)
			ctx := context.Background()
			var fullNames []string
			if err := d.NewRaw(`SELECT b.full_name FROM disbursements AS d JOIN beneficiaries AS b ON b.id = d.beneficiary_id
  JOIN admin_units AS w ON w.id = d.ward_id WHERE w.code = '05431'`).Scan(ctx, &fullNames); err != nil {
				t.Fatal(err)
			}
			full, masked := map[string]bool{}, map[string]bool{}
			nguyen := 0
			for _, n := range fullNames {
				full[n] = true
				masked[auth.MaskName(n)] = true
				if strings.Contains(vntext.Fold(n), "nguyen") {
					nguyen++
				}
			}
			get := func(t *testing.T, username, path string) (int, []byte) {
				t.Helper()
				c := srv.NewClient()
				if username != "" {
					c.SignIn(t, username, seedtest.DemoPassword)
				}
				return c.Do(t, http.MethodGet, path, nil)
			}

			t.Run("the officer's search, by amount, in full", func(t *testing.T) {
				status, body := get(t, "canbo.quantrieu", "/export/lines.csv?wards=05431&search=nguyen&orderBy=AMOUNT&direction=DESC")
				if status != 200 {
					t.Fatalf("status %d: %.300s", status, body)
				}
				rows := readCSV(t, body)
				lines := rows[1 : len(rows)-1]
				if len(lines) != nguyen || nguyen == 0 {
					t.Fatalf("%d lines, want the %d of recipients named Nguyễn in 05431", len(lines), nguyen)
				}
				prev, sum := int64(1<<62), int64(0)
				for _, r := range lines {
					if !full[r[1]] || !strings.Contains(vntext.Fold(r[1]), "nguyen") {
						t.Errorf("name %q: want a full name with nguyen", r[1])
					}
					amount, err := strconv.ParseInt(r[6], 10, 64)
					if err != nil || amount > prev {
						t.Errorf("amount %q after %d: want whole đồng, largest first", r[6], prev)
					}
					prev, sum = amount, sum+amount
				}
				total := rows[len(rows)-1]
				if total[1] != "Tổng cộng: "+strconv.Itoa(nguyen)+" dòng" || total[6] != strconv.FormatInt(sum, 10) {
					t.Errorf("total row %q, want %d lines and %d đồng", total, nguyen, sum)
				}
			})
			t.Run("a leader's export is masked", func(t *testing.T) {
				status, body := get(t, "lanhdao", "/export/lines.csv?wards=05431&orderBy=NAME")
				if status != 200 {
					t.Fatalf("status %d: %.300s", status, body)
				}
				rows := readCSV(t, body)
				lines := rows[1 : len(rows)-1]
				if len(lines) != len(fullNames) {
					t.Fatalf("%d lines, want %d", len(lines), len(fullNames))
				}
				maskedID := regexp.MustCompile(`^(\*{5}|\*{8})\d{4}$`)
				for _, r := range lines {
					if full[r[1]] || !masked[r[1]] {
						t.Errorf("name %q: want a masked name", r[1])
					}
					if r[2] != "" && !maskedID.MatchString(r[2]) {
						t.Errorf("ID %q: want only the last four digits", r[2])
					}
				}
				if _, body := get(t, "lanhdao", "/export/lines.xlsx?wards=05431"); strings.Contains(string(body), fullNames[0]) {
					t.Errorf("the XLSX holds the full name %q", fullNames[0])
				}
			})
			t.Run("a leader may not search by name", func(t *testing.T) {
				status, body := get(t, "lanhdao", "/export/lines.csv?search=nguyen")
				var e struct{ Error, Code string }
				if status != 403 || json.Unmarshal(body, &e) != nil || e.Code != "FORBIDDEN" {
					t.Errorf("status %d %s, want 403 FORBIDDEN", status, body)
				}
			})
			t.Run("XLSX", func(t *testing.T) {
				status, body := get(t, "canbo.quantrieu", "/export/lines.xlsx?wards=05431&lang=en")
				if status != 200 {
					t.Fatalf("status %d: %.300s", status, body)
				}
				rows := readXLSX(t, body, []string{"Payment lines", "Query"})
				if len(rows) != len(fullNames)+2 {
					t.Errorf("%d rows, want %d lines, a header and a total", len(rows), len(fullNames))
				}
			})
			for _, c := range []struct{ name, username, path, code string }{
				{"a visitor gets nothing", "", "/export/lines.csv", "UNAUTHENTICATED"},
				{"another ward is refused", "canbo.quantrieu", "/export/lines.csv?wards=05434", "FORBIDDEN"},
				{"an unknown order", "canbo.quantrieu", "/export/lines.csv?orderBy=WHO", "BAD_USER_INPUT"},
			} {
				t.Run(c.name, func(t *testing.T) {
					status, body := get(t, c.username, c.path)
					var e struct{ Error, Code string }
					if status == 200 || json.Unmarshal(body, &e) != nil || e.Code != c.code || e.Error == "" {
						t.Errorf("status %d %.300s, want code %s", status, body, c.code)
					}
				})
			}
		})
	}
}
