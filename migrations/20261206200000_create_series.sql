-- Series: resolutions on the same item coming back session after session. A resolution
-- belongs to at most one series; one alone belongs to none.
CREATE TABLE series (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE documents
    ADD COLUMN series_id BIGINT REFERENCES series (id) ON DELETE SET NULL,
    -- The agenda item's name as the header prints it, lower case: stable across sessions
    -- where the item's number is not.
    ADD COLUMN agenda_title TEXT,
    -- Why it joined its series: 'recall and title', 'recall and agenda item', 'title'.
    ADD COLUMN series_basis TEXT
        CHECK (series_basis IN ('recall and title', 'recall and agenda item',
                                'title and agenda item', 'title'));

CREATE INDEX documents_series_idx ON documents (series_id) WHERE series_id IS NOT NULL;
-- Finding texts of the same title at import, or of a title cut short in its source: the
-- start of the title, so that one look-up finds both.
CREATE INDEX documents_body_title_start_idx ON documents (body, left(lower(title), 32));
