package disbursement

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/errs"
	"hotro/internal/logging"
)

// Selection names the lines an action applies to: exactly one of IDs, BatchID or Filter.
//
//   - IDs: every line must be in a status the step leaves from; otherwise nothing moves.
//   - BatchID: the lines of one imported list, leaving out those already RETURNED or CANCELLED;
//     every other line must be in a status the step leaves from.
//   - Filter: the lines matching it that are in a status from which the caller may take the step
//     (so "approve every appraised HO_NGHEO line of ward 05431" is a filter on group and ward). The
//     filter must name at least one condition.
type Selection struct {
	IDs     []int64
	BatchID int64
	Filter  *Filter
}

// MaxSelection bounds the lines one action may move.
const MaxSelection = 200_000

// Result says what an action did.
type Result struct {
	Step   Step
	To     Status
	Lines  int   // lines moved
	Amount int64 // their total amount
	People int   // persons they cover
}

// Workflow moves payment lines along the approval chain for the caller in the context: it checks
// the caller's role against Rules, their ward scope, and the lines' order in the chain, then moves
// the lines in one transaction that also records the audit trail, tells the observer and bumps the
// data version.
type Workflow struct {
	db       *bun.DB
	observer Observer
	now      func() time.Time
}

// NewWorkflow returns a Workflow over db; observer may be nil, now nil means time.Now.
func NewWorkflow(db *bun.DB, observer Observer, now func() time.Time) *Workflow {
	if now == nil {
		now = time.Now
	}
	return &Workflow{db: db, observer: observer, now: now}
}

// Apply takes the action on the selected lines, all or none. Errors: Unauthorized for a visitor;
// Permission for a role that may not take the step (or a ward officer reaching beyond their wards,
// without naming the ward); NotFound for unknown lines or batches; Invalid for a bad action or
// selection; Conflict for lines out of order (the message names the line's status and the step).
func (w *Workflow) Apply(ctx context.Context, sel Selection, a Action) (*Result, error) {
	const op = "disbursement: apply"
	var res *Result
	err := w.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = w.ApplyTx(ctx, tx, sel, a)
		return err
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return res, nil
}

