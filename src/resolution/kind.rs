//! What kind of thing a tracked clause asks for, read from the clause itself: a deliverable
//! someone owes, the Assembly's own agenda inclusion, an event, a mandate period, a review, or
//! something else. The kind decides which states an obligation goes through and whether it
//! can ever be overdue.

use serde::Serialize;

use super::model::{Action, Clause, DeadlineKind};

/// The kind of a tracked obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    /// A report, note, views, information, an oral update or briefing, a plan: owed by someone
    /// by a date; due, overdue or fulfilled.
    Deliverable,
    /// "Decides to include in the provisional agenda of its seventy-fifth session the item
    /// ...": the body's own decision, done when that session adopts its agenda.
    AgendaInclusion,
    /// A meeting, conference, dialogue, debate, session to be held, or a day or year to
    /// observe: scheduled, then held.
    Event,
    /// A mandate renewed, extended or established for a period, or an arrangement that runs
    /// until a date: it runs, expires, and is renewed or lapses.
    MandatePeriod,
    /// A decision to review, take stock of or end an arrangement at a given time.
    Review,
    /// Anything else tracked: ongoing support, contributions, action by a date.
    Other,
}

impl ObligationKind {
    pub const ALL: [ObligationKind; 6] = [
        ObligationKind::Deliverable,
        ObligationKind::AgendaInclusion,
        ObligationKind::Event,
        ObligationKind::MandatePeriod,
        ObligationKind::Review,
        ObligationKind::Other,
    ];

    /// The code stored in the database and used in URLs, CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationKind::Deliverable => "deliverable",
            ObligationKind::AgendaInclusion => "agenda_inclusion",
            ObligationKind::Event => "event",
            ObligationKind::MandatePeriod => "mandate_period",
            ObligationKind::Review => "review",
            ObligationKind::Other => "other",
        }
    }

    /// As people say it.
    pub fn label(self) -> &'static str {
        match self {
            ObligationKind::Deliverable => "deliverable",
            ObligationKind::AgendaInclusion => "agenda inclusion",
            ObligationKind::Event => "event",
            ObligationKind::MandatePeriod => "mandate period",
            ObligationKind::Review => "review",
            ObligationKind::Other => "other",
        }
    }

    /// What its date means, as the obligation page says it before the date.
    pub fn date_label(self) -> &'static str {
        match self {
            ObligationKind::Deliverable | ObligationKind::Other => "Due by",
            ObligationKind::AgendaInclusion => "On the agenda of",
            ObligationKind::Event => "Held",
            ObligationKind::MandatePeriod => "Expires on",
            ObligationKind::Review => "Review at",
        }
    }

    /// Whether an obligation of this kind can be late. Agenda inclusions, events and mandate
    /// periods happen (or lapse) on their own dates: nobody owes them after the fact.
    pub fn can_be_overdue(self) -> bool {
        matches!(self, ObligationKind::Deliverable | ObligationKind::Other)
    }
}

impl std::str::FromStr for ObligationKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown kind {s:?}: use deliverable, agenda_inclusion, event, \
                     mandate_period, review or other"
                )
            })
    }
}

/// Words that put an item on a session's agenda, or keep it there.
const AGENDA: &[&str] = &[
    "provisional agenda",
    "include in the agenda",
    "to include in the agenda",
    "remain on the agenda",
    "continue its consideration of the question at its",
    "continue the consideration of the question at its",
    "examine the question at its",
    "consider the question at its",
    "continue its consideration",
    "continue consideration of",
    "shall be continued during its",
];

/// Words that renew, extend or set a period for a mandate or arrangement.
const PERIOD: &[&str] = &[
    "renew",
    "extend",
    "prolong",
    "for a period of",
    "for a further period",
    "for an additional period",
    "for an initial period",
];

/// Words that name a gathering for certain, whatever else the clause says.
const STRONG_EVENT: &[&str] = &[
    "meeting",
    "conference",
    "summit",
    "be held",
    "convene",
    "to observe",
    "proclaim",
    "commemorat",
];

/// Words that name a product for certain in the body's own decisions and calls.
const STRONG_DELIVERABLE: &[&str] = &[
    "views",
    "comments",
    "observations",
    "analysis",
    "making recommendations",
    "to report",
    "to submit",
    "circulate as a document",
];

/// Words that name a gathering or an occasion.
const EVENT: &[&str] = &[
    "meeting",
    "conference",
    "summit",
    "dialogue",
    "debate",
    "briefing",
    "seminar",
    "workshop",
    "symposium",
    "forum",
    "session",
    "week",
    "commemorat",
    "to observe",
    "proclaim",
    "be held",
    "shall hold",
    "will hold",
    "to hold",
    "convene",
];

