package rollup

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/errs"
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
	version    string
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

func loadTree(ctx context.Context, idb bun.IDB, version string) (*tree, error) {
	t := &tree{version: version, index: map[int64]int{}, successors: map[int64][]int64{},
		parentsOf: map[int64][]int64{}, wardsOf: map[int64][]int{}}
	var rows []struct {
		ID        int64         `bun:"id"`
		Level     string        `bun:"level"`
		Code      string        `bun:"code"`
		Parent    sql.NullInt64 `bun:"parent_id"`
		ValidFrom civil.Date    `bun:"valid_from"`
		ValidTo   *civil.Date   `bun:"valid_to"`
	}
	if err := idb.NewRaw("SELECT id, level, code, parent_id, valid_from, valid_to FROM admin_units ORDER BY id").Scan(ctx, &rows); err != nil {
		return nil, err
	}
	t.units = make([]unit, len(rows))
	for i, r := range rows {
		t.units[i] = unit{ID: r.ID, Level: r.Level, Code: r.Code, ParentID: r.Parent.Int64, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo}
		t.index[r.ID] = i
	}
	var links []struct {
		UnitID      int64 `bun:"unit_id"`
		SuccessorID int64 `bun:"successor_id"`
	}
	if err := idb.NewRaw("SELECT unit_id, successor_id FROM admin_unit_successors ORDER BY unit_id, successor_id").Scan(ctx, &links); err != nil {
		return nil, err
	}
	for _, l := range links {
		t.successors[l.UnitID] = append(t.successors[l.UnitID], l.SuccessorID)
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
	return t, nil
}

// treeCache keeps the unit tree between queries and reads it again when the units change (a
// trigger moves units_version on every write to admin_units or admin_unit_successors).
type treeCache struct {
	mu sync.Mutex
	t  *tree
}

func unitsVersion(ctx context.Context, idb bun.IDB) (string, error) {
	var v string
	err := idb.NewRaw("SELECT value FROM dataset_info WHERE key = 'units_version'").Scan(ctx, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.E("rollup: units version", errs.Internal, errs.Msg("Cơ sở dữ liệu chưa được nâng cấp (thiếu units_version): hãy chạy hotro migrate."))
	}
	return v, err
}

func (c *treeCache) get(ctx context.Context, idb bun.IDB) (*tree, error) {
	v, err := unitsVersion(ctx, idb)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t != nil && c.t.version == v {
		return c.t, nil
	}
	t, err := loadTree(ctx, idb, v)
	if err != nil {
		return nil, err
	}
	c.t = t
	return t, nil
}
