package intake

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/uptrace/bun"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/logging"
	"hotro/internal/vntext"
)

// Bounds on what a ward officer's uploads may look up: a dry run answers, for every ID of a file,
// whether the person is on record, so an officer checks at most DefaultDailyRows rows a day
// (Options.DailyRows), and one whose rows name more than DefaultSuspiciousLookups people on record
// outside their wards in a day is flagged in the audit trail (ActionSuspiciousLookups, once a day).
// Admins are not bound. The tally is import_lookups, by account and calendar day in
// Asia/Ho_Chi_Minh.
const (
	DefaultDailyRows         = 5_000
	DefaultSuspiciousLookups = 50
	ActionSuspiciousLookups  = "import.suspicious_lookups"
)

// errDailyBound stops a pass that would look up more rows than its caller may today.
var errDailyBound = errors.New("intake: daily bound reached")

// budget returns how many rows the caller may still look up today, -1 for callers without a
// bound; none left is a TooComplex error.
func (s *Service) budget(ctx context.Context, id *auth.Identity, day civil.Date) (int, error) {
	if !id.WardScoped() {
		return -1, nil
	}
	var used int
	err := s.db.NewSelect().Table("import_lookups").Column("rows_checked").
		Where("actor = ?", id.Username).Where("day = ?", day.String()).Scan(ctx, &used)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, errs.E("intake: daily bound", err)
	}
	if used >= s.opt.DailyRows {
		return 0, s.dailyBoundError(used)
	}
	return s.opt.DailyRows - used, nil
}

func (s *Service) dailyBoundError(used int) error {
	msg := "Mỗi tài khoản cán bộ phường/xã được kiểm tra tối đa " + vntext.Number(int64(s.opt.DailyRows)) +
		" dòng danh sách mỗi ngày; hôm nay đã kiểm tra " + vntext.Number(int64(used)) + " dòng."
	if used < s.opt.DailyRows {
		msg += " Tệp này có nhiều dòng hơn phần còn lại (" + vntext.Number(int64(s.opt.DailyRows-used)) + " dòng)."
	}
	msg += " Hãy thử lại vào ngày mai, hoặc liên hệ phòng Lao động - Thương binh và Xã hội thành phố nếu cần nhập danh sách lớn hơn."
	return errs.E("intake: daily bound", errs.TooComplex, errs.Msg(msg))
}

// lookupDay is an account's tally of a day (import_lookups).
type lookupDay struct {
	RowsChecked int  `bun:"rows_checked"`
	Elsewhere   int  `bun:"elsewhere"`
	Flagged     bool `bun:"flagged"`
}

// tally writes what a ward-scoped caller's pass found outside their wards to the reconciliation
// queue and, when count is set (a dry run, not the commit of a checked upload), adds the rows it
// looked up to the caller's day, flagging the caller in the audit trail when the rows naming people
// elsewhere pass the alarm. runErr is the pass's error: rows of a pass stopped at the daily bound
// are not counted when it showed none of them.
func (s *Service) tally(ctx context.Context, p *pass, count bool, runErr error) error {
	const op = "intake: tally"
	if p == nil || p.visible == nil {
		return nil
	}
	rows := 0
	if count && p.rep != nil && (!errors.Is(runErr, errDailyBound) || p.onRow != nil) {
		rows = p.rep.Rows
	}
	elsewhere := p.elsewhere()
	if rows == 0 && len(p.found) == 0 {
		return nil
	}
	day := civil.Of(p.now)
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := saveReconciliations(ctx, tx, p.found); err != nil {
			return err
		}
		var d lookupDay
		if err := tx.NewRaw(`INSERT INTO import_lookups (actor, day, rows_checked, elsewhere) VALUES (?, ?, ?, ?)
			ON CONFLICT (actor, day) DO UPDATE SET rows_checked = import_lookups.rows_checked + excluded.rows_checked,
			elsewhere = import_lookups.elsewhere + excluded.elsewhere
			RETURNING rows_checked, elsewhere, flagged`, p.actor, day.String(), rows, elsewhere).Scan(ctx, &d); err != nil {
			return err
		}
		if d.Flagged || d.Elsewhere < s.opt.SuspiciousLookups {
			return nil
		}
		res, err := tx.NewRaw(`UPDATE import_lookups SET flagged = TRUE WHERE actor = ? AND day = ? AND flagged = FALSE`,
			p.actor, day.String()).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // flagged meanwhile by another upload
		}
		ward := p.t.Ward.ID
		return audit.NewStore(tx).Record(ctx, &audit.Event{At: p.now, Actor: p.actor, Action: ActionSuspiciousLookups,
			Entity: "user", EntityID: p.actor, WardID: &ward, RequestID: logging.RequestID(ctx),
			After: audit.JSON(map[string]any{"day": day.String(), "rowsChecked": d.RowsChecked, "listedElsewhere": d.Elsewhere,
				"threshold": s.opt.SuspiciousLookups, "lastFile": p.rep.FileName, "lastFileSha256": p.rep.SHA256,
				"note": "Các lần kiểm tra danh sách của tài khoản này trong ngày đã gặp " + strconv.Itoa(d.Elsewhere) +
					" số CCCD/CMND có trong danh sách ở phường/xã khác; hãy xem hàng đợi đối chiếu (reconciliations)."})})
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}
