//! The obligations list's filter as people and links send it (the query string of
//! `/obligations`, a saved list's or a subscriber's), parsed and checked once here, below the
//! pages and the digest that use it, and said in words. `ObligationFilter` is what it becomes
//! for the queries, whose one SQL rendering is in `dashboard.rs`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{ActorName, FollowUpStatus, ObligationFilter, ObligationSort};
use crate::resolution::ObligationKind;

/// The years a date typed into a page may have.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 9999;

/// An optional ISO date from a query or form field; empty means absent. The error says what
/// `field` must be.
pub fn parse_day(value: Option<&str>, field: &str) -> Result<Option<NaiveDate>, String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .ok()
            // Pages add weeks and months to the day: far years would overflow the calendar.
            .filter(|d| (FIRST_YEAR..=LAST_YEAR).contains(&d.year()))
            .map(Some)
            .ok_or_else(|| {
                format!(
                    "{field} must be a date written YYYY-MM-DD, from {FIRST_YEAR} to {LAST_YEAR}, not {v:?}"
                )
            }),
    }
}

/// The list's query string: every filter, the sort, the page and the day.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "is_blank")]
    pub body: Option<String>,
    /// The session that adopted the resolution.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub session: Option<String>,
    /// A session the obligation is due at (its deadline names it).
    #[serde(default, skip_serializing_if = "is_blank")]
    pub due_session: Option<String>,
    /// `overdue`: outstanding, past the last day of its window, and of a kind that can be late.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub status: Option<String>,
    /// An obligation kind's code: that kind only.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub due_from: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub due_to: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub q: Option<String>,
    /// A resolution's id: its obligations only.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub resolution: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub as_of: Option<String>,
}

impl ListQuery {
    /// The names the list's query string has; a saved filter or a digest's refuses others.
    pub const KEYS: [&'static str; 15] = [
        "body",
        "session",
        "due_session",
        "state",
        "actor",
        "action",
        "status",
        "kind",
        "due_from",
        "due_to",
        "q",
        "resolution",
        "sort",
        "page",
        "as_of",
    ];
}

fn is_blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn blank_to_none(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub const BODIES: [&str; 5] = ["GA", "SC", "HRC", "ECOSOC", "OTHER"];
pub const ACTIONS: [&str; 6] = [
    "decision",
    "request",
    "invitation",
    "call",
    "encouragement",
    "position",
];

/// What is wrong with one field of the list's filter: the page shows it beside that field.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    /// The query parameter's name (`due_from`, `body` ...).
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }

    /// The message when the field is `field`.
    pub fn on(&self, field: &str) -> Option<&str> {
        (self.field == field).then_some(self.message.as_str())
    }
}

impl ListQuery {
    /// The store filter, or what is wrong with which field.
    pub fn filter(&self) -> Result<ObligationFilter, FieldError> {
        let body = blank_to_none(&self.body);
        if let Some(b) = &body
            && !BODIES.contains(&b.as_str())
        {
            return Err(FieldError::new(
                "body",
                format!("unknown body {b:?}: use GA, SC, HRC, ECOSOC or OTHER"),
            ));
        }
        let action = blank_to_none(&self.action);
        if let Some(a) = &action
            && !ACTIONS.contains(&a.as_str())
        {
            return Err(FieldError::new(
                "action",
                format!("unknown action {a:?}: choose one of the list"),
            ));
        }
        let status = blank_to_none(&self.status);
        if let Some(s) = &status
            && s != "outstanding"
            && s.parse::<FollowUpStatus>().is_err()
        {
            return Err(FieldError::new(
                "status",
                format!("unknown status {s:?}: choose one of the list"),
            ));
        }
        let kinds = match blank_to_none(&self.kind) {
            None => Vec::new(),
            Some(k) => vec![
                k.parse::<ObligationKind>()
                    .map_err(|e| FieldError::new("kind", e))?
                    .as_str()
                    .to_string(),
            ],
        };
        let number = |v: &Option<String>, field: &'static str| -> Result<Option<i64>, FieldError> {
            blank_to_none(v)
                .map(|s| {
                    s.parse::<i64>().map_err(|_| {
                        FieldError::new(field, format!("{field} must be a number, not {s:?}"))
                    })
                })
                .transpose()
        };
        let session_number = |v: &Option<String>,
                              field: &'static str|
         -> Result<Option<i32>, FieldError> {
            number(v, field)?
                .map(|s| {
                    i32::try_from(s).map_err(|_| {
                        FieldError::new(field, format!("{field} must be a session number, not {s}"))
                    })
                })
                .transpose()
        };
        let date = |v: &Option<String>, field: &'static str| {
            parse_day(v.as_deref(), field).map_err(|message| FieldError::new(field, message))
        };
        let mut filter = ObligationFilter {
            body,
            session: session_number(&self.session, "session")?,
            due_session: session_number(&self.due_session, "due_session")?,
            actor_id: number(&self.actor, "actor")?,
            action,
            status,
            due_from: date(&self.due_from, "due_from")?,
            due_to: date(&self.due_to, "due_to")?,
            text: blank_to_none(&self.q),
            document_id: number(&self.resolution, "resolution")?,
            kinds,
            as_of: date(&self.as_of, "as_of")?,
        };
        match blank_to_none(&self.state).as_deref() {
            None => {}
            Some("overdue") => {
                let today = filter
                    .as_of
                    .unwrap_or_else(|| chrono::Local::now().date_naive());
                let yesterday = today.pred_opt().unwrap_or(today);
                filter.status = Some("outstanding".into());
                filter.due_to = Some(filter.due_to.map_or(yesterday, |d| d.min(yesterday)));
                filter = filter.late_kinds_only();
            }
            Some(other) => {
                return Err(FieldError::new(
                    "state",
                    format!("unknown state {other:?}: use overdue, or the status filter"),
                ));
            }
        }
        Ok(filter)
    }

    pub fn sort(&self) -> Result<ObligationSort, FieldError> {
        match blank_to_none(&self.sort) {
            None => Ok(ObligationSort::default()),
            Some(s) => ObligationSort::parse(&s).ok_or_else(|| {
                FieldError::new(
                    "sort",
                    format!("unknown sort {s:?}: choose one of the list"),
                )
            }),
        }
    }
}

