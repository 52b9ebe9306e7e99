//! Queries on `documents`: the resolutions as read from their source files.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

/// A resolution's document row, as listed on the dashboard.
#[derive(Debug, Clone)]
pub struct DocumentSummary {
    pub id: i64,
    pub symbol: String,
    pub body: String,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<String>,
    pub imported_at: DateTime<Utc>,
}

/// The most recently imported documents, newest first.
pub async fn list_recent_documents(
    db: impl PgExecutor<'_>,
    limit: i64,
) -> Result<Vec<DocumentSummary>, sqlx::Error> {
    sqlx::query_as!(
        DocumentSummary,
        r#"
        SELECT id, symbol, body, session, adopted_on, title, imported_at
        FROM documents
        ORDER BY imported_at DESC, id DESC
        LIMIT $1
        "#,
        limit
    )
    .fetch_all(db)
    .await
}

/// How many documents the store holds.
pub async fn count_documents(db: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM documents"#)
        .fetch_one(db)
        .await
}
