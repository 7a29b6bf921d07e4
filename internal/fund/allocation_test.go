package fund_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

var testNow = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func admin(ctx context.Context) context.Context {
	return auth.WithIdentity(ctx, &auth.Identity{Username: "quantri", Role: auth.Admin})
}

// wardTotal is what the demo allocated of the fund to all the wards.
func wardTotal(t *testing.T, d bun.IDB, fundCode string) int64 {
	t.Helper()
	var sum int64
	err := d.NewSelect().TableExpr("fund_allocations AS fa").ColumnExpr("coalesce(sum(fa.amount), 0)").
		Join("JOIN funds AS f ON f.id = fa.fund_id").Join("JOIN admin_units AS u ON u.id = fa.unit_id").
		Where("f.code = ?", fundCode).Where("u.level = 'COMMUNE'").Scan(context.Background(), &sum)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestDemoAllocationsAddUpToTheFund(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			funds, err := fund.NewStore(d).List(context.Background(), "NQ42-2020")
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range funds {
				if got := wardTotal(t, d, f.Code); got != f.Allocated {
					t.Errorf("%s: the wards' allocations add up to %d, want the fund's %d", f.Code, got, f.Allocated)
				}
			}
			var wards int
			if err := d.NewSelect().TableExpr("fund_allocations").ColumnExpr("count(DISTINCT unit_id)").Scan(context.Background(), &wards); err != nil {
				t.Fatal(err)
			}
			if wards != 32 {
				t.Errorf("allocations to %d wards, want the city's 32", wards)
			}
		})
	}
}

func TestAllocate(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			ctx := admin(context.Background())
			a := fund.NewAllocator(d, func() time.Time { return testNow })
			prog, err := program.NewStore(d).Program(ctx, "NQ42-2020")
			if err != nil {
				t.Fatal(err)
			}
			f, err := fund.NewStore(d).Get(ctx, prog.ID, "NSTP")
			if err != nil {
				t.Fatal(err)
			}
			in := func(unit string, amount int64, decision, day string) fund.AllocateInput {
				return fund.AllocateInput{Program: "NQ42-2020", Fund: "NSTP", Unit: unit, Amount: amount, Decision: decision, DecidedOn: civil.MustParse(day)}
			}
			refused := []struct {
				name string
				ctx  context.Context
				in   fund.AllocateInput
				kind errs.Kind
				msg  string
			}{
				{"leader", auth.WithIdentity(ctx, &auth.Identity{Username: "lanhdao", Role: auth.Leader}), in("164", 1, "1/QĐ", "2020-05-01"), errs.Permission, "Chỉ quản trị viên"},
				{"zero amount", ctx, in("164", 0, "1/QĐ", "2020-05-01"), errs.Invalid, "lớn hơn 0"},
				{"negative amount", ctx, in("164", -5, "1/QĐ", "2020-05-01"), errs.Invalid, "lớn hơn 0"},
				{"no decision", ctx, in("164", 1, "  ", "2020-05-01"), errs.Invalid, "số quyết định"},
				{"before the programme", ctx, in("164", 1, "1/QĐ", "2019-12-31"), errs.Invalid, "01/04/2020"},
				{"in the future", ctx, in("164", 1, "1/QĐ", "2027-01-01"), errs.Invalid, "đến hôm nay"},
				{"unknown unit", ctx, in("99999", 1, "1/QĐ", "2020-05-01"), errs.NotFound, "99999"},
				{"unknown fund", ctx, fund.AllocateInput{Program: "NQ42-2020", Fund: "NOPE", Unit: "164", Amount: 1, Decision: "1", DecidedOn: civil.MustParse("2020-05-01")}, errs.NotFound, "NOPE"},
				{"outside the area", ctx, in("00001", 1, "1/QĐ", "2020-05-01"), errs.Invalid, "không thuộc địa bàn"},
				// The demo gave the wards the whole fund: one more đồng to a ward is over the top.
				{"ward over the fund", ctx, in("05431", 1, "9/QĐ", "2020-05-01"), errs.Invalid, "vượt số toàn địa bàn"},
				// The city over the wards must hold at least what they received.
				{"city below its wards", ctx, in("164", f.Allocated-1, "2/QĐ", "2020-05-01"), errs.Invalid, "trực thuộc Thành phố Thái Nguyên"},
				{"city over the fund", ctx, in("164", f.Allocated+1, "2/QĐ", "2020-05-01"), errs.Invalid, "vượt số toàn địa bàn"},
			}
			for _, c := range refused {
				t.Run(c.name, func(t *testing.T) {
					_, err := a.Allocate(c.ctx, c.in)
					if err == nil {
						t.Fatal("accepted, want refused")
					}
					var e *errs.Error
					if !errors.As(err, &e) || errs.KindOf(err) != c.kind || !strings.Contains(errs.Message(err), c.msg) {
						t.Errorf("got %v (kind %v), want kind %v with %q", err, errs.KindOf(err), c.kind, c.msg)
					}
				})
			}
			before, err := dataset.NewStore(d).Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := a.Allocate(ctx, in("164", f.Allocated, "2/QĐ-UBND", "2020-04-20"))
			if err != nil {
				t.Fatalf("the city's allocation of the whole fund: %v", err)
			}
			if got.RecordedBy != "quantri" || !got.RecordedAt.Equal(testNow) || got.ID == 0 {
				t.Errorf("recorded %+v, want by quantri at %v with an ID", got, testNow)
			}
			if after, err := dataset.NewStore(d).Version(ctx); err != nil || after == before {
				t.Errorf("data version %d after the decision (%v), want it moved from %d", after, err, before)
			}
			if _, err := a.Allocate(ctx, in("164", f.Allocated, "2/QĐ-UBND", "2020-04-20")); errs.KindOf(err) != errs.Conflict {
				t.Errorf("the same decision again: got %v, want a conflict", err)
			}
			// The province above the city, and its wards, stay consistent: the province must hold the city.
			if _, err := a.Allocate(ctx, in("19", f.Allocated/2, "3/QĐ-UBND", "2020-04-15")); err == nil {
				t.Error("the province got less than the city under it, and it was accepted")
			}
			var events int
			if err := d.NewSelect().TableExpr("audit_events").ColumnExpr("count(*)").Where("action = 'fund.allocate'").
				Where("actor = 'quantri'").Scan(ctx, &events); err != nil {
				t.Fatal(err)
			}
			if events != 1 {
				t.Errorf("%d audit events of fund.allocate, want 1 (refused writes leave none)", events)
			}
			list, err := fund.NewStore(d).Allocations(ctx, fund.AllocationQuery{Program: "NQ42-2020", Fund: "NSTP", Unit: "164"})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Decision != "2/QĐ-UBND" || list[0].UnitCode != "164" {
				t.Errorf("allocations of the city: %+v, want the one recorded", list)
			}
			if _, err := fund.NewStore(d).Allocations(context.Background(), fund.AllocationQuery{}); errs.KindOf(err) != errs.Unauthorized {
				t.Errorf("a visitor reading allocations: got %v, want unauthorised", err)
			}
			if _, err := fund.NewStore(d).Use(context.Background(), nil, report.Filter{}); errs.KindOf(err) != errs.Unauthorized {
				t.Errorf("a visitor asking fund use: got %v, want unauthorised", err)
			}
		})
	}
}
