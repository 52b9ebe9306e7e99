//! The ways reading a resolution can fail, with messages that tell the user what to do.

/// Why a text could not be read as a resolution.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Nothing but whitespace was given.
    #[error("the text is empty: give the full text of a resolution")]
    Empty,
    /// The input holds NULs or many control characters, as binary files (a PDF, a Word file) do.
    #[error(
        "the input is not plain text ({control} control characters in its first {sampled} characters): \
         extract the text first (for a PDF, e.g. with pdftotext) and give that"
    )]
    NotText { control: usize, sampled: usize },
    /// The text has no operative part, so it is not a resolution (or not one we can read).
    #[error(
        "no operative paragraphs found: this does not look like a resolution; expected a preamble \
         followed by paragraphs such as \"1. Decides ...\" (check that the whole text was given)"
    )]
    NoOperativeParagraphs,
}
