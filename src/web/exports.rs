//! The obligations list in other formats, with exactly the filter of the page's URL:
//! `/obligations.csv`, `/obligations.ics` (a calendar feed) and `/api/obligations` (JSON).
//! CSV and iCalendar stream every match, so an export of the whole table holds no more than
//! a chunk in memory.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::cache::Snapshot;
use super::obligations::{DEFAULT_WEEKS_AHEAD, ListQuery};
use super::params::Query;
use super::today::AsOf;
use super::{AppError, AppState};
use crate::export::{self, CALENDAR_END, Links, NewTextJson, ObligationJson};
use crate::new_texts::{NewText, find_new_texts};
use crate::store::{self, DependsOn, ObligationFilter, ObligationRow, ObligationSort};

/// Bytes gathered before a chunk goes out.
const CHUNK: usize = 64 * 1024;
/// JSON pages: the default and the most a client may ask for.
const JSON_PAGE: i64 = 100;
const JSON_PAGE_MAX: i64 = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/obligations.csv", get(csv))
        .route("/obligations.ics", get(calendar))
        .route("/api/obligations", get(json))
}

async fn csv(
    State(state): State<AppState>,
    snapshot: Snapshot,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter()?;
    let sort = query.sort()?;
    let (today, soon_until) = day_and_horizon(&query)?;
    let links = Links::new(&state.inner.base_url);
    let new_texts = new_texts_for(&state, &snapshot, &filter, today).await?;
    // A byte-order mark: without it Excel reads the file as the local code page and garbles
    // curly quotes and accented names.
    let mut first = "\u{feff}".as_bytes().to_vec();
    write_csv(
        &mut first,
        export::CSV_HEADER
            .into_iter()
            .chain([export::CSV_NEW_TEXT_COLUMN]),
    );
    let body = stream_rows(state, filter, sort, first, move |row, out| {
        let at = export::state_of(row, today, soon_until);
        let new_text = export::new_text_cell(row, &new_texts);
        write_csv(
            out,
            export::csv_record(row, at, &links)
                .into_iter()
                .chain([new_text]),
        );
    });
    let filename = format!("obligations-{}.csv", Utc::now().date_naive());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// The new texts of the series the export's filter follows, imported in the seven days up to
/// the export's day: "new in this year's text", as the digest says it. Cached with the
/// database's version: a week after a session's texts come in, every feed poll and every page
/// of the JSON list would otherwise read and compare them all again.
async fn new_texts_for(
    state: &AppState,
    snapshot: &Snapshot,
    filter: &ObligationFilter,
    today: NaiveDate,
) -> Result<Arc<Vec<NewText>>, AppError> {
    state
        .cache
        .get_or_load(
            snapshot,
            format!("new texts {filter:?} {today}"),
            // Which texts are new and which filters follow them ignores follow-up states.
            DependsOn::Documents,
            || async {
                Ok(find_new_texts(&state.pool, filter, today, &state.inner.base_url).await?)
            },
        )
        .await
}

/// The day the export is for (`as_of`, or today) and the end of its "due soon" horizon.
fn day_and_horizon(query: &ListQuery) -> Result<(NaiveDate, NaiveDate), AppError> {
    let today = AsOf {
        as_of: query.as_of.clone(),
    }
    .today()?;
    Ok((today, today + chrono::Duration::weeks(DEFAULT_WEEKS_AHEAD)))
}

/// One CSV record (RFC 4180 quoting) at the end of `out`.
fn write_csv<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(out: &mut Vec<u8>, fields: I) {
    let mut writer = csv::WriterBuilder::new()
        .buffer_capacity(1024)
        .from_writer(out);
    writer
        .write_record(fields)
        .and_then(|()| writer.flush().map_err(csv::Error::from))
        .expect("writing CSV into memory cannot fail");
}

async fn calendar(
    State(state): State<AppState>,
    snapshot: Snapshot,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter()?;
    let (today, soon_until) = day_and_horizon(&query)?;
    let links = Links::new(&state.inner.base_url);
    let name = calendar_name(&query);
    let stamp = Utc::now();
    let mut start = export::calendar_start(&name);
    // New texts first: a handful at most, on the day each was imported.
    for text in new_texts_for(&state, &snapshot, &filter, today)
        .await?
        .iter()
    {
        start.push_str(&export::new_text_event(text, stamp));
    }
    let start = start.into_bytes();
    let body = stream_rows(
        state,
        filter,
        ObligationSort::DueSoonest,
        start,
        move |row, out| {
            let at = export::state_of(row, today, soon_until);
            if let Some(event) = export::calendar_event(row, at, &links, stamp) {
                out.extend_from_slice(event.as_bytes());
            }
        },
    )
    .chain(futures::stream::once(async {
        Ok(CALENDAR_END.as_bytes().to_vec())
    }));
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"obligations.ics\"",
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// "mandates: GA, session 81, outstanding" from the filter's words.
fn calendar_name(query: &ListQuery) -> String {
    let mut parts = vec![];
    for (label, value) in [
        ("", &query.body),
        ("session ", &query.session),
        ("", &query.status),
        ("", &query.action),
        ("", &query.q),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            parts.push(format!("{label}{v}"));
        }
    }
    if parts.is_empty() {
        "mandates: deadlines".into()
    } else {
        format!("mandates: {}", parts.join(", "))
    }
}

/// Runs the filtered query in a task of its own and streams what `write` makes of each row,
/// a chunk at a time, after `first`. A client that goes away stops the query.
fn stream_rows(
    state: AppState,
    filter: ObligationFilter,
    sort: ObligationSort,
    first: Vec<u8>,
    mut write: impl FnMut(&ObligationRow, &mut Vec<u8>) + Send + 'static,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let (sender, receiver) = mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut chunk = first;
        let mut rows = store::stream_obligations(&state.pool, &filter, sort, None, 0);
        while let Some(row) = rows.next().await {
            match row {
                Ok(row) => write(&row, &mut chunk),
                Err(e) => {
                    tracing::error!("export stopped by a database error: {e}");
                    let _ = sender.send(Err(std::io::Error::other(e))).await;
                    return;
                }
            }
            if chunk.len() >= CHUNK {
                if sender.send(Ok(std::mem::take(&mut chunk))).await.is_err() {
                    return;
                }
                chunk.reserve(CHUNK);
            }
        }
        let _ = sender.send(Ok(chunk)).await;
    });
    futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

