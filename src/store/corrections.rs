//! Editors' corrections of what the reader found: the clause as a correction form shows it,
//! storing corrections, and listing them (needing review, by obligation).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgExecutor, PgPool};

/// A clause as the correction form shows it, found by its anchor.
#[derive(Debug, Clone)]
pub struct ClauseToCorrect {
    pub clause_id: i64,
    pub document_id: i64,
    pub symbol: String,
    pub adopted_on: Option<NaiveDate>,
    pub paragraph_number: String,
    pub paragraph_text: String,
    pub verb: String,
    pub occurrence: i32,
    pub action: String,
    pub deliverables: Vec<String>,
    pub tracked: bool,
    pub text: String,
    /// Canonical names, in the clause's order.
    pub actors: Vec<String>,
    pub obligation_id: Option<i64>,
    pub kind: Option<String>,
    pub due_from: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub due_words: Option<String>,
    pub due_precision: Option<String>,
}

/// The `occurrence`-th clause with `verb` in operative paragraph `paragraph` of a document.
pub async fn find_clause_to_correct(
    db: impl PgExecutor<'_>,
    document_id: i64,
    paragraph: &str,
    verb: &str,
    occurrence: i32,
) -> Result<Option<ClauseToCorrect>, sqlx::Error> {
    sqlx::query_as!(
        ClauseToCorrect,
        r#"
        WITH numbered AS (
            SELECT c.*, p.number AS paragraph_number, p.text AS paragraph_text,
                   (row_number() OVER (PARTITION BY c.verb ORDER BY c.position) - 1)::int AS occurrence
            FROM clauses c JOIN paragraphs p ON p.id = c.paragraph_id
            WHERE p.document_id = $1 AND p.part = 'operative' AND p.number = $2
        )
        SELECT n.id AS clause_id, d.id AS document_id, d.symbol, d.adopted_on,
               n.paragraph_number AS "paragraph_number!", n.paragraph_text, n.verb,
               n.occurrence AS "occurrence!", n.action, n.deliverables, n.tracked, n.text,
               ARRAY(SELECT a.name FROM clause_actors ca JOIN actors a ON a.id = ca.actor_id
                     WHERE ca.clause_id = n.id ORDER BY ca.position) AS "actors!",
               o.id AS "obligation_id?", o.kind, o.due_from, o.due_on, o.due_words,
               o.due_precision
        FROM numbered n
        JOIN documents d ON d.id = n.document_id
        LEFT JOIN obligations o ON o.clause_id = n.id
        WHERE n.verb = $3 AND n.occurrence = $4
        "#,
        document_id,
        paragraph,
        verb,
        occurrence
    )
    .fetch_optional(db)
    .await
}

/// A clause's first deadline as stored, in the fields a form shows.
#[derive(Debug, Clone)]
pub struct StoredDeadline {
    pub kind: String,
    pub body: Option<String>,
    pub session: Option<i32>,
    pub date: Option<NaiveDate>,
    pub year: Option<i32>,
    pub month: Option<i32>,
    pub amount: Option<i32>,
    pub unit: Option<String>,
    pub text: String,
    pub due_on: Option<NaiveDate>,
}

/// The deadline its obligation is due by (the one that resolves first).
pub async fn find_first_deadline(
    db: impl PgExecutor<'_>,
    clause_id: i64,
) -> Result<Option<StoredDeadline>, sqlx::Error> {
    sqlx::query_as!(
        StoredDeadline,
        r#"
        SELECT kind, body, session, date, year, month, amount, unit, text, due_on
        FROM deadlines WHERE clause_id = $1 ORDER BY due_on NULLS LAST, id LIMIT 1
        "#,
        clause_id
    )
    .fetch_optional(db)
    .await
}

/// An operative paragraph, for the form that adds a missed obligation.
#[derive(Debug, Clone)]
pub struct ParagraphToCorrect {
    pub document_id: i64,
    pub symbol: String,
    pub adopted_on: Option<NaiveDate>,
    pub number: String,
    pub text: String,
    /// The verbs the reader found there, in order.
    pub verbs: Vec<String>,
}

