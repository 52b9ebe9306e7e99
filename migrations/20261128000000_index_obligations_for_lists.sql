-- Lists are read in due-date order (overview, filtered list, feeds, digests). With the id as a
-- tie-break in the index, an ordered scan serves ORDER BY due_on, id ... LIMIT without a sort,
-- and the outstanding ones (what the overview and digests show) have an index of their own.
DROP INDEX obligations_due_on_idx;
CREATE INDEX obligations_due_on_idx ON obligations (due_on, id) WHERE clause_id IS NOT NULL;
CREATE INDEX obligations_outstanding_due_on_idx ON obligations (due_on, id)
    WHERE clause_id IS NOT NULL AND status IN ('open', 'in_progress');
