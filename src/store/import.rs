//! Saving a read resolution: one transaction per document, batched statements (one per table,
//! arrays through UNNEST), follow-up state kept across re-imports, fulfilment links applied.

use std::collections::{BTreeMap, HashMap, HashSet};

use sqlx::{PgConnection, PgPool};
use tracing::instrument;

use crate::resolution::correction::{self, ClauseOverride, Correction, Fix, Outcome};
use crate::resolution::series::agenda_item_title;
use crate::resolution::{
    DeadlineKind, Location, Resolution, SessionCalendar, SourceType, classify_kind, doubt,
    window::obligation_window_for,
};

/// Corrections' overrides by (operative paragraph index, clause index).
type Overrides = HashMap<(usize, usize), ClauseOverride>;

/// A resolution ready to be saved, with its source.
#[derive(Debug)]
pub struct DocumentImport<'a> {
    pub resolution: &'a Resolution,
    pub symbol: &'a str,
    pub source_text: &'a str,
    /// Hex SHA-256 of the source bytes.
    pub content_hash: &'a str,
    pub source_name: &'a str,
    pub source_type: SourceType,
}

/// What an import did to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new document.
    Imported { document_id: i64, obligations: u64 },
    /// A corrected text replaced the stored one; `disappeared` obligations are no longer in it.
    Updated {
        document_id: i64,
        obligations: u64,
        disappeared: u64,
    },
    /// The same content was stored already.
    Unchanged { document_id: i64 },
}

/// Saves one document, all of it or none of it.
#[instrument(skip_all, fields(symbol = doc.symbol))]
pub async fn import_document(
    pool: &PgPool,
    doc: &DocumentImport<'_>,
) -> Result<ImportOutcome, sqlx::Error> {
    match import_once(pool, doc).await {
        // Two files of one run with the same symbol (a PDF beside its text) can race to insert
        // it; the loser tries again and then finds the winner's row.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => import_once(pool, doc).await,
        other => other,
    }
}

