//! Editors correct the reader: the form that changes what it found in a clause, the form that
//! adds an obligation it missed. Each change is stored as a correction (who, when, why, before,
//! after), written to the audit log, and applied at once by reading the stored text again.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{Admin, CsrfForm, CurrentUser, Editor, audit};
use super::params::{Path, Query};
use super::{AppError, AppState};
use crate::resolution::correction::{DeadlineFix, Fix, fingerprint};
use crate::resolution::{Action, ObligationKind};
use crate::store::{self, ClauseToCorrect, NewCorrection, StoredDeadline};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/corrections/clause",
            get(show_clause_form).post(save_clause_correction),
        )
        .route(
            "/corrections/add",
            get(show_add_form).post(save_added_clause),
        )
        .route("/obligations/{id}/correct", get(correct_obligation))
        .route("/review", get(show_review))
        .route("/actors/{id}/curate", get(show_curate).post(curate_actor))
        .route("/review/looks-right", axum::routing::post(looks_right))
}

/// Actions, as the form offers them.
const ACTIONS: [&str; 6] = [
    "request",
    "invitation",
    "call",
    "encouragement",
    "decision",
    "position",
];

/// The canonical actors the form suggests (a list the browser completes from).
async fn actor_suggestions(state: &AppState) -> Result<Vec<String>, AppError> {
    Ok(store::list_actor_names(&state.pool)
        .await?
        .into_iter()
        .map(|a| a.name)
        .collect())
}

/// Which clause: the anchor a correction keeps.
#[derive(Debug, Deserialize)]
struct ClauseKey {
    document: i64,
    paragraph: String,
    verb: String,
    #[serde(default)]
    occurrence: i32,
}

/// The fields of the form, as text; the same shape pre-filled and posted.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct Fields {
    pub action: String,
    /// One actor a line.
    pub actors: String,
    /// A canonical actor to add (from the list) or a new name.
    pub new_actor: String,
    /// Separated by commas.
    pub deliverables: String,
    /// "" for no deadline.
    pub deadline_kind: String,
    pub deadline_value: String,
    pub deadline_words: String,
    pub window_from: String,
    pub window_to: String,
    pub kind: String,
    /// "yes" or "no".
    pub tracked: String,
}

