-- The overview lists what is overdue newest first (due_on DESC NULLS LAST, then id): an index
-- in that order lets the list stop after 25 rows instead of sorting every overdue one.
CREATE INDEX obligations_outstanding_due_on_desc_idx ON obligations (due_on DESC NULLS LAST, id)
    WHERE clause_id IS NOT NULL AND status IN ('open', 'in_progress');
