package release

import (
	"cmp"
	"slices"

	"hotro/internal/report"
)

// measure is one of the figures a cell publishes.
type measure int

const (
	mPeople measure = iota
	mRecipients
	mLines
	mPaid
	mListed
	mApproved
	numMeasures
)

var measureNames = [numMeasures]string{"peopleSupported", "beneficiaries", "disbursements", "amountPaid", "amountListed", "amountApproved"}

func (m measure) String() string { return measureNames[m] }

func (m measure) of(t report.Totals) int64 {
	switch m {
	case mPeople:
		return t.PeopleSupported
	case mRecipients:
		return t.Beneficiaries
	case mLines:
		return t.Disbursements
	case mPaid:
		return t.AmountPaid
	case mListed:
		return t.AmountListed
	}
	return t.AmountApproved
}

// isAmount reports whether the measure is money (the others count people, recipients or lines).
func (m measure) isAmount() bool { return m >= mPaid }

// relation is one additive relation of the tables: a margin (parent) and the cells it sums.
// Amounts and lines always add up; people and recipients are distinct counts, which add up only
// where no one is in two of the children (a recipient paid in two months is one recipient of the
// programme): additive says, per measure, whether they do in the data. An attacker is assumed to
// know every relation that holds, so the audit uses equations where they hold and, elsewhere, what
// always holds of distinct counts (the parent at most the sum of its children).
type relation struct {
	parent   CellKey
	children []CellKey
	additive [numMeasures]bool
}

// relationsOf lists the relations of the release's tables: the unit hierarchy (a unit is the sum of
// the units below it) in every table, each table's second dimension (a unit is the sum of its
// groups, funds or periods; a week of its groups), and the programmes (a figure of every programme
// is the sum of the programmes').
func relationsOf(r *Release) []relation {
	var out []relation
	add := func(parent CellKey, children []CellKey) {
		var present []CellKey
		for _, c := range children {
			if r.cells[c] != nil {
				present = append(present, c)
			}
		}
		if r.cells[parent] == nil && len(present) == 0 {
			return
		}
		rel := relation{parent: parent, children: present}
		for m := range numMeasures {
			var sum int64
			for _, c := range present {
				sum += m.of(r.cells[c].Totals)
			}
			var whole int64
			if p := r.cells[parent]; p != nil {
				whole = m.of(p.Totals)
			}
			rel.additive[m] = sum == whole
		}
		out = append(out, rel)
	}
	programs := make([]int64, 0, len(r.programs))
	for p := range r.programs {
		programs = append(programs, p)
	}
	slices.Sort(programs)
	nodes := make([]int64, 0, len(r.tree.level))
	for u := range r.tree.level {
		nodes = append(nodes, u)
	}
	slices.Sort(nodes)

	for _, p := range programs {
		parts := r.programs[p]
		// Every value of the second dimension a unit table has, the margin first.
		seconds := []CellKey{{}}
		for _, g := range parts.groups {
			seconds = append(seconds, CellKey{Group: g})
		}
		for _, f := range parts.funds {
			seconds = append(seconds, CellKey{Fund: f})
		}
		for _, m := range parts.months {
			seconds = append(seconds, CellKey{Period: m})
		}
		at := func(unit int64, second CellKey) CellKey {
			second.Program, second.Unit = p, unit
			return second
		}
		// The unit hierarchy, for every value of the second dimension.
		for _, second := range seconds {
			for _, n := range nodes {
				kids := r.tree.children[n]
				if len(kids) == 0 {
					continue
				}
				children := make([]CellKey, len(kids))
				for i, c := range kids {
					children[i] = at(c, second)
				}
				add(at(n, second), children)
			}
		}
		// A unit is the sum of its groups, of its funds, of its months.
		for _, n := range nodes {
			var byGroup, byFund, byMonth []CellKey
			for _, g := range parts.groups {
				byGroup = append(byGroup, at(n, CellKey{Group: g}))
			}
			for _, f := range parts.funds {
				byFund = append(byFund, at(n, CellKey{Fund: f}))
			}
			for _, m := range parts.months {
				byMonth = append(byMonth, at(n, CellKey{Period: m}))
			}
			for _, children := range [][]CellKey{byGroup, byFund, byMonth} {
				if len(children) > 0 {
					add(at(n, CellKey{}), children)
				}
			}
		}
		// Group × week over the whole area: a group is the sum of its weeks, a week of its groups.
		groups := append([]int64{0}, parts.groups...)
		if p == 0 {
			groups = []int64{0}
		}
		for _, g := range groups {
			var children []CellKey
			for _, w := range parts.weeks {
				children = append(children, CellKey{Program: p, Group: g, Period: w})
			}
			add(CellKey{Program: p, Group: g}, children)
		}
		if p != 0 {
			for _, w := range parts.weeks {
				var children []CellKey
				for _, g := range parts.groups {
					children = append(children, CellKey{Program: p, Group: g, Period: w})
				}
				add(CellKey{Program: p, Period: w}, children)
			}
		}
	}
	// Every programme together is the sum of the programmes.
	var each []int64
	for _, p := range programs {
		if p != 0 {
			each = append(each, p)
		}
	}
	if len(each) > 0 {
		var whole []CellKey
		for k := range r.cells {
			if k.Program == 0 {
				whole = append(whole, k)
			}
		}
		slices.SortFunc(whole, compareKeys)
		for _, k := range whole {
			children := make([]CellKey, len(each))
			for i, p := range each {
				children[i] = k
				children[i].Program = p
			}
			add(k, children)
		}
	}
	return out
}

func compareKeys(a, b CellKey) int {
	return cmp.Or(cmp.Compare(a.Program, b.Program), cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Group, b.Group),
		cmp.Compare(a.Fund, b.Fund), comparePeriods(a.Period, b.Period))
}
