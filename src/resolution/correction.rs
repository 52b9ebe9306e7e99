//! Corrections editors make to what the reader found in a clause, and applying them over a
//! fresh reading of the text, so that they outlast every re-import.
//!
//! A correction is anchored where an obligation is (the operative paragraph's number, the
//! verb and its occurrence among equal verbs there) and carries the fingerprint of the
//! paragraph's words when it was made: a paragraph reworded since no longer fits, and its
//! corrections wait for an editor ("needs review") instead of being applied to words they were
//! not made for.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::calendar::SessionCalendar;
use super::kind::ObligationKind;
use super::model::{Action, Actor, Body, Clause, Deadline, DeadlineKind, Resolution, Unit};
use super::window::{DueWindow, Precision, window_from};

/// The fingerprint of a paragraph's words: the same words in any spacing or case give the same.
pub fn fingerprint(text: &str) -> String {
    let normal = text
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ");
    let digest = Sha256::digest(normal.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What one correction changes in a clause. Stored as its `field` code and its value (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum Fix {
    /// The class of what the clause does.
    Action(Action),
    /// Whom it addresses, by name (canonical or new).
    Actors(Vec<String>),
    Deliverables(Vec<String>),
    /// Its deadline, or none.
    Deadline(Option<DeadlineFix>),
    /// The obligation's kind (a code of [`ObligationKind`]).
    Kind(String),
    /// Whether it is followed up at all.
    Tracked(bool),
    /// A clause the reader missed, with its action; its other fields come as their own fixes.
    Added(Action),
    /// An editor checked the reading and it is right: it leaves the review queue.
    LooksRight,
}

impl Fix {
    /// The field code stored beside the value.
    pub fn field(&self) -> &'static str {
        match self {
            Fix::Action(_) => "action",
            Fix::Actors(_) => "actors",
            Fix::Deliverables(_) => "deliverables",
            Fix::Deadline(_) => "deadline",
            Fix::Kind(_) => "kind",
            Fix::Tracked(_) => "tracked",
            Fix::Added(_) => "added",
            Fix::LooksRight => "looks_right",
        }
    }

    /// The value stored beside the field code.
    pub fn value(&self) -> serde_json::Value {
        serde_json::to_value(self)
            .ok()
            .and_then(|mut v| v.get_mut("value").map(serde_json::Value::take))
            .unwrap_or(serde_json::Value::Null)
    }

    /// The fix from its stored field code and value; None for a code this version lacks.
    pub fn from_stored(field: &str, value: serde_json::Value) -> Option<Fix> {
        let tagged = if value.is_null() && field == "looks_right" {
            serde_json::json!({ "field": field })
        } else {
            serde_json::json!({ "field": field, "value": value })
        };
        serde_json::from_value(tagged).ok()
    }
}

/// A deadline as an editor gives it: its kind, its value in words a form can carry, the
/// words of the text, and, when the words allow a window, its first and last day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineFix {
    /// "session", "date", "month", "year", "within" or "periodic".
    pub kind: String,
    /// "GA 80" (session), "2026-03-31" (date), "2026-03" (month), "2026" (year), "6 month"
    /// (within, periodic).
    pub value: String,
    /// The words of the text it stands for ("by the end of March 2026"); may be empty.
    #[serde(default)]
    pub words: String,
    /// The date it resolves to, computed when the correction was made.
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    pub estimated: bool,
    /// The window an editor set, when it differs from what the kind implies.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// Why a deadline given in a form is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineFixError {
    #[error(
        "\u{201c}{0}\u{201d} is not a kind of deadline: choose session, date, month, year, within or periodic."
    )]
    Kind(String),
    #[error("\u{201c}{value}\u{201d} is not a {kind} deadline: write it as {example}.")]
    Value {
        kind: String,
        value: String,
        example: &'static str,
    },
    #[error("The window ends before it starts: check its first and last day.")]
    Window,
}

