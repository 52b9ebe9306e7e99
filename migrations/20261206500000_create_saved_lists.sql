-- "My lists" (issue 18): a person's own named filters of the obligations list, shown on their
-- overview; each can be their weekly digest's filter. The filter is kept normalised, as a
-- subscriber's is (no sort, page or day).
CREATE TABLE saved_lists (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL CHECK (name <> '' AND length(name) <= 100),
    filter_query  TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);
