//! Series in the store: putting a resolution in its series at import (the decision is
//! `resolution::series::identity`'s), and reading a series for its page.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};

use crate::resolution::series::{SeriesBasis, SeriesFacts, continues, identity::is_earlier};
use crate::resolution::{Relation, Resolution};

/// Puts a just-saved resolution in the series of the stored resolutions it continues or that
/// continue it, starting a series when none of them has one, and joining two series it
/// bridges. Runs inside the import's transaction.
pub(crate) async fn assign_series(
    tx: &mut PgConnection,
    document_id: i64,
    symbol: &str,
    res: &Resolution,
    agenda_title: Option<&str>,
) -> Result<(), sqlx::Error> {
    let body = res.body.map(|b| b.code()).unwrap_or("OTHER");
    let recalled: Vec<String> = res
        .references
        .iter()
        .filter(|r| r.relation == Relation::Recalls)
        .map(|r| r.symbol.clone())
        .collect();
    let title = res.title.as_deref();
    if let Some(t) = title {
        // Imports of texts of one title wait for each other here, so that two of them never
        // start two series for one item.
        sqlx::query!(
            r#"SELECT 1 AS "locked!" FROM (SELECT pg_advisory_xact_lock(hashtext($1))) l"#,
            format!("series {body} {}", t.to_lowercase())
        )
        .fetch_one(&mut *tx)
        .await?;
    }
    // Indexed look-ups joined, rather than one OR that would scan every document. A title cut
    // short in its source still starts like the whole title.
    let candidates = sqlx::query!(
        r#"
        WITH recalling AS (
            SELECT DISTINCT document_id AS id FROM document_references
            WHERE cited_symbol = $4 AND relation = 'recalls'
        ), c AS (
            SELECT id FROM documents WHERE symbol = ANY($3::text[])
            UNION SELECT id FROM documents
                WHERE body = $2 AND left(lower(title), 32) = left(lower($5), 32)
            UNION SELECT id FROM recalling
        )
        SELECT d.id, d.symbol, d.session, d.adopted_on, d.title, d.agenda_items, d.series_id,
            d.series_basis, d.agenda_title,
            d.symbol = ANY($3::text[]) AS "recalled!",
            d.id IN (SELECT id FROM recalling) AS "recalls_new!"
        FROM documents d JOIN c ON c.id = d.id
        WHERE d.id <> $1 AND d.body = $2
        "#,
        document_id,
        body,
        &recalled,
        symbol,
        title,
    )
    .fetch_all(&mut *tx)
    .await?;
    let new = SeriesFacts {
        symbol,
        body,
        session: res.session,
        adopted_on: res.adopted_on,
        title,
        agenda_items: &res.agenda_items,
        agenda_title,
    };
    // The resolution's own link: to the latest earlier text it continues.
    let mut own_basis: Option<(SeriesBasis, SeriesFacts)> = None;
    let mut members: Vec<i64> = Vec::new();
    let mut successors: Vec<(i64, SeriesBasis)> = Vec::new();
    let mut series: Vec<i64> = Vec::new();
    for c in &candidates {
        let other = SeriesFacts {
            symbol: &c.symbol,
            body,
            session: c.session,
            adopted_on: c.adopted_on,
            title: c.title.as_deref(),
            agenda_items: &c.agenda_items,
            agenda_title: c.agenda_title.as_deref(),
        };
        let basis = if is_earlier(&other, &new) {
            let basis = continues(&other, &new, c.recalled);
            if let Some(b) = basis
                && own_basis
                    .as_ref()
                    .is_none_or(|(_, latest)| is_earlier(latest, &other))
            {
                own_basis = Some((b, other));
            }
            basis
        } else {
            let basis = continues(&new, &other, c.recalls_new);
            if let Some(b) = basis
                && c.series_basis.is_none()
            {
                successors.push((c.id, b));
            }
            basis
        };
        if basis.is_some() {
            members.push(c.id);
            series.extend(c.series_id);
        }
    }
    if let Some((basis, _)) = &own_basis {
        sqlx::query!(
            "UPDATE documents SET series_basis = $2 WHERE id = $1",
            document_id,
            basis.as_str(),
        )
        .execute(&mut *tx)
        .await?;
    }
    if members.is_empty() {
        return Ok(());
    }
    series.sort_unstable();
    series.dedup();
    let target = match series.first() {
        Some(&s) => s,
        None => {
            sqlx::query_scalar!("INSERT INTO series (body) VALUES ($1) RETURNING id", body)
                .fetch_one(&mut *tx)
                .await?
        }
    };
    let others: Vec<i64> = series[1.min(series.len())..].to_vec();
    members.push(document_id);
    // Only rows not yet in the series are written: a series of fifty texts costs one row.
    sqlx::query!(
        r#"
        UPDATE documents SET series_id = $1
        WHERE (id = ANY($2::bigint[]) OR series_id = ANY($3::bigint[]))
          AND series_id IS DISTINCT FROM $1
        "#,
        target,
        &members,
        &others,
    )
    .execute(&mut *tx)
    .await?;
    if !others.is_empty() {
        sqlx::query!("DELETE FROM series WHERE id = ANY($1::bigint[])", &others)
            .execute(&mut *tx)
            .await?;
    }
    for (id, basis) in successors {
        sqlx::query!(
            "UPDATE documents SET series_basis = $2 WHERE id = $1",
            id,
            basis.as_str()
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// A resolution of a series, for the series page.
#[derive(Debug, Clone)]
pub struct SeriesMember {
    pub id: i64,
    pub symbol: String,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<String>,
    pub agenda_items: Vec<String>,
    pub meeting: Option<String>,
    /// Why it follows its predecessor; none for the first.
    pub series_basis: Option<String>,
    pub source_text: String,
    /// Its obligations still in its text (requests, invitations, anything with a deadline).
    pub obligations: i64,
    /// Of those, the clauses whose verb requests.
    pub requests: i64,
}

/// The series' resolutions, oldest first.
pub async fn list_series_members(
    db: impl PgExecutor<'_>,
    series_id: i64,
) -> Result<Vec<SeriesMember>, sqlx::Error> {
    sqlx::query_as!(
        SeriesMember,
        r#"
        SELECT d.id, d.symbol, d.session, d.adopted_on, d.title, d.agenda_items, d.meeting,
            d.series_basis, d.source_text,
            (SELECT count(*) FROM obligations o
             WHERE o.document_id = d.id AND o.disappeared_at IS NULL) AS "obligations!",
            (SELECT count(*) FROM clauses c
             WHERE c.document_id = d.id AND c.action = 'request') AS "requests!"
        FROM documents d
        WHERE d.series_id = $1
        ORDER BY d.session NULLS LAST, d.adopted_on NULLS LAST, d.symbol
        "#,
        series_id
    )
    .fetch_all(db)
    .await
}

/// The series a resolution belongs to.
pub async fn find_series_of_document(
    db: impl PgExecutor<'_>,
    document_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    Ok(
        sqlx::query_scalar!("SELECT series_id FROM documents WHERE id = $1", document_id)
            .fetch_optional(db)
            .await?
            .flatten(),
    )
}

/// A series' latest text and the sessions it came back at, for predicting its return.
#[derive(Debug, Clone)]
pub struct SeriesLatest {
    pub series_id: i64,
    pub id: i64,
    pub symbol: String,
    pub title: Option<String>,
    pub session: Option<i32>,
    pub source_text: String,
    /// Every session of the series, oldest first.
    pub sessions: Vec<i32>,
}

/// Every series of a body with its latest text.
pub async fn list_series_latest(
    db: impl PgExecutor<'_>,
    body: &str,
) -> Result<Vec<SeriesLatest>, sqlx::Error> {
    sqlx::query_as!(
        SeriesLatest,
        r#"
        SELECT DISTINCT ON (d.series_id) d.series_id AS "series_id!", d.id, d.symbol, d.title,
            d.session, d.source_text,
            coalesce((SELECT array_agg(x.session ORDER BY x.session) FROM documents x
                      WHERE x.series_id = d.series_id AND x.session IS NOT NULL),
                     '{}') AS "sessions!"
        FROM documents d
        WHERE d.series_id IS NOT NULL AND d.body = $1
        ORDER BY d.series_id, d.session DESC NULLS LAST, d.adopted_on DESC NULLS LAST
        "#,
        body
    )
    .fetch_all(db)
    .await
}
