-- Reference figures per ward: population and households of a year, with their source, loaded by an
-- admin from CSV (loadWardFigures) for per-capita measures and the map. illustrative marks figures
-- that are not official statistics (the demo data's). A unit is its code and period: figures attach
-- to the unit, by ID.
CREATE TABLE ward_figures (
    unit_id      INTEGER NOT NULL REFERENCES admin_units (id),
    year         INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    population   INTEGER NOT NULL CHECK (population > 0),
    households   INTEGER NOT NULL CHECK (households > 0 AND households <= population),
    source       TEXT NOT NULL CHECK (source <> ''),
    illustrative INTEGER NOT NULL DEFAULT 0 CHECK (illustrative IN (0, 1)),
    loaded_by    TEXT NOT NULL,
    loaded_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    PRIMARY KEY (unit_id, year)
);
