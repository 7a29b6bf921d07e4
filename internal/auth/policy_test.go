package auth_test

import (
	"context"
	"testing"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/seed/seedtest"
)

// TestCheckWardCodes asks, over the reference data of each dialect, which ward codes of a filter a
// caller may name: ward officers only their own wards' codes, everyone else any code.
func TestCheckWardCodes(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			d := seedtest.Reference(t, dialect)
			var ids []int64
			if err := d.NewRaw("SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code = ?", "05431").Scan(ctx, &ids); err != nil || len(ids) == 0 {
				t.Fatalf("ward 05431: ids %v, err %v", ids, err)
			}
			officer := &auth.Identity{Username: "w", Role: auth.WardOfficer, WardIDs: ids}
			nowhere := &auth.Identity{Username: "n", Role: auth.WardOfficer}
			leader := &auth.Identity{Username: "l", Role: auth.Leader}
			tests := []struct {
				name    string
				id      *auth.Identity
				codes   []string
				allowed bool
			}{
				{"own ward", officer, []string{"05431"}, true},
				{"no codes", officer, nil, true},
				{"another ward", officer, []string{"05434"}, false},
				{"own and another", officer, []string{"05431", "05434"}, false},
				{"a code that names no unit", officer, []string{"99999"}, false},
				{"officer without wards", nowhere, []string{"05431"}, false},
				{"leader, any ward", leader, []string{"05431", "05434", "99999"}, true},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					err := auth.CheckWardCodes(ctx, d, tt.id, tt.codes)
					if tt.allowed && err != nil {
						t.Fatalf("CheckWardCodes(%v) = %v, want nil", tt.codes, err)
					}
					if !tt.allowed && errs.KindOf(err) != errs.Permission {
						t.Fatalf("CheckWardCodes(%v) = %v, want a permission error", tt.codes, err)
					}
				})
			}
			found, err := adminunit.NewStore(d).WardCodesAmong(ctx, []string{"05431", "05434"}, ids)
			if err != nil || len(found) != 1 || found[0] != "05431" {
				t.Errorf("WardCodesAmong = %v, %v; want [05431]", found, err)
			}
		})
	}
}
