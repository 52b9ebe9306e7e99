//! Who is asking: the session cookie (or a feed token) resolved to an account, the gate that
//! refuses everything to strangers, the role checks, the form token checked on every form
//! post, signing in and out, and the security headers of every response.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Utc;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::cache::Snapshot;
use super::{AppError, AppState};
use crate::accounts::{self, Role};
use crate::store::{self, AuditEntry};

pub const SESSION_COOKIE: &str = "mandates_session";
/// The sign-in form's own token, before there is a session (login CSRF).
const SIGN_IN_COOKIE: &str = "mandates_sign_in";
const SESSION_DAYS: i64 = 7;

/// Paths anyone may open.
const OPEN_PATHS: [&str; 4] = ["/sign-in", "/healthz", "/static/style.css", "/unsubscribe"];
/// Paths a feed token opens (`?token=`), for calendar apps and scripts.
const FEED_PATHS: [&str; 3] = ["/obligations.ics", "/obligations.csv", "/api/obligations"];

/// The person making a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The session's form token; empty when signed in by a feed token.
    pub csrf: String,
}

impl CurrentUser {
    fn from_row(row: store::SessionUser) -> Option<Self> {
        Some(Self {
            id: row.user_id,
            role: row.role.parse().ok()?,
            email: row.email,
            name: row.name,
            csrf: row.csrf_token,
        })
    }
    pub fn can_edit(&self) -> bool {
        self.role >= Role::Editor
    }
    pub fn is_admin(&self) -> bool {
        self.role >= Role::Admin
    }
}

/// Resolves the session cookie or feed token, and refuses a request that needs an account and
/// has none: 401 with the sign-in form for pages, a one-line 401 for feeds.
pub async fn gate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    // The health check and the stylesheet need no account, nor the database.
    if matches!(path.as_str(), "/healthz" | "/static/style.css") {
        return next.run(request).await;
    }
    // One snapshot for the whole request: the session and every cached result are read at it.
    let snapshot = match state.cache.snapshot(&state.pool).await {
        Ok(snapshot) => snapshot,
        Err(e) => return AppError::Database(e).into_response(),
    };
    request.extensions_mut().insert(snapshot.clone());
    let uri = request.uri().clone();
    let user = match identify(&state, &snapshot, &uri, request.headers()).await {
        Ok(user) => user,
        Err(Refusal::BadFeedToken) => {
            return (
                StatusCode::UNAUTHORIZED,
                "This feed token is not valid: it was revoked or mistyped. Make a new one on your account page.\n",
            )
                .into_response();
        }
        Err(Refusal::Error(e)) => return e.into_response(),
    };
    let open = OPEN_PATHS.contains(&path.as_str());
    let reading = matches!(*request.method(), Method::GET | Method::HEAD);
    match user {
        Some(user) => {
            request.extensions_mut().insert(user);
        }
        None if open || (state.inner.public_read && reading) => {}
        None if FEED_PATHS.contains(&path.as_str()) => {
            return (
                StatusCode::UNAUTHORIZED,
                "Sign in, or add ?token= with a feed token from your account page.\n",
            )
                .into_response();
        }
        None => {
            let next_path = if reading {
                request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "/".into())
            } else {
                "/".into()
            };
            let jar = CookieJar::from_headers(request.headers());
            return sign_in_page(
                StatusCode::UNAUTHORIZED,
                &state,
                &jar,
                &next_path,
                None,
                "Sign in to see the tracker.",
            );
        }
    }
    next.run(request).await
}

enum Refusal {
    BadFeedToken,
    Error(AppError),
}

async fn identify(
    state: &AppState,
    snapshot: &Snapshot,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
) -> Result<Option<CurrentUser>, Refusal> {
    let path = uri.path();
    if FEED_PATHS.contains(&path)
        && let Some(token) = feed_token(uri.query())
    {
        let row = store::use_feed_token(&state.pool, &accounts::secret_hash(&token))
            .await
            .map_err(|e| Refusal::Error(e.into()))?;
        return row
            .and_then(CurrentUser::from_row)
            .map(Some)
            .ok_or(Refusal::BadFeedToken);
    }
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    // Kept per snapshot like any result: signing out, disabling an account or a new password
    // writes, and so moves the snapshot.
    let hash = accounts::secret_hash(cookie.value());
    let row = state
        .cache
        .get_or_load(snapshot, format!("session {hash}"), || async {
            Ok(store::find_session(&state.pool, &hash).await?)
        })
        .await
        .map_err(Refusal::Error)?;
    Ok(row
        .as_ref()
        .clone()
        .filter(|r| r.expires_at > Utc::now())
        .and_then(CurrentUser::from_row))
}

