//! The weekly digest's tables: subscribers, the job queue (one job per subscriber and week,
//! claimed with `FOR UPDATE SKIP LOCKED`), sent digests, and the settings row of the secret.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

/// A subscriber as stored.
#[derive(Debug, Clone)]
pub struct SubscriberRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub filter_query: String,
    pub weeks_ahead: i32,
    pub send_weekday: i16,
    pub send_hour: i16,
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
    pub unsubscribed_at: Option<DateTime<Utc>>,
}

/// What a new subscriber says.
#[derive(Debug, Clone)]
pub struct NewSubscriber<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub filter_query: &'a str,
    pub weeks_ahead: i32,
    pub send_weekday: i16,
    pub send_hour: i16,
    pub time_zone: &'a str,
}

/// Adds a subscriber, or subscribes again one who had unsubscribed (with the new settings).
/// `None` when the address is already subscribed.
pub async fn insert_subscriber(
    db: impl PgExecutor<'_>,
    new: &NewSubscriber<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO subscribers (email, name, filter_query, weeks_ahead, send_weekday, send_hour, time_zone)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT ((lower(email))) DO UPDATE
          SET email = EXCLUDED.email, name = EXCLUDED.name, filter_query = EXCLUDED.filter_query,
              weeks_ahead = EXCLUDED.weeks_ahead, send_weekday = EXCLUDED.send_weekday,
              send_hour = EXCLUDED.send_hour, time_zone = EXCLUDED.time_zone,
              unsubscribed_at = NULL
          WHERE subscribers.unsubscribed_at IS NOT NULL
        RETURNING id
        "#,
        new.email,
        new.name,
        new.filter_query,
        new.weeks_ahead,
        new.send_weekday,
        new.send_hour,
        new.time_zone,
    )
    .fetch_optional(db)
    .await
}

/// Every subscriber, subscribed ones first, by email.
pub async fn list_subscribers(db: impl PgExecutor<'_>) -> Result<Vec<SubscriberRow>, sqlx::Error> {
    sqlx::query_as!(
        SubscriberRow,
        r#"
        SELECT id, email, name, filter_query, weeks_ahead, send_weekday, send_hour, time_zone,
               created_at, unsubscribed_at
        FROM subscribers
        ORDER BY unsubscribed_at IS NOT NULL, lower(email)
        "#
    )
    .fetch_all(db)
    .await
}

/// The subscribed (not unsubscribed) subscribers, for scheduling.
pub async fn list_active_subscribers(
    db: impl PgExecutor<'_>,
) -> Result<Vec<SubscriberRow>, sqlx::Error> {
    sqlx::query_as!(
        SubscriberRow,
        r#"
        SELECT id, email, name, filter_query, weeks_ahead, send_weekday, send_hour, time_zone,
               created_at, unsubscribed_at
        FROM subscribers WHERE unsubscribed_at IS NULL ORDER BY id
        "#
    )
    .fetch_all(db)
    .await
}

