package release

import (
	"context"
	"slices"
	"strings"

	"hotro/internal/auth"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// reader is the identity the release tables are computed as: every ward, no personal data.
var reader = &auth.Identity{Role: auth.Analyst, Username: "public-release"}

// unitTree is the administrative units that have lines: the whole area (0) above the provinces,
// districts and wards.
type unitTree struct {
	parent   map[int64]int64
	children map[int64][]int64 // in code order
	level    map[int64]int     // 1 province, 2 district, 3 ward
	key      map[int64]report.Key
	byCode   [4]map[string]int64 // level -> official code -> unit
}

// The levels of the unit tree.
const (
	levelArea     = 0
	levelProvince = 1
	levelDistrict = 2
	levelWard     = 3
)

var levelDims = [4][]report.Dimension{
	{},
	{report.Province},
	{report.Province, report.District},
	{report.Province, report.District, report.Ward},
}

// Build computes the release tables from the engine and withholds what must be withheld. The
// caller makes sure the data did not change while it ran (Publisher compares the data version
// before and after).
func Build(ctx context.Context, e report.Engine, ref *reference.Snapshot, version int64, minCount int) (*Release, error) {
	if minCount < 1 {
		minCount = report.DefaultMinCount
	}
	b := &builder{ctx: auth.WithIdentity(ctx, reader), e: e}
	r := &Release{Version: version, MinCount: minCount, cells: map[CellKey]*Cell{}, programs: map[int64]*programParts{}, ref: ref}
	b.r = r
	if err := b.units(); err != nil {
		return nil, err
	}
	programs, err := b.stats(nil, []report.Dimension{report.Program})
	if err != nil {
		return nil, err
	}
	ids := []int64{0}
	for _, row := range programs.Rows {
		ids = append(ids, row.ProgramID)
	}
	for _, p := range ids {
		r.programs[p] = &programParts{}
		var seconds []report.Dimension
		if p == 0 {
			seconds = []report.Dimension{"", report.Month}
		} else {
			seconds = []report.Dimension{"", report.Group, report.Fund, report.Month}
		}
		for _, second := range seconds {
			for level := levelArea; level <= levelWard; level++ {
				if err := b.table(p, level, second); err != nil {
					return nil, err
				}
			}
		}
		if p != 0 {
			if err := b.table(p, levelArea, report.Group, report.Week); err != nil {
				return nil, err
			}
		}
		if err := b.table(p, levelArea, report.Week); err != nil {
			return nil, err
		}
	}
	r.codes = codesOf(r, ref)
	r.relations = relationsOf(r)
	r.suppress()
	return r, nil
}

type builder struct {
	ctx context.Context
	e   report.Engine
	r   *Release
}

func (b *builder) stats(programs []int64, dims []report.Dimension) (*report.Result, error) {
	q := report.Query{GroupBy: dims, Filter: report.Filter{ProgramIDs: programs}}
	res, err := b.e.Stats(b.ctx, q)
	if err != nil {
		return nil, errs.E("release: build", err)
	}
	return res, nil
}

// units reads the unit tree of every unit with lines.
func (b *builder) units() error {
	res, err := b.stats(nil, levelDims[levelWard])
	if err != nil {
		return err
	}
	t := unitTree{parent: map[int64]int64{}, children: map[int64][]int64{}, level: map[int64]int{0: levelArea}, key: map[int64]report.Key{0: {}}}
	for i := range t.byCode {
		t.byCode[i] = map[string]int64{}
	}
	add := func(id, parent int64, level int, key report.Key, code string) {
		if _, ok := t.level[id]; ok {
			return
		}
		t.parent[id], t.level[id], t.key[id] = parent, level, key
		t.children[parent] = append(t.children[parent], id)
		t.byCode[level][code] = id
	}
	for _, row := range res.Rows {
		k := row.Key
		add(k.ProvinceID, 0, levelProvince, report.Key{ProvinceID: k.ProvinceID, ProvinceCode: k.ProvinceCode}, k.ProvinceCode)
		parent := k.ProvinceID
		if k.DistrictID != 0 {
			add(k.DistrictID, k.ProvinceID, levelDistrict, report.Key{DistrictID: k.DistrictID, DistrictCode: k.DistrictCode}, k.DistrictCode)
			parent = k.DistrictID
		}
		add(k.WardID, parent, levelWard, report.Key{WardID: k.WardID, WardCode: k.WardCode}, k.WardCode)
	}
	for _, kids := range t.children {
		slices.SortFunc(kids, func(a, c int64) int { return strings.Compare(t.code(a), t.code(c)) })
	}
	b.r.tree = t
	return nil
}

// code is the unit's official code.
func (t unitTree) code(id int64) string {
	k := t.key[id]
	switch t.level[id] {
	case levelProvince:
		return k.ProvinceCode
	case levelDistrict:
		return k.DistrictCode
	}
	return k.WardCode
}

// table reads the cells of a programme's table at one level of units: grouped by the level's
// units and the given dimensions (a group, fund, month or week; none for the units' margins).
func (b *builder) table(program int64, level int, seconds ...report.Dimension) error {
	dims := slices.Clone(levelDims[level])
	for _, d := range seconds {
		if d != "" {
			dims = append(dims, d)
		}
	}
	var programs []int64
	if program != 0 {
		programs = []int64{program}
	}
	res, err := b.stats(programs, dims)
	if err != nil {
		return err
	}
	rows := res.Rows
	if level == levelArea && len(dims) == 0 {
		rows = []report.Row{{Totals: res.Total}}
		if res.Total.Disbursements == 0 {
			rows = nil
		}
	}
	parts := b.r.programs[program]
	for _, row := range rows {
		key := CellKey{Program: program}
		switch level {
		case levelProvince:
			key.Unit = row.ProvinceID
		case levelDistrict:
			if row.DistrictID == 0 {
				continue // wards directly under their province: the province is their parent
			}
			key.Unit = row.DistrictID
		case levelWard:
			key.Unit = row.WardID
		}
		cell := &Cell{Totals: row.Totals}
		for _, d := range seconds {
			switch d {
			case report.Group:
				key.Group = row.GroupID
				parts.groups = addID(parts.groups, row.GroupID)
			case report.Fund:
				key.Fund = row.FundID
				parts.funds = addID(parts.funds, row.FundID)
			case report.Month, report.Week:
				key.Period = Unpaid
				if row.Period != nil {
					p := *row.Period
					key.Period, cell.period = p.Label, &p
				}
				if d == report.Month {
					parts.months = addPeriod(parts.months, key.Period)
				} else {
					parts.weeks = addPeriod(parts.weeks, key.Period)
				}
			}
		}
		cell.Key = key
		b.r.cells[key] = cell
	}
	return nil
}

func addID(ids []int64, id int64) []int64 {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

// addPeriod keeps labels in order (they sort as dates), Unpaid last.
func addPeriod(labels []string, label string) []string {
	i, found := slices.BinarySearchFunc(labels, label, comparePeriods)
	if found {
		return labels
	}
	return slices.Insert(labels, i, label)
}

func comparePeriods(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == Unpaid:
		return 1
	case b == Unpaid:
		return -1
	}
	return strings.Compare(a, b)
}

// codesOf maps the codes of the programmes, groups and funds with lines to their IDs (none
// without reference data: such tables can be audited but not asked).
func codesOf(r *Release, ref *reference.Snapshot) codes {
	c := codes{programs: map[string]int64{}, groups: map[string][]idIn{}, funds: map[string][]idIn{}}
	if ref == nil {
		return c
	}
	for _, p := range r.programIDs() {
		if prog := ref.Program(p); prog != nil {
			c.programs[prog.Code] = p
		}
		for _, g := range r.programs[p].groups {
			if group := ref.Group(g); group != nil {
				c.groups[group.Code] = append(c.groups[group.Code], idIn{id: g, program: p})
			}
		}
		for _, f := range r.programs[p].funds {
			if fund := ref.Fund(f); fund != nil {
				c.funds[fund.Code] = append(c.funds[fund.Code], idIn{id: f, program: p})
			}
		}
	}
	return c
}