/// Words that name something someone hands in.
const DELIVERABLE: &[&str] = &[
    "report",
    "note by",
    "views",
    "information",
    "oral update",
    "an update",
    "updates on",
    "updated report",
    "to brief",
    "brief the",
    "comments",
    "observations",
    "proposals",
    "recommendations",
    "study",
    "plan",
    "assessment",
    "analysis",
    "to submit",
    "to transmit",
    "to inform",
    "to provide details",
];

/// Words of a review, stocktaking or sunset clause.
const REVIEW: &[&str] = &[
    "to review",
    "review of",
    "reviews of",
    "take stock",
    "stocktaking",
    "to evaluate",
    "evaluation of",
    "to terminate",
    "to end the",
    "to reconsider",
];

fn any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// The kind of a tracked clause, from its own words, its action class, its deliverables and
/// its deadlines.
pub fn classify_kind(clause: &Clause) -> ObligationKind {
    let text = clause.text.to_lowercase();
    let deliverables = clause.deliverables.join(" ");
    let asks = matches!(clause.action, Action::Request | Action::Invitation);
    let has_period_deadline = clause.deadlines.iter().any(|d| {
        matches!(
            d.kind,
            DeadlineKind::Within { .. } | DeadlineKind::Date { .. }
        ) || d.text.starts_with("until")
    });
    // "Review Conference" is a gathering, not a review clause.
    let without_review_conference = text.replace("review conference", "");

    if !asks && any(&text, AGENDA) {
        return ObligationKind::AgendaInclusion;
    }
    if !asks
        && any(&text, PERIOD)
        && has_period_deadline
        && (text.contains("mandate") || text.contains("authoriz") || text.contains("mission"))
    {
        return ObligationKind::MandatePeriod;
    }
    if !asks && (text.contains("until the end of") || text.contains("shall apply only during")) {
        return ObligationKind::MandatePeriod;
    }
    if asks {
        if any(&text, DELIVERABLE) || any(&deliverables, DELIVERABLE) {
            return ObligationKind::Deliverable;
        }
        // A day to observe needs no date; a meeting asked for does.
        if text.contains("to observe")
            || text.contains("commemorat")
            || (any(&text, EVENT) && !clause.deadlines.is_empty())
        {
            return ObligationKind::Event;
        }
        return ObligationKind::Other;
    }
    if any(&text, STRONG_DELIVERABLE) {
        return ObligationKind::Deliverable;
    }
    if any(&without_review_conference, STRONG_EVENT) {
        return ObligationKind::Event;
    }
    if any(&without_review_conference, REVIEW) {
        return ObligationKind::Review;
    }
    if any(&text, EVENT) {
        return ObligationKind::Event;
    }
    if any(&text, DELIVERABLE) {
        return ObligationKind::Deliverable;
    }
    ObligationKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolution::{Body, Context, SessionCalendar, classify_paragraph};
    use chrono::NaiveDate;

    /// The kind of the clause led by `verb` in a real paragraph, read by the real classifier.
    fn kind_of(symbol: &str, adopted_on: &str, paragraph: &str, verb: &str) -> ObligationKind {
        let calendar = SessionCalendar::builtin();
        let ctx = context(symbol, adopted_on);
        let clauses = classify_paragraph(paragraph, &ctx, &calendar);
        let clause = clauses
            .iter()
            .find(|c| c.verb == verb && c.is_tracked())
            .unwrap_or_else(|| {
                panic!("{symbol}: no tracked clause {verb:?} in {paragraph:?}: {clauses:#?}")
            });
        classify_kind(clause)
    }

    fn context(symbol: &str, adopted_on: &str) -> Context {
        let parts: Vec<&str> = symbol.split('/').collect();
        let (body, session) = match parts.as_slice() {
            ["A", "RES", s, _] => (Body::GeneralAssembly, s.parse().ok()),
            ["A", "HRC", "RES", s, _] => (Body::HumanRightsCouncil, s.parse().ok()),
            ["S", "RES", _] => (Body::SecurityCouncil, None),
            _ => (Body::Other, None),
        };
        Context {
            body,
            session,
            adopted_on: NaiveDate::parse_from_str(adopted_on, "%Y-%m-%d").ok(),
            subject_body: None,
        }
    }

    #[test]
    fn report_requested_for_a_session_is_a_deliverable() {
        assert_eq!(
            kind_of(
                "A/RES/75/58",
                "2020-12-07",
                "Requests the Secretary-General to compile a report on measures already taken by international organizations on issues relating to the linkage between the fight against terrorism and the proliferation of weapons of mass destruction, to seek the views of Member States on additional relevant measures, including national measures, for tackling the global threat posed by the acquisition by terrorists of weapons of mass destruction and to report to the General Assembly at its seventy-sixth session;",
                "requests"
            ),
            ObligationKind::Deliverable
        );
    }

    #[test]
    fn provisional_agenda_item_is_an_agenda_inclusion() {
        assert_eq!(
            kind_of(
                "A/RES/74/43",
                "2019-12-12",
                "Decides to include in the provisional agenda of its seventy-fifth session, under the item entitled “General and complete disarmament”, the sub-item entitled “Measures to prevent terrorists from acquiring weapons of mass destruction”.",
                "decides"
            ),
            ObligationKind::AgendaInclusion
        );
    }

    #[test]
    fn formal_meeting_held_in_early_2026_is_an_event() {
        assert_eq!(
            kind_of(
                "A/RES/80/56",
                "2025-12-01",
                "Decides that the formal meeting will be held in early 2026 at United Nations Headquarters, with conference services and with the participation of Member States, observer States and observers of the United Nations General Assembly, where they will share their relevant experiences;",
                "decides"
            ),
            ObligationKind::Event
        );
    }

    #[test]
    fn renewed_special_rapporteur_is_a_mandate_period() {
        assert_eq!(
            kind_of(
                "A/HRC/RES/46/9",
                "2021-03-23",
                "Decides to renew, for a period of three years, the mandate of Special Rapporteur in the field of cultural rights, to enable the mandate holder to continue to work in accordance with the mandate established by the Human Rights Council in its resolution 10/23 of 26 March 2009;",
                "decides"
            ),
            ObligationKind::MandatePeriod
        );
    }

    #[test]
    fn security_council_mandate_extended_until_a_date_is_a_mandate_period() {
        assert_eq!(
            kind_of(
                "S/RES/895 (1994)",
                "1994-01-28",
                "Decides to extend the present mandate of the United Nations Interim Force in Lebanon for a further period of six months, that is until 31 July 1994;",
                "decides"
            ),
            ObligationKind::MandatePeriod
        );
    }

    #[test]
    fn comprehensive_review_in_2030_is_a_review() {
        assert_eq!(
            kind_of(
                "A/RES/80/11",
                "2025-11-17",
                "Calls for a further comprehensive review of United Nations peacebuilding in 2030.",
                "calls for"
            ),
            ObligationKind::Review
        );
    }

    #[test]
    fn contributions_invited_are_other() {
        assert_eq!(
            kind_of(
                "A/RES/73/318",
                "2019-07-03",
                "Invites voluntary contributions to the Mission in cash and in the form of services and supplies acceptable to the Secretary-General, to be administered, as appropriate, in accordance with the procedure and practices established by the General Assembly;",
                "invites"
            ),
            ObligationKind::Other
        );
    }

    #[test]
    fn review_conference_is_an_event_not_a_review() {
        assert_eq!(
            kind_of(
                "A/RES/80/54",
                "2025-12-01",
                "Confirms that the first Review Conference of Parties to the Treaty on the Prohibition of Nuclear Weapons will be held at United Nations Headquarters in New York from 30 November to 4 December 2026;",
                "confirms"
            ),
            ObligationKind::Event
        );
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in ObligationKind::ALL {
            assert_eq!(k.as_str().parse::<ObligationKind>(), Ok(k));
        }
        assert!("overdue".parse::<ObligationKind>().is_err());
    }

    /// The hand-labelled list: every line is a real paragraph of the demo or the dev corpus,
    /// labelled by reading it, not by running this classifier.
    #[test]
    fn hand_labelled_paragraphs_get_their_kinds() {
        let data = include_str!("../../tests/fixtures/kinds.tsv");
        let mut wrong = Vec::new();
        let mut checked = 0;
        for line in data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            let [kind, symbol, adopted_on, number, verb, text] = cols[..] else {
                panic!("kinds.tsv: expected 6 tab-separated columns in {line:?}");
            };
            let expected: ObligationKind = kind.parse().unwrap();
            let got = kind_of(symbol, adopted_on, text, verb);
            checked += 1;
            if got != expected {
                wrong.push(format!(
                    "{symbol} para {number} ({verb}): expected {kind}, got {}",
                    got.as_str()
                ));
            }
        }
        assert!(checked >= 30, "kinds.tsv has only {checked} labelled lines");
        // Some clauses mix kinds ("decides ... the State of Palestine may submit a
        // pre-recorded statement ... during the general debate"): the reader may miss a few,
        // and the list keeps them so that the figure stays honest.
        let right = checked - wrong.len();
        assert!(
            right * 100 >= checked * 90,
            "{right} of {checked} kinds read right; misread:\n{}",
            wrong.join("\n")
        );
    }
}
