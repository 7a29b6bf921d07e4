package fund

// Allocations: a fund's money handed down the administrative hierarchy by decisions. The fund's
// own Allocated is the figure for the whole programme area (the top of the tree); each allocation
// gives an amount to one unit (province, district or ward) by a decision, and several decisions to
// one unit add up. What the units directly below an allocated unit received may not exceed what
// that unit received; at the top, what the highest allocated units received may not exceed the
// fund's Allocated. "Directly below" skips levels nobody allocated to: a city that allocates to
// its wards without a district allocation counts against the fund's figure.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/errs"
	"hotro/internal/logging"
	"hotro/internal/program"
	"hotro/internal/vntext"
)

// Allocation is an amount of one fund given to one administrative unit by one decision.
type Allocation struct {
	bun.BaseModel `bun:"table:fund_allocations,alias:fa"`

	ID         int64      `bun:"id,pk,autoincrement"`
	FundID     int64      `bun:"fund_id,notnull"`
	UnitID     int64      `bun:"unit_id,notnull"`
	Amount     int64      `bun:"amount,notnull"`
	Decision   string     `bun:"decision,notnull"`
	DecidedOn  civil.Date `bun:"decided_on,notnull,type:date"`
	RecordedBy string     `bun:"recorded_by,notnull"`
	RecordedAt time.Time  `bun:"recorded_at,notnull"`
	// UnitCode is the unit's official code, where a read joins it.
	UnitCode string `bun:"unit_code,scanonly"`
	// UnitLevel is the unit's level, where a read joins it.
	UnitLevel adminunit.Level `bun:"unit_level,scanonly"`
}

// AllocateInput is one allocation to record, named by codes.
type AllocateInput struct {
	Program string // programme code
	Fund    string // fund code
	Unit    string // official code of the province, district or ward
	Amount  int64
	// Decision is the number of the allocation decision, e.g. 123/QĐ-UBND.
	Decision  string
	DecidedOn civil.Date
}

// Allocator records allocations; only admins may.
type Allocator struct {
	db  bun.IDB
	now func() time.Time
}

// NewAllocator returns an Allocator over db; now is the clock (nil: time.Now).
func NewAllocator(db bun.IDB, now func() time.Time) *Allocator {
	if now == nil {
		now = time.Now
	}
	return &Allocator{db: db, now: now}
}

// MaxDecisionLength bounds a decision number.
const MaxDecisionLength = 100

