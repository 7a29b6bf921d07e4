package feedback

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/logging"
)

// MaxReplyRunes bounds an officer's answer.
const MaxReplyRunes = 2000

// MaxLinesPerReport bounds the lines one closing may name.
const MaxLinesPerReport = 20

// MaxList bounds one listing of reports: a ward receives a few dozen in a posting period.
const MaxList = 200

// canAnswer says whether the caller may read the ward's reports in full (with the sender's phone)
// and answer them: the ward's officers and admins.
func canAnswer(id *auth.Identity, wardID int64) error {
	const op = "feedback: officers"
	switch {
	case !id.SignedIn():
		return errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để xem phản ánh của người dân."))
	case id.Role == auth.Admin:
		return nil
	case id.Role == auth.WardOfficer:
		if wardID == 0 || id.InScope(wardID) {
			return nil
		}
		return auth.OutOfScope()
	}
	return errs.E(op, errs.Permission, errs.Msg("Chỉ cán bộ phường/xã và quản trị viên xem và trả lời phản ánh; lãnh đạo xem số liệu tổng hợp (feedbackStats)."))
}

// ListQuery asks for reports.
type ListQuery struct {
	Ward     string   // one ward's code; empty: every ward in the caller's scope
	Statuses []Status // empty: every status
}

// List returns the reports of the caller's wards (ward officers) or of any ward (admins): open ones
// first, the nearest deadline first, then closed ones, the latest first.
func (s *Service) List(ctx context.Context, q ListQuery) ([]*Report, error) {
	const op = "feedback: list"
	id := auth.FromContext(ctx)
	if err := canAnswer(id, 0); err != nil {
		return nil, err
	}
	sel := s.db.NewSelect().Model((*Report)(nil))
	if q.Ward != "" {
		ids, err := wardIDs(ctx, s.db, id, q.Ward)
		if err != nil {
			return nil, errs.E(op, err)
		}
		sel = sel.Where("f.ward_id IN (?)", bun.List(ids))
	}
	if scope := id.ScopeWardIDs(); scope != nil {
		sel = sel.Where("f.ward_id IN (?)", bun.List(append([]int64{0}, scope...)))
	}
	for _, st := range q.Statuses {
		if st != Open && st != Answered && st != Closed {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Trạng thái phản ánh %q không hợp lệ.", st))
		}
	}
	if len(q.Statuses) > 0 {
		sel = sel.Where("f.status IN (?)", bun.List(q.Statuses))
	}
	var reports []*Report
	if err := sel.OrderExpr("CASE WHEN f.status = 'CLOSED' THEN 1 ELSE 0 END, f.due_on, f.id DESC").
		Limit(MaxList).Scan(ctx, &reports); err != nil {
		return nil, errs.E(op, err)
	}
	if err := s.fill(ctx, s.db, reports); err != nil {
		return nil, errs.E(op, err)
	}
	return reports, nil
}

// Get returns one report for the ward's officers and admins.
func (s *Service) Get(ctx context.Context, reportID int64) (*Report, error) {
	r, err := s.get(ctx, s.db, reportID, false)
	if err != nil {
		return nil, errs.E("feedback: get", err)
	}
	return r, nil
}

