-- Sign-in throttling: failed sign-ins counted per client address and per typed email (an
-- account's or not, so that the answers never tell which emails have accounts), with the time
-- before which the next attempt must wait. Replaces the per-account lock of users.locked_until,
-- which let any stranger lock an account out.
CREATE TABLE sign_in_throttles (
    -- "client 203.0.113.7", "client 2001:db8:1:2::/64" or "email <SHA-256 of the email>".
    key            TEXT PRIMARY KEY,
    -- Failures in a row, counting attempts still being checked.
    failures       INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    blocked_until  TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
