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
	q, err = report.PrepareKnown(ctx, idb, q, ref.Known)
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
	recipients, persons []*roaring.Bitmap
}

// aggregate adds rollup rows up into result rows.
type aggregate struct {
	p       *planner
	roundOf func(groupID int64) int64
	parts   map[int16]map[int64]unitPart
	groups  map[groupKey]*group
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
	part, ok := a.parts[r.key.level][r.key.unit]
	if !ok {
		return nil // a unit the plan did not ask for (a row of a level read for other units)
	}
	dims := a.p.dims
	k := groupKey{unitPart: part}
	if dims[report.Program] {
		k.program = r.key.program
	}
	if dims[report.Group] {
		k.group = r.key.group
	}
	if dims[report.Fund] {
		k.fund = r.key.fund
	}
	if dims[report.Round] {
		// Rows of the groups of one round add up into the round's row, their bitmaps unioned:
		// exact, as a group is in one round at most.
		k.round = a.roundOf(r.key.group)
	}
	if dims[report.Status] {
		k.status = r.key.status
	}
	if dims[report.Channel] {
		k.channel = r.key.channel
	}
	if a.p.bucket != "" && r.key.period != 0 {
		k.period = dayKey(report.PeriodOf(a.p.bucket, dateOfKey(r.key.period)).Start)
	}
	g := a.groups[k]
	if g == nil {
		g = &group{key: k}
		a.groups[k] = g
	}
	t := &g.totals
	t.Disbursements += r.cell.lines
	switch disbursement.Statuses[r.key.status] {
	case disbursement.Paid:
		t.AmountPaid += r.cell.amount
		t.AmountApproved += r.cell.amount
		t.AmountListed += r.cell.amount
		recipients, err := decode(r.recipients)
		if err != nil {
			return err
		}
		persons, err := decode(r.persons)
		if err != nil {
			return err
		}
		if recipients != nil {
			g.recipients = append(g.recipients, recipients)
		}
		if persons != nil {
			g.persons = append(g.persons, persons)
		}
	case disbursement.Approved:
		t.AmountApproved += r.cell.amount
		t.AmountListed += r.cell.amount
	case disbursement.Returned:
		t.AmountReturned += r.cell.amount
	case disbursement.Cancelled:
		t.AmountCancelled += r.cell.amount
	default:
		t.AmountListed += r.cell.amount
	}
	return nil
}

// result counts the distinct recipients and persons of each row, and of all rows for the total.
func (a *aggregate) result() *report.Result {
	res := &report.Result{}
	var allRecipients, allPersons []*roaring.Bitmap
	groups := make([]*group, 0, len(a.groups))
	for _, g := range a.groups {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(x, y *group) int { return compareGroupKeys(x.key, y.key) })
	for _, g := range groups {
		g.totals.Beneficiaries = int64(unionCardinality(g.recipients))
		g.totals.PeopleSupported = int64(unionCardinality(g.persons))
		allRecipients, allPersons = append(allRecipients, g.recipients...), append(allPersons, g.persons...)
		t := g.totals
		res.Total.AmountPaid += t.AmountPaid
		res.Total.AmountListed += t.AmountListed
		res.Total.AmountApproved += t.AmountApproved
		res.Total.Disbursements += t.Disbursements
		res.Total.AmountReturned += t.AmountReturned
		res.Total.AmountCancelled += t.AmountCancelled
		res.Rows = append(res.Rows, report.Row{Key: a.rowKey(g.key), Totals: t})
	}
	res.Total.Beneficiaries = int64(unionCardinality(allRecipients))
	res.Total.PeopleSupported = int64(unionCardinality(allPersons))
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
