package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"hotro/internal/auth"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/reference"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
	"hotro/internal/snapshot"
)

const snapshotFundUseQuery = `query($id: ID!, $f: DisbursementFilter) { snapshot(id: $id) { fundUse(filter: $f) {
  fund { code allocated } level units { level code name } allocated paid remaining share
  decisions { decision decidedOn amount unit { code level } fund { code } recordedBy } } } }`

func snapshotFundUse(t *testing.T, url, id string, filter map[string]any) fundUseAnswer {
	t.Helper()
	res, raw := post(t, url+"/", snapshotFundUseQuery, map[string]any{"id": id, "f": filter})
	if len(res.Errors) > 0 {
		t.Fatalf("snapshot.fundUse(%v): %s", filter, raw)
	}
	var a struct{ Snapshot fundUseAnswer }
	if err := json.Unmarshal(res.Data, &a); err != nil {
		t.Fatal(err)
	}
	return a.Snapshot
}

// TestSnapshotFundUseIsFrozen: fund use beside a snapshot divides the snapshot's amounts by the
// allocations of its day. After the snapshot, the city raises every fund and gives ward 05431 a new
// decision: the live fund use (checked against the database) follows, the snapshot's stays what
// the database said when it was made, for the whole area, for the ward and for the district nothing
// was allocated to; visitors read the frozen whole-area allocations of the official snapshot, and
// the snapshot's full fund use is refused to them and to a ward officer.
func TestSnapshotFundUseIsFrozen(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			r := newResolver(t, d)
			r.Snapshots = snapshot.NewService(d, rollup.NewEngineShared(d, r.Reference), r.Reference, dataset.NewStore(d).Version, time.Now, 5)
			leader := serve(t, r, &auth.Identity{UserID: 4, Username: "lanhdao", Role: auth.Leader})
			admin := serve(t, r, &auth.Identity{UserID: 2, Username: "quantri", Role: auth.Admin})
			officer := serve(t, r, &auth.Identity{UserID: 3, Username: "canbo.quantrieu", Role: auth.WardOfficer, WardCodes: []string{"05431"}})
			const visitorFunds = `{ officialSnapshot { funds { fund { code } allocated } } }`
			const visitorFundUse = `{ officialSnapshot { fundUse { paid } } }`
			visitor := serve(t, r, nil, visitorFunds, visitorFundUse) // allowed documents: the refusal is the snapshot's
			prog := []string{"NQ42-2020"}
			ward := []string{"05431"}
			scopes := []struct {
				name   string
				filter map[string]any
				wards  []string
				level  string
				units  []string
			}{
				{"the whole city", map[string]any{"programs": prog}, nil, "AREA", nil},
				{"one ward", map[string]any{"programs": prog, "wards": ward}, ward, "WARD", ward},
			}
			before := map[string]map[string]expectedFund{}
			for _, s := range scopes {
				before[s.name] = expectFunds(t, d, s.wards, nil)
				checkFunds(t, fundUse(t, leader.URL, s.filter), before[s.name], s.level, s.units)
			}
			res, raw := post(t, leader.URL+"/", `mutation { createSnapshot(name: "Báo cáo 123", document: "Báo cáo số 123/BC-UBND ngày 20/05/2020") { id } }`, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("create: %s", raw)
			}
			var made struct{ CreateSnapshot struct{ ID string } }
			json.Unmarshal(res.Data, &made)
			id := made.CreateSnapshot.ID

			// After the report: a new decision raises every fund, and the ward receives more.
			if _, err := d.ExecContext(ctx, "UPDATE funds SET allocated = allocated + 1000000000"); err != nil {
				t.Fatal(err)
			}
			if err := dataset.NewStore(d).Bump(ctx); err != nil {
				t.Fatal(err)
			}
			res, raw = post(t, admin.URL+"/", allocateMutation, map[string]any{"in": map[string]any{"program": "NQ42-2020", "fund": "NSTP",
				"unit": "05431", "amount": 500000000, "decision": "2001/QĐ-UBND", "decidedOn": "2020-06-01"}})
			if len(res.Errors) > 0 {
				t.Fatalf("allocateFund: %s", raw)
			}
			// A service that never saw the snapshot made: what it answers is read back from the database.
			ref := reference.NewCache(d)
			r.Snapshots = snapshot.NewService(d, rollup.NewEngineShared(d, ref), ref, dataset.NewStore(d).Version, time.Now, 5)
			leader = serve(t, r, &auth.Identity{UserID: 4, Username: "lanhdao", Role: auth.Leader})
			visitor = serve(t, r, nil, visitorFunds, visitorFundUse)
			officer = serve(t, r, &auth.Identity{UserID: 3, Username: "canbo.quantrieu", Role: auth.WardOfficer, WardCodes: []string{"05431"}})

			for _, s := range scopes {
				t.Run(s.name, func(t *testing.T) {
					now := expectFunds(t, d, s.wards, nil)
					checkFunds(t, fundUse(t, leader.URL, s.filter), now, s.level, s.units)
					checkFunds(t, snapshotFundUse(t, leader.URL, id, s.filter), before[s.name], s.level, s.units)
					moved := false
					for code, w := range now {
						if w.allocated != nil && (before[s.name][code].allocated == nil || *w.allocated != *before[s.name][code].allocated) {
							moved = true
						}
					}
					if !moved {
						t.Error("no allocation moved after the snapshot: the test shows nothing")
					}
				})
			}
			t.Run("the decisions are those of the snapshot's day", func(t *testing.T) {
				for _, u := range snapshotFundUse(t, leader.URL, id, map[string]any{"programs": prog, "wards": ward}).FundUse {
					for _, dec := range u.Decisions {
						if dec.Decision == "2001/QĐ-UBND" {
							t.Errorf("%s: the snapshot lists a decision made after it", u.Fund.Code)
						}
					}
					if len(u.Decisions) == 0 {
						t.Errorf("%s: no decision to the ward", u.Fund.Code)
					}
				}
			})
			t.Run("a district nothing was allocated to has no ratio", func(t *testing.T) {
				want := expectFunds(t, d, nil, nil)
				for code, w := range before["the whole city"] {
					want[code] = expectedFund{paid: w.paid}
				}
				checkFunds(t, snapshotFundUse(t, leader.URL, id, map[string]any{"programs": prog, "districts": []string{"164"}}), want, "DISTRICT", []string{"164"})
			})
			t.Run("visitors read the frozen whole-area allocations", func(t *testing.T) {
				res, raw := post(t, visitor.URL+"/", visitorFunds, nil)
				if len(res.Errors) > 0 {
					t.Fatalf("funds: %s", raw)
				}
				var got struct {
					OfficialSnapshot struct {
						Funds []struct {
							Fund      struct{ Code string }
							Allocated *int64
						}
					}
				}
				json.Unmarshal(res.Data, &got)
				seen := 0
				for _, f := range got.OfficialSnapshot.Funds {
					w, ok := before["the whole city"][f.Fund.Code]
					if !ok {
						continue // a fund of another programme
					}
					seen++
					if f.Allocated == nil || *f.Allocated != *w.allocated {
						t.Errorf("%s: allocated %v, want %d as frozen", f.Fund.Code, f.Allocated, *w.allocated)
					}
				}
				if seen != len(before["the whole city"]) {
					t.Errorf("%d of %d funds", seen, len(before["the whole city"]))
				}
			})
			t.Run("the full fund use is refused to visitors and ward officers", func(t *testing.T) {
				res, raw := post(t, visitor.URL+"/", visitorFundUse, nil)
				if len(res.Errors) == 0 || !strings.Contains(res.Errors[0]["message"].(string), "đăng nhập") {
					t.Errorf("visitor: %s, want the sign-in refusal", raw)
				}
				res, raw = post(t, officer.URL+"/", `query($id: ID!) { snapshot(id: $id) { fundUse { paid } } }`, map[string]any{"id": id})
				if len(res.Errors) == 0 || res.Errors[0]["extensions"].(map[string]any)["code"] != "FORBIDDEN" {
					t.Errorf("ward officer: %s, want FORBIDDEN", raw)
				}
			})
		})
	}
}
