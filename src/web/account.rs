//! One's own account (password, calendar feed tokens) and the admin pages: accounts and the
//! audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use serde_json::json;

use super::auth::{Admin, CsrfForm, CurrentUser, SignedIn, audit, hash_password, verify_password};
use super::params::{Path, Query};
use super::{AppError, AppState};
use crate::accounts::{self, Role};
use crate::store::{self, AuditRow, FeedTokenRow, UserRow};

const AUDIT_PAGE: i64 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show_account))
        .route("/account/password", post(change_password))
        .route("/account/feed-tokens", post(create_feed_token))
        .route("/account/feed-tokens/{id}/revoke", post(revoke_feed_token))
        .route("/admin/users", get(list_users).post(add_user))
        .route("/admin/users/{id}", post(update_user))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/audit", get(show_audit))
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    user: CurrentUser,
    tokens: Vec<FeedTokenRow>,
    /// A token just made: shown once, in a feed URL.
    new_feed_url: Option<String>,
    message: Option<String>,
    error: Option<String>,
}

async fn account_page(
    state: &AppState,
    user: CurrentUser,
    new_feed_url: Option<String>,
    message: Option<String>,
    error: Option<String>,
) -> Result<AccountPage, AppError> {
    Ok(AccountPage {
        tokens: store::list_feed_tokens(&state.pool, user.id).await?,
        user,
        new_feed_url,
        message,
        error,
    })
}

/// Carries a token just made to the account page, once: the form answers with a redirect, so
/// that reloading the page shows it instead of making another token.
const NEW_FEED_COOKIE: &str = "mandates_new_feed";

fn new_feed_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((NEW_FEED_COOKIE, token))
        .path("/account")
        .http_only(true)
        .secure(state.inner.secure_cookies())
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::minutes(5))
        .build()
}

fn feed_url(state: &AppState, token: &str) -> String {
    format!(
        "{}/obligations.ics?status=outstanding&token={token}",
        state.inner.base_url.trim_end_matches('/')
    )
}

