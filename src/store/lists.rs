//! Queries of "My lists": a person's saved filters, and their own digest subscription.

use sqlx::PgExecutor;

/// A saved filter of the obligations list.
#[derive(Debug, Clone)]
pub struct SavedList {
    pub id: i64,
    pub name: String,
    pub filter_query: String,
}

/// Saves a list; None when the person already has one of that name.
pub async fn insert_saved_list(
    db: impl PgExecutor<'_>,
    user_id: i64,
    name: &str,
    filter_query: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO saved_lists (user_id, name, filter_query) VALUES ($1, $2, $3)
        ON CONFLICT (user_id, name) DO NOTHING
        RETURNING id
        "#,
        user_id,
        name,
        filter_query
    )
    .fetch_optional(db)
    .await
}

/// A person's lists, by name.
pub async fn list_saved_lists(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> Result<Vec<SavedList>, sqlx::Error> {
    sqlx::query_as!(
        SavedList,
        "SELECT id, name, filter_query FROM saved_lists WHERE user_id = $1 ORDER BY name, id",
        user_id
    )
    .fetch_all(db)
    .await
}

/// One of a person's lists (None for another person's).
pub async fn find_saved_list(
    db: impl PgExecutor<'_>,
    user_id: i64,
    id: i64,
) -> Result<Option<SavedList>, sqlx::Error> {
    sqlx::query_as!(
        SavedList,
        "SELECT id, name, filter_query FROM saved_lists WHERE user_id = $1 AND id = $2",
        user_id,
        id
    )
    .fetch_optional(db)
    .await
}

/// Subscribes `email` to the weekly digest of `filter_query`: one subscription per address,
/// so an existing one (even unsubscribed) now follows this filter. Returns its id.
pub async fn subscribe_self(
    db: impl PgExecutor<'_>,
    email: &str,
    name: &str,
    filter_query: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO subscribers (email, name, filter_query) VALUES ($1, $2, $3)
        ON CONFLICT ((lower(email))) DO UPDATE
        SET filter_query = EXCLUDED.filter_query, unsubscribed_at = NULL
        RETURNING id
        "#,
        email,
        name,
        filter_query
    )
    .fetch_one(db)
    .await
}

/// The filter the live digest subscription of `email` follows, if any.
pub async fn find_subscription_filter(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT filter_query FROM subscribers
        WHERE lower(email) = lower($1) AND unsubscribed_at IS NULL
        "#,
        email
    )
    .fetch_optional(db)
    .await
}
