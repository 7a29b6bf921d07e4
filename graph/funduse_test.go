package graph_test

import (
	"context"
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

const fundUseQuery = `query($f: DisbursementFilter) { fundUse(filter: $f) {
  fund { code allocated } level units { level code name } allocated paid remaining share
  decisions { decision decidedOn amount unit { code level } fund { code } recordedBy } } }`

type fundUseAnswer struct {
	FundUse []struct {
		Fund struct {
			Code      string
			Allocated int64
		}
		Level     string
		Units     []struct{ Level, Code, Name string }
		Allocated *int64
		Paid      int64
		Remaining *int64
		Share     *float64
		Decisions []struct {
			Decision, DecidedOn, RecordedBy string
			Amount                          int64
			Unit                            struct{ Code, Level string }
			Fund                            struct{ Code string }
		}
	}
}

// expectedFund is what the database says, computed apart from the API: the allocations to the
// wards (nil: none to some) and what was paid there, by fund.
type expectedFund struct {
	allocated *int64
	paid      int64
}

func expectFunds(t *testing.T, d bun.IDB, wards, groups []string) map[string]expectedFund {
	t.Helper()
	ctx := context.Background()
	out := map[string]expectedFund{}
	var codes []string
	var figures []int64
	if err := d.NewSelect().TableExpr("funds").Column("code", "allocated").OrderExpr("id").Scan(ctx, &codes, &figures); err != nil {
		t.Fatal(err)
	}
	for i, code := range codes {
		var e expectedFund
		paid := d.NewSelect().TableExpr("disbursements AS l").ColumnExpr("coalesce(sum(l.amount), 0)").
			Join("JOIN funds AS f ON f.id = l.fund_id").Join("JOIN admin_units AS w ON w.id = l.ward_id").
			Join("JOIN beneficiary_groups AS g ON g.id = l.group_id").
			Where("l.status = 'PAID'").Where("f.code = ?", code)
		if len(wards) > 0 {
			paid = paid.Where("w.code IN (?)", bun.List(wards))
		}
		if len(groups) > 0 {
			paid = paid.Where("g.code IN (?)", bun.List(groups))
		}
		if err := paid.Scan(ctx, &e.paid); err != nil {
			t.Fatal(err)
		}
		if len(wards) == 0 {
			e.allocated = &figures[i]
		} else {
			var sum int64
			var units int
			err := d.NewSelect().TableExpr("fund_allocations AS fa").ColumnExpr("coalesce(sum(fa.amount), 0), count(DISTINCT u.code)").
				Join("JOIN funds AS f ON f.id = fa.fund_id").Join("JOIN admin_units AS u ON u.id = fa.unit_id").
				Where("f.code = ?", code).Where("u.level = 'COMMUNE'").Where("u.code IN (?)", bun.List(wards)).Scan(ctx, &sum, &units)
			if err != nil {
				t.Fatal(err)
			}
			if units == len(wards) {
				e.allocated = &sum
			}
		}
		out[code] = e
	}
	return out
}

func fundUse(t *testing.T, url string, filter map[string]any) fundUseAnswer {
	t.Helper()
	res, raw := post(t, url+"/", fundUseQuery, map[string]any{"f": filter})
	if len(res.Errors) > 0 {
		t.Fatalf("fundUse(%v): %s", filter, raw)
	}
	var a fundUseAnswer
	if err := json.Unmarshal(res.Data, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// checkFunds compares the answer with the database, fund by fund.
func checkFunds(t *testing.T, got fundUseAnswer, want map[string]expectedFund, level string, units []string) {
	t.Helper()
	if len(got.FundUse) != len(want) {
		t.Fatalf("%d funds, want %d", len(got.FundUse), len(want))
	}
	for _, u := range got.FundUse {
		w := want[u.Fund.Code]
		if u.Level != level {
			t.Errorf("%s: level %s, want %s", u.Fund.Code, u.Level, level)
		}
		var codes []string
		for _, x := range u.Units {
			codes = append(codes, x.Code)
		}
		if strings.Join(codes, ",") != strings.Join(units, ",") {
			t.Errorf("%s: units %v, want %v", u.Fund.Code, codes, units)
		}
		if u.Paid != w.paid {
			t.Errorf("%s: paid %d, want %d", u.Fund.Code, u.Paid, w.paid)
		}
		switch {
		case w.allocated == nil:
			if u.Allocated != nil || u.Remaining != nil || u.Share != nil {
				t.Errorf("%s: allocated %v remaining %v share %v, want all null (chưa phân bổ)", u.Fund.Code, u.Allocated, u.Remaining, u.Share)
			}
		case u.Allocated == nil || u.Remaining == nil || u.Share == nil:
			t.Errorf("%s: allocated %v remaining %v share %v, want %d allocated", u.Fund.Code, u.Allocated, u.Remaining, u.Share, *w.allocated)
		default:
			if *u.Allocated != *w.allocated {
				t.Errorf("%s: allocated %d, want %d", u.Fund.Code, *u.Allocated, *w.allocated)
			}
			if *u.Remaining != *w.allocated-w.paid {
				t.Errorf("%s: remaining %d, want %d", u.Fund.Code, *u.Remaining, *w.allocated-w.paid)
			}
			if want := float64(w.paid) / float64(*w.allocated); math.Abs(*u.Share-want) > 1e-9 {
				t.Errorf("%s: share %v, want %v", u.Fund.Code, *u.Share, want)
			}
		}
	}
}

// TestFundUse checks fund use against the database for each scope: a ward officer sees their
// ward's allocation and ratio, a leader the city's or the wards' of the filter, a group filter
// narrows what was paid and not what was allocated, and a scope nothing was allocated to says so
// with nulls, never another scope's figure.
func TestFundUse(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			r := newResolver(t, d)
			var wardID int64
			if err := d.NewRaw("SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code = '05431' ORDER BY id DESC LIMIT 1").Scan(context.Background(), &wardID); err != nil {
				t.Fatal(err)
			}
			officer := serve(t, r, &auth.Identity{UserID: 3, Username: "canbo.quantrieu", Role: auth.WardOfficer, WardIDs: []int64{wardID}, WardCodes: []string{"05431"}})
			leader := serve(t, r, &auth.Identity{UserID: 4, Username: "lanhdao", Role: auth.Leader})
			visitor := serve(t, r, nil)
			prog := []string{"NQ42-2020"}

			t.Run("ward officer: their ward", func(t *testing.T) {
				got := fundUse(t, officer.URL, map[string]any{"programs": prog})
				checkFunds(t, got, expectFunds(t, d, []string{"05431"}, nil), "WARD", []string{"05431"})
				for _, u := range got.FundUse {
					if len(u.Decisions) == 0 || u.Decisions[0].Unit.Code != "05431" || u.Decisions[0].Unit.Level != "WARD" ||
						u.Decisions[0].Fund.Code != u.Fund.Code || !strings.Contains(u.Decisions[0].Decision, "QĐ-UBND") {
						t.Errorf("%s: decisions %+v, want the ward's", u.Fund.Code, u.Decisions)
					}
					if *u.Allocated >= u.Fund.Allocated {
						t.Errorf("%s: the ward's allocation %d is not below the city's %d", u.Fund.Code, *u.Allocated, u.Fund.Allocated)
					}
				}
			})
			t.Run("ward officer: another ward is refused", func(t *testing.T) {
				res, _ := post(t, officer.URL+"/", fundUseQuery, map[string]any{"f": map[string]any{"wards": []string{"05485"}}})
				if len(res.Errors) == 0 {
					t.Fatal("answered, want refused")
				}
			})
			t.Run("leader: the whole city", func(t *testing.T) {
				got := fundUse(t, leader.URL, map[string]any{"programs": prog})
				checkFunds(t, got, expectFunds(t, d, nil, nil), "AREA", nil)
				for _, u := range got.FundUse {
					if len(u.Decisions) != 0 {
						t.Errorf("%s: %d decisions for the whole area, want none", u.Fund.Code, len(u.Decisions))
					}
				}
			})
			t.Run("leader: one ward", func(t *testing.T) {
				got := fundUse(t, leader.URL, map[string]any{"programs": prog, "wards": []string{"05431"}})
				checkFunds(t, got, expectFunds(t, d, []string{"05431"}, nil), "WARD", []string{"05431"})
			})
			t.Run("leader: two wards add up", func(t *testing.T) {
				wards := []string{"05431", "05485"}
				got := fundUse(t, leader.URL, map[string]any{"programs": prog, "wards": wards})
				checkFunds(t, got, expectFunds(t, d, wards, nil), "WARD", wards)
			})
			t.Run("a group narrows paid, not allocated", func(t *testing.T) {
				got := fundUse(t, leader.URL, map[string]any{"programs": prog, "wards": []string{"05431"}, "groups": []string{"HO_NGHEO"}})
				want := expectFunds(t, d, []string{"05431"}, []string{"HO_NGHEO"})
				checkFunds(t, got, want, "WARD", []string{"05431"})
				all := expectFunds(t, d, []string{"05431"}, nil)
				for code, w := range want {
					if w.paid >= all[code].paid {
						t.Errorf("%s: the group's %d is not below the ward's %d: the test shows nothing", code, w.paid, all[code].paid)
					}
				}
			})
			t.Run("the city as a district: nothing allocated to it", func(t *testing.T) {
				got := fundUse(t, leader.URL, map[string]any{"programs": prog, "districts": []string{"164"}})
				want := expectFunds(t, d, nil, nil)
				for code, w := range want {
					want[code] = expectedFund{paid: w.paid}
				}
				checkFunds(t, got, want, "DISTRICT", []string{"164"})
			})
			t.Run("visitors are refused", func(t *testing.T) {
				res, _ := post(t, visitor.URL+"/", fundUseQuery, nil)
				// The API refuses a visitor's own queries (FORBIDDEN); package fund refuses them too.
				if len(res.Errors) == 0 || res.Errors[0]["extensions"].(map[string]any)["code"] != "FORBIDDEN" {
					t.Errorf("errors %v, want FORBIDDEN", res.Errors)
				}
			})
		})
	}
}

