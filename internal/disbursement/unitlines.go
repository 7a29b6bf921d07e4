package disbursement

import (
	"context"

	"github.com/uptrace/bun"

	"hotro/internal/errs"
)

// UnitsWithLines returns those of the units ids (communes, districts or provinces) in which at least
// one payment line was recorded (for a district or province, in a commune under it), whatever the
// line's status: which of the units that have had a code a filter by that code can match.
func (r *Reader) UnitsWithLines(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var found []int64
	err := r.db.NewRaw(`SELECT u.id FROM admin_units AS u WHERE u.id IN (?) AND (
		EXISTS (SELECT 1 FROM disbursements AS d WHERE d.ward_id = u.id)
		OR EXISTS (SELECT 1 FROM admin_units AS w JOIN disbursements AS d ON d.ward_id = w.id WHERE w.parent_id = u.id)
		OR EXISTS (SELECT 1 FROM admin_units AS p JOIN admin_units AS w ON w.parent_id = p.id
			JOIN disbursements AS d ON d.ward_id = w.id WHERE p.parent_id = u.id))`, bun.List(ids)).Scan(ctx, &found)
	if err != nil {
		return nil, errs.E("disbursement: units with lines", err)
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}
