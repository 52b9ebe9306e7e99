//! The overview: what is overdue, what is due in the coming weeks, the timeline, and what was
//! imported lately; and the actors, each with their own timeline.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;

use super::auth::MaybeUser;
use super::cache::Snapshot;
use super::obligations::{DEFAULT_WEEKS_AHEAD, DueState, ObligationItem};
use super::params::{Path, Query};
use super::timeline::{Timeline, build_timeline, month_range};
use super::today::AsOf;
use super::{AppError, AppState};
use crate::store::DependsOn;
use std::sync::Arc;

use crate::resolution::ObligationKind;
use crate::store::{
    self, ActorRow, DocumentSummary, KindCount, MonthCount, ObligationFilter, ObligationRow,
    ObligationSort, OverviewCounts,
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
    /// How many of each kind, in each of its states.
    kinds: Vec<KindSummary>,
    /// Overdue ones beyond those shown.
    overdue_more: i64,
    /// Ones due soon beyond those shown.
    soon_more: i64,
    /// The signed-in person's saved lists ("My lists"), with the form token their buttons
    /// send; None when nobody is signed in.
    my_lists: Option<(Vec<super::lists::MyList>, String)>,
    /// Editors: how many clauses wait in the review queue.
    to_review: Option<i64>,
}

/// One kind's line of the overview: its count in each state it has.
pub struct KindSummary {
    pub kind: ObligationKind,
    pub total: i64,
    pub states: Vec<(DueState, i64)>,
}

/// Each kind's counts by state, in the order of [`ObligationKind::ALL`] and of
/// [`DueState`]; the states follow from the kind ([`DueState::of`]) with a day
/// standing for each part of time the counts were taken in.
fn summarise_kinds(
    counts: &[KindCount],
    today: NaiveDate,
    soon_until: NaiveDate,
) -> Vec<KindSummary> {
    let day_in = |part: &str| match part {
        "past" => today.pred_opt(),
        "soon" => Some(today),
        "later" => soon_until.succ_opt(),
        _ => None,
    };
    ObligationKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let mut states: Vec<(DueState, i64)> = Vec::new();
            for c in counts.iter().filter(|c| c.kind == kind.as_str()) {
                let state = DueState::of(kind, &c.status, day_in(&c.part), today, soon_until);
                match states.iter_mut().find(|(s, _)| *s == state) {
                    Some((_, n)) => *n += c.count,
                    None => states.push((state, c.count)),
                }
            }
            // The rows come in no set order (count_by_kind does not sort them); the badges
            // must be the same on every server and after a restore.
            states.sort_by_key(|(s, _)| *s);
            let total = states.iter().map(|(_, n)| n).sum();
            (total > 0).then_some(KindSummary {
                kind,
                total,
                states,
            })
        })
        .collect()
}

