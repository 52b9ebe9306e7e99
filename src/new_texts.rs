//! "New in this year's text" (issue 19): the new resolutions of the series a filter follows,
//! each against the text before it. One place for the digest and the feeds (JSON, calendar,
//! CSV), so that they all say the same thing.
//!
//! A text is new on a day when it was imported in the seven days up to that day (UTC days).
//! A series is followed when the filter, whatever status and due dates it asks for, matches an
//! obligation of the new text or of the one before it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::digest::compose::shorten;
use crate::resolution::series::{RequestChange, RequestChangeKind, diff_resolutions};
use crate::resolution::{SessionCalendar, read_resolution};
use crate::store::{self, ObligationFilter, ObligationSort};

/// How many days, counting the day itself, a text stays "new".
pub const NEW_FOR_DAYS: i64 = 7;

/// A new resolution of a followed series against the one before it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewText {
    pub series_id: i64,
    pub document_id: i64,
    pub symbol: String,
    pub previous_document_id: i64,
    pub previous_symbol: String,
    /// The (UTC) day it was imported.
    pub imported_on: NaiveDate,
    /// The series page, where every paragraph's change is shown.
    pub series_url: String,
    /// "technical update", or "2 paragraphs changed, 1 new, 0 dropped".
    pub verdict: String,
    /// Requests new, dropped, or asked of someone else or by another time.
    pub requests: Vec<RequestChange>,
}

impl NewText {
    /// "A/RES/78/43 against A/RES/76/28: technical update".
    pub fn headline(&self) -> String {
        format!(
            "{} against {}: {}",
            self.symbol, self.previous_symbol, self.verdict
        )
    }

    /// The changed requests, one line each, as the digest lists them.
    pub fn change_lines(&self) -> Vec<String> {
        self.requests.iter().map(describe_request_change).collect()
    }

    /// What changed for one obligation of this text (its operative paragraph's number and
    /// its verb as printed), or `None` when it is not of this text or its request did not
    /// change. A dropped request has no obligation in the new text, so it is never found
    /// here.
    pub fn change_for(&self, paragraph_number: &str, verb: &str) -> Option<&RequestChange> {
        let label = format!("OP{paragraph_number}");
        self.requests.iter().find(|c| {
            c.kind != RequestChangeKind::Dropped
                && c.paragraph_after.as_deref() == Some(label.as_str())
                && c.verb.eq_ignore_ascii_case(verb)
        })
    }
}

/// `[since, until)`: the UTC days from `NEW_FOR_DAYS - 1` days before `as_of` to its end.
pub fn span(as_of: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let day_start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    (
        day_start(as_of - chrono::Duration::days(NEW_FOR_DAYS - 1)),
        day_start(as_of + chrono::Duration::days(1)),
    )
}

/// The new texts of the series `filter` follows, imported in the seven days up to `as_of`,
/// oldest import first. Only the filter's choice of texts counts (body, session, actor,
/// action, kinds, words): its status, due dates and past day are set aside, since a new text
/// matters to whoever follows its series whatever stands where today.
pub async fn find_new_texts(
    pool: &PgPool,
    filter: &ObligationFilter,
    as_of: NaiveDate,
    base_url: &str,
) -> Result<Vec<NewText>, sqlx::Error> {
    let (since, until) = span(as_of);
    let candidates = store::list_new_series_texts(pool, since, until).await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let calendar = SessionCalendar::builtin();
    let base_url = base_url.trim_end_matches('/');
    let mut out = Vec::new();
    for text in candidates {
        if !follows(pool, filter, &[text.id, text.previous_id]).await? {
            continue;
        }
        // A text the reader cannot read any more (it was read once, at import) has no diff
        // to show; the series page says the same.
        let (Ok(before), Ok(after)) = (
            read_resolution(&text.previous_text, &calendar),
            read_resolution(&text.source_text, &calendar),
        ) else {
            continue;
        };
        let diff = diff_resolutions(&before, &after);
        out.push(NewText {
            series_id: text.series_id,
            document_id: text.id,
            symbol: text.symbol,
            previous_document_id: text.previous_id,
            previous_symbol: text.previous_symbol,
            imported_on: text.imported_at.date_naive(),
            series_url: format!("{base_url}/series/{}", text.series_id),
            verdict: diff.verdict(),
            requests: diff.requests,
        });
    }
    out.sort_by(|a, b| (a.imported_on, &a.symbol).cmp(&(b.imported_on, &b.symbol)));
    Ok(out)
}

