//! Obligations in the formats other tools read: CSV for spreadsheets, iCalendar for calendar
//! apps, JSON for scripts. Pure: rows in, text out; the web layer streams them.

use chrono::{DateTime, Days, NaiveDate, Utc};
use icalendar::{Component, Event, EventLike};
use serde::Serialize;

use crate::new_texts::{self, NewText};
use crate::resolution::series::RequestChangeKind;
use crate::resolution::window::{self, Precision};
use crate::resolution::{ObligationKind, ObligationState};
use crate::store::ObligationRow;

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 21] = [
    "obligation_id",
    "resolution",
    "body",
    "session",
    "paragraph",
    "verb",
    "action",
    "actors",
    "asks",
    "deadline",
    "due_on",
    "estimated",
    "status",
    "url",
    "resolution_url",
    "document_id",
    "kind",
    "state",
    "due_from",
    "due_precision",
    "due_words",
];

/// Links back to the dashboard, absolute so that they work from a spreadsheet or a calendar.
#[derive(Debug, Clone)]
pub struct Links {
    base_url: String,
}

impl Links {
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
        }
    }
    pub fn obligation(&self, id: i64) -> String {
        format!("{}/obligations/{id}", self.base_url)
    }
    pub fn resolution(&self, document_id: i64) -> String {
        format!("{}/resolutions/{document_id}", self.base_url)
    }
}

/// Where a row stands on `today`, looking ahead to `soon_until`, in the words of its kind.
pub fn state_of(row: &ObligationRow, today: NaiveDate, soon_until: NaiveDate) -> ObligationState {
    let kind = row.kind.parse().unwrap_or(ObligationKind::Other);
    ObligationState::of(kind, &row.status, row.due_on, today, soon_until)
}

/// One CSV record, in the order of [`CSV_HEADER`]; `state` is where it stands on the day the
/// export is for.
pub fn csv_record(row: &ObligationRow, state: ObligationState, links: &Links) -> [String; 21] {
    [
        row.id.to_string(),
        row.symbol.clone(),
        row.body.clone(),
        row.session.map(|s| s.to_string()).unwrap_or_default(),
        row.paragraph_number.clone(),
        row.verb.clone(),
        row.action.clone(),
        row.actors.clone(),
        row.clause_text.clone(),
        row.deadline_text.clone().unwrap_or_default(),
        row.due_on.map(|d| d.to_string()).unwrap_or_default(),
        row.estimated.to_string(),
        row.status.clone(),
        links.obligation(row.id),
        links.resolution(row.document_id),
        row.document_id.to_string(),
        row.kind.clone(),
        state.as_str().to_string(),
        row.due_from.map(|d| d.to_string()).unwrap_or_default(),
        row.due_precision.clone().unwrap_or_default(),
        row.due_words.clone().unwrap_or_default(),
    ]
}

/// "early 2026 (1 January – 30 April 2026)": the deadline's words and its window, when the
/// row has one.
pub fn window_words(row: &ObligationRow) -> Option<String> {
    let precision = Precision::parse(row.due_precision.as_deref()?)?;
    Some(window::describe(
        precision,
        row.due_words.as_deref().unwrap_or_default(),
        row.due_from?,
        row.due_on?,
    ))
}