impl DeadlineFix {
    /// Reads a deadline from a form and resolves it to a date (sessions through `calendar`,
    /// "within" from the adoption day).
    pub fn parse(
        kind: &str,
        value: &str,
        words: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        adopted_on: Option<NaiveDate>,
        calendar: &SessionCalendar,
    ) -> Result<DeadlineFix, DeadlineFixError> {
        let mut fix = DeadlineFix {
            kind: kind.to_string(),
            value: value.trim().to_string(),
            words: words.trim().to_string(),
            due_on: None,
            estimated: false,
            from,
            to,
        };
        let deadline_kind = fix.deadline_kind()?;
        fix.due_on = match deadline_kind {
            DeadlineKind::Session { body, session } => {
                calendar.opening_day(body, session).map(|(day, estimated)| {
                    fix.estimated = estimated;
                    day
                })
            }
            DeadlineKind::Date { date } => Some(date),
            DeadlineKind::Month { year, month } => last_day_of_month(year, month),
            DeadlineKind::Year { year } => NaiveDate::from_ymd_opt(year, 12, 31),
            DeadlineKind::Within { amount, unit } | DeadlineKind::Periodic { amount, unit } => {
                adopted_on.and_then(|d| add_period(d, amount, unit))
            }
        };
        if let (Some(from), Some(to)) = (fix.from, fix.to)
            && to < from
        {
            return Err(DeadlineFixError::Window);
        }
        Ok(fix)
    }

    /// What the value says, by kind.
    pub fn deadline_kind(&self) -> Result<DeadlineKind, DeadlineFixError> {
        let bad = |example| DeadlineFixError::Value {
            kind: self.kind.clone(),
            value: self.value.clone(),
            example,
        };
        let v = self.value.as_str();
        Ok(match self.kind.as_str() {
            "session" => {
                let example = "a body and a session number, such as \u{201c}GA 80\u{201d}";
                let (body, number) = v.rsplit_once(' ').ok_or_else(|| bad(example))?;
                DeadlineKind::Session {
                    body: Body::from_code(body.trim()).ok_or_else(|| bad(example))?,
                    session: number.trim().parse().map_err(|_| bad(example))?,
                }
            }
            "date" => DeadlineKind::Date {
                date: NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| bad("a day, such as \u{201c}2026-03-31\u{201d}"))?,
            },
            "month" => {
                let example = "a year and month, such as \u{201c}2026-03\u{201d}";
                let (y, m) = v.split_once('-').ok_or_else(|| bad(example))?;
                let month: u32 = m.parse().map_err(|_| bad(example))?;
                if !(1..=12).contains(&month) {
                    return Err(bad(example));
                }
                DeadlineKind::Month {
                    year: y.parse().map_err(|_| bad(example))?,
                    month,
                }
            }
            "year" => DeadlineKind::Year {
                year: v
                    .parse()
                    .map_err(|_| bad("a year, such as \u{201c}2026\u{201d}"))?,
            },
            "within" | "periodic" => {
                let example = "a number and a unit, such as \u{201c}6 month\u{201d}";
                let (amount, unit) = v.split_once(' ').ok_or_else(|| bad(example))?;
                let unit = match unit.trim().trim_end_matches('s') {
                    "day" => Unit::Day,
                    "week" => Unit::Week,
                    "month" => Unit::Month,
                    "year" => Unit::Year,
                    _ => return Err(bad(example)),
                };
                let amount = amount.parse().map_err(|_| bad(example))?;
                if self.kind == "within" {
                    DeadlineKind::Within { amount, unit }
                } else {
                    DeadlineKind::Periodic { amount, unit }
                }
            }
            other => return Err(DeadlineFixError::Kind(other.to_string())),
        })
    }

    /// The deadline as the reader would have found it.
    pub fn to_deadline(&self) -> Option<Deadline> {
        Some(Deadline {
            kind: self.deadline_kind().ok()?,
            text: if self.words.is_empty() {
                self.value.clone()
            } else {
                self.words.clone()
            },
            due_on: self.due_on,
            estimated: self.estimated,
        })
    }

    /// The window the obligation is held to, when an editor set one.
    pub fn window(&self) -> Option<DueWindow> {
        let due = self.due_on;
        let (earliest, latest) = match (self.from, self.to) {
            (None, None) => return None,
            (from, to) => (from.or(due)?, to.or(due)?),
        };
        let precision = if earliest == latest {
            Precision::Day
        } else {
            // The closest of the named spans that is not narrower than the window.
            let base = window_from("month", "", latest);
            if base.earliest <= earliest {
                Precision::Month
            } else {
                Precision::Year
            }
        };
        Some(DueWindow {
            earliest,
            latest,
            precision,
            words: self.to_deadline().map(|d| d.text).unwrap_or_default(),
        })
    }
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

