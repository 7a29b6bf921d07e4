package graph

import (
	"context"

	"hotro/graph/model"
	"hotro/internal/adminunit"
)

// resolvedBy says how u was chosen from the code asked for, with the other units of the code; nil
// when u was not asked for by code.
func resolvedBy(ctx context.Context, u *adminunit.Unit) (*model.UnitResolution, error) {
	if u.Choice == nil {
		return nil, nil
	}
	ids, err := loaders(ctx).SameCode.Load(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	others, err := loadUnits(ctx, ids)
	if err != nil {
		return nil, err
	}
	res := &model.UnitResolution{Rule: model.UnitResolutionRuleLatest, Code: u.Choice.Code, OtherUnitsWithCode: others}
	if !u.Choice.Latest() {
		res.Rule, res.AsOf = model.UnitResolutionRuleAsOf, u.Choice.AsOf
	}
	return res, nil
}
