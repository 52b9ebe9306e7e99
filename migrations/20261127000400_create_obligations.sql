-- The follow-up state of each tracked obligation. Keyed by what identifies a clause across
-- re-imports (document, paragraph number, verb, and its occurrence among equal verbs there),
-- so a corrected text keeps what staff entered.
CREATE TABLE obligations (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id       BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    paragraph_number  TEXT NOT NULL,
    verb              TEXT NOT NULL,
    occurrence        INTEGER NOT NULL DEFAULT 0,
    -- The clause now carrying it; NULL when a re-import no longer has it.
    clause_id         BIGINT UNIQUE REFERENCES clauses (id) ON DELETE SET NULL,
    status            TEXT NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'in_progress', 'fulfilled', 'not_applicable')),
    -- The earliest date its deadlines resolve to, kept here (from the import) so that due and
    -- overdue lists are one index scan.
    due_on            DATE,
    fulfilled_by      TEXT,
    note              TEXT NOT NULL DEFAULT '',
    changed_by        TEXT NOT NULL DEFAULT 'import',
    changed_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Set when a re-import of the document no longer has this clause.
    disappeared_at    TIMESTAMPTZ,
    UNIQUE (document_id, paragraph_number, verb, occurrence)
);

CREATE INDEX obligations_status_idx ON obligations (status);
CREATE INDEX obligations_due_on_idx ON obligations (due_on) WHERE clause_id IS NOT NULL;
CREATE INDEX obligations_document_idx ON obligations (document_id);

-- Every change of follow-up state, by a person or by an import, never rewritten.
CREATE TABLE obligation_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    obligation_id  BIGINT NOT NULL REFERENCES obligations (id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'fulfilled', 'not_applicable')),
    fulfilled_by   TEXT,
    note           TEXT NOT NULL DEFAULT '',
    -- A person's name, or "import of A/RES/75/58".
    changed_by     TEXT NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX obligation_events_obligation_idx ON obligation_events (obligation_id, changed_at);
