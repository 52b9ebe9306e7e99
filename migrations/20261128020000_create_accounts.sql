-- Who may see and change what: accounts with roles, their sign-in sessions, their calendar
-- feed tokens, and the audit log of every change.

CREATE TABLE users (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '_%@_%'),
    name             TEXT NOT NULL CHECK (name <> ''),
    role             TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    -- Argon2id, in the PHC string format (algorithm, parameters and salt included).
    password_hash    TEXT NOT NULL,
    -- Failed sign-ins since the last success; too many lock the account for a while.
    failed_sign_ins  INTEGER NOT NULL DEFAULT 0,
    locked_until     TIMESTAMPTZ,
    disabled_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A signed-in browser. Only the SHA-256 of the cookie's token is kept, so a copy of the
-- database does not sign anyone in.
CREATE TABLE user_sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The form token of this session (cross-site request forgery protection).
    csrf_token    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

-- Secret tokens that let a calendar app or a script read the feeds without a session.
CREATE TABLE feed_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);

CREATE INDEX feed_tokens_user_idx ON feed_tokens (user_id);

-- Every change a person (or the command line) makes, never rewritten.
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    user_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The name as it was at the time ("Amina Diallo", "command line").
    actor_name  TEXT NOT NULL,
    -- "obligation.status", "resolution.import", "user.add", "feed_token.revoke", ...
    action      TEXT NOT NULL,
    -- What was changed ("obligation 12", "A/RES/75/58", "user amina@example.org").
    subject     TEXT NOT NULL,
    -- A dashboard path to it, when it has one.
    link        TEXT,
    before      JSONB,
    after       JSONB
);

CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_subject_idx ON audit_log (subject);