/// The JSON list's extra parameters.
#[derive(Debug, Deserialize)]
struct JsonPaging {
    per_page: Option<String>,
}

#[derive(Serialize)]
struct JsonList<'a> {
    /// How many obligations match, counted up to `store::COUNT_LIMIT`.
    count: i64,
    /// True when there is a next page (`next` then has its URL).
    more: bool,
    /// True when more than `count` match: the count stopped at its limit.
    count_is_lower_bound: bool,
    page: i64,
    per_page: i64,
    next: Option<String>,
    /// New texts of the series the filter follows, imported in the seven days up to the day
    /// asked for (`as_of`, or today), each against the text before it.
    new_in_this_years_text: Vec<NewTextJson<'a>>,
    obligations: Vec<ObligationJson<'a>>,
}

async fn json(
    State(state): State<AppState>,
    snapshot: Snapshot,
    Query(query): Query<ListQuery>,
    Query(paging): Query<JsonPaging>,
) -> Result<Response, AppError> {
    let filter = query.filter()?;
    let sort = query.sort()?;
    let page = query.page()?;
    let (today, soon_until) = day_and_horizon(&query)?;
    let per_page = super::params::parse_count(
        "per_page",
        paging.per_page.as_deref(),
        JSON_PAGE,
        JSON_PAGE_MAX,
    )?;
    let found =
        super::obligations::find_page(&state, &snapshot, &query, &filter, sort, per_page, page)
            .await?;
    let (rows, total) = (&found.rows, found.total);
    let links = Links::new(&state.inner.base_url);
    let new_texts = new_texts_for(&state, &snapshot, &filter, today).await?;
    let has_next = rows.len() as i64 == per_page && (total.more || page * per_page < total.count);
    let next = has_next.then(|| {
        let mut next = query.clone();
        next.page = Some((page + 1).to_string());
        let mut url = format!(
            "{}/api/obligations?{}",
            state.inner.base_url.trim_end_matches('/'),
            serde_urlencoded::to_string(&next).unwrap_or_default()
        );
        if per_page != JSON_PAGE {
            url.push_str(&format!("&per_page={per_page}"));
        }
        url
    });
    let list = JsonList {
        count: total.count,
        more: next.is_some(),
        count_is_lower_bound: total.more,
        page,
        per_page,
        next,
        new_in_this_years_text: new_texts
            .iter()
            .map(|t| NewTextJson::new(t, &links))
            .collect(),
        obligations: rows
            .iter()
            .map(|row| ObligationJson::new(row, export::state_of(row, today, soon_until), &links))
            .collect(),
    };
    Ok(axum::Json(list).into_response())
}