async fn import_once(
    pool: &PgPool,
    doc: &DocumentImport<'_>,
) -> Result<ImportOutcome, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // Not waiting for the WAL flush makes bulk imports faster. The transaction
    // stays atomic; a server crash can lose only the last moments of imports, which a re-run
    // (idempotent) brings back.
    sqlx::query!("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    let outcome = import_in(&mut tx, doc, false).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Reads a stored document's text again and saves it as if imported anew, in the caller's
/// transaction, so that its corrections apply to its stored clauses. None when there is no
/// such document.
#[instrument(skip_all, fields(document_id))]
pub async fn reapply_corrections(
    tx: &mut PgConnection,
    document_id: i64,
    calendar: &SessionCalendar,
) -> Result<Option<ImportOutcome>, sqlx::Error> {
    let Some(row) = sqlx::query!(
        r#"
        SELECT symbol, source_text, content_hash, source_name, source_type
        FROM documents WHERE id = $1 FOR UPDATE
        "#,
        document_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    // The stored text was read once already: it reads again the same way.
    let resolution = crate::resolution::read_resolution(&row.source_text, calendar)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let source_type = match row.source_type.as_str() {
        "pdf" => SourceType::Pdf,
        "docx" => SourceType::Docx,
        _ => SourceType::Text,
    };
    let doc = DocumentImport {
        resolution: &resolution,
        symbol: &row.symbol,
        source_text: &row.source_text,
        content_hash: &row.content_hash,
        source_name: &row.source_name,
        source_type,
    };
    Ok(Some(import_in(tx, &doc, true).await?))
}

async fn import_in(
    tx: &mut PgConnection,
    doc: &DocumentImport<'_>,
    force: bool,
) -> Result<ImportOutcome, sqlx::Error> {
    let read = doc.resolution;
    // Serialises concurrent imports of the same symbol.
    // A document whose obligations were stored before their kinds and date windows were read
    // is read again,
    // so that an upgrade needs nothing more than importing the same files.
    let existing = sqlx::query!(
        r#"
        SELECT id, content_hash,
               EXISTS (SELECT 1 FROM obligations o
                       WHERE o.document_id = documents.id AND o.clause_id IS NOT NULL
                         AND (o.kind IS NULL
                              OR (o.due_on IS NOT NULL AND o.due_precision IS NULL))) AS "unread!"
        FROM documents WHERE symbol = $1 FOR UPDATE OF documents
        "#,
        doc.symbol
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = &existing
        && row.content_hash == doc.content_hash
        && !row.unread
        && !force
    {
        return Ok(ImportOutcome::Unchanged {
            document_id: row.id,
        });
    }
    let body = read.body.map(|b| b.code()).unwrap_or("OTHER");
    // The agenda item's name finds a series' texts across sessions (see `series`).
    let agenda_title = agenda_item_title(doc.source_text);
    // One statement for a new document and a corrected one; the row is already locked above.
    let document_id = sqlx::query_scalar!(
        r#"
        INSERT INTO documents (symbol, body, session, adopted_on, title, agenda_items,
            committee_report, meeting, source_text, content_hash, source_name, source_type,
            agenda_title, warnings)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        ON CONFLICT (symbol) DO UPDATE SET
            body = EXCLUDED.body, session = EXCLUDED.session, adopted_on = EXCLUDED.adopted_on,
            title = EXCLUDED.title, agenda_items = EXCLUDED.agenda_items,
            committee_report = EXCLUDED.committee_report, meeting = EXCLUDED.meeting,
            source_text = EXCLUDED.source_text, content_hash = EXCLUDED.content_hash,
            source_name = EXCLUDED.source_name, source_type = EXCLUDED.source_type,
            agenda_title = EXCLUDED.agenda_title, warnings = EXCLUDED.warnings, updated_at = now()
        RETURNING id
        "#,
        doc.symbol,
        body,
        read.session,
        read.adopted_on,
        read.title,
        &read.agenda_items,
        read.committee_report,
        read.meeting,
        doc.source_text,
        doc.content_hash,
        doc.source_name,
        doc.source_type.as_str(),
        agenda_title.as_deref(),
        &read.warnings,
    )
    .fetch_one(&mut *tx)
    .await?;
    // Editors' corrections, applied over this fresh reading, then the admins' actor list.
    let corrections = load_corrections(tx, document_id).await?;
    let verdicts = load_actor_verdicts(tx).await?;
    let corrected;
    let (res, overrides) = if corrections.is_empty() && verdicts.is_empty() {
        (read, Overrides::new())
    } else {
        let mut copy = read.clone();
        let (outcomes, overrides) = correction::apply_corrections(&mut copy, &corrections);
        correction::apply_actor_curation(&mut copy, &verdicts);
        if !outcomes.is_empty() {
            save_correction_outcomes(tx, &outcomes).await?;
        }
        corrected = copy;
        (&corrected, overrides)
    };
    if existing.is_some() {
        // What the text says is replaced wholesale; obligations stay and are re-linked below.
        sqlx::query!("DELETE FROM paragraphs WHERE document_id = $1", document_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "DELETE FROM document_references WHERE document_id = $1",
            document_id
        )
        .execute(&mut *tx)
        .await?;
    }

    let paragraph_ids = insert_paragraphs(tx, document_id, res).await?;
    // Names admins merged or renamed into are known actors, not doubts.
    let curated: HashSet<String> = verdicts
        .values()
        .filter_map(|v| match v {
            correction::ActorVerdict::Becomes(t) => Some(t.clone()),
            correction::ActorVerdict::NotAnActor => None,
        })
        .collect();
    let clause_ids =
        insert_clauses(tx, document_id, res, &paragraph_ids, &overrides, &curated).await?;
    insert_clause_actors(tx, res, &clause_ids).await?;
    insert_deadlines(tx, res, &clause_ids).await?;
    insert_references(tx, document_id, res, &paragraph_ids).await?;
    let changed_by = format!("import of {}", doc.symbol);
    let obligations =
        link_obligations(tx, document_id, res, &clause_ids, &changed_by, &overrides).await?;
    let disappeared = sqlx::query!(
        r#"
        UPDATE obligations SET disappeared_at = now()
        WHERE document_id = $1 AND clause_id IS NULL AND disappeared_at IS NULL
        "#,
        document_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    apply_fulfilments(tx, document_id, doc.symbol).await?;
    // Last, so that the series lock is held only until the commit.
    super::series::assign_series(tx, document_id, doc.symbol, res, agenda_title.as_deref()).await?;

    Ok(match existing {
        Some(_) => ImportOutcome::Updated {
            document_id,
            obligations,
            disappeared,
        },
        None => ImportOutcome::Imported {
            document_id,
            obligations,
        },
    })
}

/// A document's corrections as applying them needs them (for the gold export).
pub async fn load_document_corrections(
    pool: &PgPool,
    document_id: i64,
) -> Result<Vec<Correction>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    load_corrections(&mut conn, document_id).await
}

/// The document's corrections in the order they were made; one this version cannot read is
/// left out (it stays stored).
async fn load_corrections(
    tx: &mut PgConnection,
    document_id: i64,
) -> Result<Vec<Correction>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        SELECT id, paragraph_number, verb, occurrence, fingerprint, field,
               coalesce(after, 'null'::jsonb) AS "after!"
        FROM corrections WHERE document_id = $1 ORDER BY id
        "#,
        document_id
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Correction {
                id: r.id,
                fix: Fix::from_stored(&r.field, r.after)?,
                paragraph: r.paragraph_number,
                verb: r.verb,
                occurrence: r.occurrence,
                fingerprint: r.fingerprint,
            })
        })
        .collect())
}