fn feed_token(query: Option<&str>) -> Option<String> {
    #[derive(Deserialize)]
    struct TokenQuery {
        token: Option<String>,
    }
    serde_urlencoded::from_str::<TokenQuery>(query?)
        .ok()?
        .token
        .filter(|t| !t.is_empty())
}

/// The signed-in person, or None (open pages, public read-only mode).
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(MaybeUser(parts.extensions.get::<CurrentUser>().cloned()))
    }
}

fn require(parts: &Parts, role: Role, doing: &str) -> Result<CurrentUser, AppError> {
    let user = parts
        .extensions
        .get::<CurrentUser>()
        .cloned()
        .ok_or_else(|| AppError::Unauthorized(format!("Sign in to {doing}.")))?;
    if user.role < role {
        return Err(AppError::Forbidden(format!(
            "Your account is a {}; to {doing} it takes an {} account ({}). Ask an admin.",
            user.role.as_str(),
            role.as_str(),
            role.description()
        )));
    }
    Ok(user)
}

/// Any signed-in account.
pub struct SignedIn(pub CurrentUser);
/// An editor or admin.
pub struct Editor(pub CurrentUser);
/// An admin.
pub struct Admin(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        require(parts, Role::Viewer, "do this").map(SignedIn)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Editor {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let doing = if parts.uri.path().starts_with("/import") {
            "import resolutions"
        } else {
            "change follow-up state"
        };
        require(parts, Role::Editor, doing).map(Editor)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        require(
            parts,
            Role::Admin,
            "manage accounts, subscribers and the audit log",
        )
        .map(Admin)
    }
}

/// A form post whose `csrf` field carries the session's form token; anything else is refused
/// before the form is read.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T, S> FromRequest<S> for CsrfForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;
    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let expected = request
            .extensions()
            .get::<CurrentUser>()
            .map(|u| u.csrf.clone())
            .unwrap_or_default();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
        let given = serde_urlencoded::from_bytes::<CsrfField>(&body)
            .map(|f| f.csrf)
            .unwrap_or_default();
        check_csrf(&expected, &given)?;
        serde_urlencoded::from_bytes::<T>(&body)
            .map(CsrfForm)
            .map_err(|e| AppError::BadRequest(format!("The form is incomplete: {e}")))
    }
}

/// Refuses a form whose token is not the session's.
pub fn check_csrf(expected: &str, given: &str) -> Result<(), AppError> {
    if expected.is_empty() || !accounts::secrets_match(expected, given) {
        return Err(AppError::Forbidden(
            "This form did not come from a page of this site, or it expired. Reload the page and send it again."
                .into(),
        ));
    }
    Ok(())
}

/// Headers every response carries: no script at all, no framing, no MIME sniffing, no
/// referrer beyond this site (feed links carry secrets).
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(show_sign_in).post(sign_in))
        .route("/sign-out", get(show_sign_out).post(sign_out))
}

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    next: &'a str,
    csrf: &'a str,
    error: Option<&'a str>,
    message: &'a str,
    public_read: bool,
}

