//! A resolution's page: its whole text with each clause's verb, actors and deadlines marked in
//! place, the documents it cites and those citing it, and its follow-up chain.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::get;
use serde::Deserialize;

use super::params::{Path, Query};
use super::{AppError, AppState};
use crate::resolution::highlight::{Mark, highlight};
use crate::store::{self, ChainLink, DocumentDetail, LinkRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/resolutions", get(find_by_symbol))
        .route("/resolutions/{id}", get(show_resolution))
}

#[derive(Deserialize)]
struct SymbolQuery {
    symbol: Option<String>,
}

/// `/resolutions?symbol=A/RES/75/58` goes to that resolution's page.
async fn find_by_symbol(
    State(state): State<AppState>,
    Query(q): Query<SymbolQuery>,
) -> Result<Redirect, AppError> {
    let symbol = q.symbol.as_deref().map(str::trim).unwrap_or_default();
    if symbol.is_empty() {
        return Err(AppError::BadRequest(
            "Give a symbol, such as ?symbol=A/RES/75/58.".into(),
        ));
    }
    match store::find_document_id_by_symbol(&state.pool, symbol).await? {
        Some(id) => Ok(Redirect::to(&format!("/resolutions/{id}"))),
        None => Err(AppError::NotFound(format!(
            "{symbol} is not in the tracker yet."
        ))),
    }
}

/// A marked run of paragraph text.
pub struct Piece {
    pub text: String,
    pub class: Option<&'static str>,
}

pub struct ClauseView {
    pub verb: String,
    pub action: String,
    pub obligation_id: Option<i64>,
    pub status: Option<String>,
}

pub struct ParagraphView {
    pub number: Option<String>,
    pub pieces: Vec<Piece>,
    pub clauses: Vec<ClauseView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "resolutions/show.html")]
struct ShowPage {
    doc: DocumentDetail,
    preamble: Vec<ParagraphView>,
    operative: Vec<ParagraphView>,
    cited: Vec<LinkRow>,
    citing: Vec<LinkRow>,
    chain: Vec<ChainLink>,
    /// The series it belongs to, for the link to what changed since last time.
    series: Option<i64>,
}

async fn show_resolution(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    let pool = &state.pool;
    let doc = store::find_document(pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no resolution {id}.")))?;
    let paragraphs = store::list_paragraphs(pool, id).await?;
    let clauses = store::list_clauses(pool, id).await?;
    let clause_ids: Vec<i64> = clauses.iter().map(|c| c.id).collect();
    let actors = store::list_clause_actors(pool, &clause_ids).await?;
    let deadlines = store::list_clause_deadlines(pool, &clause_ids).await?;
    let mut by_paragraph: HashMap<i64, Vec<&store::ClauseRow>> = HashMap::new();
    for c in &clauses {
        by_paragraph.entry(c.paragraph_id).or_default().push(c);
    }
    let mut preamble = Vec::new();
    let mut operative = Vec::new();
    for p in &paragraphs {
        let own = by_paragraph
            .get(&p.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut needles: Vec<(&str, Mark)> = Vec::new();
        for c in own {
            needles.push((c.verb.as_str(), Mark::Verb));
            needles.extend(
                actors
                    .iter()
                    .filter(|a| a.clause_id == c.id)
                    .map(|a| (a.printed_name.as_str(), Mark::Actor)),
            );
            needles.extend(
                deadlines
                    .iter()
                    .filter(|d| d.clause_id == c.id)
                    .map(|d| (d.text.as_str(), Mark::Deadline)),
            );
        }
        let pieces = highlight(&p.text, &needles)
            .into_iter()
            .map(|s| Piece {
                text: s.text.to_string(),
                class: s.mark.map(Mark::class),
            })
            .collect();
        let view = ParagraphView {
            number: p.number.clone(),
            pieces,
            clauses: own
                .iter()
                .map(|c| ClauseView {
                    verb: c.verb.clone(),
                    action: c.action.clone(),
                    obligation_id: c.obligation_id,
                    status: c.status.clone(),
                })
                .collect(),
        };
        if p.part == "operative" {
            operative.push(view);
        } else {
            preamble.push(view);
        }
    }
    Ok(ShowPage {
        cited: store::list_cited(pool, id).await?,
        citing: store::list_citing(pool, &doc.symbol).await?,
        chain: store::list_follow_up_chain(pool, id).await?,
        series: store::find_series_of_document(pool, id).await?,
        doc,
        preamble,
        operative,
    })
}
