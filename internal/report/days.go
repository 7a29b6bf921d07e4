package report

import (
	"context"
	"fmt"
	"strings"

	"hotro/internal/db"
)

// days sets the time from listing to payment of every row of res and of its total: it reads the
// days of the PAID lines of the source, counted by row and day, and takes the percentiles of each
// row's counts (so memory follows the rows times the distinct days, not the lines).
func (s *SQL) days(ctx context.Context, src source, dims []Dimension, res *Result) error {
	var cols []column
	for _, d := range dims {
		cols = append(cols, src.columns(d)...)
	}
	var sel, keys []string
	for _, c := range cols {
		sel = append(sel, c.expr+" AS "+c.alias)
		keys = append(keys, c.alias)
	}
	span := "CAST(julianday(d.paid_on) - julianday(d.listed_on) AS INTEGER)"
	if src.dialect == db.Postgres {
		span = "(d.paid_on - d.listed_on)"
	}
	query := fmt.Sprintf(`SELECT %s days, COUNT(*) AS n FROM (
	SELECT %s %s AS days
	FROM %s
	WHERE %s AND d.status = 'PAID'
) AS x GROUP BY %s days`, prefix(keys), prefix(sel), span, src.from, src.where, prefix(keys))
	rows, err := s.db.QueryContext(ctx, query, src.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	hists := map[string]map[int]int64{}
	total := map[int]int64{}
	for rows.Next() {
		var days int
		var n int64
		r, err := scanKeyed(rows, dims, func(*Row) []any { return []any{&days, &n} })
		if err != nil {
			return err
		}
		k := rowIdentity(r.Key)
		if hists[k] == nil {
			hists[k] = map[int]int64{}
		}
		hists[k][days] += n
		total[days] += n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range res.Rows {
		res.Rows[i].DaysListedToPaid = newDayStats(hists[rowIdentity(res.Rows[i].Key)])
	}
	res.Total.DaysListedToPaid = newDayStats(total)
	return nil
}

// rowIdentity is a text that tells the rows of one answer apart: every part of the key.
func rowIdentity(k Key) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%d|%d|%d|%s|%d|%d|%d|%d|%v|%d", k.ProgramID, k.ProvinceID, k.DistrictID, k.WardID, k.WardCode,
		k.GroupID, k.FundID, k.RoundID, k.Instalment, k.WardSplit, 0)
	for _, p := range []*string{(*string)(k.Status), (*string)(k.Channel), (*string)(k.Kind)} {
		b.WriteString("|")
		if p != nil {
			b.WriteString(*p)
		}
	}
	if k.Period != nil {
		b.WriteString("|" + k.Period.Start.String())
	}
	return b.String()
}
