-- Resolutions as read from their source files. Later migrations add what hangs off them.
CREATE TABLE documents (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    symbol        TEXT NOT NULL UNIQUE,
    body          TEXT NOT NULL CHECK (body IN ('GA', 'SC', 'HRC', 'ECOSOC', 'OTHER')),
    session       INTEGER,
    adopted_on    DATE,
    title         TEXT,
    source_text   TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    source_type   TEXT NOT NULL CHECK (source_type IN ('text', 'pdf', 'docx')),
    imported_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX documents_imported_at_idx ON documents (imported_at DESC);
