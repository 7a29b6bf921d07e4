package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

// world is what the oracle knows of the reference data, read once into Go.
type world struct {
	units      map[int64]unit
	successors map[int64][]int64
	groups     map[string]int64 // group code -> id
	funds      map[string]int64
	programs   map[string]int64
	wardCodes  []string // wards with payments
	lineWards  []int64  // the wards lines are recorded in
}

type unit struct {
	id, parent int64
	code       string
	level      string
	from, to   civil.Date
}

func loadWorld(t *testing.T, d bun.IDB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{units: map[int64]unit{}, successors: map[int64][]int64{}, groups: map[string]int64{}, funds: map[string]int64{}, programs: map[string]int64{}}
	rows, err := d.QueryContext(ctx, "SELECT id, COALESCE(parent_id, 0), code, level, valid_from, valid_to FROM admin_units")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u unit
		var to *civil.Date
		if err := rows.Scan(&u.id, &u.parent, &u.code, &u.level, &u.from, &to); err != nil {
			t.Fatal(err)
		}
		if to != nil {
			u.to = *to
		}
		w.units[u.id] = u
	}
	rows.Close()
	var links []struct {
		UnitID      int64 `bun:"unit_id"`
		SuccessorID int64 `bun:"successor_id"`
	}
	if err := d.NewRaw("SELECT unit_id, successor_id FROM admin_unit_successors").Scan(ctx, &links); err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		w.successors[l.UnitID] = append(w.successors[l.UnitID], l.SuccessorID)
	}
	for table, m := range map[string]map[string]int64{"beneficiary_groups": w.groups, "funds": w.funds, "programs": w.programs} {
		var rows []struct {
			ID   int64  `bun:"id"`
			Code string `bun:"code"`
		}
		if err := d.NewRaw("SELECT id, code FROM "+table).Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			m[r.Code] = r.ID
		}
	}
	if err := d.NewRaw("SELECT DISTINCT w.code FROM disbursements AS d JOIN admin_units AS w ON w.id = d.ward_id ORDER BY 1").Scan(ctx, &w.wardCodes); err != nil {
		t.Fatal(err)
	}
	if err := d.NewRaw("SELECT DISTINCT ward_id FROM disbursements ORDER BY 1").Scan(ctx, &w.lineWards); err != nil {
		t.Fatal(err)
	}
	return w
}

// reportedWard is the ward a line recorded in ward r is reported under as of asOf (nil: as recorded).
func (w *world) reportedWard(r int64, asOf *civil.Date) int64 {
	if asOf == nil {
		return r
	}
	u := w.units[r]
	if u.to.IsZero() || !u.to.Before(*asOf) {
		return r
	}
	var valid []int64
	for _, s := range w.successors[r] {
		su := w.units[s]
		if !su.from.After(*asOf) && (su.to.IsZero() || !su.to.Before(*asOf)) {
			valid = append(valid, s)
		}
	}
	if len(valid) == 1 {
		return valid[0]
	}
	return r
}

func (w *world) district(ward int64) int64 {
	if p := w.units[w.units[ward].parent]; p.level == "DISTRICT" {
		return p.id
	}
	return 0
}

func (w *world) province(ward int64) int64 {
	p := w.units[w.units[ward].parent]
	if p.level == "PROVINCE" {
		return p.id
	}
	return p.parent
}

// recordedWards are the wards lines are recorded in whose reported ward passes keep.
func (w *world) recordedWards(asOf *civil.Date, keep func(reported int64) bool) []int64 {
	var out []int64
	for _, id := range w.lineWards {
		if keep(w.reportedWard(id, asOf)) {
			out = append(out, id)
		}
	}
	return out
}