impl Fields {
    fn actor_list(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in self
            .actors
            .lines()
            .chain(std::iter::once(self.new_actor.as_str()))
        {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    fn deliverable_list(&self) -> Vec<String> {
        self.deliverables
            .split(',')
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect()
    }
}

/// The posted form: which clause, why, and its fields (one flat struct: forms carry text).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ClausePost {
    document: i64,
    paragraph: String,
    verb: String,
    occurrence: i32,
    why: String,
    action: String,
    actors: String,
    new_actor: String,
    deliverables: String,
    deadline_kind: String,
    deadline_value: String,
    deadline_words: String,
    window_from: String,
    window_to: String,
    kind: String,
    tracked: String,
}

impl ClausePost {
    fn fields(&self) -> Fields {
        Fields {
            action: self.action.clone(),
            actors: self.actors.clone(),
            new_actor: self.new_actor.clone(),
            deliverables: self.deliverables.clone(),
            deadline_kind: self.deadline_kind.clone(),
            deadline_value: self.deadline_value.clone(),
            deadline_words: self.deadline_words.clone(),
            window_from: self.window_from.clone(),
            window_to: self.window_to.clone(),
            kind: self.kind.clone(),
            tracked: self.tracked.clone(),
        }
    }
}

/// The form's value of a stored deadline.
fn deadline_value(d: &StoredDeadline) -> String {
    match d.kind.as_str() {
        "session" => format!(
            "{} {}",
            d.body.as_deref().unwrap_or("GA"),
            d.session.unwrap_or_default()
        ),
        "date" => d.date.map(|x| x.to_string()).unwrap_or_default(),
        "month" => format!(
            "{}-{:02}",
            d.year.unwrap_or_default(),
            d.month.unwrap_or_default()
        ),
        "year" => d.year.map(|y| y.to_string()).unwrap_or_default(),
        _ => format!(
            "{} {}",
            d.amount.unwrap_or_default(),
            d.unit.as_deref().unwrap_or("month")
        ),
    }
}

/// What the form shows for a clause as it now stands.
fn fields_of(clause: &ClauseToCorrect, deadline: Option<&StoredDeadline>) -> Fields {
    let kind = clause
        .kind
        .clone()
        .unwrap_or_else(|| ObligationKind::Other.as_str().to_string());
    Fields {
        action: clause.action.clone(),
        actors: clause.actors.join("\n"),
        new_actor: String::new(),
        deliverables: clause.deliverables.join(", "),
        deadline_kind: deadline.map(|d| d.kind.clone()).unwrap_or_default(),
        deadline_value: deadline.map(deadline_value).unwrap_or_default(),
        deadline_words: deadline.map(|d| d.text.clone()).unwrap_or_default(),
        window_from: String::new(),
        window_to: String::new(),
        kind,
        tracked: if clause.tracked { "yes" } else { "no" }.into(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "corrections/clause.html")]
struct ClausePage {
    csrf: String,
    clause: ClauseToCorrect,
    fields: Fields,
    actions: [&'static str; 6],
    kinds: Vec<(&'static str, &'static str)>,
    deadline_kinds: [&'static str; 6],
    suggestions: Vec<String>,
    /// What it is held to now, in words.
    window: Option<String>,
    history: Vec<store::CorrectionRow>,
    saved: bool,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    ObligationKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

const DEADLINE_KINDS: [&str; 6] = ["session", "date", "month", "year", "within", "periodic"];

#[derive(Deserialize)]
struct ClauseQuery {
    document: i64,
    paragraph: String,
    verb: String,
    #[serde(default)]
    occurrence: i32,
    #[serde(default)]
    saved: Option<String>,
}

async fn find_clause(state: &AppState, key: &ClauseKey) -> Result<ClauseToCorrect, AppError> {
    store::find_clause_to_correct(
        &state.pool,
        key.document,
        &key.paragraph,
        &key.verb,
        key.occurrence,
    )
    .await?
    .ok_or_else(|| {
        AppError::NotFound(format!(
            "Paragraph {} of this resolution has no clause \u{201c}{}\u{201d} (or no such resolution). \
             Open the resolution's page and follow the link beside the clause.",
            key.paragraph, key.verb
        ))
    })
}

async fn show_clause_form(
    State(state): State<AppState>,
    Editor(user): Editor,
    Query(q): Query<ClauseQuery>,
) -> Result<ClausePage, AppError> {
    let key = ClauseKey {
        document: q.document,
        paragraph: q.paragraph,
        verb: q.verb,
        occurrence: q.occurrence,
    };
    let clause = find_clause(&state, &key).await?;
    let deadline = store::find_first_deadline(&state.pool, clause.clause_id).await?;
    let fields = fields_of(&clause, deadline.as_ref());
    let history = store::list_corrections(&state.pool, Some(clause.document_id), false)
        .await?
        .into_iter()
        .filter(|c| {
            c.paragraph_number == clause.paragraph_number
                && c.verb == clause.verb
                && c.occurrence == clause.occurrence
        })
        .collect();
    let window = match (
        clause
            .due_precision
            .as_deref()
            .and_then(crate::resolution::Precision::parse),
        clause.due_from,
        clause.due_on,
    ) {
        (Some(p), Some(from), Some(to)) => Some(crate::resolution::window::describe(
            p,
            clause.due_words.as_deref().unwrap_or_default(),
            from,
            to,
        )),
        _ => None,
    };
    Ok(ClausePage {
        csrf: user.csrf,
        fields,
        actions: ACTIONS,
        kinds: kinds(),
        deadline_kinds: DEADLINE_KINDS,
        suggestions: actor_suggestions(&state).await?,
        window,
        history,
        saved: q.saved.is_some(),
        clause,
    })
}

/// The fixes a posted form makes to what the form showed, each with its value before.
fn changed_fixes(
    before: &Fields,
    after: &Fields,
    adopted_on: Option<NaiveDate>,
    calendar: &crate::resolution::SessionCalendar,
) -> Result<Vec<(Fix, Value)>, AppError> {
    let mut out = Vec::new();
    if after.action != before.action {
        let action = parse_action(&after.action)?;
        out.push((Fix::Action(action), json!(before.action)));
    }
    if after.actor_list() != before.actor_list() {
        out.push((Fix::Actors(after.actor_list()), json!(before.actor_list())));
    }
    if after.deliverable_list() != before.deliverable_list() {
        out.push((
            Fix::Deliverables(after.deliverable_list()),
            json!(before.deliverable_list()),
        ));
    }
    let deadline_of = |f: &Fields| {
        (
            f.deadline_kind.trim().to_string(),
            f.deadline_value.trim().to_string(),
            f.deadline_words.trim().to_string(),
            f.window_from.trim().to_string(),
            f.window_to.trim().to_string(),
        )
    };
    if deadline_of(after) != deadline_of(before) {
        let fix = if after.deadline_kind.trim().is_empty() {
            None
        } else {
            Some(
                DeadlineFix::parse(
                    after.deadline_kind.trim(),
                    &after.deadline_value,
                    &after.deadline_words,
                    parse_day(&after.window_from, "the window's first day")?,
                    parse_day(&after.window_to, "the window's last day")?,
                    adopted_on,
                    calendar,
                )
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
            )
        };
        let was = if before.deadline_kind.is_empty() {
            Value::Null
        } else {
            json!({ "kind": before.deadline_kind, "value": before.deadline_value,
                    "words": before.deadline_words })
        };
        out.push((Fix::Deadline(fix), was));
    }
    if after.kind != before.kind {
        let kind: ObligationKind = after.kind.parse().map_err(|_| {
            AppError::BadRequest(format!(
                "\u{201c}{}\u{201d} is not a kind of obligation: choose one from the list.",
                after.kind
            ))
        })?;
        out.push((Fix::Kind(kind.as_str().into()), json!(before.kind)));
    }
    if after.tracked != before.tracked {
        let tracked = match after.tracked.as_str() {
            "yes" => true,
            "no" => false,
            other => {
                return Err(AppError::BadRequest(format!(
                    "\u{201c}{other}\u{201d}: say yes or no to \u{201c}tracked\u{201d}."
                )));
            }
        };
        out.push((Fix::Tracked(tracked), json!(before.tracked == "yes")));
    }
    Ok(out)
}

fn parse_action(code: &str) -> Result<Action, AppError> {
    serde_json::from_value(json!(code)).map_err(|_| {
        AppError::BadRequest(format!(
            "\u{201c}{code}\u{201d} is not an action: choose request, invitation, call, \
             encouragement, decision or position."
        ))
    })
}

fn parse_day(s: &str, what: &str) -> Result<Option<NaiveDate>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            AppError::BadRequest(format!(
                "{what} \u{201c}{s}\u{201d} is not a day: write it as 2026-03-31."
            ))
        })
}

/// Stores the fixes, writes one audit entry with every field before and after, and applies
/// them to the stored clauses, all in one transaction.
#[allow(clippy::too_many_arguments)]
/// Where a correction is anchored: the clause of a resolution's paragraph, by verb and
/// occurrence, with the paragraph's words (for the fingerprint) and the symbol (for the log).
struct Anchor<'a> {
    document_id: i64,
    symbol: &'a str,
    paragraph: &'a str,
    paragraph_text: &'a str,
    verb: &'a str,
    occurrence: i32,
}

impl<'a> From<&'a ClauseToCorrect> for Anchor<'a> {
    fn from(clause: &'a ClauseToCorrect) -> Self {
        Anchor {
            document_id: clause.document_id,
            symbol: &clause.symbol,
            paragraph: &clause.paragraph_number,
            paragraph_text: &clause.paragraph_text,
            verb: &clause.verb,
            occurrence: clause.occurrence,
        }
    }
}