fn add_period(day: NaiveDate, amount: u32, unit: Unit) -> Option<NaiveDate> {
    match unit {
        Unit::Day => day.checked_add_days(chrono::Days::new(amount.into())),
        Unit::Week => day.checked_add_days(chrono::Days::new(u64::from(amount) * 7)),
        Unit::Month => day.checked_add_months(Months::new(amount)),
        Unit::Year => day.with_year(day.year() + amount as i32),
    }
}

/// A stored correction, as applying it needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub id: i64,
    pub paragraph: String,
    pub verb: String,
    pub occurrence: i32,
    /// The paragraph's [`fingerprint`] when the correction was made.
    pub fingerprint: String,
    pub fix: Fix,
}

/// What became of one correction over a reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// A later correction of the same clause and field replaced it.
    Superseded,
    /// It no longer fits the text; why, in an editor's words.
    NeedsReview(String),
}

/// What a clause's corrections decide beyond the clause itself, by (operative paragraph
/// index, clause index).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClauseOverride {
    pub tracked: Option<bool>,
    pub kind: Option<ObligationKind>,
    pub window: Option<DueWindow>,
    /// An editor changed or checked this clause: the review queue leaves it out.
    pub reviewed: bool,
}

/// Applies `corrections` (in the order they were made) to a fresh reading. Returns what
/// became of each, by id, and the overrides of tracking, kind and window.
pub fn apply_corrections(
    res: &mut Resolution,
    corrections: &[Correction],
) -> (
    HashMap<i64, Outcome>,
    HashMap<(usize, usize), ClauseOverride>,
) {
    let mut outcomes = HashMap::new();
    let mut overrides: HashMap<(usize, usize), ClauseOverride> = HashMap::new();
    // Only the latest correction of a clause's field counts; earlier ones are its history.
    let mut latest: HashMap<(&str, &str, i32, &str), i64> = HashMap::new();
    for c in corrections {
        latest.insert((&c.paragraph, &c.verb, c.occurrence, c.fix.field()), c.id);
    }
    // Added clauses first, so that fixes of their fields find them.
    let mut ordered: Vec<&Correction> = corrections.iter().collect();
    ordered.sort_by_key(|c| (!matches!(c.fix, Fix::Added(_)), c.id));
    for c in ordered {
        if latest[&(
            c.paragraph.as_str(),
            c.verb.as_str(),
            c.occurrence,
            c.fix.field(),
        )] != c.id
        {
            outcomes.insert(c.id, Outcome::Superseded);
            continue;
        }
        let mut outcome = apply_one(res, c, &mut overrides);
        // An editor who, after the text changed, says the clause now reads right has answered
        // the corrections waiting for review.
        if matches!(outcome, Outcome::NeedsReview(_))
            && latest
                .get(&(
                    c.paragraph.as_str(),
                    c.verb.as_str(),
                    c.occurrence,
                    "looks_right",
                ))
                .is_some_and(|&checked| checked > c.id)
        {
            outcome = Outcome::Superseded;
        }
        outcomes.insert(c.id, outcome);
    }
    (outcomes, overrides)
}