pub async fn find_paragraph_to_correct(
    db: impl PgExecutor<'_>,
    document_id: i64,
    paragraph: &str,
) -> Result<Option<ParagraphToCorrect>, sqlx::Error> {
    sqlx::query_as!(
        ParagraphToCorrect,
        r#"
        SELECT d.id AS document_id, d.symbol, d.adopted_on, p.number AS "number!", p.text,
               ARRAY(SELECT c.verb FROM clauses c WHERE c.paragraph_id = p.id
                     ORDER BY c.position) AS "verbs!"
        FROM paragraphs p JOIN documents d ON d.id = p.document_id
        WHERE p.document_id = $1 AND p.part = 'operative' AND p.number = $2
        "#,
        document_id,
        paragraph
    )
    .fetch_optional(db)
    .await
}

/// A correction to store.
#[derive(Debug)]
pub struct NewCorrection<'a> {
    pub document_id: i64,
    pub paragraph_number: &'a str,
    pub verb: &'a str,
    pub occurrence: i32,
    pub fingerprint: &'a str,
    pub field: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: serde_json::Value,
    pub why: &'a str,
    pub made_by: &'a str,
    pub user_id: Option<i64>,
}

pub async fn insert_correction(
    db: impl PgExecutor<'_>,
    c: &NewCorrection<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        INSERT INTO corrections (document_id, paragraph_number, verb, occurrence, fingerprint,
                                 field, before, after, why, made_by, user_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        RETURNING id
        "#,
        c.document_id,
        c.paragraph_number,
        c.verb,
        c.occurrence,
        c.fingerprint,
        c.field,
        c.before,
        c.after,
        c.why,
        c.made_by,
        c.user_id,
    )
    .fetch_one(db)
    .await
}

/// A stored correction, as pages list it.
#[derive(Debug, Clone)]
pub struct CorrectionRow {
    pub id: i64,
    pub document_id: i64,
    pub symbol: String,
    pub paragraph_number: String,
    pub verb: String,
    pub occurrence: i32,
    pub field: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub why: String,
    pub made_by: String,
    pub made_at: DateTime<Utc>,
    pub state: String,
    pub review_reason: Option<String>,
}

/// Corrections of a document (all of them) or only those needing review (`only_review`), of
/// one document or of all (`document_id` None), newest first.
pub async fn list_corrections(
    db: impl PgExecutor<'_>,
    document_id: Option<i64>,
    only_review: bool,
) -> Result<Vec<CorrectionRow>, sqlx::Error> {
    sqlx::query_as!(
        CorrectionRow,
        r#"
        SELECT c.id, c.document_id, d.symbol, c.paragraph_number, c.verb, c.occurrence, c.field,
               c.before, c.after, c.why, c.made_by, c.made_at, c.state, c.review_reason
        FROM corrections c JOIN documents d ON d.id = c.document_id
        WHERE ($1::bigint IS NULL OR c.document_id = $1)
          AND (NOT $2 OR c.state = 'needs_review')
        ORDER BY c.id DESC
        LIMIT 1000
        "#,
        document_id,
        only_review
    )
    .fetch_all(db)
    .await
}

/// Every correction, oldest first, for the export and the statistics.
pub async fn list_all_corrections(pool: &PgPool) -> Result<Vec<CorrectionRow>, sqlx::Error> {
    sqlx::query_as!(
        CorrectionRow,
        r#"
        SELECT c.id, c.document_id, d.symbol, c.paragraph_number, c.verb, c.occurrence, c.field,
               c.before, c.after, c.why, c.made_by, c.made_at, c.state, c.review_reason
        FROM corrections c JOIN documents d ON d.id = c.document_id
        ORDER BY c.id
        "#
    )
    .fetch_all(pool)
    .await
}

/// Where an obligation sits: the anchor of its clause.
#[derive(Debug, Clone)]
pub struct ObligationAnchor {
    pub document_id: i64,
    pub paragraph_number: String,
    pub verb: String,
    pub occurrence: i32,
}

