//! The overview page: what the tracker holds and what was imported lately.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::{AppError, AppState};
use crate::store::{self, DocumentSummary};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show_overview))
}

#[derive(Template, WebTemplate)]
#[template(path = "overview.html")]
struct OverviewPage {
    mode: Option<String>,
    document_count: i64,
    recent: Vec<DocumentSummary>,
}

async fn show_overview(State(state): State<AppState>) -> Result<OverviewPage, AppError> {
    let document_count = store::count_documents(&state.pool).await?;
    let recent = store::list_recent_documents(&state.pool, 20).await?;
    Ok(OverviewPage {
        mode: state.inner.mode.clone(),
        document_count,
        recent,
    })
}
