-- The result cache kept pages until any transaction anywhere committed a write (its key was
-- pg_current_snapshot()), so a sign-in throttle, an audit line or a digest job emptied it.
-- Now its key is this version, moved once by each transaction that changes what pages show.
CREATE TABLE data_version (
    id      BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (true, 0);

-- Deferred to the commit, once per transaction: the row lock is then taken last, after every
-- other lock the transaction holds, so writers cannot deadlock on it, and a reader never sees
-- the new version before the data it stands for.
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('mandates.data_version_bumped', true) IS DISTINCT FROM
       txid_current()::text THEN
        UPDATE data_version SET version = version + 1;
        PERFORM set_config('mandates.data_version_bumped', txid_current()::text, true);
    END IF;
    RETURN NULL;
END $$;

-- Every table a page reads; not the bookkeeping that reads themselves write (throttles, the
-- audit log, feed tokens' last use, digest jobs, settings) nor the tallies, which change only
-- with obligations.
DO $$
DECLARE t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['documents', 'paragraphs', 'clauses', 'clause_actors', 'deadlines',
                             'document_references', 'obligations', 'obligation_events',
                             'sessions', 'actors', 'series', 'users', 'user_sessions']
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
                       'EXECUTE FUNCTION bump_data_version()', t || '_bump_data_version', t);
    END LOOP;
END $$;
