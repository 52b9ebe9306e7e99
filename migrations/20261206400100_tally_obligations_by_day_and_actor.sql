-- The overview, its kind table and the actors page counted every obligation on every request
-- (0.1-0.9 s at a million). The writes keep these tallies instead: how many tracked
-- obligations (with a clause) fall on each due day, of each kind and status, and how many of
-- each status name each actor. Reading them is a sum over a few thousand rows.
CREATE TABLE obligation_tallies (
    due_on  DATE,
    kind    TEXT NOT NULL,
    status  TEXT NOT NULL,
    n       BIGINT NOT NULL,
    UNIQUE NULLS NOT DISTINCT (due_on, kind, status)
);

CREATE TABLE actor_tallies (
    actor_id BIGINT NOT NULL,
    status   TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (actor_id, status)
);

-- Adds +1 for each row of `added` and -1 for each of `removed` (a statement's transition
-- tables, passed as arrays: they are visible only in the trigger function itself), in key
-- order so that concurrent writers lock tallies in the same order.
CREATE FUNCTION obligations_tally(added obligations[], removed obligations[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO obligation_tallies AS t (due_on, kind, status, n)
    SELECT due_on, kind, status, sum(n) FROM (
        SELECT due_on, coalesce(kind, 'other') AS kind, status, 1 AS n
        FROM unnest(added) a WHERE clause_id IS NOT NULL
        UNION ALL
        SELECT due_on, coalesce(kind, 'other'), status, -1
        FROM unnest(removed) r WHERE clause_id IS NOT NULL
    ) c GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (due_on, kind, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    INSERT INTO actor_tallies AS t (actor_id, status, n)
    SELECT actor_id, status, sum(n) FROM (
        SELECT unnest(actor_ids) AS actor_id, status, 1 AS n
        FROM unnest(added) a WHERE clause_id IS NOT NULL
        UNION ALL
        SELECT unnest(actor_ids), status, -1
        FROM unnest(removed) r WHERE clause_id IS NOT NULL
    ) c GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
    ON CONFLICT (actor_id, status) DO UPDATE SET n = t.n + EXCLUDED.n;
$$;

CREATE FUNCTION obligations_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM obligations_tally(ARRAY(SELECT n::obligations FROM tally_new n), '{}'::obligations[]);
    RETURN NULL;
END $$;

CREATE FUNCTION obligations_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only rows whose counted fields changed (a note or a due date elsewhere).
    PERFORM obligations_tally(
        ARRAY(SELECT n::obligations FROM tally_new n JOIN tally_old o USING (id)
              WHERE (n.due_on, n.kind, n.status, n.actor_ids, n.clause_id IS NULL)
                    IS DISTINCT FROM (o.due_on, o.kind, o.status, o.actor_ids, o.clause_id IS NULL)),
        ARRAY(SELECT o::obligations FROM tally_new n JOIN tally_old o USING (id)
              WHERE (n.due_on, n.kind, n.status, n.actor_ids, n.clause_id IS NULL)
                    IS DISTINCT FROM (o.due_on, o.kind, o.status, o.actor_ids, o.clause_id IS NULL)));
    RETURN NULL;
END $$;

CREATE FUNCTION obligations_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM obligations_tally('{}'::obligations[], ARRAY(SELECT o::obligations FROM tally_old o));
    RETURN NULL;
END $$;

CREATE TRIGGER obligations_tally_insert AFTER INSERT ON obligations
    REFERENCING NEW TABLE AS tally_new
    FOR EACH STATEMENT EXECUTE FUNCTION obligations_tally_insert();
CREATE TRIGGER obligations_tally_update AFTER UPDATE ON obligations
    REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new
    FOR EACH STATEMENT EXECUTE FUNCTION obligations_tally_update();
CREATE TRIGGER obligations_tally_delete AFTER DELETE ON obligations
    REFERENCING OLD TABLE AS tally_old
    FOR EACH STATEMENT EXECUTE FUNCTION obligations_tally_delete();

-- Recounted from the rows: after the migration, and after `dev generate` (whose superuser
-- copy skips triggers).
CREATE FUNCTION recount_obligation_tallies() RETURNS void LANGUAGE sql AS $$
    DELETE FROM obligation_tallies;
    DELETE FROM actor_tallies;
    INSERT INTO obligation_tallies (due_on, kind, status, n)
    SELECT due_on, coalesce(kind, 'other'), status, count(*)
    FROM obligations WHERE clause_id IS NOT NULL GROUP BY 1, 2, 3;
    INSERT INTO actor_tallies (actor_id, status, n)
    SELECT a.actor_id, o.status, count(*)
    FROM obligations o CROSS JOIN LATERAL unnest(o.actor_ids) AS a(actor_id)
    WHERE o.clause_id IS NOT NULL GROUP BY 1, 2;
$$;

SELECT recount_obligation_tallies();
