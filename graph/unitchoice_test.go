package graph_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"hotro/internal/auth"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
	"hotro/internal/snapshot"
)

// TestCodeWithoutDateSaysWhichUnit: a unit asked for by a reused code without a date says the rule
// it was chosen by (LATEST) and the other units of the code, with a date AS_OF and the date; a stats
// filter by a code that named two units says, in extensions.unitCodes, the unit its lines were
// matched under (the one they were paid in, or the one of unitsAsOf), and that unit's own row holds
// exactly the answer's total; a filter whose codes named one unit each says nothing.
func TestCodeWithoutDateSaysWhichUnit(t *testing.T) {
	type period struct {
		Code, Name, ValidFrom string
		ValidTo               *string
	}
	type resolution struct {
		Rule, Code         string
		AsOf               *string
		OtherUnitsWithCode []period
	}
	type notice struct {
		Path, Filter, Code, Rule, Message string
		UnitsAsOf                         *string
		Chosen, Others                    []period
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			srv := newServer(t, d, analyst)
			ask := func(q string) (json.RawMessage, []notice) {
				t.Helper()
				_, raw := post(t, srv.URL, q, nil)
				var r struct {
					Data       json.RawMessage
					Errors     []any
					Extensions struct{ UnitCodes []notice }
				}
				if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
					t.Fatalf("%s: %s", q, raw)
				}
				return r.Data, r.Extensions.UnitCodes
			}

			t.Run("ward by code", func(t *testing.T) {
				data, _ := ask(`{ latest: ward(code: "05443") { name validTo resolvedBy { rule code asOf otherUnitsWithCode { code name validFrom validTo } } }
					dated: ward(code: "05443", asOf: "2020-05-01") { name resolvedBy { rule code asOf otherUnitsWithCode { name } } }
					nested: stats(groupBy: [WARD], filter: { wards: ["05431"] }) { rows { ward { resolvedBy { rule } } } } }`)
				var got struct {
					Latest struct {
						Name       string
						ValidTo    *string
						ResolvedBy resolution
					}
					Dated struct {
						Name       string
						ResolvedBy resolution
					}
					Nested struct {
						Rows []struct {
							Ward struct{ ResolvedBy *resolution }
						}
					}
				}
				if err := json.Unmarshal(data, &got); err != nil {
					t.Fatal(err)
				}
				if l := got.Latest; l.Name != "Phường Phan Đình Phùng" || l.ValidTo != nil || l.ResolvedBy.Rule != "LATEST" || l.ResolvedBy.AsOf != nil ||
					len(l.ResolvedBy.OtherUnitsWithCode) != 1 || l.ResolvedBy.OtherUnitsWithCode[0].Name != "Phường Trưng Vương" ||
					l.ResolvedBy.OtherUnitsWithCode[0].ValidTo == nil || *l.ResolvedBy.OtherUnitsWithCode[0].ValidTo != "2025-06-30" {
					t.Errorf("ward(code: 05443) = %+v, want today's unit, rule LATEST, Trưng Vương (to 2025-06-30) named as the other", l)
				}
				if d := got.Dated; d.Name != "Phường Trưng Vương" || d.ResolvedBy.Rule != "AS_OF" || d.ResolvedBy.AsOf == nil || *d.ResolvedBy.AsOf != "2020-05-01" ||
					len(d.ResolvedBy.OtherUnitsWithCode) != 1 || d.ResolvedBy.OtherUnitsWithCode[0].Name != "Phường Phan Đình Phùng" {
					t.Errorf("ward(code: 05443, asOf: 2020-05-01) = %+v, want Trưng Vương, AS_OF 2020-05-01", d)
				}
				if len(got.Nested.Rows) != 1 || got.Nested.Rows[0].Ward.ResolvedBy != nil {
					t.Errorf("a ward inside a stats row has resolvedBy %+v, want null (not asked for by code)", got.Nested.Rows)
				}
			})

			t.Run("stats filter by a reused code", func(t *testing.T) {
				data, notices := ask(`{ paidIn: stats(filter: { wards: ["05443"] }) { total { amountPaid } }
					asOf: stats(filter: { wards: ["05443"] }, unitsAsOf: "2025-07-01") { total { amountPaid } }
					byWard: stats(groupBy: [WARD]) { rows { ward { code name validFrom } totals { amountPaid } } }
					under2025: stats(groupBy: [WARD], unitsAsOf: "2025-07-01") { rows { ward { code name validFrom } totals { amountPaid } } } }`)
				var got struct {
					PaidIn, AsOf      struct{ Total struct{ AmountPaid int64 } }
					ByWard, Under2025 struct {
						Rows []struct {
							Ward   period
							Totals struct{ AmountPaid int64 }
						}
					}
				}
				if err := json.Unmarshal(data, &got); err != nil {
					t.Fatal(err)
				}
				if len(notices) != 2 {
					t.Fatalf("unitCodes = %+v, want one notice for each of the two stats filtered by 05443", notices)
				}
				rowOf := func(rows []struct {
					Ward   period
					Totals struct{ AmountPaid int64 }
				}, p period) int64 {
					var sum int64
					for _, r := range rows {
						if r.Ward.Code == p.Code && r.Ward.ValidFrom == p.ValidFrom {
							sum += r.Totals.AmountPaid
						}
					}
					return sum
				}
				for _, c := range []struct {
					path, rule, chosen string
					total              int64
					rows               []struct {
						Ward   period
						Totals struct{ AmountPaid int64 }
					}
				}{
					{"asOf", "UNITS_AS_OF", "Phường Phan Đình Phùng", got.AsOf.Total.AmountPaid, got.Under2025.Rows},
					{"paidIn", "PAID_IN", "Phường Trưng Vương", got.PaidIn.Total.AmountPaid, got.ByWard.Rows},
				} {
					var n *notice
					for i := range notices {
						if notices[i].Path == c.path {
							n = &notices[i]
						}
					}
					if n == nil {
						t.Errorf("%s: no notice in %+v", c.path, notices)
						continue
					}
					if n.Filter != "wards" || n.Code != "05443" || n.Rule != c.rule || len(n.Chosen) != 1 || n.Chosen[0].Name != c.chosen || len(n.Others) != 1 {
						t.Errorf("%s: notice %+v, want rule %s choosing %s, the other named", c.path, *n, c.rule, c.chosen)
						continue
					}
					if !strings.Contains(n.Message, c.chosen) || !strings.Contains(n.Message, "Mã 05443 đã dùng cho 2 đơn vị") {
						t.Errorf("%s: message %q does not name the unit chosen", c.path, n.Message)
					}
					// The number is the chosen unit's: its own row, grouped by WARD, holds the total.
					if own := rowOf(c.rows, n.Chosen[0]); own != c.total || c.total == 0 {
						t.Errorf("%s: total %d, the chosen unit %s's row %d", c.path, c.total, c.chosen, own)
					}
				}
			})

			t.Run("a list of lines by a reused code", func(t *testing.T) {
				data, notices := ask(`{ disbursements(filter: { wards: ["05443"] }, first: 1) { totalCount }
					stats(filter: { wards: ["05443"] }) { total { disbursements } } }`)
				var got struct {
					Disbursements struct{ TotalCount int }
					Stats         struct{ Total struct{ Disbursements int } }
				}
				if err := json.Unmarshal(data, &got); err != nil {
					t.Fatal(err)
				}
				if got.Disbursements.TotalCount == 0 || got.Disbursements.TotalCount != got.Stats.Total.Disbursements {
					t.Errorf("disbursements %d lines, stats %d", got.Disbursements.TotalCount, got.Stats.Total.Disbursements)
				}
				var paths []string
				for _, n := range notices {
					paths = append(paths, n.Path)
					if n.Rule != "PAID_IN" || len(n.Chosen) != 1 || n.Chosen[0].Name != "Phường Trưng Vương" {
						t.Errorf("%s: notice %+v, want Trưng Vương chosen (the lines were paid there)", n.Path, n)
					}
				}
				if strings.Join(paths, ",") != "disbursements,stats" {
					t.Errorf("notices for %v, want disbursements and stats (sorted)", paths)
				}
			})

			t.Run("a ward officer learns nothing of other units' lines", func(t *testing.T) {
				// The officer of today's 05443 (Phan Đình Phùng, no lines in the demo) asks by the
				// code: the 2020 ward's lines are outside their scope, so it is not "chosen".
				data, _ := ask(`{ ward(code: "05443") { id name } }`)
				var got struct{ Ward struct{ ID, Name string } }
				if err := json.Unmarshal(data, &got); err != nil {
					t.Fatal(err)
				}
				wardID, err := strconv.ParseInt(got.Ward.ID, 10, 64)
				if err != nil {
					t.Fatalf("ward id %q", got.Ward.ID)
				}
				officer := newServer(t, d, &auth.Identity{UserID: 99, Username: "canbo.pdp", Role: auth.WardOfficer, WardIDs: []int64{wardID}})
				_, raw := post(t, officer.URL, `{ stats(filter: { wards: ["05443"] }) { total { amountPaid } } }`, nil)
				var r struct {
					Data struct {
						Stats struct{ Total struct{ AmountPaid int64 } }
					}
					Extensions struct{ UnitCodes []notice }
				}
				if err := json.Unmarshal(raw, &r); err != nil || len(r.Extensions.UnitCodes) != 1 {
					t.Fatalf("officer: %s", raw)
				}
				n := r.Extensions.UnitCodes[0]
				if r.Data.Stats.Total.AmountPaid != 0 || len(n.Chosen) != 0 || len(n.Others) != 2 || strings.Contains(n.Message, "nơi chi trả: Phường") {
					t.Errorf("officer of %s: total %d, notice %+v: want nothing chosen (Trưng Vương's lines are not theirs)", got.Ward.Name, r.Data.Stats.Total.AmountPaid, n)
				}
			})

			t.Run("codes that named one unit say nothing", func(t *testing.T) {
				_, notices := ask(`{ stats(filter: { wards: ["05431"], districts: ["164"], provinces: ["19"] }) { total { amountPaid } } }`)
				if len(notices) != 0 {
					t.Errorf("unitCodes = %+v, want none", notices)
				}
			})
		})
	}
}