async fn store_fixes(
    state: &AppState,
    user: &CurrentUser,
    anchor: Anchor<'_>,
    fixes: &[(Fix, Value)],
    why: &str,
    audit_action: &str,
) -> Result<(), AppError> {
    let Anchor {
        document_id,
        symbol,
        paragraph,
        paragraph_text,
        verb,
        occurrence,
    } = anchor;
    if why.len() > 2000 {
        return Err(AppError::BadRequest(
            "The reason is too long: say it in fewer words.".into(),
        ));
    }
    let calendar = store::load_session_calendar(&state.pool).await?;
    let print = fingerprint(paragraph_text);
    let mut tx = state.pool.begin().await?;
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    for (fix, was) in fixes {
        store::insert_correction(
            &mut *tx,
            &NewCorrection {
                document_id,
                paragraph_number: paragraph,
                verb,
                occurrence,
                fingerprint: &print,
                field: fix.field(),
                before: Some(was.clone()),
                after: fix.value(),
                why: why.trim(),
                made_by: &user.name,
                user_id: Some(user.id),
            },
        )
        .await?;
        before.insert(fix.field().into(), was.clone());
        after.insert(fix.field().into(), fix.value());
    }
    after.insert("why".into(), json!(why.trim()));
    store::reapply_corrections(&mut tx, document_id, &calendar).await?;
    let link = format!("/resolutions/{document_id}#para-{paragraph}");
    audit(
        &mut *tx,
        user,
        audit_action,
        &format!("{symbol} paragraph {paragraph}, \u{201c}{verb}\u{201d}"),
        Some(&link),
        Some(Value::Object(before)),
        Some(Value::Object(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn clause_link(document: i64, paragraph: &str, verb: &str, occurrence: i32) -> String {
    format!(
        "/corrections/clause?document={document}&paragraph={}&verb={}&occurrence={occurrence}",
        urlencoding(paragraph),
        urlencoding(verb)
    )
}

/// Percent-encodes a query value.
pub fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|x| x.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

async fn save_clause_correction(
    State(state): State<AppState>,
    Editor(user): Editor,
    CsrfForm(form): CsrfForm<ClausePost>,
) -> Result<Redirect, AppError> {
    let key = ClauseKey {
        document: form.document,
        paragraph: form.paragraph.clone(),
        verb: form.verb.clone(),
        occurrence: form.occurrence,
    };
    let clause = find_clause(&state, &key).await?;
    let deadline = store::find_first_deadline(&state.pool, clause.clause_id).await?;
    let before = fields_of(&clause, deadline.as_ref());
    let after = form.fields();
    let calendar = store::load_session_calendar(&state.pool).await?;
    let fixes = changed_fixes(&before, &after, clause.adopted_on, &calendar)?;
    if fixes.is_empty() {
        return Err(AppError::BadRequest(
            "Nothing was changed: change a field, or use \u{201c}looks right\u{201d} to say the reading is right."
                .into(),
        ));
    }
    store_fixes(
        &state,
        &user,
        Anchor::from(&clause),
        &fixes,
        &form.why,
        "clause.correct",
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}&saved=1",
        clause_link(
            clause.document_id,
            &clause.paragraph_number,
            &clause.verb,
            clause.occurrence
        )
    )))
}

/// The obligation page's link: the form of its clause.
async fn correct_obligation(
    State(state): State<AppState>,
    Editor(_): Editor,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let anchor = store::find_obligation_anchor(&state.pool, id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "There is no obligation {id}. Check the link, or find it in the obligations list."
            ))
        })?;
    Ok(Redirect::to(&clause_link(
        anchor.document_id,
        &anchor.paragraph_number,
        &anchor.verb,
        anchor.occurrence,
    )))
}

