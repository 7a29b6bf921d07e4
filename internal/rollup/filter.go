package rollup

import (
	"github.com/uptrace/bun"

	"hotro/internal/report"
)

// condition is one SQL condition on rollup rows with its arguments.
type condition struct {
	sql  string
	args []any
}

// lineConditions are the filter's conditions that do not concern units or dates, written over the
// rollups' columns: the same as the stats SQL applies to the lines.
func lineConditions(f report.Filter) []condition {
	var out []condition
	add := func(sql string, args ...any) { out = append(out, condition{sql, args}) }
	if len(f.Programs) > 0 {
		add("program_id IN (SELECT id FROM programs WHERE code IN (?))", bun.List(f.Programs))
	}
	if len(f.Groups) > 0 {
		add("group_id IN (SELECT id FROM beneficiary_groups WHERE code IN (?))", bun.List(f.Groups))
	}
	if len(f.Funds) > 0 {
		add("fund_id IN (SELECT id FROM funds WHERE code IN (?))", bun.List(f.Funds))
	}
	for _, ids := range []struct {
		col string
		ids []int64
	}{{"program_id", f.ProgramIDs}, {"group_id", f.GroupIDs}, {"fund_id", f.FundIDs}} {
		if ids.ids != nil {
			add(ids.col+" IN (?)", bun.List(append([]int64{0}, ids.ids...)))
		}
	}
	if len(f.Statuses) > 0 {
		add("status IN (?)", bun.List(f.Statuses))
	}
	if len(f.Channels) > 0 {
		add("channel IN (?)", bun.List(f.Channels))
	}
	return out
}
