-- What a resolution says: its paragraphs, the clauses of each operative paragraph, whom each
-- clause addresses, and the deadlines it sets. Re-imports replace these rows wholesale; the
-- follow-up state that staff enter lives apart (obligations) and survives.

CREATE TABLE paragraphs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    part         TEXT NOT NULL CHECK (part IN ('preamble', 'operative')),
    -- Reading order within the document.
    position     INTEGER NOT NULL,
    -- Operative paragraphs: the number as printed ("5", "A.1").
    number       TEXT,
    -- Preambular paragraphs: the lead phrase ("Recalling", "Taking note of").
    lead         TEXT,
    text         TEXT NOT NULL,
    -- Full-text search is over what resolutions ask, so only operative text is indexed:
    -- stemming is the costliest part of an import.
    search       TSVECTOR GENERATED ALWAYS AS
                 (CASE WHEN part = 'operative' THEN to_tsvector('english', text) END) STORED,
    UNIQUE (document_id, position),
    CHECK ((part = 'operative') = (number IS NOT NULL))
);

CREATE INDEX paragraphs_search_idx ON paragraphs USING GIN (search);
CREATE UNIQUE INDEX paragraphs_operative_number_idx ON paragraphs (document_id, number)
    WHERE part = 'operative';

CREATE TABLE clauses (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    paragraph_id  BIGINT NOT NULL REFERENCES paragraphs (id) ON DELETE CASCADE,
    document_id   BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    -- Order within the paragraph.
    position      INTEGER NOT NULL,
    verb          TEXT NOT NULL,
    action        TEXT NOT NULL
                  CHECK (action IN ('decision', 'request', 'invitation', 'call', 'encouragement', 'position')),
    -- Report, views, oral update, agenda item, ...
    deliverables  TEXT[] NOT NULL DEFAULT '{}',
    text          TEXT NOT NULL,
    -- A request or invitation, or any clause with a deadline (GUIDE.md).
    tracked       BOOLEAN NOT NULL,
    UNIQUE (paragraph_id, position)
);

CREATE INDEX clauses_document_idx ON clauses (document_id);

-- Canonical actors, so that the dashboard can group "all States" with "Member States".
CREATE TABLE actors (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    aliases  TEXT[] NOT NULL DEFAULT '{}'
);

CREATE TABLE clause_actors (
    clause_id     BIGINT NOT NULL REFERENCES clauses (id) ON DELETE CASCADE,
    actor_id      BIGINT NOT NULL REFERENCES actors (id),
    -- The name as the clause prints it ("States parties to the Convention").
    printed_name  TEXT NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (clause_id, position)
);

CREATE INDEX clause_actors_actor_idx ON clause_actors (actor_id);

CREATE TABLE deadlines (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clause_id  BIGINT NOT NULL REFERENCES clauses (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('session', 'date', 'month', 'year', 'within', 'periodic')),
    -- session: the body and session number; date: the date; month/year; within/periodic: amount + unit.
    body       TEXT CHECK (body IN ('GA', 'SC', 'HRC', 'ECOSOC', 'OTHER')),
    session    INTEGER,
    date       DATE,
    year       INTEGER,
    month      INTEGER CHECK (month BETWEEN 1 AND 12),
    amount     INTEGER,
    unit       TEXT CHECK (unit IN ('day', 'week', 'month', 'year')),
    -- The words it was read from.
    text       TEXT NOT NULL,
    due_on     DATE,
    -- True when due_on rests on an estimated session date.
    estimated  BOOLEAN NOT NULL DEFAULT false,
    CHECK (kind <> 'session' OR (body IS NOT NULL AND session IS NOT NULL)),
    CHECK (kind <> 'date' OR date IS NOT NULL),
    CHECK (kind NOT IN ('within', 'periodic') OR (amount IS NOT NULL AND unit IS NOT NULL))
);

CREATE INDEX deadlines_clause_idx ON deadlines (clause_id);
CREATE INDEX deadlines_due_on_idx ON deadlines (due_on);
CREATE INDEX deadlines_session_idx ON deadlines (body, session) WHERE kind = 'session';