pub async fn find_obligation_anchor(
    db: impl PgExecutor<'_>,
    obligation_id: i64,
) -> Result<Option<ObligationAnchor>, sqlx::Error> {
    sqlx::query_as!(
        ObligationAnchor,
        "SELECT document_id, paragraph_number, verb, occurrence FROM obligations WHERE id = $1",
        obligation_id
    )
    .fetch_optional(db)
    .await
}

/// A clause the reader doubts and nobody has corrected or checked yet.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub document_id: i64,
    pub symbol: String,
    pub paragraph_number: String,
    pub verb: String,
    pub occurrence: i32,
    pub action: String,
    pub tracked: bool,
    pub has_deadline: bool,
    /// Doubt codes (`resolution::doubt::Doubt::as_str`).
    pub doubts: Vec<String>,
    pub text: String,
}

/// The review queue, what matters most first: requests (and invitations) with a deadline,
/// then other requests, then other tracked clauses; within each the newest resolutions.
pub async fn list_review_items(
    db: impl PgExecutor<'_>,
    limit: i64,
) -> Result<Vec<ReviewItem>, sqlx::Error> {
    sqlx::query_as!(
        ReviewItem,
        r#"
        WITH flagged AS (
            SELECT c.*, EXISTS (SELECT 1 FROM deadlines dl WHERE dl.clause_id = c.id) AS has_deadline
            FROM clauses c WHERE c.doubts <> '{}' AND NOT c.reviewed
        )
        SELECT d.id AS document_id, d.symbol, p.number AS "paragraph_number!", f.verb,
               (SELECT count(*) FROM clauses c2
                WHERE c2.paragraph_id = f.paragraph_id AND c2.verb = f.verb
                  AND c2.position < f.position)::int AS "occurrence!",
               f.action, f.tracked, f.has_deadline AS "has_deadline!", f.doubts,
               left(f.text, 300) AS "text!"
        FROM flagged f
        JOIN paragraphs p ON p.id = f.paragraph_id
        JOIN documents d ON d.id = f.document_id
        ORDER BY (f.action IN ('request', 'invitation') AND f.has_deadline) DESC,
                 f.action IN ('request', 'invitation') DESC, f.tracked DESC,
                 d.adopted_on DESC NULLS LAST, d.symbol, p.position, f.position
        LIMIT $1
        "#,
        limit
    )
    .fetch_all(db)
    .await
}

/// How many clauses wait for review (the overview's count).
pub async fn count_review_items(db: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM clauses WHERE doubts <> '{}' AND NOT reviewed"#
    )
    .fetch_one(db)
    .await
}

/// A resolution whose text the reader warned about at import (numbering that looked wrong, a
/// missing date), not yet checked by an editor.
#[derive(Debug, Clone)]
pub struct WarnedDocument {
    pub document_id: i64,
    pub symbol: String,
    pub warnings: Vec<String>,
}

pub async fn list_warned_documents(
    db: impl PgExecutor<'_>,
    limit: i64,
) -> Result<Vec<WarnedDocument>, sqlx::Error> {
    sqlx::query_as!(
        WarnedDocument,
        r#"
        SELECT d.id AS document_id, d.symbol, d.warnings
        FROM documents d
        WHERE d.warnings <> '{}'
          AND NOT EXISTS (SELECT 1 FROM corrections c
                          WHERE c.document_id = d.id AND c.field = 'looks_right'
                            AND c.paragraph_number = '' AND c.fingerprint = array_to_string(d.warnings, chr(10)))
        ORDER BY d.adopted_on DESC NULLS LAST, d.symbol
        LIMIT $1
        "#,
        limit
    )
    .fetch_all(db)
    .await
}

/// The reader's warnings about a document's text at its last import.
pub async fn find_document_warnings(
    db: impl PgExecutor<'_>,
    document_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    Ok(
        sqlx::query_scalar!("SELECT warnings FROM documents WHERE id = $1", document_id)
            .fetch_optional(db)
            .await?
            .unwrap_or_default(),
    )
}

