package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
)

// SQL answers stats queries with GROUP BY over the payment lines. It is exact on any filter and is
// the reference that faster engines are checked against.
type SQL struct {
	db      bun.IDB
	dialect db.Dialect
}

// NewSQL returns an engine over idb.
func NewSQL(idb bun.IDB) *SQL { return &SQL{db: idb, dialect: db.DialectOf(idb)} }

// Stats answers q.
func (s *SQL) Stats(ctx context.Context, q Query) (*Result, error) {
	const op = "report: stats"
	q, err := Prepare(ctx, s.db, q)
	if err != nil {
		return nil, err
	}
	b := s.build(q)
	rows, err := s.run(ctx, b, q.GroupBy)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if err := CheckRows(op, len(rows)); err != nil {
		return nil, err
	}
	totals, err := s.run(ctx, b, nil)
	if err != nil {
		return nil, errs.E(op, err)
	}
	res := &Result{Rows: rows}
	if len(totals) == 1 {
		res.Total = totals[0].Totals
	}
	if q.WantsDays() {
		if err := s.days(ctx, b, q.GroupBy, res); err != nil {
			return nil, errs.E(op, err)
		}
	}
	Arrange(res, q)
	return res, nil
}

// source is the FROM and WHERE shared by the rows and the total of one query.
type source struct {
	from, where string
	args        []any
	wardID      string // the reporting ward: as recorded, or its successor as of UnitsAsOf
	wardSplit   string
	dialect     db.Dialect
	dateColumn  string // the date time buckets group by
}

func (s *SQL) build(q Query) source {
	src := source{dialect: s.dialect, wardID: "d.ward_id", wardSplit: "0", dateColumn: q.DateField.column()}
	// Join the units only when the query groups or filters by them: most questions (by group,
	// status or period) then read the lines alone.
	f := q.Filter
	needParents := slices.Contains(q.GroupBy, District) || slices.Contains(q.GroupBy, Province) ||
		len(f.Districts) > 0 || len(f.Provinces) > 0
	needWard := needParents || slices.Contains(q.GroupBy, Ward) || len(f.Wards) > 0 || f.WardIDs != nil
	var from strings.Builder
	from.WriteString("disbursements AS d")
	if q.UnitsAsOf != nil && needWard {
		// A ward that no longer exists on the date reports under the one unit it became; a ward
		// split between several units stays itself, flagged.
		from.WriteString(`
	LEFT JOIN admin_units AS rec ON rec.id = d.ward_id
	LEFT JOIN (SELECT s.unit_id, MIN(s.successor_id) AS target_id, COUNT(*) AS n
		FROM admin_unit_successors AS s JOIN admin_units AS t ON t.id = s.successor_id
		WHERE t.valid_from <= ? AND (t.valid_to IS NULL OR t.valid_to >= ?)
		GROUP BY s.unit_id) AS m ON m.unit_id = d.ward_id AND rec.valid_to IS NOT NULL AND rec.valid_to < ?`)
		src.args = append(src.args, *q.UnitsAsOf, *q.UnitsAsOf, *q.UnitsAsOf)
		src.wardID = "(CASE WHEN m.n = 1 THEN m.target_id ELSE d.ward_id END)"
		src.wardSplit = "(CASE WHEN m.n > 1 THEN 1 ELSE 0 END)"
	}
	if needWard {
		fmt.Fprintf(&from, `
	JOIN admin_units AS w ON w.id = %s`, src.wardID)
	}
	if needParents {
		from.WriteString(`
	LEFT JOIN admin_units AS wp ON wp.id = w.parent_id
	LEFT JOIN admin_units AS wpp ON wpp.id = wp.parent_id`)
	}
	if slices.Contains(q.GroupBy, Kind) {
		from.WriteString(`
	JOIN beneficiaries AS kb ON kb.id = d.beneficiary_id`)
	}
	src.from = from.String()

	var where []string
	for _, c := range q.Filter.Conditions() {
		where = append(where, c.SQL)
		src.args = append(src.args, c.Args...)
	}
	if q.Scope.WardIDs != nil {
		where = append(where, "d.ward_id IN (?)")
		src.args = append(src.args, bun.List(append([]int64{0}, q.Scope.WardIDs...)))
	}
	if len(where) == 0 {
		where = append(where, "1 = 1")
	}
	src.where = strings.Join(where, "\n\tAND ")
	return src
}

// column is one grouping column of the SQL.
type column struct{ expr, alias string }