pub async fn find_subscriber(
    db: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<SubscriberRow>, sqlx::Error> {
    sqlx::query_as!(
        SubscriberRow,
        r#"
        SELECT id, email, name, filter_query, weeks_ahead, send_weekday, send_hour, time_zone,
               created_at, unsubscribed_at
        FROM subscribers WHERE id = $1
        "#,
        id
    )
    .fetch_optional(db)
    .await
}

pub async fn find_subscriber_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<SubscriberRow>, sqlx::Error> {
    sqlx::query_as!(
        SubscriberRow,
        r#"
        SELECT id, email, name, filter_query, weeks_ahead, send_weekday, send_hour, time_zone,
               created_at, unsubscribed_at
        FROM subscribers WHERE lower(email) = lower($1)
        "#,
        email.trim()
    )
    .fetch_optional(db)
    .await
}

/// Deletes a subscriber with their jobs and history. False when there was none.
pub async fn delete_subscriber(db: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM subscribers WHERE id = $1", id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a subscriber unsubscribed and cancels their waiting jobs. False when there is no such
/// subscriber; unsubscribing twice is fine.
pub async fn unsubscribe_subscriber(db: impl PgExecutor<'_>, id: i64) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!(
        r#"
        WITH s AS (
          UPDATE subscribers SET unsubscribed_at = coalesce(unsubscribed_at, now())
          WHERE id = $1 RETURNING id
        ), cancelled AS (
          UPDATE digest_jobs SET status = 'skipped', last_error = 'unsubscribed', finished_at = now()
          WHERE subscriber_id IN (SELECT id FROM s) AND status = 'pending'
        )
        SELECT count(*) AS "count!" FROM s
        "#,
        id
    )
    .fetch_one(db)
    .await?;
    Ok(found == 1)
}

/// Creates the jobs of digests that are due (`ON CONFLICT DO NOTHING`: one per subscriber and
/// week, however many schedulers run). Returns how many were new.
pub async fn insert_digest_jobs(
    db: impl PgExecutor<'_>,
    subscriber_ids: &[i64],
    week_starts: &[NaiveDate],
    as_of: &[NaiveDate],
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        INSERT INTO digest_jobs (subscriber_id, week_start, as_of)
        SELECT * FROM unnest($1::bigint[], $2::date[], $3::date[])
        ON CONFLICT (subscriber_id, week_start) DO NOTHING
        "#,
        subscriber_ids,
        week_starts,
        as_of,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// A job abandoned in `sending` by a process that died after handing its message over: it
/// may or may not have reached the SMTP server.
#[derive(Debug, Clone)]
pub struct UncertainJob {
    pub id: i64,
    pub email: String,
    pub week_start: NaiveDate,
}

/// What became of the jobs left in `sending` whose lease has run out.
#[derive(Debug, Clone, Default)]
pub struct RecoveredJobs {
    /// Abandoned before DATA: nothing was delivered, so they are runnable again.
    pub retried: u64,
    /// Abandoned before DATA too often: `failed`.
    pub failed: u64,
    /// Abandoned after DATA: `uncertain`, neither resent blindly nor forgotten.
    pub uncertain: Vec<UncertainJob>,
}

/// Settles the jobs left in `sending` whose lease has run out. One whose sender never reached
/// DATA (`data_started_at` unset) delivered nothing: it goes back to `pending` at once (or to
/// `failed` once `max_attempts` are spent, so that a job that kills its sender cannot loop).
/// One that reached DATA may have been delivered: it becomes `uncertain`.
#[tracing::instrument(skip_all)]
pub async fn recover_abandoned_digest_jobs(
    db: &mut PgConnection,
    max_attempts: i32,
) -> Result<RecoveredJobs, sqlx::Error> {
    let retried = sqlx::query!(
        r#"
        UPDATE digest_jobs
        SET status = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'pending' END,
            finished_at = CASE WHEN attempts >= $1 THEN now() END,
            next_attempt_at = now(),
            last_error = 'the sender ' || coalesce(claimed_by, '?')
                         || ' stopped before handing the message over; nothing was delivered',
            claimed_by = NULL, claimed_until = NULL
        WHERE status = 'sending' AND claimed_until < now() AND data_started_at IS NULL
        RETURNING status
        "#,
        max_attempts,
    )
    .fetch_all(&mut *db)
    .await?;
    let failed = retried.iter().filter(|r| r.status == "failed").count() as u64;
    let uncertain = sqlx::query_as!(
        UncertainJob,
        r#"
        UPDATE digest_jobs j
        SET status = 'uncertain', finished_at = now(),
            last_error = 'the sender ' || coalesce(j.claimed_by, '?')
                         || ' stopped while handing the message over; it may have been delivered'
        FROM subscribers s
        WHERE s.id = j.subscriber_id AND j.status = 'sending' AND j.claimed_until < now()
          AND j.data_started_at IS NOT NULL
        RETURNING j.id, s.email, j.week_start
        "#
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(RecoveredJobs {
        retried: retried.len() as u64 - failed,
        failed,
        uncertain,
    })
}

/// Records that this worker is about to send DATA for a job it holds, and extends its lease.
/// Committed before DATA, so that a crash from then on leaves the job `uncertain` and a crash
/// before leaves it retried. False when the job is no longer this worker's (its lease ran out
/// and another sender took it): then this worker must not send.
pub async fn mark_digest_data_started(
    db: impl PgExecutor<'_>,
    job_id: i64,
    worker: &str,
    lease_seconds: i32,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE digest_jobs
        SET data_started_at = now(), claimed_until = now() + make_interval(secs => $3)
        WHERE id = $1 AND claimed_by = $2 AND status = 'sending'
        "#,
        job_id,
        worker,
        f64::from(lease_seconds),
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks `uncertain` a job this worker holds whose message it handed over without learning
/// whether the server took it (the connection broke or timed out after DATA).
pub async fn record_digest_uncertain(
    db: impl PgExecutor<'_>,
    job_id: i64,
    worker: &str,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE digest_jobs
        SET status = 'uncertain', finished_at = now(), claimed_until = NULL,
            last_error = 'no answer after the message was handed over, so it may have been delivered: '
                         || $3
        WHERE id = $1 AND claimed_by = $2 AND status = 'sending'
        "#,
        job_id,
        worker,
        error,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A job claimed for sending, with what composing it needs.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: i64,
    pub week_start: NaiveDate,
    pub as_of: NaiveDate,
    pub attempts: i32,
    pub subscriber_id: i64,
    pub email: String,
    pub name: String,
    pub filter_query: String,
    pub weeks_ahead: i32,
}

/// Claims the next runnable job: it becomes `sending`, leased to `worker` for `lease_seconds`.
/// `SKIP LOCKED` lets concurrent senders take different jobs without waiting on each other.
pub async fn claim_next_digest_job(
    db: impl PgExecutor<'_>,
    worker: &str,
    lease_seconds: i32,
) -> Result<Option<ClaimedJob>, sqlx::Error> {
    sqlx::query_as!(
        ClaimedJob,
        r#"
        UPDATE digest_jobs j
        SET status = 'sending', claimed_by = $1, data_started_at = NULL,
            claimed_until = now() + make_interval(secs => $2), attempts = j.attempts + 1
        FROM subscribers s
        WHERE j.id = (
            SELECT q.id FROM digest_jobs q
            WHERE q.status = 'pending' AND q.next_attempt_at <= now()
            ORDER BY q.next_attempt_at, q.id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
          )
          AND s.id = j.subscriber_id
        RETURNING j.id, j.week_start, j.as_of, j.attempts, j.subscriber_id, s.email, s.name,
                  s.filter_query, s.weeks_ahead
        "#,
        worker,
        f64::from(lease_seconds),
    )
    .fetch_optional(db)
    .await
}

/// Completes a job this worker claimed: `sent` or `skipped`. This also settles a job that
/// another process marked `uncertain` because the lease ran out while the SMTP server was
/// still answering: this worker knows the outcome. False when the job is no longer this
/// worker's at all.
pub async fn complete_digest_job(
    db: &mut PgConnection,
    job_id: i64,
    worker: &str,
    status: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE digest_jobs
        SET status = $3, finished_at = now(), claimed_until = NULL, last_error = NULL
        WHERE id = $1 AND claimed_by = $2 AND status IN ('sending', 'uncertain')
          AND $3 IN ('sent', 'skipped')
        "#,
        job_id,
        worker,
        status,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A digest the SMTP server accepted.
#[derive(Debug, Clone)]
pub struct SentDigest<'a> {
    pub job_id: i64,
    pub message_id: &'a str,
    pub subject: &'a str,
    pub overdue: i32,
    pub due: i32,
}

/// Records a sent digest; call it in the transaction that completes its job.
pub async fn insert_sent_digest(
    db: &mut PgConnection,
    sent: &SentDigest<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO sent_digests (job_id, subscriber_id, week_start, email, message_id, subject, overdue, due)
        SELECT j.id, j.subscriber_id, j.week_start, s.email, $2, $3, $4, $5
        FROM digest_jobs j JOIN subscribers s ON s.id = j.subscriber_id
        WHERE j.id = $1
        "#,
        sent.job_id,
        sent.message_id,
        sent.subject,
        sent.overdue,
        sent.due,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records a failed attempt: back to `pending` at `retry_at`, or `failed` for good when
/// `retry_at` is `None`.
pub async fn record_digest_failure(
    db: impl PgExecutor<'_>,
    job_id: i64,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"
        UPDATE digest_jobs
        SET status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = coalesce($4, next_attempt_at),
            finished_at = CASE WHEN $4::timestamptz IS NULL THEN now() END,
            last_error = $3, claimed_by = NULL, claimed_until = NULL, data_started_at = NULL
        WHERE id = $1 AND claimed_by = $2 AND status = 'sending'
        "#,
        job_id,
        worker,
        error,
        retry_at,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many jobs are in each state.
pub async fn count_digest_jobs(db: impl PgExecutor<'_>) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT status, count(*) AS "count!" FROM digest_jobs GROUP BY status ORDER BY status"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.count)).collect())
}

/// A job as the status pages show it.
#[derive(Debug, Clone)]
pub struct DigestJobRow {
    pub id: i64,
    pub email: String,
    pub week_start: NaiveDate,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The latest jobs, most recent first; those needing attention (failed, uncertain, retrying)
/// before the rest.
pub async fn list_recent_digest_jobs(
    db: impl PgExecutor<'_>,
    limit: i64,
) -> Result<Vec<DigestJobRow>, sqlx::Error> {
    sqlx::query_as!(
        DigestJobRow,
        r#"
        SELECT j.id, s.email, j.week_start, j.status, j.attempts, j.next_attempt_at, j.last_error,
               d.message_id AS "message_id?", j.finished_at
        FROM digest_jobs j
        JOIN subscribers s ON s.id = j.subscriber_id
        LEFT JOIN sent_digests d ON d.job_id = j.id
        ORDER BY (j.status IN ('failed', 'uncertain') OR j.last_error IS NOT NULL AND j.status = 'pending') DESC,
                 j.created_at DESC, j.id DESC
        LIMIT $1
        "#,
        limit
    )
    .fetch_all(db)
    .await
}

/// The value of a setting, creating it with `generated` SQL-side randomness the first time.
/// Concurrent first calls agree on one value (`ON CONFLICT DO NOTHING`, then read).
pub async fn find_or_create_secret_setting(
    db: &sqlx::PgPool,
    name: &str,
) -> Result<String, sqlx::Error> {
    // gen_random_uuid() draws from the server's strong random source; two give 244 random bits.
    sqlx::query!(
        r#"
        INSERT INTO settings (name, value)
        VALUES ($1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
        ON CONFLICT (name) DO NOTHING
        "#,
        name
    )
    .execute(db)
    .await?;
    sqlx::query_scalar!("SELECT value FROM settings WHERE name = $1", name)
        .fetch_one(db)
        .await
}

/// The value of a setting, when it has one.
pub async fn find_setting(
    db: impl PgExecutor<'_>,
    name: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT value FROM settings WHERE name = $1", name)
        .fetch_optional(db)
        .await
}

/// Sets a setting, replacing its value.
pub async fn save_setting(
    db: impl PgExecutor<'_>,
    name: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO settings (name, value) VALUES ($1, $2)
        ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
        "#,
        name,
        value
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The last digest handed to the mail server, and the last error any delivery met.
#[derive(Debug, Clone, Default)]
pub struct DeliveryStatus {
    pub last_sent_at: Option<DateTime<Utc>>,
    pub last_sent_to: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub last_error_to: Option<String>,
}

pub async fn find_delivery_status(db: &sqlx::PgPool) -> Result<DeliveryStatus, sqlx::Error> {
    let sent = sqlx::query!(
        r#"
        SELECT j.finished_at AS "finished_at!", s.email
        FROM digest_jobs j JOIN subscribers s ON s.id = j.subscriber_id
        WHERE j.status = 'sent' AND j.finished_at IS NOT NULL
        ORDER BY j.finished_at DESC LIMIT 1
        "#
    )
    .fetch_optional(db)
    .await?;
    let failed = sqlx::query!(
        r#"
        SELECT j.last_error AS "last_error!", coalesce(j.finished_at, j.next_attempt_at) AS "at!", s.email
        FROM digest_jobs j JOIN subscribers s ON s.id = j.subscriber_id
        WHERE j.last_error IS NOT NULL
        ORDER BY coalesce(j.finished_at, j.next_attempt_at) DESC LIMIT 1
        "#
    )
    .fetch_optional(db)
    .await?;
    Ok(DeliveryStatus {
        last_sent_at: sent.as_ref().map(|r| r.finished_at),
        last_sent_to: sent.map(|r| r.email),
        last_error_at: failed.as_ref().map(|r| r.at),
        last_error_to: failed.as_ref().map(|r| r.email.clone()),
        last_error: failed.map(|r| r.last_error),
    })
}
