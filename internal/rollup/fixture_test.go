package rollup

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/db"
	"hotro/internal/disbursement"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

func datePtr(s string) *civil.Date { d := civil.MustParse(s); return &d }

// world is a demo database with rollups, plus lines spread over other provinces, the 2025 units and
// a second programme, so that every level and unit rule of the engine is exercised.
type world struct {
	d        *bun.DB
	dialect  db.Dialect
	programs []idCode
	groups   []idCode // with their programme
	funds    []idCode
	wards    []idCode // communes with lines, 2020 and 2025
	units    struct{ wards, districts, provinces []string }
}

type idCode struct {
	id, program int64
	code        string
}

// analyst is the context tests ask stats in: a signed-in role that sees every ward.
func analyst() context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{Role: auth.Analyst, Username: "test"})
}

// newWorld copies the demo database (or, without demo, the reference data alone), rebuilds its
// rollups and adds extra lines through the Keeper.
func newWorld(t *testing.T, dialect db.Dialect, seed uint64, extra int, demo bool) *world {
	t.Helper()
	ctx := context.Background()
	var d *bun.DB
	if demo {
		var err error
		if d, err = seedtest.Fresh(t, dialect); err != nil {
			t.Fatal(err)
		}
	} else {
		d = seedtest.Reference(t, dialect)
	}
	w := &world{d: d, dialect: dialect}
	if _, err := Rebuild(ctx, d); err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	w.load(t)
	if extra > 0 {
		w.addLines(t, rand.New(rand.NewPCG(seed, 7)), extra)
	}
	return w
}

func (w *world) load(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	// A second programme's lines need a fund of their own.
	if _, err := w.d.ExecContext(ctx, `INSERT INTO funds (program_id, code, name, name_en, source, allocated)
		SELECT id, 'NQ68_NSTW', 'Ngân sách trung ương (NQ68)', 'Central budget (NQ68)', 'CENTRAL', 1000000000 FROM programs WHERE code = 'NQ68-2021'`); err != nil {
		t.Fatal(err)
	}
	scan := func(q string, into *[]idCode) {
		var rows []struct {
			ID      int64  `bun:"id"`
			Program int64  `bun:"program_id"`
			Code    string `bun:"code"`
		}
		if err := w.d.NewRaw(q).Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			*into = append(*into, idCode{r.ID, r.Program, r.Code})
		}
	}
	scan("SELECT id, id AS program_id, code FROM programs ORDER BY id", &w.programs)
	scan("SELECT id, program_id, code FROM beneficiary_groups WHERE one_time_amount IS NOT NULL OR monthly_amount IS NOT NULL ORDER BY id", &w.groups)
	scan("SELECT id, program_id, code FROM funds ORDER BY id", &w.funds)
	// Wards of the city (2020 and 2025), of another district of the province, and of two other
	// provinces.
	scan(`SELECT w.id, 0 AS program_id, w.code FROM admin_units AS w
		LEFT JOIN admin_units AS p ON p.id = w.parent_id
		WHERE w.level = 'COMMUNE' AND (p.code IN ('164', '165', '19', '001', '002') OR w.code IN ('00001', '26734'))
		ORDER BY w.id`, &w.wards)
	for _, q := range []struct {
		query string
		into  *[]string
	}{
		{"SELECT DISTINCT code FROM admin_units WHERE level = 'COMMUNE' AND parent_id IN (SELECT id FROM admin_units WHERE code IN ('164', '19')) ORDER BY code", &w.units.wards},
		{"SELECT code FROM admin_units WHERE level = 'DISTRICT' AND code IN ('164', '165', '001', '002', '760', '167') ORDER BY code", &w.units.districts},
		{"SELECT code FROM admin_units WHERE level = 'PROVINCE' AND code IN ('01', '19', '79', '20') ORDER BY code", &w.units.provinces},
	} {
		if err := w.d.NewRaw(q.query).Scan(ctx, q.into); err != nil {
			t.Fatal(err)
		}
	}
}

