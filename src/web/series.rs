//! A series' page: its resolutions oldest first, each with what changed against the one
//! before it, paragraph by paragraph, and the requests that changed listed first.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::params::Path;
use super::{AppError, AppState};
use crate::resolution::series::{ResolutionDiff, SegmentKind, diff_resolutions};
use crate::resolution::{Resolution, SessionCalendar, read_resolution};
use crate::store::{self, SeriesMember};

pub fn router() -> Router<AppState> {
    Router::new().route("/series/{id}", get(show_series))
}

/// One resolution of the series with its comparison against the one before it.
pub struct MemberView {
    pub member: SeriesMember,
    /// Against the previous resolution of the series; none for the first, or when either text
    /// can no longer be read.
    pub diff: Option<ResolutionDiff>,
    pub previous: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "series/show.html")]
struct SeriesPage {
    title: String,
    members: Vec<MemberView>,
}

async fn show_series(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<SeriesPage, AppError> {
    let members = store::list_series_members(&state.pool, id).await?;
    if members.is_empty() {
        return Err(AppError::NotFound(format!(
            "There is no series {id}. A resolution's page links to its series when it has one."
        )));
    }
    let title = members
        .iter()
        .rev()
        .find_map(|m| m.title.clone())
        .unwrap_or_else(|| format!("Series {id}"));
    // The texts are read again here: comparing needs the whole structure, and reading is
    // linear in the text (a few milliseconds for a series).
    let calendar = SessionCalendar::builtin();
    let read: Vec<Option<Resolution>> = members
        .iter()
        .map(|m| read_resolution(&m.source_text, &calendar).ok())
        .collect();
    let mut views: Vec<MemberView> = Vec::with_capacity(members.len());
    for (k, member) in members.into_iter().enumerate() {
        let (diff, previous) = match k.checked_sub(1) {
            Some(p) => (
                match (&read[p], &read[k]) {
                    (Some(a), Some(b)) => Some(diff_resolutions(a, b)),
                    _ => None,
                },
                Some(views[p].member.symbol.clone()),
            ),
            None => (None, None),
        };
        views.push(MemberView {
            member,
            diff,
            previous,
        });
    }
    views.reverse();
    Ok(SeriesPage {
        title,
        members: views,
    })
}