// Allocate records an allocation after checking it: the caller is an admin; the amount is
// positive; the fund belongs to the programme; the unit exists on the decision date and lies in
// the programme's area (see InArea); the date is neither before the programme began nor in the
// future; and what the units below each allocated unit received stays within what it received.
// The allocation, its audit event and the move of the data version are written in one transaction.
func (a *Allocator) Allocate(ctx context.Context, in AllocateInput) (*Allocation, error) {
	const op = "fund: allocate"
	id := auth.FromContext(ctx)
	if id.Role != auth.Admin {
		return nil, errs.E(op, errs.Permission, errs.Msg("Chỉ quản trị viên được ghi quyết định phân bổ kinh phí."))
	}
	in.Decision = strings.TrimSpace(in.Decision)
	in.Unit = strings.TrimSpace(in.Unit)
	switch {
	case in.Amount <= 0:
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Số tiền phân bổ phải lớn hơn 0, nhận được %s.", vntext.Number(in.Amount)))
	case in.Decision == "":
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần số quyết định phân bổ, ví dụ 123/QĐ-UBND."))
	case len([]rune(in.Decision)) > MaxDecisionLength:
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Số quyết định dài quá %d ký tự.", MaxDecisionLength))
	case in.DecidedOn.IsZero():
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần ngày ký quyết định (YYYY-MM-DD)."))
	case in.Unit == "":
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần mã đơn vị hành chính được phân bổ."))
	}
	var out *Allocation
	err := a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		prog, err := program.NewStore(tx).Program(ctx, in.Program)
		if err != nil {
			return err
		}
		f, err := NewStore(tx).Get(ctx, prog.ID, in.Fund)
		if err != nil {
			return err
		}
		today := civil.Of(a.now())
		if in.DecidedOn.Before(prog.AppliesFrom) || in.DecidedOn.After(today) {
			return errs.E(op, errs.Invalid, errs.Msgf("Ngày quyết định %s không hợp lệ: phải từ ngày chương trình bắt đầu (%s) đến hôm nay.", in.DecidedOn.Vietnamese(), prog.AppliesFrom.Vietnamese()))
		}
		unit, err := unitOn(ctx, tx, in.Unit, in.DecidedOn)
		if err != nil {
			return err
		}
		if err := InArea(ctx, tx, prog.ID, unit); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*Allocation)(nil)).Where("fund_id = ?", f.ID).Where("unit_id = ?", unit.ID).
			Where("decision = ?", in.Decision).Count(ctx)
		if err != nil {
			return errs.E(op, err)
		}
		if n > 0 {
			return errs.E(op, errs.Conflict, errs.Msgf("Quyết định %s đã được ghi cho %s.", in.Decision, unit.Name))
		}
		out = &Allocation{FundID: f.ID, UnitID: unit.ID, UnitCode: unit.Code, Amount: in.Amount, Decision: in.Decision, DecidedOn: in.DecidedOn,
			RecordedBy: id.Username, RecordedAt: a.now().UTC()}
		if err := checkCeilings(ctx, tx, f, out); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(out).Returning("id").Exec(ctx); err != nil {
			return errs.E(op, err)
		}
		// Answers kept by data version (fund use among them) must not outlive the decision.
		if err := dataset.NewStore(tx).Bump(ctx); err != nil {
			return err
		}
		var ward *int64
		if unit.Level == adminunit.Commune {
			ward = &unit.ID
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{
			At: out.RecordedAt, Actor: id.Username, Action: "fund.allocate", Entity: "fund_allocation",
			EntityID: fmt.Sprint(out.ID), WardID: ward, RequestID: logging.RequestID(ctx),
			After: audit.JSON(map[string]any{"program": prog.Code, "fund": f.Code, "unit": unit.Code, "level": unit.Level,
				"amount": out.Amount, "decision": out.Decision, "decided_on": out.DecidedOn.String()}),
		})
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// unitOn returns the unit with the official code valid on the day.
func unitOn(ctx context.Context, db bun.IDB, code string, day civil.Date) (*adminunit.Unit, error) {
	var units []*adminunit.Unit
	err := db.NewSelect().Model(&units).Where("code = ?", code).Where("valid_from <= ?", day).
		Where("(valid_to IS NULL OR valid_to >= ?)", day).Scan(ctx)
	if err != nil {
		return nil, errs.E("fund: unit", err)
	}
	if len(units) != 1 {
		return nil, errs.E("fund: unit", errs.NotFound, errs.Msgf("Không có đơn vị hành chính mã %s vào ngày %s.", code, day.Vietnamese()))
	}
	return units[0], nil
}

// InArea refuses a unit outside the programme's area: the provinces where the programme has payment
// lines. A programme with no lines yet has no area recorded, and any unit is accepted.
func InArea(ctx context.Context, db bun.IDB, programID int64, unit *adminunit.Unit) error {
	const op = "fund: area"
	chain, err := ancestors(ctx, db, []int64{unit.ID})
	if err != nil {
		return err
	}
	top := unit
	for top.ParentID != nil {
		top = chain[*top.ParentID]
	}
	var anyLine, inProvince int
	err = db.NewSelect().ColumnExpr("(SELECT count(*) FROM (SELECT 1 FROM disbursements WHERE program_id = ? LIMIT 1) AS x)", programID).
		// Ward by ward of the province (the lines' ward index), not line by line of the programme.
		ColumnExpr(`(SELECT count(*) FROM (SELECT 1 FROM admin_units AS w LEFT JOIN admin_units AS p ON p.id = w.parent_id
			WHERE w.level = 'COMMUNE' AND (w.parent_id = ? OR p.parent_id = ?)
			AND EXISTS (SELECT 1 FROM disbursements AS d WHERE d.ward_id = w.id AND d.program_id = ?) LIMIT 1) AS y)`, top.ID, top.ID, programID).
		Scan(ctx, &anyLine, &inProvince)
	if err != nil {
		return errs.E(op, err)
	}
	if anyLine > 0 && inProvince == 0 {
		return errs.E(op, errs.Invalid, errs.Msgf("%s không thuộc địa bàn của chương trình (chương trình chưa chi trả ở %s).", unit.Name, top.Name))
	}
	return nil
}