/// The admins' verdicts on actor names.
async fn load_actor_verdicts(
    tx: &mut PgConnection,
) -> Result<HashMap<String, correction::ActorVerdict>, sqlx::Error> {
    let rows = sqlx::query!("SELECT name, target FROM actor_curation")
        .fetch_all(&mut *tx)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let verdict = match r.target {
                Some(t) => correction::ActorVerdict::Becomes(t),
                None => correction::ActorVerdict::NotAnActor,
            };
            (r.name, verdict)
        })
        .collect())
}

/// Records what this reading made of each correction: a correction that no longer fits is
/// kept and shown to editors as needing review, never dropped.
async fn save_correction_outcomes(
    tx: &mut PgConnection,
    outcomes: &HashMap<i64, Outcome>,
) -> Result<(), sqlx::Error> {
    let mut ids = Vec::new();
    let mut states = Vec::new();
    let mut reasons: Vec<Option<String>> = Vec::new();
    for (&id, outcome) in outcomes {
        ids.push(id);
        let (state, reason) = match outcome {
            Outcome::Applied => ("applied", None),
            Outcome::Superseded => ("superseded", None),
            Outcome::NeedsReview(why) => ("needs_review", Some(why.clone())),
        };
        states.push(state);
        reasons.push(reason);
    }
    sqlx::query!(
        r#"
        UPDATE corrections c SET state = u.s, review_reason = u.r
        FROM UNNEST($1::bigint[], $2::text[], $3::text[]) AS u(id, s, r)
        WHERE c.id = u.id AND (c.state, c.review_reason) IS DISTINCT FROM (u.s, u.r)
        "#,
        &ids,
        &states as &[&str],
        &reasons as &[Option<String>],
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Paragraph ids in reading order: the preamble first, then the operative part.
async fn insert_paragraphs(
    tx: &mut PgConnection,
    document_id: i64,
    res: &Resolution,
) -> Result<Vec<i64>, sqlx::Error> {
    let total = res.preamble.len() + res.operative.len();
    let mut parts = Vec::with_capacity(total);
    let mut positions = Vec::with_capacity(total);
    let mut numbers: Vec<Option<String>> = Vec::with_capacity(total);
    let mut leads: Vec<Option<String>> = Vec::with_capacity(total);
    let mut texts = Vec::with_capacity(total);
    for p in &res.preamble {
        parts.push("preamble");
        positions.push(positions.len() as i32);
        numbers.push(None);
        leads.push(Some(p.lead.clone()));
        texts.push(p.text.as_str());
    }
    for p in &res.operative {
        parts.push("operative");
        positions.push(positions.len() as i32);
        numbers.push(Some(p.number.clone()));
        leads.push(None);
        texts.push(p.text.as_str());
    }
    let rows = sqlx::query!(
        r#"
        INSERT INTO paragraphs (document_id, part, position, number, lead, text)
        SELECT $1, * FROM UNNEST($2::text[], $3::int[], $4::text[], $5::text[], $6::text[])
        RETURNING id, position
        "#,
        document_id,
        &parts as &[&str],
        &positions,
        &numbers as &[Option<String>],
        &leads as &[Option<String>],
        &texts as &[&str],
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut ids = vec![0; total];
    for row in rows {
        ids[row.position as usize] = row.id;
    }
    Ok(ids)
}

/// Clause ids per operative paragraph, per clause.
async fn insert_clauses(
    tx: &mut PgConnection,
    document_id: i64,
    res: &Resolution,
    paragraph_ids: &[i64],
    overrides: &Overrides,
    curated: &HashSet<String>,
) -> Result<Vec<Vec<i64>>, sqlx::Error> {
    let first_operative = res.preamble.len();
    let mut paragraph_col = Vec::new();
    let mut position_col = Vec::new();
    let mut verbs = Vec::new();
    let mut actions = Vec::new();
    let mut deliverables = Vec::new();
    let mut texts = Vec::new();
    let mut tracked = Vec::new();
    let mut doubts_col = Vec::new();
    let mut reviewed = Vec::new();
    for (i, p) in res.operative.iter().enumerate() {
        for (j, c) in p.clauses.iter().enumerate() {
            let over = overrides.get(&(i, j));
            paragraph_col.push(paragraph_ids[first_operative + i]);
            position_col.push(j as i32);
            verbs.push(c.verb.as_str());
            actions.push(c.action.as_str());
            // Arrays of arrays do not go through UNNEST; a separator that never occurs in text does.
            deliverables.push(c.deliverables.join("\u{1f}"));
            texts.push(c.text.as_str());
            tracked.push(
                over.and_then(|o| o.tracked)
                    .unwrap_or_else(|| c.is_tracked()),
            );
            doubts_col.push(
                doubt::doubts_knowing(c, curated)
                    .iter()
                    .map(|d| d.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            );
            reviewed.push(over.is_some_and(|o| o.reviewed));
        }
    }
    let rows = sqlx::query!(
        r#"
        INSERT INTO clauses (paragraph_id, document_id, position, verb, action, deliverables, text, tracked,
                             doubts, reviewed)
        SELECT p, $1, pos, v, a, CASE WHEN d = '' THEN '{}' ELSE string_to_array(d, chr(31)) END, t, tr,
               CASE WHEN dbt = '' THEN '{}' ELSE string_to_array(dbt, ',') END, rv
        FROM UNNEST($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[],
                    $9::text[], $10::bool[])
             AS u(p, pos, v, a, d, t, tr, dbt, rv)
        RETURNING id, paragraph_id, position
        "#,
        document_id,
        &paragraph_col,
        &position_col,
        &verbs as &[&str],
        &actions as &[&str],
        &deliverables,
        &texts as &[&str],
        &tracked,
        &doubts_col,
        &reviewed,
    )
    .fetch_all(&mut *tx)
    .await?;
    let by_key: HashMap<(i64, i32), i64> = rows
        .into_iter()
        .map(|r| ((r.paragraph_id, r.position), r.id))
        .collect();
    Ok(res
        .operative
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (0..p.clauses.len())
                .map(|j| by_key[&(paragraph_ids[first_operative + i], j as i32)])
                .collect()
        })
        .collect())
}

async fn insert_clause_actors(
    tx: &mut PgConnection,
    res: &Resolution,
    clause_ids: &[Vec<i64>],
) -> Result<(), sqlx::Error> {
    // Canonical names with every printed alias, sorted so that concurrent imports lock
    // actor rows in the same order.
    let mut aliases: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut clause_col = Vec::new();
    let mut name_col = Vec::new();
    let mut printed_col = Vec::new();
    let mut position_col = Vec::new();
    for (p, clauses) in res.operative.iter().zip(clause_ids) {
        for (c, &clause_id) in p.clauses.iter().zip(clauses) {
            for (k, actor) in c.actors.iter().enumerate() {
                let canonical = actor.canonical.as_deref().unwrap_or(&actor.name);
                let list = aliases.entry(canonical).or_default();
                if actor.name != canonical && !list.contains(&actor.name.as_str()) {
                    list.push(&actor.name);
                }
                clause_col.push(clause_id);
                name_col.push(canonical);
                printed_col.push(actor.name.as_str());
                position_col.push(k as i32);
            }
        }
    }
    if aliases.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = aliases.keys().copied().collect();
    let alias_lists: Vec<String> = aliases.values().map(|a| a.join("\u{1f}")).collect();
    // Insert new actors without touching existing ones, then extend aliases only where they
    // grow: an upsert would lock every common actor row ("Member States") until commit and
    // serialise concurrent imports.
    sqlx::query!(
        r#"
        WITH input AS (
            SELECT n, CASE WHEN a = '' THEN '{}'::text[] ELSE string_to_array(a, chr(31)) END AS a
            FROM UNNEST($1::text[], $2::text[]) AS u(n, a)
        ), inserted AS (
            INSERT INTO actors (name, aliases) SELECT n, a FROM input
            ON CONFLICT (name) DO NOTHING
        )
        UPDATE actors
        SET aliases = ARRAY(SELECT DISTINCT x FROM unnest(actors.aliases || input.a) AS x ORDER BY x)
        FROM input
        WHERE actors.name = input.n AND NOT (input.a <@ actors.aliases)
        "#,
        &names as &[&str],
        &alias_lists,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO clause_actors (clause_id, actor_id, printed_name, position)
        SELECT u.c, actors.id, u.p, u.pos
        FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::int[]) AS u(c, n, p, pos)
        JOIN actors ON actors.name = u.n
        "#,
        &clause_col,
        &name_col as &[&str],
        &printed_col as &[&str],
        &position_col,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_deadlines(
    tx: &mut PgConnection,
    res: &Resolution,
    clause_ids: &[Vec<i64>],
) -> Result<(), sqlx::Error> {
    let mut clause_col = Vec::new();
    let mut kinds = Vec::new();
    let mut bodies: Vec<Option<&str>> = Vec::new();
    let mut sessions: Vec<Option<i32>> = Vec::new();
    let mut dates: Vec<Option<chrono::NaiveDate>> = Vec::new();
    let mut years: Vec<Option<i32>> = Vec::new();
    let mut months: Vec<Option<i32>> = Vec::new();
    let mut amounts: Vec<Option<i32>> = Vec::new();
    let mut units: Vec<Option<&str>> = Vec::new();
    let mut texts = Vec::new();
    let mut due = Vec::new();
    let mut estimated = Vec::new();
    for (p, clauses) in res.operative.iter().zip(clause_ids) {
        for (c, &clause_id) in p.clauses.iter().zip(clauses) {
            for d in &c.deadlines {
                let (kind, body, session, date, year, month, amount, unit) = match d.kind {
                    DeadlineKind::Session { body, session } => (
                        "session",
                        Some(body.code()),
                        Some(session),
                        None,
                        None,
                        None,
                        None,
                        None,
                    ),
                    DeadlineKind::Date { date } => {
                        ("date", None, None, Some(date), None, None, None, None)
                    }
                    DeadlineKind::Month { year, month } => (
                        "month",
                        None,
                        None,
                        None,
                        Some(year),
                        Some(month as i32),
                        None,
                        None,
                    ),
                    DeadlineKind::Year { year } => {
                        ("year", None, None, None, Some(year), None, None, None)
                    }
                    DeadlineKind::Within { amount, unit } => (
                        "within",
                        None,
                        None,
                        None,
                        None,
                        None,
                        Some(amount as i32),
                        Some(unit.as_str()),
                    ),
                    DeadlineKind::Periodic { amount, unit } => (
                        "periodic",
                        None,
                        None,
                        None,
                        None,
                        None,
                        Some(amount as i32),
                        Some(unit.as_str()),
                    ),
                };
                clause_col.push(clause_id);
                kinds.push(kind);
                bodies.push(body);
                sessions.push(session);
                dates.push(date);
                years.push(year);
                months.push(month);
                amounts.push(amount);
                units.push(unit);
                texts.push(d.text.as_str());
                due.push(d.due_on);
                estimated.push(d.estimated);
            }
        }
    }
    if clause_col.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        r#"
        INSERT INTO deadlines (clause_id, kind, body, session, date, year, month, amount, unit, text, due_on, estimated)
        SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::int[], $5::date[], $6::int[],
                             $7::int[], $8::int[], $9::text[], $10::text[], $11::date[], $12::bool[])
        "#,
        &clause_col,
        &kinds as &[&str],
        &bodies as &[Option<&str>],
        &sessions as &[Option<i32>],
        &dates as &[Option<chrono::NaiveDate>],
        &years as &[Option<i32>],
        &months as &[Option<i32>],
        &amounts as &[Option<i32>],
        &units as &[Option<&str>],
        &texts as &[&str],
        &due as &[Option<chrono::NaiveDate>],
        &estimated,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_references(
    tx: &mut PgConnection,
    document_id: i64,
    res: &Resolution,
    paragraph_ids: &[i64],
) -> Result<(), sqlx::Error> {
    if res.references.is_empty() {
        return Ok(());
    }
    let operative_index: HashMap<&str, usize> = res
        .operative
        .iter()
        .enumerate()
        .map(|(i, p)| (p.number.as_str(), res.preamble.len() + i))
        .collect();
    let mut paragraph_col: Vec<Option<i64>> = Vec::new();
    let mut symbols = Vec::new();
    let mut printed = Vec::new();
    let mut relations = Vec::new();
    let mut cited_paragraphs: Vec<Option<&str>> = Vec::new();
    let mut reports: Vec<Option<&str>> = Vec::new();
    for r in &res.references {
        let paragraph = match &r.location {
            Location::Preamble(i) => paragraph_ids.get(*i).copied(),
            Location::Operative(n) => operative_index
                .get(n.as_str())
                .and_then(|&i| paragraph_ids.get(i).copied()),
            Location::Footnote(_) => None,
        };
        paragraph_col.push(paragraph);
        symbols.push(r.symbol.as_str());
        printed.push(r.printed.as_str());
        relations.push(r.relation.as_str());
        cited_paragraphs.push(r.paragraph.as_deref());
        reports.push(r.report.as_deref());
    }
    sqlx::query!(
        r#"
        INSERT INTO document_references (document_id, paragraph_id, cited_symbol, printed, relation,
                                         cited_paragraph, report_symbol)
        SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
        "#,
        document_id,
        &paragraph_col as &[Option<i64>],
        &symbols as &[&str],
        &printed as &[&str],
        &relations as &[&str],
        &cited_paragraphs as &[Option<&str>],
        &reports as &[Option<&str>],
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Points each tracked clause at its obligation row, creating the rows that are new (with
/// their first history entry). Returns how many tracked clauses the document has.
async fn link_obligations(
    tx: &mut PgConnection,
    document_id: i64,
    res: &Resolution,
    clause_ids: &[Vec<i64>],
    changed_by: &str,
    overrides: &Overrides,
) -> Result<u64, sqlx::Error> {
    let mut numbers = Vec::new();
    let mut verbs = Vec::new();
    let mut occurrences = Vec::new();
    let mut clause_col = Vec::new();
    let mut due_col: Vec<Option<chrono::NaiveDate>> = Vec::new();
    let mut kind_col = Vec::new();
    let mut from_col: Vec<Option<chrono::NaiveDate>> = Vec::new();
    let mut precision_col: Vec<Option<&str>> = Vec::new();
    let mut words_col: Vec<Option<String>> = Vec::new();
    for (i, (p, clauses)) in res.operative.iter().zip(clause_ids).enumerate() {
        let mut seen: HashMap<&str, i32> = HashMap::new();
        for (j, (c, &clause_id)) in p.clauses.iter().zip(clauses).enumerate() {
            let occurrence = seen.entry(c.verb.as_str()).or_default();
            let over = overrides.get(&(i, j));
            if over
                .and_then(|o| o.tracked)
                .unwrap_or_else(|| c.is_tracked())
            {
                numbers.push(p.number.as_str());
                verbs.push(c.verb.as_str());
                occurrences.push(*occurrence);
                clause_col.push(clause_id);
                // Due by the last day of its window, not an invented day.
                let kind = over
                    .and_then(|o| o.kind)
                    .unwrap_or_else(|| classify_kind(c));
                let window = over
                    .and_then(|o| o.window.clone())
                    .or_else(|| obligation_window_for(kind, &c.deadlines));
                due_col.push(window.as_ref().map(|w| w.latest));
                from_col.push(window.as_ref().map(|w| w.earliest));
                precision_col.push(window.as_ref().map(|w| w.precision.as_str()));
                words_col.push(window.map(|w| w.words));
                kind_col.push(kind.as_str());
            }
            *occurrence += 1;
        }
    }
    if clause_col.is_empty() {
        return Ok(0);
    }
    sqlx::query!(
        r#"
        WITH linked AS (
            INSERT INTO obligations (document_id, paragraph_number, verb, occurrence, clause_id, due_on,
                                     changed_by, kind, due_from, due_precision, due_words, effective_on)
            SELECT $1, n, v, o, c, due, $6, k, f, p, w, $12
            FROM UNNEST($2::text[], $3::text[], $4::int[], $5::bigint[], $7::date[], $8::text[],
                        $9::date[], $10::text[], $11::text[]) AS u(n, v, o, c, due, k, f, p, w)
            ON CONFLICT (document_id, paragraph_number, verb, occurrence)
            DO UPDATE SET clause_id = EXCLUDED.clause_id, due_on = EXCLUDED.due_on, kind = EXCLUDED.kind,
                          due_from = EXCLUDED.due_from, due_precision = EXCLUDED.due_precision,
                          due_words = EXCLUDED.due_words, disappeared_at = NULL
            RETURNING id, (xmax = 0) AS inserted
        )
        INSERT INTO obligation_events (obligation_id, status, changed_by, effective_on)
        SELECT id, 'open', $6, $12 FROM linked WHERE inserted
        "#,
        document_id,
        &numbers as &[&str],
        &verbs as &[&str],
        &occurrences,
        &clause_col,
        changed_by,
        &due_col as &[Option<chrono::NaiveDate>],
        &kind_col as &[&str],
        &from_col as &[Option<chrono::NaiveDate>],
        &precision_col as &[Option<&str>],
        &words_col as &[Option<String>],
        // Known from the day it was adopted.
        res.adopted_on.unwrap_or_else(|| chrono::Utc::now().date_naive()),
    )
    .execute(&mut *tx)
    .await?;
    Ok(clause_col.len() as u64)
}

/// Applies the evidence later documents give, for references made by this document and for
/// references to it, so the order of imports does not matter:
/// - "Taking note of the report ... submitted pursuant to paragraph 5 of resolution 74/43
///   (A/75/171)" fulfils the requests in paragraph 5 of A/RES/74/43;
/// - a resolution of the same series (same title, or recalling it) adopted at the session an
///   agenda inclusion names shows the item on that session's agenda;
/// - a later resolution of the same series, or recalling it, that renews or extends a mandate
///   renews a mandate period.
///
/// Each change names the document and paragraph that prove it and takes effect on that
/// document's adoption date. An obligation a person has changed is left as they set it.
async fn apply_fulfilments(
    tx: &mut PgConnection,
    document_id: i64,
    symbol: &str,
) -> Result<(), sqlx::Error> {
    // Imports run concurrently: without this lock two related documents saved at the same
    // time would each miss the other's uncommitted rows. Held until commit.
    sqlx::query!(r#"SELECT 1 AS "locked!" FROM pg_advisory_xact_lock(7346277)"#)
        .fetch_one(&mut *tx)
        .await?;
    // Each source is two index lookups (this document as the proof, this document as the one
    // proved) rather than one OR over the whole table, which would make bulk imports quadratic.
    sqlx::query!(
        r#"
        WITH relevant AS (
            SELECT * FROM document_references
            WHERE document_id = $1 AND relation = 'report_pursuant_to'
            UNION ALL
            SELECT * FROM document_references
            WHERE cited_symbol = $2 AND relation = 'report_pursuant_to' AND document_id <> $1
        ), report_links AS (
            SELECT o.id AS obligation_id,
                   coalesce(r.report_symbol, citing.symbol) AS fulfilled_by,
                   citing.symbol AS proof, citing.adopted_on AS effective_on,
                   CASE WHEN p.part = 'operative' THEN 'paragraph ' || p.number
                        ELSE 'preambular paragraph ' || (p.position + 1) END AS proof_paragraph,
                   citing.symbol || ' takes note of the report submitted pursuant to paragraph '
                       || r.cited_paragraph || ' of ' || r.printed AS note
            FROM relevant r
            JOIN documents citing ON citing.id = r.document_id
            LEFT JOIN paragraphs p ON p.id = r.paragraph_id
            JOIN documents cited ON cited.symbol = r.cited_symbol
            JOIN obligations o ON o.document_id = cited.id AND o.paragraph_number = r.cited_paragraph
            JOIN clauses c ON c.id = o.clause_id
            WHERE c.action IN ('request', 'invitation')
        ), agenda_pairs AS (
            SELECT o.id AS obligation_id, o.clause_id, a.symbol AS a_symbol, a.title AS a_title,
                   b.id AS b_id, b.symbol AS b_symbol, b.title AS b_title, b.adopted_on AS b_adopted,
                   dl.session
            FROM obligations o
            JOIN documents a ON a.id = o.document_id
            JOIN deadlines dl ON dl.clause_id = o.clause_id AND dl.kind = 'session'
            JOIN documents b ON b.body = dl.body AND b.session = dl.session
            WHERE o.kind = 'agenda_inclusion' AND a.id = $1 AND b.id <> a.id
              AND b.adopted_on > a.adopted_on
            UNION ALL
            SELECT o.id, o.clause_id, a.symbol, a.title, b.id, b.symbol, b.title, b.adopted_on,
                   dl.session
            FROM documents b
            JOIN deadlines dl ON dl.kind = 'session' AND dl.body = b.body AND dl.session = b.session
            JOIN obligations o ON o.clause_id = dl.clause_id AND o.kind = 'agenda_inclusion'
            JOIN documents a ON a.id = o.document_id
            WHERE b.id = $1 AND a.id <> b.id AND b.adopted_on > a.adopted_on
        ), agenda_links AS (
            SELECT ap.obligation_id, ap.b_symbol AS fulfilled_by, ap.b_symbol AS proof,
                   ap.b_adopted AS effective_on,
                   (SELECT CASE WHEN p.part = 'operative' THEN 'paragraph ' || p.number
                                ELSE 'preambular paragraph ' || (p.position + 1) END
                    FROM document_references r JOIN paragraphs p ON p.id = r.paragraph_id
                    WHERE r.document_id = ap.b_id AND r.cited_symbol = ap.a_symbol
                    ORDER BY p.position LIMIT 1) AS proof_paragraph,
                   ap.b_symbol || ', of the same series, was adopted at session ' || ap.session
                       || ': the item was on that session''s agenda' AS note
            FROM agenda_pairs ap
            WHERE ap.b_title = ap.a_title
               OR EXISTS (SELECT 1 FROM document_references r
                          WHERE r.document_id = ap.b_id AND r.cited_symbol = ap.a_symbol
                            AND r.relation = 'recalls')
        ), mandate_pairs AS (
            SELECT o.id AS obligation_id, a.symbol AS a_symbol, a.title AS a_title,
                   b.id AS b_id, b.symbol AS b_symbol, b.title AS b_title, b.adopted_on AS b_adopted
            FROM obligations o
            JOIN documents a ON a.id = o.document_id
            JOIN document_references r ON r.cited_symbol = a.symbol
            JOIN documents b ON b.id = r.document_id
            WHERE o.kind = 'mandate_period' AND a.id = $1 AND b.adopted_on > a.adopted_on
            UNION ALL
            SELECT o.id, a.symbol, a.title, b.id, b.symbol, b.title, b.adopted_on
            FROM document_references r
            JOIN documents b ON b.id = r.document_id
            JOIN documents a ON a.symbol = r.cited_symbol
            JOIN obligations o ON o.document_id = a.id AND o.kind = 'mandate_period'
            WHERE r.document_id = $1 AND b.adopted_on > a.adopted_on
        ), mandate_links AS (
            SELECT mp.obligation_id, mp.b_symbol AS fulfilled_by, mp.b_symbol AS proof,
                   mp.b_adopted AS effective_on, 'paragraph ' || p.number AS proof_paragraph,
                   mp.b_symbol || ' renews or extends the mandate (paragraph ' || p.number || ')'
                       AS note
            FROM mandate_pairs mp
            JOIN LATERAL (
                SELECT p.number FROM paragraphs p
                WHERE p.document_id = mp.b_id AND p.part = 'operative'
                  AND p.text ~* '\m(renew|extend)' AND p.text ~* 'mandate'
                ORDER BY p.position LIMIT 1
            ) p ON true
        ), links AS (
            SELECT DISTINCT ON (l.obligation_id) l.*
            FROM (SELECT * FROM report_links UNION ALL SELECT * FROM agenda_links
                  UNION ALL SELECT * FROM mandate_links) l
            JOIN obligations o ON o.id = l.obligation_id
            WHERE o.clause_id IS NOT NULL AND o.status IN ('open', 'in_progress')
              -- A person's word stands: evidence does not undo what an editor set.
              AND NOT EXISTS (SELECT 1 FROM obligation_events pe
                              WHERE pe.obligation_id = o.id
                                AND pe.changed_by NOT LIKE 'import of %'
                                AND pe.changed_by <> 'dev generate')
            ORDER BY l.obligation_id, l.effective_on NULLS LAST
        ), updated AS (
            UPDATE obligations o
            SET status = 'fulfilled', fulfilled_by = l.fulfilled_by, note = l.note,
                changed_by = 'import of ' || l.proof, changed_at = now(),
                effective_on = coalesce(l.effective_on, current_date),
                evidence_symbol = l.proof, evidence_paragraph = l.proof_paragraph
            FROM links l
            WHERE o.id = l.obligation_id
            RETURNING o.id, o.fulfilled_by, o.note, o.changed_by, o.effective_on,
                      o.evidence_symbol, o.evidence_paragraph
        )
        INSERT INTO obligation_events (obligation_id, status, fulfilled_by, note, changed_by,
                                       effective_on, evidence_symbol, evidence_paragraph)
        SELECT id, 'fulfilled', fulfilled_by, note, changed_by, effective_on, evidence_symbol,
               evidence_paragraph
        FROM updated
        "#,
        document_id,
        symbol,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