/// Documents with a correction other than "looks right", by id.
pub async fn list_corrected_documents(pool: &PgPool) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT DISTINCT document_id AS "id!" FROM corrections
           WHERE field <> 'looks_right' ORDER BY 1"#
    )
    .fetch_all(pool)
    .await
}

/// A document's stored text and symbol.
#[derive(Debug, Clone)]
pub struct DocumentSource {
    pub symbol: String,
    pub source_text: String,
}

pub async fn find_document_source(
    pool: &PgPool,
    document_id: i64,
) -> Result<Option<DocumentSource>, sqlx::Error> {
    sqlx::query_as!(
        DocumentSource,
        "SELECT symbol, source_text FROM documents WHERE id = $1",
        document_id
    )
    .fetch_optional(pool)
    .await
}

/// Records an admin's verdict on an actor name (replacing an earlier one).
pub async fn record_actor_verdict(
    db: impl PgExecutor<'_>,
    name: &str,
    verdict: &str,
    target: Option<&str>,
    made_by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        INSERT INTO actor_curation (name, verdict, target, made_by) VALUES ($1, $2, $3, $4)
        ON CONFLICT (name) DO UPDATE SET verdict = EXCLUDED.verdict, target = EXCLUDED.target,
            made_by = EXCLUDED.made_by, made_at = now()
        "#,
        name,
        verdict,
        target,
        made_by
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Removes an actor no clause names any more; false when some clause still does.
pub async fn delete_unnamed_actor(
    db: impl PgExecutor<'_>,
    actor_id: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"
        DELETE FROM actors a WHERE a.id = $1
          AND NOT EXISTS (SELECT 1 FROM clause_actors ca WHERE ca.actor_id = a.id)
        "#,
        actor_id
    )
    .execute(db)
    .await?
    .rows_affected()
        > 0)
}

pub async fn find_actor_id(
    db: impl PgExecutor<'_>,
    name: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM actors WHERE name = $1", name)
        .fetch_optional(db)
        .await
}

