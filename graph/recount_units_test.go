package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// unitRecountLine is a payment line as the table holds it, read without the stats engines.
type unitRecountLine struct {
	WardID int64  `bun:"ward_id"`
	Amount int64  `bun:"amount"`
	Status string `bun:"status"`
}

type recountUnit struct {
	ID        int64       `bun:"id"`
	Level     string      `bun:"level"`
	Code      string      `bun:"code"`
	ParentID  *int64      `bun:"parent_id"`
	ValidFrom civil.Date  `bun:"valid_from"`
	ValidTo   *civil.Date `bun:"valid_to"`
}

// recountData reads every line, unit and successor link with plain SQL.
func recountData(t *testing.T, d *bun.DB) ([]unitRecountLine, map[int64]*recountUnit, map[int64][]int64) {
	t.Helper()
	ctx := context.Background()
	var lines []unitRecountLine
	if err := d.NewRaw("SELECT ward_id, amount, status FROM disbursements").Scan(ctx, &lines); err != nil {
		t.Fatal(err)
	}
	var units []*recountUnit
	if err := d.NewRaw("SELECT id, level, code, parent_id, valid_from, valid_to FROM admin_units").Scan(ctx, &units); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*recountUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	var links []struct {
		UnitID      int64 `bun:"unit_id"`
		SuccessorID int64 `bun:"successor_id"`
	}
	if err := d.NewRaw("SELECT unit_id, successor_id FROM admin_unit_successors").Scan(ctx, &links); err != nil {
		t.Fatal(err)
	}
	successors := map[int64][]int64{}
	for _, l := range links {
		successors[l.UnitID] = append(successors[l.UnitID], l.SuccessorID)
	}
	return lines, byID, successors
}

// reportingUnit is the unit a line of ward w reports under as of asOf: w while it is valid, the one
// unit it became once it is not, itself when it was split between several.
func reportingUnit(units map[int64]*recountUnit, successors map[int64][]int64, w int64, asOf civil.Date) *recountUnit {
	u := units[w]
	if u.ValidTo == nil || !u.ValidTo.Before(asOf) {
		return u
	}
	var valid []*recountUnit
	for _, id := range successors[w] {
		s := units[id]
		if !s.ValidFrom.After(asOf) && (s.ValidTo == nil || !s.ValidTo.Before(asOf)) {
			valid = append(valid, s)
		}
	}
	if len(valid) == 1 {
		return valid[0]
	}
	return u
}

// TestUnits2025ByDistrictRecount checks the golden example units-2025-by-district against a recount
// from the lines on every dialect: under the 2025 units each line goes to the district of its
// reporting unit, or, when that unit has no district, to its province's row.
func TestUnits2025ByDistrictRecount(t *testing.T) {
	q, err := os.ReadFile("testdata/queries/units-2025-by-district.graphql")
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			lines, units, successors := recountData(t, d)
			type sums struct{ paid, lines int64 }
			want := map[string]sums{}
			asOf := civil.MustParse("2025-07-01")
			for _, l := range lines {
				r := reportingUnit(units, successors, l.WardID, asOf)
				parent := units[*r.ParentID]
				key := "district " + parent.Code
				if parent.Level == "PROVINCE" {
					key = "province " + parent.Code
				}
				s := want[key]
				s.lines++
				if l.Status == "PAID" {
					s.paid += l.Amount
				}
				want[key] = s
			}
			res, raw := post(t, newServer(t, d, analyst).URL, string(q), nil)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %s", raw)
			}
			var got struct {
				Stats struct {
					Rows []struct {
						District      *struct{ Code string }
						Province      *struct{ Code string }
						DistrictLabel *string
						Totals        struct{ AmountPaid, Disbursements int64 }
					}
				}
			}
			if err := json.Unmarshal(res.Data, &got); err != nil {
				t.Fatal(err)
			}
			seen := map[string]sums{}
			direct := 0
			for _, r := range got.Stats.Rows {
				var key string
				switch {
				case r.District != nil:
					key = "district " + r.District.Code
				case r.Province != nil:
					key = "province " + r.Province.Code
					direct++
					if r.DistrictLabel == nil || *r.DistrictLabel == "" {
						t.Errorf("row of province %s has no label", r.Province.Code)
					}
				default:
					t.Errorf("a row with neither a district nor a province: %+v", r)
					continue
				}
				seen[key] = sums{r.Totals.AmountPaid, r.Totals.Disbursements}
			}
			if direct == 0 {
				t.Error("no row of units without a district: the example no longer shows the 2025 units")
			}
			if fmt.Sprint(seen) != fmt.Sprint(want) {
				t.Errorf("rows = %v\nrecount = %v", seen, want)
			}
		})
	}
}
