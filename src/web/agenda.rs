//! Agenda planning: for a coming session of a body, every item resolutions decided to include
//! in its provisional agenda, grouped under their parent item, with the reports requested for
//! that session under each.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{AppError, AppState};
use crate::resolution::agenda::agenda_inclusion;
use crate::resolution::summary::ordinal;
use crate::store::{self, SessionChoice, SessionClause};

pub fn router() -> Router<AppState> {
    Router::new().route("/agenda", get(show_agenda))
}

#[derive(Deserialize)]
struct AgendaQuery {
    body: Option<String>,
    session: Option<String>,
}

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
    groups: Vec<AgendaGroup>,
    /// Requests due at the session whose resolution puts no item on the agenda.
    other_requests: Vec<SessionClause>,
    choices: Vec<SessionChoice>,
}

async fn show_agenda(
    State(state): State<AppState>,
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
    let choices = store::list_sessions_with_deadlines(&state.pool).await?;
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
            groups: Vec::new(),
            other_requests: Vec::new(),
            choices,
        });
    };
    let clauses = store::list_session_clauses(&state.pool, &body, session).await?;
    let (inclusions, requests): (Vec<SessionClause>, Vec<SessionClause>) = clauses
        .into_iter()
        .partition(|c| c.action == "decision" && agenda_inclusion(&c.text).is_some());
    let mut groups: BTreeMap<String, Vec<AgendaEntry>> = BTreeMap::new();
    let mut placed = vec![false; requests.len()];
    for mandate in inclusions {
        let inclusion = agenda_inclusion(&mandate.text).expect("partitioned on it");
        let mut own = Vec::new();
        for (i, r) in requests.iter().enumerate() {
            if r.document_id == mandate.document_id {
                own.push(r.clone());
                placed[i] = true;
            }
        }
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
    let opens_on = choices
        .iter()
        .find(|c| c.body == body && c.session == session)
        .and_then(|c| c.opens_on);
    Ok(AgendaPage {
        session_name: format!("{} session", ordinal(session)),
        groups: groups
            .into_iter()
            .map(|(item, entries)| AgendaGroup { item, entries })
            .collect(),
        other_requests,
        body,
        session: Some(session),
        opens_on,
        choices,
    })
}