// oracle computes the totals of the lines matching the filter and one row's key with plain SQL,
// building every condition from ID lists worked out in Go: an implementation independent of the
// engine's.
func (w *world) oracle(t *testing.T, d bun.IDB, q report.Query, key *report.Key) report.Totals {
	t.Helper()
	f := q.Filter
	var conds []string
	var args []any
	in := func(col string, ids []int64) {
		conds = append(conds, col+" IN (?)")
		args = append(args, bun.List(append([]int64{-1}, ids...)))
	}
	codes := func(m map[string]int64, cs []string) []int64 {
		var ids []int64
		for _, c := range cs {
			ids = append(ids, m[c])
		}
		return ids
	}
	if len(f.Groups) > 0 {
		in("group_id", codes(w.groups, f.Groups))
	}
	if len(f.Funds) > 0 {
		in("fund_id", codes(w.funds, f.Funds))
	}
	if len(f.Programs) > 0 {
		in("program_id", codes(w.programs, f.Programs))
	}
	wardOK := func(reported int64) bool {
		u := w.units[reported]
		if len(f.Wards) > 0 && !contains(f.Wards, u.code) {
			return false
		}
		if len(f.Districts) > 0 && !contains(f.Districts, w.units[w.district(reported)].code) {
			return false
		}
		if len(f.Provinces) > 0 && !contains(f.Provinces, w.units[w.province(reported)].code) {
			return false
		}
		if key != nil {
			if key.WardID != 0 && reported != key.WardID {
				return false
			}
			if key.DistrictID != 0 && w.district(reported) != key.DistrictID {
				return false
			}
			if key.ProvinceID != 0 && w.province(reported) != key.ProvinceID {
				return false
			}
		}
		return true
	}
	in("ward_id", w.recordedWards(q.UnitsAsOf, wardOK))
	if len(f.Statuses) > 0 {
		conds = append(conds, "status IN (?)")
		args = append(args, bun.List(f.Statuses))
	}
	if len(f.Channels) > 0 {
		conds = append(conds, "channel IN (?)")
		args = append(args, bun.List(f.Channels))
	}
	if f.PaidFrom != nil {
		conds = append(conds, "paid_on >= ?")
		args = append(args, f.PaidFrom.String())
	}
	if f.PaidTo != nil {
		conds = append(conds, "paid_on <= ?")
		args = append(args, f.PaidTo.String())
	}
	if key != nil {
		for _, kv := range []struct {
			col string
			id  int64
		}{{"program_id", key.ProgramID}, {"group_id", key.GroupID}, {"fund_id", key.FundID}} {
			if kv.id != 0 {
				conds = append(conds, kv.col+" = ?")
				args = append(args, kv.id)
			}
		}
		if key.Status != nil {
			conds = append(conds, "status = ?")
			args = append(args, *key.Status)
		}
		if hasDim(q, report.Round) {
			if key.RoundID == 0 {
				conds = append(conds, "group_id NOT IN (SELECT group_id FROM payment_round_groups)")
			} else {
				conds = append(conds, "group_id IN (SELECT group_id FROM payment_round_groups WHERE round_id = ?)")
				args = append(args, key.RoundID)
			}
		}
		if hasDim(q, report.Channel) {
			if key.Channel == nil {
				conds = append(conds, "channel IS NULL")
			} else {
				conds = append(conds, "channel = ?")
				args = append(args, *key.Channel)
			}
		}
		if timeDim(q) != "" {
			if key.Period == nil {
				conds = append(conds, "paid_on IS NULL")
			} else {
				conds = append(conds, "paid_on BETWEEN ? AND ?")
				args = append(args, key.Period.Start.String(), key.Period.End.String())
			}
		}
	}
	where := strings.Join(conds, " AND ")
	var tot report.Totals
	sql := `SELECT
		COALESCE(SUM(CASE WHEN status = 'PAID' THEN amount ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status NOT IN ('RETURNED', 'CANCELLED') THEN amount ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status IN ('APPROVED', 'PAID') THEN amount ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'RETURNED' THEN amount ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'CANCELLED' THEN amount ELSE 0 END), 0),
		COUNT(*)
		FROM disbursements WHERE ` + where
	if err := d.NewRaw(sql, args...).Scan(context.Background(), &tot.AmountPaid, &tot.AmountListed, &tot.AmountApproved,
		&tot.AmountReturned, &tot.AmountCancelled, &tot.Disbursements); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	distinct := `SELECT COUNT(*), COALESCE(SUM(people), 0) FROM (SELECT beneficiary_id, MAX(people_covered) AS people
		FROM disbursements WHERE status = 'PAID' AND ` + where + ` GROUP BY beneficiary_id) AS x`
	if err := d.NewRaw(distinct, args...).Scan(context.Background(), &tot.Beneficiaries, &tot.PeopleSupported); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return tot
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func hasDim(q report.Query, d report.Dimension) bool {
	for _, g := range q.GroupBy {
		if g == d {
			return true
		}
	}
	return false
}

func timeDim(q report.Query) report.Dimension {
	for _, g := range q.GroupBy {
		if g.IsTime() {
			return g
		}
	}
	return ""
}

// randomQuery draws a query: a few dimensions, at most one time bucket, a few filters.
func (w *world) randomQuery(r *rand.Rand) report.Query {
	var q report.Query
	for _, dim := range r.Perm(9)[:r.IntN(4)] {
		q.GroupBy = append(q.GroupBy, []report.Dimension{report.Program, report.Province, report.District, report.Ward, report.Group, report.Fund, report.Status, report.Channel, report.Round}[dim])
	}
	if r.IntN(2) == 0 {
		q.GroupBy = append(q.GroupBy, []report.Dimension{report.Day, report.Week, report.Month, report.Quarter, report.Year}[r.IntN(5)])
	}
	pick := func(all []string, n int) []string {
		var out []string
		for _, i := range r.Perm(len(all))[:min(n, len(all))] {
			out = append(out, all[i])
		}
		return out
	}
	var groupCodes, fundCodes []string
	for c := range w.groups {
		groupCodes = append(groupCodes, c)
	}
	for c := range w.funds {
		fundCodes = append(fundCodes, c)
	}
	sortStrings(groupCodes)
	sortStrings(fundCodes)
	if r.IntN(3) == 0 {
		q.Filter.Groups = pick(groupCodes, 1+r.IntN(3))
	}
	if r.IntN(4) == 0 {
		q.Filter.Funds = pick(fundCodes, 1+r.IntN(2))
	}
	if r.IntN(4) == 0 {
		q.Filter.Wards = pick(w.wardCodes, 1+r.IntN(5))
	}
	if r.IntN(6) == 0 {
		q.Filter.Districts = []string{"164"}
	}
	if r.IntN(6) == 0 {
		q.Filter.Provinces = []string{"19"}
	}
	if r.IntN(4) == 0 {
		for _, i := range r.Perm(len(disbursement.Statuses))[:1+r.IntN(3)] {
			q.Filter.Statuses = append(q.Filter.Statuses, disbursement.Statuses[i])
		}
	}
	if r.IntN(5) == 0 {
		q.Filter.Channels = []disbursement.Channel{disbursement.Channels[r.IntN(3)]}
	}
	if r.IntN(3) == 0 {
		from := civil.MustParse("2020-05-01").AddDays(r.IntN(40))
		q.Filter.PaidFrom = &from
		if r.IntN(2) == 0 {
			to := from.AddDays(r.IntN(30))
			q.Filter.PaidTo = &to
		}
	}
	if r.IntN(4) == 0 {
		asOf := civil.MustParse("2025-07-01")
		q.UnitsAsOf = &asOf
	}
	return q
}

func sortStrings(xs []string) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// TestStatsAgreeWithAnIndependentComputation: for random filters and groupings, the additive
// measures of the rows sum to the total, and every figure of every row and of the total equals the
// plain-SQL oracle's, on both dialects.
func TestStatsAgreeWithAnIndependentComputation(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			w := loadWorld(t, d)
			engine := report.NewSQL(d)
			r := rand.New(rand.NewPCG(42, 2020))
			// The pure-Go SQLite is slow under the race detector: fewer draws there, more on PostgreSQL.
			draws := map[db.Dialect]int{db.SQLite: 12, db.Postgres: 30}[dialect]
			for i := range draws {
				q := w.randomQuery(r)
				name := fmt.Sprintf("%02d %v %+v", i, q.GroupBy, q.Filter)
				res, err := engine.Stats(asAnalyst, q)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				var sum report.Totals
				for _, row := range res.Rows {
					sum.AmountPaid += row.AmountPaid
					sum.AmountListed += row.AmountListed
					sum.AmountApproved += row.AmountApproved
					sum.Disbursements += row.Disbursements
					sum.AmountReturned += row.AmountReturned
					sum.AmountCancelled += row.AmountCancelled
				}
				total := res.Total.Measured()
				additive := report.Totals{AmountPaid: total.AmountPaid, AmountListed: total.AmountListed, AmountApproved: total.AmountApproved,
					Disbursements: total.Disbursements, AmountReturned: total.AmountReturned, AmountCancelled: total.AmountCancelled}
				if len(q.GroupBy) > 0 && sum != additive {
					t.Errorf("%s: rows sum to %+v, total %+v", name, sum, additive)
				}
				if want := w.oracle(t, d, q, nil); total != want {
					t.Errorf("%s: total %+v, oracle %+v", name, total, want)
				}
				for j, row := range res.Rows {
					if j >= 10 {
						break // enough rows per query to catch a wrong grouping, fast enough under -race
					}
					if want := w.oracle(t, d, q, &row.Key); row.Totals.Measured() != want {
						t.Errorf("%s: row %+v = %+v, oracle %+v", name, row.Key, row.Totals, want)
					}
				}
			}
		})
	}
}
