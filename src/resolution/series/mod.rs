//! Series of resolutions: the same item coming back session after session. What changed
//! between two consecutive texts ([`diff`]), which texts form a
//! series ([`identity`]), when it comes back ([`cycle`]). Pure Rust, no I/O.

pub mod cycle;
pub mod diff;
pub mod identity;

pub use cycle::{Cycle, Periodicity, PredictedReturn, infer_cycle, predict_returns};
pub use diff::{
    Mark, ParagraphDiff, Part, RequestChange, RequestChangeKind, ResolutionDiff, Segment,
    SegmentKind, diff_resolutions,
};
pub use identity::{SeriesBasis, SeriesFacts, agenda_item_title, continues};
