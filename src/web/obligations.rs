//! The obligations list (filtered, sorted, paginated, bookmarkable) and one obligation's page
//! with its follow-up form and history.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::auth::{CsrfForm, Editor, MaybeUser, audit};
use super::cache::Snapshot;
use super::params::{Path, Query};
use super::today::{AsOf, parse_optional_date};
use super::{AppError, AppState};
use crate::resolution::summary::describe_deadline_row;
use crate::resolution::summary::ordinal;
use crate::resolution::symbol::looks_like_document_symbol;
use crate::resolution::window::{Precision, window_from};
use crate::resolution::{Body, ObligationKind, SessionCalendar, window};
use crate::store::DependsOn;
use crate::store::{
    self, DeadlineRow, FollowUpStatus, ObligationDetail, ObligationEvent, ObligationFilter,
    ObligationRow, ObligationSort, StatusChange,
};

pub const PAGE_SIZE: i64 = 50;
/// How far ahead "due soon" looks unless the page says otherwise.
pub const DEFAULT_WEEKS_AHEAD: i64 = 8;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/obligations", get(list_obligations))
        .route("/obligations/print", get(print_obligations))
        .route("/obligations/{id}", get(show_obligation))
        .route("/obligations/{id}/status", post(change_status))
}

/// Where an obligation stands on the dashboard, in the words of its kind.
pub use crate::resolution::ObligationState as DueState;

/// The kind of a stored obligation; rows stored before kinds were read count as "other".
pub fn kind_of(code: &str) -> ObligationKind {
    code.parse().unwrap_or(ObligationKind::Other)
}

/// A list row with its state worked out for the template.
pub struct ObligationItem {
    pub row: ObligationRow,
    pub kind: ObligationKind,
    pub state: DueState,
    /// The deadline's words beside its window, when they name more than a day.
    pub window: Option<String>,
    pub asks: String,
    /// The paragraph's first words after its verb: the one line a compact row shows.
    pub gist: String,
    /// Shown whole, not behind "more" (the printed list).
    pub open: bool,
}

impl ObligationItem {
    pub fn new(row: ObligationRow, today: NaiveDate, soon_until: NaiveDate) -> Self {
        let kind = kind_of(&row.kind);
        let state = DueState::of(kind, &row.status, row.due_on, today, soon_until);
        let asks = shorten(&row.clause_text, 220);
        let gist = shorten(without_verb(&row.clause_text, &row.verb), 90);
        let window = (row.due_precision.as_deref() != Some("day"))
            .then(|| crate::export::window_words(&row))
            .flatten();
        Self {
            row,
            kind,
            state,
            window,
            asks,
            gist,
            open: false,
        }
    }
}

/// A paragraph without its opening verb ("Requests the Secretary-General …" → "the
/// Secretary-General …"), which the row already shows as its link.
fn without_verb<'a>(text: &'a str, verb: &str) -> &'a str {
    let trimmed = text.trim_start();
    // Adverbs come first in some paragraphs ("Also requests"): skip up to the verb.
    let lower = trimmed.to_lowercase();
    match lower.find(&verb.to_lowercase()) {
        Some(at) if at < 40 && trimmed.is_char_boundary(at + verb.len()) => {
            trimmed[at + verb.len()..].trim_start()
        }
        _ => trimmed,
    }
}

/// The first `max` characters of a text, cut at a word, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", &cut[..at])
}

pub use crate::store::filter::{ACTIONS, BODIES, FieldError, ListQuery};

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::BadRequest(e.message)
    }
}

/// The message of a refusal, for a field's error.
fn message_of(e: AppError) -> String {
    e.to_string()
}

impl ListQuery {
    pub fn page(&self) -> Result<i64, FieldError> {
        super::params::parse_page(self.page.as_deref())
            .map_err(|e| FieldError::new("page", message_of(e)))
    }

    /// This query with another page, as a URL.
    pub fn url_for_page(&self, page: i64) -> String {
        let mut q = self.clone();
        q.page = (page > 1).then(|| page.to_string());
        let query = serde_urlencoded::to_string(&q).unwrap_or_default();
        if query.is_empty() {
            "/obligations".into()
        } else {
            format!("/obligations?{query}")
        }
    }

