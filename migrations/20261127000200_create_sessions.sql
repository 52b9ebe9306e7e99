-- The session calendar: when each session of a body opens. Seeded at start from the data the
-- project ships (src/resolution/calendar/); rows that staff corrected are left alone.
CREATE TABLE sessions (
    body       TEXT NOT NULL CHECK (body IN ('GA', 'HRC', 'ECOSOC')),
    session    INTEGER NOT NULL,
    opens_on   DATE NOT NULL,
    closes_on  DATE,
    -- True when the opening day is computed from the rules, not verified.
    estimated  BOOLEAN NOT NULL DEFAULT false,
    source     TEXT NOT NULL,
    -- Set when a person corrected the row; seeding never overwrites it then.
    edited_by  TEXT,
    edited_at  TIMESTAMPTZ,
    PRIMARY KEY (body, session),
    CHECK (closes_on IS NULL OR closes_on >= opens_on)
);
