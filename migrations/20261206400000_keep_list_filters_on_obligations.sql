-- The obligations list filters a million rows by body, session, actor, action and words, and
-- counts the matches. Joined from documents, clauses, clause_actors and paragraphs, each
-- filter costs a probe per candidate row; kept on the obligation row, every filter is an index
-- on one table and a count never leaves it. The copies are kept by triggers, so every writer
-- (import, re-import, calendar corrections) keeps them right without knowing of them.
ALTER TABLE obligations
    ADD COLUMN body TEXT,
    ADD COLUMN session INTEGER,
    ADD COLUMN adopted_on DATE,
    ADD COLUMN action TEXT,
    -- Every actor its clause names, once each (a GIN index answers "names actor 33").
    ADD COLUMN actor_ids BIGINT[] NOT NULL DEFAULT '{}',
    -- Its operative paragraph's search vector (paragraphs.search).
    ADD COLUMN search TSVECTOR;

UPDATE obligations o
SET body = d.body, session = d.session, adopted_on = d.adopted_on
FROM documents d WHERE d.id = o.document_id;

UPDATE obligations o
SET action = c.action, search = p.search,
    actor_ids = coalesce((SELECT array_agg(DISTINCT ca.actor_id ORDER BY ca.actor_id)
                          FROM clause_actors ca WHERE ca.clause_id = c.id), '{}')
FROM clauses c JOIN paragraphs p ON p.id = c.paragraph_id
WHERE c.id = o.clause_id;

-- An obligation takes its copies when it is made or moves to another clause or document.
-- Imports insert a clause's actors and paragraph before linking the obligation to it.
CREATE FUNCTION obligations_copy_filters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT d.body, d.session, d.adopted_on INTO NEW.body, NEW.session, NEW.adopted_on
    FROM documents d WHERE d.id = NEW.document_id;
    SELECT c.action, p.search,
           coalesce((SELECT array_agg(DISTINCT ca.actor_id ORDER BY ca.actor_id)
                     FROM clause_actors ca WHERE ca.clause_id = c.id), '{}')
    INTO NEW.action, NEW.search, NEW.actor_ids
    FROM clauses c JOIN paragraphs p ON p.id = c.paragraph_id
    WHERE c.id = NEW.clause_id;
    -- No clause (a re-import dropped it): no actors.
    NEW.actor_ids := coalesce(NEW.actor_ids, '{}');
    RETURN NEW;
END $$;

CREATE TRIGGER obligations_copy_filters
    BEFORE INSERT OR UPDATE OF document_id, clause_id ON obligations
    FOR EACH ROW EXECUTE FUNCTION obligations_copy_filters();

-- A document's body, session or adoption day corrected: its obligations follow.
CREATE FUNCTION documents_copy_filters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE obligations
    SET body = NEW.body, session = NEW.session, adopted_on = NEW.adopted_on
    WHERE document_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER documents_copy_filters
    AFTER UPDATE OF body, session, adopted_on ON documents
    FOR EACH ROW
    WHEN (OLD.body IS DISTINCT FROM NEW.body OR OLD.session IS DISTINCT FROM NEW.session
          OR OLD.adopted_on IS DISTINCT FROM NEW.adopted_on)
    EXECUTE FUNCTION documents_copy_filters();

-- Lists are in due order; each filter that narrows a lot has an index that yields its matches
-- in that order, and GIN indexes find actors and words.
CREATE INDEX obligations_body_due_on_idx ON obligations (body, due_on, id)
    WHERE clause_id IS NOT NULL;
CREATE INDEX obligations_session_due_on_idx ON obligations (session, due_on, id)
    WHERE clause_id IS NOT NULL;
CREATE INDEX obligations_status_due_on_idx ON obligations (status, due_on, id)
    WHERE clause_id IS NOT NULL;
CREATE INDEX obligations_actor_ids_idx ON obligations USING GIN (actor_ids)
    WHERE clause_id IS NOT NULL;
CREATE INDEX obligations_search_idx ON obligations USING GIN (search)
    WHERE clause_id IS NOT NULL;