    /// The list sorted by `sort`, from its first page.
    pub fn url_for_sort(&self, sort: &str) -> String {
        let mut q = self.clone();
        q.sort = Some(sort.to_string());
        q.page = None;
        format!(
            "/obligations?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    }

    /// The filter and sort without page or day: what an export or feed of this list takes.
    pub fn export_query(&self) -> String {
        let mut q = self.clone();
        q.page = None;
        q.as_of = None;
        serde_urlencoded::to_string(&q).unwrap_or_default()
    }

    /// The export links of a page shown as of a day: the same day's states.
    pub fn export_query_as_of(&self) -> String {
        let mut q = self.clone();
        q.page = None;
        serde_urlencoded::to_string(&q).unwrap_or_default()
    }

    pub fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "obligations/list.html")]
struct ListPage {
    query: ListQuery,
    items: Vec<ObligationItem>,
    total: store::MatchCount,
    page: i64,
    pages: i64,
    first: i64,
    last: i64,
    /// The filter and sort alone, for the CSV, calendar and JSON links.
    export_query: String,
    prev_url: Option<String>,
    next_url: Option<String>,
    sorts: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    actions: [&'static str; 6],
    bodies: [&'static str; 5],
    actors: std::sync::Arc<Vec<store::ActorName>>,
    sort: &'static str,
    today: NaiveDate,
    /// What is wrong with the filter as sent: shown beside its field, the form kept.
    error: Option<FieldError>,
    /// The last page's address, when the page asked for is past it.
    last_url: Option<String>,
    /// The signed-in person's form token, for saving the list under a name.
    csrf: Option<String>,
    /// Admins also subscribe others to the list (the digest page).
    admin: bool,
}

impl ListPage {
    /// The message beside `field`, when it is the one that is wrong.
    fn error_on(&self, field: &str) -> Option<&str> {
        self.error.as_ref().and_then(|e| e.on(field))
    }

    fn sort_label(&self) -> &'static str {
        ObligationSort::parse(self.sort).unwrap_or_default().label()
    }

    /// A column's `aria-sort` when the list is sorted by it.
    fn aria_sort(&self, column: &str) -> Option<&'static str> {
        match (column, self.sort) {
            ("due", "due") | ("status", "status") | ("resolution", "resolution") => {
                Some("ascending")
            }
            ("due", "due_desc") => Some("descending"),
            _ => None,
        }
    }

