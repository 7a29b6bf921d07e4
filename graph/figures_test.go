package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestLoadWardFigures: an admin loads population and households from CSV, all or nothing; a wrong
// row refuses the file with its line and what is wrong, in Vietnamese, and writes nothing; a reused
// code attaches to the unit valid at the end of the figures' year; the measures per inhabitant are
// the recount from the lines divided by the loaded population; no other role may load.
func TestLoadWardFigures(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			admin := newServer(t, d, &auth.Identity{UserID: 1, Username: "quantri", Role: auth.Admin})
			const load = `mutation($csv: String!) { loadWardFigures(csv: $csv) { rows years } }`
			figuresOf := func(code, asOf string) string {
				t.Helper()
				_, raw := post(t, admin.URL, `query($c: String!, $d: Date) { ward(code: $c, asOf: $d) { figures { year population households source illustrative } } }`,
					map[string]any{"c": code, "d": asOf})
				return string(raw)
			}
			before := figuresOf("05431", "2020-05-01")

			res, raw := post(t, newServer(t, d, analyst).URL, load, map[string]any{"csv": "ma_xa,nam,dan_so,so_ho,nguon\n05431,2021,30000,9000,Niên giám\n"})
			if len(res.Errors) == 0 || res.Errors[0]["extensions"].(map[string]any)["code"] != "FORBIDDEN" {
				t.Errorf("an analyst loads figures: %s", raw)
			}
			for _, bad := range []struct{ name, csv, says string }{
				{"a wrong row among good ones", "ma_xa,nam,dan_so,so_ho,nguon\n05431,2021,30000,9000,Niên giám\n05434,2021,1000,2000,Niên giám\n", "dòng 3: số hộ (2000) lớn hơn dân số (1000)"},
				{"an unknown code", "ward_code,year,population,households,source\n99999,2021,100,50,X\n", "dòng 2: không có phường/xã mã 99999"},
				{"a code not valid at the end of the year", "ma_xa,nam,dan_so,so_ho,nguon\n05437,2025,100,50,X\n", "không có hiệu lực ngày 31/12/2025"},
				{"a missing column", "ma_xa,nam,dan_so,nguon\n05431,2021,100,X\n", "Thiếu cột so_ho"},
				{"a duplicate", "ma_xa,nam,dan_so,so_ho,nguon\n05431,2021,100,50,X\n05431,2021,100,50,X\n", "trùng với dòng 2"},
				{"no source, a bad year", "ma_xa,nam,dan_so,so_ho,nguon\n05431,năm,100,50,\n", "năm \"năm\" không hợp lệ, thiếu nguồn số liệu"},
			} {
				t.Run(bad.name, func(t *testing.T) {
					res, raw := post(t, admin.URL, load, map[string]any{"csv": bad.csv})
					if len(res.Errors) == 0 {
						t.Fatalf("loaded: %s", raw)
					}
					msg, _ := res.Errors[0]["message"].(string)
					if res.Errors[0]["extensions"].(map[string]any)["code"] != "BAD_USER_INPUT" || !strings.Contains(msg, bad.says) {
						t.Errorf("error %s, want BAD_USER_INPUT saying %q", raw, bad.says)
					}
				})
			}
			if after := figuresOf("05431", "2020-05-01"); after != before {
				t.Fatalf("a refused file wrote figures:\nbefore %s\nafter  %s", before, after)
			}

			csv := "\ufeffMã xã,Năm,Dân số,Số hộ,Nguồn\n05431,2021,\"30.000\",9000,Niên giám thống kê 2021\n05443,2025,52000,15000,Niên giám thống kê 2025\n"
			res, raw = post(t, admin.URL, load, map[string]any{"csv": csv})
			if len(res.Errors) > 0 || !strings.Contains(string(raw), `"rows":2`) || !strings.Contains(string(raw), `"years":[2021,2025]`) {
				t.Fatalf("load: %s", raw)
			}
			// 05443 is reused: the 2025 figures are the 2025 unit's, not the 2020 ward's.
			if got := figuresOf("05443", "2025-07-01"); !strings.Contains(got, `"year":2025`) {
				t.Errorf("the 2025 unit 05443 has no 2025 figures: %s", got)
			}
			if got := figuresOf("05443", "2020-05-01"); strings.Contains(got, `"year":2025`) {
				t.Errorf("the 2020 ward 05443 got the 2025 figures: %s", got)
			}

			// Per inhabitant: the recount from the lines over the loaded population.
			var paid, people int64
			if err := d.NewRaw(`SELECT COALESCE(SUM(d.amount), 0) FROM disbursements AS d JOIN admin_units AS w ON w.id = d.ward_id
				WHERE w.code = '05431' AND d.status = 'PAID'`).Scan(context.Background(), &paid); err != nil {
				t.Fatal(err)
			}
			res, raw = post(t, admin.URL, `{ stats(groupBy: [WARD], filter: { wards: ["05431"] }) { rows { wardFigures(year: 2021) { population illustrative } amountPaidPerCapita(year: 2021) peopleSupportedPer1000(year: 2021) totals { amountPaid peopleSupported } } } }`, nil)
			var got struct {
				Stats struct {
					Rows []struct {
						WardFigures struct {
							Population   int64
							Illustrative bool
						}
						AmountPaidPerCapita    float64
						PeopleSupportedPer1000 float64
						Totals                 struct{ AmountPaid, PeopleSupported int64 }
					}
				}
			}
			if err := json.Unmarshal(res.Data, &got); err != nil || len(got.Stats.Rows) != 1 {
				t.Fatalf("stats: %s", raw)
			}
			row := got.Stats.Rows[0]
			people = row.Totals.PeopleSupported
			if row.Totals.AmountPaid != paid || row.WardFigures.Population != 30000 || row.WardFigures.Illustrative {
				t.Errorf("row %+v, want %d paid and the loaded 30,000 people, not illustrative", row, paid)
			}
			if row.AmountPaidPerCapita != float64(paid)/30000 || row.PeopleSupportedPer1000 != 1000*float64(people)/30000 {
				t.Errorf("per capita %v, per 1000 %v; want %v and %v", row.AmountPaidPerCapita, row.PeopleSupportedPer1000,
					float64(paid)/30000, 1000*float64(people)/30000)
			}
			_, raw = post(t, admin.URL, `{ auditEvents(first: 5) { edges { node { action } } } }`, nil)
			if !strings.Contains(string(raw), "wardfigures.load") {
				t.Errorf("the load is not in the audit trail: %.300s", raw)
			}
		})
	}
}
