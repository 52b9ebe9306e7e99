//! Who is asking: the session cookie (or a feed token) resolved to an account, the gate that
//! refuses everything to strangers, the role checks, the form token checked on every form
//! post, signing in and out, and the security headers of every response.

use askama::Template;
use askama_web::WebTemplate;
use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Utc;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

use super::cache::Snapshot;
use super::params::{self, Query};
use super::{AppError, AppState};
use crate::accounts::{self, Role, Throttle};
use crate::store::DependsOn;
use crate::store::{self, AuditEntry, ThrottleRow};

pub const SESSION_COOKIE: &str = "mandates_session";
/// The sign-in form's cookie: a random pre-session id, to which the form's token is bound
/// (login CSRF). Over HTTPS the `__Host-` prefix also keeps a neighbouring subdomain from
/// setting it.
const SIGN_IN_COOKIE: &str = "mandates_sign_in";
const SIGN_IN_COOKIE_SECURE: &str = "__Host-mandates_sign_in";
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
    request.extensions_mut().insert(snapshot);
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
        None if reading => {
            let next_path = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            let jar = CookieJar::from_headers(request.headers());
            return sign_in_page(
                StatusCode::UNAUTHORIZED,
                &state,
                &jar,
                &next_path,
                None,
                "Sign in to see the tracker.",
            )
            .await;
        }
        None => return sign_in_to_resume(&state, request).await,
    }
    next.run(request).await
}

/// A form sent without a live session (it expired while the form was open): the sign-in
/// page, carrying what the form sent, so that signing in brings the form back with it.
async fn sign_in_to_resume(state: &AppState, request: Request) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let action = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    // Back to the page the form was on when the input cannot be kept (an upload).
    let came_from = request
        .headers()
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.parse::<Uri>().ok())
        .and_then(|r| r.path_and_query().map(|p| p.as_str().to_string()))
        .unwrap_or_else(|| "/".into());
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    // Signing out of a session that has ended is done: nothing to send again.
    let fields = if is_form && request.uri().path() != "/sign-out" {
        axum::body::to_bytes(request.into_body(), super::FORM_LIMIT)
            .await
            .ok()
            .and_then(|body| resumable_fields(&body))
    } else {
        None
    };
    let resume = fields.map(|fields| Resume {
        action: safe_return_path(&action),
        fields: serde_urlencoded::to_string(&fields).unwrap_or_default(),
    });
    let message = if resume.is_some() {
        "Your session ended before this form arrived. Sign in, and the form comes back with what you typed, to send again."
    } else {
        "Your session ended before this form arrived. Sign in and send it again."
    };
    sign_in_page_resuming(
        StatusCode::UNAUTHORIZED,
        state,
        &jar,
        &safe_return_path(&came_from),
        None,
        message,
        resume.as_ref(),
    )
    .await
}

/// The fields of a form body worth sending again: all but its spent form token.
fn resumable_fields(body: &[u8]) -> Option<Vec<(String, String)>> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    Some(fields.into_iter().filter(|(k, _)| k != "csrf").collect())
}

/// A form to send again after signing in: where it went and its fields (urlencoded).
#[derive(Debug, Clone, Default)]
struct Resume {
    action: String,
    fields: String,
}

/// The form sent again: its fields as sent, editable, with the new session's form token.
#[derive(Template, WebTemplate)]
#[template(path = "resume.html")]
struct ResumePage {
    action: String,
    csrf: String,
    fields: Vec<ResumeField>,
}

struct ResumeField {
    name: String,
    value: String,
    /// Several lines: a text area keeps them.
    long: bool,
}

impl ResumeField {
    fn all(fields: &str) -> Vec<Self> {
        resumable_fields(fields.as_bytes())
            .unwrap_or_default()
            .into_iter()
            .map(|(name, value)| Self {
                long: value.contains('\n'),
                name,
                value,
            })
            .collect()
    }
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
        .get_or_load(
            snapshot,
            format!("session {hash}"),
            DependsOn::Accounts,
            || async { Ok(store::find_session(&state.pool, &hash).await?) },
        )
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
        let path = parts.uri.path();
        let doing = if path.starts_with("/import") {
            "import resolutions"
        } else if path.starts_with("/corrections")
            || path.starts_with("/review")
            || path.ends_with("/correct")
        {
            "correct what the reader found"
        } else {
            "change follow-up state"
        };
        require(parts, Role::Editor, doing).map(Editor)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let doing = if parts.uri.path().ends_with("/curate") {
            "merge, rename or dismiss actors"
        } else {
            "manage accounts, subscribers and the audit log"
        };
        require(parts, Role::Admin, doing).map(Admin)
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
        let body = params::read_body(request, state).await?;
        let given = serde_urlencoded::from_bytes::<CsrfField>(&body)
            .map(|f| f.csrf)
            .unwrap_or_default();
        check_csrf(&expected, &given)?;
        params::parse_form(&body).map(CsrfForm)
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
/// referrer beyond this site (feed links carry secrets). Only the digest preview sets a
/// policy of its own, narrower in everything but inline styles.
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
        // A response that set its own policy keeps it (the digest preview: its inline styles
        // in a frame of this site).
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
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
    resume_action: &'a str,
    resume_fields: &'a str,
}

