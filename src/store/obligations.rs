//! The follow-up state of tracked obligations: changing it, with its history kept.

use sqlx::PgConnection;

/// Where an obligation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpStatus {
    Open,
    InProgress,
    Fulfilled,
    NotApplicable,
}

impl FollowUpStatus {
    pub const ALL: [FollowUpStatus; 4] = [
        FollowUpStatus::Open,
        FollowUpStatus::InProgress,
        FollowUpStatus::Fulfilled,
        FollowUpStatus::NotApplicable,
    ];

    /// The code stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpStatus::Open => "open",
            FollowUpStatus::InProgress => "in_progress",
            FollowUpStatus::Fulfilled => "fulfilled",
            FollowUpStatus::NotApplicable => "not_applicable",
        }
    }

    /// As people say it.
    pub fn label(self) -> &'static str {
        match self {
            FollowUpStatus::Open => "open",
            FollowUpStatus::InProgress => "in progress",
            FollowUpStatus::Fulfilled => "fulfilled",
            FollowUpStatus::NotApplicable => "not applicable",
        }
    }
}

impl std::str::FromStr for FollowUpStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                format!("unknown status {s:?}: use open, in_progress, fulfilled or not_applicable")
            })
    }
}

/// A change of follow-up state a person makes.
#[derive(Debug, Clone)]
pub struct StatusChange<'a> {
    pub status: FollowUpStatus,
    pub fulfilled_by: Option<&'a str>,
    pub note: &'a str,
    pub changed_by: &'a str,
    /// The day the change took effect (a report issued last month); today when not given.
    pub effective_on: Option<chrono::NaiveDate>,
}

/// The follow-up state an obligation had before a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousStatus {
    pub status: String,
    pub fulfilled_by: Option<String>,
    pub note: String,
    /// The document whose evidence set the state automatically, if one did.
    pub evidence_symbol: Option<String>,
}

/// Sets an obligation's follow-up state and records the change in its history, atomically.
/// Returns the state it had, or None when there is no such obligation.
pub async fn update_obligation_status(
    tx: &mut PgConnection,
    obligation_id: i64,
    change: &StatusChange<'_>,
) -> Result<Option<PreviousStatus>, sqlx::Error> {
    sqlx::query_as!(
        PreviousStatus,
        r#"
        WITH previous AS (
            SELECT id, status, fulfilled_by, note, evidence_symbol FROM obligations WHERE id = $1 FOR UPDATE
        ), updated AS (
            UPDATE obligations o
            SET status = $2, fulfilled_by = $3, note = $4, changed_by = $5, changed_at = now(),
                effective_on = coalesce($6, current_date), evidence_symbol = NULL,
                evidence_paragraph = NULL
            FROM previous WHERE o.id = previous.id
            RETURNING o.id, o.effective_on
        ), recorded AS (
            INSERT INTO obligation_events (obligation_id, status, fulfilled_by, note, changed_by,
                                           effective_on)
            SELECT id, $2, $3, $4, $5, effective_on FROM updated
        )
        SELECT status, fulfilled_by, note, evidence_symbol FROM previous
        "#,
        obligation_id,
        change.status.as_str(),
        change.fulfilled_by,
        change.note,
        change.changed_by,
        change.effective_on,
    )
    .fetch_optional(&mut *tx)
    .await
}
