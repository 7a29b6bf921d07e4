package release

import (
	"errors"
	"math"
)

// The audit asks one set of constraints for the smallest and largest value of each of its cells:
// hundreds of objectives over the same feasible region. A general solver (gonum's lp.Simplex)
// looks for a starting basis afresh for each objective, which took 80% of the audit's time; this
// tableau simplex finds a feasible basis once (phase 1) and starts every objective from it.

var (
	errInfeasible = errors.New("the published figures admit no solution (the data changed while they were read?)")
	errUnbounded  = errors.New("unbounded")
)

// eps is the tolerance on reduced costs and pivots: the values are scaled to about 1, and a pivot
// on a smaller entry would amplify rounding more than it helps.
const eps = 1e-9

// pivotEps is the smallest entry a pivot may divide by.
const pivotEps = 1e-7

// tableau is a feasible basis of A x = b, x ≥ 0: rows B⁻¹A | B⁻¹b.
type tableau struct {
	rows  [][]float64 // each of n+1 values: the row of B⁻¹A, then B⁻¹b
	basis []int       // the column basic in each row
	n     int

	// work is a copy of rows and basis that minimize pivots on, reused from one call to the next.
	work      [][]float64
	workBasis []int
}

// feasibleBasis runs phase 1 (artificial variables, minimising their sum) and drops the rows that
// are combinations of others.
func feasibleBasis(a [][]float64, b []float64, n int) (*tableau, error) {
	m := len(a)
	width := n + m + 1 // columns, artificials, right side
	rows := make([][]float64, m)
	for i := range a {
		row := make([]float64, width)
		sign := 1.0
		if b[i] < 0 {
			sign = -1
		}
		for j, v := range a[i] {
			row[j] = sign * v
		}
		row[n+i] = 1
		row[width-1] = sign * b[i]
		rows[i] = row
	}
	basis := make([]int, m)
	for i := range basis {
		basis[i] = n + i
	}
	// Phase 1 objective: minimise the artificials; reduced costs = -(sum of rows) on real columns.
	cost := make([]float64, width)
	for i := range rows {
		for j := 0; j < n; j++ {
			cost[j] -= rows[i][j]
		}
		cost[width-1] -= rows[i][width-1]
	}
	if err := pivotToOptimum(rows, basis, cost, n+m); err != nil {
		return nil, err
	}
	if -cost[width-1] > 1e-6 {
		return nil, errInfeasible
	}
	// Artificials still basic (at zero): pivot them out, or drop their row when it is redundant.
	var keptRows [][]float64
	var keptBasis []int
	for i := 0; i < len(rows); i++ {
		if basis[i] < n {
			continue
		}
		col := -1
		for j := 0; j < n; j++ {
			if math.Abs(rows[i][j]) > eps {
				col = j
				break
			}
		}
		if col >= 0 {
			pivot(rows, basis, nil, i, col)
		}
	}
	for i, row := range rows {
		if basis[i] >= n {
			continue // a redundant row
		}
		out := make([]float64, n+1)
		copy(out, row[:n])
		out[n] = row[width-1]
		keptRows = append(keptRows, out)
		keptBasis = append(keptBasis, basis[i])
	}
	return &tableau{rows: keptRows, basis: keptBasis, n: n}, nil
}

// minimize returns min c·x over the tableau's region, starting from its basis (it is not changed).
func (t *tableau) minimize(c []float64) (float64, error) {
	if t.work == nil {
		t.work = make([][]float64, len(t.rows))
		for i := range t.work {
			t.work[i] = make([]float64, t.n+1)
		}
		t.workBasis = make([]int, len(t.basis))
	}
	rows, basis := t.work, t.workBasis
	for i, r := range t.rows {
		copy(rows[i], r)
	}
	copy(basis, t.basis)
	// Reduced costs: c - c_B B⁻¹A; the last entry holds -c_B B⁻¹b.
	cost := make([]float64, t.n+1)
	copy(cost, c)
	for i, r := range rows {
		cb := c[basis[i]]
		if cb == 0 {
			continue
		}
		for j := range cost {
			cost[j] -= cb * r[j]
		}
	}
	if err := pivotToOptimum(rows, basis, cost, t.n); err != nil {
		return 0, err
	}
	return -cost[t.n], nil
}

// pivotToOptimum pivots until no reduced cost among the first cols columns is negative: Dantzig's
// rule (the most negative), then Bland's (the first) once many pivots made no progress, which
// cannot cycle.
func pivotToOptimum(rows [][]float64, basis []int, cost []float64, cols int) error {
	last := len(cost) - 1
	stalled := 0
	for iter := 0; ; iter++ {
		if iter > 50*(len(rows)+cols) {
			return errors.New("simplex: too many pivots")
		}
		enter := -1
		if stalled < 50 {
			best := -eps
			for j := 0; j < cols; j++ {
				if cost[j] < best {
					best, enter = cost[j], j
				}
			}
		} else {
			for j := 0; j < cols; j++ {
				if cost[j] < -eps {
					enter = j
					break
				}
			}
		}
		if enter < 0 {
			return nil
		}
		leave := -1
		ratio := math.Inf(1)
		for i, r := range rows {
			if r[enter] > pivotEps {
				q := r[last] / r[enter]
				if q < ratio-eps || (q < ratio+eps && leave >= 0 && basis[i] < basis[leave]) {
					ratio, leave = q, i
				}
			}
		}
		if leave < 0 {
			return errUnbounded
		}
		if ratio < eps {
			stalled++
		} else {
			stalled = 0
		}
		pivot(rows, basis, cost, leave, enter)
	}
}

func pivot(rows [][]float64, basis []int, cost []float64, leave, enter int) {
	pr := rows[leave]
	f := pr[enter]
	for j := range pr {
		pr[j] /= f
	}
	for i, r := range rows {
		if i == leave {
			continue
		}
		if g := r[enter]; g != 0 {
			for j := range r {
				r[j] -= g * pr[j]
			}
		}
	}
	if cost != nil {
		if g := cost[enter]; g != 0 {
			for j := range cost {
				cost[j] -= g * pr[j]
			}
		}
	}
	basis[leave] = enter
}
