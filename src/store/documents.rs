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

/// What is stored of a document's source.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub symbol: &'a str,
    pub body: &'a str,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<&'a str>,
    pub source_text: &'a str,
    pub content_hash: &'a str,
    pub source_name: &'a str,
    pub source_type: &'a str,
}

/// How an upsert changed the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Inserted(i64),
    Updated(i64),
    Unchanged,
}

/// Inserts the document, or updates it when its content changed; same content changes nothing.
pub async fn upsert_document(
    db: impl PgExecutor<'_>,
    doc: &NewDocument<'_>,
) -> Result<Upserted, sqlx::Error> {
    // xmax = 0 tells a fresh insert from an update; the WHERE leaves unchanged rows alone,
    // and then RETURNING gives nothing.
    let row = sqlx::query!(
        r#"
        INSERT INTO documents (symbol, body, session, adopted_on, title, source_text, content_hash,
                               source_name, source_type)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (symbol) DO UPDATE SET
            body = EXCLUDED.body, session = EXCLUDED.session, adopted_on = EXCLUDED.adopted_on,
            title = EXCLUDED.title, source_text = EXCLUDED.source_text,
            content_hash = EXCLUDED.content_hash, source_name = EXCLUDED.source_name,
            source_type = EXCLUDED.source_type, updated_at = now()
        WHERE documents.content_hash <> EXCLUDED.content_hash
        RETURNING id, (xmax = 0) AS "inserted!"
        "#,
        doc.symbol,
        doc.body,
        doc.session,
        doc.adopted_on,
        doc.title,
        doc.source_text,
        doc.content_hash,
        doc.source_name,
        doc.source_type,
    )
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some(r) if r.inserted => Upserted::Inserted(r.id),
        Some(r) => Upserted::Updated(r.id),
        None => Upserted::Unchanged,
    })
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
