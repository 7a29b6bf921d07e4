package disbursement

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/audit"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/logging"
)

// Action is a step with the facts it records.
type Action struct {
	Step Step
	// On is the day of the step: posting, appraisal, decision or payment. The steps that record a
	// date need it (it is chosen, never assumed); it must lie within the programme's period, not in
	// the future, and not before the line's previous step.
	On *civil.Date
	// DecisionNumber and DecisionIssuer name the approving decision (APPROVE, both required),
	// e.g. "1234/QĐ-UBND" by "UBND tỉnh Thái Nguyên".
	DecisionNumber string
	DecisionIssuer string
	// Channel (PAY, required) and ReceiptNumber (PAY, optional) record the payment.
	Channel       Channel
	ReceiptNumber string
	// Reason says why a line is returned or cancelled (RETURN and CANCEL, required).
	Reason string
}

// maxText bounds the free-text fields of an action.
const maxText = 500

// Normalize trims the action's fields and checks that the step has what it must record: a date
// (not in the future) for the steps that record one, a decision, a channel or a reason.
func (a Action) Normalize(today civil.Date) (Action, error) {
	const op = "disbursement: action"
	invalid := func(format string, args ...any) (Action, error) {
		return Action{}, errs.E(op, errs.Invalid, errs.Msgf(format, args...))
	}
	if !a.Step.Valid() {
		return invalid("Bước %q không có trong quy trình.", a.Step)
	}
	a.DecisionNumber = strings.TrimSpace(a.DecisionNumber)
	a.DecisionIssuer = strings.TrimSpace(a.DecisionIssuer)
	a.ReceiptNumber = strings.TrimSpace(a.ReceiptNumber)
	a.Reason = strings.TrimSpace(a.Reason)
	for _, f := range []struct{ name, value string }{
		{"Số quyết định", a.DecisionNumber}, {"Cơ quan ban hành", a.DecisionIssuer},
		{"Số biên nhận", a.ReceiptNumber}, {"Lý do", a.Reason},
	} {
		if utf8.RuneCountInString(f.value) > maxText {
			return invalid("%s dài quá %d ký tự.", f.name, maxText)
		}
	}
	if !a.Step.Dated() {
		a.On = nil
	} else if a.On == nil {
		return invalid("Cần chọn ngày %s (ngày thực tế trên giấy tờ); hệ thống không tự lấy ngày hôm nay.", a.Step.Label())
	} else if a.On.After(today) {
		return invalid("Ngày %s ở tương lai; hãy ghi ngày đã %s.", a.On.Vietnamese(), a.Step.Label())
	}
	switch a.Step {
	case Approve:
		if a.DecisionNumber == "" || a.DecisionIssuer == "" {
			return invalid("Phê duyệt cần số quyết định và cơ quan ban hành quyết định (ví dụ 1234/QĐ-UBND, UBND tỉnh Thái Nguyên).")
		}
	case Pay:
		if !slices.Contains(Channels, a.Channel) {
			return invalid("Ghi nhận chi trả cần hình thức chi trả: tiền mặt tại phường/xã, qua bưu điện hoặc chuyển khoản.")
		}
	case Return, Cancel:
		if a.Reason == "" {
			return invalid("Cần ghi lý do %s.", a.Step.Label())
		}
	}
	return a, nil
}

// previousDate is the date a line's step may not precede: the date of the step before it.
func previousDate(l *Disbursement, step Step) (civil.Date, string) {
	switch step {
	case Post:
		return l.ListedOn, "lập danh sách"
	case Appraise:
		if l.PostedOn != nil {
			return *l.PostedOn, "niêm yết"
		}
	case Approve:
		if l.AppraisedOn != nil {
			return *l.AppraisedOn, "thẩm định"
		}
	case Pay:
		if l.ApprovedOn != nil {
			return *l.ApprovedOn, "phê duyệt"
		}
	}
	return civil.Date{}, ""
}

// apply sets the fields the action records on the line.
func (a Action) apply(l *Disbursement, now time.Time) {
	l.Status = StepTo(a.Step)
	l.UpdatedAt = now
	switch a.Step {
	case Post:
		l.PostedOn = a.On
	case Appraise:
		l.AppraisedOn = a.On
	case Approve:
		l.ApprovedOn, l.DecisionNumber, l.DecisionIssuer = a.On, &a.DecisionNumber, &a.DecisionIssuer
	case Pay:
		l.PaidOn, l.Channel = a.On, &a.Channel
		if a.ReceiptNumber != "" {
			l.ReceiptNumber = &a.ReceiptNumber
		}
	case Return, Cancel:
		l.StatusReason = &a.Reason
	}
}

// auditState is what the audit trail keeps of a line before and after a change.
type auditState struct {
	Status         Status   `json:"status"`
	Amount         int64    `json:"amount"`
	PeopleCovered  int      `json:"peopleCovered"`
	MonthsCovered  int      `json:"monthsCovered"`
	BeneficiaryID  int64    `json:"beneficiaryId"`
	GroupID        int64    `json:"groupId"`
	FundID         int64    `json:"fundId"`
	WardID         int64    `json:"wardId"`
	BatchID        *int64   `json:"batchId,omitempty"`
	ListedOn       string   `json:"listedOn"`
	PostedOn       string   `json:"postedOn,omitempty"`
	AppraisedOn    string   `json:"appraisedOn,omitempty"`
	ApprovedOn     string   `json:"approvedOn,omitempty"`
	DecisionNumber *string  `json:"decisionNumber,omitempty"`
	DecisionIssuer *string  `json:"decisionIssuer,omitempty"`
	PaidOn         string   `json:"paidOn,omitempty"`
	Channel        *Channel `json:"channel,omitempty"`
	ReceiptNumber  *string  `json:"receiptNumber,omitempty"`
	StatusReason   *string  `json:"statusReason,omitempty"`
}