func (src source) columns(d Dimension) []column {
	switch d {
	case Program:
		return []column{{"d.program_id", "program_id"}}
	case Group:
		return []column{{"d.group_id", "group_id"}}
	case Fund:
		return []column{{"d.fund_id", "fund_id"}}
	case Round:
		// A group is in at most one round, so this is one value or none.
		return []column{{"(SELECT rg.round_id FROM payment_round_groups AS rg WHERE rg.group_id = d.group_id)", "round_id"}}
	case Status:
		return []column{{"d.status", "status"}}
	case Channel:
		return []column{{"d.channel", "channel"}}
	case Kind:
		return []column{{"kb.kind", "kind"}}
	case Instalment:
		return []column{{"d.instalment", "instalment"}}
	case Ward:
		return []column{{src.wardID, "ward_id"}, {"w.code", "ward_code"}, {src.wardSplit, "ward_split"}}
	case District:
		// A unit with no district (after 2025) groups under the province it reports to directly.
		return []column{{"(CASE WHEN wp.level = 'DISTRICT' THEN wp.id END)", "district_id"}, {"(CASE WHEN wp.level = 'DISTRICT' THEN wp.code END)", "district_code"},
			{"(CASE WHEN wp.level = 'PROVINCE' THEN wp.id END)", "direct_province_id"}, {"(CASE WHEN wp.level = 'PROVINCE' THEN wp.code END)", "direct_province_code"}}
	case Province:
		return []column{{"(CASE WHEN wp.level = 'PROVINCE' THEN wp.id ELSE wp.parent_id END)", "province_id"}, {"(CASE WHEN wp.level = 'PROVINCE' THEN wp.code ELSE wpp.code END)", "province_code"}}
	default:
		return []column{{src.bucket(d), "period_start"}}
	}
}

// bucket is the SQL for the first day of the period holding the query's date (d.paid_on unless
// the query's DateField says otherwise).
func (src source) bucket(d Dimension) string {
	col := src.dateColumn
	if src.dialect == db.Postgres {
		unit := map[Dimension]string{Week: "week", Month: "month", Quarter: "quarter", Year: "year"}[d]
		if d == Day {
			return col
		}
		return fmt.Sprintf("CAST(date_trunc('%s', CAST(%s AS timestamp)) AS date)", unit, col)
	}
	switch d {
	case Day:
		return col
	case Week:
		return fmt.Sprintf("date(%s, '-6 days', 'weekday 1')", col)
	case Month:
		return fmt.Sprintf("date(%s, 'start of month')", col)
	case Quarter:
		return fmt.Sprintf("date(%s, 'start of month', printf('-%%d months', (CAST(strftime('%%m', %s) AS INTEGER) - 1) %% 3))", col, col)
	default:
		return fmt.Sprintf("date(%s, 'start of year')", col)
	}
}

