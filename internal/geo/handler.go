package geo

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/uptrace/bun"

	"hotro/internal/errs"
	"hotro/internal/httperr"
)

// Handler serves GET /geo/boundaries.json: the ward boundaries in use as a GeoJSON
// FeatureCollection (properties code and name) with a top-level "attribution", or no features
// when none was imported (the dashboard then draws the tile map). Boundaries are public.
type Handler struct {
	DB       bun.IDB
	Classify func(error) errs.Kind // db.Classify (nil: unclassified errors are internal)
	Logger   *slog.Logger
}

type featureOut struct {
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
	Geometry   json.RawMessage   `json:"geometry"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Chỉ đọc (GET).", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path != "/geo/boundaries.json" {
		http.NotFound(w, r)
		return
	}
	set, err := Load(r.Context(), h.DB)
	if err != nil {
		httperr.Writer{Op: "geo", Classify: h.Classify, Logger: h.Logger}.Error(w, r, err)
		return
	}
	features := make([]featureOut, len(set.Wards))
	for i, b := range set.Wards {
		features[i] = featureOut{Type: "Feature", Properties: map[string]string{"code": b.Code, "name": b.Name}, Geometry: b.Geometry}
	}
	w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "FeatureCollection", "attribution": set.Attribution, "features": features})
}