/// The lines of a calendar before its events.
pub fn calendar_start(name: &str) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//mandates//obligations//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", escape_text(name)),
        // Calendar apps poll the feed; twice a day is often enough for deadlines.
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H".to_string(),
        "X-PUBLISHED-TTL:PT12H".to_string(),
    ] {
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

pub const CALENDAR_END: &str = "END:VCALENDAR\r\n";

/// One all-day event on an obligation's due day, or nothing when it has no date.
pub fn calendar_event(
    row: &ObligationRow,
    state: ObligationState,
    links: &Links,
    stamp: DateTime<Utc>,
) -> Option<String> {
    let due = row.due_on?;
    let url = links.obligation(row.id);
    let who = if row.actors.is_empty() {
        String::new()
    } else {
        format!("{}: ", row.actors)
    };
    let kind = row.kind.parse().unwrap_or(ObligationKind::Other);
    let summary = format!(
        "{} ¶{} {who}{} ({}, {})",
        row.symbol,
        row.paragraph_number,
        row.verb.to_lowercase(),
        kind.label(),
        state.label()
    );
    let mut description = format!("{}\n\n", row.clause_text);
    if let Some(words) = window_words(row) {
        description.push_str(&format!("Due: {words}\n"));
    }
    if let Some(deadline) = &row.deadline_text {
        description.push_str(&format!("Deadline: {deadline}"));
        if row.estimated {
            description.push_str(" (date estimated)");
        }
        description.push('\n');
    }
    description.push_str(&url);
    let event = Event::new()
        .uid(&format!("obligation-{}@mandates", row.id))
        .timestamp(stamp)
        .all_day(due)
        .ends(next_day(due))
        .summary(&summary)
        .description(&description)
        .url(&url)
        .done();
    Some(event.to_string())
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

/// TEXT value escaping of RFC 5545 (3.3.11), for the lines written here by hand.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// The CSV's last column: for an obligation of a new text of a followed series, what changed
/// in its request against the text before ([`new_texts::describe_obligation`]); empty for
/// every other obligation.
pub const CSV_NEW_TEXT_COLUMN: &str = "new_in_this_years_text";

/// The [`CSV_NEW_TEXT_COLUMN`] cell of a row.
pub fn new_text_cell(row: &ObligationRow, texts: &[NewText]) -> String {
    texts
        .iter()
        .find(|t| t.document_id == row.document_id)
        .map(|t| new_texts::describe_obligation(t, &row.paragraph_number, &row.verb))
        .unwrap_or_default()
}

/// One all-day event on the day a new text of a followed series was imported: "New in this
/// year's text: A/RES/78/43", with the verdict, the changed requests and the series page.
pub fn new_text_event(text: &NewText, stamp: DateTime<Utc>) -> String {
    let mut description = text.headline();
    let changes = text.change_lines();
    if !changes.is_empty() {
        description.push('\n');
        for line in changes {
            description.push_str(&format!("\n- {line}"));
        }
    }
    description.push_str(&format!("\n\n{}", text.series_url));
    Event::new()
        .uid(&format!("new-text-{}@mandates", text.document_id))
        .timestamp(stamp)
        .all_day(text.imported_on)
        .ends(next_day(text.imported_on))
        .summary(&format!("New in this year's text: {}", text.symbol))
        .description(&description)
        .url(&text.series_url)
        .done()
        .to_string()
}

/// A new text of a followed series in the JSON API (`new_in_this_years_text`).
#[derive(Debug, Serialize)]
pub struct NewTextJson<'a> {
    pub symbol: &'a str,
    pub url: String,
    pub previous_symbol: &'a str,
    pub previous_url: String,
    /// Where every paragraph's change is shown.
    pub series_url: &'a str,
    /// The (UTC) day it was imported.
    pub imported_on: NaiveDate,
    /// "technical update", or "2 paragraphs changed, 1 new, 0 dropped".
    pub verdict: &'a str,
    /// Requests new, dropped, or asked of someone else or by another time.
    pub changes: Vec<RequestChangeJson<'a>>,
}

/// A changed request of a new text.
#[derive(Debug, Serialize)]
pub struct RequestChangeJson<'a> {
    /// new, dropped, actor_changed or deadline_changed.
    pub kind: RequestChangeKind,
    /// The change in a line, as the digest says it.
    pub says: String,
    pub verb: &'a str,
    /// Operative paragraph labels ("OP5"); none for a new (before) or dropped (after) request.
    pub paragraph_before: Option<&'a str>,
    pub paragraph_after: Option<&'a str>,
    pub actors_before: &'a [String],
    pub actors_after: &'a [String],
    /// The deadlines' words as printed.
    pub deadlines_before: &'a [String],
    pub deadlines_after: &'a [String],
    /// The clause's words in the new text (the earlier one for a dropped request).
    pub text: &'a str,
}

impl<'a> NewTextJson<'a> {
    pub fn new(text: &'a NewText, links: &Links) -> Self {
        Self {
            symbol: &text.symbol,
            url: links.resolution(text.document_id),
            previous_symbol: &text.previous_symbol,
            previous_url: links.resolution(text.previous_document_id),
            series_url: &text.series_url,
            imported_on: text.imported_on,
            verdict: &text.verdict,
            changes: text
                .requests
                .iter()
                .map(|c| RequestChangeJson {
                    kind: c.kind,
                    says: new_texts::describe_request_change(c),
                    verb: &c.verb,
                    paragraph_before: c.paragraph_before.as_deref(),
                    paragraph_after: c.paragraph_after.as_deref(),
                    actors_before: &c.actors_before,
                    actors_after: &c.actors_after,
                    deadlines_before: &c.deadlines_before,
                    deadlines_after: &c.deadlines_after,
                    text: &c.text,
                })
                .collect(),
        }
    }
}

/// An obligation in the JSON API.
#[derive(Debug, Serialize)]
pub struct ObligationJson<'a> {
    pub id: i64,
    pub url: String,
    /// The follow-up status people set: open, in_progress, fulfilled, not_applicable.
    pub status: &'a str,
    /// deliverable, agenda_inclusion, event, mandate_period, review or other.
    pub kind: &'a str,
    /// Where it stands on the day asked for, in its kind's words (overdue, on_agenda, held ...).
    pub state: &'static str,
    /// The last day of the window: late only after it.
    pub due_on: Option<NaiveDate>,
    /// The first day of the window.
    pub due_from: Option<NaiveDate>,
    /// day, month, quarter, half_year, early_year, mid_year, late_year, year, session, recurring.
    pub due_precision: Option<&'a str>,
    /// The deadline's own words ("early 2026").
    pub due_words: Option<&'a str>,
    pub estimated: bool,
    pub deadline: Option<&'a str>,
    pub resolution: ResolutionRefJson<'a>,
    pub paragraph: &'a str,
    pub verb: &'a str,
    pub action: &'a str,
    pub actors: Vec<&'a str>,
    pub text: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ResolutionRefJson<'a> {
    pub id: i64,
    pub symbol: &'a str,
    pub body: &'a str,
    pub session: Option<i32>,
    pub url: String,
}

