//! Synthetic resolutions for benchmarks and load tests, made by copying real ones.
//!
//! The templates are imported resolutions (the bundled demo set); each copy ("clone") gets a
//! new symbol, body, session and adoption day, spread over three decades, and keeps its
//! template's paragraphs, clauses, actors, deadlines and references, with every date moved
//! by as many years as the adoption. Follow-up states are drawn as staff would leave them:
//! most past deadlines fulfilled, some overdue, future ones open or in progress.
//!
//! Copies are made by the server (`INSERT ... SELECT` over `generate_series`), a chunk of
//! clones per transaction. Row ids are computed (clone number times the template's widest row
//! count, plus the row's rank in its template), so child rows find their parents without a
//! round trip and chunks can run side by side.

use sqlx::PgPool;

/// Templates and the id ranges clones are placed after.
#[derive(Debug, Clone)]
pub struct GeneratorPlan {
    pub templates: Vec<i64>,
    /// Obligations each template carries, in the order of `templates`.
    pub obligations_per_template: Vec<i64>,
    base: Bases,
    /// A superuser may skip the foreign-key triggers, which the computed ids satisfy anyway.
    skip_foreign_key_checks: bool,
}

#[derive(Debug, Clone, Copy)]
struct Bases {
    document: i64,
    paragraph: i64,
    paragraph_width: i64,
    clause: i64,
    clause_width: i64,
    deadline: i64,
    deadline_width: i64,
    obligation: i64,
    obligation_width: i64,
}

impl GeneratorPlan {
    /// How many clones it takes to add at least `obligations`.
    pub fn clones_for(&self, obligations: i64) -> i64 {
        let per_round: i64 = self.obligations_per_template.iter().sum();
        if per_round == 0 {
            return 0;
        }
        let rounds = obligations / per_round;
        let mut clones = rounds * self.templates.len() as i64;
        let mut made = rounds * per_round;
        for n in &self.obligations_per_template {
            if made >= obligations {
                break;
            }
            made += n;
            clones += 1;
        }
        clones
    }
}

/// Reads the templates (documents with these symbols) and where new ids may start.
pub async fn plan_generation(
    pool: &PgPool,
    template_symbols: &[String],
) -> Result<GeneratorPlan, sqlx::Error> {
    let templates = sqlx::query!(
        r#"
        SELECT d.id,
               (SELECT count(*) FROM obligations o
                WHERE o.document_id = d.id AND o.clause_id IS NOT NULL) AS "obligations!"
        FROM documents d WHERE d.symbol = ANY($1) ORDER BY d.id
        "#,
        template_symbols
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = templates.iter().map(|t| t.id).collect();
    let widths = sqlx::query!(
        r#"
        SELECT
          (SELECT coalesce(max(id), 0) FROM documents) AS "document!",
          (SELECT coalesce(max(id), 0) FROM paragraphs) AS "paragraph!",
          (SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM paragraphs
             WHERE document_id = ANY($1) GROUP BY document_id) w) AS "paragraph_width!",
          (SELECT coalesce(max(id), 0) FROM clauses) AS "clause!",
          (SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM clauses
             WHERE document_id = ANY($1) GROUP BY document_id) w) AS "clause_width!",
          (SELECT coalesce(max(id), 0) FROM deadlines) AS "deadline!",
          (SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM deadlines dl
             JOIN clauses c ON c.id = dl.clause_id
             WHERE c.document_id = ANY($1) GROUP BY c.document_id) w) AS "deadline_width!",
          (SELECT coalesce(max(id), 0) FROM obligations) AS "obligation!",
          (SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM obligations
             WHERE document_id = ANY($1) GROUP BY document_id) w) AS "obligation_width!"
        "#,
        &ids
    )
    .fetch_one(pool)
    .await?;
    let superuser = sqlx::query_scalar!(
        r#"SELECT rolsuper AS "superuser!" FROM pg_roles WHERE rolname = current_user"#
    )
    .fetch_optional(pool)
    .await?
    .unwrap_or(false);
    Ok(GeneratorPlan {
        skip_foreign_key_checks: superuser,
        obligations_per_template: templates.iter().map(|t| t.obligations).collect(),
        templates: ids,
        base: Bases {
            document: widths.document,
            paragraph: widths.paragraph,
            paragraph_width: widths.paragraph_width,
            clause: widths.clause,
            clause_width: widths.clause_width,
            deadline: widths.deadline,
            deadline_width: widths.deadline_width,
            obligation: widths.obligation,
            obligation_width: widths.obligation_width,
        },
    })
}

