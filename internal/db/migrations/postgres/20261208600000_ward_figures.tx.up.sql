-- Reference figures per ward: population and households of a year, with their source, loaded by an
-- admin from CSV (loadWardFigures) for per-capita measures and the map. illustrative marks figures
-- that are not official statistics (the demo data's). A unit is its code and period: figures attach
-- to the unit, by ID.
CREATE TABLE ward_figures (
    unit_id      bigint NOT NULL REFERENCES admin_units (id),
    year         integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    population   bigint NOT NULL CHECK (population > 0),
    households   bigint NOT NULL CHECK (households > 0 AND households <= population),
    source       text NOT NULL CHECK (source <> ''),
    illustrative boolean NOT NULL DEFAULT false,
    loaded_by    text NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (unit_id, year)
);
