//! The JSON contract of `mandates extract --json` (`extract.schema.json`): the resolution's
//! document fields, its operative paragraphs and their clauses, plus the rest of what was read.

use chrono::NaiveDate;
use serde::Serialize;

use super::doubt::{Doubt, doubts};
use super::model::{
    Action, Body, Clause, Deadline, Footnote, OperativeParagraph, PreambularParagraph, Reference,
    Resolution, SubParagraph,
};

/// A resolution in the shape of the extraction schema.
#[derive(Debug, Serialize)]
pub struct ResolutionJson<'a> {
    pub symbol: Option<&'a str>,
    pub body: Option<Body>,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<&'a str>,
    pub agenda_items: &'a [String],
    pub committee_report: Option<&'a str>,
    pub meeting: Option<&'a str>,
    pub operative: Vec<OperativeJson<'a>>,
    pub preamble: &'a [PreambularParagraph],
    pub footnotes: &'a [Footnote],
    pub references: &'a [Reference],
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct OperativeJson<'a> {
    pub number: &'a str,
    pub text: &'a str,
    pub subparagraphs: &'a [SubParagraph],
    pub clauses: Vec<ClauseJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ClauseJson<'a> {
    pub verb: &'a str,
    pub action: Action,
    /// The names as the clause gives them; the canonical grouping is in `canonical_actors`.
    pub actors: Vec<&'a str>,
    pub canonical_actors: Vec<&'a str>,
    pub deliverables: &'a [String],
    pub deadlines: &'a [Deadline],
    pub tracked: bool,
    /// What the reader itself is unsure of ("no_actor", "vague_deadline", ...).
    pub doubts: Vec<Doubt>,
}

impl<'a> From<&'a Resolution> for ResolutionJson<'a> {
    fn from(r: &'a Resolution) -> Self {
        Self {
            symbol: r.symbol.as_deref(),
            body: r.body,
            session: r.session,
            adopted_on: r.adopted_on,
            title: r.title.as_deref(),
            agenda_items: &r.agenda_items,
            committee_report: r.committee_report.as_deref(),
            meeting: r.meeting.as_deref(),
            operative: r.operative.iter().map(OperativeJson::from).collect(),
            preamble: &r.preamble,
            footnotes: &r.footnotes,
            references: &r.references,
            warnings: &r.warnings,
        }
    }
}

impl<'a> From<&'a OperativeParagraph> for OperativeJson<'a> {
    fn from(p: &'a OperativeParagraph) -> Self {
        Self {
            number: &p.number,
            text: &p.text,
            subparagraphs: &p.subparagraphs,
            clauses: p.clauses.iter().map(ClauseJson::from).collect(),
        }
    }
}

impl<'a> From<&'a Clause> for ClauseJson<'a> {
    fn from(c: &'a Clause) -> Self {
        Self {
            verb: &c.verb,
            action: c.action,
            actors: c.actors.iter().map(|a| a.name.as_str()).collect(),
            canonical_actors: c
                .actors
                .iter()
                .map(|a| a.canonical.as_deref().unwrap_or(&a.name))
                .collect(),
            deliverables: &c.deliverables,
            deadlines: &c.deadlines,
            tracked: c.is_tracked(),
            doubts: doubts(c),
        }
    }
}
