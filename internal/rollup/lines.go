package rollup

import (
	"context"

	"hotro/internal/report"
)

// fromLines answers a query the rollups cannot: one that filters or groups by what they do not
// keep (the listing or approval date, the recipient's kind, the instalment, the amount, the rule)
// or asks for the time from listing to payment (report.Query.NeedsLines). It scans the lines
// with the exact SQL engine, so such a query is slower but never approximated.
func (e *Engine) fromLines(ctx context.Context, q report.Query) (*report.Result, error) {
	return report.NewSQL(e.db).Stats(ctx, q)
}
