-- A city's own ward boundaries, loaded by an admin with `hotro geo import` (GeoJSON keyed by ward
-- code) and drawn as a choropleth instead of the tile map. One set at a time: an import replaces the
-- previous one. The attribution is shown with the map, as the boundary file's licence asks.
CREATE TABLE boundary_sets (
    id          INTEGER PRIMARY KEY,
    attribution TEXT NOT NULL CHECK (attribution <> ''),
    source_file TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
CREATE TABLE ward_boundaries (
    unit_id  INTEGER PRIMARY KEY REFERENCES admin_units (id),
    set_id   INTEGER NOT NULL REFERENCES boundary_sets (id),
    geometry TEXT NOT NULL CHECK (geometry <> '')
);
CREATE INDEX ward_boundaries_set ON ward_boundaries (set_id);
