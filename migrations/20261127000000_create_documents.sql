-- Resolutions as read from their source files.
CREATE TABLE documents (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    symbol            TEXT NOT NULL UNIQUE CHECK (symbol <> ''),
    body              TEXT NOT NULL CHECK (body IN ('GA', 'SC', 'HRC', 'ECOSOC', 'OTHER')),
    session           INTEGER,
    adopted_on        DATE,
    title             TEXT,
    agenda_items      TEXT[] NOT NULL DEFAULT '{}',
    -- "on the report of the First Committee (A/75/399, para. 96)"
    committee_report  TEXT,
    -- "46th plenary meeting"
    meeting           TEXT,
    source_text       TEXT NOT NULL,
    -- SHA-256 of the source bytes: the same content re-imported changes nothing.
    content_hash      TEXT NOT NULL,
    source_name       TEXT NOT NULL,
    source_type       TEXT NOT NULL CHECK (source_type IN ('text', 'pdf', 'docx')),
    imported_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX documents_imported_at_idx ON documents (imported_at DESC);
CREATE INDEX documents_body_session_idx ON documents (body, session);
