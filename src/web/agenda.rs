//! Agenda planning: for a coming session of a body, every item resolutions decided to include
//! in its provisional agenda, grouped under their parent item, with the reports requested for
//! that session under each.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;

use super::cache::Snapshot;
use super::params::Query;
use super::{AppError, AppState};
use crate::resolution::agenda::agenda_inclusion;
use crate::resolution::series::{PredictedReturn, predict_returns};
use crate::resolution::summary::ordinal;
use crate::resolution::{SessionCalendar, read_resolution};
use crate::store::{self, SessionChoice, SessionClause};

pub fn router() -> Router<AppState> {
    Router::new().route("/agenda", get(show_agenda))
}

#[derive(Deserialize)]
struct AgendaQuery {
    body: Option<String>,
    session: Option<String>,
    as_of: Option<String>,
    /// The clause after which this page starts (the "next" link's).
    after: Option<String>,
}

/// Clauses on one page of a session's agenda: a session can have ten thousand (GA 75 at a
/// million obligations), and reading and rendering them all took half a second.
pub const AGENDA_PAGE: usize = 250;

/// A sub-item (or an item of its own) and what the session must consider under it.
pub struct AgendaEntry {
    pub title: Option<String>,
    pub mandate: SessionClause,
    /// Reports and other requests of the same resolution due at this session.
    pub requests: Vec<SessionClause>,
}

pub struct AgendaGroup {
    pub item: String,
    pub entries: Vec<AgendaEntry>,
}

#[derive(Template, WebTemplate)]
#[template(path = "agenda.html")]
struct AgendaPage {
    body: String,
    session: Option<i32>,
    session_name: String,
    opens_on: Option<NaiveDate>,
    plan: Arc<SessionPlan>,
    choices: Arc<Vec<SessionChoice>>,
    /// Series expected back at this session though no resolution has put them on its agenda.
    predicted: Arc<Vec<PredictedItem>>,
    /// Who must submit each report or do each request, by obligation id.
    who: std::collections::HashMap<i64, String>,
    /// How many clauses are due at the session, and the first and last shown (from 1).
    items: i64,
    shown_from: usize,
    shown_to: usize,
    /// The next page, when there is one, and the first, when this is not it.
    next_url: Option<String>,
    first_url: Option<String>,
}

/// A series predicted to return at the session, with its basis; never an obligation.
pub struct PredictedItem {
    pub series_id: i64,
    pub title: String,
    pub latest_id: i64,
    pub latest_symbol: String,
    pub prediction: PredictedReturn,
}

/// The series of `body` whose cycle brings them back at `session`, beyond what their texts
/// decided.
async fn predict_session(
    pool: &sqlx::PgPool,
    body: &str,
    session: i32,
) -> Result<Vec<PredictedItem>, sqlx::Error> {
    let calendar = SessionCalendar::builtin();
    let mut out = Vec::new();
    for s in store::list_series_latest(pool, body).await? {
        if s.session.is_none_or(|latest| latest >= session) {
            continue;
        }
        let Ok(latest) = read_resolution(&s.source_text, &calendar) else {
            continue;
        };
        let (_, returns) = predict_returns(&s.sessions, &latest, session);
        if let Some(prediction) = returns.into_iter().find(|r| r.session == session) {
            out.push(PredictedItem {
                series_id: s.series_id,
                title: s.title.unwrap_or_else(|| s.symbol.clone()),
                latest_id: s.id,
                latest_symbol: s.symbol,
                prediction,
            });
        }
    }
    Ok(out)
}

/// A session's agenda items and the requests due at it.
#[derive(Default)]
pub struct SessionPlan {
    pub groups: Vec<AgendaGroup>,
    /// Requests due at the session whose resolution puts no item on the agenda.
    pub other_requests: Vec<SessionClause>,
    /// How many clauses this page holds, and the last one's id when more follow.
    pub clauses: usize,
    pub more_after: Option<i64>,
}

/// Cuts a page of clauses (read one past the page) at a resolution's edge, so that a
/// resolution's requests stay on the page of its agenda inclusion; a resolution longer than
/// a page is cut where the page ends. Returns the page and the clause it ends at when more
/// follow.
fn cut_page(mut clauses: Vec<SessionClause>, page: usize) -> (Vec<SessionClause>, Option<i64>) {
    if clauses.len() <= page {
        return (clauses, None);
    }
    clauses.truncate(page + 1);
    let next = clauses.pop().expect("one past the page");
    if let Some(start) = clauses
        .iter()
        .position(|c| c.document_id == next.document_id)
        .filter(|&start| start > 0)
    {
        clauses.truncate(start);
    }
    let last = clauses.last().map(|c| c.clause_id);
    (clauses, last)
}

