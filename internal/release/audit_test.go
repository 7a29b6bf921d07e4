package release

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
)

// skipUnderRace keeps the database-free tests that solve thousands of linear programs to the
// SQLite pass of make test, which runs without the race detector (they share no state).
func skipUnderRace(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.SQLite) {
		t.Skip("runs in the SQLite pass")
	}
}

func build(t *testing.T, lines []testLine, k int) *Release {
	t.Helper()
	r, err := Build(context.Background(), linesEngine{lines}, nil, 1, k)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRandomDataSetsPassTheAudit: on many data sets full of small cells, every withheld sensitive
// cell stays between 0 and k (and its amount between 0 and k recipients' worth), whatever the
// published cells of every table are combined with.
func TestRandomDataSetsPassTheAudit(t *testing.T) {
	skipUnderRace(t)
	checked := 0
	for seed := uint64(1); seed <= 6; seed++ {
		for _, k := range []int{3, 5} {
			r := build(t, randomLines(seed), k)
			rep, err := r.Audit()
			if err != nil {
				t.Fatalf("seed %d, k=%d: %v", seed, k, err)
			}
			checked += rep.Intervals
			for i, f := range rep.Findings {
				if i < 3 {
					t.Errorf("seed %d, k=%d: %s", seed, k, f)
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d intervals checked: the data sets have too few sensitive cells", checked)
	}
	t.Logf("%d intervals checked", checked)
}

// TestAuditFindsWhatPrimarySuppressionLeaves: withholding only the sensitive cells (what a single
// answer's rule did) leaves them to be worked out by subtraction, and the audit says which.
func TestAuditFindsWhatPrimarySuppressionLeaves(t *testing.T) {
	skipUnderRace(t)
	for seed := uint64(1); seed <= 6; seed++ {
		r := build(t, randomLines(seed), 5)
		_, sensitive, _ := r.Counts()
		for _, c := range r.cells {
			c.Withheld = c.Sensitive
		}
		rep, err := r.Audit()
		if err != nil {
			t.Fatal(err)
		}
		if sensitive > 0 && len(rep.Findings) == 0 {
			t.Errorf("seed %d: %d sensitive cells withheld alone, and the audit found nothing", seed, sensitive)
		}
		exact := 0
		for _, f := range rep.Findings {
			if math.Abs(f.Hi-f.Lo) < 0.5 {
				exact++
			}
		}
		if sensitive > 0 && exact == 0 {
			t.Errorf("seed %d: no withheld cell recovered exactly, yet a lone withheld ward is its margin minus the others", seed)
		}
	}
}

// TestAuditFindsTheComplementOfWards: a ward's cell withheld alone in its column is the city's
// figure minus the other wards': the audit finds it exactly.
func TestAuditFindsTheComplementOfWards(t *testing.T) {
	lines := randomLines(3)
	r := build(t, lines, 5)
	var target *Cell
	for _, c := range r.cells {
		if c.Sensitive && c.Key.Group != 0 && c.Key.Unit != 0 && r.tree.level[c.Key.Unit] == levelWard {
			target = c
			break
		}
	}
	if target == nil {
		t.Fatal("no sensitive ward × group cell in the data set")
	}
	// Publish everything but the target.
	for _, c := range r.cells {
		c.Withheld = c == target
	}
	rep, err := r.Audit()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range rep.Findings {
		if f.Cell == target.Key {
			found++
			if math.Abs(f.Lo-float64(f.Value)) > 0.5 || math.Abs(f.Hi-float64(f.Value)) > 0.5 {
				t.Errorf("%s: want the exact value", f)
			}
		}
	}
	if found == 0 {
		t.Errorf("the lone withheld cell %+v was not found", target.Key)
	}
}

// TestSimplexAgreesWithGonum: the audit's tableau simplex and gonum's lp.Simplex find the same
// bounds on random problems shaped like the audit's (±1 coefficients, feasible by construction).
func TestSimplexAgreesWithGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	compared := 0
	for trial := range 300 {
		m, n := 2+rng.IntN(6), 4+rng.IntN(8)
		x := make([]float64, n)
		for j := range x {
			x[j] = float64(rng.IntN(10))
		}
		a := make([][]float64, m)
		b := make([]float64, m)
		for i := range a {
			a[i] = make([]float64, n)
			for j := range a[i] {
				if rng.IntN(3) == 0 {
					a[i][j] = float64(1 - 2*rng.IntN(2))
				}
				b[i] += a[i][j] * x[j]
			}
		}
		if trial%5 == 0 { // a redundant row, as shared margins make
			a = append(a, append([]float64(nil), a[0]...))
			b = append(b, b[0])
		}
		tab, err := feasibleBasis(a, b, n)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		dense, db := independentRowsForTest(a, b, n)
		for j := range n {
			c := make([]float64, n)
			c[j] = 1
			got, gotErr := tab.minimize(c)
			want, _, wantErr := gonumSolve(c, dense, db)
			if (gotErr != nil) != (wantErr != nil) {
				// gonum refuses problems with a zero column or a singular start; skip those.
				if wantErr != nil && (wantErr == lp.ErrZeroColumn || wantErr == lp.ErrSingular) {
					continue
				}
				t.Errorf("trial %d, min x%d: err %v, gonum %v", trial, j, gotErr, wantErr)
				continue
			}
			if gotErr == nil && math.Abs(got-want) > 1e-6 {
				t.Errorf("trial %d, min x%d = %v, gonum %v", trial, j, got, want)
			}
			compared++
		}
	}
	if compared < 500 {
		t.Errorf("only %d problems compared", compared)
	}
}

func gonumSolve(c []float64, a *mat.Dense, b []float64) (float64, []float64, error) {
	if a == nil {
		return 0, nil, lp.ErrZeroRow
	}
	return lp.Simplex(c, a, b, 1e-10, nil)
}

// independentRowsForTest drops dependent rows for gonum, which needs full row rank.
func independentRowsForTest(a [][]float64, b []float64, n int) (*mat.Dense, []float64) {
	var rows [][]float64
	var rhs []float64
	for i := range a {
		cand := append(rows, a[i])
		m := mat.NewDense(len(cand), n, nil)
		for r := range cand {
			m.SetRow(r, cand[r])
		}
		var svd mat.SVD
		svd.Factorize(m, mat.SVDNone)
		if svd.Rank(1e-9) == len(cand) {
			rows, rhs = cand, append(rhs, b[i])
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	m := mat.NewDense(len(rows), n, nil)
	for r := range rows {
		m.SetRow(r, rows[r])
	}
	return m, rhs
}

// TestPatternIsTheSameEveryTime: the same data give the same withheld cells (a pattern that
// changed from one build to the next would let two versions be subtracted).
func TestPatternIsTheSameEveryTime(t *testing.T) {
	lines := randomLines(5)
	first := build(t, lines, 5)
	for range 3 {
		again := build(t, lines, 5)
		for k, c := range first.cells {
			if again.cells[k].Withheld != c.Withheld {
				t.Fatalf("cell %+v withheld %v, then %v", k, c.Withheld, again.cells[k].Withheld)
			}
		}
	}
}
