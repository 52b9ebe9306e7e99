//! A resolution's page: its whole text with each clause's verb, actors and deadlines marked in
//! place, the documents it cites and those citing it, and its follow-up chain.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;

use super::auth::MaybeUser;
use super::obligations::{ObligationItem, kind_of};
use super::params::{Path, Query};
use super::{AppError, AppState};
use crate::resolution::ObligationState;
use crate::resolution::highlight::{Mark, highlight};
use crate::resolution::symbol::read_symbol_search;
use crate::store::{
    self, ChainLink, DocumentDetail, DocumentSearch, LinkRow, ObligationFilter, ObligationSort,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/resolutions", get(list_resolutions))
        .route("/resolutions/{id}", get(show_resolution))
}

/// Resolutions a page of the index shows.
const INDEX_PAGE_SIZE: i64 = 50;

#[derive(Deserialize)]
struct IndexQuery {
    /// What the search box holds: a symbol written any usual way, or words of a title.
    q: Option<String>,
    /// Older links: `?symbol=A/RES/75/58` goes to that resolution or answers 404.
    symbol: Option<String>,
    body: Option<String>,
    page: Option<String>,
}

/// A line of the index: a resolution and where its tracked obligations stand today.
pub struct ResolutionLine {
    pub doc: store::DocumentListRow,
    pub tracked: usize,
    pub open: usize,
    pub overdue: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "resolutions/index.html")]
