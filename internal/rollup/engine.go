package rollup

import (
	"cmp"
	"context"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/uptrace/bun"

	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// Engine answers stats queries from the rollups, with the same answers as report.SQL gives from
// the lines: sums add up, and distinct recipients and persons are unions of the rows' bitmaps, so
// they are exact for any filter. Its cost follows the number of rollup rows read, which depends on
// the units, groups and periods asked about, not on the number of lines.
type Engine struct {
	db        bun.IDB
	reference *reference.Cache
	units     treeCache
	lineScans chan struct{} // the turns of fromLines: at most MaxLineScans at once
}

// NewEngine returns an engine reading from idb (a database, a replica pool or a transaction), with
// a reference data cache of its own.
func NewEngine(idb bun.IDB) *Engine { return NewEngineShared(idb, reference.NewCache(idb)) }

// NewEngineShared returns an engine reading from idb that takes the units, and the codes a filter
// may name, from ref, a cache shared with the rest of the server.
func NewEngineShared(idb bun.IDB, ref *reference.Cache) *Engine {
	return &Engine{db: idb, reference: ref, lineScans: make(chan struct{}, MaxLineScans)}
}

var _ report.Engine = (*Engine)(nil)

// Stats answers q.
func (e *Engine) Stats(ctx context.Context, q report.Query) (*report.Result, error) {
	const op = "rollup: stats"
	if q.NeedsLines() {
		return e.fromLines(ctx, q)
	}
	idb := e.db
	ref, err := e.reference.Get(ctx)
	if err != nil {
		return nil, errs.E(op, err)
	}
	q, err = report.PrepareKnown(ctx, idb, q, ref.Known, ref.EarliestUnit)
	if err != nil {
		return nil, err
	}
	t := e.units.get(ref)
	p := newPlanner(q, t)
	reads := p.plan()
	agg := newAggregate(p, reads, ref.RoundOfGroup)
	if len(reads) > 0 {
		query, args := p.sql(reads)
		if err := scanRows(ctx, idb, query, args, agg.add); err != nil {
			return nil, errs.E(op, err)
		}
	}
	if err := report.CheckRows(op, len(agg.groups)); err != nil {
		return nil, err
	}
	res := agg.result()
	report.Arrange(res, q)
	return res, nil
}

// groupKey identifies a result row: only the dimensions grouped by are set.
type groupKey struct {
	unitPart
	program, group, fund int64
	round                int64 // the round of the group (reference.Snapshot.RoundOfGroup)
	status, channel      uint8
	period               int32 // first day of the bucket as YYYYMMDD; 0: no paid date
}

type group struct {
	key                 groupKey
	totals              report.Totals
	recipients, persons valueSets
}

// aggregate adds rollup rows up into result rows.
type aggregate struct {
	p       *planner
	roundOf func(groupID int64) int64
	parts   map[int16]map[int64]unitPart
	groups  map[groupKey]*group
	unions  *unionMemo // distinct counts already made (nil: none)
}

func newAggregate(p *planner, reads []*read, roundOf func(int64) int64) *aggregate {
	a := &aggregate{p: p, roundOf: roundOf, parts: map[int16]map[int64]unitPart{}, groups: map[groupKey]*group{}}
	for _, r := range reads {
		a.parts[r.level.ID] = r.parts
	}
	return a
}

func (a *aggregate) add(r storedRow) error {
	if r.cell.lines == 0 {
		return nil
	}
	var recipients, persons *roaring.Bitmap
	if disbursement.Statuses[r.key.status] == disbursement.Paid {
		var err error
		if recipients, err = decode(r.recipients); err != nil {
			return err
		}
		if persons, err = decode(r.persons); err != nil {
			return err
		}
	}
	a.addCell(r.key, r.cell.lines, r.cell.amount, valueSet{bitmap: recipients}, valueSet{bitmap: persons})
	return nil
}

// addCell adds one rollup row, its sets of IDs decoded (empty: none), into its result row.
func (a *aggregate) addCell(key cellKey, lines, amount int64, recipients, persons valueSet) {
	if lines == 0 {
		return
	}
	part, ok := a.parts[key.level][key.unit]
	if !ok {
		return // a unit the plan did not ask for (a row of a level read for other units)
	}
	dims := a.p.dims
	k := groupKey{unitPart: part}
	if dims[report.Program] {
		k.program = key.program
	}
	if dims[report.Group] {
		k.group = key.group
	}
	if dims[report.Fund] {
		k.fund = key.fund
	}
	if dims[report.Round] {
		// Rows of the groups of one round add up into the round's row, their bitmaps unioned:
		// exact, as a group is in one round at most.
		k.round = a.roundOf(key.group)
	}
	if dims[report.Status] {
		k.status = key.status
	}
	if dims[report.Channel] {
		k.channel = key.channel
	}
	if a.p.bucket != "" && key.period != 0 {
		k.period = dayKey(report.PeriodOf(a.p.bucket, dateOfKey(key.period)).Start)
	}
	g := a.groups[k]
	if g == nil {
		g = &group{key: k}
		a.groups[k] = g
	}
	t := &g.totals
	t.Disbursements += lines
	switch disbursement.Statuses[key.status] {
	case disbursement.Paid:
		t.AmountPaid += amount
		t.AmountApproved += amount
		t.AmountListed += amount
		g.recipients.add(recipients)
		g.persons.add(persons)
	case disbursement.Approved:
		t.AmountApproved += amount
		t.AmountListed += amount
	case disbursement.Returned:
		t.AmountReturned += amount
	case disbursement.Cancelled:
		t.AmountCancelled += amount
	default:
		t.AmountListed += amount
	}
}

// result counts the distinct recipients and persons of each row, and of all rows for the total.
func (a *aggregate) result() *report.Result {
	res := &report.Result{}
	var allRecipients, allPersons valueSets
	groups := make([]*group, 0, len(a.groups))
	for _, g := range a.groups {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(x, y *group) int { return compareGroupKeys(x.key, y.key) })
	for _, g := range groups {
		g.totals.Beneficiaries = int64(a.unions.cardinality(g.recipients))
		g.totals.PeopleSupported = int64(a.unions.cardinality(g.persons))
		allRecipients.addAll(g.recipients)
		allPersons.addAll(g.persons)
		t := g.totals
		res.Total.AmountPaid += t.AmountPaid
		res.Total.AmountListed += t.AmountListed
		res.Total.AmountApproved += t.AmountApproved
		res.Total.Disbursements += t.Disbursements
		res.Total.AmountReturned += t.AmountReturned
		res.Total.AmountCancelled += t.AmountCancelled
		res.Rows = append(res.Rows, report.Row{Key: a.rowKey(g.key), Totals: t})
	}
	res.Total.Beneficiaries = int64(a.unions.cardinality(allRecipients))
	res.Total.PeopleSupported = int64(a.unions.cardinality(allPersons))
	if len(a.p.q.GroupBy) == 0 {
		// Without grouping the SQL answers one row, lines or not.
		res.Rows = []report.Row{{Totals: res.Total}}
	}
	return res
}

// unionCardinality counts the distinct values of the bitmaps. Bitmaps whose ranges of values do not
// overlap cannot share a value, so they are counted apart; only overlapping ones are unioned. Rows of
// different units usually hold ranges of their own (recipients of one list get consecutive IDs), so
// most of the work of a union is saved, and the count stays exact either way.
func unionCardinality(bms []*roaring.Bitmap) uint64 {
	type span struct {
		lo, hi uint32
		b      *roaring.Bitmap
	}
	spans := make([]span, 0, len(bms))
	for _, b := range bms {
		if b != nil && !b.IsEmpty() {
			spans = append(spans, span{b.Minimum(), b.Maximum(), b})
		}
	}
	slices.SortFunc(spans, func(x, y span) int { return cmp.Compare(x.lo, y.lo) })
	var total uint64
	var cluster []*roaring.Bitmap
	var hi uint32
	flush := func() {
		switch len(cluster) {
		case 0:
		case 1:
			total += cluster[0].GetCardinality()
		default:
			total += roaring.FastOr(cluster...).GetCardinality()
		}
		cluster = cluster[:0]
	}
	for _, s := range spans {
		if len(cluster) > 0 && s.lo > hi {
			flush()
		}
		if len(cluster) == 0 || s.hi > hi {
			hi = s.hi
		}
		cluster = append(cluster, s.b)
	}
	flush()
	return total
}

func (a *aggregate) rowKey(k groupKey) report.Key {
	dims := a.p.dims
	var out report.Key
	out.ProgramID, out.GroupID, out.FundID, out.RoundID = k.program, k.group, k.fund, k.round
	out.WardID, out.WardCode, out.WardSplit = k.wardID, k.wardCode, k.wardSplit
	out.DistrictID, out.DistrictCode = k.districtID, k.districtCode
	out.ProvinceID, out.ProvinceCode = k.provinceID, k.provinceCode
	out.NoDistrict = dims[report.District] && k.districtID == 0 && k.provinceID != 0
	if dims[report.Status] {
		st := disbursement.Statuses[k.status]
		out.Status = &st
	}
	if dims[report.Channel] && k.channel != 0 {
		ch := disbursement.Channels[k.channel-1]
		out.Channel = &ch
	}
	if a.p.bucket != "" && k.period != 0 {
		per := report.PeriodOf(a.p.bucket, dateOfKey(k.period))
		out.Period = &per
	}
	return out
}

// compareGroupKeys orders rows by every part of their key, so that rows Arrange finds equal (two
// units with one code) come in the same order every time.
func compareGroupKeys(x, y groupKey) int {
	return cmp.Or(
		cmp.Compare(x.provinceCode, y.provinceCode), cmp.Compare(x.provinceID, y.provinceID),
		cmp.Compare(x.districtCode, y.districtCode), cmp.Compare(x.districtID, y.districtID),
		cmp.Compare(x.wardCode, y.wardCode), cmp.Compare(x.wardID, y.wardID), compareBool(x.wardSplit, y.wardSplit),
		cmp.Compare(x.program, y.program), cmp.Compare(x.group, y.group), cmp.Compare(x.fund, y.fund), cmp.Compare(x.round, y.round),
		cmp.Compare(x.status, y.status), cmp.Compare(x.channel, y.channel), cmp.Compare(x.period, y.period),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
