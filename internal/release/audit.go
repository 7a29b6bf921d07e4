package release

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"hotro/internal/errs"
)

// Finding is a withheld sensitive cell that the published figures pin down too closely: the
// values of the measure consistent with every published cell and relation lie in [Lo, Hi], which
// must reach from 0 to Want.
type Finding struct {
	Cell    CellKey
	Measure string
	Value   int64
	Lo, Hi  float64
	Want    float64
}

func (f Finding) String() string {
	return fmt.Sprintf("%+v %s=%d: consistent values [%.2f, %.2f], must reach [0, %.2f]", f.Cell, f.Measure, f.Value, f.Lo, f.Hi, f.Want)
}

// AuditReport is what Audit found.
type AuditReport struct {
	Cells, Sensitive, Withheld int
	Components                 int // groups of withheld cells linked by relations
	Intervals                  int // (cell, measure) intervals computed, each by two linear programs
	Findings                   []Finding
	// Narrowest is, over every withheld sensitive cell, the smallest upper end of a count's
	// interval (people, recipients, lines): at least k when nothing is found.
	Narrowest float64
}

// Audit computes, for every withheld sensitive cell and every measure, the smallest and largest
// value that is consistent with every published cell of every release table and every relation
// between them, and reports each interval that does not reach from 0 to the cell's protection
// (k for counts; for amounts, its own amount and one more recipient's worth at its average).
func (r *Release) Audit() (*AuditReport, error) { return r.audit() }

