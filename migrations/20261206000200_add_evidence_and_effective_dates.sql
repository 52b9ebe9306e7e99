-- Evidence and time (issue 14). Every change of follow-up state gets the day it took effect
-- (the adoption date of the document that proves it, or the day a person gives) besides the
-- time it was recorded, and, when automatic, the document and paragraph that prove it. Pages
-- asked for a past day (?as_of=) show the state whose effective day had come.
ALTER TABLE obligation_events
    ADD COLUMN effective_on DATE,
    ADD COLUMN evidence_symbol TEXT,
    ADD COLUMN evidence_paragraph TEXT;
ALTER TABLE obligations
    ADD COLUMN effective_on DATE,
    ADD COLUMN evidence_symbol TEXT,
    ADD COLUMN evidence_paragraph TEXT;

-- Changes made by imports before this migration took effect when the importing document was
-- adopted (an obligation is known from its own adoption; a fulfilment from the adoption of
-- the document that took note of the report); a person's, on the day it was recorded.
UPDATE obligation_events e
SET effective_on = d.adopted_on,
    evidence_symbol = CASE WHEN e.status = 'fulfilled' THEN d.symbol END
FROM documents d
WHERE e.changed_by = 'import of ' || d.symbol;
UPDATE obligation_events SET effective_on = changed_at::date WHERE effective_on IS NULL;
UPDATE obligations o
SET effective_on = d.adopted_on,
    evidence_symbol = CASE WHEN o.status = 'fulfilled' THEN d.symbol END
FROM documents d
WHERE o.changed_by = 'import of ' || d.symbol;
UPDATE obligations SET effective_on = changed_at::date WHERE effective_on IS NULL;

-- The state as of a day is the latest event that had taken effect by then.
CREATE INDEX obligation_events_effective_idx ON obligation_events (obligation_id, effective_on, id);
