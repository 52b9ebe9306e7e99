//! `/metrics` for Prometheus, never public: it answers only with the bearer token of
//! `MANDATES_METRICS_TOKEN`, or on an address of its own (`MANDATES_METRICS_BIND`) that only
//! the monitoring network reaches. And the middleware that counts requests by route.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sqlx::PgPool;

use super::{AppError, AppState};
use crate::metrics::{self, Gauge};

/// Counts each request and its time under its route's pattern (`/obligations/{id}`, not the
/// path asked for: one series per route, whatever the ids).
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| route_label(p.as_str()));
    // A client may send any method name; only the usual ones become series of their own.
    let method = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
        .into_iter()
        .find(|m| *m == request.method().as_str())
        .unwrap_or("other");
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::count(
        metrics::HTTP_REQUESTS,
        &[("method", method), ("route", &route), ("status", &status)],
        1,
    );
    metrics::observe(
        metrics::HTTP_DURATION,
        &[("method", method), ("route", &route)],
        started.elapsed().as_secs_f64(),
    );
    response
}

/// A route pattern as a label: `/obligations/{id}` becomes `/obligations/:id`. Braces are
/// allowed in a label value, but parsers that read labels up to the first `}` (the
/// `prometheus-parse` crate among them) would cut the line there.
fn route_label(pattern: &str) -> String {
    pattern
        .replace("{*", "*")
        .replace('{', ":")
        .replace('}', "")
}

/// `/metrics` on the dashboard's address: with the token only; absent without one.
pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.inner.metrics_token.as_deref() else {
        return AppError::NotFound("No page here.".into()).into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !same_bytes(given.trim().as_bytes(), token.as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "Metrics need the token set in MANDATES_METRICS_TOKEN, as `Authorization: Bearer TOKEN`.\n",
        )
            .into_response();
    }
    exposition(&state.pool).await
}

/// Compares in a time that does not tell how much of the token was right.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The router of the separate metrics address: `/metrics` alone, without a token.
pub fn separate_router(pool: PgPool) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(pool): State<PgPool>| async move { exposition(&pool).await }),
        )
        .with_state(pool)
}

async fn exposition(pool: &PgPool) -> Response {
    let idle = pool.num_idle() as f64;
    let size = f64::from(pool.size());
    let mut gauges = vec![
        Gauge {
            name: metrics::POOL_CONNECTIONS,
            labels: vec![("state", "idle".into())],
            value: idle,
        },
        Gauge {
            name: metrics::POOL_CONNECTIONS,
            labels: vec![("state", "in_use".into())],
            value: (size - idle).max(0.0),
        },
        Gauge {
            name: metrics::POOL_MAX,
            labels: Vec::new(),
            value: f64::from(pool.options().get_max_connections()),
        },
    ];
    match crate::store::count_digest_jobs(pool).await {
        Ok(counts) => gauges.extend(counts.into_iter().map(|(status, n)| Gauge {
            name: metrics::DIGEST_QUEUE,
            labels: vec![("status", status)],
            value: n as f64,
        })),
        // The rest is still worth reporting; the missing queue says the database is away.
        Err(e) => tracing::warn!("metrics: cannot count the digest queue: {e}"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics::render(&gauges),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_patterns_become_labels_without_braces() {
        assert_eq!(route_label("/obligations/{id}"), "/obligations/:id");
        assert_eq!(
            route_label("/digest/subscribers/{id}/preview"),
            "/digest/subscribers/:id/preview"
        );
        assert_eq!(route_label("/static/{*path}"), "/static/*path");
        assert_eq!(route_label("/"), "/");
    }
}