async fn show_account(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let new_token = jar
        .get(NEW_FEED_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| {
            !t.is_empty()
                && t.len() <= 128
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    let Some(token) = new_token else {
        return Ok(account_page(&state, user, None, None, None)
            .await?
            .into_response());
    };
    let page = account_page(
        &state,
        user,
        Some(feed_url(&state, &token)),
        Some("Feed token made.".into()),
        None,
    )
    .await?;
    // Shown once: the next visit no longer has it.
    let mut spent = new_feed_cookie(&state, String::new());
    spent.make_removal();
    Ok((CookieJar::new().add(spent), page).into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
}

async fn change_password(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    let row = store::find_user_for_sign_in(&state.pool, &user.email)
        .await?
        .ok_or_else(|| AppError::NotFound("Your account is gone.".into()))?;
    if !verify_password(&form.current, &row.password_hash).await {
        let page = account_page(
            &state,
            user,
            None,
            None,
            Some("The current password is wrong.".into()),
        )
        .await?;
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    }
    if let Err(e) = accounts::check_new_password(&form.new) {
        let page = account_page(&state, user, None, None, Some(e)).await?;
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    }
    let hash = hash_password(&form.new).await?;
    let mut tx = state.pool.begin().await?;
    // Signs out every session, this one included: sign in again with the new password.
    store::set_password(&mut tx, user.id, &hash).await?;
    let subject = format!("user {}", user.email);
    audit(&mut *tx, &user, "user.password", &subject, None, None, None).await?;
    tx.commit().await?;
    Ok(Redirect::to("/sign-in?next=/account").into_response())
}

#[derive(Deserialize)]
struct FeedTokenForm {
    #[serde(default)]
    label: String,
}

async fn create_feed_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    CsrfForm(form): CsrfForm<FeedTokenForm>,
) -> Result<Response, AppError> {
    let label = form.label.trim();
    let label = if label.is_empty() { "calendar" } else { label };
    if label.chars().count() > 100 {
        return Err(AppError::BadRequest(
            "The label is too long (100 characters at most).".into(),
        ));
    }
    let token = accounts::new_secret();
    let mut tx = state.pool.begin().await?;
    let id =
        store::create_feed_token(&mut *tx, user.id, &accounts::secret_hash(&token), label).await?;
    let subject = format!("feed token {id} of {}", user.email);
    let after = json!({ "label": label });
    audit(
        &mut *tx,
        &user,
        "feed_token.create",
        &subject,
        None,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    // Post, redirect, get: a reload of the page that shows the token makes no other one.
    let jar = CookieJar::new().add(new_feed_cookie(&state, token));
    Ok((jar, Redirect::to("/account")).into_response())
}

#[derive(Deserialize)]
struct Empty {}

async fn revoke_feed_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CsrfForm(Empty {}): CsrfForm<Empty>,
) -> Result<Redirect, AppError> {
    let mut tx = state.pool.begin().await?;
    let label = store::revoke_feed_token(&mut *tx, user.id, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("You have no live feed token {id}.")))?;
    let subject = format!("feed token {id} of {}", user.email);
    let before = json!({ "label": label, "revoked": false });
    let after = json!({ "label": label, "revoked": true });
    audit(
        &mut *tx,
        &user,
        "feed_token.revoke",
        &subject,
        None,
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/account"))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
struct UsersPage {
    csrf: String,
    me: i64,
    users: Vec<UserRow>,
    roles: [Role; 3],
    message: Option<String>,
    error: Option<String>,
}

async fn users_page(
    state: &AppState,
    admin: &CurrentUser,
    message: Option<String>,
    error: Option<String>,
) -> Result<UsersPage, AppError> {
    Ok(UsersPage {
        csrf: admin.csrf.clone(),
        me: admin.id,
        users: store::list_users(&state.pool).await?,
        roles: Role::ALL,
        message,
        error,
    })
}

async fn list_users(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> Result<UsersPage, AppError> {
    users_page(&state, &admin, None, None).await
}

#[derive(Deserialize)]
struct AddUserForm {
    email: String,
    name: String,
    role: String,
}

async fn add_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    CsrfForm(form): CsrfForm<AddUserForm>,
) -> Result<Response, AppError> {
    let refuse = |e: String| async {
        let page = users_page(&state, &admin, None, Some(e)).await?;
        Ok::<_, AppError>((axum::http::StatusCode::BAD_REQUEST, page).into_response())
    };
    let email = match accounts::normalize_email(&form.email) {
        Ok(e) => e,
        Err(e) => return refuse(e).await,
    };
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return refuse("Give the person's name (200 characters at most).".into()).await;
    }
    let role: Role = match form.role.parse() {
        Ok(r) => r,
        Err(e) => return refuse(e).await,
    };
    let password = accounts::new_password();
    let hash = hash_password(&password).await?;
    let mut tx = state.pool.begin().await?;
    match store::add_user(&mut *tx, &email, name, role.as_str(), &hash).await {
        Ok(_) => {}
        Err(store::AddUserError::Exists(_)) => {
            return refuse(format!("There is already an account for {email}.")).await;
        }
        Err(store::AddUserError::Database(e)) => return Err(e.into()),
    }
    let after = json!({ "email": email, "name": name, "role": role.as_str() });
    let subject = format!("user {email}");
    audit(
        &mut *tx,
        &admin,
        "user.add",
        &subject,
        None,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    let message = format!(
        "Account made for {name} <{email}> as {}. Their password is {password} — give it to them by a safe channel; they can change it on their account page.",
        role.as_str()
    );
    Ok(users_page(&state, &admin, Some(message), None)
        .await?
        .into_response())
}

#[derive(Deserialize)]
struct UpdateUserForm {
    role: String,
    #[serde(default)]
    disabled: Option<String>,
}

async fn update_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<UpdateUserForm>,
) -> Result<Response, AppError> {
    let role: Role = form.role.parse().map_err(AppError::BadRequest)?;
    let disabled = form.disabled.is_some();
    let mut tx = state.pool.begin().await?;
    // Held until commit, taken before anything is read: a simultaneous change (another admin
    // demoting this one) is counted by whichever comes second.
    store::lock_admin_changes(&mut tx).await?;
    let still_admin = store::find_user(&mut *tx, admin.id)
        .await?
        .is_some_and(|me| me.role == "admin" && me.disabled_at.is_none());
    if !still_admin {
        return Err(AppError::Forbidden(
            "Your account is no longer an admin's (another admin just changed it): ask an admin."
                .into(),
        ));
    }
    let user = store::find_user(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no account {id}.")))?;
    let was_active_admin = user.role == "admin" && user.disabled_at.is_none();
    if was_active_admin
        && (role != Role::Admin || disabled)
        && store::count_active_admins(&mut *tx).await? <= 1
    {
        drop(tx);
        let page = users_page(
            &state,
            &admin,
            None,
            Some("That is the last admin: make another admin first.".into()),
        )
        .await?;
        return Ok((axum::http::StatusCode::CONFLICT, page).into_response());
    }
    store::update_user(&mut tx, id, role.as_str(), disabled).await?;
    let before = json!({ "role": user.role, "disabled": user.disabled_at.is_some() });
    let after = json!({ "role": role.as_str(), "disabled": disabled });
    let subject = format!("user {}", user.email);
    audit(
        &mut *tx,
        &admin,
        "user.update",
        &subject,
        None,
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/users").into_response())
}

async fn reset_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
    CsrfForm(Empty {}): CsrfForm<Empty>,
) -> Result<UsersPage, AppError> {
    let user = store::find_user(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no account {id}.")))?;
    let password = accounts::new_password();
    let hash = hash_password(&password).await?;
    let mut tx = state.pool.begin().await?;
    store::set_password(&mut tx, id, &hash).await?;
    let subject = format!("user {}", user.email);
    audit(
        &mut *tx,
        &admin,
        "user.password",
        &subject,
        None,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    let message = format!(
        "New password for {}: {password} — they are signed out everywhere until they use it.",
        user.email
    );
    users_page(&state, &admin, Some(message), None).await
}

#[derive(Deserialize)]
struct AuditQuery {
    subject: Option<String>,
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    entries: Vec<AuditRow>,
    subject: String,
    page: i64,
    next_page: Option<i64>,
}

async fn show_audit(
    State(state): State<AppState>,
    Admin(_): Admin,
    Query(q): Query<AuditQuery>,
) -> Result<AuditPage, AppError> {
    let subject = q
        .subject
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let page = super::params::parse_page(q.page.as_deref())?;
    let entries =
        store::list_audit(&state.pool, subject, AUDIT_PAGE, (page - 1) * AUDIT_PAGE).await?;
    Ok(AuditPage {
        next_page: (entries.len() as i64 == AUDIT_PAGE).then_some(page + 1),
        entries,
        subject: subject.unwrap_or_default().to_string(),
        page,
    })
}

/// An audit entry's action in words; the code stays in the page as the words' title.
pub fn describe_action(code: &str) -> &str {
    match code {
        "obligation.status" => "changed the follow-up state",
        "resolution.import" => "imported a resolution",
        "feed_token.create" => "made a calendar feed token",
        "feed_token.revoke" => "revoked a calendar feed token",
        "user.add" => "added an account",
        "user.update" => "changed an account",
        "user.password" => "changed a password",
        "subscriber.add" => "subscribed someone to the digest",
        "subscriber.remove" => "removed a digest subscriber",
        "subscriber.self" => "subscribed themselves to the digest",
        "list.save" => "saved a list",
        other => other,
    }
}

/// A before or after value for the audit table: its fields, one per line.
pub fn describe_json(value: &Option<serde_json::Value>) -> String {
    match value {
        None => "—".into(),
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                serde_json::Value::Null => format!("{k}: —"),
                v => format!("{k}: {v}"),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Some(v) => v.to_string(),
    }
}
