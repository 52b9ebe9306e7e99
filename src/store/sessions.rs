//! The session calendar in the database: seeded from the project's data, correctable by staff,
//! read back as the calendar deadlines resolve against.

use sqlx::PgExecutor;

use crate::resolution::{Body, SessionCalendar, SessionDates};

/// Writes the built-in calendar rows; rows a person corrected are left as they are.
pub async fn seed_sessions(
    db: impl PgExecutor<'_>,
    calendar: &SessionCalendar,
) -> Result<u64, sqlx::Error> {
    let mut bodies = Vec::new();
    let mut sessions = Vec::new();
    let mut opens = Vec::new();
    let mut closes = Vec::new();
    let mut estimated = Vec::new();
    let mut sources = Vec::new();
    for row in calendar.rows() {
        // A listed but unverified row without a date adds nothing over the rule-based estimate.
        let Some(opening) = row.opening else { continue };
        if matches!(row.body, Body::SecurityCouncil | Body::Other) {
            continue;
        }
        bodies.push(row.body.code());
        sessions.push(row.session);
        opens.push(opening);
        closes.push(row.closing.filter(|c| *c >= opening));
        estimated.push(row.estimated);
        sources.push(row.source.as_str());
    }
    let done = sqlx::query!(
        r#"
        INSERT INTO sessions (body, session, opens_on, closes_on, estimated, source)
        SELECT * FROM UNNEST($1::text[], $2::int[], $3::date[], $4::date[], $5::bool[], $6::text[])
        ON CONFLICT (body, session) DO UPDATE
        SET opens_on = EXCLUDED.opens_on, closes_on = EXCLUDED.closes_on,
            estimated = EXCLUDED.estimated, source = EXCLUDED.source
        WHERE sessions.edited_by IS NULL
          AND (sessions.opens_on, sessions.closes_on, sessions.estimated, sessions.source)
              IS DISTINCT FROM (EXCLUDED.opens_on, EXCLUDED.closes_on, EXCLUDED.estimated, EXCLUDED.source)
        "#,
        &bodies as &[&str],
        &sessions,
        &opens,
        &closes as &[Option<chrono::NaiveDate>],
        &estimated,
        &sources as &[&str],
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The calendar as the database holds it, corrections included.
pub async fn load_session_calendar(
    db: impl PgExecutor<'_>,
) -> Result<SessionCalendar, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT body, session, opens_on, closes_on, estimated, source FROM sessions ORDER BY body, session"
    )
    .fetch_all(db)
    .await?;
    Ok(SessionCalendar::from_rows(rows.into_iter().filter_map(
        |r| {
            Some(SessionDates {
                body: Body::from_code(&r.body)?,
                session: r.session,
                opening: Some(r.opens_on),
                closing: r.closes_on,
                estimated: r.estimated,
                source: r.source,
            })
        },
    )))
}

/// A session's dates as a person corrects them.
#[derive(Debug, Clone)]
pub struct SessionCorrection<'a> {
    pub body: &'a str,
    pub session: i32,
    pub opens_on: chrono::NaiveDate,
    pub closes_on: Option<chrono::NaiveDate>,
    pub source: &'a str,
    pub edited_by: &'a str,
}

/// Sets a session's dates (seeding will not overwrite them again) and moves every deadline
/// that resolves to that session, and the due dates of their obligations. Returns how many
/// deadlines moved.
pub async fn correct_session(
    tx: &mut sqlx::PgConnection,
    c: &SessionCorrection<'_>,
) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO sessions (body, session, opens_on, closes_on, estimated, source, edited_by, edited_at)
        VALUES ($1, $2, $3, $4, false, $5, $6, now())
        ON CONFLICT (body, session) DO UPDATE
        SET opens_on = EXCLUDED.opens_on, closes_on = EXCLUDED.closes_on, estimated = false,
            source = EXCLUDED.source, edited_by = EXCLUDED.edited_by, edited_at = now()
        "#,
        c.body,
        c.session,
        c.opens_on,
        c.closes_on,
        c.source,
        c.edited_by,
    )
    .execute(&mut *tx)
    .await?;
    let moved = sqlx::query!(
        r#"
        UPDATE deadlines SET due_on = $3, estimated = false
        WHERE kind = 'session' AND body = $1 AND session = $2
        "#,
        c.body,
        c.session,
        c.opens_on,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        r#"
        UPDATE obligations o
        SET due_on = (SELECT min(d.due_on) FROM deadlines d WHERE d.clause_id = o.clause_id)
        WHERE o.clause_id IN (SELECT clause_id FROM deadlines
                              WHERE kind = 'session' AND body = $1 AND session = $2)
        "#,
        c.body,
        c.session,
    )
    .execute(&mut *tx)
    .await?;
    Ok(moved)
}

/// A row of the session calendar as stored.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub body: String,
    pub session: i32,
    pub opens_on: chrono::NaiveDate,
    pub closes_on: Option<chrono::NaiveDate>,
    pub estimated: bool,
    pub source: String,
    pub edited_by: Option<String>,
}

pub async fn list_sessions(
    db: impl PgExecutor<'_>,
    body: Option<&str>,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        r#"
        SELECT body, session, opens_on, closes_on, estimated, source, edited_by
        FROM sessions WHERE ($1::text IS NULL OR body = $1) ORDER BY body, session
        "#,
        body
    )
    .fetch_all(db)
    .await
}