/// The sign-in form, with its token in a cookie. A token the browser already has is kept: a
/// second request (the browser's own favicon request, another tab) must not void the form
/// on screen.
fn sign_in_page(
    status: StatusCode,
    state: &AppState,
    jar: &CookieJar,
    next: &str,
    error: Option<&str>,
    message: &str,
) -> Response {
    let csrf = jar
        .get(SIGN_IN_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(accounts::new_secret);
    let page = SignInPage {
        next: accounts::safe_return_path(next),
        csrf: &csrf,
        error,
        message,
        public_read: state.inner.public_read,
    };
    // Path=/ so that every request of the browser carries it (and keeps it).
    let cookie = Cookie::build((SIGN_IN_COOKIE, csrf.clone()))
        .path("/")
        .http_only(true)
        .secure(state.inner.secure_cookies())
        .same_site(SameSite::Strict)
        .build();
    (status, CookieJar::new().add(cookie), page).into_response()
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn show_sign_in(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Response {
    sign_in_page(
        StatusCode::OK,
        &state,
        &jar,
        q.next.as_deref().unwrap_or("/"),
        None,
        "Sign in to the tracker.",
    )
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

async fn sign_in(
    State(state): State<AppState>,
    jar: CookieJar,
    axum::extract::Form(form): axum::extract::Form<SignInForm>,
) -> Result<Response, AppError> {
    let expected = jar
        .get(SIGN_IN_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    check_csrf(&expected, &form.csrf)?;
    let refuse = |message: &str| {
        Ok(sign_in_page(
            StatusCode::UNAUTHORIZED,
            &state,
            &jar,
            &form.next,
            Some(message),
            "Sign in to the tracker.",
        ))
    };
    let Ok(email) = accounts::normalize_email(&form.email) else {
        return refuse("Wrong email or password.");
    };
    let account = store::find_user_for_sign_in(&state.pool, &email).await?;
    let now = Utc::now();
    if let Some(a) = &account
        && let Some(until) = a.locked_until
        && until > now
    {
        return refuse(&format!(
            "Too many failed sign-ins: this account is locked until {} UTC. Try again then, or ask an admin to reset the password.",
            until.format("%H:%M")
        ));
    }
    let stored = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| accounts::dummy_password_hash().to_string());
    let matches = verify_password(&form.password, &stored).await;
    let Some(account) = account.filter(|a| a.disabled_at.is_none()) else {
        return refuse("Wrong email or password.");
    };
    if !matches {
        let locked = store::record_failed_sign_in(
            &state.pool,
            account.id,
            accounts::MAX_FAILED_SIGN_INS,
            accounts::LOCK_MINUTES,
        )
        .await?;
        if locked.is_some_and(|until| until > now) {
            tracing::warn!(email, "account locked after repeated failed sign-ins");
            return refuse(&format!(
                "Too many failed sign-ins: this account is locked for {} minutes.",
                accounts::LOCK_MINUTES
            ));
        }
        return refuse("Wrong email or password.");
    }
    store::record_sign_in(&state.pool, account.id).await?;
    store::delete_expired_sessions(&state.pool).await?;
    let token = accounts::new_secret();
    store::create_session(
        &state.pool,
        &accounts::secret_hash(&token),
        account.id,
        &accounts::new_secret(),
        now + chrono::Duration::days(SESSION_DAYS),
    )
    .await?;
    tracing::info!(email, "signed in");
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(state.inner.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(time_days(SESSION_DAYS))
        .build();
    let jar = CookieJar::new()
        .add(cookie)
        .remove(Cookie::build(SIGN_IN_COOKIE).path("/"));
    Ok((jar, Redirect::to(accounts::safe_return_path(&form.next))).into_response())
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

#[derive(Template, WebTemplate)]
#[template(path = "sign_out.html")]
struct SignOutPage {
    name: String,
    csrf: String,
}

async fn show_sign_out(SignedIn(user): SignedIn) -> SignOutPage {
    SignOutPage {
        name: user.name,
        csrf: user.csrf,
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn sign_out(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    jar: CookieJar,
    CsrfForm(Empty {}): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        store::delete_session(&state.pool, &accounts::secret_hash(cookie.value())).await?;
    }
    tracing::info!(email = user.email, "signed out");
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/sign-in")).into_response())
}

/// Argon2 is slow on purpose: hashing and checking run off the async threads.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || accounts::hash_password(&password))
        .await
        .map_err(|_| AppError::BadRequest("The password could not be set; try again.".into()))
}

/// True when `password` matches the stored hash (see [`hash_password`]).
pub async fn verify_password(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_string(), stored.to_string());
    tokio::task::spawn_blocking(move || accounts::verify_password(&password, &stored))
        .await
        .unwrap_or(false)
}

/// Writes one change to the audit log.
pub async fn audit(
    db: impl sqlx::PgExecutor<'_>,
    user: &CurrentUser,
    action: &str,
    subject: &str,
    link: Option<&str>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), sqlx::Error> {
    store::record_audit(
        db,
        &AuditEntry {
            user_id: Some(user.id),
            actor_name: &user.name,
            action,
            subject,
            link,
            before,
            after,
        },
    )
    .await
}