// ApplyTx is Apply inside the caller's transaction, for a change that moves lines together with
// its own rows (a resident's report closed by cancelling the line it names): the same checks, the
// same audit trail and data version, committed or rolled back with the caller's writes.
func (w *Workflow) ApplyTx(ctx context.Context, tx bun.Tx, sel Selection, a Action) (*Result, error) {
	const op = "disbursement: apply"
	id := auth.FromContext(ctx)
	if !id.SignedIn() {
		return nil, errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập."))
	}
	now := w.now()
	a, err := a.Normalize(civil.Of(now))
	if err != nil {
		return nil, err
	}
	if len(StepFromFor(a.Step, id.Role)) == 0 {
		return nil, errs.E(op, errs.Permission, errs.Msgf("Vai trò %s không được %s dòng chi trả.", roleLabel(id.Role), a.Step.Label()))
	}
	if err := sel.validate(); err != nil {
		return nil, err
	}
	res := &Result{Step: a.Step, To: StepTo(a.Step)}
	if err := GenericPlans(ctx, tx); err != nil {
		return nil, err
	}
	lines, err := selectLines(ctx, tx, id, sel, a.Step)
	if err != nil {
		return nil, err
	}
	if err := checkLines(id, lines, a); err != nil {
		return nil, err
	}
	if err := checkDates(ctx, tx, lines, a, civil.Of(now)); err != nil {
		return nil, err
	}
	if err := NewStore(tx, w.observer).Move(ctx, lines, a, id.Username, now); err != nil {
		return nil, err
	}
	for _, l := range lines {
		res.Lines++
		res.Amount += l.Amount
		res.People += l.PeopleCovered
	}
	on := ""
	if a.On != nil {
		on = a.On.String()
	}
	summary := &audit.Event{At: now, Actor: id.Username, Action: "workflow." + strings.ToLower(string(a.Step)),
		Entity: "selection", EntityID: sel.describe(), RequestID: logging.RequestID(ctx),
		After: audit.JSON(map[string]any{"lines": res.Lines, "amount": res.Amount, "to": res.To,
			"on": on, "decisionNumber": a.DecisionNumber, "decisionIssuer": a.DecisionIssuer,
			"channel": a.Channel, "receiptNumber": a.ReceiptNumber, "reason": a.Reason})}
	if wards := wardsOf(lines); len(wards) == 1 {
		summary.WardID = &wards[0]
	}
	if err := audit.NewStore(tx).Record(ctx, summary); err != nil {
		return nil, err
	}
	if err := dataset.NewStore(tx).Bump(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

func (sel Selection) validate() error {
	const op = "disbursement: selection"
	n := 0
	if len(sel.IDs) > 0 {
		n++
	}
	if sel.BatchID != 0 {
		n++
	}
	if sel.Filter != nil {
		n++
	}
	if n != 1 {
		return errs.E(op, errs.Invalid, errs.Msg("Hãy chọn đúng một cách chọn dòng: danh sách mã dòng, một lô nhập, hoặc một bộ lọc."))
	}
	if len(sel.IDs) > MaxSelection {
		return errs.E(op, errs.Invalid, errs.Msgf("Mỗi lần chỉ xử lý tối đa %d dòng.", MaxSelection))
	}
	if sel.Filter != nil {
		if len(sel.Filter.Conditions()) == 0 {
			return errs.E(op, errs.Invalid, errs.Msg("Bộ lọc phải có ít nhất một điều kiện (chương trình, nhóm, phường/xã…); không áp dụng một thao tác cho toàn bộ dữ liệu."))
		}
		if err := sel.Filter.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// describe names the selection in the audit trail.
func (sel Selection) describe() string {
	switch {
	case sel.BatchID != 0:
		return "batch:" + strconv.FormatInt(sel.BatchID, 10)
	case sel.Filter != nil:
		return "filter"
	}
	if len(sel.IDs) == 1 {
		return "line:" + strconv.FormatInt(sel.IDs[0], 10)
	}
	return "lines:" + strconv.Itoa(len(sel.IDs))
}

// selectLines reads the selected lines, locked for the transaction on PostgreSQL (SQLite's
// immediate transactions already hold the write lock).
func selectLines(ctx context.Context, tx bun.IDB, id *auth.Identity, sel Selection, step Step) ([]*Disbursement, error) {
	const op = "disbursement: select"
	lock := func(q *bun.SelectQuery) *bun.SelectQuery {
		if tx.Dialect().Name() == dialect.PG {
			return q.For("UPDATE OF d")
		}
		return q
	}
	var lines []*Disbursement
	switch {
	case len(sel.IDs) > 0:
		ids := slices.Compact(slices.Sorted(slices.Values(sel.IDs)))
		for i := 0; i < len(ids); i += 1000 {
			var part []*Disbursement
			if err := lock(tx.NewSelect().Model(&part).Where("d.id IN (?)", bun.List(ids[i:min(i+1000, len(ids))]))).Scan(ctx); err != nil {
				return nil, errs.E(op, err)
			}
			lines = append(lines, part...)
		}
		found := map[int64]*Disbursement{}
		for _, l := range lines {
			found[l.ID] = l
		}
		for _, want := range ids {
			l, ok := found[want]
			if ok && !id.InScope(l.WardID) || !ok && id.WardScoped() {
				return nil, auth.OutOfScope()
			}
			if !ok {
				return nil, errs.E(op, errs.NotFound, errs.Msgf("Không tìm thấy dòng chi trả %d.", want))
			}
		}
		slices.SortFunc(lines, func(a, b *Disbursement) int { return cmp.Compare(a.ID, b.ID) })
	case sel.BatchID != 0:
		var b Batch
		err := tx.NewSelect().Model(&b).Where("id = ?", sel.BatchID).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !id.InScope(b.WardID) {
			if id.WardScoped() {
				return nil, auth.OutOfScope()
			}
			return nil, errs.E(op, errs.NotFound, errs.Msgf("Không tìm thấy lô nhập %d.", sel.BatchID))
		}
		if err != nil {
			return nil, errs.E(op, err)
		}
		q := tx.NewSelect().Model(&lines).Where("d.batch_id = ?", sel.BatchID).
			Where("d.status NOT IN (?)", bun.List([]Status{Returned, Cancelled})).OrderExpr("d.id")
		if err := lock(q).Scan(ctx); err != nil {
			return nil, errs.E(op, err)
		}
		if len(lines) == 0 {
			return nil, errs.E(op, errs.Conflict, errs.Msgf("Lô nhập %d không còn dòng nào để %s (mọi dòng đã bị trả lại hoặc huỷ).", sel.BatchID, step.Label()))
		}
	default:
		f := *sel.Filter
		if err := f.CheckCodes(ctx, tx); err != nil {
			return nil, err
		}
		if err := id.CheckWards(f.WardIDs...); err != nil {
			return nil, err
		}
		if err := auth.CheckWardCodes(ctx, tx, id, f.Wards); err != nil {
			return nil, err
		}
		from := StepFromFor(step, id.Role)
		q := tx.NewSelect().Model(&lines).
			Join("JOIN admin_units AS w ON w.id = d.ward_id").
			Join("LEFT JOIN admin_units AS wp ON wp.id = w.parent_id").
			Join("LEFT JOIN admin_units AS wpp ON wpp.id = wp.parent_id").
			Where("d.status IN (?)", bun.List(from))
		for _, c := range f.Conditions() {
			q = q.Where(c.SQL, c.Args...)
		}
		if scope := id.ScopeWardIDs(); scope != nil {
			q = q.Where("d.ward_id IN (?)", bun.List(append([]int64{0}, scope...)))
		}
		if err := lock(q.OrderExpr("d.id").Limit(MaxSelection + 1)).Scan(ctx); err != nil {
			return nil, errs.E(op, err)
		}
		if len(lines) > MaxSelection {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Bộ lọc chọn hơn %d dòng; hãy thu hẹp bộ lọc.", MaxSelection))
		}
		if len(lines) == 0 {
			return nil, errs.E(op, errs.Conflict, errs.Msgf("Không có dòng chi trả nào khớp bộ lọc ở trạng thái %s để %s.", statusList(from), step.Label()))
		}
	}
	return lines, nil
}

// checkLines refuses the action when a line is out of the caller's wards, out of order, or in a
// status from which the caller's role may not take the step.
func checkLines(id *auth.Identity, lines []*Disbursement, a Action) error {
	const op = "disbursement: check"
	for _, l := range lines {
		if !id.InScope(l.WardID) {
			return auth.OutOfScope()
		}
		r, ok := ruleFor(a.Step, l.Status)
		if !ok {
			return errs.E(op, errs.Conflict, errs.Msgf("Không thể %s dòng chi trả %d: dòng đang ở trạng thái \"%s\" (%s), mà chỉ %s được dòng ở trạng thái %s.",
				a.Step.Label(), l.ID, l.Status.Label(), l.Status, a.Step.Label(), statusList(StepFrom(a.Step))))
		}
		if !slices.Contains(r.Roles, id.Role) {
			return errs.E(op, errs.Permission, errs.Msgf("Vai trò %s không được %s dòng chi trả %d đang ở trạng thái \"%s\" (%s).",
				roleLabel(id.Role), a.Step.Label(), l.ID, l.Status.Label(), l.Status))
		}
	}
	return nil
}

func wardsOf(lines []*Disbursement) []int64 {
	set := map[int64]bool{}
	var out []int64
	for _, l := range lines {
		if !set[l.WardID] {
			set[l.WardID] = true
			out = append(out, l.WardID)
		}
	}
	return out
}