// AuditState returns what the audit trail records of the line.
func (d *Disbursement) AuditState() any {
	date := func(p *civil.Date) string {
		if p == nil {
			return ""
		}
		return p.String()
	}
	return auditState{
		Status: d.Status, Amount: d.Amount, PeopleCovered: d.PeopleCovered, MonthsCovered: d.MonthsCovered,
		BeneficiaryID: d.BeneficiaryID, GroupID: d.GroupID, FundID: d.FundID, WardID: d.WardID, BatchID: d.BatchID,
		ListedOn: d.ListedOn.String(), PostedOn: date(d.PostedOn), AppraisedOn: date(d.AppraisedOn),
		ApprovedOn: date(d.ApprovedOn), DecisionNumber: d.DecisionNumber, DecisionIssuer: d.DecisionIssuer,
		PaidOn: date(d.PaidOn), Channel: d.Channel, ReceiptNumber: d.ReceiptNumber, StatusReason: d.StatusReason,
	}
}

// Move takes the action on lines already checked against the approval chain (see Workflow, which
// checks roles, scope and order): it writes the new status and the facts of the step, records an
// audit event per line with its state before and after, and tells the observer. Run it inside the
// transaction of the change; the lines are updated in place. A line whose status changed since it
// was read fails the whole move (errs.Conflict).
func (s *Store) Move(ctx context.Context, lines []*Disbursement, a Action, actor string, now time.Time) error {
	const op = "disbursement: move"
	if len(lines) == 0 {
		return nil
	}
	before, err := s.FactsOf(ctx, lines)
	if err != nil {
		return errs.E(op, err)
	}
	states := make([]any, len(lines))
	byFrom := map[Status][]int64{}
	for i, l := range lines {
		states[i] = l.AuditState()
		byFrom[l.Status] = append(byFrom[l.Status], l.ID)
	}
	var after Disbursement
	after.ListedOn = lines[0].ListedOn
	a.apply(&after, now)
	const chunk = 1000
	for from, ids := range byFrom {
		for i := 0; i < len(ids); i += chunk {
			part := ids[i:min(i+chunk, len(ids))]
			q := s.db.NewUpdate().Table("disbursements").
				Set("status = ?", after.Status).Set("updated_at = ?", now).
				Where("id IN (?)", bun.List(part)).Where("status = ?", from)
			switch a.Step {
			case Post:
				q = q.Set("posted_on = ?", *a.On)
			case Appraise:
				q = q.Set("appraised_on = ?", *a.On)
			case Approve:
				q = q.Set("approved_on = ?", *a.On).Set("decision_number = ?", a.DecisionNumber).Set("decision_issuer = ?", a.DecisionIssuer)
			case Pay:
				q = q.Set("paid_on = ?", *a.On).Set("channel = ?", a.Channel).Set("receipt_number = ?", after.ReceiptNumber)
			case Return, Cancel:
				q = q.Set("status_reason = ?", a.Reason)
			}
			res, err := q.Exec(ctx)
			if err != nil {
				return errs.E(op, err)
			}
			if n, err := res.RowsAffected(); err == nil && n != int64(len(part)) {
				return errs.E(op, errs.Conflict, errs.Msg("Một số dòng chi trả vừa được người khác thay đổi. Hãy tải lại và thử lại."))
			}
		}
	}
	events := make([]*audit.Event, 0, len(lines))
	changes := make([]Change, len(lines))
	reqID := logging.RequestID(ctx)
	for i, l := range lines {
		a.apply(l, now)
		ward := l.WardID
		events = append(events, &audit.Event{At: now, Actor: actor, Action: "disbursement." + strings.ToLower(string(a.Step)),
			Entity: "disbursement", EntityID: strconv.FormatInt(l.ID, 10), WardID: &ward,
			Before: audit.JSON(states[i]), After: audit.JSON(l.AuditState()), RequestID: reqID})
		changes[i] = Change{Before: before[i], After: l.Facts(before[i].PersonBase)}
	}
	if err := RecordAll(ctx, s.db, events); err != nil {
		return errs.E(op, err)
	}
	if s.observer != nil {
		if err := s.observer.LinesChanged(ctx, s.db, changes); err != nil {
			return errs.E(op, err)
		}
	}
	return nil
}

// RecordAll records audit events in chunks, so that a list of any size fits in its statements.
// On PostgreSQL the events go in over arrays, which the server reads far faster than VALUES lists.
func RecordAll(ctx context.Context, db bun.IDB, events []*audit.Event) error {
	pg := db.Dialect().Name() == dialect.PG
	chunk := 1000
	if pg {
		chunk = 5000
	}
	store := audit.NewStore(db)
	for i := 0; i < len(events); i += chunk {
		part := events[i:min(i+chunk, len(events))]
		var err error
		if pg {
			err = recordPG(ctx, db, part)
		} else {
			err = store.Record(ctx, part...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