// ancestors returns the units with the IDs and every unit above them, by ID.
func ancestors(ctx context.Context, db bun.IDB, ids []int64) (map[int64]*adminunit.Unit, error) {
	out := map[int64]*adminunit.Unit{}
	for len(ids) > 0 {
		var units []*adminunit.Unit
		if err := db.NewSelect().Model(&units).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
			return nil, errs.E("fund: units", err)
		}
		ids = nil
		for _, u := range units {
			out[u.ID] = u
			if u.ParentID != nil && out[*u.ParentID] == nil && !slices.Contains(ids, *u.ParentID) {
				ids = append(ids, *u.ParentID)
			}
		}
	}
	return out, nil
}

// checkCeilings refuses the new allocation when, with it, what the units directly below an
// allocated unit (or below the top) received would exceed what that unit (or the fund) received.
func checkCeilings(ctx context.Context, db bun.IDB, f *Fund, add *Allocation) error {
	const op = "fund: allocate"
	var existing []*Allocation
	if err := db.NewSelect().Model(&existing).Where("fund_id = ?", f.ID).Scan(ctx); err != nil {
		return errs.E(op, err)
	}
	all := append(existing, add)
	received := map[int64]int64{}
	var ids []int64
	for _, a := range all {
		if _, ok := received[a.UnitID]; !ok {
			ids = append(ids, a.UnitID)
		}
		received[a.UnitID] += a.Amount
	}
	units, err := ancestors(ctx, db, ids)
	if err != nil {
		return err
	}
	// parentOf is the nearest allocated unit above u, or 0 for the top.
	parentOf := func(u int64) int64 {
		for p := units[u].ParentID; p != nil; p = units[*p].ParentID {
			if _, ok := received[*p]; ok {
				return *p
			}
		}
		return 0
	}
	below := map[int64]int64{}
	for _, u := range ids {
		below[parentOf(u)] += received[u]
	}
	// Check the new unit's parent first, then the new unit, so the message names what was added.
	for _, p := range []int64{parentOf(add.UnitID), add.UnitID} {
		limit, name := f.Allocated, "toàn địa bàn chương trình (mức phân bổ của nguồn "+f.Name+")"
		if p != 0 {
			limit, name = received[p], units[p].Name
		}
		if below[p] > limit {
			return errs.E(op, errs.Invalid, errs.Msgf(
				"Tổng phân bổ cho các đơn vị trực thuộc %s sẽ là %s đồng, vượt số %s được phân bổ (%s đồng). Hãy kiểm tra lại số tiền hoặc ghi quyết định phân bổ cho cấp trên trước.",
				name, vntext.Number(below[p]), name, vntext.Number(limit)))
		}
	}
	return nil
}

// AllocationQuery selects allocations: the programme's, of one fund, to one unit (by code, any
// level). Empty fields do not filter.
type AllocationQuery struct {
	Program, Fund, Unit string
}

// Allocations returns the recorded allocations, by decision date. Any signed-in caller may read
// them: they are public decisions, not personal data.
func (s *Store) Allocations(ctx context.Context, q AllocationQuery) ([]*Allocation, error) {
	const op = "fund: allocations"
	if !auth.FromContext(ctx).SignedIn() {
		return nil, errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để xem các quyết định phân bổ."))
	}
	sel := s.db.NewSelect().Model((*Allocation)(nil)).Column("fa.*").ColumnExpr("u.code AS unit_code").
		Join("JOIN funds AS f ON f.id = fa.fund_id").Join("JOIN programs AS p ON p.id = f.program_id").
		Join("JOIN admin_units AS u ON u.id = fa.unit_id")
	if q.Program != "" {
		if _, err := program.NewStore(s.db).Program(ctx, q.Program); err != nil {
			return nil, err
		}
		sel = sel.Where("p.code = ?", q.Program)
	}
	if q.Fund != "" {
		sel = sel.Where("f.code = ?", q.Fund)
	}
	if q.Unit != "" {
		sel = sel.Where("u.code = ?", q.Unit)
	}
	var out []*Allocation
	if err := sel.OrderExpr("fa.decided_on, fa.id").Scan(ctx, &out); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}