    /// The list sorted by a column, from its first page; the due column turns its order
    /// round when it is already the sort.
    fn sort_url(&self, column: &str) -> String {
        let sort = match (column, self.sort) {
            ("due", "due") => "due_desc",
            (column, _) => column,
        };
        self.query.url_for_sort(sort)
    }
}

async fn list_obligations(
    State(state): State<AppState>,
    snapshot: Snapshot,
    MaybeUser(user): MaybeUser,
    Query(query): Query<ListQuery>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let pool = &state.pool;
    let actors = state
        .cache
        .get_or_load(
            &snapshot,
            "actor names".into(),
            DependsOn::Documents,
            || async { Ok(store::list_actor_names(pool).await?) },
        )
        .await?;
    let checked = query
        .filter()
        .and_then(|filter| Ok((filter, query.sort()?, query.page()?)));
    let mut page_view = ListPage {
        prev_url: None,
        next_url: None,
        items: Vec::new(),
        total: store::MatchCount {
            count: 0,
            more: false,
            about: None,
        },
        page: 1,
        pages: 1,
        first: 0,
        last: 0,
        export_query: query.export_query(),
        sorts: ObligationSort::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        statuses: std::iter::once(("outstanding", "outstanding (open or in progress)"))
            .chain(FollowUpStatus::ALL.iter().map(|s| (s.as_str(), s.label())))
            .collect(),
        kinds: ObligationKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        actions: ACTIONS,
        bodies: BODIES,
        actors,
        // The sort as sent, when it is one, even when another field is wrong.
        sort: query.sort().unwrap_or_default().as_str(),
        today: chrono::Local::now().date_naive(),
        error: None,
        last_url: None,
        admin: user.as_ref().is_some_and(|u| u.is_admin()),
        csrf: user.map(|u| u.csrf).filter(|c| !c.is_empty()),
        query,
    };
    let (filter, sort, page) = match checked {
        Ok(checked) => checked,
        // The same page with the form as sent and the message beside the wrong field.
        Err(error) => {
            page_view.error = Some(error);
            return Ok((axum::http::StatusCode::BAD_REQUEST, page_view).into_response());
        }
    };
    let query = &page_view.query;
    let today = filter
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let soon_until = today + chrono::Duration::weeks(DEFAULT_WEEKS_AHEAD);
    let found = find_page(&state, &snapshot, query, &filter, sort, PAGE_SIZE, page).await?;
    let (rows, total) = (found.rows.clone(), found.total);
    let pages = ((total.count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let first = if rows.is_empty() {
        0
    } else {
        (page - 1) * PAGE_SIZE + 1
    };
    let last = (page - 1) * PAGE_SIZE + rows.len() as i64;
    let has_next = rows.len() as i64 == PAGE_SIZE && (total.more || page < pages);
    page_view.prev_url = (page > 1).then(|| query.url_for_page((page - 1).min(pages)));
    page_view.next_url = has_next.then(|| query.url_for_page(page + 1));
    page_view.last_url = (rows.is_empty() && page > pages).then(|| query.url_for_page(pages));
    page_view.items = rows
        .into_iter()
        .map(|r| ObligationItem::new(r, today, soon_until))
        .collect();
    page_view.total = total;
    page_view.page = page;
    page_view.pages = pages;
    page_view.first = first;
    page_view.last = last;
    page_view.sort = sort.as_str();
    page_view.today = today;
    Ok(page_view.into_response())
}

/// The most rows a printed list holds; a filter that matches more says so.
const PRINT_LIMIT: i64 = 5_000;

#[derive(Template, WebTemplate)]
#[template(path = "obligations/print.html")]
struct PrintPage {
    words: String,
    items: Vec<ObligationItem>,
    cut_short: bool,
    sort_label: &'static str,
    today: NaiveDate,
    back: String,
}

/// The whole filtered list on one page, every paragraph in full, for printing.
async fn print_obligations(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<PrintPage, AppError> {
    let pool = &state.pool;
    let filter = query.filter().map_err(|e| {
        AppError::BadRequest(format!("This list cannot be printed: {}.", e.message))
    })?;
    let sort = query.sort().map_err(|e| {
        AppError::BadRequest(format!("This list cannot be printed: {}.", e.message))
    })?;
    let today = filter
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let soon_until = today + chrono::Duration::weeks(DEFAULT_WEEKS_AHEAD);
    let rows = store::list_obligations(pool, &filter, sort, PRINT_LIMIT + 1, 0).await?;
    let cut_short = rows.len() as i64 > PRINT_LIMIT;
    let actors = store::list_actor_names(pool).await?;
    let items = rows
        .into_iter()
        .take(PRINT_LIMIT as usize)
        .map(|r| ObligationItem {
            open: true,
            ..ObligationItem::new(r, today, soon_until)
        })
        .collect();
    Ok(PrintPage {
        words: super::lists::describe_filter(&query, &actors),
        items,
        cut_short,
        sort_label: sort.label(),
        today,
        back: query.url_for_page(1),
    })
}

/// One page of a filtered list and how many match in all.
pub struct FoundPage {
    pub rows: Vec<ObligationRow>,
    pub total: store::MatchCount,
}

/// A page of the list (kept while the database is unchanged: lists are read far more often
/// than obligations change).
pub async fn find_page(
    state: &AppState,
    snapshot: &Snapshot,
    query: &ListQuery,
    filter: &ObligationFilter,
    sort: ObligationSort,
    per_page: i64,
    page: i64,
) -> Result<std::sync::Arc<FoundPage>, AppError> {
    let pool = &state.pool;
    // The rows depend on the whole filter, with the day it was made for (the state as of
    // then, the "overdue" cut), not only on the query string without the day.
    let key = format!("list {} {per_page} {page} {filter:?}", query.export_query());
    state
        .cache
        .get_or_load(
            snapshot,
            key,
            DependsOn::Filter(Box::new(filter.clone())),
            || async {
                let rows =
                    store::list_obligations(pool, filter, sort, per_page, (page - 1) * per_page)
                        .await?;
                let total = store::count_obligations(pool, filter).await?;
                Ok(FoundPage { rows, total })
            },
        )
        .await
}

/// A deadline with the words that explain its date.
pub struct DeadlineView {
    pub text: String,
    pub basis: String,
    pub due_on: Option<NaiveDate>,
    /// The window its words allow, when they name more than a day ("early 2026 (1 January –
    /// 30 April 2026)").
    pub window: Option<String>,
    pub estimated: bool,
}

impl From<&DeadlineRow> for DeadlineView {
    fn from(d: &DeadlineRow) -> Self {
        Self {
            text: d.text.clone(),
            basis: describe_deadline_row(d.kind.as_str(), d.body.as_deref(), d.session, d.due_on),
            due_on: d.due_on,
            window: d
                .due_on
                .map(|due| window_from(&d.kind, &d.text, due))
                .filter(|w| w.precision != Precision::Day)
                .map(|w| w.describe()),
            estimated: d.estimated,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "obligations/show.html")]
struct ShowPage {
    obligation: ObligationDetail,
    /// The day asked for, when the page shows what was known then.
    as_of: Option<NaiveDate>,
    /// True when the resolution was adopted after that day.
    not_yet_adopted: bool,
    kind: ObligationKind,
    state: DueState,
    /// The obligation's window in the words of its deadline ("early 2026 (1 January – 30
    /// April 2026)"), or its day.
    window: Option<String>,
    /// For a mandate period: where its renewal falls due, before it expires.
    renewal: Option<String>,
    actors: Vec<store::ClauseActorRow>,
    deadlines: Vec<DeadlineView>,
    history: Vec<HistoryLine>,
    statuses: Vec<(&'static str, &'static str)>,
    status_label: &'static str,
    /// The signed-in editor's form token; None when the reader may not change the state.
    editor_csrf: Option<String>,
    /// Why there is no form, when there is none.
    read_only_reason: String,
    /// True right after the follow-up form was saved.
    saved: bool,
    /// Editors' corrections of what the reader found in its clause.
    corrections: Vec<store::CorrectionRow>,
}

/// `?saved=1`: the page is the answer to its own form, which says so.
#[derive(Debug, Default, Deserialize)]
pub struct SavedNotice {
    saved: Option<String>,
}

/// A change in the history: the state it left and the state it made.
pub struct HistoryLine {
    pub event: ObligationEvent,
    pub before: Option<ObligationEvent>,
}

async fn show_obligation(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Query(as_of): Query<AsOf>,
    Query(notice): Query<SavedNotice>,
) -> Result<ShowPage, AppError> {
    let today = as_of.today()?;
    let day = as_of.day()?;
    let mut obligation = store::find_obligation(&state.pool, id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "There is no obligation {id}. Check the link, or find it in the obligations list."
            ))
        })?;
    let clause = [obligation.clause_id];
    let actors = store::list_clause_actors(&state.pool, &clause).await?;
    let deadlines = store::list_clause_deadlines(&state.pool, &clause).await?;
    let events = store::list_obligation_events(&state.pool, id, day).await?;
    // As of a past day the page shows the state whose effective day had come.
    let not_yet_adopted = day.is_some_and(|d| obligation.adopted_on.is_some_and(|a| a > d));
    if day.is_some() {
        match events.first() {
            Some(e) => {
                obligation.status = e.status.clone();
                obligation.fulfilled_by = e.fulfilled_by.clone();
                obligation.note = e.note.clone();
                obligation.changed_by = e.changed_by.clone();
                obligation.effective_on = e.effective_on;
                obligation.evidence_symbol = e.evidence_symbol.clone();
                obligation.evidence_paragraph = e.evidence_paragraph.clone();
            }
            None => {
                obligation.status = "open".into();
                obligation.fulfilled_by = None;
                obligation.evidence_symbol = None;
                obligation.evidence_paragraph = None;
            }
        }
    }
    let soon_until = today + chrono::Duration::weeks(DEFAULT_WEEKS_AHEAD);
    let status_label = obligation
        .status
        .parse::<FollowUpStatus>()
        .map(FollowUpStatus::label)
        .unwrap_or("unknown");
    // Events come newest first; each one's "before" is the next (older) one.
    let history = events
        .iter()
        .enumerate()
        .map(|(i, e)| HistoryLine {
            event: e.clone(),
            before: events.get(i + 1).cloned(),
        })
        .collect();
    let editor_csrf = user
        .as_ref()
        .filter(|u| u.can_edit() && !u.csrf.is_empty())
        .map(|u| u.csrf.clone());
    let read_only_reason = match &user {
        None => "Sign in as an editor to change the follow-up state.".to_string(),
        Some(u) if !u.can_edit() => format!(
            "Your account is a {}: an editor or admin changes the follow-up state.",
            u.role.as_str()
        ),
        Some(_) => String::new(),
    };
    Ok(ShowPage {
        not_yet_adopted,
        as_of: day,
        state: DueState::of(
            kind_of(&obligation.kind),
            &obligation.status,
            obligation.due_on,
            today,
            soon_until,
        ),
        kind: kind_of(&obligation.kind),
        window: window_of_detail(&obligation),
        renewal: renewal_of(&obligation),
        deadlines: deadlines.iter().map(DeadlineView::from).collect(),
        obligation,
        actors,
        history,
        editor_csrf,
        read_only_reason,
        statuses: FollowUpStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        status_label,
        saved: notice.saved.is_some(),
        corrections: store::list_obligation_corrections(&state.pool, id).await?,
    })
}

/// "at the Human Rights Council's 55th session (opening 26 February 2024), the last before
/// the mandate expires on 23 March 2024": a mandate must be renewed before it lapses.
fn renewal_of(o: &ObligationDetail) -> Option<String> {
    if kind_of(&o.kind) != ObligationKind::MandatePeriod {
        return None;
    }
    let expires = o.due_on?;
    let body = Body::from_code(&o.body)?;
    static CALENDAR: std::sync::LazyLock<SessionCalendar> =
        std::sync::LazyLock::new(SessionCalendar::builtin);
    let expiry = expires.format("%-d %B %Y");
    Some(match CALENDAR.last_session_before(body, expires) {
        Some((n, opens, estimated)) => format!(
            "at the {}'s {} session (opening {}{}), the last before the mandate expires on {expiry}",
            body.name(),
            ordinal(n),
            opens.format("%-d %B %Y"),
            if estimated { ", estimated" } else { "" },
        ),
        None => format!(
            "by the {} before {expiry}, when the mandate expires",
            body.name()
        ),
    })
}

fn window_of_detail(o: &ObligationDetail) -> Option<String> {
    let precision = Precision::parse(o.due_precision.as_deref()?)?;
    Some(window::describe(
        precision,
        o.due_words.as_deref().unwrap_or_default(),
        o.due_from?,
        o.due_on?,
    ))
}

/// The follow-up form.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    pub status: String,
    #[serde(default)]
    pub fulfilled_by: String,
    #[serde(default)]
    pub note: String,
    /// The day the change took effect (YYYY-MM-DD); today when empty.
    #[serde(default)]
    pub effective_on: String,
}

async fn change_status(
    State(state): State<AppState>,
    Editor(user): Editor,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Redirect, AppError> {
    let status: FollowUpStatus = form.status.parse().map_err(AppError::BadRequest)?;
    let fulfilled_by = Some(form.fulfilled_by.trim()).filter(|s| !s.is_empty());
    if fulfilled_by.is_some_and(|s| s.len() > 100) || form.note.len() > 10_000 {
        return Err(AppError::BadRequest("A field is too long.".into()));
    }
    if let Some(words) = fulfilled_by.filter(|s| !looks_like_document_symbol(s)) {
        return Err(AppError::BadRequest(format!(
            "\u{201c}{words}\u{201d} is not a document symbol such as A/76/170 or S/2023/45: \
             put the symbol of the document that fulfils it in \u{201c}fulfilled by\u{201d}, \
             and anything else in the note."
        )));
    }
    let effective_on = parse_optional_date(Some(&form.effective_on), "effective_on")?;
    let mut tx = state.pool.begin().await?;
    let change = StatusChange {
        status,
        fulfilled_by,
        note: form.note.trim(),
        changed_by: &user.name,
        effective_on,
    };
    let before = store::update_obligation_status(&mut tx, id, &change)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "There is no obligation {id}. Check the link, or find it in the obligations list."
            ))
        })?;
    // Undoing what evidence in a document set needs a reason, kept in the history; the
    // transaction is dropped, so nothing changes.
    if before.evidence_symbol.is_some()
        && before.status != status.as_str()
        && form.note.trim().is_empty()
    {
        return Err(AppError::BadRequest(format!(
            "This state was set automatically ({}). To change it, say why in the note.",
            before.note
        )));
    }
    let link = format!("/obligations/{id}");
    audit(
        &mut *tx,
        &user,
        "obligation.status",
        &format!("obligation {id}"),
        Some(&link),
        Some(json!({
            "status": before.status,
            "fulfilled_by": before.fulfilled_by,
            "note": before.note,
        })),
        Some(json!({
            "status": status.as_str(),
            "fulfilled_by": fulfilled_by,
            "note": form.note.trim(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{link}?saved=1")))
}
