-- One actor's list, latest first, walked the whole outstanding due-date index looking for the
-- actor's rows (the actors' GIN index yields no order): for an actor whose obligations all fall
-- early, 0.5-1 s at a million. This narrow table holds, for each tracked obligation and each
-- actor its clause names, the obligation's due day, so that an actor's obligations come in
-- due order (either way, ties by id as the list breaks them) from an index and the list stops
-- after its page. The writes keep it, as they keep the tallies.
CREATE TABLE obligation_actor_dues (
    actor_id      BIGINT NOT NULL,
    due_on        DATE,
    obligation_id BIGINT NOT NULL,
    PRIMARY KEY (actor_id, obligation_id)
);

-- Adds the rows of `added` and takes out those of `removed` (a statement's transition tables,
-- passed as arrays: they are visible only in the trigger function itself).
CREATE FUNCTION obligations_keep_actor_dues(added obligations[], removed obligations[])
RETURNS void LANGUAGE sql AS $$
    DELETE FROM obligation_actor_dues d
    USING (SELECT unnest(actor_ids) AS actor_id, id FROM unnest(removed)
           WHERE clause_id IS NOT NULL) r
    WHERE d.actor_id = r.actor_id AND d.obligation_id = r.id;
    INSERT INTO obligation_actor_dues (actor_id, due_on, obligation_id)
    SELECT DISTINCT unnest(actor_ids), due_on, id FROM unnest(added) WHERE clause_id IS NOT NULL
    ORDER BY 1, 3
    ON CONFLICT DO NOTHING;
$$;

CREATE FUNCTION obligations_actor_dues_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM obligations_keep_actor_dues(ARRAY(SELECT n::obligations FROM dues_new n),
                                        '{}'::obligations[]);
    RETURN NULL;
END $$;

CREATE FUNCTION obligations_actor_dues_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only rows whose actors, due day or clause changed (not a change of state).
    PERFORM obligations_keep_actor_dues(
        ARRAY(SELECT n::obligations FROM dues_new n JOIN dues_old o USING (id)
              WHERE (n.due_on, n.actor_ids, n.clause_id IS NULL)
                    IS DISTINCT FROM (o.due_on, o.actor_ids, o.clause_id IS NULL)),
        ARRAY(SELECT o::obligations FROM dues_new n JOIN dues_old o USING (id)
              WHERE (n.due_on, n.actor_ids, n.clause_id IS NULL)
                    IS DISTINCT FROM (o.due_on, o.actor_ids, o.clause_id IS NULL)));
    RETURN NULL;
END $$;

CREATE FUNCTION obligations_actor_dues_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM obligations_keep_actor_dues('{}'::obligations[],
                                        ARRAY(SELECT o::obligations FROM dues_old o));
    RETURN NULL;
END $$;

CREATE TRIGGER obligations_actor_dues_insert AFTER INSERT ON obligations
    REFERENCING NEW TABLE AS dues_new
    FOR EACH STATEMENT EXECUTE FUNCTION obligations_actor_dues_insert();
CREATE TRIGGER obligations_actor_dues_update AFTER UPDATE ON obligations
    REFERENCING OLD TABLE AS dues_old NEW TABLE AS dues_new
    FOR EACH STATEMENT EXECUTE FUNCTION obligations_actor_dues_update();
CREATE TRIGGER obligations_actor_dues_delete AFTER DELETE ON obligations
    REFERENCING OLD TABLE AS dues_old
    FOR EACH STATEMENT EXECUTE FUNCTION obligations_actor_dues_delete();

-- Refilled with the tallies: after this migration, and after `dev generate` (whose superuser
-- copy skips triggers), which recounts them.
CREATE OR REPLACE FUNCTION recount_obligation_tallies() RETURNS void LANGUAGE sql AS $$
    DELETE FROM obligation_tallies;
    DELETE FROM actor_tallies;
    INSERT INTO obligation_tallies (due_on, kind, status, n)
    SELECT due_on, coalesce(kind, 'other'), status, count(*)
    FROM obligations WHERE clause_id IS NOT NULL GROUP BY 1, 2, 3;
    INSERT INTO actor_tallies (actor_id, status, n)
    SELECT a.actor_id, o.status, count(*)
    FROM obligations o CROSS JOIN LATERAL unnest(o.actor_ids) AS a(actor_id)
    WHERE o.clause_id IS NOT NULL GROUP BY 1, 2;
    TRUNCATE obligation_actor_dues;
    INSERT INTO obligation_actor_dues (actor_id, due_on, obligation_id)
    SELECT DISTINCT a.actor_id, o.due_on, o.id
    FROM obligations o CROSS JOIN LATERAL unnest(o.actor_ids) AS a(actor_id)
    WHERE o.clause_id IS NOT NULL;
$$;

INSERT INTO obligation_actor_dues (actor_id, due_on, obligation_id)
SELECT DISTINCT a.actor_id, o.due_on, o.id
FROM obligations o CROSS JOIN LATERAL unnest(o.actor_ids) AS a(actor_id)
WHERE o.clause_id IS NOT NULL;

CREATE INDEX obligation_actor_dues_soonest_idx
    ON obligation_actor_dues (actor_id, due_on, obligation_id);
CREATE INDEX obligation_actor_dues_latest_idx
    ON obligation_actor_dues (actor_id, due_on DESC NULLS LAST, obligation_id);
ANALYZE obligation_actor_dues;
