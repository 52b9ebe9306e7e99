-- Citations of other documents. Links are resolved by symbol when read, so they hold in
-- both directions whatever order documents were imported in.
CREATE TABLE document_references (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id       BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    paragraph_id      BIGINT REFERENCES paragraphs (id) ON DELETE CASCADE,
    -- Normalised: A/RES/74/43, S/RES/1540 (2004), A/75/171.
    cited_symbol      TEXT NOT NULL,
    printed           TEXT NOT NULL,
    relation          TEXT NOT NULL CHECK (relation IN ('recalls', 'takes_note', 'report_pursuant_to', 'cites')),
    -- report_pursuant_to: the cited resolution's paragraph, and the report that answers it.
    cited_paragraph   TEXT,
    report_symbol     TEXT
);

CREATE INDEX document_references_document_idx ON document_references (document_id);
CREATE INDEX document_references_cited_idx ON document_references (cited_symbol);
-- Deleting a paragraph (on re-import) cascades here.
CREATE INDEX document_references_paragraph_idx ON document_references (paragraph_id);
