//! The weekly digest in the dashboard: its subscribers (add, remove, preview), the queue's
//! state, and the unsubscribe page that digests link to (one-click per RFC 8058).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::auth::{Admin, CsrfForm, audit};
use super::params::{Path, Query};
use super::today::AsOf;
use super::{AppError, AppState};
use crate::digest::schedule::{next_slot, parse_time_zone, parse_weekday, weekday_name};
use crate::digest::subscription::SubscriptionRequest;
use crate::digest::{self, DigestConfig, DigestWorker, SigningSecret};
use crate::store::{self, DigestJobRow, SubscriberRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/digest", get(show_digest))
        .route("/digest/subscribers", post(add_subscriber))
        .route("/digest/subscribers/{id}/delete", post(remove_subscriber))
        .route("/digest/subscribers/{id}/preview", get(preview_digest))
        .route("/unsubscribe", get(confirm_unsubscribe).post(unsubscribe))
}

async fn secret(state: &AppState) -> Result<SigningSecret, AppError> {
    match &state.inner.secret {
        Some(secret) => Ok(secret.clone()),
        None => Ok(digest::signing_secret(&state.pool, None).await?),
    }
}

/// A subscriber as the page lists them.
struct SubscriberView {
    row: SubscriberRow,
    schedule: String,
    next: String,
    /// Why no digest can be sent to this row (stored before names and addresses were checked).
    problem: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "digest/index.html")]
