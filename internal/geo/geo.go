// Package geo keeps a city's own ward boundaries (GeoJSON keyed by ward code, with the attribution
// their licence asks for), loaded by an admin, and serves them to the dashboard's map.
package geo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/errs"
)

// Limits of an import: a city's wards fit well inside them.
const (
	MaxFileBytes       = 20 << 20 // the whole GeoJSON file
	MaxFeatures        = 1000     // wards in one file
	MaxPointsPerWard   = 100000   // positions in one ward's geometry
	MaxAttributionRune = 500
)

// CodeProperties are the feature properties read as the ward's official code, in this order:
// `code`, then `ma`, then `ward_code` (the 5-digit GSO code, e.g. "05431").
var CodeProperties = []string{"code", "ma", "ward_code"}

// Boundary is one ward's geometry (a GeoJSON Polygon or MultiPolygon, as given).
type Boundary struct {
	Code     string          `json:"code"`
	Name     string          `json:"name"`
	Geometry json.RawMessage `json:"geometry"`
}

// Set is the boundaries in use and their attribution; an empty set (no import yet) has no features.
type Set struct {
	Attribution string
	Wards       []Boundary
}

// ImportResult says what an import loaded.
type ImportResult struct {
	SetID int64
	Wards int
}

type feature struct {
	Type       string                     `json:"type"`
	Properties map[string]json.RawMessage `json:"properties"`
	Geometry   json.RawMessage            `json:"geometry"`
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// Import validates a GeoJSON FeatureCollection of ward boundaries and, if every feature is right,
// replaces the boundaries in use with them in one transaction. Each feature must be a Polygon or
// MultiPolygon whose rings are closed, with coordinates of longitude and latitude, carrying a ward
// code (CodeProperties) of a ward or commune that exists; codes may not repeat. Only an admin may
// import. Errors are errs.Invalid (the file), errs.Permission, or from the database.
func Import(ctx context.Context, d bun.IDB, data []byte, attribution, sourceFile string) (*ImportResult, error) {
	const op = "geo: import"
	id := auth.FromContext(ctx)
	if id.Role != auth.Admin {
		return nil, errs.E(op, errs.Permission, errs.Msg("Chỉ quản trị viên được nạp ranh giới phường, xã."))
	}
	attribution = strings.TrimSpace(attribution)
	switch {
	case attribution == "":
		return nil, errs.E(op, errs.Invalid, errs.Msg("Cần ghi nguồn (--attribution) của ranh giới, như giấy phép của tệp yêu cầu."))
	case len([]rune(attribution)) > MaxAttributionRune:
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Ghi nguồn dài quá %d ký tự.", MaxAttributionRune))
	case len(data) > MaxFileBytes:
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Tệp lớn quá: %d MB, tối đa %d MB.", len(data)>>20, MaxFileBytes>>20))
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Tệp không phải GeoJSON hợp lệ: %v.", err))
	}
	if fc.Type != "FeatureCollection" {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Tệp phải là một FeatureCollection, nhận được %q.", fc.Type))
	}
	if len(fc.Features) == 0 {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Tệp không có vùng nào (features rỗng)."))
	}
	if len(fc.Features) > MaxFeatures {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Tệp có %d vùng, tối đa %d.", len(fc.Features), MaxFeatures))
	}
	wards := make([]Boundary, 0, len(fc.Features))
	seen := map[string]int{}
	for i, raw := range fc.Features {
		n := i + 1
		var f feature
		if err := json.Unmarshal(raw, &f); err != nil || f.Type != "Feature" {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Vùng thứ %d không phải một Feature GeoJSON.", n))
		}
		code := codeOf(f.Properties)
		if code == "" {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Vùng thứ %d thiếu mã phường, xã (thuộc tính code, ma hoặc ward_code).", n))
		}
		if prev, ok := seen[code]; ok {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Mã %s xuất hiện hai lần (vùng thứ %d và %d).", code, prev, n))
		}
		seen[code] = n
		g, err := checkGeometry(f.Geometry)
		if err != nil {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Vùng thứ %d (mã %s): %v.", n, code, err))
		}
		wards = append(wards, Boundary{Code: code, Geometry: g})
	}
	var out ImportResult
	err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ids := make([]int64, len(wards))
		for i, w := range wards {
			var unitIDs []int64
			err := tx.NewSelect().Table("admin_units").Column("id").Where("level = 'COMMUNE'").Where("code = ?", w.Code).
				OrderExpr("valid_from DESC").Limit(1).Scan(ctx, &unitIDs)
			if err != nil {
				return errs.E(op, err)
			}
			if len(unitIDs) == 0 {
				return errs.E(op, errs.Invalid, errs.Msgf("Không có phường, xã nào mã %s (vùng thứ %d).", w.Code, i+1))
			}
			ids[i] = unitIDs[0]
		}
		if _, err := tx.NewDelete().Table("ward_boundaries").Where("1 = 1").Exec(ctx); err != nil {
			return errs.E(op, err)
		}
		if err := tx.NewRaw("INSERT INTO boundary_sets (attribution, source_file, imported_by) VALUES (?, ?, ?) RETURNING id",
			attribution, sourceFile, id.Username).Scan(ctx, &out.SetID); err != nil {
			return errs.E(op, err)
		}
		for i, w := range wards {
			if _, err := tx.NewRaw("INSERT INTO ward_boundaries (unit_id, set_id, geometry) VALUES (?, ?, ?)",
				ids[i], out.SetID, string(w.Geometry)).Exec(ctx); err != nil {
				return errs.E(op, err)
			}
		}
		out.Wards = len(wards)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// codeOf reads the ward code from the first of CodeProperties present, as a string or a number
// (a number loses its leading zeros in some tools: it is padded back to 5 digits).
func codeOf(props map[string]json.RawMessage) string {
	for _, name := range CodeProperties {
		raw, ok := props[name]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		var n json.Number
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if dec.Decode(&n) == nil {
			if v, err := n.Int64(); err == nil && v > 0 {
				return fmt.Sprintf("%05d", v)
			}
		}
	}
	return ""
}

// checkGeometry checks a Polygon or MultiPolygon and returns it compacted.
func checkGeometry(raw json.RawMessage) (json.RawMessage, error) {
	var g geometry
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("không có hình (geometry)")
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("hình (geometry) không đọc được")
	}
	var polygons [][][][2]float64
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("toạ độ Polygon không hợp lệ")
		}
		polygons = [][][][2]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polygons); err != nil {
			return nil, fmt.Errorf("toạ độ MultiPolygon không hợp lệ")
		}
	default:
		return nil, fmt.Errorf("hình phải là Polygon hoặc MultiPolygon, nhận được %q", g.Type)
	}
	if len(polygons) == 0 {
		return nil, fmt.Errorf("hình không có vùng nào")
	}
	points := 0
	for _, p := range polygons {
		if len(p) == 0 {
			return nil, fmt.Errorf("một vùng không có đường biên")
		}
		for _, ring := range p {
			if len(ring) < 4 {
				return nil, fmt.Errorf("đường biên cần ít nhất 4 điểm, có %d", len(ring))
			}
			if ring[0] != ring[len(ring)-1] {
				return nil, fmt.Errorf("đường biên không khép kín (điểm đầu khác điểm cuối)")
			}
			for _, pt := range ring {
				lon, lat := pt[0], pt[1]
				if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
					return nil, fmt.Errorf("toạ độ [%g, %g] không phải kinh độ, vĩ độ", lon, lat)
				}
			}
			points += len(ring)
		}
	}
	if points > MaxPointsPerWard {
		return nil, fmt.Errorf("hình có %d điểm, tối đa %d", points, MaxPointsPerWard)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("hình (geometry) không đọc được")
	}
	return b.Bytes(), nil
}

