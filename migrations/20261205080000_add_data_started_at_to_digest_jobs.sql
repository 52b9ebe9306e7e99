-- When a sender reached the DATA step of a digest's SMTP transaction, committed just before it
-- sends DATA. A job abandoned in 'sending' without it was never handed over (SMTP delivers
-- nothing before the end of the data), so it is retried; only one with it may have been
-- delivered and becomes 'uncertain'.
ALTER TABLE digest_jobs ADD COLUMN data_started_at TIMESTAMPTZ;