const allocateMutation = `mutation($in: AllocateFundInput!) { allocateFund(input: $in) {
  id amount decision decidedOn recordedBy recordedAt unit { level code name } fund { code } } }`

// TestAllocateFund records an allocation through the API as an admin, refuses it to a leader and
// refuses a bad one with the rule's Vietnamese message; the district's fund use then has a figure.
func TestAllocateFund(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			r := newResolver(t, d)
			admin := serve(t, r, &auth.Identity{UserID: 2, Username: "quantri", Role: auth.Admin})
			leader := serve(t, r, &auth.Identity{UserID: 4, Username: "lanhdao", Role: auth.Leader})
			var allocated int64
			if err := d.NewRaw("SELECT allocated FROM funds WHERE code = 'NST'").Scan(context.Background(), &allocated); err != nil {
				t.Fatal(err)
			}
			in := map[string]any{"program": "NQ42-2020", "fund": "NST", "unit": "164", "amount": allocated,
				"decision": "1088/QĐ-UBND", "decidedOn": "2020-04-24"}

			res, _ := post(t, leader.URL+"/", allocateMutation, map[string]any{"in": in})
			if len(res.Errors) == 0 || res.Errors[0]["extensions"].(map[string]any)["code"] != "FORBIDDEN" {
				t.Errorf("a leader allocating: errors %v, want FORBIDDEN", res.Errors)
			}
			over := map[string]any{}
			for k, v := range in {
				over[k] = v
			}
			over["amount"] = allocated + 1
			res, _ = post(t, admin.URL+"/", allocateMutation, map[string]any{"in": over})
			if len(res.Errors) == 0 || !strings.Contains(res.Errors[0]["message"].(string), "vượt") {
				t.Errorf("over the fund: errors %v, want the ceiling's message", res.Errors)
			}

			res, raw := post(t, admin.URL+"/", allocateMutation, map[string]any{"in": in})
			if len(res.Errors) > 0 {
				t.Fatalf("allocateFund: %s", raw)
			}
			var got struct {
				AllocateFund struct {
					Amount                                      int64
					Decision, DecidedOn, RecordedBy, RecordedAt string
					Unit                                        struct{ Level, Code, Name string }
				}
			}
			if err := json.Unmarshal(res.Data, &got); err != nil {
				t.Fatal(err)
			}
			a := got.AllocateFund
			if a.Amount != allocated || a.Decision != "1088/QĐ-UBND" || a.DecidedOn != "2020-04-24" || a.RecordedBy != "quantri" ||
				a.Unit.Level != "DISTRICT" || a.Unit.Name != "Thành phố Thái Nguyên" || a.RecordedAt == "" {
				t.Errorf("recorded %+v", a)
			}
			use := fundUse(t, leader.URL, map[string]any{"programs": []string{"NQ42-2020"}, "districts": []string{"164"}, "funds": []string{"NST"}})
			if len(use.FundUse) != 1 || use.FundUse[0].Allocated == nil || *use.FundUse[0].Allocated != allocated || len(use.FundUse[0].Decisions) != 1 {
				t.Errorf("the district's fund use after the decision: %+v", use.FundUse)
			}
			res, raw = post(t, leader.URL+"/", `{ fundAllocations(program: "NQ42-2020", fund: "NST", unit: "164") { decision amount recordedAt } }`, nil)
			if len(res.Errors) > 0 || !strings.Contains(string(res.Data), "1088/QĐ-UBND") || !regexp.MustCompile(`"recordedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"`).Match(res.Data) {
				t.Errorf("fundAllocations: %s", raw)
			}
		})
	}
}