fn apply_one(
    res: &mut Resolution,
    c: &Correction,
    overrides: &mut HashMap<(usize, usize), ClauseOverride>,
) -> Outcome {
    // "Looks right" said of a whole text's warnings: nothing to apply to a clause.
    if c.paragraph.is_empty() {
        return Outcome::Applied;
    }
    let Some(pi) = res.operative.iter().position(|p| p.number == c.paragraph) else {
        return Outcome::NeedsReview(format!(
            "paragraph {} is no longer in the text",
            c.paragraph
        ));
    };
    let paragraph = &mut res.operative[pi];
    if fingerprint(&paragraph.text) != c.fingerprint {
        return Outcome::NeedsReview(format!(
            "paragraph {} was reworded since this correction was made",
            c.paragraph
        ));
    }
    let found = clause_index(&paragraph.clauses, &c.verb, c.occurrence);
    let ci = match (found, &c.fix) {
        (Some(ci), _) => ci,
        (None, Fix::Added(action)) => {
            // The clause's words: from its verb on, when the paragraph has it.
            let lower = paragraph.text.to_lowercase();
            let text = match lower.find(&c.verb.to_lowercase()) {
                Some(at) if paragraph.text.is_char_boundary(at) => paragraph.text[at..].to_string(),
                _ => paragraph.text.clone(),
            };
            paragraph.clauses.push(Clause {
                verb: c.verb.clone(),
                action: *action,
                actors: Vec::new(),
                deliverables: Vec::new(),
                deadlines: Vec::new(),
                text,
            });
            paragraph.clauses.len() - 1
        }
        (None, _) => {
            return Outcome::NeedsReview(format!(
                "the reader no longer finds \u{201c}{}\u{201d} in paragraph {}",
                c.verb, c.paragraph
            ));
        }
    };
    let clause = &mut paragraph.clauses[ci];
    let over = overrides.entry((pi, ci)).or_default();
    over.reviewed = true;
    match &c.fix {
        Fix::Action(a) | Fix::Added(a) => clause.action = *a,
        Fix::Actors(names) => {
            clause.actors = names
                .iter()
                .map(|n| Actor {
                    name: n.clone(),
                    canonical: None,
                })
                .collect();
        }
        Fix::Deliverables(d) => clause.deliverables = d.clone(),
        Fix::Deadline(None) => {
            clause.deadlines.clear();
            over.window = None;
        }
        Fix::Deadline(Some(d)) => {
            clause.deadlines = d.to_deadline().into_iter().collect();
            over.window = d.window();
        }
        Fix::Kind(code) => over.kind = code.parse().ok(),
        Fix::Tracked(t) => over.tracked = Some(*t),
        Fix::LooksRight => {}
    }
    Outcome::Applied
}

/// What admins decided about an actor's name (`actor_curation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorVerdict {
    /// Merged into, or renamed to, this canonical actor.
    Becomes(String),
    /// A fragment the reader took for an actor ("concerned").
    NotAnActor,
}

/// Maps every actor of every clause through the admins' verdicts: a name (as printed, or its
/// canonical name) merged or renamed takes the new canonical name; one that is not an actor
/// is dropped. Chains (A merged into B, B renamed C) are followed.
pub fn apply_actor_curation(res: &mut Resolution, verdicts: &HashMap<String, ActorVerdict>) {
    if verdicts.is_empty() {
        return;
    }
    for clause in res.operative.iter_mut().flat_map(|p| p.clauses.iter_mut()) {
        clause.actors.retain_mut(|actor| {
            let mut name = actor
                .canonical
                .clone()
                .unwrap_or_else(|| actor.name.clone());
            if let Some(v) = verdicts.get(&actor.name) {
                match v {
                    ActorVerdict::NotAnActor => return false,
                    ActorVerdict::Becomes(t) => name = t.clone(),
                }
            }
            // A bounded walk: a cycle of renames cannot loop.
            for _ in 0..8 {
                match verdicts.get(&name) {
                    Some(ActorVerdict::NotAnActor) => return false,
                    Some(ActorVerdict::Becomes(t)) if *t != name => name = t.clone(),
                    _ => break,
                }
            }
            actor.canonical = Some(name);
            true
        });
        // Two names merged into one actor are one actor.
        let mut seen = Vec::new();
        clause.actors.retain(|a| {
            let key = a.canonical.clone().unwrap_or_else(|| a.name.clone());
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh
        });
    }
}

