package feedback

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
)

// WardStats counts one ward's reports: nothing personal, nothing of what they say.
type WardStats struct {
	WardID   int64 `bun:"ward_id"`
	Received int   `bun:"received"`
	Open     int   `bun:"open"`    // not closed yet (answered or not)
	Overdue  int   `bun:"overdue"` // open past the deadline, or closed after it
	Closed   int   `bun:"closed"`
	// Changed counts the closed reports whose outcome changed a line (corrected, cancelled, a
	// person added).
	Changed int `bun:"changed"`
}

// ChangedShare is the share of closed reports that changed a line, or nil when none is closed.
func (w WardStats) ChangedShare() *float64 {
	if w.Closed == 0 {
		return nil
	}
	s := float64(w.Changed) / float64(w.Closed)
	return &s
}

// MaxStatsWards bounds one answer of Stats, as a stats answer's rows are bounded: past it, name
// the wards.
const MaxStatsWards = 1000

// Stats counts reports per ward for signed-in callers (ward officers: their wards only), one entry
// per ward that received any; wardCodes narrows it to those wards. Visitors are refused: the
// counts of a small ward could point at the few who spoke up.
func (s *Service) Stats(ctx context.Context, wardCodes []string) ([]WardStats, error) {
	const op = "feedback: stats"
	id := auth.FromContext(ctx)
	if !id.SignedIn() {
		return nil, errs.E(op, errs.Unauthorized, errs.Msg("Vui lòng đăng nhập để xem số phản ánh."))
	}
	today := civil.Of(s.opt.Now())
	q := s.db.NewSelect().Model((*Report)(nil)).
		ColumnExpr("f.ward_id").
		ColumnExpr("COUNT(*) AS received").
		ColumnExpr("SUM(CASE WHEN f.status <> 'CLOSED' THEN 1 ELSE 0 END) AS open").
		ColumnExpr("SUM(CASE WHEN (f.status <> 'CLOSED' AND f.due_on < ?) OR (f.status = 'CLOSED' AND f.closed_on > f.due_on) THEN 1 ELSE 0 END) AS overdue", today).
		ColumnExpr("SUM(CASE WHEN f.status = 'CLOSED' THEN 1 ELSE 0 END) AS closed").
		ColumnExpr("SUM(CASE WHEN f.outcome IN (?) THEN 1 ELSE 0 END) AS changed", bun.List([]Outcome{LineCorrected, LineCancelled, PersonAdded})).
		GroupExpr("f.ward_id").OrderExpr("f.ward_id")
	if len(wardCodes) > 0 {
		var ids []int64
		for _, c := range wardCodes {
			w, err := wardIDs(ctx, s.db, id, c)
			if err != nil {
				return nil, errs.E(op, err)
			}
			ids = append(ids, w...)
		}
		q = q.Where("f.ward_id IN (?)", bun.List(ids))
	}
	if scope := id.ScopeWardIDs(); scope != nil {
		q = q.Where("f.ward_id IN (?)", bun.List(append([]int64{0}, scope...)))
	}
	var out []WardStats
	if err := q.Limit(MaxStatsWards+1).Scan(ctx, &out); err != nil {
		return nil, errs.E(op, err)
	}
	if len(out) > MaxStatsWards {
		return nil, errs.E(op, errs.TooComplex, errs.Msgf("Hơn %d phường/xã có phản ánh; hãy chọn các phường/xã cần xem (wards).", MaxStatsWards))
	}
	return out, nil
}
