package rollup

import (
	"fmt"
	"slices"
	"strings"

	"hotro/internal/civil"
	"hotro/internal/report"
)

// unitPart is the unit side of a row's key: the reporting ward, district and province a line is
// shown under, set only for the dimensions grouped by.
type unitPart struct {
	wardID       int64
	wardCode     string
	wardSplit    bool
	districtID   int64
	districtCode string
	provinceID   int64
	provinceCode string
}

// unitEval is what a query makes of lines recorded in one unit: whether they pass its unit filters
// and scope, and the unit side of their row.
type unitEval struct {
	in  bool
	key unitPart
}

// planner decides, for one query, which rollup rows to read: for each province (then district,
// then ward) whose recorded wards all pass or all fail the unit filters and all report under the
// same row, the coarsest level that keeps the periods the query needs.
type planner struct {
	q report.Query
	t *tree
	// evals holds what eval made of each unit it was asked about, by index in t.units: a query
	// mostly looks at a few hundred units of the tree's thousands.
	evals map[int]*unitEval
	dims  map[report.Dimension]bool
	flags dimFlags // dims, as fields

	wards, districts, provinces map[string]bool
	wardIDs, scope              map[int64]bool

	bucket   report.Dimension // the time dimension grouped by, if any
	from, to *civil.Date
	slim     bool // slim levels serve: no grouping or filter by group, round, fund or channel

	// Without unitsAsOf, lines report under the ward they were recorded in, so the provinces whose
	// units can pass the unit filters are known beforehand (nil: any), and with no unit filter nor
	// grouping below the province every unit of a province reports under one row.
	provincesIn map[int64]bool
	byProvince  bool
}

// dimFlags tells which dimensions a query groups by.
type dimFlags struct {
	program, province, district, ward, group, fund, round, status, channel bool
}

// read is the rows to read from one level: the units and, for levels with time, the periods.
type read struct {
	level   Level
	units   []int64
	periods []periodRange // none: every period
	parts   map[int64]unitPart
}

type periodRange struct{ from, to int32 }

func newPlanner(q report.Query, t *tree) *planner {
	p := &planner{q: q, t: t, evals: map[int]*unitEval{}, dims: map[report.Dimension]bool{},
		from: q.Filter.PaidFrom, to: q.Filter.PaidTo}
	for _, d := range q.GroupBy {
		p.dims[d] = true
		if d.IsTime() {
			p.bucket = d
		}
	}
	p.flags = dimFlags{program: p.dims[report.Program], province: p.dims[report.Province], district: p.dims[report.District],
		ward: p.dims[report.Ward], group: p.dims[report.Group], fund: p.dims[report.Fund], round: p.dims[report.Round],
		status: p.dims[report.Status], channel: p.dims[report.Channel]}
	f := q.Filter
	p.slim = !p.dims[report.Group] && !p.dims[report.Fund] && !p.dims[report.Channel] && !p.dims[report.Round] &&
		len(f.Groups) == 0 && len(f.Rounds) == 0 && len(f.Funds) == 0 && len(f.Channels) == 0 && f.GroupIDs == nil && f.FundIDs == nil
	p.wards, p.districts, p.provinces = set(q.Filter.Wards), set(q.Filter.Districts), set(q.Filter.Provinces)
	if q.Filter.WardIDs != nil {
		p.wardIDs = idSet(q.Filter.WardIDs)
	}
	if q.Scope.WardIDs != nil {
		p.scope = idSet(q.Scope.WardIDs)
	}
	if q.UnitsAsOf == nil || q.UnitsAsOf.IsZero() {
		p.narrowProvinces()
		p.byProvince = p.wards == nil && p.districts == nil && p.provinces == nil && p.wardIDs == nil && p.scope == nil &&
			!p.dims[report.Ward] && !p.dims[report.District]
	}
	return p
}

