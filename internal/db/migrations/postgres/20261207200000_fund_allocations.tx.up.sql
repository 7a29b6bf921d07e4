-- Allocations of a fund down the administrative hierarchy, each by a decision: the city allocates
-- to its wards, a province to its districts and they to their communes. The fund's own `allocated`
-- stays the figure for the whole programme area; what its units received is here, several
-- decisions to one unit adding up. Package fund checks that what a unit's children received does
-- not exceed what the unit received (or, at the top, the fund's `allocated`).
CREATE TABLE fund_allocations (
    id          bigserial PRIMARY KEY,
    fund_id     bigint NOT NULL REFERENCES funds (id),
    unit_id     bigint NOT NULL REFERENCES admin_units (id),
    amount      bigint NOT NULL CHECK (amount > 0),
    decision    text NOT NULL CHECK (decision <> ''),
    decided_on  date NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (fund_id, unit_id, decision)
);
CREATE INDEX fund_allocations_unit ON fund_allocations (unit_id);
