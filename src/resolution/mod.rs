//! The domain: reading a resolution and finding who must do what by when. Pure Rust, no I/O:
//! text in, plain types out.

pub mod actor;
pub mod agenda;
pub mod calendar;
pub mod clause;
mod clean;
pub mod deadline;
pub mod document;
pub mod error;
mod header;
pub mod highlight;
pub mod json;
pub mod model;
mod reference;
pub mod series;
pub mod source;
pub mod summary;
pub mod verb;

pub use actor::{actor, canonical_actor};
pub use calendar::{CalendarError, Estimated, SessionCalendar, SessionDates};
pub use clause::{Context, classify_paragraph};
pub use deadline::find_deadlines;
pub use document::parse_resolution;
pub use error::ParseError;
pub use model::*;
pub use source::{MAX_SOURCE_BYTES, SourceError, SourceType, detect_source_type, source_text};

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
    };
    for paragraph in &mut resolution.operative {
        paragraph.clauses = classify_paragraph(&paragraph.text, &context, calendar);
    }
}
