//! "Asked of us": what Member States (and States parties) are asked or invited to do, grouped
//! by what is asked, soonest deadline first: the part of the tracker that is a mission's own
//! to-do list.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;

use super::cache::Snapshot;
use super::obligations::{DEFAULT_WEEKS_AHEAD, ObligationItem};
use super::{AppError, AppState};
use crate::resolution::asked::AskedOfUs;
use crate::store::DependsOn;
use crate::store::{self, ObligationFilter, ObligationSort};

/// The canonical actors that are "us" to a mission.
const US: [&str; 2] = ["Member States", "States parties"];
/// Enough for every request to States in a large tracker; past it the page says so.
const LIMIT: i64 = 1_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/asked-of-us", get(show_asked_of_us))
}

/// Requests of one sort ("Submit views"), soonest first.
pub struct AskedGroup {
    pub asked: AskedOfUs,
    pub items: Vec<ObligationItem>,
}

#[derive(Template, WebTemplate)]
#[template(path = "asked.html")]
struct AskedPage {
    groups: Vec<AskedGroup>,
    total: usize,
    dated: usize,
    cut_short: bool,
    today: NaiveDate,
}

async fn show_asked_of_us(
    State(state): State<AppState>,
    snapshot: Snapshot,
) -> Result<AskedPage, AppError> {
    let pool = &state.pool;
    let today = chrono::Local::now().date_naive();
    let soon_until = today + chrono::Duration::weeks(DEFAULT_WEEKS_AHEAD);
    let rows = state
        .cache
        .get_or_load(
            &snapshot,
            "asked of us".into(),
            DependsOn::AnyObligation,
            || async {
                let actors = store::list_actor_names(pool).await?;
                let mut rows = Vec::new();
                let mut cut_short = false;
                for actor in actors.iter().filter(|a| US.contains(&a.name.as_str())) {
                    let filter = ObligationFilter {
                        actor_id: Some(actor.id),
                        status: Some("outstanding".into()),
                        ..Default::default()
                    };
                    let found = store::list_obligations(
                        pool,
                        &filter,
                        ObligationSort::DueSoonest,
                        LIMIT,
                        0,
                    )
                    .await?;
                    cut_short |= found.len() as i64 == LIMIT;
                    rows.extend(found);
                }
                Ok((rows, cut_short))
            },
        )
        .await?;
    let (rows, cut_short) = rows.as_ref().clone();
    let mut seen = std::collections::HashSet::new();
    let mut groups: BTreeMap<AskedOfUs, Vec<ObligationItem>> = BTreeMap::new();
    // Decisions bind the body that takes them; what States are asked is the rest.
    for row in rows
        .into_iter()
        .filter(|r| r.action != "decision" && seen.insert(r.id))
    {
        let asked = AskedOfUs::of(&row.clause_text);
        groups
            .entry(asked)
            .or_default()
            .push(ObligationItem::new(row, today, soon_until));
    }
    let mut groups: Vec<AskedGroup> = groups
        .into_iter()
        .map(|(asked, mut items)| {
            // Dated first, soonest first; then the undated, by resolution.
            items.sort_by(|a, b| {
                (
                    a.row.due_on.is_none(),
                    a.row.due_on,
                    &a.row.symbol,
                    a.row.id,
                )
                    .cmp(&(
                        b.row.due_on.is_none(),
                        b.row.due_on,
                        &b.row.symbol,
                        b.row.id,
                    ))
            });
            AskedGroup { asked, items }
        })
        .collect();
    groups.sort_by_key(|g| g.asked);
    let total = groups.iter().map(|g| g.items.len()).sum();
    let dated = groups
        .iter()
        .flat_map(|g| &g.items)
        .filter(|i| i.row.due_on.is_some())
        .count();
    Ok(AskedPage {
        groups,
        total,
        dated,
        cut_short,
        today,
    })
}