/// Makes clones `first..=last` (numbered from 1) in one transaction; returns the obligations
/// added.
pub async fn generate_clones(
    pool: &PgPool,
    plan: &GeneratorPlan,
    first: i64,
    last: i64,
) -> Result<u64, sqlx::Error> {
    let b = plan.base;
    let t = &plan.templates;
    let mut tx = pool.begin().await?;
    sqlx::query!("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    if plan.skip_foreign_key_checks {
        // Triggers (foreign-key checks are triggers) do not fire for this transaction.
        sqlx::query!("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
    }
    // Body, year and day of each clone from hashes of its number: repeatable, well spread.
    // GA 55 %, HRC 20 % (from 2007, when the Council's resolutions begin), SC 15 %, ECOSOC 10 %.
    sqlx::query!(
        r#"
        INSERT INTO documents (id, symbol, body, session, adopted_on, title, agenda_items,
                               committee_report, meeting, source_text, content_hash,
                               source_name, source_type)
        OVERRIDING SYSTEM VALUE
        SELECT $4 + g,
               CASE k.body
                 WHEN 'GA' THEN format('A/RES/%s/%s', k.year - 1945, 1000 + g)
                 WHEN 'HRC' THEN format('A/HRC/RES/%s/%s', k.hrc_session, 1000 + g)
                 WHEN 'SC' THEN format('S/RES/%s (%s)', 10000 + g, k.year)
                 ELSE format('E/RES/%s/%s', k.year, 1000 + g)
               END,
               k.body,
               CASE k.body WHEN 'GA' THEN k.year - 1945 WHEN 'HRC' THEN k.hrc_session
                           WHEN 'ECOSOC' THEN k.year END,
               make_date(k.year, k.month, k.day),
               t.title, t.agenda_items, t.committee_report, t.meeting, t.source_text,
               md5('generated ' || g), 'generated from ' || t.symbol, 'text'
        FROM (SELECT g, ($1::bigint[])[((g - 1) % cardinality($1) + 1)::int] AS template
              FROM generate_series($2::bigint, $3::bigint) g) gs
        CROSS JOIN LATERAL (
          SELECT y.*, greatest(1, 3 * (y.year - 2006) - 2 + y.h % 3) AS hrc_session
          FROM (SELECT CASE WHEN h % 100 < 55 THEN 'GA'
                            WHEN h % 100 < 75 AND 1995 + (h / 100) % 32 >= 2007 THEN 'HRC'
                            WHEN h % 100 < 75 THEN 'GA'
                            WHEN h % 100 < 90 THEN 'SC' ELSE 'ECOSOC' END AS body,
                       1995 + (h / 100) % 32 AS year,
                       1 + (h / 3200) % 12 AS month,
                       1 + (h / 38400) % 28 AS day,
                       h
                FROM (SELECT abs(hashint8(g)) AS h) r) y
        ) k
        JOIN documents t ON t.id = gs.template
        "#,
        t,
        first,
        last,
        b.document,
    )
    .execute(&mut *tx)
    .await?;
    // Paragraphs, ranked within their template; a clone's row is base + g * width + rank.
    sqlx::query!(
        r#"
        INSERT INTO paragraphs (id, document_id, part, position, number, lead, text)
        OVERRIDING SYSTEM VALUE
        SELECT $5 + g * $6 + tp.rank, $4 + g, tp.part, tp.position, tp.number, tp.lead, tp.text
        FROM (SELECT g, ($1::bigint[])[((g - 1) % cardinality($1) + 1)::int] AS template
              FROM generate_series($2::bigint, $3::bigint) g) gs
        JOIN (SELECT p.*, row_number() OVER (PARTITION BY p.document_id ORDER BY p.id) AS rank
              FROM paragraphs p WHERE p.document_id = ANY($1)) tp ON tp.document_id = gs.template
        "#,
        t,
        first,
        last,
        b.document,
        b.paragraph,
        b.paragraph_width,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        WITH tp AS MATERIALIZED (SELECT p.id, row_number() OVER (PARTITION BY p.document_id ORDER BY p.id) AS rank
                    FROM paragraphs p WHERE p.document_id = ANY($1)),
             tc AS MATERIALIZED (SELECT c.*, row_number() OVER (PARTITION BY c.document_id ORDER BY c.id) AS rank
                    FROM clauses c WHERE c.document_id = ANY($1))
        INSERT INTO clauses (id, paragraph_id, document_id, position, verb, action, deliverables,
                             text, tracked)
        OVERRIDING SYSTEM VALUE
        SELECT $7 + g * $8 + tc.rank, $5 + g * $6 + tp.rank, $4 + g, tc.position, tc.verb,
               tc.action, tc.deliverables, tc.text, tc.tracked
        FROM (SELECT g, ($1::bigint[])[((g - 1) % cardinality($1) + 1)::int] AS template
              FROM generate_series($2::bigint, $3::bigint) g) gs
        JOIN tc ON tc.document_id = gs.template
        JOIN tp ON tp.id = tc.paragraph_id
        "#,
        t,
        first,
        last,
        b.document,
        b.paragraph,
        b.paragraph_width,
        b.clause,
        b.clause_width,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        WITH tc AS MATERIALIZED (SELECT c.id, c.document_id,
                           row_number() OVER (PARTITION BY c.document_id ORDER BY c.id) AS rank
                    FROM clauses c WHERE c.document_id = ANY($1))
        INSERT INTO clause_actors (clause_id, actor_id, printed_name, position)
        SELECT $4 + g * $5 + tc.rank, ca.actor_id, ca.printed_name, ca.position
        FROM (SELECT g, ($1::bigint[])[((g - 1) % cardinality($1) + 1)::int] AS template
              FROM generate_series($2::bigint, $3::bigint) g) gs
        JOIN tc ON tc.document_id = gs.template
        JOIN clause_actors ca ON ca.clause_id = tc.id
        "#,
        t,
        first,
        last,
        b.clause,
        b.clause_width,
    )
    .execute(&mut *tx)
    .await?;
    // Deadlines move with the adoption year; a session moves by one per year (three for the
    // Human Rights Council, which holds three a year).
    sqlx::query!(
        r#"
        WITH tc AS MATERIALIZED (SELECT c.id, c.document_id,
                           row_number() OVER (PARTITION BY c.document_id ORDER BY c.id) AS rank
                    FROM clauses c WHERE c.document_id = ANY($1)),
             tdl AS MATERIALIZED (SELECT dl.*, tc.rank AS clause_rank, tc.document_id,
                            row_number() OVER (PARTITION BY tc.document_id ORDER BY dl.id) AS rank
                     FROM deadlines dl JOIN tc ON tc.id = dl.clause_id)
        INSERT INTO deadlines (id, clause_id, kind, body, session, date, year, month, amount, unit,
                               text, due_on, estimated)
        OVERRIDING SYSTEM VALUE
        SELECT $7 + g * $8 + tdl.rank, $5 + g * $6 + tdl.clause_rank, tdl.kind, tdl.body,
               tdl.session + CASE tdl.body WHEN 'HRC' THEN 3 ELSE 1 END * s.shift,
               tdl.date + make_interval(years => s.shift), tdl.year + s.shift, tdl.month,
               tdl.amount, tdl.unit, tdl.text,
               (tdl.due_on + make_interval(years => s.shift))::date, tdl.estimated
        FROM (SELECT g, ($1::bigint[])[((g - 1) % cardinality($1) + 1)::int] AS template
              FROM generate_series($2::bigint, $3::bigint) g) gs
        JOIN tdl ON tdl.document_id = gs.template
        CROSS JOIN LATERAL (
          SELECT (extract(year FROM cd.adopted_on) - extract(year FROM td.adopted_on))::int AS shift
          FROM documents cd, documents td WHERE cd.id = $4 + g AND td.id = tdl.document_id
        ) s
        "#,
        t,
        first,
        last,
        b.document,
        b.clause,
        b.clause_width,
        b.deadline,
        b.deadline_width,
    )
    .execute(&mut *tx)
    .await?;
    // Follow-up state as a tracker in use holds it: past deadlines mostly fulfilled, a tenth
    // still open (overdue); future ones open or in progress.
    let obligations = sqlx::query!(
        r#"
        WITH tc AS MATERIALIZED (SELECT c.id, row_number() OVER (PARTITION BY c.document_id ORDER BY c.id) AS rank
                    FROM clauses c WHERE c.document_id = ANY($1)),
             tob AS MATERIALIZED (SELECT o.*, tc.rank AS clause_rank,
                            row_number() OVER (PARTITION BY o.document_id ORDER BY o.id) AS rank
                     FROM obligations o JOIN tc ON tc.id = o.clause_id
                     WHERE o.document_id = ANY($1)),
             made AS (
               SELECT $7 + g * $8 + tob.rank AS id, $4 + g AS document_id, tob.paragraph_number,
                      tob.verb, tob.occurrence, $5 + g * $6 + tob.clause_rank AS clause_id,
                      (tob.due_on + make_interval(years => s.shift))::date AS due_on,
                      (tob.due_from + make_interval(years => s.shift))::date AS due_from,
                      tob.kind, tob.due_precision, tob.due_words,
                      -- The list's filter copies (kept by a trigger, which a superuser's
                      -- copy skips): the clone's document, the template clause's actors
                      -- and words.
                      s.body, s.session, s.adopted_on, tob.action, tob.actor_ids, tob.search,
                      abs(hashint8($7 + g * $8 + tob.rank)) % 100 AS draw
               FROM (SELECT g, ($1::bigint[])[((g - 1) % cardinality($1) + 1)::int] AS template
                     FROM generate_series($2::bigint, $3::bigint) g) gs
               JOIN tob ON tob.document_id = gs.template
               CROSS JOIN LATERAL (
                 SELECT (extract(year FROM cd.adopted_on) - extract(year FROM td.adopted_on))::int AS shift,
                        cd.body, cd.session, cd.adopted_on
                 FROM documents cd, documents td WHERE cd.id = $4 + g AND td.id = tob.document_id
               ) s
             ),
             inserted AS (
               INSERT INTO obligations (id, document_id, paragraph_number, verb, occurrence,
                                        clause_id, due_on, status, changed_by, changed_at,
                                        kind, due_from, due_precision, due_words,
                                        body, session, adopted_on, action, actor_ids, search)
               OVERRIDING SYSTEM VALUE
               SELECT id, document_id, paragraph_number, verb, occurrence, clause_id, due_on,
                      CASE WHEN due_on IS NULL OR due_on >= current_date
                           THEN CASE WHEN draw < 75 THEN 'open' ELSE 'in_progress' END
                           WHEN draw < 72 THEN 'fulfilled'
                           WHEN draw < 80 THEN 'not_applicable'
                           WHEN draw < 92 THEN 'open' ELSE 'in_progress' END,
                      'dev generate', now(), kind, due_from, due_precision, due_words,
                      body, session, adopted_on, action, actor_ids, search
               FROM made
               RETURNING id, status, changed_by
             )
        INSERT INTO obligation_events (obligation_id, status, changed_by, effective_on)
        SELECT id, status, changed_by, current_date FROM inserted
        "#,
        t,
        first,
        last,
        b.document,
        b.clause,
        b.clause_width,
        b.obligation,
        b.obligation_width,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        r#"
        WITH tp AS MATERIALIZED (SELECT p.id, row_number() OVER (PARTITION BY p.document_id ORDER BY p.id) AS rank
                    FROM paragraphs p WHERE p.document_id = ANY($1))
        INSERT INTO document_references (document_id, paragraph_id, cited_symbol, printed,
                                         relation, cited_paragraph, report_symbol)
        SELECT $4 + g, $5 + g * $6 + tp.rank, r.cited_symbol, r.printed, r.relation,
               r.cited_paragraph, r.report_symbol
        FROM (SELECT g, ($1::bigint[])[((g - 1) % cardinality($1) + 1)::int] AS template
              FROM generate_series($2::bigint, $3::bigint) g) gs
        JOIN document_references r ON r.document_id = gs.template
        LEFT JOIN tp ON tp.id = r.paragraph_id
        "#,
        t,
        first,
        last,
        b.document,
        b.paragraph,
        b.paragraph_width,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(obligations)
}

/// After the copies: identity sequences past the computed ids, recounted tallies, fresh planner
/// statistics and visibility map.
pub async fn finish_generation(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        SELECT setval(pg_get_serial_sequence('documents', 'id'), (SELECT max(id) FROM documents)) AS d,
               setval(pg_get_serial_sequence('paragraphs', 'id'), (SELECT max(id) FROM paragraphs)) AS p,
               setval(pg_get_serial_sequence('clauses', 'id'), (SELECT max(id) FROM clauses)) AS c,
               setval(pg_get_serial_sequence('deadlines', 'id'), (SELECT max(id) FROM deadlines)) AS dl,
               setval(pg_get_serial_sequence('obligations', 'id'), (SELECT max(id) FROM obligations)) AS o
        "#
    )
    .fetch_one(pool)
    .await?;
    // The tallies the overview and actors page read: the superuser's copy skipped the
    // triggers that keep them.
    sqlx::query!("SELECT recount_obligation_tallies()")
        .execute(pool)
        .await?;
    sqlx::query!("SELECT recount_session_items()")
        .execute(pool)
        .await?;
    // Nor did they move the version cached pages are kept under.
    sqlx::query!("UPDATE data_version SET version = version + 1")
        .execute(pool)
        .await?;
    // VACUUM as well: a fresh visibility map lets counts use index-only scans.
    sqlx::query!("VACUUM (ANALYZE)").execute(pool).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(per_template: Vec<i64>) -> GeneratorPlan {
        GeneratorPlan {
            templates: (1..=per_template.len() as i64).collect(),
            obligations_per_template: per_template,
            skip_foreign_key_checks: false,
            base: Bases {
                document: 0,
                paragraph: 0,
                paragraph_width: 0,
                clause: 0,
                clause_width: 0,
                deadline: 0,
                deadline_width: 0,
                obligation: 0,
                obligation_width: 0,
            },
        }
    }

    #[test]
    fn clones_reach_the_asked_obligations_and_stop() {
        let p = plan(vec![3, 5, 2]);
        assert_eq!(p.clones_for(0), 0);
        assert_eq!(p.clones_for(3), 1);
        assert_eq!(p.clones_for(4), 2);
        assert_eq!(p.clones_for(10), 3);
        assert_eq!(p.clones_for(11), 4);
        assert_eq!(p.clones_for(1000), 300);
        assert_eq!(plan(vec![0, 0]).clones_for(10), 0);
    }
}