struct IndexPage {
    q: String,
    body: String,
    bodies: [&'static str; 5],
    /// What is wrong with the body field, shown beside it.
    body_error: Option<String>,
    /// How the search was read, said above the results.
    reading: Option<String>,
    lines: Vec<ResolutionLine>,
    total: i64,
    page: i64,
    pages: i64,
    prev_url: Option<String>,
    next_url: Option<String>,
    /// The last page's address, when the page asked for is past it.
    last_url: Option<String>,
    today: NaiveDate,
}

const BODIES: [&str; 5] = ["GA", "SC", "HRC", "ECOSOC", "OTHER"];

/// `/resolutions`: every resolution, or those a search finds. A search that names one
/// resolution by its symbol goes straight to it.
async fn list_resolutions(
    State(state): State<AppState>,
    Query(query): Query<IndexQuery>,
) -> Result<Response, AppError> {
    let pool = &state.pool;
    let today = chrono::Local::now().date_naive();
    let trimmed = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let Some(symbol) = trimmed(&query.symbol) {
        let search = symbol_search(&symbol).unwrap_or_else(|| DocumentSearch {
            exact: vec![symbol.to_uppercase()],
            ..DocumentSearch::default()
        });
        let found = store::search_documents(pool, &search, 2, 0).await?;
        return match found.as_slice() {
            [one] => Ok(Redirect::to(&format!("/resolutions/{}", one.id)).into_response()),
            _ => Err(AppError::NotFound(format!(
                "{symbol} is not in the tracker yet. Try the search box at the top of the page \
                 with the symbol written another way, or words of its title."
            ))),
        };
    }
    let q = trimmed(&query.q).unwrap_or_default();
    let mut body = trimmed(&query.body).unwrap_or_default();
    let mut body_error = None;
    if !body.is_empty() && !BODIES.contains(&body.as_str()) {
        body_error = Some(format!(
            "There is no body {body}: choose GA, SC, HRC, ECOSOC or OTHER."
        ));
        body.clear();
    }
    let page = super::params::parse_page(query.page.as_deref())?;
    let body_filter = (!body.is_empty()).then(|| body.clone());
    let mut reading = None;
    let mut search = DocumentSearch {
        body: body_filter.clone(),
        ..DocumentSearch::default()
    };
    if !q.is_empty() {
        match symbol_search(&q) {
            Some(by_symbol) => {
                let by_symbol = DocumentSearch {
                    body: body_filter.clone(),
                    ..by_symbol
                };
                let found = store::search_documents(pool, &by_symbol, 2, 0).await?;
                match found.as_slice() {
                    [one] => {
                        return Ok(
                            Redirect::to(&format!("/resolutions/{}", one.id)).into_response()
                        );
                    }
                    [] => {
                        reading = Some(format!(
                            "No resolution in the tracker has the symbol {}; resolutions whose title has these words:",
                            by_symbol.exact.join(" or ")
                        ));
                        search.words = Some(q.clone());
                    }
                    _ => {
                        reading = Some(format!("Resolutions with the symbol {q}:"));
                        search = by_symbol;
                    }
                }
            }
            None => {
                reading = Some(format!(
                    "Resolutions whose title has the words \u{201c}{q}\u{201d}:"
                ));
                search.words = Some(q.clone());
            }
        }
    }
    let total = store::count_documents_matching(pool, &search).await?;
    let pages = ((total + INDEX_PAGE_SIZE - 1) / INDEX_PAGE_SIZE).max(1);
    let docs =
        store::search_documents(pool, &search, INDEX_PAGE_SIZE, (page - 1) * INDEX_PAGE_SIZE)
            .await?;
    let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
    let facts = store::list_obligation_state_facts(pool, &ids).await?;
    let soon_until = today + chrono::Duration::weeks(super::obligations::DEFAULT_WEEKS_AHEAD);
    let mut counts: HashMap<i64, (usize, usize, usize)> = HashMap::new();
    for f in &facts {
        let state = ObligationState::of(kind_of(&f.kind), &f.status, f.due_on, today, soon_until);
        let c = counts.entry(f.document_id).or_default();
        c.0 += 1;
        c.1 += usize::from(state.is_open());
        c.2 += usize::from(state == ObligationState::Overdue);
    }
    let lines = docs
        .into_iter()
        .map(|doc| {
            let (tracked, open, overdue) = counts.get(&doc.id).copied().unwrap_or_default();
            ResolutionLine {
                doc,
                tracked,
                open,
                overdue,
            }
        })
        .collect();
    let url_for = |page: i64| {
        let mut pairs = vec![];
        if !q.is_empty() {
            pairs.push(("q", q.clone()));
        }
        if !body.is_empty() {
            pairs.push(("body", body.clone()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            "/resolutions".to_string()
        } else {
            format!("/resolutions?{query}")
        }
    };
    let status = if body_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page_view = IndexPage {
        prev_url: (page > 1).then(|| url_for((page - 1).min(pages))),
        next_url: (page < pages).then(|| url_for(page + 1)),
        last_url: (page > pages).then(|| url_for(pages)),
        q,
        body,
        bodies: BODIES,
        body_error,
        reading,
        lines,
        total,
        page,
        pages,
        today,
    };
    Ok((status, page_view).into_response())
}

/// The symbols a search box's text can mean, as the store matches them.
fn symbol_search(text: &str) -> Option<DocumentSearch> {
    read_symbol_search(text).map(|s| DocumentSearch {
        exact: s.exact,
        prefix: s.prefix,
        ..DocumentSearch::default()
    })
}

/// A marked run of paragraph text.
pub struct Piece {
    pub text: String,
    pub class: Option<&'static str>,
}

pub struct ClauseView {
    pub verb: String,
    /// The form that corrects it.
    pub correct_link: String,
    pub action: String,
    pub obligation_id: Option<i64>,
    /// Its obligation's state, exactly as the lists show it.
    pub state: Option<ObligationState>,
}

pub struct ParagraphView {
    pub number: Option<String>,
    /// Operative paragraphs: the form that adds an obligation the reader missed.
    pub add_link: Option<String>,
    pub pieces: Vec<Piece>,
    pub clauses: Vec<ClauseView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "resolutions/show.html")]
struct ShowPage {
    doc: DocumentDetail,
    /// Its tracked obligations in the order of its paragraphs: what it asks, at a glance.
    summary: Vec<ObligationItem>,
    preamble: Vec<ParagraphView>,
    operative: Vec<ParagraphView>,
    cited: Vec<LinkRow>,
    citing: Vec<LinkRow>,
    chain: Vec<ChainLink>,
    /// The series it belongs to, for the link to what changed since last time.
    series: Option<i64>,
    /// Said right after an import.
    imported: Option<&'static str>,
    /// Editors see the links to correct the reader, and corrections that need review.
    editor: bool,
    needs_review: Vec<store::CorrectionRow>,
}

/// `?imported=imported|updated|unchanged`: the page answers the import form, and says so.
#[derive(Deserialize)]
struct ImportNotice {
    imported: Option<String>,
}

impl ImportNotice {
    fn message(&self) -> Option<&'static str> {
        match self.imported.as_deref()? {
            "imported" => {
                Some("Imported: the resolution is in the tracker; what it asks is below.")
            }
            "updated" => Some(
                "Updated: its text was read again; the follow-up states entered before are kept.",
            ),
            "unchanged" => Some("Already in the tracker with this same text: nothing changed."),
            _ => None,
        }
    }
}

async fn show_resolution(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(notice): Query<ImportNotice>,
    MaybeUser(user): MaybeUser,
) -> Result<ShowPage, AppError> {
    let editor = user.as_ref().is_some_and(|u| u.can_edit());
    let pool = &state.pool;
    let doc = store::find_document(pool, id).await?.ok_or_else(|| {
        AppError::NotFound(format!(
            "There is no resolution {id}. Check the link, or find it with the search box."
        ))
    })?;
    let paragraphs = store::list_paragraphs(pool, id).await?;
    let clauses = store::list_clauses(pool, id).await?;
    let clause_ids: Vec<i64> = clauses.iter().map(|c| c.id).collect();
    let actors = store::list_clause_actors(pool, &clause_ids).await?;
    let deadlines = store::list_clause_deadlines(pool, &clause_ids).await?;
    let today = chrono::Local::now().date_naive();
    let soon_until = today + chrono::Duration::weeks(super::obligations::DEFAULT_WEEKS_AHEAD);
    let filter = ObligationFilter {
        document_id: Some(id),
        ..ObligationFilter::default()
    };
    // The list's own query, so that the summary's states are the lists' states.
    let mut summary: Vec<ObligationItem> =
        store::list_obligations(pool, &filter, ObligationSort::DueSoonest, 10_000, 0)
            .await?
            .into_iter()
            .map(|row| ObligationItem::new(row, today, soon_until))
            .collect();
    let order: HashMap<&str, usize> = paragraphs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.number.as_deref().map(|n| (n, i)))
        .collect();
    // Stable: within a paragraph, the soonest first.
    summary.sort_by_key(|item| {
        order
            .get(item.row.paragraph_number.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    let states: HashMap<i64, ObligationState> = summary
        .iter()
        .map(|item| (item.row.id, item.state))
        .collect();
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
        let number = p.number.clone().unwrap_or_default();
        let mut seen: HashMap<&str, i32> = HashMap::new();
        let view = ParagraphView {
            add_link: p.number.as_ref().map(|n| {
                format!(
                    "/corrections/add?document={id}&paragraph={}",
                    super::corrections::urlencoding(n)
                )
            }),
            number: p.number.clone(),
            pieces,
            clauses: own
                .iter()
                .map(|c| ClauseView {
                    correct_link: {
                        let occurrence = seen.entry(c.verb.as_str()).or_default();
                        let link = format!(
                            "/corrections/clause?document={id}&paragraph={}&verb={}&occurrence={occurrence}",
                            super::corrections::urlencoding(&number),
                            super::corrections::urlencoding(&c.verb)
                        );
                        *occurrence += 1;
                        link
                    },
                    verb: c.verb.clone(),
                    action: c.action.clone(),
                    obligation_id: c.obligation_id,
                    state: c.obligation_id.and_then(|o| states.get(&o).copied()),
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
        imported: notice.message(),
        needs_review: if editor {
            store::list_corrections(pool, Some(id), true).await?
        } else {
            Vec::new()
        },
        editor,
        doc,
        summary,
        preamble,
        operative,
    })
}
