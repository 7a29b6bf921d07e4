package fund

// Fund use: for the caller's scope and a filter, each fund's allocation at the units in view, what
// was paid from it there, what remains and the share used. The units in view are the most precise
// level the filter (or the caller's scope) names: wards, else districts, else provinces, else the
// whole programme area. An allocation is to a unit for every group of the programme, so a group
// filter narrows what was paid and not what was allocated.

import (
	"cmp"
	"context"
	"slices"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/errs"
	"hotro/internal/report"
)

// Level is the level of the units a fund-use figure is for; Area is the whole programme area.
type Level string

// The levels of fund use.
const (
	Area     Level = "AREA"
	Province Level = "PROVINCE"
	District Level = "DISTRICT"
	Ward     Level = "WARD"
)

var unitLevel = map[Level]adminunit.Level{Province: adminunit.Province, District: adminunit.District, Ward: adminunit.Commune}

// Use is one fund's use at the units in view.
type Use struct {
	Fund  *Fund
	Level Level
	// Units are the units in view (none for the whole area).
	Units []*adminunit.Unit
	// Allocated is the fund's figure for the whole area, or the sum of what the units in view
	// received; nil when one of them received nothing ("chưa phân bổ").
	Allocated *int64
	// Paid is what was paid from the fund under the filter, within the caller's scope.
	Paid int64
	// Remaining is Allocated - Paid, and Share Paid / Allocated; nil with Allocated.
	Remaining *int64
	Share     *float64
	// Decisions are the allocations behind Allocated (none for the whole area, whose figure is the
	// fund's own, with its allocation basis).
	Decisions []*Allocation
}

// Use returns the use of each fund the filter selects (its programmes' funds, or every fund), in
// fund order. Signed-in callers only: what was paid comes from the unwithheld figures, and a ward
// officer's are those of their wards. stats answers what was paid (it applies the caller's scope).
func (r *Store) Use(ctx context.Context, stats report.Engine, f report.Filter) ([]*Use, error) {
	const op = "fund: use"
	id := auth.FromContext(ctx)
	if !id.SignedIn() {
		return nil, errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để xem tình hình sử dụng kinh phí."))
	}
	res, err := stats.Stats(ctx, report.Query{Filter: f, GroupBy: []report.Dimension{report.Fund}})
	if err != nil {
		return nil, err
	}
	return r.use(ctx, id, f, PaidByFund(res), nil)
}

// PaidByFund adds up a stats answer grouped by fund into what was paid from each fund.
func PaidByFund(res *report.Result) map[int64]int64 {
	paid := map[int64]int64{}
	for _, row := range res.Rows {
		paid[row.FundID] += row.Totals.AmountPaid
	}
	return paid
}

// Frozen is the allocations as they stood at one moment (an official snapshot's): each fund's
// figure for the whole area, and every allocation decision to a unit recorded by then.
type Frozen struct {
	// Allocated is each fund's figure for the whole area by fund ID; a fund missing had none.
	Allocated map[int64]int64
	// Allocations are the decisions, each with its UnitCode and UnitLevel.
	Allocations []*Allocation
}

// UseFrozen is Use with what was paid already added up (paid by fund ID, e.g. from a snapshot's
// cells) and the allocations of frozen instead of today's: the same units in view and rules, so a
// ward's money is divided by what the ward had received then, never by the whole area's figure.
// The caller checks who may read the figures paid comes from.
func (r *Store) UseFrozen(ctx context.Context, f report.Filter, paid map[int64]int64, frozen *Frozen) ([]*Use, error) {
	const op = "fund: use"
	id := auth.FromContext(ctx)
	if !id.SignedIn() {
		return nil, errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để xem tình hình sử dụng kinh phí."))
	}
	return r.use(ctx, id, f, paid, frozen)
}

// use puts together each fund's use from what was paid, and the live allocations (frozen nil) or
// the frozen ones.
func (r *Store) use(ctx context.Context, id *auth.Identity, f report.Filter, paid map[int64]int64, frozen *Frozen) ([]*Use, error) {
	funds, err := r.funds(ctx, f)
	if err != nil {
		return nil, err
	}
	if frozen != nil {
		at := make([]*Fund, len(funds))
		for i, fd := range funds {
			c := *fd
			c.Allocated = frozen.Allocated[fd.ID]
			at[i] = &c
		}
		funds = at
	}
	level, codes := inView(id, f)
	var units []*adminunit.Unit
	byFund := map[int64][]*Allocation{}
	if level != Area {
		if units, err = latestUnits(ctx, r.db, unitLevel[level], codes); err != nil {
			return nil, err
		}
		if frozen != nil {
			byFund = frozenAllocations(frozen.Allocations, funds, unitLevel[level], codes)
		} else if byFund, err = r.allocations(ctx, funds, unitLevel[level], codes); err != nil {
			return nil, err
		}
	}
	out := make([]*Use, 0, len(funds))
	for _, fd := range funds {
		u := &Use{Fund: fd, Level: level, Units: units, Paid: paid[fd.ID], Decisions: byFund[fd.ID]}
		if u.Decisions == nil {
			u.Decisions = []*Allocation{}
		}
		u.Allocated = allocatedOf(fd, level, codes, u.Decisions)
		if u.Allocated != nil {
			rem := *u.Allocated - u.Paid
			share := float64(u.Paid) / float64(*u.Allocated)
			u.Remaining, u.Share = &rem, &share
		}
		out = append(out, u)
	}
	return out, nil
}

