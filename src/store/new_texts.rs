//! New texts of a series: resolutions imported in a span of time that continue a series, each
//! with the text before it, for "new in this year's text" in the digest and the feeds
//! (`crate::new_texts`).

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// The newest text of a series imported in the span, and the one before it in the series.
#[derive(Debug, Clone)]
pub struct NewSeriesText {
    pub series_id: i64,
    pub id: i64,
    /// When the newer text came in (its first import or its latest re-import).
    pub imported_at: DateTime<Utc>,
    pub symbol: String,
    pub source_text: String,
    pub previous_id: i64,
    pub previous_symbol: String,
    pub previous_text: String,
}

/// For each series with a text imported in `[since, until)`, its newest such text (by
/// session and adoption) and the member just before it.
pub async fn list_new_series_texts(
    db: impl PgExecutor<'_>,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<NewSeriesText>, sqlx::Error> {
    sqlx::query_as!(
        NewSeriesText,
        r#"
        SELECT DISTINCT ON (d.series_id)
               d.series_id AS "series_id!", d.id, d.imported_at, d.symbol, d.source_text,
               p.id AS "previous_id!", p.symbol AS "previous_symbol!",
               p.source_text AS "previous_text!"
        FROM documents d
        JOIN LATERAL (
            SELECT p.id, p.symbol, p.source_text FROM documents p
            WHERE p.series_id = d.series_id AND p.id <> d.id
              AND (coalesce(p.session, 0), coalesce(p.adopted_on, '0001-01-01'::date), p.symbol)
                < (coalesce(d.session, 0), coalesce(d.adopted_on, '0001-01-01'::date), d.symbol)
            ORDER BY coalesce(p.session, 0) DESC, coalesce(p.adopted_on, '0001-01-01'::date) DESC,
                     p.symbol DESC
            LIMIT 1
        ) p ON true
        WHERE d.series_id IS NOT NULL AND d.imported_at >= $1 AND d.imported_at < $2
        ORDER BY d.series_id, coalesce(d.session, 0) DESC,
                 coalesce(d.adopted_on, '0001-01-01'::date) DESC, d.symbol DESC
        "#,
        since,
        until
    )
    .fetch_all(db)
    .await
}