struct DigestPage {
    csrf: String,
    subscribers: Vec<SubscriberView>,
    counts: Vec<(String, i64)>,
    jobs: Vec<DigestJobRow>,
    /// Why the last subscription was refused; the form then shows what was typed.
    error: Option<String>,
    form: FormValues,
    weekdays: Vec<(i16, &'static str)>,
}

/// What the subscription form shows: the defaults, or what was typed when it was refused.
struct FormValues {
    email: String,
    name: String,
    filter: String,
    weeks_ahead: String,
    weekday: i16,
    hour: String,
    time_zone: String,
}

impl FormValues {
    fn new(filter: String) -> Self {
        Self {
            email: String::new(),
            name: String::new(),
            filter,
            weeks_ahead: "8".into(),
            weekday: 1,
            hour: "8".into(),
            time_zone: "UTC".into(),
        }
    }
}

/// `?filter=` prefills the form (a link from a filtered list).
#[derive(Debug, Default, Deserialize)]
struct DigestQuery {
    #[serde(default)]
    filter: String,
}

async fn show_digest(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Query(query): Query<DigestQuery>,
) -> Result<DigestPage, AppError> {
    digest_page(&state, admin.csrf, FormValues::new(query.filter), None).await
}

async fn digest_page(
    state: &AppState,
    csrf: String,
    form: FormValues,
    error: Option<String>,
) -> Result<DigestPage, AppError> {
    let now = chrono::Utc::now();
    let subscribers = store::list_subscribers(&state.pool)
        .await?
        .into_iter()
        .map(|row| {
            let schedule = format!(
                "{}s at {:02}:00 {}",
                weekday_name(row.send_weekday),
                row.send_hour,
                row.time_zone
            );
            let next = match parse_time_zone(&row.time_zone) {
                Ok(tz) if row.unsubscribed_at.is_none() => {
                    next_slot(now, tz, row.send_weekday, row.send_hour)
                        .with_timezone(&tz)
                        .format("%a %-d %b %Y %H:%M")
                        .to_string()
                }
                _ => "—".into(),
            };
            let problem = digest::mail::recipient_mailbox(&row.name, &row.email)
                .err()
                .map(|e| e.to_string());
            SubscriberView {
                row,
                schedule,
                next,
                problem,
            }
        })
        .collect();
    Ok(DigestPage {
        csrf,
        subscribers,
        counts: store::count_digest_jobs(&state.pool).await?,
        jobs: store::list_recent_digest_jobs(&state.pool, 50).await?,
        error,
        form,
        weekdays: (1..=7).map(|d| (d, weekday_name(d))).collect(),
    })
}

/// The subscription form.
#[derive(Debug, Deserialize)]
struct SubscriberForm {
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    filter: String,
    #[serde(default)]
    weeks_ahead: String,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    hour: String,
    #[serde(default)]
    time_zone: String,
}

async fn add_subscriber(
    State(state): State<AppState>,
    Admin(admin): Admin,
    CsrfForm(form): CsrfForm<SubscriberForm>,
) -> Result<Response, AppError> {
    let checked = SubscriptionRequest {
        email: &form.email,
        name: &form.name,
        filter: &form.filter,
        weeks_ahead: &form.weeks_ahead,
        weekday: &form.weekday,
        hour: &form.hour,
        time_zone: &form.time_zone,
    }
    .validate();
    let s = match checked {
        Ok(s) => s,
        Err(e) => {
            return refuse_subscriber(&state, admin.csrf.clone(), &form, capitalize(&e)).await;
        }
    };
    let mut tx = state.pool.begin().await?;
    if store::insert_subscriber(&mut *tx, &s.as_new())
        .await?
        .is_none()
    {
        drop(tx);
        let message = format!("{} is already subscribed.", s.email);
        return refuse_subscriber(&state, admin.csrf.clone(), &form, message).await;
    }
    let after = serde_json::json!({
        "email": s.email, "name": s.name, "filter": s.filter_query,
        "weeks_ahead": s.weeks_ahead, "weekday": s.send_weekday, "hour": s.send_hour,
        "time_zone": s.time_zone,
    });
    let subject = format!("subscriber {}", s.email);
    audit(
        &mut *tx,
        &admin,
        "subscriber.add",
        &subject,
        Some("/digest"),
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/digest").into_response())
}

/// The digest page again, with why the subscription was refused and what was typed, to
/// correct and resend.
async fn refuse_subscriber(
    state: &AppState,
    csrf: String,
    form: &SubscriberForm,
    message: String,
) -> Result<Response, AppError> {
    let values = FormValues {
        email: form.email.clone(),
        name: form.name.clone(),
        filter: form.filter.clone(),
        weeks_ahead: form.weeks_ahead.clone(),
        weekday: parse_weekday(&form.weekday).unwrap_or(1),
        hour: form.hour.clone(),
        time_zone: form.time_zone.clone(),
    };
    let page = digest_page(state, csrf, values, Some(message)).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

async fn remove_subscriber(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
    CsrfForm(RemoveForm {}): CsrfForm<RemoveForm>,
) -> Result<Redirect, AppError> {
    let mut tx = state.pool.begin().await?;
    let subscriber = store::find_subscriber(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no subscriber {id}.")))?;
    if !store::delete_subscriber(&mut *tx, id).await? {
        return Err(AppError::NotFound(format!("There is no subscriber {id}.")));
    }
    let before = serde_json::json!({
        "email": subscriber.email, "name": subscriber.name, "filter": subscriber.filter_query,
    });
    let subject = format!("subscriber {}", subscriber.email);
    audit(
        &mut *tx,
        &admin,
        "subscriber.remove",
        &subject,
        Some("/digest"),
        Some(before),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/digest"))
}

#[derive(Debug, Deserialize)]
struct RemoveForm {}

/// The HTML part of the digest a subscriber would receive (`?as_of=` for another day).
async fn preview_digest(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<i64>,
    Query(as_of): Query<AsOf>,
) -> Result<Html<String>, AppError> {
    let subscriber = store::find_subscriber(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no subscriber {id}.")))?;
    let today = match as_of.as_of.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(_) => as_of.today()?,
        None => parse_time_zone(&subscriber.time_zone)
            .map(|tz| chrono::Utc::now().with_timezone(&tz).date_naive())
            .unwrap_or_else(|_| chrono::Utc::now().date_naive()),
    };
    let config = DigestConfig {
        base_url: state.inner.base_url.clone(),
        from: "mandates <mandates@localhost>"
            .parse()
            .expect("valid mailbox"),
        send_empty: true,
        secret: secret(&state).await?,
    };
    let worker = DigestWorker::new(state.pool.clone(), None, config);
    let (digest, _) = worker
        .preview(&subscriber, today)
        .await
        .map_err(|e| match e {
            digest::worker::PrepareError::Database(e) => AppError::Database(e),
            digest::worker::PrepareError::Invalid(m)
            | digest::worker::PrepareError::Recipient(m) => AppError::BadRequest(m),
        })?;
    Ok(Html(digest.html))
}

#[derive(Debug, Default, Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "digest/unsubscribe.html")]
struct UnsubscribePage {
    email: String,
    token: String,
    done: bool,
}

async fn subscriber_of_token(state: &AppState, token: &str) -> Result<SubscriberRow, AppError> {
    let invalid = || {
        AppError::BadRequest(
            "This unsubscribe link is not valid (it may have been cut short); use the whole link from the email.".into(),
        )
    };
    let id = secret(state)
        .await?
        .verify_unsubscribe_token(token)
        .ok_or_else(invalid)?;
    store::find_subscriber(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound("This subscription no longer exists.".into()))
}

async fn confirm_unsubscribe(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> Result<UnsubscribePage, AppError> {
    let subscriber = subscriber_of_token(&state, &query.token).await?;
    Ok(UnsubscribePage {
        email: subscriber.email,
        done: subscriber.unsubscribed_at.is_some(),
        token: query.token,
    })
}

/// One-click (RFC 8058): mail clients POST `List-Unsubscribe=One-Click` to the link itself.
async fn unsubscribe(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> Result<UnsubscribePage, AppError> {
    let subscriber = subscriber_of_token(&state, &query.token).await?;
    store::unsubscribe_subscriber(&state.pool, subscriber.id).await?;
    Ok(UnsubscribePage {
        email: subscriber.email,
        done: true,
        token: String::new(),
    })
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}
