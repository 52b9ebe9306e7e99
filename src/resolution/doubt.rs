//! The reader's own doubts about a clause it read: what an editor should look at first.

use std::collections::HashSet;

use serde::Serialize;

use super::actor::canonical_actor;
use super::model::{Action, Body, Clause, DeadlineKind};
use super::verb;

/// One reason to doubt a clause's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Doubt {
    /// A request or invitation that names nobody: someone must have been asked.
    NoActor,
    /// An actor that is in no canonical list: a new name, or a fragment misread as one.
    UnknownActor,
    /// A verb outside the known operative verbs: the paragraph may not have been split right.
    UnknownVerb,
    /// A deadline whose date could not be computed (a session of a body without a calendar).
    UnresolvedDeadline,
    /// A deadline known only to a year, a month or an estimated session date.
    VagueDeadline,
}

impl Doubt {
    pub fn as_str(self) -> &'static str {
        match self {
            Doubt::NoActor => "no_actor",
            Doubt::UnknownActor => "unknown_actor",
            Doubt::UnknownVerb => "unknown_verb",
            Doubt::UnresolvedDeadline => "unresolved_deadline",
            Doubt::VagueDeadline => "vague_deadline",
        }
    }

    /// In an editor's words.
    pub fn describe(self) -> &'static str {
        match self {
            Doubt::NoActor => "a request with no actor found",
            Doubt::UnknownActor => "an actor not in the canonical list",
            Doubt::UnknownVerb => "a verb outside the known lists",
            Doubt::UnresolvedDeadline => "a deadline that could not be resolved to a date",
            Doubt::VagueDeadline => "a deadline known only to a month, a year or an estimate",
        }
    }
}

/// The doubts the reader has about `clause`, most serious first, each once.
pub fn doubts(clause: &Clause) -> Vec<Doubt> {
    doubts_knowing(clause, &HashSet::new())
}

/// [`doubts`], where the names in `curated` (actors admins merged or renamed into, issue 16)
/// count as known as well as the canonical list.
pub fn doubts_knowing(clause: &Clause, curated: &HashSet<String>) -> Vec<Doubt> {
    let mut out = actor_doubts(
        matches!(clause.action, Action::Request | Action::Invitation),
        clause
            .actors
            .iter()
            .map(|a| std::iter::once(a.name.as_str()).chain(a.canonical.as_deref())),
        curated,
    );
    if !verb::is_known(&clause.verb) {
        out.push(Doubt::UnknownVerb);
    }
    if clause.deadlines.iter().any(|d| {
        d.due_on.is_none()
            && !matches!(
                d.kind,
                DeadlineKind::Periodic { .. } | DeadlineKind::Within { .. }
            )
    }) {
        out.push(Doubt::UnresolvedDeadline);
    }
    if clause.deadlines.iter().any(|d| {
        // The Assembly's opening days follow a fixed rule; other bodies' estimates do not.
        let estimated = d.estimated
            && !matches!(
                d.kind,
                DeadlineKind::Session {
                    body: Body::GeneralAssembly,
                    ..
                }
            );
        estimated
            || matches!(
                d.kind,
                DeadlineKind::Year { .. } | DeadlineKind::Month { .. }
            )
    }) {
        out.push(Doubt::VagueDeadline);
    }
    out
}

/// Whether an actor's name is known: in the canonical list, a body's own name, or one admins
/// curated.
pub fn is_known_actor(name: &str, curated: &HashSet<String>) -> bool {
    canonical_actor(name).is_some()
        || curated.contains(name)
        || [
            Body::GeneralAssembly,
            Body::SecurityCouncil,
            Body::HumanRightsCouncil,
            Body::EconomicAndSocialCouncil,
        ]
        .iter()
        .any(|b| b.name() == name)
}

