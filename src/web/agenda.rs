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
use crate::store::DependsOn;
use crate::store::{self, SessionChoice, SessionClause};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/agenda", get(show_agenda))
        .route("/agenda/ahead", get(show_agenda_ahead))
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
    /// The real agenda item numbers the tracked texts give, by item.
    numbers: HashMap<String, AgendaNumber>,
    /// The session's last day, when the calendar knows it.
    closes_on: Option<NaiveDate>,
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

/// One page of a session's plan (the first when `after` is none), through the result cache:
/// the session's own page and the three-session view read the same entry.
async fn session_plan_page(
    state: &AppState,
    snapshot: &Snapshot,
    body: &str,
    session: i32,
    as_of: Option<NaiveDate>,
    after: Option<i64>,
) -> Result<Arc<SessionPlan>, AppError> {
    state
        .cache
        .get_or_load(
            snapshot,
            format!("agenda {body} {session} {as_of:?} {after:?}"),
            DependsOn::Session {
                body: body.to_string(),
                session,
            },
            || async {
                let clauses = store::list_session_clauses(
                    &state.pool,
                    body,
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
        .await
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
        .get_or_load(
            &snapshot,
            "sessions with deadlines".into(),
            DependsOn::Documents,
            || async { Ok(store::list_sessions_with_deadlines(pool).await?) },
        )
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
            numbers: HashMap::new(),
            closes_on: None,
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
    let plan = session_plan_page(&state, &snapshot, &body, session, as_of, after).await?;
    let shown_before = match after {
        None => 0,
        Some(after) => {
            store::count_session_clauses_before(pool, &body, session, as_of, after).await? as usize
        }
    };
    let predicted = state
        .cache
        .get_or_load(
            &snapshot,
            format!("predicted {body} {session}"),
            DependsOn::Documents,
            || async { Ok(predict_session(pool, &body, session).await?) },
        )
        .await?;
    // Who is asked, the items' real numbers and the closing day: none moves with a state, so
    // kept until the texts, actors or calendar change.
    let extras = state
        .cache
        .get_or_load(
            &snapshot,
            format!("agenda extras {body} {session} {as_of:?} {after:?}"),
            DependsOn::Documents,
            || async {
                let ids: Vec<i64> = plan
                    .groups
                    .iter()
                    .flat_map(|g| &g.entries)
                    .flat_map(|e| &e.requests)
                    .chain(&plan.other_requests)
                    .filter_map(|r| r.obligation_id)
                    .collect();
                let who: HashMap<i64, String> = store::list_obligation_actors(pool, &ids)
                    .await?
                    .into_iter()
                    .map(|a| (a.obligation_id, a.actors))
                    .collect();
                let numbers = agenda_numbers(pool, &body, session, &plan).await?;
                let closes_on = session_dates(pool, &body, session)
                    .await?
                    .and_then(|d| d.closing);
                Ok((who, numbers, closes_on))
            },
        )
        .await?;
    let (who, numbers, closes_on) = extras.as_ref().clone();
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
        numbers,
        closes_on,
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

impl AgendaPage {
    /// The real number of an item, when a tracked text gives it.
    fn number_of(&self, item: &str) -> Option<&AgendaNumber> {
        self.numbers.get(item)
    }
}

/// An agenda item's number as a resolution adopted at the session prints it ("98 (t)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaNumber {
    pub number: String,
    /// The resolution whose header gives it.
    pub symbol: String,
}

/// The real numbers of a session's items: a resolution adopted at that session, of the same
/// series as the text that put the item on the agenda (or the one that showed it there),
/// prints the item's number in its header. A session still to come has none yet: its
/// agenda is not in any text.
async fn agenda_numbers(
    pool: &sqlx::PgPool,
    body: &str,
    session: i32,
    plan: &SessionPlan,
) -> Result<HashMap<String, AgendaNumber>, AppError> {
    let ids: Vec<i64> = plan
        .groups
        .iter()
        .flat_map(|g| &g.entries)
        .map(|e| e.mandate.document_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = store::list_agenda_numbers(pool, body, session, &ids).await?;
    Ok(number_items(plan, session, &rows))
}

fn number_items(
    plan: &SessionPlan,
    session: i32,
    rows: &[store::AgendaNumberRow],
) -> HashMap<String, AgendaNumber> {
    let series_of = |id: i64| rows.iter().find(|r| r.id == id).and_then(|r| r.series_id);
    let mut numbers = HashMap::new();
    for group in &plan.groups {
        let found = group.entries.iter().find_map(|entry| {
            let series = series_of(entry.mandate.document_id);
            rows.iter().find(|r| {
                r.session == Some(session)
                    && !r.agenda_items.is_empty()
                    && ((series.is_some() && r.series_id == series)
                        || entry.mandate.fulfilled_by.as_deref() == Some(r.symbol.as_str()))
            })
        });
        if let Some(row) = found {
            numbers.insert(
                group.item.clone(),
                AgendaNumber {
                    number: row.agenda_items.join(" and "),
                    symbol: row.symbol.clone(),
                },
            );
        }
    }
    numbers
}

/// A session's dates from the tracker's calendar (with an admin's corrections).
async fn session_dates(
    pool: &sqlx::PgPool,
    body: &str,
    session: i32,
) -> Result<Option<crate::resolution::SessionDates>, AppError> {
    let Some(body) = crate::resolution::Body::from_code(body) else {
        return Ok(None);
    };
    let calendar = store::load_session_calendar(pool).await?;
    Ok(calendar
        .rows()
        .find(|r| r.body == body && r.session == session)
        .cloned())
}

/// How many sessions the "ahead" view shows unless asked for others.
const SESSIONS_AHEAD: i32 = 3;

#[derive(Deserialize)]
struct AheadQuery {
    body: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// One session of the view ahead: its dates, items (numbered where known), other requests
/// and the series predicted to return.
pub struct SessionAhead {
    pub session: i32,
    pub name: String,
    pub dates: Option<crate::resolution::SessionDates>,
    pub plan: Arc<SessionPlan>,
    pub predicted: Arc<Vec<PredictedItem>>,
    pub numbers: HashMap<String, AgendaNumber>,
}

impl SessionAhead {
    fn number_of(&self, item: &str) -> Option<&AgendaNumber> {
        self.numbers.get(item)
    }
    fn requests(&self) -> usize {
        self.plan
            .groups
            .iter()
            .flat_map(|g| &g.entries)
            .map(|e| e.requests.len())
            .sum::<usize>()
            + self.plan.other_requests.len()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "agenda_ahead.html")]
struct AheadPage {
    body: String,
    from: i32,
    to: i32,
    sessions: Vec<SessionAhead>,
    who: HashMap<i64, String>,
}

/// The next sessions (by default the current one and the two after it) in one view.
async fn show_agenda_ahead(
    State(state): State<AppState>,
    snapshot: Snapshot,
    Query(q): Query<AheadQuery>,
) -> Result<AheadPage, AppError> {
    let body = q
        .body
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or("GA")
        .to_string();
    let Some(code) = crate::resolution::Body::from_code(&body)
        .filter(|_| ["GA", "HRC", "ECOSOC"].contains(&body.as_str()))
    else {
        return Err(AppError::BadRequest(format!(
            "Sessions are planned for GA, HRC or ECOSOC, not {body:?}."
        )));
    };
    let number = |v: &Option<String>, name: &str| -> Result<Option<i32>, AppError> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s.parse::<i32>().map(Some).map_err(|_| {
                AppError::BadRequest(format!("{name} must be a session number, not {s:?}"))
            }),
        }
    };
    let pool = &state.pool;
    let calendar = store::load_session_calendar(pool).await?;
    let today = chrono::Local::now().date_naive();
    // The session under way: the last one opened by today.
    let current = calendar
        .rows()
        .filter(|r| r.body == code && r.opening.is_some_and(|d| d <= today))
        .map(|r| r.session)
        .max();
    let from = match (number(&q.from, "from")?, current) {
        (Some(from), _) => from,
        (None, Some(current)) => current,
        (None, None) => {
            return Err(AppError::BadRequest(format!(
                "The calendar has no {body} session that has opened; give from=, e.g. /agenda/ahead?body={body}&from=81."
            )));
        }
    };
    let to = number(&q.to, "to")?.unwrap_or(from + SESSIONS_AHEAD - 1);
    if to < from || to - from > 9 {
        return Err(AppError::BadRequest(format!(
            "Show from 1 to 10 sessions: from={from} and to={to} do not make such a range."
        )));
    }
    let mut sessions = Vec::new();
    let mut ids = Vec::new();
    for session in from..=to {
        // The first page of each session, as the session's own page shows it.
        let plan = session_plan_page(&state, &snapshot, &body, session, None, None).await?;
        let predicted = state
            .cache
            .get_or_load(
                &snapshot,
                format!("predicted {body} {session}"),
                DependsOn::Documents,
                || async { Ok(predict_session(pool, &body, session).await?) },
            )
            .await?;
        ids.extend(
            plan.groups
                .iter()
                .flat_map(|g| &g.entries)
                .flat_map(|e| &e.requests)
                .chain(&plan.other_requests)
                .filter_map(|r| r.obligation_id),
        );
        sessions.push(SessionAhead {
            numbers: agenda_numbers(pool, &body, session, &plan).await?,
            dates: calendar
                .rows()
                .find(|r| r.body == code && r.session == session)
                .cloned(),
            name: format!("{} session", ordinal(session)),
            session,
            plan,
            predicted,
        });
    }
    let who = store::list_obligation_actors(pool, &ids)
        .await?
        .into_iter()
        .map(|a| (a.obligation_id, a.actors))
        .collect();
    Ok(AheadPage {
        body,
        from,
        to,
        sessions,
        who,
    })
}

#[cfg(test)]
mod number_tests {
    use super::*;

    fn clause(document_id: i64, fulfilled_by: Option<&str>) -> SessionClause {
        SessionClause {
            clause_id: 1,
            obligation_id: Some(1),
            document_id,
            symbol: "A/RES/75/58".into(),
            title: None,
            paragraph_number: "6".into(),
            verb: "decides".into(),
            action: "decision".into(),
            text: String::new(),
            deliverables: Vec::new(),
            status: None,
            kind: None,
            fulfilled_by: fulfilled_by.map(str::to_string),
        }
    }

    #[test]
    fn an_item_takes_the_number_a_text_of_its_series_adopted_at_the_session_prints() {
        let plan = SessionPlan {
            groups: vec![AgendaGroup {
                item: "General and complete disarmament".into(),
                entries: vec![AgendaEntry {
                    title: None,
                    mandate: clause(1, None),
                    requests: Vec::new(),
                }],
            }],
            ..Default::default()
        };
        let row = |id, symbol: &str, session, series, items: &[&str]| store::AgendaNumberRow {
            id,
            symbol: symbol.into(),
            session: Some(session),
            series_id: series,
            agenda_items: items.iter().map(|s| s.to_string()).collect(),
        };
        let rows = [
            row(1, "A/RES/75/58", 75, Some(9), &["103 (v)"]),
            row(2, "A/RES/76/99", 76, Some(4), &["12"]),
            row(3, "A/RES/76/28", 76, Some(9), &["98 (t)"]),
        ];
        let numbers = number_items(&plan, 76, &rows);
        assert_eq!(
            numbers["General and complete disarmament"],
            AgendaNumber {
                number: "98 (t)".into(),
                symbol: "A/RES/76/28".into()
            }
        );
        // A session no text of the series was adopted at yet: no number.
        assert!(number_items(&plan, 77, &rows).is_empty());
    }
}