fn sign_in_cookie_name(state: &AppState) -> &'static str {
    if state.inner.secure_cookies() {
        SIGN_IN_COOKIE_SECURE
    } else {
        SIGN_IN_COOKIE
    }
}

/// The browser's pre-session id, when it has a well-formed one.
fn pre_session_id(state: &AppState, jar: &CookieJar) -> Option<String> {
    jar.get(sign_in_cookie_name(state))
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The key the sign-in form's tokens are made with: kept in the database (made on first use),
/// so every server process of one database shares it and a restart keeps open forms valid.
async fn sign_in_key(state: &AppState) -> Result<Vec<u8>, AppError> {
    if let Some(key) = state.sign_in_key.get() {
        return Ok(key.clone());
    }
    let key = store::find_or_create_secret_setting(&state.pool, "sign_in_form_key").await?;
    Ok(state.sign_in_key.get_or_init(|| key.into_bytes()).clone())
}

/// The sign-in form's token for a pre-session id: an HMAC under the server's key. A cookie an
/// attacker manages to set in a victim's browser carries an id whose token only the server
/// can make, so the attacker cannot pair it with a token of their choosing.
fn sign_in_token(key: &[u8], pre_session_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(b"mandates-sign-in-form:");
    mac.update(pre_session_id.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The sign-in form, its pre-session id in a cookie. An id the browser already has is kept: a
/// second request (the browser's own favicon request, another tab) must not void the form
/// on screen.
async fn sign_in_page(
    status: StatusCode,
    state: &AppState,
    jar: &CookieJar,
    next: &str,
    error: Option<&str>,
    message: &str,
) -> Response {
    sign_in_page_resuming(status, state, jar, next, error, message, None).await
}

/// The sign-in form, carrying a form to send again once signed in.
async fn sign_in_page_resuming(
    status: StatusCode,
    state: &AppState,
    jar: &CookieJar,
    next: &str,
    error: Option<&str>,
    message: &str,
    resume: Option<&Resume>,
) -> Response {
    let resume = resume.cloned().unwrap_or_default();
    let key = match sign_in_key(state).await {
        Ok(key) => key,
        Err(e) => return e.into_response(),
    };
    let id = pre_session_id(state, jar).unwrap_or_else(accounts::new_secret);
    let next = safe_return_path(next);
    let page = SignInPage {
        next: &next,
        csrf: &sign_in_token(&key, &id),
        error,
        message,
        public_read: state.inner.public_read,
        resume_action: &resume.action,
        resume_fields: &resume.fields,
    };
    // Path=/ so that every request of the browser carries it (and keeps it).
    let cookie = Cookie::build((sign_in_cookie_name(state), id))
        .path("/")
        .http_only(true)
        .secure(state.inner.secure_cookies())
        .same_site(SameSite::Strict)
        .build();
    (status, CookieJar::new().add(cookie), page).into_response()
}

/// A path to go back to after signing in: a path of this site, parsed, or "/" when it is
/// anything else.
pub fn safe_return_path(next: &str) -> String {
    fn parse(next: &str) -> Option<String> {
        // Browsers drop tabs and line breaks from a URL and read '\' as '/' ("/\t/host" is
        // "//host" to them): none is ever in a path of ours (nor spaces or raw non-ASCII,
        // which ours percent-encode), so any refuses the whole value.
        if next.len() > 2048 || next.chars().any(|c| !c.is_ascii_graphic() || c == '\\') {
            return None;
        }
        let uri: Uri = next.parse().ok()?;
        if uri.scheme().is_some() || uri.authority().is_some() {
            return None;
        }
        let path = uri.path();
        // "//host" is another host, and dot segments ("/.//host", "/%2e%2e//host") resolve
        // to one; no path of ours has either.
        let dot_segment = path.split('/').any(|segment| {
            let segment = segment.to_ascii_lowercase().replace("%2e", ".");
            segment == "." || segment == ".."
        });
        if !path.starts_with('/') || path.contains("//") || dot_segment {
            return None;
        }
        Some(uri.path_and_query()?.as_str().to_string())
    }
    parse(next).unwrap_or_else(|| "/".into())
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
    .await
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
    /// A form sent while signed out (see `sign_in_to_resume`).
    #[serde(default)]
    resume_action: String,
    #[serde(default)]
    resume_fields: String,
}

/// The address a request comes from, for sign-in throttling: the header a trusted proxy sets
/// when one is configured (`AppConfig::client_ip_header`), else the connection's.
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state.inner.client_ip_header.as_ref().and_then(|name| {
            // The proxy appends the address it saw: the last one, not what the client wrote.
            let value = parts
                .headers
                .get_all(name)
                .iter()
                .next_back()?
                .to_str()
                .ok()?;
            let last = value.rsplit(',').next()?.trim();
            last.parse::<IpAddr>()
                .ok()
                .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
        });
        let connection = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Ok(ClientAddress(forwarded.or(connection)))
    }
}

impl ClientAddress {
    /// The client's throttle: one per IPv4 address, one per IPv6 /64 (what one subscriber
    /// gets, and so what one attacker can change addresses within).
    fn throttle_key(&self) -> String {
        match self.0.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V4(ip)) => format!("client {ip}"),
            Some(IpAddr::V6(ip)) => {
                let s = ip.segments();
                format!("client {:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            None => "client unknown".into(),
        }
    }
}

fn throttle_of(row: &ThrottleRow) -> Throttle {
    Throttle {
        failures: row.failures,
        blocked_until: row.blocked_until,
        updated_at: row.updated_at,
    }
}

fn row_of(key: &str, throttle: Throttle) -> ThrottleRow {
    ThrottleRow {
        key: key.to_string(),
        failures: throttle.failures,
        blocked_until: throttle.blocked_until,
        updated_at: throttle.updated_at,
    }
}

/// The client's and the typed email's throttles, locked in `tx`.
async fn lock_throttles(
    tx: &mut sqlx::PgConnection,
    client_key: &str,
    email_key: &str,
) -> Result<(Throttle, Throttle), AppError> {
    let rows = store::lock_sign_in_throttles(tx, &[client_key.into(), email_key.into()]).await?;
    let of = |key: &str| {
        rows.iter()
            .find(|r| r.key == key)
            .map(throttle_of)
            .ok_or_else(|| AppError::Database(sqlx::Error::RowNotFound))
    };
    Ok((of(client_key)?, of(email_key)?))
}

async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    jar: CookieJar,
    params::Form(form): params::Form<SignInForm>,
) -> Result<Response, AppError> {
    let key = sign_in_key(&state).await?;
    let expected = pre_session_id(&state, &jar)
        .map(|id| sign_in_token(&key, &id))
        .unwrap_or_default();
    check_csrf(&expected, &form.csrf)?;
    // A failed sign-in keeps carrying the form to resume.
    let resume = (!form.resume_action.is_empty()).then(|| Resume {
        action: safe_return_path(&form.resume_action),
        fields: form.resume_fields.clone(),
    });
    let page = |status: StatusCode, message: String| {
        let (state, jar, next, resume) = (
            state.clone(),
            jar.clone(),
            form.next.clone(),
            resume.clone(),
        );
        async move {
            sign_in_page_resuming(
                status,
                &state,
                &jar,
                &next,
                Some(&message),
                "Sign in to the tracker.",
                resume.as_ref(),
            )
            .await
        }
    };
    // Whatever was typed keys the email's throttle, an account's email or not, so that no
    // answer tells which emails have accounts. Hashed: the table never holds what strangers
    // type.
    let email = accounts::normalize_email(&form.email).ok();
    let typed = email
        .clone()
        .unwrap_or_else(|| form.email.trim().to_lowercase());
    let (client_key, email_key) = (
        client.throttle_key(),
        format!("email {}", accounts::secret_hash(&typed)),
    );
    let now = Utc::now();
    // Checking the throttles and counting this attempt are one step, under their locks.
    let mut tx = state.pool.begin().await?;
    let (client_throttle, email_throttle) =
        lock_throttles(&mut tx, &client_key, &email_key).await?;
    match accounts::claim_sign_in(client_throttle, email_throttle, now) {
        Err(until) => {
            drop(tx);
            let seconds = (until - now).num_seconds().max(1);
            tracing::warn!(client = client_key, "sign-in throttled");
            let mut response = page(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many failed sign-ins from here or for this email. Wait {seconds} seconds (until {} UTC), then try again; an admin can give you a new password.",
                    until.format("%H:%M:%S")
                ),
            )
            .await;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            return Ok(response);
        }
        Ok((client_throttle, email_throttle)) => {
            store::save_sign_in_throttle(&mut *tx, &row_of(&client_key, client_throttle)).await?;
            store::save_sign_in_throttle(&mut *tx, &row_of(&email_key, email_throttle)).await?;
            tx.commit().await?;
        }
    }
    let account = match &email {
        Some(email) => store::find_user_for_sign_in(&state.pool, email).await?,
        None => None,
    };
    // An unknown email is checked against a dummy hash: the same work, the same answer.
    let stored = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| accounts::dummy_password_hash().to_string());
    let matches = verify_password(&form.password, &stored).await;
    let Some(account) = account.filter(|a| matches && a.disabled_at.is_none()) else {
        tracing::info!(client = client_key, "failed sign-in");
        return Ok(page(StatusCode::UNAUTHORIZED, "Wrong email or password.".into()).await);
    };
    let mut tx = state.pool.begin().await?;
    let (client_throttle, _) = lock_throttles(&mut tx, &client_key, &email_key).await?;
    // This attempt was counted as a failure before its password was checked: take it back. The
    // email's failures go too; its owner is in.
    store::save_sign_in_throttle(
        &mut *tx,
        &row_of(&client_key, client_throttle.without_failure()),
    )
    .await?;
    let cleared = Throttle {
        failures: 0,
        blocked_until: None,
        updated_at: now,
    };
    store::save_sign_in_throttle(&mut *tx, &row_of(&email_key, cleared)).await?;
    store::delete_quiet_sign_in_throttles(&mut *tx, now - accounts::THROTTLE_MEMORY).await?;
    store::delete_expired_sessions(&mut *tx).await?;
    let token = accounts::new_secret();
    let csrf = accounts::new_secret();
    store::create_session(
        &mut *tx,
        &accounts::secret_hash(&token),
        account.id,
        &csrf,
        now + chrono::Duration::days(SESSION_DAYS),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(email, "signed in");
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(state.inner.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(time_days(SESSION_DAYS))
        .build();
    // A removal cookie, written out: `CookieJar::remove` only removes what the jar was read
    // with, and this one is new, so it used to send nothing and leave the form's cookie.
    let mut spent = Cookie::build((sign_in_cookie_name(&state), ""))
        .path("/")
        .http_only(true)
        .secure(state.inner.secure_cookies())
        .same_site(SameSite::Strict)
        .build();
    spent.make_removal();
    let jar = CookieJar::new().add(cookie).add(spent);
    if let Some(resume) = resume {
        // Shown, not sent on the person's behalf: they check what they typed and send it.
        let page = ResumePage {
            action: resume.action,
            csrf,
            fields: ResumeField::all(&resume.fields),
        };
        return Ok((jar, page).into_response());
    }
    Ok((jar, Redirect::to(&safe_return_path(&form.next))).into_response())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(
            safe_return_path("/obligations?body=GA&q=a%20b"),
            "/obligations?body=GA&q=a%20b"
        );
        assert_eq!(safe_return_path("/"), "/");
        // Still encoded, it is a path of this site: browsers do not decode it into a tab.
        assert_eq!(safe_return_path("/%09/x"), "/%09/x");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/.//evil.example",
            "/%2e%2E//evil.example",
            "/a//b",
            "/ /evil",
            "/é",
            "x",
            "",
            "javascript:alert(1)",
            "http:/evil.example",
        ] {
            assert_eq!(safe_return_path(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn sign_in_tokens_are_bound_to_the_key_and_the_id() {
        let (id, other) = (accounts::new_secret(), accounts::new_secret());
        let token = sign_in_token(b"key", &id);
        assert_eq!(token.len(), 64);
        assert_eq!(token, sign_in_token(b"key", &id));
        assert_ne!(token, id);
        assert_ne!(token, sign_in_token(b"key", &other));
        assert_ne!(token, sign_in_token(b"another key", &id));
    }
}