async fn show_overview(
    State(state): State<AppState>,
    snapshot: Snapshot,
    MaybeUser(user): MaybeUser,
    Query(q): Query<OverviewQuery>,
) -> Result<OverviewPage, AppError> {
    // Each person's own, so outside the shared cache below.
    let my_lists = match &user {
        Some(u) if !u.csrf.is_empty() => {
            Some((super::lists::my_lists(&state, u).await?, u.csrf.clone()))
        }
        _ => None,
    };
    // Counted over every clause: kept with the rest of the overview while the data is unchanged.
    let to_review = match &user {
        Some(u) if u.can_edit() => Some(
            *state
                .cache
                .get_or_load(
                    &snapshot,
                    "clauses to review".into(),
                    DependsOn::Documents,
                    || async { Ok(store::count_review_items(&state.pool).await?) },
                )
                .await?,
        ),
        _ => None,
    };
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
    let as_of = AsOf {
        as_of: q.as_of.clone(),
    }
    .day()?;
    let pool = &state.pool;
    let data = state
        .cache
        .get_or_load(
            &snapshot,
            format!("overview {today} {soon_until} {as_of:?}"),
            DependsOn::AnyObligation,
            || load_overview(pool, today, soon_until, as_of),
        )
        .await?;
    // Counting resolutions reads them all (0.1 s at a million); no change of state moves it.
    let documents = state
        .cache
        .get_or_load(
            &snapshot,
            "resolutions on the overview".into(),
            DependsOn::Documents,
            || async {
                Ok((
                    store::count_documents(pool).await?,
                    store::list_recent_documents(pool, 10).await?,
                ))
            },
        )
        .await?;
    let as_of_param = q
        .as_of
        .clone()
        .filter(|s| !s.trim().is_empty())
        .map(|d| format!("as_of={d}&"))
        .unwrap_or_default();
    let items = |rows: &[ObligationRow]| -> Vec<ObligationItem> {
        rows.iter()
            .cloned()
            .map(|r| ObligationItem::new(r, today, soon_until))
            .collect()
    };
    Ok(OverviewPage {
        mode: state.inner.mode.clone(),
        kinds: summarise_kinds(&data.kinds, today, soon_until),
        overdue_more: (data.counts.overdue - data.overdue.len() as i64).max(0),
        soon_more: (data.counts.due_soon - data.due_soon.len() as i64).max(0),
        my_lists,
        to_review,
        counts: data.counts.clone(),
        overdue: items(&data.overdue),
        due_soon: items(&data.due_soon),
        document_count: documents.0,
        recent: documents.1.clone(),
        timeline: build_timeline(today, &data.months, &format!("/obligations?{as_of_param}")),
        as_of_param,
        today,
        weeks,
        soon_until,
    })
}

/// What the overview reads from the database for a day and a horizon.
struct OverviewData {
    counts: OverviewCounts,
    overdue: Vec<ObligationRow>,
    due_soon: Vec<ObligationRow>,
    months: Vec<MonthCount>,
    kinds: Vec<KindCount>,
}

