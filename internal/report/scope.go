package report

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
)

// Prepare checks a query and applies the caller's scope to it. Every engine calls it first, so no
// caller can skip it: a ward officer's query is limited to their wards, and naming another ward
// (by code in the filter, or by ID for a ward's own totals) is refused without saying whether it
// has data.
func Prepare(ctx context.Context, idb bun.IDB, q Query) (Query, error) {
	return prepare(ctx, idb, q, func() error {
		if err := CheckCodes(ctx, idb, q.Filter); err != nil {
			return err
		}
		if q.UnitsAsOf == nil {
			return nil
		}
		earliest, err := adminunit.NewStore(idb).Earliest(ctx)
		if err != nil {
			return err
		}
		return adminunit.CheckAsOf("unitsAsOf", *q.UnitsAsOf, earliest)
	})
}

// PrepareKnown is Prepare with the filter's codes checked against reference data held in memory:
// known reports whether a code of a kind exists, and earliestUnit is the first day a unit is valid
// (unitsAsOf before it is refused).
func PrepareKnown(ctx context.Context, idb bun.IDB, q Query, known func(disbursement.CodeKind, string) bool, earliestUnit civil.Date) (Query, error) {
	return prepare(ctx, idb, q, func() error {
		if err := q.Filter.CheckCodesKnown(known); err != nil {
			return err
		}
		if q.UnitsAsOf == nil {
			return nil
		}
		return adminunit.CheckAsOf("unitsAsOf", *q.UnitsAsOf, earliestUnit)
	})
}

func prepare(ctx context.Context, idb bun.IDB, q Query, checkCodes func() error) (Query, error) {
	if err := q.Validate(); err != nil {
		return q, err
	}
	if err := checkCodes(); err != nil {
		return q, err
	}
	id := auth.FromContext(ctx)
	if err := refuseAnonymous(id); err != nil {
		return q, err
	}
	if !id.WardScoped() {
		return q, nil
	}
	if err := id.CheckWards(q.Filter.WardIDs...); err != nil {
		return q, err
	}
	if err := auth.CheckWardCodes(ctx, idb, id, q.Filter.Wards); err != nil {
		return q, err
	}
	q.Scope.WardIDs = id.ScopeWardIDs()
	return q, nil
}