impl<'a> ObligationJson<'a> {
    pub fn new(row: &'a ObligationRow, state: ObligationState, links: &Links) -> Self {
        Self {
            id: row.id,
            url: links.obligation(row.id),
            status: &row.status,
            kind: &row.kind,
            state: state.as_str(),
            due_on: row.due_on,
            due_from: row.due_from,
            due_precision: row.due_precision.as_deref(),
            due_words: row.due_words.as_deref(),
            estimated: row.estimated,
            deadline: row.deadline_text.as_deref(),
            resolution: ResolutionRefJson {
                id: row.document_id,
                symbol: &row.symbol,
                body: &row.body,
                session: row.session,
                url: links.resolution(row.document_id),
            },
            paragraph: &row.paragraph_number,
            verb: &row.verb,
            action: &row.action,
            actors: row.actors.split("; ").filter(|a| !a.is_empty()).collect(),
            text: &row.clause_text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ObligationRow {
        ObligationRow {
            id: 7,
            status: "in_progress".into(),
            kind: "deliverable".into(),
            due_on: NaiveDate::from_ymd_opt(2021, 9, 14),
            due_from: NaiveDate::from_ymd_opt(2021, 9, 14),
            due_precision: Some("session".into()),
            due_words: Some("seventy-sixth session".into()),
            document_id: 3,
            symbol: "A/RES/75/58".into(),
            body: "GA".into(),
            session: Some(75),
            paragraph_number: "5".into(),
            verb: "Requests".into(),
            action: "request".into(),
            clause_text: "Requests the Secretary-General to report, with views; and \"notes\", \
                          to the General Assembly at its seventy-sixth session, a long sentence \
                          that a calendar line must fold"
                .into(),
            actors: "Secretary-General; Member States".into(),
            deadline_text: Some("at its seventy-sixth session".into()),
            estimated: false,
        }
    }

    #[test]
    fn csv_record_follows_the_header_with_absolute_links() {
        let links = Links::new("https://tracker.example/");
        let record = csv_record(&row(), ObligationState::DueSoon, &links);
        let field = |name: &str| &record[CSV_HEADER.iter().position(|h| *h == name).unwrap()];
        assert_eq!(field("resolution"), "A/RES/75/58");
        assert_eq!(field("due_on"), "2021-09-14");
        assert_eq!(field("url"), "https://tracker.example/obligations/7");
        assert_eq!(
            field("resolution_url"),
            "https://tracker.example/resolutions/3"
        );
        assert_eq!(field("session"), "75");
        assert_eq!(field("kind"), "deliverable");
        assert_eq!(field("state"), "due_soon");
    }

    #[test]
    fn calendar_event_is_all_day_escaped_and_folded() {
        let stamp = DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let text = calendar_event(
            &row(),
            ObligationState::Later,
            &Links::new("http://x"),
            stamp,
        )
        .unwrap();
        assert!(text.starts_with("BEGIN:VEVENT\r\n"), "{text}");
        assert!(text.contains("DTSTART;VALUE=DATE:20210914\r\n"), "{text}");
        assert!(text.contains("DTEND;VALUE=DATE:20210915\r\n"), "{text}");
        assert!(text.contains("UID:obligation-7@mandates\r\n"), "{text}");
        assert!(text.contains("views\\; and"), "semicolons escaped: {text}");
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line longer than 75 octets: {line:?}");
        }
    }

    #[test]
    fn no_event_without_a_date() {
        let mut r = row();
        r.due_on = None;
        assert!(
            calendar_event(
                &r,
                ObligationState::NoDate,
                &Links::new("http://x"),
                Utc::now()
            )
            .is_none()
        );
    }

    #[test]
    fn calendar_name_is_escaped() {
        let start = calendar_start("GA, 81; outstanding");
        assert!(start.contains("X-WR-CALNAME:GA\\, 81\\; outstanding\r\n"));
        assert!(start.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    }

    #[test]
    fn json_lists_actors_separately() {
        let r = row();
        let json = ObligationJson::new(&r, ObligationState::Later, &Links::new("http://x"));
        assert_eq!(json.actors, ["Secretary-General", "Member States"]);
        let mut r = row();
        r.actors.clear();
        assert!(
            ObligationJson::new(&r, ObligationState::Later, &Links::new("http://x"))
                .actors
                .is_empty()
        );
    }
}
