package release

import (
	"math"
	"slices"
)

// suppress withholds the sensitive cells, then complementary cells until the audit finds every
// sensitive cell protected:
//
//  1. in every relation holding a withheld cell, another cell is withheld with it (a lone withheld
//     cell is its margin minus the others), and the other withheld cells lend each sensitive child
//     enough weight to reach k (or its margin is withheld too);
//  2. the linear-programming audit then looks for what the relations together still pin down;
//     for each cell it finds, a cell is withheld in the nearest relation that has one to spare,
//     and 1 and 2 run again.
//
// Complementary cells are chosen among a relation's children (a margin is the last resort, being
// part of more tables), the smallest that lends enough, so that as little as possible is lost.
func (r *Release) suppress() {
	keys := r.sortedKeys()
	for _, k := range keys {
		c := r.cells[k]
		if sensitive(c.Totals, r.MinCount) {
			c.Sensitive, c.Withheld = true, true
		}
	}
	r.index()
	r.protectRelations()
	// A component's linear program depends only on its cells and the relations touching them: one
	// found sound stays sound until a cell joins it (then its cells differ), so it is not asked again.
	sound := map[string]bool{}
	for range len(keys) {
		widened := false
		for _, comp := range r.components() {
			sig := comp.signature()
			if sound[sig] {
				continue
			}
			rep := &AuditReport{}
			if err := r.auditComponent(comp, rep, true); err != nil {
				// A program the simplex could not solve proves nothing: withhold more around
				// its first sensitive cell (the safe side), and ask again next round.
				for _, k := range comp.cells {
					if r.cells[k].Sensitive {
						widened = r.widen(k) || widened
						break
					}
				}
				continue
			}
			if len(rep.Findings) == 0 {
				sound[sig] = true
				continue
			}
			seen := map[CellKey]bool{}
			for _, f := range rep.Findings {
				if !seen[f.Cell] {
					seen[f.Cell] = true
					widened = r.widen(f.Cell) || widened
				}
			}
		}
		if !widened {
			return
		}
		r.protectRelations()
	}
}

func (r *Release) sortedKeys() []CellKey {
	if r.keys != nil {
		return r.keys
	}
	keys := make([]CellKey, 0, len(r.cells))
	for k := range r.cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	return keys
}

// index lists the relations of every cell.
func (r *Release) index() {
	r.keys = r.sortedKeys()
	place := make(map[CellKey]int, len(r.keys))
	for i, k := range r.keys {
		place[k] = i
	}
	r.members = make([][]int, len(r.relations))
	for i, rel := range r.relations {
		m := make([]int, 0, 1+len(rel.children))
		p, ok := place[rel.parent]
		if !ok {
			p = -1
		}
		m = append(m, p)
		for _, c := range rel.children {
			m = append(m, place[c])
		}
		r.members[i] = m
	}
	r.byCell = map[CellKey][]int{}
	for i, rel := range r.relations {
		r.byCell[rel.parent] = append(r.byCell[rel.parent], i)
		for _, c := range rel.children {
			r.byCell[c] = append(r.byCell[c], i)
		}
	}
}

// protectRelations applies rule 1 to every relation until none changes.
func (r *Release) protectRelations() {
	for changed := true; changed; {
		changed = false
		for i := range r.relations {
			if r.protect(&r.relations[i]) {
				changed = true
			}
		}
	}
}

// protect withholds one more cell of the relation if it needs one; it reports whether it did.
func (r *Release) protect(rel *relation) bool {
	parent := r.cells[rel.parent]
	parentWithheld := parent != nil && parent.Withheld
	var withheld []*Cell
	if parentWithheld {
		withheld = append(withheld, parent)
	}
	var lent int64 // weight of the withheld children
	for _, k := range rel.children {
		if c := r.cells[k]; c.Withheld {
			withheld = append(withheld, c)
			lent += weight(c.Totals)
		}
	}
	if len(withheld) == 0 {
		return false
	}
	var need int64
	if len(withheld) == 1 {
		need = 1
	}
	if !parentWithheld {
		k := int64(r.MinCount)
		for _, c := range withheld {
			if !c.Sensitive {
				continue
			}
			w := weight(c.Totals)
			if others := lent - w; others < k-w {
				need = max(need, k-w-others)
			}
		}
	}
	if need == 0 {
		return false
	}
	return r.withholdOne(rel, need)
}

// withholdOne withholds the child of the relation that lends at least need with the least weight
// (or the heaviest if none lends enough); the margin if every child is withheld already.
func (r *Release) withholdOne(rel *relation, need int64) bool {
	var best *Cell
	bestEnough := false
	for _, k := range rel.children {
		c := r.cells[k]
		if c.Withheld {
			continue
		}
		w := weight(c.Totals)
		enough := w >= need
		switch {
		case best == nil:
		case enough && !bestEnough:
		case enough && bestEnough && w < weight(best.Totals):
		case !enough && !bestEnough && w > weight(best.Totals):
		default:
			continue
		}
		best, bestEnough = c, enough
	}
	if best == nil {
		if p := r.cells[rel.parent]; p != nil && !p.Withheld {
			best = p
		}
	}
	if best == nil {
		return false
	}
	best.Withheld = true
	return true
}

// widen withholds one more cell near a cell the audit found pinned down: in the nearest relation
// (its own first, then those of the withheld cells it is linked to) that has a cell to spare.
func (r *Release) widen(start CellKey) bool {
	seen := map[CellKey]bool{start: true}
	queue := []CellKey{start}
	visited := map[int]bool{}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		rels := slices.Clone(r.byCell[k])
		// Relations with the fewest withheld cells first: they hold the cell tightest.
		slices.SortStableFunc(rels, func(a, b int) int { return r.withheldIn(a) - r.withheldIn(b) })
		for _, i := range rels {
			if visited[i] {
				continue
			}
			visited[i] = true
			if r.withholdOne(&r.relations[i], int64(r.MinCount)) {
				return true
			}
		}
		for _, i := range rels {
			rel := r.relations[i]
			for _, n := range append([]CellKey{rel.parent}, rel.children...) {
				if c := r.cells[n]; c != nil && c.Withheld && !seen[n] {
					seen[n] = true
					queue = append(queue, n)
				}
			}
		}
	}
	return false
}

func (r *Release) withheldIn(i int) int {
	rel := r.relations[i]
	n := 0
	if p := r.cells[rel.parent]; p != nil && p.Withheld {
		n++
	}
	for _, k := range rel.children {
		if r.cells[k].Withheld {
			n++
		}
	}
	return n
}

// protection is what a withheld sensitive cell's interval must reach for the measure (from 0):
// counts up to k, so that "nobody" cannot be told from "k people"; amounts past the cell's own,
// by what one more recipient gets there on average, so that the amount tells neither whether
// anyone was paid nor how many were.
func (r *Release) protection(c *Cell, m measure) float64 {
	v := float64(m.of(c.Totals))
	if !m.isAmount() {
		return math.Max(v, float64(r.MinCount))
	}
	w := float64(weight(c.Totals))
	if w == 0 {
		return v
	}
	return v * (w + 1) / w
}
