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

use super::auth::{Admin, CsrfForm, CurrentUser, SignedIn, audit};
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
        .route("/digest/preview/{id}", get(show_preview))
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

/// Whether digests can go out, and how the last deliveries went.
struct MailStatus {
    /// The mail server (no credentials), when `SMTP_URL` is set.
    server: Option<String>,
    delivery: store::DeliveryStatus,
}

#[derive(Template, WebTemplate)]
#[template(path = "digest/index.html")]
struct DigestPage {
    /// Admins see and manage every subscriber; others see their own digest.
    admin: bool,
    /// The person's own subscription, in words.
    mine: Option<SubscriberView>,
    mine_words: String,
    mail: MailStatus,
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
    SignedIn(user): SignedIn,
    Query(query): Query<DigestQuery>,
) -> Result<DigestPage, AppError> {
    digest_page(&state, &user, FormValues::new(query.filter), None).await
}

async fn digest_page(
    state: &AppState,
    user: &CurrentUser,
    form: FormValues,
    error: Option<String>,
) -> Result<DigestPage, AppError> {
    let now = chrono::Utc::now();
    let view = |row: SubscriberRow| {
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
    };
    let admin = user.is_admin();
    let mine = store::find_subscriber_by_email(&state.pool, &user.email)
        .await?
        .filter(|s| s.unsubscribed_at.is_none())
        .map(&view);
    let mine_words = match &mine {
        Some(mine) => {
            let query: super::obligations::ListQuery =
                serde_urlencoded::from_str(&mine.row.filter_query).unwrap_or_default();
            let actors = store::list_actor_names(&state.pool).await?;
            super::lists::describe_filter(&query, &actors)
        }
        None => String::new(),
    };
    let mut delivery = store::find_delivery_status(&state.pool).await?;
    if !admin {
        // Others' addresses and errors are the admins' business.
        delivery.last_sent_to = None;
        delivery.last_error = None;
        delivery.last_error_to = None;
        delivery.last_error_at = None;
    }
    let (subscribers, counts, jobs) = if admin {
        (
            store::list_subscribers(&state.pool)
                .await?
                .into_iter()
                .map(&view)
                .collect(),
            store::count_digest_jobs(&state.pool).await?,
            store::list_recent_digest_jobs(&state.pool, 50).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(DigestPage {
        admin,
        mine,
        mine_words,
        mail: MailStatus {
            server: state.inner.smtp.clone(),
            delivery,
        },
        csrf: user.csrf.clone(),
        subscribers,
        counts,
        jobs,
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
            return refuse_subscriber(&state, &admin, &form, capitalize(&e)).await;
        }
    };
    let mut tx = state.pool.begin().await?;
    if store::insert_subscriber(&mut *tx, &s.as_new())
        .await?
        .is_none()
    {
        drop(tx);
        let message = format!("{} is already subscribed.", s.email);
        return refuse_subscriber(&state, &admin, &form, message).await;
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
    admin: &CurrentUser,
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
    let page = digest_page(state, admin, values, Some(message)).await?;
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

/// A subscriber an admin, or the subscriber themselves, may preview.
async fn subscriber_to_preview(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<SubscriberRow, AppError> {
    let missing = || AppError::NotFound(format!("There is no subscriber {id}."));
    let subscriber = store::find_subscriber(&state.pool, id)
        .await?
        .ok_or_else(missing)?;
    let own = subscriber.email.eq_ignore_ascii_case(&user.email);
    if !own && !user.is_admin() {
        // Whether an id is someone's is not told either.
        return Err(missing());
    }
    Ok(subscriber)
}

#[derive(Template, WebTemplate)]
#[template(path = "digest/preview.html")]
struct PreviewPage {
    id: i64,
    email: String,
    /// `?as_of=…&` for the frame, or empty.
    as_of: String,
    mail: Option<String>,
}

/// The digest as its subscriber would see it, framed in a page with a way back.
async fn show_preview(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    Query(as_of): Query<AsOf>,
) -> Result<Response, AppError> {
    let subscriber = subscriber_to_preview(&state, &user, id).await?;
    let as_of = as_of
        .as_of
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|d| {
            format!(
                "?{}",
                serde_urlencoded::to_string([("as_of", d)]).unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let page = PreviewPage {
        id,
        email: subscriber.email,
        as_of,
        mail: state.inner.smtp.clone(),
    };
    // The site's policy, and frames of this site (the email) besides.
    Ok((
        [(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                 frame-src 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        )],
        page,
    )
        .into_response())
}

/// The digest's own HTML may style itself inline and be framed by this site, and nothing
/// else: no script, no other resource, no form.
const PREVIEW_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
     form-action 'none'; frame-ancestors 'self'; base-uri 'none'";

/// The HTML part of the digest a subscriber would receive (`?as_of=` for another day).
async fn preview_digest(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    Query(as_of): Query<AsOf>,
) -> Result<Response, AppError> {
    let subscriber = subscriber_to_preview(&state, &user, id).await?;
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
    Ok((
        [
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                axum::http::HeaderValue::from_static(PREVIEW_POLICY),
            ),
            (
                axum::http::header::X_FRAME_OPTIONS,
                axum::http::HeaderValue::from_static("SAMEORIGIN"),
            ),
        ],
        Html(digest.html),
    )
        .into_response())
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