// TestSnapshotFiguresSayWhichUnit: a snapshot's figures filtered by a reused code carry the same
// notice as today's figures, so that a frozen report is never silently of another unit than the
// reader thinks; a code named once gets none.
func TestSnapshotFiguresSayWhichUnit(t *testing.T) {
	type notice struct {
		Path, Filter, Code, Rule string
		Chosen, Others           []struct{ Name string }
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			r := newResolver(t, d)
			r.Snapshots = snapshot.NewService(d, rollup.NewEngineShared(d, r.Reference), r.Reference, dataset.NewStore(d).Version, time.Now, 5)
			leader := serve(t, r, &auth.Identity{UserID: 2, Username: "lanhdao", Role: auth.Leader})
			res, raw := post(t, leader.URL, `mutation { createSnapshot(name: "Báo cáo", document: "Báo cáo số 1/BC-UBND") { id } }`, nil)
			var made struct{ CreateSnapshot struct{ ID string } }
			if len(res.Errors) > 0 || json.Unmarshal(res.Data, &made) != nil || made.CreateSnapshot.ID == "" {
				t.Fatalf("create: %s", raw)
			}
			an := serve(t, r, analyst)
			ask := func(q string) []notice {
				t.Helper()
				_, raw := post(t, an.URL, q, map[string]any{"id": made.CreateSnapshot.ID})
				var out struct {
					Errors     []any
					Extensions struct{ UnitCodes []notice }
				}
				if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
					t.Fatalf("%s: %s", q, raw)
				}
				return out.Extensions.UnitCodes
			}
			live := ask(`query($id: ID!) { stats(filter: { wards: ["05443"] }) { total { amountPaid } } snapshot(id: $id) { id } }`)
			frozen := ask(`query($id: ID!) { snapshot(id: $id) { stats(filter: { wards: ["05443"] }) { total { amountPaid } }
				publicStats(filter: { wards: ["05443"] }) { total { amountPaid } } } }`)
			if len(live) != 1 || len(frozen) != 2 {
				t.Fatalf("notices: live %+v, snapshot %+v; want one each for the snapshot's stats and publicStats", live, frozen)
			}
			paths := map[string]bool{}
			for _, n := range frozen {
				paths[n.Path] = true
				if n.Code != "05443" || n.Filter != "wards" || n.Rule != live[0].Rule || len(n.Chosen) != len(live[0].Chosen) ||
					len(n.Chosen) == 0 || n.Chosen[0].Name != live[0].Chosen[0].Name || len(n.Others) != len(live[0].Others) {
					t.Errorf("snapshot notice %+v, want the live one %+v", n, live[0])
				}
			}
			if !paths["snapshot.stats"] || !paths["snapshot.publicStats"] {
				t.Errorf("notice paths %v, want snapshot.stats and snapshot.publicStats", paths)
			}
			if once := ask(`query($id: ID!) { snapshot(id: $id) { stats(filter: { wards: ["05431"] }) { total { amountPaid } } } }`); len(once) != 0 {
				t.Errorf("a code named once got notices %+v", once)
			}
		})
	}
}