// narrowProvinces finds the provinces that can hold units passing the unit filters, when lines
// report under the ward they were recorded in.
func (p *planner) narrowProvinces() {
	var allowed map[int64]bool
	keep := func(provinces map[int64]bool) {
		if allowed == nil {
			allowed = provinces
			return
		}
		for k := range allowed {
			if !provinces[k] {
				delete(allowed, k)
			}
		}
	}
	byCode := func(codes map[string]bool, level string, province func(i int) int64) {
		if codes == nil {
			return
		}
		found := map[int64]bool{}
		for code := range codes {
			for _, i := range p.t.byCode[code] {
				if level == "" || p.t.units[i].Level == level {
					found[province(i)] = true
				}
			}
		}
		keep(found)
	}
	ownProvince := func(i int) int64 { return p.t.keys[i].province }
	// Units under a district or province have that unit's province key.
	childProvince := func(i int) int64 {
		u := p.t.units[i]
		return unitKeysOf(u.ID, u.Level, u.ParentID).province
	}
	byCode(p.wards, "", ownProvince)
	byCode(p.districts, "DISTRICT", childProvince)
	byCode(p.provinces, "PROVINCE", childProvince)
	for _, ids := range []map[int64]bool{p.wardIDs, p.scope} {
		if ids == nil {
			continue
		}
		found := map[int64]bool{}
		for id := range ids {
			if i, ok := p.t.index[id]; ok {
				found[p.t.keys[i].province] = true
			}
		}
		keep(found)
	}
	p.provincesIn = allowed
}