/// Applies an admin's verdict on an actor to the stored clauses and obligations at once, in
/// SQL: what re-reading every document that names it would give, without re-reading them (a
/// common name is in thousands). Returns how many obligations it changed.
pub async fn apply_actor_verdict(
    tx: &mut sqlx::PgConnection,
    actor_id: i64,
    target: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let Some(target) = target else {
        // Not an actor: out of every clause and obligation.
        sqlx::query!("DELETE FROM clause_actors WHERE actor_id = $1", actor_id)
            .execute(&mut *tx)
            .await?;
        let changed = sqlx::query!(
            r#"
            UPDATE obligations SET actor_ids = array_remove(actor_ids, $1)
            WHERE actor_ids @> ARRAY[$1::bigint]
            "#,
            actor_id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        delete_unnamed_actor(&mut *tx, actor_id).await?;
        return Ok(changed);
    };
    let Some(into) = find_actor_id(&mut *tx, target).await? else {
        // A new name: the actor keeps its id, so everything naming it follows.
        sqlx::query!(
            "UPDATE actors SET name = $2 WHERE id = $1",
            actor_id,
            target
        )
        .execute(&mut *tx)
        .await?;
        return Ok(0);
    };
    // Merged: its names become the other's aliases, its clauses and obligations move there.
    sqlx::query!(
        r#"
        UPDATE actors t
        SET aliases = ARRAY(SELECT DISTINCT x FROM unnest(t.aliases || o.name || o.aliases) AS x
                            WHERE x <> t.name ORDER BY x)
        FROM actors o WHERE t.id = $2 AND o.id = $1
        "#,
        actor_id,
        into
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE clause_actors SET actor_id = $2 WHERE actor_id = $1",
        actor_id,
        into
    )
    .execute(&mut *tx)
    .await?;
    let changed = sqlx::query!(
        r#"
        UPDATE obligations
        SET actor_ids = ARRAY(SELECT DISTINCT x FROM unnest(array_replace(actor_ids, $1, $2)) AS x
                              ORDER BY x)
        WHERE actor_ids @> ARRAY[$1::bigint]
        "#,
        actor_id,
        into
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    delete_unnamed_actor(&mut *tx, actor_id).await?;
    Ok(changed)
}

/// The clauses that name an actor (before an admin's verdict on it changes that).
pub async fn list_clauses_naming_actor(
    db: impl PgExecutor<'_>,
    actor_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT DISTINCT clause_id FROM clause_actors WHERE actor_id = $1",
        actor_id
    )
    .fetch_all(db)
    .await
}

/// After an admin's verdict on an actor: the clauses the reader doubted for an unknown actor,
/// among those that named it (`naming`) or now name the actor it became (`target`), are
/// judged again by their actors as they now stand, with the names admins merged or renamed
/// into counting as known (as a new import judges them). Returns how many clauses' doubts
/// changed.
pub async fn settle_actor_doubts(
    tx: &mut sqlx::PgConnection,
    naming: &[i64],
    target: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let curated: std::collections::HashSet<String> = sqlx::query_scalar!(
        r#"SELECT target AS "target!" FROM actor_curation WHERE target IS NOT NULL"#
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let rows = sqlx::query!(
        r#"
        SELECT c.id, c.action, c.doubts,
               coalesce(array_agg(a.name ORDER BY ca.position) FILTER (WHERE a.id IS NOT NULL),
                        '{}') AS "names!",
               coalesce(array_agg(ca.printed_name ORDER BY ca.position)
                        FILTER (WHERE a.id IS NOT NULL), '{}') AS "printed!"
        FROM clauses c
        LEFT JOIN clause_actors ca ON ca.clause_id = c.id
        LEFT JOIN actors a ON a.id = ca.actor_id
        WHERE 'unknown_actor' = ANY (c.doubts)
          AND (c.id = ANY ($1)
               OR EXISTS (SELECT 1 FROM clause_actors t JOIN actors ta ON ta.id = t.actor_id
                          WHERE t.clause_id = c.id AND ta.name = $2))
        GROUP BY c.id
        "#,
        naming,
        target
    )
    .fetch_all(&mut *tx)
    .await?;
    let (mut ids, mut doubts) = (Vec::new(), Vec::new());
    for row in rows {
        let asks = matches!(row.action.as_str(), "request" | "invitation");
        let actors = row
            .names
            .iter()
            .zip(&row.printed)
            .map(|(n, p)| [n.as_str(), p.as_str()]);
        let mut settled: Vec<String> =
            crate::resolution::doubt::actor_doubts(asks, actors, &curated)
                .iter()
                .map(|d| d.as_str().to_string())
                .collect();
        // The actor doubts come first, as the reader orders them; the others stay.
        settled.extend(
            row.doubts
                .iter()
                .filter(|d| !matches!(d.as_str(), "no_actor" | "unknown_actor"))
                .cloned(),
        );
        if settled != row.doubts {
            ids.push(row.id);
            doubts.push(settled.join(","));
        }
    }
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(sqlx::query!(
        r#"
        UPDATE clauses c
        SET doubts = CASE WHEN u.d = '' THEN '{}' ELSE string_to_array(u.d, ',') END
        FROM UNNEST($1::bigint[], $2::text[]) AS u(id, d)
        WHERE c.id = u.id
        "#,
        &ids,
        &doubts
    )
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

/// The corrections of an obligation's clause, newest first ("looks right" included).
pub async fn list_obligation_corrections(
    db: impl PgExecutor<'_>,
    obligation_id: i64,
) -> Result<Vec<CorrectionRow>, sqlx::Error> {
    sqlx::query_as!(
        CorrectionRow,
        r#"
        SELECT c.id, c.document_id, d.symbol, c.paragraph_number, c.verb, c.occurrence, c.field,
               c.before, c.after, c.why, c.made_by, c.made_at, c.state, c.review_reason
        FROM obligations o
        JOIN corrections c ON c.document_id = o.document_id
             AND c.paragraph_number = o.paragraph_number AND c.verb = o.verb
             AND c.occurrence = o.occurrence
        JOIN documents d ON d.id = c.document_id
        WHERE o.id = $1
        ORDER BY c.id DESC
        "#,
        obligation_id
    )
    .fetch_all(db)
    .await
}
