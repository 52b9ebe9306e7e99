//! The overview: what is overdue, what is due in the coming weeks, the timeline, and what was
//! imported lately; and the actors, each with their own timeline.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;

use super::obligations::{DEFAULT_WEEKS_AHEAD, ObligationItem};
use super::timeline::{Timeline, build_timeline, month_range};
use super::today::AsOf;
use super::{AppError, AppState};
use crate::store::{
    self, ActorRow, DocumentSummary, ObligationFilter, ObligationSort, OverviewCounts,
};

const LIST_LIMIT: i64 = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(show_overview))
        .route("/actors", get(list_actors))
        .route("/actors/{id}", get(show_actor))
}

#[derive(Deserialize)]
struct OverviewQuery {
    as_of: Option<String>,
    weeks: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "overview.html")]
struct OverviewPage {
    mode: Option<String>,
    today: NaiveDate,
    weeks: i64,
    soon_until: NaiveDate,
    counts: OverviewCounts,
    overdue: Vec<ObligationItem>,
    due_soon: Vec<ObligationItem>,
    document_count: i64,
    recent: Vec<DocumentSummary>,
    timeline: Timeline,
    as_of_param: String,
}

async fn show_overview(
    State(state): State<AppState>,
    Query(q): Query<OverviewQuery>,
) -> Result<OverviewPage, AppError> {
    let today = AsOf {
        as_of: q.as_of.clone(),
    }
    .today()?;
    let weeks = match q.weeks.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        None => DEFAULT_WEEKS_AHEAD,
        Some(w) => w
            .parse::<i64>()
            .ok()
            .filter(|w| (1..=520).contains(w))
            .ok_or_else(|| {
                AppError::BadRequest(format!("weeks must be a number from 1 to 520, not {w:?}"))
            })?,
    };
    let soon_until = today + chrono::Duration::weeks(weeks);
    let pool = &state.pool;
    let outstanding = |from: Option<NaiveDate>, to: Option<NaiveDate>| ObligationFilter {
        status: Some("outstanding".into()),
        due_from: from,
        due_to: to,
        ..ObligationFilter::default()
    };
    let yesterday = today.pred_opt().unwrap_or(today);
    let overdue = store::list_obligations(
        pool,
        &outstanding(None, Some(yesterday)),
        ObligationSort::DueSoonest,
        LIST_LIMIT,
        0,
    )
    .await?;
    let due_soon = store::list_obligations(
        pool,
        &outstanding(Some(today), Some(soon_until)),
        ObligationSort::DueSoonest,
        LIST_LIMIT,
        0,
    )
    .await?;
    let (from, until) = month_range(today);
    let months = store::count_by_month(pool, today, from, until, None).await?;
    let as_of_param = q
        .as_of
        .clone()
        .filter(|s| !s.trim().is_empty())
        .map(|d| format!("as_of={d}&"))
        .unwrap_or_default();
    Ok(OverviewPage {
        mode: state.inner.mode.clone(),
        counts: store::count_overview(pool, today, soon_until).await?,
        overdue: overdue
            .into_iter()
            .map(|r| ObligationItem::new(r, today, soon_until))
            .collect(),
        due_soon: due_soon
            .into_iter()
            .map(|r| ObligationItem::new(r, today, soon_until))
            .collect(),
        document_count: store::count_documents(pool).await?,
        recent: store::list_recent_documents(pool, 10).await?,
        timeline: build_timeline(today, &months, &format!("/obligations?{as_of_param}")),
        as_of_param,
        today,
        weeks,
        soon_until,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "actors/list.html")]
struct ActorsPage {
    actors: Vec<ActorRow>,
}

async fn list_actors(State(state): State<AppState>) -> Result<ActorsPage, AppError> {
    Ok(ActorsPage {
        actors: store::list_actors(&state.pool).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "actors/show.html")]
struct ActorPage {
    id: i64,
    name: String,
    today: NaiveDate,
    timeline: Timeline,
}

async fn show_actor(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(as_of): Query<AsOf>,
) -> Result<ActorPage, AppError> {
    let today = as_of.today()?;
    let name = store::find_actor_name(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no actor {id}.")))?;
    let (from, until) = month_range(today);
    let months = store::count_by_month(&state.pool, today, from, until, Some(id)).await?;
    Ok(ActorPage {
        timeline: build_timeline(today, &months, &format!("/obligations?actor={id}&")),
        id,
        name,
        today,
    })
}
