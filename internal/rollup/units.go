package rollup

import (
	"context"
	"database/sql"
	"slices"
	"sync"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/reference"
)

// unitKeys are the units a line recorded in a ward is rolled up under.
type unitKeys struct {
	parent   int64 // the ward's parent unit (0: none)
	province int64 // its province, as the stats SQL finds it (0: none)
}

// loadUnitKeys reads the parent and province of each ward.
func loadUnitKeys(ctx context.Context, idb bun.IDB, wards []int64) (map[int64]unitKeys, error) {
	out := make(map[int64]unitKeys, len(wards))
	const chunk = 5000
	for i := 0; i < len(wards); i += chunk {
		var rows []struct {
			ID             int64          `bun:"id"`
			Parent         sql.NullInt64  `bun:"parent_id"`
			ParentLevel    sql.NullString `bun:"parent_level"`
			ParentParentID sql.NullInt64  `bun:"parent_parent_id"`
		}
		err := idb.NewRaw(`SELECT w.id, w.parent_id, p.level AS parent_level, p.parent_id AS parent_parent_id
			FROM admin_units AS w LEFT JOIN admin_units AS p ON p.id = w.parent_id WHERE w.id IN (?)`,
			bun.List(wards[i:min(i+chunk, len(wards))])).Scan(ctx, &rows)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = unitKeysOf(r.Parent.Int64, r.ParentLevel.String, r.ParentParentID.Int64)
		}
	}
	for _, w := range wards {
		if _, ok := out[w]; !ok {
			return nil, errs.E("rollup: units", errs.Invalid, errs.Msgf("Không có đơn vị hành chính mã số %d.", w))
		}
	}
	return out, nil
}

// unitKeysOf applies the stats SQL's rule: a ward's province is its parent when that is a province,
// else its parent's parent.
func unitKeysOf(parent int64, parentLevel string, parentParent int64) unitKeys {
	if parent == 0 {
		return unitKeys{}
	}
	if parentLevel == "PROVINCE" {
		return unitKeys{parent: parent, province: parent}
	}
	return unitKeys{parent: parent, province: parentParent}
}

// unit is one administrative unit, as the engine needs it.
type unit struct {
	ID        int64
	Level     string
	Code      string
	ParentID  int64 // 0: none
	ValidFrom civil.Date
	ValidTo   *civil.Date
}

// tree is every unit, indexed for planning: any unit may be the ward a line was recorded in.
type tree struct {
	units      []unit
	index      map[int64]int
	successors map[int64][]int64
	keys       []unitKeys // of each unit as a recorded ward
	parent     []int      // index of each unit's parent (-1: none)
	byCode     map[string][]int

	provinces []int64           // province keys in order
	parentsOf map[int64][]int64 // province key -> parent keys
	wardsOf   map[int64][]int   // parent key -> unit indexes
}

func (t *tree) byID(id int64) *unit {
	if i, ok := t.index[id]; ok {
		return &t.units[i]
	}
	return nil
}

// newTree indexes the units of a reference snapshot.
func newTree(s *reference.Snapshot) *tree {
	t := &tree{index: map[int64]int{}, successors: map[int64][]int64{},
		parentsOf: map[int64][]int64{}, wardsOf: map[int64][]int{}}
	t.units = make([]unit, len(s.Units))
	for i, u := range s.Units {
		var parent int64
		if u.ParentID != nil {
			parent = *u.ParentID
		}
		t.units[i] = unit{ID: u.ID, Level: string(u.Level), Code: u.Code, ParentID: parent, ValidFrom: u.ValidFrom, ValidTo: u.ValidTo}
		t.index[u.ID] = i
		if next := s.SuccessorIDs(u.ID); len(next) > 0 {
			t.successors[u.ID] = next
		}
	}
	t.keys = make([]unitKeys, len(t.units))
	t.parent = make([]int, len(t.units))
	t.byCode = map[string][]int{}
	for i, u := range t.units {
		t.byCode[u.Code] = append(t.byCode[u.Code], i)
		t.parent[i] = -1
		if j, ok := t.index[u.ParentID]; ok {
			t.parent[i] = j
		}
	}
	seenProvince := map[int64]bool{}
	seenParent := map[int64]bool{}
	for i, u := range t.units {
		var k unitKeys
		if p := t.byID(u.ParentID); p != nil {
			k = unitKeysOf(p.ID, p.Level, p.ParentID)
		}
		t.keys[i] = k
		if !seenProvince[k.province] {
			seenProvince[k.province] = true
			t.provinces = append(t.provinces, k.province)
		}
		if !seenParent[k.parent] {
			seenParent[k.parent] = true
			t.parentsOf[k.province] = append(t.parentsOf[k.province], k.parent)
		}
		t.wardsOf[k.parent] = append(t.wardsOf[k.parent], i)
	}
	slices.Sort(t.provinces)
	for _, ps := range t.parentsOf {
		slices.Sort(ps)
	}
	return t
}

// treeCache keeps the tree of the reference snapshot used last, and makes it again when the
// snapshot changes.
type treeCache struct {
	mu   sync.Mutex
	from *reference.Snapshot
	t    *tree
}

func (c *treeCache) get(s *reference.Snapshot) *tree {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.from != s {
		c.from, c.t = s, newTree(s)
	}
	return c.t
}