async fn show_agenda(
    State(state): State<AppState>,
    snapshot: Snapshot,
    Query(q): Query<AgendaQuery>,
) -> Result<AgendaPage, AppError> {
    let body = q
        .body
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or("GA")
        .to_string();
    if !["GA", "HRC", "ECOSOC"].contains(&body.as_str()) {
        return Err(AppError::BadRequest(format!(
            "Sessions are planned for GA, HRC or ECOSOC, not {body:?}."
        )));
    }
    let pool = &state.pool;
    let choices = state
        .cache
        .get_or_load(&snapshot, "sessions with deadlines".into(), || async {
            Ok(store::list_sessions_with_deadlines(pool).await?)
        })
        .await?;
    let session =
        match q
            .session
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => Some(s.parse::<i32>().map_err(|_| {
                AppError::BadRequest(format!("session must be a number, not {s:?}"))
            })?),
            // The newest session any deadline names.
            None => choices.iter().find(|c| c.body == body).map(|c| c.session),
        };
    let Some(session) = session else {
        return Ok(AgendaPage {
            session_name: String::new(),
            body,
            session: None,
            opens_on: None,
            plan: Arc::default(),
            choices,
            predicted: Arc::default(),
            who: Default::default(),
            items: 0,
            shown_from: 0,
            shown_to: 0,
            next_url: None,
            first_url: None,
        });
    };
    let as_of = super::today::parse_optional_date(q.as_of.as_deref(), "as_of")?;
    let after = match q.after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(a) => Some(a.parse::<i64>().map_err(|_| {
            AppError::BadRequest(format!(
                "after must be a clause number from the page's \"next\" link, not {a:?}"
            ))
        })?),
    };
    let plan = state
        .cache
        .get_or_load(
            &snapshot,
            format!("agenda {body} {session} {as_of:?} {after:?}"),
            || async {
                let clauses = store::list_session_clauses(
                    pool,
                    &body,
                    session,
                    as_of,
                    after,
                    AGENDA_PAGE as i64 + 1,
                )
                .await?;
                let (clauses, more_after) = cut_page(clauses, AGENDA_PAGE);
                let mut plan = plan_session(clauses);
                plan.more_after = more_after;
                Ok(plan)
            },
        )
        .await?;
    let shown_before = match after {
        None => 0,
        Some(after) => {
            store::count_session_clauses_before(pool, &body, session, as_of, after).await? as usize
        }
    };
    let predicted = state
        .cache
        .get_or_load(&snapshot, format!("predicted {body} {session}"), || async {
            Ok(predict_session(pool, &body, session).await?)
        })
        .await?;
    let ids: Vec<i64> = plan
        .groups
        .iter()
        .flat_map(|g| &g.entries)
        .flat_map(|e| &e.requests)
        .chain(&plan.other_requests)
        .filter_map(|r| r.obligation_id)
        .collect();
    let who = store::list_obligation_actors(pool, &ids)
        .await?
        .into_iter()
        .map(|a| (a.obligation_id, a.actors))
        .collect();
    let choice = choices
        .iter()
        .find(|c| c.body == body && c.session == session);
    let opens_on = choice.and_then(|c| c.opens_on);
    let page_url = |after: i64| {
        let mut url = format!("/agenda?body={body}&session={session}&after={after}");
        if let Some(day) = as_of {
            url.push_str(&format!("&as_of={day}"));
        }
        url
    };
    let next_url = plan.more_after.map(page_url);
    let first_url = after.map(|_| {
        let mut url = format!("/agenda?body={body}&session={session}");
        if let Some(day) = as_of {
            url.push_str(&format!("&as_of={day}"));
        }
        url
    });
    Ok(AgendaPage {
        items: choice.map_or(0, |c| c.items),
        shown_from: shown_before + usize::from(plan.clauses > 0),
        shown_to: shown_before + plan.clauses,
        next_url,
        first_url,
        session_name: format!("{} session", ordinal(session)),
        plan,
        body,
        session: Some(session),
        opens_on,
        choices,
        predicted,
        who,
    })
}

/// Groups the session's clauses: each agenda inclusion under its item, with the requests of
/// the same resolution beside it; requests of other resolutions apart.
fn plan_session(clauses: Vec<SessionClause>) -> SessionPlan {
    let count = clauses.len();
    let (inclusions, requests): (Vec<SessionClause>, Vec<SessionClause>) = clauses
        .into_iter()
        .partition(|c| c.action == "decision" && agenda_inclusion(&c.text).is_some());
    let mut by_document: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, r) in requests.iter().enumerate() {
        by_document.entry(r.document_id).or_default().push(i);
    }
    let mut groups: BTreeMap<String, Vec<AgendaEntry>> = BTreeMap::new();
    let mut placed = vec![false; requests.len()];
    for mandate in inclusions {
        let inclusion = agenda_inclusion(&mandate.text).expect("partitioned on it");
        let own = by_document
            .get(&mandate.document_id)
            .map(|indexes| {
                indexes
                    .iter()
                    .map(|&i| {
                        placed[i] = true;
                        requests[i].clone()
                    })
                    .collect()
            })
            .unwrap_or_default();
        groups.entry(inclusion.item).or_default().push(AgendaEntry {
            title: inclusion.sub_item,
            mandate,
            requests: own,
        });
    }
    let other_requests = requests
        .into_iter()
        .zip(placed)
        .filter(|(_, placed)| !placed)
        .map(|(r, _)| r)
        .collect();
    SessionPlan {
        groups: groups
            .into_iter()
            .map(|(item, entries)| AgendaGroup { item, entries })
            .collect(),
        other_requests,
        clauses: count,
        more_after: None,
    }
}
