-- The agenda page read every clause due at a session (10,595 for GA 75 at a million
-- obligations: 0.4-0.7 s) and its session chooser counted the clauses of every session on
-- every request (0.4-0.6 s). The page now reads one page of clauses in clause order, which
-- this index yields without a sort, and the chooser reads counts the writes keep.
CREATE INDEX deadlines_session_clause_idx ON deadlines (body, session, clause_id)
    WHERE kind = 'session';
DROP INDEX deadlines_session_idx;

-- How many clauses have a deadline naming each session (a clause with two such deadlines
-- counts once), as the chooser shows them.
CREATE TABLE session_item_counts (
    body    TEXT NOT NULL,
    session INTEGER NOT NULL,
    items   BIGINT NOT NULL,
    PRIMARY KEY (body, session)
);

-- For each (session, clause) a statement touched, the clause counts once if it now has a
-- deadline naming the session and did not before, or the reverse. The "before" is the table
-- now with the statement's new rows taken out and its old rows put back, so one rule serves
-- inserts, updates and deletes (including cascades from a deleted clause). Counts move by
-- adding, in key order, so concurrent imports (which never share a clause) add up. The
-- transition tables come as arrays: they are visible only in the trigger function itself.
CREATE FUNCTION count_session_items(added deadlines[], removed deadlines[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO session_item_counts AS s (body, session, items)
    SELECT body, session, sum((now_n > 0)::int - (now_n + back > 0)::int)
    FROM (
        SELECT ch.body, ch.session, sum(ch.back) AS back,
               (SELECT count(*) FROM deadlines d
                WHERE d.kind = 'session' AND d.body = ch.body AND d.session = ch.session
                  AND d.clause_id = ch.clause_id) AS now_n
        FROM (SELECT body, session, clause_id, -1 AS back FROM unnest(added)
              WHERE kind = 'session' AND body IS NOT NULL AND session IS NOT NULL
              UNION ALL
              SELECT body, session, clause_id, 1 FROM unnest(removed)
              WHERE kind = 'session' AND body IS NOT NULL AND session IS NOT NULL) ch
        GROUP BY ch.body, ch.session, ch.clause_id
    ) per_clause
    GROUP BY body, session
    HAVING sum((now_n > 0)::int - (now_n + back > 0)::int) <> 0
    ORDER BY body, session
    ON CONFLICT (body, session) DO UPDATE SET items = s.items + EXCLUDED.items;
$$;

CREATE FUNCTION deadlines_count_session_items_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count_session_items(ARRAY(SELECT n::deadlines FROM session_items_new n),
                                '{}'::deadlines[]);
    RETURN NULL;
END $$;

CREATE FUNCTION deadlines_count_session_items_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count_session_items(ARRAY(SELECT n::deadlines FROM session_items_new n),
                                ARRAY(SELECT o::deadlines FROM session_items_old o));
    RETURN NULL;
END $$;

CREATE FUNCTION deadlines_count_session_items_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count_session_items('{}'::deadlines[],
                                ARRAY(SELECT o::deadlines FROM session_items_old o));
    RETURN NULL;
END $$;

CREATE TRIGGER deadlines_count_session_items_insert AFTER INSERT ON deadlines
    REFERENCING NEW TABLE AS session_items_new
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_count_session_items_insert();
CREATE TRIGGER deadlines_count_session_items_update AFTER UPDATE ON deadlines
    REFERENCING OLD TABLE AS session_items_old NEW TABLE AS session_items_new
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_count_session_items_update();
CREATE TRIGGER deadlines_count_session_items_delete AFTER DELETE ON deadlines
    REFERENCING OLD TABLE AS session_items_old
    FOR EACH STATEMENT EXECUTE FUNCTION deadlines_count_session_items_delete();

-- Counted again from the rows: now, and after `dev generate` (whose superuser copy skips
-- triggers).
CREATE FUNCTION recount_session_items() RETURNS void LANGUAGE sql AS $$
    DELETE FROM session_item_counts;
    INSERT INTO session_item_counts (body, session, items)
    SELECT body, session, count(DISTINCT clause_id)
    FROM deadlines WHERE kind = 'session' AND body IS NOT NULL AND session IS NOT NULL
    GROUP BY 1, 2;
$$;

SELECT recount_session_items();