#[derive(Template, WebTemplate)]
#[template(path = "corrections/add.html")]
struct AddPage {
    csrf: String,
    paragraph: store::ParagraphToCorrect,
    fields: Fields,
    actions: [&'static str; 6],
    kinds: Vec<(&'static str, &'static str)>,
    deadline_kinds: [&'static str; 6],
    suggestions: Vec<String>,
}

#[derive(Deserialize)]
struct ParagraphQuery {
    document: i64,
    paragraph: String,
}

async fn find_paragraph(
    state: &AppState,
    document: i64,
    paragraph: &str,
) -> Result<store::ParagraphToCorrect, AppError> {
    store::find_paragraph_to_correct(&state.pool, document, paragraph)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "This resolution has no operative paragraph {paragraph}. Open the resolution's \
                 page and follow the link under the paragraph."
            ))
        })
}

async fn show_add_form(
    State(state): State<AppState>,
    Editor(user): Editor,
    Query(q): Query<ParagraphQuery>,
) -> Result<AddPage, AppError> {
    let paragraph = find_paragraph(&state, q.document, &q.paragraph).await?;
    Ok(AddPage {
        csrf: user.csrf,
        paragraph,
        fields: Fields {
            action: "request".into(),
            kind: "deliverable".into(),
            tracked: "yes".into(),
            ..Fields::default()
        },
        actions: ACTIONS,
        kinds: kinds(),
        deadline_kinds: DEADLINE_KINDS,
        suggestions: actor_suggestions(&state).await?,
    })
}

