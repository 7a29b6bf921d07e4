package disbursement

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/uptrace/bun"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/errs"
)

// History returns, for each recipient asked, the audit events of their payment lines that the
// caller may see, newest first: every step taken on a line (post, appraise, approve, pay, return,
// cancel), with who took it, when, and the line's state before and after. A line's listing is the
// event of its import batch, which names many lines at once; its date is the line's listedOn.
//
// The caller sees the events of the lines they may list (a ward officer their wards' lines, leaders
// and analysts every line); the states hold the line's own facts and the recipient's row ID, never a
// name or an ID number, so they need no masking. Two statements answer any number of
// recipients.
func (r *Reader) History(ctx context.Context, beneficiaryIDs []int64) (map[int64][]*audit.Event, error) {
	const op = "disbursement: history"
	id := auth.FromContext(ctx)
	if err := id.CanList(); err != nil {
		return nil, errs.E(op, err)
	}
	var lines []struct {
		ID            int64 `bun:"id"`
		BeneficiaryID int64 `bun:"beneficiary_id"`
	}
	q := r.db.NewSelect().Table("disbursements").Column("id", "beneficiary_id").
		Where("beneficiary_id IN (?)", bun.List(append([]int64{0}, beneficiaryIDs...)))
	if scope := id.ScopeWardIDs(); scope != nil {
		q = q.Where("ward_id IN (?)", bun.List(append([]int64{0}, scope...)))
	}
	if err := q.Scan(ctx, &lines); err != nil {
		return nil, errs.E(op, err)
	}
	out := make(map[int64][]*audit.Event, len(beneficiaryIDs))
	for _, b := range beneficiaryIDs {
		out[b] = []*audit.Event{}
	}
	if len(lines) == 0 {
		return out, nil
	}
	owner := make(map[string]int64, len(lines))
	keys := make([]string, 0, len(lines))
	for _, l := range lines {
		k := strconv.FormatInt(l.ID, 10)
		owner[k] = l.BeneficiaryID
		keys = append(keys, k)
	}
	var events []*audit.Event
	for i := 0; i < len(keys); i += MaxFilterValues {
		var part []*audit.Event
		if err := r.db.NewSelect().Model(&part).Where("e.entity = 'disbursement'").
			Where("e.entity_id IN (?)", bun.List(keys[i:min(i+MaxFilterValues, len(keys))])).
			Scan(ctx); err != nil {
			return nil, errs.E(op, err)
		}
		events = append(events, part...)
	}
	for _, e := range events {
		b := owner[e.EntityID]
		out[b] = append(out[b], e)
	}
	for _, evs := range out {
		slices.SortFunc(evs, func(a, b *audit.Event) int { return cmp.Compare(b.ID, a.ID) })
	}
	return out, nil
}
