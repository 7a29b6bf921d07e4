package export_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestDisbursementsExport: /export/disbursements takes the stats exports' filter (province, round,
// paid dates, statuses…), and lists the very lines a recount from the table selects, masked for an
// analyst; the sum of its PAID lines is the amountPaid of the same filter.
func TestDisbursementsExport(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			srv := apptest.Start(t, d, nil)
			ctx := context.Background()
			// The recount: the first round's lines in province 19 paid by 31/05/2020.
			var recount []struct {
				Amount   int64  `bun:"amount"`
				FullName string `bun:"full_name"`
			}
			if err := d.NewRaw(`SELECT d.amount, b.full_name FROM disbursements AS d
  JOIN beneficiaries AS b ON b.id = d.beneficiary_id
  JOIN admin_units AS w ON w.id = d.ward_id JOIN admin_units AS wp ON wp.id = w.parent_id
  LEFT JOIN admin_units AS wpp ON wpp.id = wp.parent_id
WHERE d.group_id IN (SELECT rg.group_id FROM payment_round_groups AS rg JOIN payment_rounds AS r ON r.id = rg.round_id WHERE r.code = 'NQ42_DOT1')
  AND (CASE WHEN wp.level = 'PROVINCE' THEN wp.code ELSE wpp.code END) = '19'
  AND d.paid_on <= '2020-05-31' AND d.status = 'PAID'`).Scan(ctx, &recount); err != nil {
				t.Fatal(err)
			}
			var sum int64
			full, masked := map[string]bool{}, map[string]bool{}
			for _, r := range recount {
				sum += r.Amount
				full[r.FullName] = true
				masked[auth.MaskName(r.FullName)] = true
			}
			if len(recount) == 0 {
				t.Fatal("the recount has no lines: choose a filter that has")
			}
			c := srv.NewClient()
			c.SignIn(t, "phantich", seedtest.DemoPassword)
			const filter = "provinces=19&rounds=NQ42_DOT1&paidTo=2020-05-31&statuses=PAID"
			status, body := c.Do(t, http.MethodGet, "/export/disbursements.csv?"+filter+"&orderBy=AMOUNT&direction=DESC", nil)
			if status != 200 {
				t.Fatalf("status %d: %.300s", status, body)
			}
			rows := readCSV(t, body)
			lines := rows[1 : len(rows)-1]
			if len(lines) != len(recount) {
				t.Errorf("%d lines, the recount has %d", len(lines), len(recount))
			}
			maskedID := regexp.MustCompile(`^(\*{5}|\*{8})\d{4}$`)
			var got int64
			for _, r := range lines {
				amount, err := strconv.ParseInt(r[6], 10, 64)
				if err != nil {
					t.Fatalf("amount %q", r[6])
				}
				got += amount
				if full[r[1]] || !masked[r[1]] {
					t.Errorf("name %q: want a masked name", r[1])
				}
				if r[2] != "" && !maskedID.MatchString(r[2]) {
					t.Errorf("ID %q: want the last four digits only", r[2])
				}
			}
			if got != sum {
				t.Errorf("lines sum to %d, the recount to %d", got, sum)
			}
			// The same filter's stats: the figure and its lines agree.
			res := c.GraphQL(t, `{ stats(filter: { provinces: ["19"], rounds: ["NQ42_DOT1"], paidTo: "2020-05-31", statuses: [PAID] }) { total { amountPaid disbursements } } }`, nil)
			var stats struct {
				Stats struct {
					Total struct{ AmountPaid, Disbursements int64 }
				}
			}
			if err := json.Unmarshal(res.Data, &stats); err != nil {
				t.Fatalf("%s", res.Raw)
			}
			if stats.Stats.Total.AmountPaid != sum || stats.Stats.Total.Disbursements != int64(len(recount)) {
				t.Errorf("stats = %+v, want %d đồng in %d lines", stats.Stats.Total, sum, len(recount))
			}
			if status, body := c.Do(t, http.MethodGet, "/export/disbursements.xlsx?"+filter+"&lang=en", nil); status != 200 {
				t.Errorf("XLSX: status %d: %.300s", status, body)
			} else if got := readXLSX(t, body, []string{"Payment lines", "Query"}); len(got) != len(recount)+2 {
				t.Errorf("XLSX: %d rows, want %d lines, a header and a total", len(got), len(recount))
			}
			for _, bad := range []struct{ name, path, code string }{
				{"the stats' grouping is not a list's", "/export/disbursements.csv?groupBy=WARD", "BAD_USER_INPUT"},
				{"a bad date", "/export/disbursements.csv?paidTo=2020-02-30", "BAD_USER_INPUT"},
				{"an unknown round", "/export/disbursements.csv?rounds=NOPE", "BAD_USER_INPUT"},
			} {
				t.Run(bad.name, func(t *testing.T) {
					status, body := c.Do(t, http.MethodGet, bad.path, nil)
					var e struct{ Error, Code string }
					if status != 400 || json.Unmarshal(body, &e) != nil || e.Code != bad.code || e.Error == "" {
						t.Errorf("status %d %.300s, want 400 %s", status, body, bad.code)
					}
				})
			}
			if status, _ := srv.NewClient().Do(t, http.MethodGet, "/export/disbursements.csv?provinces=19", nil); status != http.StatusUnauthorized {
				t.Errorf("a visitor: status %d, want 401", status)
			}
		})
	}
}
