-- Corrections editors make to what the reader found (issue 16), kept as corrections, never by
-- overwriting the reader's output: every import reads the text again and applies them over the
-- fresh reading, so they last. Anchored where obligations are (paragraph number, verb and its
-- occurrence) with the fingerprint of the paragraph's words when the correction was made.
CREATE TABLE corrections (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id       BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    paragraph_number  TEXT NOT NULL,
    verb              TEXT NOT NULL,
    occurrence        INTEGER NOT NULL DEFAULT 0,
    fingerprint       TEXT NOT NULL,
    field             TEXT NOT NULL CHECK (field IN ('action', 'actors', 'deliverables', 'deadline',
                                                     'kind', 'tracked', 'added', 'looks_right')),
    before            JSONB,
    after             JSONB,
    why               TEXT NOT NULL DEFAULT '',
    made_by           TEXT NOT NULL,
    user_id           BIGINT REFERENCES users (id) ON DELETE SET NULL,
    made_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- What the last import made of it: applied, superseded (a later correction of the same
    -- field), or needs_review (the text changed so that it no longer fits; review_reason says how).
    state             TEXT NOT NULL DEFAULT 'applied'
                      CHECK (state IN ('applied', 'superseded', 'needs_review')),
    review_reason     TEXT
);

CREATE INDEX corrections_document_idx ON corrections (document_id, id);
CREATE INDEX corrections_needs_review_idx ON corrections (document_id) WHERE state = 'needs_review';

-- The review queue: the reader's doubts about each clause as last read (after corrections),
-- and whether an editor has corrected or checked it.
ALTER TABLE clauses
    ADD COLUMN doubts TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN reviewed BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX clauses_to_review_idx ON clauses (document_id) WHERE doubts <> '{}' AND NOT reviewed;

-- The reader's warnings about a text at its last import ("paragraph 7 follows 5").
ALTER TABLE documents ADD COLUMN warnings TEXT[] NOT NULL DEFAULT '{}';

-- Pages show corrections (needs review, history): moving the cache key as other page tables do.
CREATE CONSTRAINT TRIGGER corrections_bump_data_version
    AFTER INSERT OR UPDATE OR DELETE ON corrections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
