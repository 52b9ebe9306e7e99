//! Queries of the resolutions index: finding documents by symbol or title words, and the
//! kind, follow-up state and date of each one's tracked obligations (for its counts).

use chrono::NaiveDate;
use sqlx::PgExecutor;

/// What the index is asked for; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct DocumentSearch {
    /// Symbols to match exactly (upper case).
    pub exact: Vec<String>,
    /// The start of the symbols to match (upper case), for a Security Council number.
    pub prefix: Option<String>,
    /// Words of the title (web search syntax, stemmed), or a piece of it.
    pub words: Option<String>,
    pub body: Option<String>,
}

/// One line of the resolutions index.
#[derive(Debug, Clone)]
pub struct DocumentListRow {
    pub id: i64,
    pub symbol: String,
    pub body: String,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<String>,
}

/// The documents matching `search`, the most recently adopted first. With neither symbols nor
/// words, every document (of the body, when given).
pub async fn search_documents(
    db: impl PgExecutor<'_>,
    search: &DocumentSearch,
    limit: i64,
    offset: i64,
) -> Result<Vec<DocumentListRow>, sqlx::Error> {
    let by_symbol = !search.exact.is_empty() || search.prefix.is_some();
    sqlx::query_as!(
        DocumentListRow,
        r#"
        SELECT id, symbol, body, session, adopted_on, title
        FROM documents d
        WHERE ($1::text IS NULL OR d.body = $1)
          AND (NOT $2::bool OR upper(d.symbol) = ANY($3::text[])
               OR ($4::text IS NOT NULL AND upper(d.symbol) LIKE $4 || '%'))
          AND ($5::text IS NULL
               OR to_tsvector('english', coalesce(d.title, '')) @@ websearch_to_tsquery('english', $5)
               OR d.title ILIKE '%' || $5 || '%')
        ORDER BY d.adopted_on DESC NULLS LAST, d.id DESC
        LIMIT $6 OFFSET $7
        "#,
        search.body,
        by_symbol,
        &search.exact,
        search.prefix,
        search.words,
        limit,
        offset,
    )
    .fetch_all(db)
    .await
}

/// How many documents match `search`.
pub async fn count_documents_matching(
    db: impl PgExecutor<'_>,
    search: &DocumentSearch,
) -> Result<i64, sqlx::Error> {
    let by_symbol = !search.exact.is_empty() || search.prefix.is_some();
    sqlx::query_scalar!(
        r#"
        SELECT count(*) AS "count!"
        FROM documents d
        WHERE ($1::text IS NULL OR d.body = $1)
          AND (NOT $2::bool OR upper(d.symbol) = ANY($3::text[])
               OR ($4::text IS NOT NULL AND upper(d.symbol) LIKE $4 || '%'))
          AND ($5::text IS NULL
               OR to_tsvector('english', coalesce(d.title, '')) @@ websearch_to_tsquery('english', $5)
               OR d.title ILIKE '%' || $5 || '%')
        "#,
        search.body,
        by_symbol,
        &search.exact,
        search.prefix,
        search.words,
    )
    .fetch_one(db)
    .await
}

/// A tracked obligation's facts its state is worked out from.
#[derive(Debug, Clone)]
pub struct ObligationStateFacts {
    pub document_id: i64,
    pub kind: String,
    pub status: String,
    pub due_on: Option<NaiveDate>,
}

/// The state facts of the tracked obligations of the documents `ids`.
pub async fn list_obligation_state_facts(
    db: impl PgExecutor<'_>,
    ids: &[i64],
) -> Result<Vec<ObligationStateFacts>, sqlx::Error> {
    sqlx::query_as!(
        ObligationStateFacts,
        r#"
        SELECT document_id, coalesce(kind, 'other') AS "kind!", status, due_on
        FROM obligations
        WHERE document_id = ANY($1) AND clause_id IS NOT NULL
        "#,
        ids
    )
    .fetch_all(db)
    .await
}

/// Who an obligation asks (its clause's actors, as printed, in order).
#[derive(Debug, Clone)]
pub struct ObligationActors {
    pub obligation_id: i64,
    pub actors: String,
}

/// The actors of each of the obligations `ids` that names any.
pub async fn list_obligation_actors(
    db: impl PgExecutor<'_>,
    ids: &[i64],
) -> Result<Vec<ObligationActors>, sqlx::Error> {
    sqlx::query_as!(
        ObligationActors,
        r#"
        SELECT o.id AS obligation_id,
               string_agg(ca.printed_name, '; ' ORDER BY ca.position) AS "actors!"
        FROM obligations o JOIN clause_actors ca ON ca.clause_id = o.clause_id
        WHERE o.id = ANY($1)
        GROUP BY o.id
        "#,
        ids
    )
    .fetch_all(db)
    .await
}
