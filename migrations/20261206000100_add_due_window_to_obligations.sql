-- An obligation's honest date (issue 14): the window its deadline's words allow. due_on is
-- now the window's last day (only after it is a deliverable late); due_from its first day;
-- due_precision how precisely the words name a time; due_words the words ("early 2026").
-- NULL precision on rows with a date stored before this column: the next import of their
-- document reads them again.
ALTER TABLE obligations
    ADD COLUMN due_from DATE,
    ADD COLUMN due_precision TEXT
        CHECK (due_precision IN ('day', 'month', 'quarter', 'half_year', 'early_year', 'mid_year',
                                 'late_year', 'year', 'session', 'recurring')),
    ADD COLUMN due_words TEXT;
