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
        if !matches!(
            row.body,
            Body::GeneralAssembly | Body::HumanRightsCouncil | Body::EconomicAndSocialCouncil
        ) {
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
