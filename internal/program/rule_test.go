package program_test

import (
	"context"
	"testing"

	"hotro/internal/db/dbtest"
	"hotro/internal/program"
	"hotro/internal/seed/seedtest"
)

func ptr[T any](v T) *T { return &v }

type Group = program.Group

const (
	PerHouseholdMember = program.PerHouseholdMember
	PerPerson          = program.PerPerson
	PerHousehold       = program.PerHousehold
	LumpSum            = program.LumpSum
	Monthly            = program.Monthly
	OneTime            = program.OneTime
)

func TestAmountDue(t *testing.T) {
	hoNgheo := &Group{Code: "HO_NGHEO", SupportUnit: PerHouseholdMember, Payment: LumpSum, MonthlyAmount: ptr[int64](250_000), MaxMonths: ptr(3)}
	nguoiCoCong := &Group{Code: "NGUOI_CO_CONG", SupportUnit: PerPerson, Payment: LumpSum, MonthlyAmount: ptr[int64](500_000), MaxMonths: ptr(3)}
	hoKinhDoanh := &Group{Code: "HO_KINH_DOANH", SupportUnit: PerHousehold, Payment: Monthly, MonthlyAmount: ptr[int64](1_000_000), MaxMonths: ptr(3)}
	nq68 := &Group{Code: "NQ68_HO_KINH_DOANH", SupportUnit: PerHousehold, Payment: OneTime, OneTimeAmount: ptr[int64](3_000_000)}
	provinceSets := &Group{Code: "NQ68_LAO_DONG_TU_DO", SupportUnit: PerPerson, Payment: OneTime}
	tests := []struct {
		name           string
		g              *Group
		months, people int
		want           int64
		wantOK         bool
	}{
		{"poor household of 4 for 3 months", hoNgheo, 3, 4, 3_000_000, true},
		{"poor household of 1", hoNgheo, 3, 1, 750_000, true},
		{"meritorious person", nguoiCoCong, 3, 1, 1_500_000, true},
		{"household business two months", hoKinhDoanh, 2, 5, 2_000_000, true},
		{"one-time", nq68, 0, 3, 3_000_000, true},
		{"level set by province", provinceSets, 0, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.g.AmountDue(tt.months, tt.people)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("AmountDue(%d, %d) = %d, %v; want %d, %v", tt.months, tt.people, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestAmountDueSQLAgreesWithAmountDue evaluates the SQL form of the rule for every group, month
// count and household size, on both dialects, and compares it with AmountDue.
func TestAmountDueSQLAgreesWithAmountDue(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			ctx := context.Background()
			groups, err := program.NewStore(d).Groups(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range groups {
				for _, months := range []int{0, 1, 3} {
					for _, people := range []int{1, 4} {
						var got *int64
						q := "SELECT " + program.AmountDueSQL + " FROM beneficiary_groups AS g, (SELECT ? AS months_covered, ? AS people_covered) AS d WHERE g.id = ?"
						if err := d.NewRaw(q, months, people, g.ID).Scan(ctx, &got); err != nil {
							t.Fatal(err)
						}
						want, ok := g.AmountDue(months, people)
						if ok != (got != nil) || (ok && *got != want) {
							t.Errorf("%s, %d months, %d people: SQL %v, Go %d (%v)", g.Code, months, people, got, want, ok)
						}
					}
				}
			}
		})
	}
}
