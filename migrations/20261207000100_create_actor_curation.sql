-- Admins curate the canonical actors (issue 16): a name merged into another actor, renamed, or
-- marked "not an actor" (a fragment such as "concerned"). Every import maps the names it reads
-- through this list, and curating re-reads the stored documents that name it, so old and new
-- clauses agree.
CREATE TABLE actor_curation (
    -- The name as the reader gives it (canonical or printed).
    name       TEXT PRIMARY KEY,
    verdict    TEXT NOT NULL CHECK (verdict IN ('merge', 'rename', 'not_actor')),
    -- The canonical actor it becomes (merge, rename).
    target     TEXT CHECK (target <> ''),
    made_by    TEXT NOT NULL,
    made_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((verdict = 'not_actor') = (target IS NULL))
);

CREATE CONSTRAINT TRIGGER actor_curation_bump_data_version
    AFTER INSERT OR UPDATE OR DELETE ON actor_curation
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