// tb is the part of testing.TB the fixtures use, so goroutines can report through panics.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// addLines inserts n random lines for new recipients through disbursement.Store with the Keeper.
func (w *world) addLines(t tb, r *rand.Rand, n int) {
	t.Helper()
	bens, lines := w.draw(r, n)
	ctx := context.Background()
	err := w.d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := insertRecipients(ctx, tx, bens); err != nil {
			return err
		}
		return insertLines(ctx, tx, lines)
	})
	if err != nil {
		t.Fatalf("add lines: %v", err)
	}
}

// drawnLine is a line and the recipient it pays.
type drawnLine struct {
	line *disbursement.Disbursement
	ben  *beneficiary.Beneficiary
}

// draw makes up recipients and at least n lines for them.
func (w *world) draw(r *rand.Rand, n int) ([]*beneficiary.Beneficiary, []drawnLine) {
	var bens []*beneficiary.Beneficiary
	var lines []drawnLine
	for len(lines) < n {
		ward := w.wards[r.IntN(len(w.wards))]
		members := 1 + r.IntN(6)
		b := &beneficiary.Beneficiary{Kind: beneficiary.Household, FullName: "Hộ thử", NameKey: "ho thu",
			Members: members, WardID: ward.id, CreatedAt: time.Now()}
		if members == 1 && r.IntN(2) == 0 {
			b.Kind = beneficiary.Person
		}
		bens = append(bens, b)
		grp := w.groups[r.IntN(len(w.groups))]
		for inst := 1; inst <= 1+r.IntN(3); inst++ {
			// Most lines are in the recipient's ward; a few were recorded elsewhere.
			lineWard := ward.id
			if r.IntN(10) == 0 {
				lineWard = w.wards[r.IntN(len(w.wards))].id
			}
			lines = append(lines, drawnLine{w.randomLine(r, grp, lineWard, members, inst), b})
		}
	}
	return bens, lines
}

func insertRecipients(ctx context.Context, tx bun.IDB, bens []*beneficiary.Beneficiary) error {
	if err := beneficiary.AssignPersons(ctx, tx, bens); err != nil {
		return err
	}
	_, err := tx.NewInsert().Model(&bens).Returning("id").Exec(ctx)
	return err
}

func insertLines(ctx context.Context, tx bun.IDB, drawn []drawnLine) error {
	lines := make([]*disbursement.Disbursement, len(drawn))
	for i, d := range drawn {
		d.line.BeneficiaryID = d.ben.ID
		lines[i] = d.line
	}
	return disbursement.NewStore(tx, NewKeeper()).Insert(ctx, lines)
}

var statusWeights = []disbursement.Status{
	disbursement.Paid, disbursement.Paid, disbursement.Paid, disbursement.Paid, disbursement.Paid,
	disbursement.Listed, disbursement.Posted, disbursement.Appraised, disbursement.Approved, disbursement.Approved,
	disbursement.Returned, disbursement.Cancelled,
}

func (w *world) randomLine(r *rand.Rand, grp idCode, ward int64, members, inst int) *disbursement.Disbursement {
	var funds []idCode
	for _, f := range w.funds {
		if f.program == grp.program {
			funds = append(funds, f)
		}
	}
	l := &disbursement.Disbursement{
		ProgramID: grp.program, GroupID: grp.id, FundID: funds[r.IntN(len(funds))].id, WardID: ward,
		Amount: int64(1+r.IntN(40)) * 250_000, PeopleCovered: 1 + r.IntN(members), MonthsCovered: 1, Instalment: inst,
		Status: statusWeights[r.IntN(len(statusWeights))], ListedOn: civil.MustParse("2020-04-20"),
		CreatedAt: time.Now(), UpdatedAt: time.Now(),
	}
	setStatus(r, l, l.Status)
	return l
}

// setStatus gives the line the fields its status needs: a decision from APPROVED on, a paid date
// and channel when PAID; some lines that are not paid carry a channel or a date anyway.
func setStatus(r *rand.Rand, l *disbursement.Disbursement, s disbursement.Status) {
	l.Status = s
	l.PaidOn, l.Channel, l.DecisionNumber = nil, nil, nil
	if s == disbursement.Approved || s == disbursement.Paid {
		dec := "1/QĐ"
		l.DecisionNumber = &dec
	}
	if s == disbursement.Paid || r.IntN(8) == 0 {
		// Paid between April and August 2020, with month ends and week boundaries in range.
		paid := civil.MustParse("2020-04-01").AddDays(r.IntN(150))
		l.PaidOn = &paid
	}
	if s == disbursement.Paid || r.IntN(6) == 0 {
		ch := disbursement.Channels[r.IntN(len(disbursement.Channels))]
		l.Channel = &ch
	}
	if s == disbursement.Paid && l.PaidOn == nil {
		paid := civil.MustParse("2020-05-04")
		l.PaidOn = &paid
	}
}

