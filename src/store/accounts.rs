//! Accounts, sign-in sessions, feed tokens and the audit log.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// An account as the admin page lists it.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What a sign-in checks.
#[derive(Debug, Clone)]
pub struct SignInRow {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// The person behind a session cookie or a feed token.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    /// The session's form token; empty for a feed token.
    pub csrf_token: String,
    /// When the session (or, for a feed token, this reading) stops being valid.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum AddUserError {
    #[error("there is already an account for {0}")]
    Exists(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub async fn add_user(
    db: impl PgExecutor<'_>,
    email: &str,
    name: &str,
    role: &str,
    password_hash: &str,
) -> Result<i64, AddUserError> {
    sqlx::query_scalar!(
        "INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id",
        email,
        name,
        role,
        password_hash
    )
    .fetch_one(db)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => AddUserError::Exists(email.into()),
        e => AddUserError::Database(e),
    })
}

pub async fn find_user_id(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM users WHERE email = $1", email)
        .fetch_optional(db)
        .await
}

pub async fn find_user_for_sign_in(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<SignInRow>, sqlx::Error> {
    sqlx::query_as!(
        SignInRow,
        "SELECT id, name, password_hash, disabled_at FROM users WHERE email = $1",
        email
    )
    .fetch_optional(db)
    .await
}

/// A sign-in throttle as stored (see `accounts::Throttle`).
#[derive(Debug, Clone)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub blocked_until: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// The throttles of `keys`, made when new, and locked until the transaction ends: an attempt
/// decides and records in one step while simultaneous attempts on the same keys wait.
pub async fn lock_sign_in_throttles(
    tx: &mut sqlx::PgConnection,
    keys: &[String],
) -> Result<Vec<ThrottleRow>, sqlx::Error> {
    // Sorted, so that two transactions always take the same keys' locks in the same order.
    let mut keys = keys.to_vec();
    keys.sort();
    keys.dedup();
    sqlx::query!(
        "INSERT INTO sign_in_throttles (key) SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING",
        &keys
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query_as!(
        ThrottleRow,
        r#"
        SELECT key, failures, blocked_until, updated_at FROM sign_in_throttles
        WHERE key = ANY($1) ORDER BY key FOR UPDATE
        "#,
        &keys
    )
    .fetch_all(&mut *tx)
    .await
}

pub async fn save_sign_in_throttle(
    db: impl PgExecutor<'_>,
    row: &ThrottleRow,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sign_in_throttles SET failures = $2, blocked_until = $3, updated_at = $4 WHERE key = $1",
        row.key,
        row.failures,
        row.blocked_until,
        row.updated_at
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets throttles that have nothing left to hold back since `before`.
pub async fn delete_quiet_sign_in_throttles(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "DELETE FROM sign_in_throttles WHERE updated_at < $1 AND (blocked_until IS NULL OR blocked_until < $1)",
        before
    )
    .execute(db)
    .await?
    .rows_affected())
}

pub async fn create_session(
    db: impl PgExecutor<'_>,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO user_sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
        token_hash,
        user_id,
        csrf_token,
        expires_at
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The signed-in person of a live session of an enabled account.
pub async fn find_session(
    db: impl PgExecutor<'_>,
    token_hash: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    sqlx::query_as!(
        SessionUser,
        r#"
        SELECT u.id AS user_id, u.email, u.name, u.role, s.csrf_token, s.expires_at
        FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL
        "#,
        token_hash
    )
    .fetch_optional(db)
    .await
}

pub async fn delete_session(db: impl PgExecutor<'_>, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM user_sessions WHERE token_hash = $1",
        token_hash
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_expired_sessions(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query!("DELETE FROM user_sessions WHERE expires_at <= now()")
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Sets a new password and signs the account out everywhere.
pub async fn set_password(
    tx: &mut sqlx::PgConnection,
    user_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL WHERE id = $1",
        user_id,
        password_hash
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM user_sessions WHERE user_id = $1", user_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn list_users(db: impl PgExecutor<'_>) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        "SELECT id, email, name, role, locked_until, disabled_at, created_at FROM users ORDER BY email"
    )
    .fetch_all(db)
    .await
}

pub async fn find_user(db: impl PgExecutor<'_>, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        "SELECT id, email, name, role, locked_until, disabled_at, created_at FROM users WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

/// Changes an account's role, and disables or enables it (a disabled account's sessions end).
pub async fn update_user(
    tx: &mut sqlx::PgConnection,
    user_id: i64,
    role: &str,
    disabled: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        UPDATE users SET role = $2,
          disabled_at = CASE WHEN $3 THEN coalesce(disabled_at, now()) END
        WHERE id = $1
        "#,
        user_id,
        role,
        disabled
    )
    .execute(&mut *tx)
    .await?;
    if disabled {
        sqlx::query!("DELETE FROM user_sessions WHERE user_id = $1", user_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Serialises changes of roles and of disabled accounts until the transaction ends, so that
/// two admins demoting each other at the same moment cannot both count two admins and leave
/// none. Every such change takes it before reading the accounts it checks.
pub async fn lock_admin_changes(tx: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!(r#"SELECT 1 AS "locked!" FROM pg_advisory_xact_lock(7346278)"#)
        .fetch_one(&mut *tx)
        .await?;
    Ok(())
}

/// Admins who can still sign in: the last one may not be demoted or disabled.
pub async fn count_active_admins(db: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM users WHERE role = 'admin' AND disabled_at IS NULL"#
    )
    .fetch_one(db)
    .await
}

/// A feed token as its owner sees it (never the secret itself).
#[derive(Debug, Clone)]
pub struct FeedTokenRow {
    pub id: i64,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn create_feed_token(
    db: impl PgExecutor<'_>,
    user_id: i64,
    token_hash: &str,
    label: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO feed_tokens (user_id, token_hash, label) VALUES ($1, $2, $3) RETURNING id",
        user_id,
        token_hash,
        label
    )
    .fetch_one(db)
    .await
}

pub async fn list_feed_tokens(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> Result<Vec<FeedTokenRow>, sqlx::Error> {
    sqlx::query_as!(
        FeedTokenRow,
        r#"
        SELECT id, label, created_at, last_used_at, revoked_at FROM feed_tokens
        WHERE user_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC
        "#,
        user_id
    )
    .fetch_all(db)
    .await
}

/// Revokes one of the user's own tokens; returns its label, or None when there is no such
/// live token.
pub async fn revoke_feed_token(
    db: impl PgExecutor<'_>,
    user_id: i64,
    token_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        UPDATE feed_tokens SET revoked_at = now()
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL
        RETURNING label
        "#,
        token_id,
        user_id
    )
    .fetch_optional(db)
    .await
}

/// The owner of a live feed token of an enabled account, noting the use at most once a
/// minute: a calendar app polling every few seconds must not write (and so end every cached
/// result and add a WAL record) on each fetch.
pub async fn use_feed_token(
    db: impl PgExecutor<'_>,
    token_hash: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    sqlx::query_as!(
        SessionUser,
        r#"
        WITH live AS (
          SELECT id, user_id, last_used_at FROM feed_tokens
          WHERE token_hash = $1 AND revoked_at IS NULL
        ),
        noted AS (
          UPDATE feed_tokens t SET last_used_at = now()
          FROM live
          WHERE t.id = live.id
            AND (live.last_used_at IS NULL OR live.last_used_at < now() - interval '1 minute')
        )
        SELECT u.id AS user_id, u.email, u.name, u.role, '' AS "csrf_token!",
               now() AS "expires_at!"
        FROM live JOIN users u ON u.id = live.user_id
        WHERE u.disabled_at IS NULL
        "#,
        token_hash
    )
    .fetch_optional(db)
    .await
}

/// One change, for the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub user_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub link: Option<&'a str>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn record_audit(
    db: impl PgExecutor<'_>,
    entry: &AuditEntry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO audit_log (user_id, actor_name, action, subject, link, before, after)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        "#,
        entry.user_id,
        entry.actor_name,
        entry.action,
        entry.subject,
        entry.link,
        entry.before,
        entry.after
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A line of the audit log.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub action: String,
    pub subject: String,
    pub link: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The newest changes first, optionally of one subject, `limit` from `offset`.
pub async fn list_audit(
    db: impl PgExecutor<'_>,
    subject: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as!(
        AuditRow,
        r#"
        SELECT id, at, actor_name, action, subject, link, before, after FROM audit_log
        WHERE ($1::text IS NULL OR subject = $1)
        ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3
        "#,
        subject,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}
