//! The server-rendered dashboard: one router per area, merged here, and the error page.

mod account;
mod agenda;
mod asked;
pub mod auth;
pub mod cache;
mod corrections;
mod digest;
mod error;
mod exports;
mod import;
mod lists;
pub mod metrics;
pub mod obligations;
mod overview;
pub mod params;
mod resolutions;
mod series;
pub mod timeline;
pub mod today;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
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
    pub cache: Arc<cache::ResultCache>,
    /// The key of the sign-in form's token, read from the database once (see `auth`).
    pub sign_in_key: Arc<std::sync::OnceLock<Vec<u8>>>,
}

/// Settings the pages need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Shown in the page footer; "demo" when serving the bundled resolutions.
    pub mode: Option<String>,
    /// Where users reach the dashboard, for the absolute links of exports, feeds and emails.
    pub base_url: String,
    /// Keep query results while the database is unchanged (see `cache`).
    pub cache_results: bool,
    /// Let anyone read without signing in (changes still need an account).
    pub public_read: bool,
    /// The unsubscribe links' key (`MANDATES_SECRET`); read from the database when absent.
    pub secret: Option<crate::digest::SigningSecret>,
    /// The header a trusted reverse proxy puts the client's address in (`X-Forwarded-For`,
    /// `X-Real-IP`); without it, the address is the connection's. Sign-in throttling counts
    /// failures per client address.
    pub client_ip_header: Option<axum::http::HeaderName>,
    /// How uploaded PDF and Word files are read (a limited child process).
    pub reader: crate::reader::DocumentReader,
    /// The bearer token `/metrics` asks for; without one, `/metrics` is not served here.
    pub metrics_token: Option<String>,
    /// The mail server digests go to (no credentials), for the digest page; None when
    /// `SMTP_URL` is not set and digests are not sent.
    pub smtp: Option<String>,
}

impl AppConfig {
    /// Cookies are marked Secure when the dashboard is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            mode: None,
            base_url: "http://127.0.0.1:8080".into(),
            cache_results: true,
            public_read: false,
            secret: None,
            client_ip_header: None,
            reader: crate::reader::DocumentReader::default(),
            metrics_token: None,
            smtp: None,
        }
    }
}

impl AppState {
    pub fn new(pool: PgPool, config: AppConfig) -> Self {
        Self {
            pool,
            cache: Arc::new(cache::ResultCache::new(config.cache_results)),
            inner: Arc::new(config),
            sign_in_key: Arc::default(),
        }
    }
}

/// The largest form body outside the import routes.
const FORM_LIMIT: usize = 256 * 1024;

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/style.css", get(stylesheet))
        .merge(overview::router())
        .merge(obligations::router())
        .merge(exports::router())
        .merge(resolutions::router())
        .merge(series::router())
        .merge(agenda::router())
        .merge(import::router())
        .merge(auth::router())
        .merge(account::router())
        .merge(digest::router())
        .merge(lists::router())
        .merge(corrections::router())
        .merge(asked::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::gate,
        ))
        // Outside the sign-in gate: it has its own token.
        .route("/metrics", get(metrics::show))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn(auth::security_headers))
        .layer(TraceLayer::new_for_http())
        // Forms are small; the import routes set their own, larger limit.
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
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