async fn save_added_clause(
    State(state): State<AppState>,
    Editor(user): Editor,
    CsrfForm(form): CsrfForm<ClausePost>,
) -> Result<Redirect, AppError> {
    let paragraph = find_paragraph(&state, form.document, &form.paragraph).await?;
    let verb = form
        .verb
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if verb.is_empty() || !paragraph.text.to_lowercase().contains(&verb) {
        return Err(AppError::BadRequest(format!(
            "\u{201c}{verb}\u{201d} is not in paragraph {}: give the verb as the paragraph prints it \
             (such as \u{201c}requests\u{201d}).",
            paragraph.number
        )));
    }
    // The next of its verb in the paragraph: the reader's own clauses keep their anchors.
    let occurrence = paragraph.verbs.iter().filter(|v| **v == verb).count() as i32;
    let after = form.fields();
    let action = parse_action(&after.action)?;
    // Compared with an empty clause, every field given is a fix; the tracking and kind always.
    let empty = Fields {
        action: after.action.clone(),
        tracked: String::new(),
        kind: String::new(),
        ..Fields::default()
    };
    let calendar = store::load_session_calendar(&state.pool).await?;
    let mut fixes = vec![(Fix::Added(action), Value::Null)];
    fixes.extend(changed_fixes(
        &empty,
        &after,
        paragraph.adopted_on,
        &calendar,
    )?);
    for fix in &mut fixes {
        fix.1 = Value::Null;
    }
    store_fixes(
        &state,
        &user,
        Anchor {
            document_id: paragraph.document_id,
            symbol: &paragraph.symbol,
            paragraph: &paragraph.number,
            paragraph_text: &paragraph.text,
            verb: &verb,
            occurrence,
        },
        &fixes,
        &form.why,
        "clause.add",
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}&saved=1",
        clause_link(paragraph.document_id, &paragraph.number, &verb, occurrence)
    )))
}

/// How many items the review page shows at once.
const REVIEW_PAGE: i64 = 200;

/// A doubt code in an editor's words.
fn describe_doubt(code: &str) -> &'static str {
    use crate::resolution::doubt::Doubt;
    [
        Doubt::NoActor,
        Doubt::UnknownActor,
        Doubt::UnknownVerb,
        Doubt::UnresolvedDeadline,
        Doubt::VagueDeadline,
    ]
    .into_iter()
    .find(|d| d.as_str() == code)
    .map(Doubt::describe)
    .unwrap_or("a reading the reader doubts")
}

pub struct ReviewView {
    pub item: store::ReviewItem,
    pub reasons: Vec<&'static str>,
    pub fix_link: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "corrections/review.html")]
struct ReviewPage {
    csrf: String,
    total: i64,
    items: Vec<ReviewView>,
    documents: Vec<store::WarnedDocument>,
    needs_review: Vec<store::CorrectionRow>,
}

