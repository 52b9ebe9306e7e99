//! "My lists": any signed-in person saves a filter of the obligations list under a name, sees
//! it on their overview described in words, and makes it their own weekly digest.

use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::post;
use serde::Deserialize;

use super::auth::{CsrfForm, CurrentUser, SignedIn, audit};
use super::obligations::ListQuery;
use super::params::Path;
use super::{AppError, AppState};
use crate::digest::subscription::normalize_filter;
use crate::store::{self, ActorName};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lists", post(save_list))
        .route("/lists/{id}/subscribe", post(subscribe_to_list))
}

/// A saved list as the overview shows it.
pub struct MyList {
    pub id: i64,
    pub name: String,
    pub filter_query: String,
    /// The filter in words: "Secretary-General, outstanding, GA".
    pub words: String,
    /// True when the person's weekly digest follows this list.
    pub emailed: bool,
}

/// The signed-in person's lists for their overview.
pub async fn my_lists(state: &AppState, user: &CurrentUser) -> Result<Vec<MyList>, AppError> {
    let pool = &state.pool;
    let lists = store::list_saved_lists(pool, user.id).await?;
    if lists.is_empty() {
        return Ok(Vec::new());
    }
    let actors = store::list_actor_names(pool).await?;
    let followed = store::find_subscription_filter(pool, &user.email).await?;
    Ok(lists
        .into_iter()
        .map(|l| {
            let query: ListQuery = serde_urlencoded::from_str(&l.filter_query).unwrap_or_default();
            MyList {
                id: l.id,
                words: describe_filter(&query, &actors),
                emailed: followed.as_deref() == Some(l.filter_query.as_str()),
                name: l.name,
                filter_query: l.filter_query,
            }
        })
        .collect())
}

/// A filter of the obligations list in words (see `ListQuery::describe`).
pub fn describe_filter(q: &ListQuery, actors: &[ActorName]) -> String {
    q.describe(actors)
}

#[derive(Debug, Deserialize)]
struct SaveListForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    filter: String,
}

async fn save_list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    CsrfForm(form): CsrfForm<SaveListForm>,
) -> Result<Redirect, AppError> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::BadRequest(
            "Give the list a name of 1 to 100 characters, such as \u{201c}Secretary-General \
             outstanding\u{201d}, and save it again."
                .into(),
        ));
    }
    let filter = normalize_filter(&form.filter)
        .map_err(|e| AppError::BadRequest(format!("This list cannot be saved: {e}.")))?;
    let mut tx = state.pool.begin().await?;
    let Some(id) = store::insert_saved_list(&mut *tx, user.id, name, &filter).await? else {
        return Err(AppError::BadRequest(format!(
            "You already have a list named \u{201c}{name}\u{201d}: choose another name."
        )));
    };
    audit(
        &mut *tx,
        &user,
        "list.save",
        &format!("list {id} of {}", user.email),
        Some("/#my-lists"),
        None,
        Some(serde_json::json!({ "name": name, "filter": filter })),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/#my-lists"))
}

#[derive(Debug, Deserialize)]
struct SubscribeForm {}

/// Makes the list the person's own weekly digest (to their account's address).
async fn subscribe_to_list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CsrfForm(SubscribeForm {}): CsrfForm<SubscribeForm>,
) -> Result<Redirect, AppError> {
    let mut tx = state.pool.begin().await?;
    let list = store::find_saved_list(&mut *tx, user.id, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("You have no list {id}.")))?;
    let subscriber =
        store::subscribe_self(&mut *tx, &user.email, &user.name, &list.filter_query).await?;
    audit(
        &mut *tx,
        &user,
        "subscriber.self",
        &format!("subscriber {}", user.email),
        Some("/#my-lists"),
        None,
        Some(serde_json::json!({
            "subscriber": subscriber, "list": list.name, "filter": list.filter_query,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/#my-lists"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_is_said_in_words() {
        let actors = [ActorName {
            id: 4,
            name: "Secretary-General".into(),
        }];
        let q: ListQuery =
            serde_urlencoded::from_str("actor=4&status=outstanding&body=GA").unwrap();
        assert_eq!(
            describe_filter(&q, &actors),
            "Secretary-General, outstanding, GA"
        );
        let q: ListQuery =
            serde_urlencoded::from_str("state=overdue&kind=deliverable&due_session=81&q=report")
                .unwrap();
        assert_eq!(
            describe_filter(&q, &actors),
            "overdue, deliverable, due at session 81, \u{201c}report\u{201d}"
        );
        assert_eq!(
            describe_filter(&ListQuery::default(), &actors),
            "everything"
        );
    }
}
