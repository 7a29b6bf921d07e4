-- A city's own ward boundaries, loaded by an admin with `hotro geo import` (GeoJSON keyed by ward
-- code) and drawn as a choropleth instead of the tile map. One set at a time: an import replaces the
-- previous one. The attribution is shown with the map, as the boundary file's licence asks.
CREATE TABLE boundary_sets (
    id          bigserial PRIMARY KEY,
    attribution text NOT NULL CHECK (attribution <> ''),
    source_file text NOT NULL,
    imported_by text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ward_boundaries (
    unit_id  bigint PRIMARY KEY REFERENCES admin_units (id),
    set_id   bigint NOT NULL REFERENCES boundary_sets (id),
    geometry text NOT NULL CHECK (geometry <> '')
);
CREATE INDEX ward_boundaries_set ON ward_boundaries (set_id);
