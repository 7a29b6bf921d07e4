// Package release publishes the public figures: a fixed set of release tables per programme, with
// one suppression pattern computed jointly over all of them and their additive relations, once per
// data version, and proved by a linear-programming audit.
//
// The tables (each with its margins, for each programme and, where it makes sense, for every
// programme together):
//
//	unit × group     units at every level (ward, district, province, the whole area) by group
//	unit × month     units at every level by month of payment
//	unit × fund      units at every level by fund
//	group × week     the whole area by group and ISO week of payment
//
// A cell is sensitive when it counts 1 to k−1 people or recipients (or, for lines not paid yet,
// 1 to k−1 lines), k being HOTRO_PUBLIC_MIN_COUNT. Sensitive cells are withheld, and so are
// complementary cells chosen so that no combination of published cells — within one table,
// across tables through their shared margins, across the unit hierarchy or across programmes —
// narrows a withheld sensitive cell to less than [0, k] (people, recipients, lines) or, for its
// amounts, to less than [0, its amount plus one more recipient's worth at its average]. Audit proves it by computing, for every
// withheld sensitive cell and every measure, the smallest and largest value consistent with every
// published cell and every relation (gonum's simplex on the relations as equations where the
// figures add up and as inequalities where distinct counts do not).
//
// Visitors can only read cells of these tables: one unit, one group or fund, one month or ISO week
// per question, grouped by one dimension (Publisher.Stats). Anything else is refused with a
// message saying what can be asked, never answered with a number computed another way.
package release

import (
	"hotro/internal/reference"
	"hotro/internal/report"
)

// CellKey names a cell of the release tables. Zero values mean "all": Program 0 is every
// programme, Unit 0 the whole area, Group and Fund 0 every group and fund, Period "" every day.
type CellKey struct {
	Program int64
	Unit    int64
	Group   int64
	Fund    int64
	// Period is a month ("2020-05"), an ISO week ("2020-W19"), or Unpaid for lines without a paid
	// date; "" is the whole programme.
	Period string
}

// Unpaid is the period of the lines not paid (yet): part of every time table, so that its periods
// add up to its margins for every measure.
const Unpaid = "-"

// Cell is one figure of a release table.
type Cell struct {
	Key    CellKey
	Totals report.Totals
	// Sensitive cells count too few people to be published; Withheld cells are not published
	// (the sensitive ones and those withheld to protect them).
	Sensitive bool
	Withheld  bool

	period *report.Period // of a month or week cell
}

// Release is the public figures at one data version: the cells of every release table, their
// relations and the suppression pattern.
type Release struct {
	Version  int64
	MinCount int

	cells     map[CellKey]*Cell
	relations []relation
	byCell    map[CellKey][]int // the relations of each cell
	// keys are the cells' keys in order, members each relation's cells by their place in keys
	// (the margin first, -1 when it has no lines): the audit's union-find works on these.
	keys    []CellKey
	members [][]int
	tree    unitTree
	// programs are the programmes with lines, with their groups and funds.
	programs map[int64]*programParts
	codes    codes
	answered answered            // the answers given, by question
	ref      *reference.Snapshot // the reference data the tables were built with
}

// programParts are the values of one programme's tables (Program 0: every programme, which has
// no groups or funds of its own).
type programParts struct {
	groups, funds []int64
	months, weeks []string // labels in order, Unpaid last
}

// Cell returns the cell with the key, or nil when no line falls in it (a published zero).
func (r *Release) Cell(k CellKey) *Cell { return r.cells[k] }

// Cells returns every cell (in no particular order).
func (r *Release) Cells() []*Cell {
	out := make([]*Cell, 0, len(r.cells))
	for _, c := range r.cells {
		out = append(out, c)
	}
	return out
}

// Counts summarises the pattern: cells, sensitive cells, withheld cells.
func (r *Release) Counts() (cells, sensitive, withheld int) {
	for _, c := range r.cells {
		cells++
		if c.Sensitive {
			sensitive++
		}
		if c.Withheld {
			withheld++
		}
	}
	return
}

// Relations is how many additive relations (a margin and the cells it sums) link the cells.
func (r *Release) Relations() int { return len(r.relations) }

// sensitive reports whether the totals count a few people: fewer than k persons or recipients
// paid, or, for lines not paid yet, fewer than k lines.
func sensitive(t report.Totals, k int) bool {
	small := func(n int64) bool { return n > 0 && n < int64(k) }
	return small(t.PeopleSupported) || small(t.Beneficiaries) || (t.Beneficiaries == 0 && small(t.Disbursements))
}

// weight is how many recipients a cell counts (lines, when none is paid): what a complementary
// cell lends to hide a sensitive one.
func weight(t report.Totals) int64 {
	if t.Beneficiaries > 0 {
		return t.Beneficiaries
	}
	return t.Disbursements
}