// randomQuery draws a query: any filters (codes of units with and without lines, dates, statuses,
// channels, ID lists), any grouping, order, first and unitsAsOf.
func (w *world) randomQuery(r *rand.Rand) report.Query {
	var q report.Query
	f := &q.Filter
	pickCodes := func(from []string, n int) []string {
		var out []string
		for range n {
			c := from[r.IntN(len(from))]
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		return out
	}
	chance := func(p int) bool { return r.IntN(100) < p }
	if chance(15) {
		f.Programs = pickCodes(codes(w.programs), 1)
	}
	if chance(20) {
		f.Groups = pickCodes(codes(w.groups), 1+r.IntN(3))
	}
	if chance(15) {
		f.Funds = pickCodes(codes(w.funds), 1+r.IntN(2))
	}
	if chance(20) {
		f.Wards = pickCodes(append(w.units.wards, codes(w.wards)...), 1+r.IntN(6))
	}
	if chance(15) {
		f.Districts = pickCodes(w.units.districts, 1+r.IntN(2))
	}
	if chance(15) {
		f.Provinces = pickCodes(w.units.provinces, 1+r.IntN(2))
	}
	if chance(10) {
		f.ProgramIDs = ids(r, w.programs)
	}
	if chance(10) {
		f.GroupIDs = ids(r, w.groups)
	}
	if chance(10) {
		f.FundIDs = ids(r, w.funds)
	}
	if chance(10) {
		f.WardIDs = ids(r, w.wards)
	}
	if chance(25) {
		for range 1 + r.IntN(3) {
			f.Statuses = append(f.Statuses, disbursement.Statuses[r.IntN(len(disbursement.Statuses))])
		}
	}
	if chance(15) {
		f.Channels = append(f.Channels, disbursement.Channels[r.IntN(len(disbursement.Channels))])
	}
	days := []string{"2020-04-01", "2020-04-30", "2020-05-01", "2020-05-04", "2020-05-10", "2020-05-31", "2020-06-01", "2020-06-15", "2020-06-30", "2020-07-19", "2020-08-31"}
	if chance(30) {
		f.PaidFrom = datePtr(days[r.IntN(len(days))])
	}
	if chance(30) {
		to := datePtr(days[r.IntN(len(days))])
		if f.PaidFrom == nil || !f.PaidFrom.After(*to) {
			f.PaidTo = to
		}
	}
	if chance(8) {
		q.Scope.WardIDs = ids(r, w.wards)
	}
	if chance(10) {
		f.Rounds = pickCodes([]string{"NQ42_DOT1", "NQ42_DOT2"}, 1+r.IntN(2))
	}
	dims := []report.Dimension{report.Program, report.Province, report.District, report.Ward, report.Group, report.Fund, report.Round, report.Status, report.Channel}
	times := []report.Dimension{report.Day, report.Week, report.Month, report.Quarter, report.Year}
	for _, dim := range dims {
		if chance(18) {
			q.GroupBy = append(q.GroupBy, dim)
		}
	}
	if chance(35) {
		q.GroupBy = append(q.GroupBy, times[r.IntN(len(times))])
	}
	r.Shuffle(len(q.GroupBy), func(i, j int) { q.GroupBy[i], q.GroupBy[j] = q.GroupBy[j], q.GroupBy[i] })
	if chance(50) {
		fields := []report.OrderField{report.ByAmountPaid, report.ByPeopleSupported, report.ByBeneficiaries, report.ByDisbursements, report.ByAmountListed, report.ByAmountApproved,
			report.ByAmountReturned, report.ByAmountCancelled, report.ByAveragePerRecipient, report.ByShareOfTotal, report.ByPaidShareOfListed, report.ByKey}
		q.Order = &report.Order{Field: fields[r.IntN(len(fields))], Desc: chance(50)}
	}
	if chance(30) {
		n := r.IntN(8)
		q.First = &n
	}
	if chance(40) {
		q.UnitsAsOf = datePtr([]string{"2025-07-01", "2020-05-01", "2026-01-01"}[r.IntN(3)])
	}
	return q
}

func codes(list []idCode) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.code)
	}
	return out
}

