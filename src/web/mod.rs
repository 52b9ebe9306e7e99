//! The server-rendered dashboard: one router per area, merged here, and the error page.

mod agenda;
mod digest;
mod error;
mod import;
pub mod obligations;
mod overview;
mod resolutions;
pub mod timeline;
pub mod today;

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use sqlx::PgPool;
use tower_http::trace::TraceLayer;

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub inner: Arc<AppConfig>,
}

/// Settings the pages need.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// Shown in the page footer; "demo" when serving the bundled resolutions.
    pub mode: Option<String>,
    /// The public address for links in digests (`MANDATES_BASE_URL`); the default when absent.
    pub base_url: Option<String>,
    /// The unsubscribe links' key (`MANDATES_SECRET`); read from the database when absent.
    pub secret: Option<crate::digest::SigningSecret>,
}

impl AppState {
    pub fn new(pool: PgPool, config: AppConfig) -> Self {
        Self {
            pool,
            inner: Arc::new(config),
        }
    }
}

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/style.css", get(stylesheet))
        .merge(overview::router())
        .merge(obligations::router())
        .merge(resolutions::router())
        .merge(agenda::router())
        .merge(import::router())
        .merge(digest::router())
        .fallback(not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match crate::store::ping(&state.pool).await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!("health check failed: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../templates/style.css"),
    )
}

async fn not_found() -> AppError {
    AppError::NotFound("No page here.".into())
}