/// The index of the `occurrence`-th clause with `verb` (counting from 0).
pub fn clause_index(clauses: &[Clause], verb: &str, occurrence: i32) -> Option<usize> {
    clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.verb == verb)
        .nth(usize::try_from(occurrence).ok()?)
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
United Nations A/RES/75/58
General Assembly
Resolution adopted by the General Assembly on 7 December 2020

75/58. A test of corrections

The General Assembly,

Recalling its resolution 74/43,

1. Requests the Secretary-General to submit a report on the matter to the General Assembly at its seventy-sixth session;

2. Decides to include in the provisional agenda of its seventy-sixth session the item entitled \"Corrections\";
";

    fn read() -> Resolution {
        crate::resolution::read_resolution(TEXT, &SessionCalendar::builtin()).unwrap()
    }

    fn correction(id: i64, res: &Resolution, paragraph: &str, verb: &str, fix: Fix) -> Correction {
        let p = res
            .operative
            .iter()
            .find(|p| p.number == paragraph)
            .unwrap();
        Correction {
            id,
            paragraph: paragraph.into(),
            verb: verb.into(),
            occurrence: 0,
            fingerprint: fingerprint(&p.text),
            fix,
        }
    }

    #[test]
    fn curated_actors_are_merged_renamed_or_dropped() {
        let mut res = read();
        let verdicts = HashMap::from([(
            "Secretary-General".to_string(),
            ActorVerdict::Becomes("UN Secretary-General".into()),
        )]);
        apply_actor_curation(&mut res, &verdicts);
        let actor = &res.operative[0].clauses[0].actors[0];
        assert_eq!(actor.name, "Secretary-General");
        assert_eq!(actor.canonical.as_deref(), Some("UN Secretary-General"));
        let verdicts =
            HashMap::from([("UN Secretary-General".to_string(), ActorVerdict::NotAnActor)]);
        apply_actor_curation(&mut res, &verdicts);
        assert!(res.operative[0].clauses[0].actors.is_empty());
    }

    #[test]
    fn fingerprints_ignore_spacing_and_case_but_not_words() {
        assert_eq!(
            fingerprint("Requests  the\nSecretary"),
            fingerprint("requests the secretary")
        );
        assert_ne!(
            fingerprint("requests the Secretary"),
            fingerprint("invites the Secretary")
        );
    }

    #[test]
    fn a_corrected_actor_and_deadline_replace_the_reading() {
        let mut res = read();
        let deadline = DeadlineFix::parse(
            "date",
            "2026-03-31",
            "by 31 March 2026",
            None,
            None,
            res.adopted_on,
            &SessionCalendar::builtin(),
        )
        .unwrap();
        let fixes = [
            correction(1, &res, "1", "requests", Fix::Actors(vec!["UNHCR".into()])),
            correction(2, &res, "1", "requests", Fix::Deadline(Some(deadline))),
        ];
        let (outcomes, overrides) = apply_corrections(&mut res, &fixes);
        assert_eq!(outcomes[&1], Outcome::Applied);
        assert_eq!(outcomes[&2], Outcome::Applied);
        let clause = &res.operative[0].clauses[0];
        assert_eq!(clause.actors[0].name, "UNHCR");
        assert_eq!(
            clause.deadlines[0].due_on,
            NaiveDate::from_ymd_opt(2026, 3, 31)
        );
        assert!(overrides[&(0, 0)].reviewed);
    }

    #[test]
    fn a_reworded_paragraph_puts_its_corrections_up_for_review() {
        let mut res = read();
        let mut fix = correction(1, &res, "1", "requests", Fix::Action(Action::Call));
        fix.fingerprint = fingerprint("other words");
        let other = correction(2, &res, "2", "decides", Fix::Tracked(false));
        let (outcomes, overrides) = apply_corrections(&mut res, &[fix, other]);
        assert!(matches!(outcomes[&1], Outcome::NeedsReview(_)));
        assert_eq!(outcomes[&2], Outcome::Applied);
        assert_eq!(res.operative[0].clauses[0].action, Action::Request);
        assert_eq!(overrides[&(1, 0)].tracked, Some(false));
    }

    #[test]
    fn looks_right_after_a_rewording_answers_the_corrections_waiting_for_review() {
        let mut res = read();
        let mut old = correction(1, &res, "1", "requests", Fix::Action(Action::Call));
        old.fingerprint = fingerprint("the words before");
        let checked = correction(2, &res, "1", "requests", Fix::LooksRight);
        let (outcomes, _) = apply_corrections(&mut res, &[old, checked]);
        assert_eq!(outcomes[&1], Outcome::Superseded);
        assert_eq!(outcomes[&2], Outcome::Applied);
    }

    #[test]
    fn a_missed_clause_is_added_and_takes_its_fixes() {
        let mut res = read();
        let added = correction(1, &res, "2", "include", Fix::Added(Action::Decision));
        let mut actors = correction(
            2,
            &res,
            "2",
            "include",
            Fix::Actors(vec!["General Assembly".into()]),
        );
        actors.occurrence = 0;
        let (outcomes, _) = apply_corrections(&mut res, &[actors, added]);
        assert_eq!(outcomes[&1], Outcome::Applied);
        assert_eq!(outcomes[&2], Outcome::Applied);
        let clause = res.operative[1].clauses.last().unwrap();
        assert_eq!(clause.verb, "include");
        assert_eq!(clause.actors[0].name, "General Assembly");
    }

    #[test]
    fn only_the_latest_correction_of_a_field_counts() {
        let mut res = read();
        let first = correction(1, &res, "1", "requests", Fix::Action(Action::Call));
        let second = correction(2, &res, "1", "requests", Fix::Action(Action::Invitation));
        let (outcomes, _) = apply_corrections(&mut res, &[first, second]);
        assert_eq!(outcomes[&1], Outcome::Superseded);
        assert_eq!(res.operative[0].clauses[0].action, Action::Invitation);
    }

    #[test]
    fn fixes_round_trip_through_their_stored_form() {
        for fix in [
            Fix::Action(Action::Request),
            Fix::Actors(vec!["UNHCR".into()]),
            Fix::Deadline(None),
            Fix::Kind("event".into()),
            Fix::Tracked(false),
            Fix::Added(Action::Call),
            Fix::LooksRight,
        ] {
            assert_eq!(
                Fix::from_stored(fix.field(), fix.value()),
                Some(fix.clone())
            );
        }
    }

    #[test]
    fn deadline_values_are_read_by_kind_and_refused_with_an_example() {
        let cal = SessionCalendar::builtin();
        let adopted = NaiveDate::from_ymd_opt(2020, 12, 7);
        let parse = |k, v| DeadlineFix::parse(k, v, "", None, None, adopted, &cal);
        assert_eq!(
            parse("month", "2026-02").unwrap().due_on,
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(
            parse("within", "6 months").unwrap().due_on,
            NaiveDate::from_ymd_opt(2021, 6, 7)
        );
        assert!(parse("session", "GA 80").unwrap().due_on.is_some());
        let err = parse("date", "31 March").unwrap_err().to_string();
        assert!(err.contains("2026-03-31"), "{err}");
    }
}