// ids draws a list of IDs, sometimes empty (which selects nothing), sometimes with an unknown one.
func ids(r *rand.Rand, list []idCode) []int64 {
	out := []int64{}
	for range r.IntN(4) {
		out = append(out, list[r.IntN(len(list))].id)
	}
	if r.IntN(5) == 0 {
		out = append(out, 999_999)
	}
	return out
}

// canonical returns the SQL engine's answer to q in the order the rollup engine gives rows that
// Arrange finds equal: the SQL leaves such ties in the order its GROUP BY produced them.
func canonical(t *testing.T, ctx context.Context, sqlEngine report.Engine, q report.Query) *report.Result {
	t.Helper()
	all := q
	all.First = nil
	res, err := sqlEngine.Stats(ctx, all)
	if err != nil {
		t.Fatalf("sql engine: %v", err)
	}
	slices.SortStableFunc(res.Rows, func(a, b report.Row) int { return compareGroupKeys(groupKeyOf(a.Key), groupKeyOf(b.Key)) })
	report.Arrange(res, q)
	return res
}

func groupKeyOf(k report.Key) groupKey {
	g := groupKey{unitPart: unitPart{wardID: k.WardID, wardCode: k.WardCode, wardSplit: k.WardSplit, districtID: k.DistrictID,
		districtCode: k.DistrictCode, provinceID: k.ProvinceID, provinceCode: k.ProvinceCode}, program: k.ProgramID, group: k.GroupID, fund: k.FundID}
	if k.Status != nil {
		g.status, _ = statusIndex(*k.Status)
	}
	g.channel, _ = channelIndex(k.Channel)
	if k.Period != nil {
		g.period = dayKey(k.Period.Start)
	}
	return g
}

// diffResults describes how got differs from want, or returns "".
func diffResults(got, want *report.Result) string {
	if !got.Total.Equal(want.Total) {
		return fmt.Sprintf("total = %+v\n   want %+v", got.Total, want.Total)
	}
	if len(got.Rows) != len(want.Rows) {
		return fmt.Sprintf("%d rows, want %d", len(got.Rows), len(want.Rows))
	}
	for i := range got.Rows {
		if s := diffRow(got.Rows[i], want.Rows[i]); s != "" {
			return fmt.Sprintf("row %d: %s", i, s)
		}
	}
	return ""
}

func diffRow(a, b report.Row) string {
	ka, kb := a.Key, b.Key
	ka.Status, kb.Status, ka.Channel, kb.Channel, ka.Period, kb.Period = nil, nil, nil, nil, nil, nil
	same := ka == kb && a.Totals.Equal(b.Totals) &&
		cmp.Compare(str(a.Status), str(b.Status)) == 0 && cmp.Compare(str(a.Channel), str(b.Channel)) == 0 &&
		((a.Period == nil) == (b.Period == nil)) && (a.Period == nil || *a.Period == *b.Period)
	if same {
		return ""
	}
	return fmt.Sprintf("got  %s\n   want %s", describe(a), describe(b))
}

func str[T ~string](p *T) string {
	if p == nil {
		return "<nil>"
	}
	return string(*p)
}

func describe(r report.Row) string {
	per := "<nil>"
	if r.Period != nil {
		per = fmt.Sprintf("%+v", *r.Period)
	}
	return fmt.Sprintf("key{prog=%d prov=%d/%s dist=%d/%s ward=%d/%s split=%v group=%d fund=%d status=%s channel=%s period=%s} %+v",
		r.ProgramID, r.ProvinceID, r.ProvinceCode, r.DistrictID, r.DistrictCode, r.WardID, r.WardCode, r.WardSplit,
		r.GroupID, r.FundID, str(r.Status), str(r.Channel), per, r.Totals)
}