// frozenAllocations picks, as allocations does from the database, the frozen decisions of the
// funds to the units of the level with the codes, by fund, by decision date.
func frozenAllocations(all []*Allocation, funds []*Fund, level adminunit.Level, codes []string) map[int64][]*Allocation {
	out := map[int64][]*Allocation{}
	want := map[int64]bool{}
	for _, f := range funds {
		want[f.ID] = true
	}
	var picked []*Allocation
	for _, a := range all {
		if want[a.FundID] && a.UnitLevel == level && slices.Contains(codes, a.UnitCode) {
			picked = append(picked, a)
		}
	}
	slices.SortFunc(picked, func(a, b *Allocation) int {
		if c := a.DecidedOn.Compare(b.DecidedOn); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, a := range picked {
		out[a.FundID] = append(out[a.FundID], a)
	}
	return out
}

// inView returns the level and codes of the units in view: the filter's wards, or a ward
// officer's own, else its districts, else its provinces, else the whole area.
func inView(id *auth.Identity, f report.Filter) (Level, []string) {
	switch {
	case len(f.Wards) > 0:
		return Ward, f.Wards
	case id.WardScoped():
		return Ward, id.WardCodes
	case len(f.Districts) > 0:
		return District, f.Districts
	case len(f.Provinces) > 0:
		return Province, f.Provinces
	}
	return Area, nil
}

// allocatedOf is the fund's figure for the area, or the sum of the allocations when each unit in
// view received some; nil otherwise (nothing, or only part of the units, was allocated).
func allocatedOf(f *Fund, level Level, codes []string, decisions []*Allocation) *int64 {
	if level == Area {
		if f.Allocated <= 0 {
			return nil
		}
		a := f.Allocated
		return &a
	}
	got := map[string]bool{}
	var sum int64
	for _, d := range decisions {
		got[d.UnitCode] = true
		sum += d.Amount
	}
	for _, c := range codes {
		if !got[c] {
			return nil
		}
	}
	if len(codes) == 0 || sum <= 0 {
		return nil
	}
	return &sum
}

// funds returns the funds of the filter's programmes (or of every programme), narrowed to the
// filter's funds.
func (r *Store) funds(ctx context.Context, f report.Filter) ([]*Fund, error) {
	var fs []*Fund
	q := r.db.NewSelect().Model(&fs).OrderExpr("f.program_id, f.id")
	if len(f.Programs) > 0 {
		q = q.Where("f.program_id IN (SELECT id FROM programs WHERE code IN (?))", bun.List(f.Programs))
	}
	if len(f.Funds) > 0 {
		q = q.Where("f.code IN (?)", bun.List(f.Funds))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, errs.E("fund: use", err)
	}
	return fs, nil
}

// allocations returns the allocations of the funds to the units of the level with the codes (of
// any period), by fund.
func (r *Store) allocations(ctx context.Context, funds []*Fund, level adminunit.Level, codes []string) (map[int64][]*Allocation, error) {
	out := map[int64][]*Allocation{}
	if len(funds) == 0 || len(codes) == 0 {
		return out, nil
	}
	ids := make([]int64, len(funds))
	for i, f := range funds {
		ids[i] = f.ID
	}
	var rows []*Allocation
	err := r.db.NewSelect().Model(&rows).Column("fa.*").ColumnExpr("u.code AS unit_code").
		Join("JOIN admin_units AS u ON u.id = fa.unit_id").
		Where("fa.fund_id IN (?)", bun.List(ids)).Where("u.level = ?", level).Where("u.code IN (?)", bun.List(codes)).
		OrderExpr("fa.decided_on, fa.id").Scan(ctx)
	if err != nil {
		return nil, errs.E("fund: use", err)
	}
	for _, a := range rows {
		out[a.FundID] = append(out[a.FundID], a)
	}
	return out, nil
}

// latestUnits returns the units of the level with the codes, the latest period of each, by code.
func latestUnits(ctx context.Context, db bun.IDB, level adminunit.Level, codes []string) ([]*adminunit.Unit, error) {
	var units []*adminunit.Unit
	if len(codes) == 0 {
		return units, nil
	}
	if err := db.NewSelect().Model(&units).Where("u.level = ?", level).Where("u.code IN (?)", bun.List(codes)).
		OrderExpr("u.code, u.valid_from DESC").Scan(ctx); err != nil {
		return nil, errs.E("fund: use", err)
	}
	out := units[:0]
	for i, u := range units {
		if i == 0 || units[i-1].Code != u.Code {
			out = append(out, u)
		}
	}
	return out, nil
}

// LevelOf names an administrative level as fund use does (a commune is a WARD).
func LevelOf(l adminunit.Level) Level {
	for k, v := range unitLevel {
		if v == l {
			return k
		}
	}
	return Area
}
