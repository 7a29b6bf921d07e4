-- Spot-check draws are bounded and numbered: at most a configured number of draws of one ward in a
-- day (Asia/Ho_Chi_Minh), so the working group cannot redraw until a convenient sample comes up.
-- spot_check_days counts a ward's draws of a day; the draw's transaction raises it with one upsert
-- (the row lock serialises concurrent draws of the ward) and is refused past the bound.
-- spot_check_draws numbers each draw, keeps the bound in force and whether the seed was typed.
-- check_id names a row of spot_checks, which a later migration creates: no foreign key.
CREATE TABLE spot_check_days (
    ward_id bigint NOT NULL REFERENCES admin_units (id),
    day     date NOT NULL,
    draws   integer NOT NULL CHECK (draws >= 1),
    PRIMARY KEY (ward_id, day)
);

CREATE TABLE spot_check_draws (
    check_id    bigint PRIMARY KEY,
    ward_id     bigint NOT NULL REFERENCES admin_units (id),
    day         date NOT NULL,
    number      integer NOT NULL CHECK (number >= 1),
    daily_limit integer NOT NULL CHECK (daily_limit >= 1),
    seed_given  boolean NOT NULL,
    UNIQUE (ward_id, day, number)
);