impl ListQuery {
    /// The filter in words, in the order people say it: whose, what state, what kind, which
    /// body and session, when, which words.
    pub fn describe(&self, actors: &[ActorName]) -> String {
        let q = self;
        let value = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut words = Vec::new();
        if let Some(actor) = value(&q.actor) {
            words.push(
                actor
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| actors.iter().find(|a| a.id == id))
                    .map(|a| a.name.clone())
                    .unwrap_or_else(|| format!("actor {actor}")),
            );
        }
        if value(&q.state).as_deref() == Some("overdue") {
            words.push("overdue".into());
        }
        if let Some(status) = value(&q.status) {
            words.push(match status.parse::<FollowUpStatus>() {
                Ok(s) => s.label().to_string(),
                Err(_) => status,
            });
        }
        if let Some(kind) = value(&q.kind) {
            words.push(match kind.parse::<ObligationKind>() {
                Ok(k) => k.label().to_string(),
                Err(_) => kind,
            });
        }
        if let Some(action) = value(&q.action) {
            words.push(format!("{action}s"));
        }
        if let Some(body) = value(&q.body) {
            words.push(body);
        }
        if let Some(s) = value(&q.session) {
            words.push(format!("adopted at session {s}"));
        }
        if let Some(s) = value(&q.due_session) {
            words.push(format!("due at session {s}"));
        }
        if let Some(d) = value(&q.due_from) {
            words.push(format!("due from {d}"));
        }
        if let Some(d) = value(&q.due_to) {
            words.push(format!("due by {d}"));
        }
        if let Some(text) = value(&q.q) {
            words.push(format!("\u{201c}{text}\u{201d}"));
        }
        if value(&q.resolution).is_some() {
            words.push("one resolution".into());
        }
        if words.is_empty() {
            "everything".into()
        } else {
            words.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(s: &str) -> ListQuery {
        serde_urlencoded::from_str(s).unwrap()
    }

    #[test]
    fn a_query_string_becomes_the_store_filter_once() {
        let f = query("body=GA&actor=33&status=outstanding&kind=deliverable&due_from=2026-01-01")
            .filter()
            .unwrap();
        assert_eq!(f.body.as_deref(), Some("GA"));
        assert_eq!(f.actor_id, Some(33));
        assert_eq!(f.status.as_deref(), Some("outstanding"));
        assert_eq!(f.kinds, vec!["deliverable".to_string()]);
        assert_eq!(f.due_from, NaiveDate::from_ymd_opt(2026, 1, 1));
        // Blank fields are absent.
        assert!(query("body=&q=+").filter().unwrap().text.is_none());
    }

    #[test]
    fn a_wrong_field_is_named_with_what_it_must_be() {
        let e = query("due_to=5/12/2026").filter().unwrap_err();
        assert_eq!(e.field, "due_to");
        assert!(e.message.contains("YYYY-MM-DD"), "{e}");
        assert_eq!(query("body=UN").filter().unwrap_err().field, "body");
        assert_eq!(query("actor=x").filter().unwrap_err().field, "actor");
        assert_eq!(query("sort=size").sort().unwrap_err().field, "sort");
    }

    #[test]
    fn a_filter_reads_in_words() {
        let actors = [ActorName {
            id: 3,
            name: "Secretary-General".into(),
        }];
        assert_eq!(
            query("actor=3&status=outstanding&body=GA&q=women").describe(&actors),
            "Secretary-General, outstanding, GA, \u{201c}women\u{201d}"
        );
        assert_eq!(query("").describe(&actors), "everything");
    }
}
