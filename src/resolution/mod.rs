//! The domain: reading a resolution and finding who must do what by when. Pure Rust, no I/O:
//! text in, plain types out.

pub mod actor;
pub mod agenda;
pub mod asked;
pub mod calendar;
pub mod clause;
mod clean;
pub mod correction;
pub mod deadline;
pub mod document;
pub mod doubt;
pub mod error;
mod header;
pub mod highlight;
pub mod json;
pub mod kind;
pub mod model;
mod reference;
pub mod series;
pub mod source;
pub mod state;
pub mod summary;
pub mod symbol;
pub mod verb;
pub mod window;

pub use actor::{actor, canonical_actor};
pub use calendar::{CalendarError, Estimated, SessionCalendar, SessionDates};
pub use clause::{Context, classify_paragraph};
pub use deadline::find_deadlines;
pub use document::parse_resolution;
pub use error::ParseError;
pub use kind::{ObligationKind, classify_kind};
pub use model::*;
pub use source::{MAX_SOURCE_BYTES, SourceError, SourceType, detect_source_type, source_text};
pub use state::ObligationState;
pub use window::{DueWindow, Precision, obligation_window};

/// Reads a resolution's text: its structure, then the clauses of each operative paragraph with
/// their actors and deadlines resolved against `calendar`.
pub fn read_resolution(text: &str, calendar: &SessionCalendar) -> Result<Resolution, ParseError> {
    let mut resolution = parse_resolution(text)?;
    // Text with neither a symbol, an adopting body nor an adoption date is not a resolution,
    // even if some sentence of it could pass for an unnumbered operative paragraph.
    if resolution.symbol.is_none() && resolution.body.is_none() && resolution.adopted_on.is_none() {
        return Err(ParseError::NoOperativeParagraphs);
    }
    classify_resolution(&mut resolution, calendar);
    Ok(resolution)
}

/// Fills the clauses of every operative paragraph.
pub fn classify_resolution(resolution: &mut Resolution, calendar: &SessionCalendar) {
    let context = Context {
        body: resolution.body.unwrap_or(Body::Other),
        session: resolution.session,
        adopted_on: resolution.adopted_on,
        subject_body: resolution
            .title
            .as_deref()
            .and_then(deadline::body_named_in)
            .or_else(|| {
                deadline::sole_commission_named(
                    resolution
                        .preamble
                        .iter()
                        .map(|p| p.text.as_str())
                        .chain(resolution.operative.iter().map(|p| p.text.as_str())),
                )
            }),
    };
    // "Resolves that, for 2022:" above numbered points that have no verb of their own
    // (budget resolutions): each point is a clause of that verb.
    let lead_in = resolution
        .preamble
        .iter()
        .rev()
        .map(|p| p.text.trim_end())
        .find(|t| t.ends_with(':') && starts_with_operative_verb(t))
        .map(str::to_string);
    for paragraph in &mut resolution.operative {
        // A point without a verb of its own is read once, joined to the lead-in.
        paragraph.clauses = match &lead_in {
            Some(lead) if !starts_with_operative_verb(&paragraph.text) => {
                let joined = format!("{lead} {}", paragraph.text);
                classify_paragraph(&joined, &context, calendar)
            }
            _ => classify_paragraph(&paragraph.text, &context, calendar),
        };
        // "Requests the Commission" in "Report of the Disarmament Commission": the organ the
        // title names is who is meant.
        if let Some(title) = resolution.title.as_deref() {
            for clause in &mut paragraph.clauses {
                for a in &mut clause.actors {
                    if a.canonical.is_none()
                        && let Some(full) = actor::organ_named_in(title, &a.name)
                    {
                        a.canonical = Some(canonical_actor(&full).map_or(full, str::to_string));
                    }
                }
            }
        }
    }
}

/// Whether `text` opens with an operative verb ("Resolves that", "Also decides").
fn starts_with_operative_verb(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().take(4).collect();
    (0..words.len().min(2)).any(|i| verb::match_verb(&words[i..], false).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ecosoc_text_numbered_with_tabs_reads_whole() {
        // The layout of ECOSOC resolutions (E/RES/2019/15): a tab after each number, sessions
        // of the commission the title names and the Council's own sessions by year.
        let text = "United Nations E/RES/2019/15\n\nEconomic and Social Council\n\nResolution adopted by the Economic and Social Council on 23 July 2019\n\n2019/15. Future organization and methods of work of the Commission on the Status of Women\n\nThe Economic and Social Council,\n\nRecalling its resolution 2015/6 of 8 June 2015,\n\n1.\tDecides that the Commission on the Status of Women shall consider at its sixty-fourth session the priority theme;\n\n2.\tAlso d ecides that the Commission will hold a high-level interactive dialogue at its sixty-fifth session;\n\n3.\tRequests the Secretary-General to report to the Economic and Social Council at its 2020 session.\n\n20th plenary meeting\n23 July 2019\n";
        let r = read_resolution(text, &SessionCalendar::builtin()).unwrap();
        assert_eq!(r.symbol.as_deref(), Some("E/RES/2019/15"));
        assert_eq!(r.body, Some(Body::EconomicAndSocialCouncil));
        let numbers: Vec<_> = r.operative.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["1", "2", "3"]);
        let second = &r.operative[1].clauses[0];
        assert_eq!(second.verb, "decides");
        assert_eq!(
            second.deadlines[0].kind,
            DeadlineKind::Session {
                body: Body::CommissionOnTheStatusOfWomen,
                session: 65
            }
        );
        assert_eq!(
            r.operative[2].clauses[0].deadlines[0].kind,
            DeadlineKind::Session {
                body: Body::EconomicAndSocialCouncil,
                session: 2020
            }
        );
    }
}