async fn load_overview(
    pool: &sqlx::PgPool,
    today: NaiveDate,
    soon_until: NaiveDate,
    as_of: Option<NaiveDate>,
) -> Result<OverviewData, AppError> {
    let outstanding = |from: Option<NaiveDate>, to: Option<NaiveDate>| ObligationFilter {
        status: Some("outstanding".into()),
        due_from: from,
        due_to: to,
        as_of,
        ..ObligationFilter::default()
    };
    let yesterday = today.pred_opt().unwrap_or(today);
    let overdue_filter = outstanding(None, Some(yesterday)).late_kinds_only();
    let due_soon_filter = outstanding(Some(today), Some(soon_until));
    let (from, until) = month_range(today);
    Ok(OverviewData {
        // The most recent first: the newest are what can still be acted on.
        overdue: store::list_obligations(
            pool,
            &overdue_filter,
            ObligationSort::DueLatest,
            LIST_LIMIT,
            0,
        )
        .await?,
        due_soon: store::list_obligations(
            pool,
            &due_soon_filter,
            ObligationSort::DueSoonest,
            LIST_LIMIT,
            0,
        )
        .await?,
        months: store::count_by_month(pool, today, from, until, None, as_of).await?,
        counts: store::count_overview(pool, today, soon_until, as_of).await?,
        kinds: store::count_by_kind(pool, today, soon_until, as_of).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "actors/list.html")]
struct ActorsPage {
    actors: Arc<Vec<ActorRow>>,
}

/// Every actor with their count of outstanding obligations: a scan of all of them, so kept
/// while the database is unchanged.
async fn list_actors(
    State(state): State<AppState>,
    snapshot: Snapshot,
) -> Result<ActorsPage, AppError> {
    let pool = &state.pool;
    let actors = state
        .cache
        .get_or_load(
            &snapshot,
            "actors".into(),
            DependsOn::AnyObligation,
            || async { Ok(store::list_actors(pool).await?) },
        )
        .await?;
    Ok(ActorsPage { actors })
}

#[derive(Template, WebTemplate)]
#[template(path = "actors/show.html")]
struct ActorPage {
    /// Admins see the link to curate it.
    admin: bool,
    id: i64,
    name: String,
    today: NaiveDate,
    timeline: Timeline,
    years: Vec<YearBar>,
    /// Their outstanding obligations, soonest first (the first [`ACTOR_LIST`]).
    items: Vec<ObligationItem>,
    outstanding: i64,
    total: i64,
}

/// How many of an actor's outstanding obligations their page lists.
const ACTOR_LIST: i64 = 20;
const YEAR_CHART_WIDTH: f64 = 400.0;

/// One year of an actor's chart: a bar split into overdue, other outstanding and fulfilled,
/// in widths of the chart's scale, with its counts written beside it.
pub struct YearBar {
    pub counts: store::ActorYear,
    pub label: String,
    pub y: u32,
    pub overdue_width: u32,
    pub open_x: u32,
    pub open_width: u32,
    pub fulfilled_x: u32,
    pub fulfilled_width: u32,
    pub text_x: u32,
}

/// Lays out the yearly bars: one row per year, the longest year as wide as the chart.
fn year_bars(years: &[store::ActorYear]) -> Vec<YearBar> {
    let max = years
        .iter()
        .map(|y| y.outstanding + y.fulfilled)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let width = |n: i64| ((n as f64 / max) * YEAR_CHART_WIDTH).round() as u32;
    years
        .iter()
        .enumerate()
        .map(|(i, year)| {
            let overdue_width = width(year.overdue);
            let open_width = width(year.outstanding - year.overdue);
            let fulfilled_width = width(year.fulfilled);
            let open_x = 60 + overdue_width;
            let fulfilled_x = open_x + open_width;
            YearBar {
                label: year
                    .year
                    .map_or_else(|| "no date".to_string(), |y| y.to_string()),
                y: i as u32 * 24,
                overdue_width,
                open_x,
                open_width,
                fulfilled_x,
                fulfilled_width,
                text_x: fulfilled_x + fulfilled_width + 6,
                counts: year.clone(),
            }
        })
        .collect()
}

async fn show_actor(
    State(state): State<AppState>,
    snapshot: Snapshot,
    Path(id): Path<i64>,
    Query(as_of): Query<AsOf>,
    MaybeUser(user): MaybeUser,
) -> Result<ActorPage, AppError> {
    let today = as_of.today()?;
    let day = as_of.day()?;
    let name = store::find_actor_name(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no actor {id}.")))?;
    let (from, until) = month_range(today);
    let pool = &state.pool;
    let months = state
        .cache
        .get_or_load(
            &snapshot,
            format!("actor {id} {today} {day:?}"),
            DependsOn::Actor(id),
            || async { Ok(store::count_by_month(pool, today, from, until, Some(id), day).await?) },
        )
        .await?;
    let real_today = chrono::Local::now().date_naive();
    let (years, rows) = if day.is_some() {
        // Yearly counts and the list are of today's states; a page of another day shows
        // only its timeline.
        (Vec::new(), Vec::new())
    } else {
        let filter = store::ObligationFilter {
            actor_id: Some(id),
            status: Some("outstanding".into()),
            ..Default::default()
        };
        (
            store::count_actor_by_year(pool, id, real_today, &store::late_kinds()).await?,
            store::list_obligations(
                pool,
                &filter,
                store::ObligationSort::DueSoonest,
                ACTOR_LIST,
                0,
            )
            .await?,
        )
    };
    let soon_until = today + chrono::Duration::weeks(DEFAULT_WEEKS_AHEAD);
    Ok(ActorPage {
        admin: user.as_ref().is_some_and(|u| u.is_admin()),
        timeline: build_timeline(today, &months, &format!("/obligations?actor={id}&")),
        outstanding: years.iter().map(|y| y.outstanding).sum(),
        total: years.iter().map(|y| y.total).sum(),
        years: year_bars(&years),
        items: rows
            .into_iter()
            .map(|r| ObligationItem::new(r, today, soon_until))
            .collect(),
        id,
        name,
        today,
    })
}
