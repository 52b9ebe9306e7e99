-- Every committed change moved the one data version, and the result cache then dropped every
-- page: with an editor changing two states a second, nearly every request missed. Each version
-- now comes with a line saying what it changed, written at the same commit: only the follow-up
-- state (status, note, who, when, evidence) of some obligations, or accounts and sign-ins, or
-- anything (imports, corrections, calendar changes, actor curation, a change too large to
-- list). A `serve` process that sees the version move reads the lines since the version its
-- cache is at and drops only the pages those changes can touch.
ALTER TABLE data_version_bumps
    ADD COLUMN everything     BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN accounts       BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN obligation_ids BIGINT[] NOT NULL DEFAULT '{}';

CREATE TABLE data_changes (
    version        BIGINT PRIMARY KEY,
    -- NULL: anything may have changed. Otherwise the obligations whose follow-up state changed.
    obligation_ids BIGINT[],
    -- Accounts or sign-ins changed.
    accounts       BOOLEAN NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Adds to what this transaction changed (its row of data_version_bumps, made by its first
-- change). Past 1,000 obligations a change is logged as "anything": a process then drops its
-- whole cache instead of testing each page against each obligation.
CREATE FUNCTION note_data_change_of(anything BOOLEAN, accounts_changed BOOLEAN, ids BIGINT[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE tx TEXT := pg_current_xact_id()::text;
BEGIN
    IF current_setting('mandates.data_version_noted', true) IS DISTINCT FROM tx THEN
        PERFORM set_config('mandates.data_version_noted', tx, true);
        INSERT INTO data_version_bumps (everything, accounts, obligation_ids)
        VALUES (anything, accounts_changed, CASE WHEN anything THEN '{}' ELSE ids END);
    ELSIF current_setting('mandates.data_changed_everything', true) IS DISTINCT FROM tx THEN
        UPDATE data_version_bumps b
        SET everything = b.everything OR anything,
            accounts = b.accounts OR accounts_changed,
            obligation_ids = CASE WHEN anything THEN '{}' ELSE b.obligation_ids || ids END
        WHERE b.txid = pg_current_xact_id();
    END IF;
    IF anything THEN
        PERFORM set_config('mandates.data_changed_everything', tx, true);
    END IF;
END $$;

-- Any table a page reads: anything may have changed, except on accounts and sign-ins.
CREATE OR REPLACE FUNCTION note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('mandates.data_changed_everything', true) IS DISTINCT FROM
       pg_current_xact_id()::text AND EXISTS (SELECT 1 FROM changed_rows) THEN
        IF TG_TABLE_NAME IN ('users', 'user_sessions') THEN
            PERFORM note_data_change_of(false, true, '{}');
        ELSE
            PERFORM note_data_change_of(true, false, '{}');
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- A new line in an obligation's history: its state changed.
CREATE FUNCTION note_obligation_events_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('mandates.data_changed_everything', true) IS DISTINCT FROM
       pg_current_xact_id()::text AND EXISTS (SELECT 1 FROM changed_rows) THEN
        IF (SELECT count(*) FROM changed_rows) > 1000 THEN
            PERFORM note_data_change_of(true, false, '{}');
        ELSE
            PERFORM note_data_change_of(false, false,
                                        ARRAY(SELECT DISTINCT obligation_id FROM changed_rows));
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- An obligation updated: when only its follow-up state changed, those obligations; when
-- anything else did (its due day, actors, clause ...), anything.
CREATE FUNCTION note_obligations_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    state_only CONSTANT TEXT[] := ARRAY['status', 'fulfilled_by', 'note', 'changed_by',
                                        'changed_at', 'effective_on', 'evidence_symbol',
                                        'evidence_paragraph'];
BEGIN
    IF current_setting('mandates.data_changed_everything', true) IS NOT DISTINCT FROM
       pg_current_xact_id()::text OR NOT EXISTS (SELECT 1 FROM changed_rows) THEN
        RETURN NULL;
    END IF;
    IF (SELECT count(*) FROM changed_rows) > 1000
       OR EXISTS (SELECT 1 FROM changed_rows n JOIN old_rows o USING (id)
                  WHERE to_jsonb(n) - state_only IS DISTINCT FROM to_jsonb(o) - state_only) THEN
        PERFORM note_data_change_of(true, false, '{}');
    ELSE
        PERFORM note_data_change_of(false, false, ARRAY(SELECT id FROM changed_rows));
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER obligations_note_update ON obligations;
CREATE TRIGGER obligations_note_update AFTER UPDATE ON obligations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_obligations_update();

DROP TRIGGER obligation_events_note_insert ON obligation_events;
CREATE TRIGGER obligation_events_note_insert AFTER INSERT ON obligation_events
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_obligation_events_insert();

-- At the commit: the version moves and its line is written, under the version's row lock, so
-- lines are numbered without gaps in commit order. Lines older than ten minutes go (looked
-- at every hundredth version): a process further behind finds a gap and drops everything.
CREATE OR REPLACE FUNCTION bump_data_version_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b data_version_bumps;
    v BIGINT;
BEGIN
    -- The row as it is now: statements after the first added to it.
    DELETE FROM data_version_bumps WHERE txid = NEW.txid RETURNING * INTO b;
    UPDATE data_version SET version = version + 1 RETURNING version INTO v;
    INSERT INTO data_changes (version, obligation_ids, accounts)
    VALUES (v,
            CASE WHEN b.everything IS NOT FALSE OR cardinality(b.obligation_ids) > 1000 THEN NULL
                 ELSE ARRAY(SELECT DISTINCT i FROM unnest(b.obligation_ids) i ORDER BY i) END,
            b.accounts);
    IF v % 100 = 0 THEN
        DELETE FROM data_changes WHERE changed_at < now() - interval '10 minutes';
    END IF;
    RETURN NULL;
END $$;
