//! Agenda planning's own facts: the agenda item numbers the tracked texts print, by session.

use sqlx::PgExecutor;

/// A resolution's session, series and the agenda items its header prints ("98 (t)").
#[derive(Debug, Clone)]
pub struct AgendaNumberRow {
    pub id: i64,
    pub symbol: String,
    pub session: Option<i32>,
    pub series_id: Option<i64>,
    pub agenda_items: Vec<String>,
}

/// The resolutions of `body` adopted at `session` that print their agenda items, and the
/// documents `ids` (the texts that put items on that session's agenda), with their series.
pub async fn list_agenda_numbers(
    db: impl PgExecutor<'_>,
    body: &str,
    session: i32,
    ids: &[i64],
) -> Result<Vec<AgendaNumberRow>, sqlx::Error> {
    sqlx::query_as!(
        AgendaNumberRow,
        r#"
        SELECT id, symbol, session, series_id, agenda_items
        FROM documents
        WHERE (body = $1 AND session = $2 AND cardinality(agenda_items) > 0) OR id = ANY($3)
        "#,
        body,
        session,
        ids
    )
    .fetch_all(db)
    .await
}