func (r *Release) audit() (*AuditReport, error) {
	if r.byCell == nil {
		r.index()
	}
	rep := &AuditReport{Narrowest: math.Inf(1)}
	rep.Cells, rep.Sensitive, rep.Withheld = r.Counts()
	for _, comp := range r.components() {
		if err := r.auditComponent(comp, rep, false); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// auditComponent audits the sensitive cells of a component, every measure; with first, it stops
// after the first measure with findings.
func (r *Release) auditComponent(comp component, rep *AuditReport, first bool) error {
	if !slices.ContainsFunc(comp.cells, func(k CellKey) bool { return r.cells[k].Sensitive }) {
		return nil
	}
	rep.Components++
	for m := range numMeasures {
		if err := r.auditMeasure(comp, m, rep, first); err != nil {
			return err
		}
		if first && len(rep.Findings) > 0 {
			return nil
		}
	}
	return nil
}

// component is a set of withheld cells linked by relations, and those relations: the values of
// its cells depend on nothing else.
type component struct {
	cells     []CellKey
	ids       []int // the cells' places in Release.keys
	relations []int
}

func (r *Release) components() []component {
	parent := make([]int, len(r.keys))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	withheld := func(i int) bool { return i >= 0 && r.cells[r.keys[i]].Withheld }
	for _, m := range r.members {
		first := -1
		for _, i := range m {
			if !withheld(i) {
				continue
			}
			if first < 0 {
				first = i
				continue
			}
			parent[find(i)] = find(first)
		}
	}
	byRoot := map[int]int{}
	var out []component
	for i := range r.keys {
		if !withheld(i) {
			continue
		}
		root := find(i)
		n, ok := byRoot[root]
		if !ok {
			n = len(out)
			byRoot[root] = n
			out = append(out, component{})
		}
		out[n].cells = append(out[n].cells, r.keys[i])
		out[n].ids = append(out[n].ids, i)
	}
	for rel, m := range r.members {
		for _, i := range m {
			if withheld(i) {
				c := &out[byRoot[find(i)]]
				c.relations = append(c.relations, rel)
				break
			}
		}
	}
	return out
}

// signature names the component by its cells: the same cells, the same linear program.
func (c component) signature() string {
	b := make([]byte, 0, 8*len(c.ids))
	for _, i := range c.ids {
		b = strconv.AppendInt(b, int64(i), 36)
		b = append(b, ',')
	}
	return string(b)
}

// auditMeasure computes the intervals of one measure for the sensitive cells of a component.
func (r *Release) auditMeasure(comp component, m measure, rep *AuditReport, first bool) error {
	var targets []int
	for i, k := range comp.cells {
		if r.cells[k].Sensitive {
			targets = append(targets, i)
		}
	}
	prog, err := r.program(comp, m)
	if err != nil {
		return errs.E("release: audit", errs.Internal, fmt.Errorf("%s: %w", m, err))
	}
	for _, j := range targets {
		c := r.cells[comp.cells[j]]
		v := m.of(c.Totals)
		want := r.protection(c, m)
		if v == 0 && want == 0 {
			continue
		}
		if (m == mPeople || m == mRecipients) && c.Totals.Beneficiaries == 0 {
			// Lines not paid yet cover no one paid, by definition (the period of unpaid lines, a
			// group nobody was paid in yet): that is no one's secret; its lines and amounts are.
			continue
		}
		lo, hi, err := prog.bounds(j)
		if err != nil {
			return errs.E("release: audit", errs.Internal, fmt.Errorf("%+v %s: %w", c.Key, m, err))
		}
		rep.Intervals++
		if !m.isAmount() {
			rep.Narrowest = math.Min(rep.Narrowest, hi)
		}
		// Half a unit of slack: the values are whole numbers, the simplex works in floating point.
		if lo > 0.5 || hi < want-0.5 {
			rep.Findings = append(rep.Findings, Finding{Cell: c.Key, Measure: m.String(), Value: v, Lo: lo, Hi: hi, Want: want})
		}
	}
	return nil
}

// linearProgram is the constraints a component's withheld values satisfy, in standard form
// (A x = b, x ≥ 0), the first columns being the cells, the rest slacks; scaled so that the values
// are about 1, with a feasible basis found once for every objective.
type linearProgram struct {
	tab   *tableau
	scale float64
}

func (r *Release) program(comp component, m measure) (*linearProgram, error) {
	col := make(map[CellKey]int, len(comp.cells))
	scale := 1.0
	for i, k := range comp.cells {
		col[k] = i
		scale = math.Max(scale, float64(m.of(r.cells[k].Totals)))
	}
	value := func(k CellKey) float64 {
		if c := r.cells[k]; c != nil && !c.Withheld {
			return float64(m.of(c.Totals))
		}
		return 0
	}
	type row struct {
		coef  map[int]float64
		rhs   float64
		slack bool
	}
	var rows []row
	// add records sum(coef * x) (- slack) = rhs when some x takes part.
	add := func(terms map[CellKey]float64, slack bool) {
		rw := row{coef: map[int]float64{}, slack: slack}
		for k, f := range terms {
			if j, ok := col[k]; ok {
				rw.coef[j] += f
			} else {
				rw.rhs -= f * value(k)
			}
		}
		for j, f := range rw.coef {
			if f == 0 {
				delete(rw.coef, j)
			}
		}
		if len(rw.coef) > 0 {
			rows = append(rows, rw)
		}
	}
	for _, i := range comp.relations {
		rel := r.relations[i]
		if rel.additive[m] {
			// children - parent = 0
			terms := map[CellKey]float64{rel.parent: -1}
			for _, k := range rel.children {
				terms[k] += 1
			}
			add(terms, false)
			continue
		}
		// parent <= sum of children: children - parent - s = 0. (That each child is at most the
		// parent is left out: it never keeps a cell from 0, and a parent under k, the only one
		// that could keep a child under k, is sensitive and held to reach k itself.)
		terms := map[CellKey]float64{rel.parent: -1}
		for _, k := range rel.children {
			terms[k] += 1
		}
		add(terms, true)
	}
	slacks := 0
	for _, rw := range rows {
		if rw.slack {
			slacks++
		}
	}
	n := len(comp.cells)
	a := make([][]float64, len(rows))
	b := make([]float64, len(rows))
	s := n
	for i, rw := range rows {
		a[i] = make([]float64, n+slacks)
		for j, f := range rw.coef {
			a[i][j] = f
		}
		if rw.slack {
			a[i][s] = -1
			s++
		}
		b[i] = rw.rhs / scale
	}
	tab, err := feasibleBasis(a, b, n+slacks)
	if err != nil {
		return nil, err
	}
	return &linearProgram{tab: tab, scale: scale}, nil
}

// bounds is the smallest and largest value of cell j (Hi is +Inf when nothing bounds it).
func (p *linearProgram) bounds(j int) (lo, hi float64, err error) {
	c := make([]float64, p.tab.n)
	c[j] = 1
	min, err := p.tab.minimize(c)
	if err != nil {
		return 0, 0, fmt.Errorf("smallest: %w", err)
	}
	c[j] = -1
	max, err := p.tab.minimize(c)
	switch {
	case errors.Is(err, errUnbounded):
		return math.Max(0, min*p.scale), math.Inf(1), nil
	case err != nil:
		return 0, 0, fmt.Errorf("largest: %w", err)
	}
	return math.Max(0, min*p.scale), -max * p.scale, nil
}
