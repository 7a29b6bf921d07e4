-- Allocations of a fund down the administrative hierarchy, each by a decision: the city allocates
-- to its wards, a province to its districts and they to their communes. The fund's own `allocated`
-- stays the figure for the whole programme area; what its units received is here, several
-- decisions to one unit adding up. Package fund checks that what a unit's children received does
-- not exceed what the unit received (or, at the top, the fund's `allocated`).
CREATE TABLE fund_allocations (
    id          INTEGER PRIMARY KEY,
    fund_id     INTEGER NOT NULL REFERENCES funds (id),
    unit_id     INTEGER NOT NULL REFERENCES admin_units (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    decision    TEXT NOT NULL CHECK (decision <> ''),
    decided_on  TEXT NOT NULL CHECK (date(decided_on) IS decided_on),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    UNIQUE (fund_id, unit_id, decision)
);
CREATE INDEX fund_allocations_unit ON fund_allocations (unit_id);