/// The doubts about a clause's actors: none named for a request or invitation (`asks`), or
/// one that none of its names (as printed, canonical) makes known. Also what a stored
/// clause's actors say after admins curated them.
pub fn actor_doubts<'n, A>(
    asks: bool,
    actors: impl IntoIterator<Item = A>,
    curated: &HashSet<String>,
) -> Vec<Doubt>
where
    A: IntoIterator<Item = &'n str>,
{
    let mut any = false;
    let mut unknown = false;
    for names in actors {
        any = true;
        let mut names = names.into_iter();
        if !names.any(|n| is_known_actor(n, curated)) {
            unknown = true;
        }
    }
    let mut out = Vec::new();
    if asks && !any {
        out.push(Doubt::NoActor);
    }
    if unknown {
        out.push(Doubt::UnknownActor);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolution::calendar::SessionCalendar;
    use crate::resolution::clause::{Context, classify_paragraph};
    use chrono::NaiveDate;

    fn read(text: &str) -> Vec<Vec<Doubt>> {
        let ctx = Context {
            body: Body::GeneralAssembly,
            session: Some(80),
            adopted_on: NaiveDate::from_ymd_opt(2025, 12, 1),
            subject_body: None,
        };
        classify_paragraph(text, &ctx, &SessionCalendar::builtin())
            .iter()
            .map(doubts)
            .collect()
    }

    #[test]
    fn a_plain_request_to_the_secretary_general_raises_no_doubt() {
        assert_eq!(
            read(
                "Requests the Secretary-General to report to the General Assembly at its eighty-first session;"
            ),
            [Vec::<Doubt>::new()]
        );
    }

    #[test]
    fn each_doubt_on_a_real_kind_of_sentence() {
        // A request whose addressee the reader cannot find (A/RES/73/140 para 9 (b)).
        assert_eq!(
            read(
                "Requests that these regional consultations be held under the auspices of the regional commissions;"
            ),
            [vec![Doubt::NoActor]]
        );
        // "in early 2026" is a year, not a day.
        assert_eq!(
            read("Decides that the formal meeting will be held in early 2026;"),
            [vec![Doubt::VagueDeadline]]
        );
        // An actor outside the canonical list.
        assert_eq!(
            read("Invites the Chairs of the human rights treaty bodies to address the Assembly;"),
            [vec![Doubt::UnknownActor]]
        );
    }

    #[test]
    fn an_unknown_verb_is_a_doubt() {
        let clause = Clause {
            verb: "appropriations".into(),
            action: Action::Position,
            actors: Vec::new(),
            deliverables: Vec::new(),
            deadlines: Vec::new(),
            text: "Appropriations totalling 3,121,651,000 United States dollars".into(),
        };
        assert_eq!(doubts(&clause), [Doubt::UnknownVerb]);
    }

    #[test]
    fn a_name_admins_curated_is_known() {
        let clause = |name: &str| Clause {
            verb: "invites".into(),
            action: Action::Invitation,
            actors: vec![crate::resolution::model::Actor {
                name: name.into(),
                canonical: None,
            }],
            deliverables: Vec::new(),
            deadlines: Vec::new(),
            text: format!("Invites the {name} to address the Assembly;"),
        };
        let chairs = clause("Chairs of the human rights treaty bodies");
        assert_eq!(doubts(&chairs), [Doubt::UnknownActor]);
        let curated = HashSet::from(["Chairs of the human rights treaty bodies".to_string()]);
        assert!(doubts_knowing(&chairs, &curated).is_empty());
        // Stored clauses: per actor its canonical and printed names.
        assert!(
            actor_doubts(
                true,
                [["Chairs of the human rights treaty bodies", "Chairs"]],
                &curated
            )
            .is_empty()
        );
        assert_eq!(
            actor_doubts(true, [["Chairs", "the Chairs"]], &curated),
            [Doubt::UnknownActor]
        );
        assert_eq!(
            actor_doubts(true, Vec::<[&str; 1]>::new(), &curated),
            [Doubt::NoActor]
        );
        assert!(actor_doubts(true, [["Secretary-General"]], &HashSet::new()).is_empty());
    }
}