async fn show_review(
    State(state): State<AppState>,
    Editor(user): Editor,
) -> Result<ReviewPage, AppError> {
    let items = store::list_review_items(&state.pool, REVIEW_PAGE)
        .await?
        .into_iter()
        .map(|item| ReviewView {
            reasons: item.doubts.iter().map(|d| describe_doubt(d)).collect(),
            fix_link: clause_link(
                item.document_id,
                &item.paragraph_number,
                &item.verb,
                item.occurrence,
            ),
            item,
        })
        .collect();
    Ok(ReviewPage {
        csrf: user.csrf,
        total: store::count_review_items(&state.pool).await?,
        items,
        documents: store::list_warned_documents(&state.pool, REVIEW_PAGE).await?,
        needs_review: store::list_corrections(&state.pool, None, true).await?,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LooksRightPost {
    document: i64,
    /// Empty for a whole text's warnings.
    paragraph: String,
    verb: String,
    occurrence: i32,
}

/// "Looks right": recorded as a correction of its own, so that it lasts across re-imports.
async fn looks_right(
    State(state): State<AppState>,
    Editor(user): Editor,
    CsrfForm(form): CsrfForm<LooksRightPost>,
) -> Result<Redirect, AppError> {
    if form.paragraph.is_empty() {
        let doc = store::find_document(&state.pool, form.document)
            .await?
            .ok_or_else(|| AppError::NotFound("There is no such resolution.".into()))?;
        let warnings = store::find_document_warnings(&state.pool, form.document).await?;
        let mut tx = state.pool.begin().await?;
        store::insert_correction(
            &mut *tx,
            &NewCorrection {
                document_id: form.document,
                paragraph_number: "",
                verb: "",
                occurrence: 0,
                fingerprint: &warnings.join("\n"),
                field: Fix::LooksRight.field(),
                before: Some(json!(warnings)),
                after: Value::Null,
                why: "",
                made_by: &user.name,
                user_id: Some(user.id),
            },
        )
        .await?;
        audit(
            &mut *tx,
            &user,
            "clause.looks_right",
            &format!("{}: the reader's warnings", doc.symbol),
            Some(&format!("/resolutions/{}", form.document)),
            Some(json!({ "warnings": warnings })),
            Some(json!({ "looks_right": true })),
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to("/review?checked=1"));
    }
    let key = ClauseKey {
        document: form.document,
        paragraph: form.paragraph,
        verb: form.verb,
        occurrence: form.occurrence,
    };
    let clause = find_clause(&state, &key).await?;
    store_fixes(
        &state,
        &user,
        Anchor::from(&clause),
        &[(Fix::LooksRight, Value::Null)],
        "",
        "clause.looks_right",
    )
    .await?;
    Ok(Redirect::to("/review?checked=1"))
}

#[derive(Template, WebTemplate)]
#[template(path = "actors/curate.html")]
struct CuratePage {
    csrf: String,
    id: i64,
    name: String,
    suggestions: Vec<String>,
}

async fn show_curate(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<i64>,
) -> Result<CuratePage, AppError> {
    let name = store::find_actor_name(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no actor {id}.")))?;
    Ok(CuratePage {
        csrf: user.csrf,
        id,
        name,
        suggestions: actor_suggestions(&state).await?,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CuratePost {
    /// "merge", "rename" or "not_actor".
    verdict: String,
    target: String,
}

/// Merges an actor into another, renames it, or marks it "not an actor": recorded for every
/// later import, and applied at once to the stored documents that name it.
async fn curate_actor(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CuratePost>,
) -> Result<Redirect, AppError> {
    let name = store::find_actor_name(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no actor {id}.")))?;
    let target = form.target.split_whitespace().collect::<Vec<_>>().join(" ");
    let target = match form.verdict.as_str() {
        "not_actor" => None,
        "merge" | "rename" if target.is_empty() => {
            return Err(AppError::BadRequest(
                "Say which actor it becomes: type or choose its name.".into(),
            ));
        }
        "merge" | "rename" if target == name => {
            return Err(AppError::BadRequest(format!(
                "\u{201c}{name}\u{201d} is already its name: give another."
            )));
        }
        "merge" => {
            if store::find_actor_id(&state.pool, &target).await?.is_none() {
                return Err(AppError::BadRequest(format!(
                    "There is no actor \u{201c}{target}\u{201d} to merge into: choose one from the list, or rename instead."
                )));
            }
            Some(target)
        }
        "rename" => Some(target),
        other => {
            return Err(AppError::BadRequest(format!(
                "\u{201c}{other}\u{201d}: choose merge, rename or not an actor."
            )));
        }
    };
    let mut tx = state.pool.begin().await?;
    // Recorded for every later import (which maps the names it reads through it)...
    store::record_actor_verdict(
        &mut *tx,
        &name,
        &form.verdict,
        target.as_deref(),
        &user.name,
    )
    .await?;
    // ...and applied to what is stored now.
    let naming = store::list_clauses_naming_actor(&mut *tx, id).await?;
    let obligations = store::apply_actor_verdict(&mut tx, id, target.as_deref()).await?;
    // The review queue no longer doubts a name an admin has just decided on.
    store::settle_actor_doubts(&mut tx, &naming, target.as_deref()).await?;
    audit(
        &mut *tx,
        &user,
        &format!("actor.{}", form.verdict),
        &format!("actor {name}"),
        Some("/actors"),
        Some(json!({ "name": name })),
        Some(json!({ "verdict": form.verdict, "becomes": target, "obligations": obligations })),
    )
    .await?;
    tx.commit().await?;
    let next = match &target {
        Some(t) => match store::find_actor_id(&state.pool, t).await? {
            Some(id) => format!("/actors/{id}"),
            None => "/actors".into(),
        },
        None => "/actors".into(),
    };
    Ok(Redirect::to(&next))
}
