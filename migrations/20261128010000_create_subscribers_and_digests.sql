-- The weekly email digest: who receives it, the jobs that deliver it (one per subscriber and
-- week, claimed with FOR UPDATE SKIP LOCKED), what was sent, and the settings it needs.

-- Small key-value settings; holds the generated unsubscribe secret when MANDATES_SECRET is unset.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE subscribers (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL CHECK (email LIKE '%_@_%' AND length(email) <= 254),
    name TEXT NOT NULL DEFAULT '',
    -- The dashboard's obligations list query string (body=GA&actor=3&q=...): the same filter.
    filter_query TEXT NOT NULL DEFAULT '',
    weeks_ahead INT NOT NULL DEFAULT 8 CHECK (weeks_ahead BETWEEN 1 AND 52),
    -- ISO weekday, 1 = Monday .. 7 = Sunday, and the local hour, in time_zone (IANA name).
    send_weekday SMALLINT NOT NULL DEFAULT 1 CHECK (send_weekday BETWEEN 1 AND 7),
    send_hour SMALLINT NOT NULL DEFAULT 8 CHECK (send_hour BETWEEN 0 AND 23),
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    unsubscribed_at TIMESTAMPTZ
);

CREATE UNIQUE INDEX subscribers_email_key ON subscribers (lower(email));

CREATE TABLE digest_jobs (
    id BIGSERIAL PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    -- The Monday of the ISO week, in the subscriber's time zone, that this digest is for.
    week_start DATE NOT NULL,
    -- The subscriber's local day the digest is computed for ("today" in the message).
    as_of DATE NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed', 'uncertain')),
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    claimed_by TEXT,
    claimed_until TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    UNIQUE (subscriber_id, week_start)
);

CREATE INDEX digest_jobs_runnable ON digest_jobs (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX digest_jobs_sending ON digest_jobs (claimed_until) WHERE status = 'sending';

-- A digest that the SMTP server accepted, recorded in the transaction that completes its job.
CREATE TABLE sent_digests (
    id BIGSERIAL PRIMARY KEY,
    job_id BIGINT NOT NULL UNIQUE REFERENCES digest_jobs (id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    week_start DATE NOT NULL,
    email TEXT NOT NULL,
    message_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    overdue INT NOT NULL,
    due INT NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (subscriber_id, week_start)
);