/// Whether the filter matches an obligation of one of `documents`.
async fn follows(
    pool: &PgPool,
    filter: &ObligationFilter,
    documents: &[i64],
) -> Result<bool, sqlx::Error> {
    for &document in documents {
        let filter = ObligationFilter {
            document_id: Some(document),
            status: None,
            due_from: None,
            due_to: None,
            as_of: None,
            ..filter.clone()
        };
        let found =
            store::list_obligations(pool, &filter, ObligationSort::DueSoonest, 1, 0).await?;
        if !found.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One changed request in words: "New request (OP7): Invites Member States to …".
pub fn describe_request_change(change: &RequestChange) -> String {
    let paragraph = |p: &Option<String>| p.clone().unwrap_or_else(|| "?".into());
    match change.kind {
        RequestChangeKind::New => format!(
            "New request ({}): {}",
            paragraph(&change.paragraph_after),
            shorten(&change.text, 200)
        ),
        RequestChangeKind::Dropped => format!(
            "Dropped ({} of the earlier text): {}",
            paragraph(&change.paragraph_before),
            shorten(&change.text, 200)
        ),
        RequestChangeKind::ActorChanged => format!(
            "Asked of someone else ({}): {}",
            paragraph(&change.paragraph_after),
            actors_now_and_before(change)
        ),
        RequestChangeKind::DeadlineChanged => format!(
            "Another deadline ({}): {}",
            paragraph(&change.paragraph_after),
            deadlines_now_and_before(change)
        ),
    }
}

/// What the CSV's `new_in_this_years_text` column says of an obligation of a new text:
/// "new request against A/RES/76/28", "deadline changed against A/RES/76/28: now …, was …",
/// "actor changed against …", or "unchanged against A/RES/76/28".
pub fn describe_obligation(text: &NewText, paragraph_number: &str, verb: &str) -> String {
    let against = &text.previous_symbol;
    match text.change_for(paragraph_number, verb) {
        None => format!("unchanged against {against}"),
        Some(change) => match change.kind {
            RequestChangeKind::New | RequestChangeKind::Dropped => {
                format!("new request against {against}")
            }
            RequestChangeKind::ActorChanged => format!(
                "actor changed against {against}: {}",
                actors_now_and_before(change)
            ),
            RequestChangeKind::DeadlineChanged => format!(
                "deadline changed against {against}: {}",
                deadlines_now_and_before(change)
            ),
        },
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

fn actors_now_and_before(change: &RequestChange) -> String {
    format!(
        "now {}, was {}",
        list(&change.actors_after),
        list(&change.actors_before)
    )
}

fn deadlines_now_and_before(change: &RequestChange) -> String {
    format!(
        "now {}, was {}",
        list(&change.deadlines_after),
        list(&change.deadlines_before)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: RequestChangeKind) -> RequestChange {
        RequestChange {
            kind,
            verb: "Requests".into(),
            paragraph_before: Some("OP5".into()),
            paragraph_after: Some("OP5".into()),
            actors_before: vec!["Secretary-General".into()],
            actors_after: vec!["Secretary-General".into()],
            deadlines_before: vec!["at its seventy-sixth session".into()],
            deadlines_after: vec!["by 31 May 2024".into()],
            text: "Requests the Secretary-General to report".into(),
        }
    }

    fn text(requests: Vec<RequestChange>) -> NewText {
        NewText {
            series_id: 1,
            document_id: 9,
            symbol: "A/RES/78/43".into(),
            previous_document_id: 8,
            previous_symbol: "A/RES/76/28".into(),
            imported_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            series_url: "http://x/series/1".into(),
            verdict: "technical update".into(),
            requests,
        }
    }

    #[test]
    fn the_span_is_the_seven_days_up_to_the_day_in_utc() {
        let (since, until) = span(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
        assert_eq!(since.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2026-12-08T00:00:00+00:00");
    }

    #[test]
    fn an_obligation_is_matched_to_its_change_by_paragraph_and_verb() {
        let t = text(vec![
            change(RequestChangeKind::DeadlineChanged),
            RequestChange {
                paragraph_before: None,
                paragraph_after: Some("OP7".into()),
                verb: "Invites".into(),
                ..change(RequestChangeKind::New)
            },
        ]);
        assert_eq!(
            describe_obligation(&t, "5", "requests"),
            "deadline changed against A/RES/76/28: now by 31 May 2024, was at its seventy-sixth session"
        );
        assert_eq!(
            describe_obligation(&t, "7", "Invites"),
            "new request against A/RES/76/28"
        );
        assert_eq!(
            describe_obligation(&t, "6", "Decides"),
            "unchanged against A/RES/76/28"
        );
        assert_eq!(
            describe_obligation(&t, "7", "Requests"),
            "unchanged against A/RES/76/28"
        );
    }

    #[test]
    fn a_dropped_request_matches_no_obligation_of_the_new_text() {
        let t = text(vec![RequestChange {
            paragraph_after: None,
            ..change(RequestChangeKind::Dropped)
        }]);
        assert!(t.change_for("5", "Requests").is_none());
        assert_eq!(
            t.change_lines(),
            ["Dropped (OP5 of the earlier text): Requests the Secretary-General to report"]
        );
    }

    #[test]
    fn change_lines_say_what_moved() {
        let t = text(vec![RequestChange {
            actors_after: vec![],
            ..change(RequestChangeKind::ActorChanged)
        }]);
        assert_eq!(
            t.change_lines(),
            ["Asked of someone else (OP5): now none, was Secretary-General"]
        );
        assert_eq!(
            t.headline(),
            "A/RES/78/43 against A/RES/76/28: technical update"
        );
    }
}
