package geo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hotro/internal/auth"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/geo"
	"hotro/internal/seed/seedtest"
)

func admin() context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{Username: "quantri", Role: auth.Admin})
}

// square is a closed ring around (lon, lat).
func square(lon, lat float64) string {
	return fmt.Sprintf("[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]", lon, lat, lon+0.01, lat, lon+0.01, lat+0.01, lon, lat+0.01, lon, lat)
}

func collection(features ...string) []byte {
	return []byte(`{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`)
}

func feature(props, geomType, coords string) string {
	return `{"type":"Feature","properties":` + props + `,"geometry":{"type":"` + geomType + `","coordinates":` + coords + `}}`
}

// TestImport loads boundaries keyed by each of the code properties, serves them with their
// attribution, replaces them on a second import, and refuses bad files without changing anything.
func TestImport(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			ctx := admin()
			good := collection(
				feature(`{"code":"05431","name":"Quán Triều"}`, "Polygon", square(105.80, 21.60)),
				feature(`{"ma":"05434"}`, "MultiPolygon", "["+square(105.82, 21.60)+"]"),
				feature(`{"ward_code":5437}`, "Polygon", square(105.84, 21.60)),
			)
			res, err := geo.Import(ctx, d, good, "Ranh giới: UBND thành phố (CC BY 4.0)", "wards.geojson")
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if res.Wards != 3 {
				t.Errorf("loaded %d wards, want 3", res.Wards)
			}
			set, err := geo.Load(context.Background(), d)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, w := range set.Wards {
				codes = append(codes, w.Code)
			}
			if got := strings.Join(codes, ","); got != "05431,05434,05437" || set.Attribution != "Ranh giới: UBND thành phố (CC BY 4.0)" {
				t.Errorf("loaded %s with %q", got, set.Attribution)
			}
			if set.Wards[0].Name != "Phường Quán Triều" {
				t.Errorf("name %q, want the unit's own name", set.Wards[0].Name)
			}

			bad := []struct {
				name        string
				file        []byte
				attribution string
				want        string
			}{
				{"a point, not an area", collection(feature(`{"code":"05431"}`, "Point", "[105.8,21.6]")), "x", "Polygon hoặc MultiPolygon"},
				{"an open ring", collection(feature(`{"code":"05431"}`, "Polygon", "[[[105.8,21.6],[105.9,21.6],[105.9,21.7],[105.8,21.7]]]")), "x", "không khép kín"},
				{"a ring of three points", collection(feature(`{"code":"05431"}`, "Polygon", "[[[105.8,21.6],[105.9,21.6],[105.8,21.6]]]")), "x", "ít nhất 4 điểm"},
				{"projected coordinates", collection(feature(`{"code":"05431"}`, "Polygon", square(585000, 2390000))), "x", "kinh độ, vĩ độ"},
				{"an unknown code", collection(feature(`{"code":"05431"}`, "Polygon", square(105.8, 21.6)), feature(`{"code":"99999"}`, "Polygon", square(105.9, 21.6))), "x", "Không có phường, xã nào mã 99999"},
				{"a province's code", collection(feature(`{"code":"19"}`, "Polygon", square(105.8, 21.6))), "x", "mã 19"},
				{"no code", collection(feature(`{"name":"A"}`, "Polygon", square(105.8, 21.6))), "x", "thiếu mã"},
				{"a repeated code", collection(feature(`{"code":"05431"}`, "Polygon", square(105.8, 21.6)), feature(`{"code":"05431"}`, "Polygon", square(105.9, 21.6))), "x", "hai lần"},
				{"no attribution", good, "  ", "Cần ghi nguồn"},
				{"not GeoJSON", []byte("<kml/>"), "x", "không phải GeoJSON"},
				{"a bare feature", []byte(feature(`{"code":"05431"}`, "Polygon", square(105.8, 21.6))), "x", "FeatureCollection"},
				{"no features", collection(), "x", "không có vùng"},
			}
			for _, c := range bad {
				t.Run(c.name, func(t *testing.T) {
					_, err := geo.Import(ctx, d, c.file, c.attribution, "bad.geojson")
					if !errs.Is(errs.Invalid, err) || !strings.Contains(errs.Message(err), c.want) {
						t.Fatalf("got %v, want an invalid-input error with %q", err, c.want)
					}
					after, err := geo.Load(context.Background(), d)
					if err != nil || len(after.Wards) != 3 {
						t.Errorf("after a refused import: %v wards, %v; want the 3 loaded before", len(after.Wards), err)
					}
				})
			}

			if _, err := geo.Import(auth.WithIdentity(context.Background(), &auth.Identity{Username: "lanhdao", Role: auth.Leader}), d, good, "x", "w"); !errs.Is(errs.Permission, err) {
				t.Errorf("a leader's import: %v, want a permission error", err)
			}

			// A second import replaces the first.
			if _, err := geo.Import(ctx, d, collection(feature(`{"code":"05440"}`, "Polygon", square(105.83, 21.59))), "Nguồn khác", "b.geojson"); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(&geo.Handler{DB: d, Classify: db.Classify})
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/geo/boundaries.json")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var fc struct {
				Type        string `json:"type"`
				Attribution string `json:"attribution"`
				Features    []struct {
					Properties map[string]string `json:"properties"`
					Geometry   struct {
						Type string `json:"type"`
					} `json:"geometry"`
				} `json:"features"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || fc.Type != "FeatureCollection" || fc.Attribution != "Nguồn khác" || len(fc.Features) != 1 ||
				fc.Features[0].Properties["code"] != "05440" || fc.Features[0].Geometry.Type != "Polygon" {
				t.Errorf("served %d %+v", resp.StatusCode, fc)
			}
		})
	}
}

// TestBoundariesWhenNoneImported: the endpoint answers an empty collection (the tile map is drawn).
func TestBoundariesWhenNoneImported(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			rec := httptest.NewRecorder()
			(&geo.Handler{DB: d}).ServeHTTP(rec, httptest.NewRequest("GET", "/geo/boundaries.json", nil))
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"features":[]`) || !strings.Contains(rec.Body.String(), `"attribution":""`) {
				t.Errorf("got %d %s", rec.Code, rec.Body.String())
			}
			rec = httptest.NewRecorder()
			(&geo.Handler{DB: d}).ServeHTTP(rec, httptest.NewRequest("POST", "/geo/boundaries.json", nil))
			if rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("POST: %d, want 405", rec.Code)
			}
		})
	}
}
