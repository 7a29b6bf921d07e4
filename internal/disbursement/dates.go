package disbursement

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/program"
)

// checkDates refuses a dated step whose date lies outside the period of a line's programme (from
// its start to its end, or to today when it has none) or before a line's previous step, saying how
// many lines and which dates; nothing is written then. Steps without a date pass.
func checkDates(ctx context.Context, tx bun.IDB, lines []*Disbursement, a Action, today civil.Date) error {
	const op = "disbursement: dates"
	if a.On == nil || len(lines) == 0 {
		return nil
	}
	on := *a.On
	var programIDs []int64
	seen := map[int64]bool{}
	for _, l := range lines {
		if !seen[l.ProgramID] {
			seen[l.ProgramID] = true
			programIDs = append(programIDs, l.ProgramID)
		}
	}
	programs, err := program.NewStore(tx).ProgramsByIDs(ctx, programIDs)
	if err != nil {
		return errs.E(op, err)
	}
	for _, pid := range programIDs {
		p, ok := programs[pid]
		if !ok {
			return errs.E(op, errs.Internal, errs.Msgf("program %d of a line is missing", pid))
		}
		end, endWhat := today, "hôm nay (chương trình chưa có ngày kết thúc)"
		if p.AppliesTo != nil {
			end, endWhat = *p.AppliesTo, "ngày kết thúc của chương trình"
		}
		if on.Before(p.AppliesFrom) || on.After(end) {
			n := 0
			for _, l := range lines {
				if l.ProgramID == pid {
					n++
				}
			}
			return errs.E(op, errs.Invalid, errs.Msgf("Ngày %s %s nằm ngoài thời gian của chương trình %s (từ %s đến %s, %s): %d dòng chi trả không thể ghi ngày này. Hãy chọn ngày trong khoảng đó; không dòng nào được ghi.",
				a.Step.Label(), on.Vietnamese(), p.Code, p.AppliesFrom.Vietnamese(), end.Vietnamese(), endWhat, n))
		}
	}
	early, what := 0, ""
	var latest civil.Date
	for _, l := range lines {
		prev, w := previousDate(l, a.Step)
		if w == "" || !on.Before(prev) {
			continue
		}
		early++
		if what == "" || prev.After(latest) {
			latest, what = prev, w
		}
	}
	if early > 0 {
		return errs.E(op, errs.Invalid, errs.Msgf("Ngày %s %s trước ngày %s của %d/%d dòng chi trả (muộn nhất %s). Hãy chọn ngày từ %s trở đi; không dòng nào được ghi.",
			a.Step.Label(), on.Vietnamese(), what, early, len(lines), latest.Vietnamese(), latest.Vietnamese()))
	}
	return nil
}