func set(codes []string) map[string]bool {
	if len(codes) == 0 {
		return nil
	}
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

func idSet(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// eval applies the query to lines recorded in the unit at index i, as the stats SQL does: the
// reporting ward is the recorded one or, as of UnitsAsOf, the one unit it became (a ward split
// between several stays itself, flagged); unit filters apply to the reporting ward, the scope to the
// recorded one.
func (p *planner) eval(i int) *unitEval {
	if e := p.evals[i]; e != nil {
		return e
	}
	u := &p.t.units[i]
	rep, repIdx, split := p.reporting(i)
	var wp, wpp *unit
	if j := p.t.parent[repIdx]; j >= 0 {
		wp = &p.t.units[j]
		if k := p.t.parent[j]; k >= 0 {
			wpp = &p.t.units[k]
		}
	}
	var district, province *unit
	var provinceID int64
	if wp != nil && wp.Level == "DISTRICT" {
		district = wp
	}
	if wp != nil {
		if wp.Level == "PROVINCE" {
			province, provinceID = wp, wp.ID
		} else {
			province, provinceID = wpp, wp.ParentID
		}
	}
	e := &unitEval{in: true}
	p.evals[i] = e
	switch {
	case p.wards != nil && !p.wards[rep.Code],
		p.districts != nil && (district == nil || !p.districts[district.Code]),
		p.provinces != nil && (province == nil || !p.provinces[province.Code]),
		p.wardIDs != nil && !p.wardIDs[rep.ID],
		p.scope != nil && !p.scope[u.ID]:
		e.in = false
	}
	if e.in {
		if p.dims[report.Ward] {
			e.key.wardID, e.key.wardCode, e.key.wardSplit = rep.ID, rep.Code, split
		}
		if p.dims[report.District] && district != nil {
			e.key.districtID, e.key.districtCode = district.ID, district.Code
		} else if p.dims[report.District] && province != nil {
			// No district (after 2025): the row is the province's it reports to directly.
			e.key.provinceID, e.key.provinceCode = provinceID, province.Code
		}
		if p.dims[report.Province] {
			e.key.provinceID = provinceID
			if province != nil {
				e.key.provinceCode = province.Code
			}
		}
	}
	return e
}

// reporting returns the unit lines recorded in the unit at index i are shown under, its index, and
// whether it is a ward split between several units.
func (p *planner) reporting(i int) (*unit, int, bool) {
	u := &p.t.units[i]
	asOf := p.q.UnitsAsOf
	if asOf == nil || asOf.IsZero() || u.ValidTo == nil || !u.ValidTo.Before(*asOf) {
		return u, i, false
	}
	var target *unit
	n := 0
	for _, id := range p.t.successors[u.ID] {
		s := p.t.byID(id)
		if s == nil || s.ValidFrom.After(*asOf) || (s.ValidTo != nil && s.ValidTo.Before(*asOf)) {
			continue
		}
		n++
		if target == nil || s.ID < target.ID {
			target = s
		}
	}
	switch {
	case n == 1:
		return target, p.t.index[target.ID], false
	case n > 1:
		return u, i, true
	}
	return u, i, false
}

// uniform tells whether the units at the indexes all agree: ok is false when they do not; in is
// false when none of them passes.
func (p *planner) uniform(idx []int) (ev unitEval, ok bool) {
	for n, i := range idx {
		e := p.eval(i)
		if n == 0 {
			ev = *e
			continue
		}
		if e.in != ev.in || (e.in && e.key != ev.key) {
			return unitEval{}, false
		}
	}
	return ev, true
}

// levelFor picks the level to read at a unit grain (slim when the query allows), or false if none
// there serves.
func (p *planner) levelFor(g unitGrain) (Level, bool) {
	for _, slim := range []bool{true, false} {
		if slim && !p.slim {
			continue
		}
		filtered := p.from != nil || p.to != nil
		if l, ok := levelOf(g, timeAll, slim); ok && p.bucket == "" && !filtered {
			return l, true
		}
		if l, ok := levelOf(g, timeMonth, slim); ok && p.bucket != report.Day && p.bucket != report.Week {
			if _, day := levelOf(g, timeDay, slim); day || len(p.partialDays()) == 0 {
				return l, true
			}
		}
		if l, ok := levelOf(g, timeDay, slim); ok {
			return l, true
		}
	}
	return Level{}, false
}

// plan returns the rows to read, by level.
func (p *planner) plan() []*read {
	reads := map[int16]*read{}
	add := func(g unitGrain, unitID int64, part unitPart) bool {
		l, ok := p.levelFor(g)
		if !ok {
			return false
		}
		r := reads[l.ID]
		if r == nil {
			r = &read{level: l, parts: map[int64]unitPart{}}
			reads[l.ID] = r
		}
		r.units = append(r.units, unitID)
		r.parts[unitID] = part
		if l.time == timeMonth {
			// The days of months the filter covers in part, at the same unit.
			if days := p.partialDays(); len(days) > 0 {
				dl, _ := levelOf(g, timeDay, l.slim)
				dr := reads[dl.ID]
				if dr == nil {
					dr = &read{level: dl, parts: map[int64]unitPart{}, periods: days}
					reads[dl.ID] = dr
				}
				dr.units = append(dr.units, unitID)
				dr.parts[unitID] = part
			}
		}
		return true
	}
	for _, prov := range p.t.provinces {
		if p.provincesIn != nil && !p.provincesIn[prov] {
			continue
		}
		if p.byProvince {
			var part unitPart
			if p.dims[report.Province] {
				part.provinceID = prov
				if u := p.t.byID(prov); u != nil {
					part.provinceCode = u.Code
				}
			}
			if add(grainProvince, prov, part) {
				continue
			}
		}
		var provIdx []int
		for _, parent := range p.t.parentsOf[prov] {
			provIdx = append(provIdx, p.t.wardsOf[parent]...)
		}
		if ev, ok := p.uniform(provIdx); ok {
			if !ev.in || add(grainProvince, prov, ev.key) {
				continue
			}
		}
		for _, parent := range p.t.parentsOf[prov] {
			idx := p.t.wardsOf[parent]
			if ev, ok := p.uniform(idx); ok {
				if !ev.in || add(grainParent, parent, ev.key) {
					continue
				}
			}
			for _, i := range idx {
				if e := p.eval(i); e.in {
					add(grainWard, p.t.units[i].ID, e.key)
				}
			}
		}
	}
	out := make([]*read, 0, len(reads))
	for _, l := range Levels {
		if r := reads[l.ID]; r != nil {
			if r.level.time == timeMonth {
				r.periods = p.fullMonths()
			} else if r.level.time == timeDay && r.periods == nil {
				r.periods = p.dayRange()
			}
			out = append(out, r)
		}
	}
	return out
}

const maxKey = int32(99991231)

// dayRange is the periods of day rows when day rows serve the whole filter.
func (p *planner) dayRange() []periodRange {
	if p.from == nil && p.to == nil {
		return nil
	}
	r := periodRange{from: 1, to: maxKey}
	if p.from != nil {
		r.from = dayKey(*p.from)
	}
	if p.to != nil {
		r.to = dayKey(*p.to)
	}
	return []periodRange{r}
}

func startOfMonth(d civil.Date) civil.Date { return civil.New(d.Year, d.Month, 1) }
func endOfMonth(d civil.Date) civil.Date   { return startOfMonth(d).AddMonths(1).AddDays(-1) }

// fullMonths is the periods of month rows: the months the filter covers whole (every month, and
// lines without a paid date, when there is no filter).
func (p *planner) fullMonths() []periodRange {
	if p.from == nil && p.to == nil {
		return nil
	}
	r := periodRange{from: 1, to: maxKey}
	if p.from != nil {
		first := startOfMonth(*p.from)
		if p.from.Day != 1 {
			first = first.AddMonths(1)
		}
		r.from = dayKey(first)
	}
	if p.to != nil {
		last := startOfMonth(*p.to)
		if *p.to != endOfMonth(*p.to) {
			last = last.AddMonths(-1)
		}
		r.to = dayKey(last)
	}
	if r.from > r.to {
		return []periodRange{{from: 1, to: 0}} // nothing
	}
	return []periodRange{r}
}

// partialDays is the days of the months the filter covers only in part.
func (p *planner) partialDays() []periodRange {
	var out []periodRange
	if p.from != nil && p.from.Day != 1 {
		end := endOfMonth(*p.from)
		if p.to != nil && p.to.Before(end) {
			end = *p.to
		}
		out = append(out, periodRange{dayKey(*p.from), dayKey(end)})
	}
	if p.to != nil && *p.to != endOfMonth(*p.to) {
		start := startOfMonth(*p.to)
		if p.from != nil && p.from.After(start) {
			start = *p.from
		}
		r := periodRange{dayKey(start), dayKey(*p.to)}
		if len(out) == 0 || out[0] != r && r.from > out[0].to {
			out = append(out, r)
		}
	}
	return out
}

// sql writes the query that reads the planned rows.
func (p *planner) sql(reads []*read) (string, []any) {
	var b strings.Builder
	b.WriteString("SELECT " + keyColumns + ", lines, amount, recipients, persons FROM rollups WHERE (")
	for i, r := range reads {
		if i > 0 {
			b.WriteString(" OR ")
		}
		units := slices.Clone(r.units)
		slices.Sort(units)
		fmt.Fprintf(&b, "(level = %d AND unit_id IN (%s)", r.level.ID, joinInts(units))
		if len(r.periods) > 0 {
			b.WriteString(" AND (")
			for j, pr := range r.periods {
				if j > 0 {
					b.WriteString(" OR ")
				}
				fmt.Fprintf(&b, "period BETWEEN %d AND %d", pr.from, pr.to)
			}
			b.WriteString(")")
		}
		b.WriteString(")")
	}
	b.WriteString(")")
	var args []any
	for _, c := range p.q.Filter.LineConditions("") {
		b.WriteString(" AND " + c.SQL)
		args = append(args, c.Args...)
	}
	return b.String(), args
}