// Load returns the boundaries in use with their attribution, wards in code order; with no import
// yet, an empty Set.
func Load(ctx context.Context, d bun.IDB) (*Set, error) {
	const op = "geo: load"
	var set Set
	var sets []struct {
		ID          int64  `bun:"id"`
		Attribution string `bun:"attribution"`
	}
	if err := d.NewSelect().Table("boundary_sets").Column("id", "attribution").
		OrderExpr("id DESC").Limit(1).Scan(ctx, &sets); err != nil {
		return nil, errs.E(op, err)
	}
	if len(sets) == 0 {
		return &set, nil
	}
	set.Attribution = sets[0].Attribution
	var rows []struct {
		Code     string `bun:"code"`
		Name     string `bun:"name"`
		Geometry string `bun:"geometry"`
	}
	err := d.NewSelect().TableExpr("ward_boundaries AS wb").ColumnExpr("u.code, u.name, wb.geometry").
		Join("JOIN admin_units AS u ON u.id = wb.unit_id").Where("wb.set_id = ?", sets[0].ID).
		OrderExpr("u.code").Scan(ctx, &rows)
	if err != nil {
		return nil, errs.E(op, err)
	}
	for _, r := range rows {
		set.Wards = append(set.Wards, Boundary{Code: r.Code, Name: r.Name, Geometry: json.RawMessage(r.Geometry)})
	}
	return &set, nil
}