// run groups the source's lines by dims (none: one total row) and reads the rows.
func (s *SQL) run(ctx context.Context, src source, dims []Dimension) ([]Row, error) {
	var cols []column
	for _, d := range dims {
		cols = append(cols, src.columns(d)...)
	}
	var sel, keys, join []string
	for _, c := range cols {
		sel = append(sel, c.expr+" AS "+c.alias)
		keys = append(keys, c.alias)
		join = append(join, fmt.Sprintf("a.%s IS NOT DISTINCT FROM b.%s", c.alias, c.alias))
	}
	keyList := strings.Join(keys, ", ")
	groupBy, keyPrefix, aKeys := "", "", ""
	on := "1 = 1"
	if len(keys) > 0 {
		groupBy = "GROUP BY " + keyList
		keyPrefix = keyList + ", "
		aKeys = "a." + strings.Join(keys, ", a.") + ", "
		on = strings.Join(join, " AND ")
	}
	query := fmt.Sprintf(`WITH f AS (
	SELECT %s d.beneficiary_id AS ben, d.status AS st, d.amount AS amt, d.people_covered AS ppl
	FROM %s
	WHERE %s
), a AS (
	SELECT %s
		CAST(COALESCE(SUM(CASE WHEN st = 'PAID' THEN amt ELSE 0 END), 0) AS BIGINT) AS amount_paid,
		CAST(COALESCE(SUM(CASE WHEN st NOT IN ('RETURNED', 'CANCELLED') THEN amt ELSE 0 END), 0) AS BIGINT) AS amount_listed,
		CAST(COALESCE(SUM(CASE WHEN st IN ('APPROVED', 'PAID') THEN amt ELSE 0 END), 0) AS BIGINT) AS amount_approved,
		CAST(COALESCE(SUM(CASE WHEN st = 'RETURNED' THEN amt ELSE 0 END), 0) AS BIGINT) AS amount_returned,
		CAST(COALESCE(SUM(CASE WHEN st = 'CANCELLED' THEN amt ELSE 0 END), 0) AS BIGINT) AS amount_cancelled,
		COUNT(*) AS lines
	FROM f %s
), b AS (
	SELECT %s COUNT(*) AS beneficiaries, CAST(SUM(ppl) AS BIGINT) AS people
	FROM (SELECT %s ben, MAX(ppl) AS ppl FROM f WHERE st = 'PAID' GROUP BY %s ben) AS x %s
)
SELECT %s a.amount_paid, a.amount_listed, a.amount_approved, a.amount_returned, a.amount_cancelled, a.lines,
	COALESCE(b.beneficiaries, 0), COALESCE(b.people, 0)
FROM a LEFT JOIN b ON %s`,
		prefix(sel), src.from, src.where,
		keyPrefix, groupBy,
		keyPrefix, keyPrefix, keyPrefix, groupBy,
		aKeys, on)
	sqlRows, err := s.db.QueryContext(ctx, query, src.args...)
	if err != nil {
		return nil, err
	}
	defer sqlRows.Close()
	var out []Row
	for sqlRows.Next() {
		r, err := scanRow(sqlRows, dims)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, sqlRows.Err()
}

func prefix(sel []string) string {
	if len(sel) == 0 {
		return ""
	}
	return strings.Join(sel, ", ") + ","
}

func scanRow(rows *sql.Rows, dims []Dimension) (Row, error) {
	return scanKeyed(rows, dims, func(r *Row) []any {
		return []any{&r.AmountPaid, &r.AmountListed, &r.AmountApproved, &r.AmountReturned, &r.AmountCancelled,
			&r.Disbursements, &r.Beneficiaries, &r.PeopleSupported}
	})
}

// scanKeyed scans the grouping columns of dims into a row's key, then the columns tail names.
func scanKeyed(rows *sql.Rows, dims []Dimension, tail func(r *Row) []any) (Row, error) {
	var r Row
	var dest []any
	type idCode struct {
		id   sql.NullInt64
		code sql.NullString
	}
	ward, district, province, directProvince := &idCode{}, &idCode{}, &idCode{}, &idCode{}
	var program, group, fund, round sql.NullInt64
	var status, channel, kind sql.NullString
	var instalment sql.NullInt64
	var split sql.NullInt64
	var period civil.Date
	var periodDim Dimension
	for _, d := range dims {
		switch d {
		case Program:
			dest = append(dest, &program)
		case Group:
			dest = append(dest, &group)
		case Fund:
			dest = append(dest, &fund)
		case Round:
			dest = append(dest, &round)
		case Status:
			dest = append(dest, &status)
		case Channel:
			dest = append(dest, &channel)
		case Kind:
			dest = append(dest, &kind)
		case Instalment:
			dest = append(dest, &instalment)
		case Ward:
			dest = append(dest, &ward.id, &ward.code, &split)
		case District:
			dest = append(dest, &district.id, &district.code, &directProvince.id, &directProvince.code)
		case Province:
			dest = append(dest, &province.id, &province.code)
		default:
			dest = append(dest, &period)
			periodDim = d
		}
	}
	dest = append(dest, tail(&r)...)
	if err := rows.Scan(dest...); err != nil {
		return Row{}, err
	}
	r.ProgramID, r.GroupID, r.FundID, r.RoundID = program.Int64, group.Int64, fund.Int64, round.Int64
	if status.Valid {
		st := disbursement.Status(status.String)
		r.Status = &st
	}
	if channel.Valid {
		ch := disbursement.Channel(channel.String)
		r.Channel = &ch
	}
	if kind.Valid {
		k := beneficiary.Kind(kind.String)
		r.Kind = &k
	}
	r.Instalment = int(instalment.Int64)
	r.WardID, r.DistrictID, r.ProvinceID = ward.id.Int64, district.id.Int64, province.id.Int64
	r.WardCode, r.DistrictCode, r.ProvinceCode = ward.code.String, district.code.String, province.code.String
	r.WardSplit = split.Int64 == 1
	if directProvince.id.Valid {
		// Grouped by district, a unit with none: the row is its province's (see Key.ProvinceID).
		r.ProvinceID, r.ProvinceCode = directProvince.id.Int64, directProvince.code.String
		r.NoDistrict = true
	}
	if periodDim != "" && !period.IsZero() {
		p := PeriodOf(periodDim, period)
		r.Period = &p
	}
	return r, nil
}

// CheckCodes refuses a filter that names a programme, group, fund or unit that does not exist.
func CheckCodes(ctx context.Context, idb bun.IDB, f Filter) error { return f.CheckCodes(ctx, idb) }
