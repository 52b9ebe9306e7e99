-- The data version moved by a row trigger deferred to the commit: every changed row queued
-- an event and a function call there, so a 2,000-row update took 191 ms instead of 24. Now
-- each statement that changed rows notes the change once per transaction (a row in
-- data_version_bumps), and only that row's deferred trigger moves the version at the commit,
-- still after every other lock the transaction holds. Statements that change nothing (a
-- cleanup that finds no expired session) leave the version, as the row triggers did.
CREATE TABLE data_version_bumps (
    txid XID8 NOT NULL DEFAULT pg_current_xact_id()
);

CREATE FUNCTION note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('mandates.data_version_noted', true) IS DISTINCT FROM
       pg_current_xact_id()::text AND EXISTS (SELECT 1 FROM changed_rows) THEN
        PERFORM set_config('mandates.data_version_noted', pg_current_xact_id()::text, true);
        INSERT INTO data_version_bumps DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION bump_data_version_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1;
    DELETE FROM data_version_bumps WHERE txid = NEW.txid;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER data_version_bumps_at_commit AFTER INSERT ON data_version_bumps
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version_at_commit();

DO $$
DECLARE t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['documents', 'paragraphs', 'clauses', 'clause_actors', 'deadlines',
                             'document_references', 'obligations', 'obligation_events',
                             'sessions', 'actors', 'series', 'users', 'user_sessions',
                             'corrections', 'actor_curation']
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_bump_data_version', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()',
                       t || '_note_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()',
                       t || '_note_update', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()',
                       t || '_note_delete', t);
    END LOOP;
END $$;

DROP FUNCTION bump_data_version();
