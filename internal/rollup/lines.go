package rollup

import (
	"context"

	"hotro/internal/errs"
	"hotro/internal/report"
)

// MaxLineScans bounds the line scans (fromLines) one engine runs at once: each reads every
// payment line its filter keeps, so thirty aliases of one, or many clients, must not run thirty
// together. The others wait their turn, or fail UNAVAILABLE at their deadline.
const MaxLineScans = 2

// fromLines answers a query the rollups cannot: one that filters or groups by what they do not
// keep (the listing or approval date, the recipient's kind, the instalment, the amount, the rule)
// or asks for the time from listing to payment (report.Query.NeedsLines). It scans the lines
// with the exact SQL engine, so such a query is slower but never approximated.
func (e *Engine) fromLines(ctx context.Context, q report.Query) (*report.Result, error) {
	select {
	case e.lineScans <- struct{}{}:
		defer func() { <-e.lineScans }()
	case <-ctx.Done():
		return nil, errs.E("rollup: stats from the lines", errs.Unavailable,
			errs.Msg("Máy chủ đang bận tính các số liệu phải đếm từ từng dòng chi trả; hãy thử lại sau ít phút."), ctx.Err())
	}
	return report.NewSQL(e.db).Stats(ctx, q)
}
