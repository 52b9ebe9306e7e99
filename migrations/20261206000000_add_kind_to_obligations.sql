-- What kind of thing each obligation is (issue 14): a deliverable can be overdue; the
-- Assembly's own agenda inclusions, events and mandate periods cannot. NULL on rows imported
-- before this column: the next import of their document reads them again (its text is
-- unchanged, but its kinds are missing), and until then they count as 'other'.
ALTER TABLE obligations ADD COLUMN kind TEXT
    CHECK (kind IN ('deliverable', 'agenda_inclusion', 'event', 'mandate_period', 'review', 'other'));