func (s *Service) get(ctx context.Context, db bun.IDB, reportID int64, lock bool) (*Report, error) {
	id := auth.FromContext(ctx)
	if err := canAnswer(id, 0); err != nil {
		return nil, err
	}
	r := new(Report)
	q := db.NewSelect().Model(r).Where("f.id = ?", reportID)
	if lock && db.Dialect().Name() == dialect.PG {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !id.InScope(r.WardID)) {
		// A ward officer is not told whether another ward's report exists.
		return nil, errs.E("feedback: get", errs.NotFound, errs.Msg("Không có phản ánh này."))
	}
	if err != nil {
		return nil, err
	}
	if err := s.fill(ctx, db, []*Report{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// fill reads the lines each closed report changed and marks the overdue ones.
func (s *Service) fill(ctx context.Context, db bun.IDB, reports []*Report) error {
	if len(reports) == 0 {
		return nil
	}
	today := civil.Of(s.opt.Now())
	byID := make(map[int64]*Report, len(reports))
	var closed []int64
	for _, r := range reports {
		r.Overdue = overdue(r, today)
		byID[r.ID] = r
		if r.Status == Closed {
			closed = append(closed, r.ID)
		}
	}
	if len(closed) == 0 {
		return nil
	}
	var links []changedLine
	if err := db.NewSelect().Model(&links).Where("feedback_id IN (?)", bun.List(closed)).
		OrderExpr("feedback_id, disbursement_id").Scan(ctx); err != nil {
		return err
	}
	for _, l := range links {
		byID[l.FeedbackID].ChangedLineIDs = append(byID[l.FeedbackID].ChangedLineIDs, l.DisbursementID)
	}
	return nil
}

// wardIDs returns the units of a ward code the caller may read, or OutOfScope for a ward officer.
func wardIDs(ctx context.Context, db bun.IDB, id *auth.Identity, code string) ([]int64, error) {
	units, err := adminunit.NewStore(db).List(ctx, adminunit.Filter{Level: adminunit.Commune, Codes: []string{strings.TrimSpace(code)}})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, u := range units {
		if id.InScope(u.ID) {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) == 0 {
		if id.WardScoped() {
			return nil, auth.OutOfScope()
		}
		return nil, errs.E("feedback: ward", errs.NotFound, errs.Msgf("Không có phường/xã mã %q.", code))
	}
	return ids, nil
}

// auditState is what the audit trail records of a report: where it stands, never the phone.
func (r *Report) auditState() any {
	return map[string]any{"status": r.Status, "reply": r.Reply, "outcome": r.Outcome, "dueOn": r.DueOn.String(),
		"lines": r.ChangedLineIDs}
}

// Reply records the ward's answer to a report still open; the report stays open until closed.
func (s *Service) Reply(ctx context.Context, reportID int64, reply string) (*Report, error) {
	const op = "feedback: reply"
	reply, err := text(reply, MaxReplyRunes, true, "Câu trả lời")
	if err != nil {
		return nil, errs.E(op, err)
	}
	if reply == "" {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Hãy viết câu trả lời."))
	}
	id := auth.FromContext(ctx)
	var out *Report
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.get(ctx, tx, reportID, true)
		if err != nil {
			return err
		}
		if err := canAnswer(id, r.WardID); err != nil {
			return err
		}
		if r.Status == Closed {
			return errs.E(op, errs.Conflict, errs.Msg("Phản ánh đã đóng; không trả lời thêm."))
		}
		before := r.auditState()
		now := s.opt.Now().UTC()
		r.Reply, r.Status, r.RepliedAt, r.RepliedBy = reply, Answered, &now, &id.Username
		if _, err := tx.NewUpdate().Model(r).Column("reply", "status", "replied_at", "replied_by").WherePK().Exec(ctx); err != nil {
			return err
		}
		if err := s.record(ctx, tx, r, "feedback.reply", before); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

func (s *Service) record(ctx context.Context, tx bun.IDB, r *Report, action string, before any) error {
	wardID := r.WardID
	return audit.NewStore(tx).Record(ctx, &audit.Event{At: s.opt.Now(), Actor: actorOf(ctx), Action: action,
		Entity: "feedback", EntityID: r.Code, WardID: &wardID, RequestID: logging.RequestID(ctx),
		Before: audit.JSON(before), After: audit.JSON(r.auditState())})
}

// CloseInput closes a report with its outcome.
type CloseInput struct {
	ID      int64
	Outcome Outcome
	Reply   string // the answer the reporter reads with the tracking code
	// Lines are the lines the outcome changed (LINE_CORRECTED, LINE_CANCELLED, PERSON_ADDED): lines
	// of the report's ward changed since the report arrived (cancelled, for LINE_CANCELLED; listed
	// after it, for PERSON_ADDED).
	Lines []int64
	// CancelLine cancels the line the report names, in the same transaction, and closes the report
	// as LINE_CANCELLED with that line: the approval chain's rules apply (a ward officer cancels
	// lines still LISTED or POSTED).
	CancelLine bool
}

// Close closes a report with an outcome and the ward's answer, and links it to the lines it
// changed. Errors: Invalid for an outcome without the lines it needs (or lines with an outcome that
// changes none, or lines not changed as the outcome says); Conflict for a report already closed;
// NotFound for a report outside the caller's wards.
func (s *Service) Close(ctx context.Context, in CloseInput) (*Report, error) {
	const op = "feedback: close"
	reply, err := text(in.Reply, MaxReplyRunes, true, "Câu trả lời")
	if err != nil {
		return nil, errs.E(op, err)
	}
	if reply == "" {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Hãy viết câu trả lời cho người phản ánh."))
	}
	if in.CancelLine {
		if in.Outcome == "" {
			in.Outcome = LineCancelled
		}
		if in.Outcome != LineCancelled {
			return nil, errs.E(op, errs.Invalid, errs.Msg("Hủy dòng chỉ đi với kết quả “đã hủy dòng”."))
		}
	}
	if !slices.Contains(Outcomes, in.Outcome) {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Hãy chọn kết quả xử lý."))
	}
	if len(in.Lines) > MaxLinesPerReport {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Một phản ánh liên kết tối đa 20 dòng."))
	}
	id := auth.FromContext(ctx)
	var out *Report
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.get(ctx, tx, in.ID, true)
		if err != nil {
			return err
		}
		if err := canAnswer(id, r.WardID); err != nil {
			return err
		}
		if r.Status == Closed {
			return errs.E(op, errs.Conflict, errs.Msg("Phản ánh này đã đóng."))
		}
		lines := slices.Clone(in.Lines)
		if in.CancelLine {
			if r.LineID == nil {
				return errs.E(op, errs.Invalid, errs.Msg("Phản ánh này không về một dòng của danh sách; không có dòng để hủy."))
			}
			if s.opt.Workflow == nil {
				return errs.E(op, errs.Internal, errs.Msg("Không hủy được dòng từ phản ánh."))
			}
			if _, err := s.opt.Workflow.ApplyTx(ctx, tx, disbursement.Selection{IDs: []int64{*r.LineID}},
				disbursement.Action{Step: disbursement.Cancel, Reason: "Theo phản ánh " + r.Code + ": " + reply}); err != nil {
				return err
			}
			lines = append(lines, *r.LineID)
		}
		slices.Sort(lines)
		lines = slices.Compact(lines)
		if err := s.checkLines(ctx, tx, r, in.Outcome, lines); err != nil {
			return err
		}
		before := r.auditState()
		now := s.opt.Now()
		at, on := now.UTC(), civil.Of(now)
		outcome := in.Outcome
		r.Status, r.Outcome, r.Reply, r.ClosedAt, r.ClosedOn, r.ClosedBy = Closed, &outcome, reply, &at, &on, &id.Username
		if r.RepliedAt == nil {
			r.RepliedAt, r.RepliedBy = &at, &id.Username
		}
		if _, err := tx.NewUpdate().Model(r).Column("status", "outcome", "reply", "closed_at", "closed_on", "closed_by", "replied_at", "replied_by").
			WherePK().Exec(ctx); err != nil {
			return err
		}
		if len(lines) > 0 {
			links := make([]changedLine, len(lines))
			for i, l := range lines {
				links[i] = changedLine{FeedbackID: r.ID, DisbursementID: l}
			}
			if _, err := tx.NewInsert().Model(&links).Exec(ctx); err != nil {
				return err
			}
		}
		r.ChangedLineIDs = lines
		r.Overdue = overdue(r, on)
		if err := s.record(ctx, tx, r, "feedback.close", before); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// checkLines holds an outcome to the lines it names: an outcome that changes lines names lines of
// the report's ward that did change after the report arrived; the others name none.
func (s *Service) checkLines(ctx context.Context, tx bun.IDB, r *Report, o Outcome, ids []int64) error {
	const op = "feedback: close"
	if !o.ChangesLines() {
		if len(ids) > 0 {
			return errs.E(op, errs.Invalid, errs.Msg("Kết quả “giải thích” hoặc “không có cơ sở” không thay đổi dòng nào; bỏ các dòng đã chọn."))
		}
		return nil
	}
	if len(ids) == 0 {
		return errs.E(op, errs.Invalid, errs.Msg("Hãy chọn dòng đã được sửa, hủy hoặc bổ sung theo phản ánh."))
	}
	var lines []*disbursement.Disbursement
	if err := tx.NewSelect().Model(&lines).Where("d.id IN (?)", bun.List(ids)).Where("d.ward_id = ?", r.WardID).Scan(ctx); err != nil {
		return err
	}
	if len(lines) != len(ids) {
		return errs.E(op, errs.Invalid, errs.Msg("Có dòng không thuộc danh sách của phường/xã này."))
	}
	for _, l := range lines {
		var ok bool
		switch o {
		case LineCancelled:
			ok = l.Status == disbursement.Cancelled || l.Status == disbursement.Returned
		case PersonAdded:
			ok = l.CreatedAt.After(r.ReceivedAt)
		case LineCorrected:
			ok = l.UpdatedAt.After(r.ReceivedAt)
		}
		if !ok {
			msg := map[Outcome]string{
				LineCancelled: "Dòng %d chưa bị hủy hoặc trả lại; hãy hủy dòng trước (hoặc chọn “hủy dòng” khi đóng phản ánh).",
				PersonAdded:   "Dòng %d có từ trước khi nhận phản ánh; hãy chọn dòng được lập cho người bị bỏ sót.",
				LineCorrected: "Dòng %d không thay đổi từ khi nhận phản ánh.",
			}[o]
			return errs.E(op, errs.Invalid, errs.Msgf(msg, l.ID))
		}
	}
	return nil
}

// Status returns where a report stands, for anyone holding its tracking code. A code that names no
// report is NotFound (and so is one that is not a code at all).
func (s *Service) Status(ctx context.Context, code string) (*PublicStatus, error) {
	const op = "feedback: status"
	c := NormalizeCode(code)
	if c == "" {
		return nil, errs.E(op, errs.NotFound, errs.Msg("Không có phản ánh với mã này. Hãy kiểm tra lại mã tra cứu."))
	}
	r := new(Report)
	err := s.db.NewSelect().Model(r).Where("f.code = ?", c).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(op, errs.NotFound, errs.Msg("Không có phản ánh với mã này. Hãy kiểm tra lại mã tra cứu."))
	}
	if err != nil {
		return nil, errs.E(op, err)
	}
	units, err := adminunit.NewStore(s.db).ByIDs(ctx, []int64{r.WardID})
	if err != nil {
		return nil, errs.E(op, err)
	}
	st := &PublicStatus{Code: r.Code, Kind: r.Kind, Status: r.Status, ReceivedOn: civil.Of(r.ReceivedAt), DueOn: r.DueOn,
		Overdue: overdue(r, civil.Of(s.opt.Now())), Reply: r.Reply, Outcome: r.Outcome, ClosedOn: r.ClosedOn}
	if u := units[r.WardID]; u != nil {
		st.WardName = u.Name
	}
	return st, nil
}
