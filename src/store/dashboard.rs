//! What the dashboard reads: obligations filtered and sorted, their details and history,
//! resolutions with their paragraphs and links, agenda items of a coming session, and counts
//! by month for the timeline.

use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use futures::stream::BoxStream;
use sqlx::PgExecutor;

use crate::resolution::ObligationKind;

/// The filter of the obligations list, as the URL carries it. Every field is optional.
#[derive(Debug, Clone, Default)]
pub struct ObligationFilter {
    pub body: Option<String>,
    /// The session that adopted the resolution.
    pub session: Option<i32>,
    /// A session a deadline of the obligation names (of the body filtered on, or else of the
    /// adopting body): what is due at that session.
    pub due_session: Option<i32>,
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    /// A status code, or "outstanding" (open or in progress).
    pub status: Option<String>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Full-text search over the operative paragraph (web search syntax).
    pub text: Option<String>,
    pub document_id: Option<i64>,
    /// Kind codes (`deliverable`, `event`, ...): obligations of these kinds only; empty for all.
    pub kinds: Vec<String>,
    /// A past day: only what was known then (documents adopted by then), each in the state
    /// whose effective day had come. None for what is known now.
    pub as_of: Option<NaiveDate>,
}

impl ObligationFilter {
    /// Only the kinds that can be overdue, of those the filter asks for: what an "overdue"
    /// list shows.
    pub fn late_kinds_only(mut self) -> Self {
        let late = late_kinds();
        self.kinds = if self.kinds.is_empty() {
            late
        } else {
            let both: Vec<String> = self
                .kinds
                .into_iter()
                .filter(|k| late.contains(k))
                .collect();
            // None of the kinds asked for can be late: a code no row has matches nothing.
            if both.is_empty() {
                vec!["none".into()]
            } else {
                both
            }
        };
        self
    }
}

/// The codes of the kinds that can be overdue (deliverables, other).
pub fn late_kinds() -> Vec<String> {
    ObligationKind::ALL
        .into_iter()
        .filter(|k| k.can_be_overdue())
        .map(|k| k.as_str().to_string())
        .collect()
}

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ObligationSort {
    #[default]
    DueSoonest,
    DueLatest,
    Resolution,
    Status,
}

impl ObligationSort {
    pub const ALL: [ObligationSort; 4] = [
        ObligationSort::DueSoonest,
        ObligationSort::DueLatest,
        ObligationSort::Resolution,
        ObligationSort::Status,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationSort::DueSoonest => "due",
            ObligationSort::DueLatest => "due_desc",
            ObligationSort::Resolution => "resolution",
            ObligationSort::Status => "status",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ObligationSort::DueSoonest => "due date, soonest first",
            ObligationSort::DueLatest => "due date, latest first",
            ObligationSort::Resolution => "resolution",
            ObligationSort::Status => "status",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One line of an obligations list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ObligationRow {
    pub id: i64,
    pub status: String,
    /// The obligation's kind code; `other` for rows not yet read again.
    pub kind: String,
    /// The last day of the obligation's window: it is late only after this day.
    pub due_on: Option<NaiveDate>,
    /// The first day of its window.
    pub due_from: Option<NaiveDate>,
    /// How precisely its deadline's words name a time (`day`, `early_year`, `session` ...).
    pub due_precision: Option<String>,
    /// Its deadline's own words ("early 2026").
    pub due_words: Option<String>,
    pub document_id: i64,
    pub symbol: String,
    pub body: String,
    pub session: Option<i32>,
    pub paragraph_number: String,
    pub verb: String,
    pub action: String,
    pub clause_text: String,
    pub actors: String,
    pub deadline_text: Option<String>,
    pub estimated: bool,
}

/// How many obligations a filter matches, counted up to [`COUNT_LIMIT`]: past that an exact
/// figure costs a scan of most of the table, and nobody pages that far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchCount {
    pub count: i64,
    /// True when there are more than `count`.
    pub more: bool,
    /// When there are more: how many in all, from the kept tallies or, for word searches, as
    /// the planner estimates them ("about 12,400").
    pub about: Option<i64>,
}

impl MatchCount {
    /// `about` in words, to three figures ("12,400").
    pub fn about_words(&self) -> Option<String> {
        let n = self.about?;
        let digits = n.to_string().len() as u32;
        let unit = 10i64.pow(digits.saturating_sub(3));
        let rounded = (n + unit / 2) / unit * unit;
        let plain = rounded.to_string();
        let mut out = String::new();
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && (plain.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        Some(out)
    }
}

pub const COUNT_LIMIT: i64 = 1_000;

/// The filtered, sorted obligations, `limit` from `offset`.
pub async fn list_obligations<'e>(
    db: &'e sqlx::PgPool,
    filter: &'e ObligationFilter,
    sort: ObligationSort,
    limit: i64,
    offset: i64,
) -> Result<Vec<ObligationRow>, sqlx::Error> {
    stream_obligations(db, filter, sort, Some(limit), offset)
        .try_collect()
        .await
}

/// The filtered, sorted obligations one row at a time, for exports of any size. No `limit`
/// means every match.
///
/// The due-date order (the default, and what the overview, feeds and digests use) closes the
/// ORDER BY, so that in a custom plan (see `connect`) the other sorts' CASE keys fold away,
/// an index on `(due_on, id)` yields rows in order, and LIMIT stops the scan early. That walk
/// only pays when matches are common: for an actor named by a few hundred obligations it
/// reads most of the index before it has a page (1.3 s at a million), and as long for a
/// word the text does not hold. When the filter matches few (see `few_matches`), the order is
/// asked for in a form no index serves, so the planner finds the matches first (the actor's
/// or the words' GIN index) and sorts them.
pub fn stream_obligations<'e>(
    db: &'e sqlx::PgPool,
    filter: &'e ObligationFilter,
    sort: ObligationSort,
    limit: Option<i64>,
    offset: i64,
) -> BoxStream<'e, Result<ObligationRow, sqlx::Error>> {
    if walks_actor_dues(filter, sort) {
        return stream_planned(db, filter, sort, limit, offset, false);
    }
    Box::pin(
        futures::stream::once(few_matches(db, filter))
            .map_ok(move |few| stream_planned(db, filter, sort, limit, offset, few))
            .try_flatten(),
    )
}

/// Whether the list is one actor's in due order: then it walks that actor's own due-date
/// index (see ACTOR_LIST_SQL) and stops at the end of its page, however many or few the
/// actor's obligations and wherever they fall in time.
fn walks_actor_dues(filter: &ObligationFilter, sort: ObligationSort) -> bool {
    filter.actor_id.is_some()
        && filter.as_of.is_none()
        && matches!(sort, ObligationSort::DueSoonest | ObligationSort::DueLatest)
}

/// Below this many matches, sorting them beats walking the due-date index for them.
const FEW_MATCHES: i64 = 10_000;
/// The same for words, whose matches cluster more (copies of one text sit together, often far
/// along the due-date order) and whose estimates run low: "violence", estimated at 12,900
/// outstanding and holding 19,000, took 1.4 s to walk and 0.4 s to sort; "nuclear", at
/// 26,700, 37 ms to walk and 0.2 s to sort.
const FEW_WORD_MATCHES: i64 = 15_000;

/// Whether `filter` matches few obligations: an actor's, by the kept tallies; a word
/// search's, by the planner's estimate.
async fn few_matches(db: &sqlx::PgPool, filter: &ObligationFilter) -> Result<bool, sqlx::Error> {
    if filter.as_of.is_some() {
        return Ok(false);
    }
    let Some(actor_id) = filter.actor_id else {
        // A word the planner's statistics do not know (or a rare one) is estimated at a few
        // thousand matches: walking the due-date index for it read every row (1-2 s).
        if filter.text.is_some() {
            return Ok(estimate_matches(db, filter).await? <= FEW_WORD_MATCHES);
        }
        return Ok(false);
    };
    Ok(actor_tally(db, actor_id, filter.status.as_deref()).await? <= FEW_MATCHES)
}

/// How many obligations name the actor, in the state the filter asks for (all when none),
/// from the kept tallies.
async fn actor_tally(
    db: &sqlx::PgPool,
    actor_id: i64,
    status: Option<&str>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT coalesce(sum(n), 0)::bigint AS "n!" FROM actor_tallies
        WHERE actor_id = $1
          AND ($2::text IS NULL OR ($2 = 'outstanding' AND status IN ('open', 'in_progress'))
               OR status = $2)
        "#,
        actor_id,
        status,
    )
    .fetch_one(db)
    .await
}

/// Binds a filter's twelve parameters, in the order `FILTER_CONDITIONS` numbers them.
macro_rules! bind_filter {
    ($query:expr, $filter:expr) => {{
        let f: &ObligationFilter = $filter;
        bind_filter!($query, f, f.actor_id)
    }};
    // With the actor's condition bound apart (`None`: asked elsewhere in the statement).
    ($query:expr, $filter:expr, $actor_id:expr) => {{
        let f: &ObligationFilter = $filter;
        $query
            .bind(f.body.as_deref())
            .bind(f.session)
            .bind($actor_id)
            .bind(f.action.as_deref())
            .bind(f.status.as_deref())
            .bind(f.due_from)
            .bind(f.due_to)
            .bind(f.text.as_deref())
            .bind(f.document_id)
            .bind(&f.kinds)
            .bind(f.due_session)
            .bind(f.as_of)
    }};
}

fn stream_planned<'e>(
    db: &'e sqlx::PgPool,
    filter: &'e ObligationFilter,
    sort: ObligationSort,
    limit: Option<i64>,
    offset: i64,
    few: bool,
) -> BoxStream<'e, Result<ObligationRow, sqlx::Error>> {
    if walks_actor_dues(filter, sort) {
        return bind_filter!(
            sqlx::query_as::<_, ObligationRow>(sqlx::AssertSqlSafe(ACTOR_LIST_SQL.as_str())),
            filter,
            None::<i64>
        )
        .bind(sort.as_str())
        .bind(limit)
        .bind(offset)
        .bind(filter.actor_id)
        .fetch(db);
    }
    // Few matches in due order: sort them on the obligation rows alone, then read what a row
    // shows for the page only (see FEW_LIST_SQL).
    if few && matches!(sort, ObligationSort::DueSoonest | ObligationSort::DueLatest) {
        return bind_filter!(
            sqlx::query_as::<_, ObligationRow>(sqlx::AssertSqlSafe(FEW_LIST_SQL.as_str())),
            filter
        )
        .bind(sort.as_str())
        .bind(limit)
        .bind(offset)
        .fetch(db);
    }
    bind_filter!(
        sqlx::query_as::<_, ObligationRow>(sqlx::AssertSqlSafe(LIST_SQL.as_str())),
        filter
    )
    .bind(sort.as_str())
    .bind(limit)
    .bind(offset)
    .bind(few)
    .fetch(db)
}

/// Which obligations a filter matches, written once for the list, its count and the count's
/// estimate (and so for the CSV, calendar, JSON and digest, which read the list): the state
/// as of a day, then the conditions. Parameters $1 to $12 are the filter's, bound by
/// `bind_filter!` in this order.
///
/// Every filter reads the obligation row's own copies (see the migration
/// keep_list_filters_on_obligations), so each has an index and counts stay on one table.
const STATE_AS_OF: &str = r#"
    CROSS JOIN LATERAL (
        -- The state as of a past day: the latest change that had taken effect by then.
        SELECT CASE WHEN $12::date IS NULL THEN o.status
                    ELSE coalesce((SELECT e.status FROM obligation_events e
                                   WHERE e.obligation_id = o.id AND e.effective_on <= $12
                                   ORDER BY e.effective_on DESC, e.id DESC LIMIT 1), 'open')
               END AS status
      ) st
"#;

const FILTER_CONDITIONS: &str = r#"
    o.clause_id IS NOT NULL
    AND ($1::text IS NULL OR o.body = $1)
    AND ($2::int IS NULL OR o.session = $2)
    AND ($3::bigint IS NULL OR o.actor_ids @> ARRAY[$3::bigint])
    AND ($4::text IS NULL OR o.action = $4)
    -- Written so that "outstanding" folds to the predicate of the partial indexes.
    AND ($5::text IS NULL OR ($5 <> 'outstanding' AND st.status = $5)
         OR ($5 = 'outstanding' AND st.status IN ('open', 'in_progress')))
    AND ($6::date IS NULL OR o.due_on >= $6)
    AND ($7::date IS NULL OR o.due_on <= $7)
    AND ($8::text IS NULL OR o.search @@ websearch_to_tsquery('english', $8))
    AND ($9::bigint IS NULL OR o.document_id = $9)
    AND ($12::date IS NULL OR o.adopted_on IS NULL OR o.adopted_on <= $12)
    AND (cardinality($10::text[]) = 0 OR coalesce(o.kind, 'other') = ANY($10))
    AND ($11::int IS NULL OR EXISTS (SELECT 1 FROM deadlines dl
                                     WHERE dl.clause_id = o.clause_id AND dl.kind = 'session'
                                       AND dl.session = $11
                                       AND dl.body = coalesce($1, o.body)))
"#;

/// What a row of the list shows, from the obligation `o`, its state `st`, its clause `c` and
/// its resolution `d`.
const ROW_COLUMNS: &str = r#"
               o.id, st.status, coalesce(o.kind, 'other') AS kind, o.due_on, o.due_from,
               o.due_precision, o.due_words, d.id AS document_id, d.symbol, d.body, d.session,
               o.paragraph_number, c.verb, c.action, c.text AS clause_text,
               coalesce((SELECT string_agg(ca.printed_name, '; ' ORDER BY ca.position)
                         FROM clause_actors ca WHERE ca.clause_id = c.id), '') AS actors,
               (SELECT dl.text FROM deadlines dl WHERE dl.clause_id = c.id
                ORDER BY dl.due_on NULLS LAST LIMIT 1) AS deadline_text,
               coalesce((SELECT bool_or(dl.estimated) FROM deadlines dl
                         WHERE dl.clause_id = c.id AND dl.due_on = o.due_on), false) AS estimated
"#;

// The statements below are made of the constants above alone (no input reaches their text:
// everything the user sends is bound), hence `AssertSqlSafe`.

/// The list: the matches with what a row shows, sorted ($13), `LIMIT $14 OFFSET $15`; $16 is
/// true when the matches are few (see `stream_obligations`).
static LIST_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        r#"
        SELECT {ROW_COLUMNS}
        FROM obligations o
        {STATE_AS_OF}
        JOIN clauses c ON c.id = o.clause_id
        JOIN documents d ON d.id = o.document_id
        WHERE {FILTER_CONDITIONS}
        -- With few matches ($16), `o.due_on + 0` sorts as `o.due_on` but matches no index.
        ORDER BY
          CASE WHEN $13 = 'due_desc' THEN (CASE WHEN $16 THEN o.due_on + 0 ELSE o.due_on END)
          END DESC NULLS LAST,
          CASE WHEN $13 = 'resolution' THEN d.symbol END ASC,
          CASE WHEN $13 = 'status' THEN st.status END ASC,
          CASE WHEN $16 THEN o.due_on + 0 END ASC NULLS LAST,
          o.due_on ASC NULLS LAST, o.id ASC
        LIMIT $14 OFFSET $15
        "#
    )
});

/// The list of an actor's obligations ($16; $3 is bound empty: the actors' condition beside
/// this one made the planner expect a few dozen rows and sort them all) in due order ($13:
/// `due` or `due_desc`), `LIMIT $14 OFFSET $15`: the actor's rows of obligation_actor_dues come in that order from one of its
/// indexes (a custom plan folds the CASE away; the repeated due key is dropped as redundant),
/// and each is checked against the rest of the filter, until a page is full. The order is
/// the list's: its due day and id are the obligation's.
static ACTOR_LIST_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        r#"
        SELECT {ROW_COLUMNS}
        FROM obligation_actor_dues ad
        JOIN obligations o ON o.id = ad.obligation_id
        {STATE_AS_OF}
        JOIN clauses c ON c.id = o.clause_id
        JOIN documents d ON d.id = o.document_id
        WHERE ad.actor_id = $16 AND {FILTER_CONDITIONS}
        ORDER BY
          CASE WHEN $13 = 'due_desc' THEN ad.due_on END DESC NULLS LAST,
          ad.due_on ASC NULLS LAST, ad.obligation_id ASC
        LIMIT $14 OFFSET $15
        "#
    )
});

/// The list when its matches are few (found through an index that yields no order, such as
/// a word's), in due order ($13: `due` or `due_desc`), `LIMIT $14 OFFSET $15`: the matches are
/// sorted on the obligation rows alone and only the page's rows are joined to their clauses
/// and resolutions (joining every match before the sort took 0.3-0.6 s for a word in 20,000
/// obligations at a million, sorting alone 0.1 s). The order is LIST_SQL's.
static FEW_LIST_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        r#"
        WITH page AS MATERIALIZED (
            SELECT o.id, st.status, o.due_on
            FROM obligations o
            {STATE_AS_OF}
            WHERE {FILTER_CONDITIONS}
            -- `o.due_on + 0` sorts as `o.due_on` but matches no index: no walk.
            ORDER BY
              CASE WHEN $13 = 'due_desc' THEN o.due_on + 0 END DESC NULLS LAST,
              o.due_on + 0 ASC NULLS LAST, o.id ASC
            LIMIT $14 OFFSET $15
        )
        SELECT o.id, page.status, coalesce(o.kind, 'other') AS kind, o.due_on, o.due_from,
               o.due_precision, o.due_words, d.id AS document_id, d.symbol, d.body, d.session,
               o.paragraph_number, c.verb, c.action, c.text AS clause_text,
               coalesce((SELECT string_agg(ca.printed_name, '; ' ORDER BY ca.position)
                         FROM clause_actors ca WHERE ca.clause_id = c.id), '') AS actors,
               (SELECT dl.text FROM deadlines dl WHERE dl.clause_id = c.id
                ORDER BY dl.due_on NULLS LAST LIMIT 1) AS deadline_text,
               coalesce((SELECT bool_or(dl.estimated) FROM deadlines dl
                         WHERE dl.clause_id = c.id AND dl.due_on = o.due_on), false) AS estimated
        FROM page
        JOIN obligations o ON o.id = page.id
        JOIN clauses c ON c.id = o.clause_id
        JOIN documents d ON d.id = o.document_id
        ORDER BY
          CASE WHEN $13 = 'due_desc' THEN page.due_on END DESC NULLS LAST,
          page.due_on ASC NULLS LAST, page.id ASC
        "#
    )
});

/// The matches counted, up to `$13` of them.
static COUNT_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT count(*) FROM (SELECT 1 FROM obligations o {STATE_AS_OF} \
         WHERE {FILTER_CONDITIONS} LIMIT $13) matching"
    )
});

/// The planner's estimate of the matches, without counting them.
static ESTIMATE_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM obligations o {STATE_AS_OF} \
         WHERE {FILTER_CONDITIONS}"
    )
});

/// How many obligations the planner expects `filter` to match (no rows are read).
async fn estimate_matches(
    db: impl PgExecutor<'_>,
    filter: &ObligationFilter,
) -> Result<i64, sqlx::Error> {
    let plan: serde_json::Value = bind_filter!(
        sqlx::query_scalar(sqlx::AssertSqlSafe(ESTIMATE_SQL.as_str())),
        filter
    )
    .fetch_one(db)
    .await?;
    Ok(plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as i64)
}

/// Word searches estimated to match more than this are not counted: building the bitmap of
/// a common word's matches to count a thousand of them took 0.1-0.3 s at a million.
const ESTIMATE_ABOVE: i64 = 20_000;

/// How many obligations match `filter`: exactly up to [`COUNT_LIMIT`], and past it about how
/// many in all when that is cheap to know.
pub async fn count_obligations(
    pool: &sqlx::PgPool,
    filter: &ObligationFilter,
) -> Result<MatchCount, sqlx::Error> {
    if let Some(n) = count_from_tallies(pool, filter).await? {
        return Ok(MatchCount {
            count: n.min(COUNT_LIMIT),
            more: n > COUNT_LIMIT,
            about: (n > COUNT_LIMIT).then_some(n),
        });
    }
    let mut tx = pool.begin().await?;
    if filter.text.is_some() {
        let estimate = estimate_matches(&mut *tx, filter).await?;
        if estimate > ESTIMATE_ABOVE {
            return Ok(MatchCount {
                count: COUNT_LIMIT,
                more: true,
                about: Some(estimate),
            });
        }
        // Words cluster (copies of one text sit together), so the planner's hope of meeting
        // 1,001 matches early in a table or index scan fails: 0.2 s at a million for a word
        // in 1 % of rows. Counting from the word's GIN index (bitmap scans) takes 15-35 ms.
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await?;
        sqlx::query("SET LOCAL enable_indexscan = off")
            .execute(&mut *tx)
            .await?;
    }
    let count: i64 = bind_filter!(
        sqlx::query_scalar(sqlx::AssertSqlSafe(COUNT_SQL.as_str())),
        filter
    )
    .bind(COUNT_LIMIT + 1)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(MatchCount {
        count: count.min(COUNT_LIMIT),
        more: count > COUNT_LIMIT,
        about: None,
    })
}

/// The exact number of matches from the tallies the writes keep, when the filter asks only
/// what they count: status, kind and due dates, or an actor and status. None otherwise.
async fn count_from_tallies(
    pool: &sqlx::PgPool,
    filter: &ObligationFilter,
) -> Result<Option<i64>, sqlx::Error> {
    let ObligationFilter {
        body: None,
        session: None,
        due_session: None,
        action: None,
        text: None,
        document_id: None,
        as_of: None,
        ..
    } = filter
    else {
        return Ok(None);
    };
    if let Some(actor_id) = filter.actor_id {
        if filter.due_from.is_some() || filter.due_to.is_some() || !filter.kinds.is_empty() {
            return Ok(None);
        }
        return Ok(Some(
            actor_tally(pool, actor_id, filter.status.as_deref()).await?,
        ));
    }
    let n = sqlx::query_scalar!(
        r#"
        SELECT coalesce(sum(n), 0)::bigint AS "n!" FROM obligation_tallies
        WHERE ($1::text IS NULL OR ($1 = 'outstanding' AND status IN ('open', 'in_progress'))
               OR status = $1)
          AND ($2::date IS NULL OR due_on >= $2)
          AND ($3::date IS NULL OR due_on <= $3)
          AND (cardinality($4::text[]) = 0 OR kind = ANY($4))
        "#,
        filter.status,
        filter.due_from,
        filter.due_to,
        &filter.kinds,
    )
    .fetch_one(pool)
    .await?;
    Ok(Some(n))
}

/// The overview's counts as of a day.
#[derive(Debug, Clone, Default)]
pub struct OverviewCounts {
    pub overdue: i64,
    pub due_soon: i64,
    pub outstanding: i64,
    pub fulfilled: i64,
    pub tracked: i64,
}

pub async fn count_overview(
    db: impl PgExecutor<'_>,
    today: NaiveDate,
    soon_until: NaiveDate,
    as_of: Option<NaiveDate>,
) -> Result<OverviewCounts, sqlx::Error> {
    if as_of.is_none() {
        // What is known now: the tallies the writes keep (see the migration
        // tally_obligations_by_day_and_actor), not a scan of every obligation.
        let row = sqlx::query!(
            r#"
            SELECT
              coalesce(sum(n) FILTER (WHERE status IN ('open', 'in_progress') AND due_on < $1
                                      AND kind = ANY($3)), 0)::bigint AS "overdue!",
              coalesce(sum(n) FILTER (WHERE status IN ('open', 'in_progress') AND due_on >= $1
                                      AND due_on <= $2), 0)::bigint AS "due_soon!",
              coalesce(sum(n) FILTER (WHERE status IN ('open', 'in_progress')), 0)::bigint AS "outstanding!",
              coalesce(sum(n) FILTER (WHERE status = 'fulfilled'), 0)::bigint AS "fulfilled!",
              coalesce(sum(n), 0)::bigint AS "tracked!"
            FROM obligation_tallies
            "#,
            today,
            soon_until,
            &late_kinds(),
        )
        .fetch_one(db)
        .await?;
        return Ok(OverviewCounts {
            overdue: row.overdue,
            due_soon: row.due_soon,
            outstanding: row.outstanding,
            fulfilled: row.fulfilled,
            tracked: row.tracked,
        });
    }
    let row = sqlx::query!(
        r#"
        SELECT
          count(*) FILTER (WHERE st.status IN ('open', 'in_progress') AND o.due_on < $1
                           AND coalesce(o.kind, 'other') = ANY($3)) AS "overdue!",
          count(*) FILTER (WHERE st.status IN ('open', 'in_progress') AND o.due_on >= $1 AND o.due_on <= $2) AS "due_soon!",
          count(*) FILTER (WHERE st.status IN ('open', 'in_progress')) AS "outstanding!",
          count(*) FILTER (WHERE st.status = 'fulfilled') AS "fulfilled!",
          count(*) AS "tracked!"
        FROM obligations o
        CROSS JOIN LATERAL (
            SELECT CASE WHEN $4::date IS NULL THEN o.status
                        ELSE coalesce((SELECT e.status FROM obligation_events e
                                       WHERE e.obligation_id = o.id AND e.effective_on <= $4
                                       ORDER BY e.effective_on DESC, e.id DESC LIMIT 1), 'open')
                   END AS status
          ) st
        WHERE o.clause_id IS NOT NULL
          AND ($4::date IS NULL OR NOT EXISTS (SELECT 1 FROM documents kd
                                                  WHERE kd.id = o.document_id AND kd.adopted_on > $4))
        "#,
        today,
        soon_until,
        &late_kinds(),
        as_of,
    )
    .fetch_one(db)
    .await?;
    Ok(OverviewCounts {
        overdue: row.overdue,
        due_soon: row.due_soon,
        outstanding: row.outstanding,
        fulfilled: row.fulfilled,
        tracked: row.tracked,
    })
}

/// How many obligations of a kind and follow-up status fall in a part of time: before
/// `today` (`past`), from today to the horizon (`soon`), after it (`later`), or without a date
/// (`none`). The state each group is in follows from the kind (`ObligationState::of`).
#[derive(Debug, Clone)]
pub struct KindCount {
    pub kind: String,
    /// `open` (open or in progress), `fulfilled` or `not_applicable`.
    pub status: String,
    pub part: String,
    pub count: i64,
}

pub async fn count_by_kind(
    db: impl PgExecutor<'_>,
    today: NaiveDate,
    soon_until: NaiveDate,
    as_of: Option<NaiveDate>,
) -> Result<Vec<KindCount>, sqlx::Error> {
    if as_of.is_none() {
        return sqlx::query_as!(
            KindCount,
            r#"
            SELECT kind AS "kind!",
                   CASE WHEN status IN ('fulfilled', 'not_applicable') THEN status ELSE 'open' END AS "status!",
                   CASE WHEN due_on IS NULL THEN 'none' WHEN due_on < $1 THEN 'past'
                        WHEN due_on <= $2 THEN 'soon' ELSE 'later' END AS "part!",
                   sum(n)::bigint AS "count!"
            FROM obligation_tallies
            GROUP BY 1, 2, 3 HAVING sum(n) > 0
            "#,
            today,
            soon_until,
        )
        .fetch_all(db)
        .await;
    }
    sqlx::query_as!(
        KindCount,
        r#"
        SELECT coalesce(o.kind, 'other') AS "kind!",
               CASE WHEN st.status IN ('fulfilled', 'not_applicable') THEN st.status ELSE 'open' END AS "status!",
               CASE WHEN o.due_on IS NULL THEN 'none' WHEN o.due_on < $1 THEN 'past'
                    WHEN o.due_on <= $2 THEN 'soon' ELSE 'later' END AS "part!",
               count(*) AS "count!"
        FROM obligations o
        CROSS JOIN LATERAL (
            SELECT CASE WHEN $3::date IS NULL THEN o.status
                        ELSE coalesce((SELECT e.status FROM obligation_events e
                                       WHERE e.obligation_id = o.id AND e.effective_on <= $3
                                       ORDER BY e.effective_on DESC, e.id DESC LIMIT 1), 'open')
                   END AS status
          ) st
        WHERE o.clause_id IS NOT NULL
          AND ($3::date IS NULL OR NOT EXISTS (SELECT 1 FROM documents kd
                                                  WHERE kd.id = o.document_id AND kd.adopted_on > $3))
        GROUP BY 1, 2, 3
        "#,
        today,
        soon_until,
        as_of,
    )
    .fetch_all(db)
    .await
}

/// Obligations per month and state, for the timeline chart.
#[derive(Debug, Clone)]
pub struct MonthCount {
    pub month: NaiveDate,
    pub overdue: i64,
    pub open: i64,
    pub fulfilled: i64,
}

pub async fn count_by_month(
    db: impl PgExecutor<'_>,
    today: NaiveDate,
    from: NaiveDate,
    until: NaiveDate,
    actor_id: Option<i64>,
    as_of: Option<NaiveDate>,
) -> Result<Vec<MonthCount>, sqlx::Error> {
    if as_of.is_none() && actor_id.is_none() {
        return sqlx::query_as!(
            MonthCount,
            r#"
            SELECT date_trunc('month', due_on)::date AS "month!",
              coalesce(sum(n) FILTER (WHERE status IN ('open', 'in_progress') AND due_on < $1
                                      AND kind = ANY($4)), 0)::bigint AS "overdue!",
              coalesce(sum(n) FILTER (WHERE status IN ('open', 'in_progress')
                                      AND (due_on >= $1 OR kind <> ALL($4))), 0)::bigint AS "open!",
              coalesce(sum(n) FILTER (WHERE status = 'fulfilled'), 0)::bigint AS "fulfilled!"
            FROM obligation_tallies
            WHERE due_on >= $2 AND due_on < $3
            GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1
            "#,
            today,
            from,
            until,
            &late_kinds(),
        )
        .fetch_all(db)
        .await;
    }
    sqlx::query_as!(
        MonthCount,
        r#"
        SELECT date_trunc('month', o.due_on)::date AS "month!",
          count(*) FILTER (WHERE st.status IN ('open', 'in_progress') AND o.due_on < $1
                           AND coalesce(o.kind, 'other') = ANY($5)) AS "overdue!",
          count(*) FILTER (WHERE st.status IN ('open', 'in_progress')
                           AND (o.due_on >= $1 OR coalesce(o.kind, 'other') <> ALL($5))) AS "open!",
          count(*) FILTER (WHERE st.status = 'fulfilled') AS "fulfilled!"
        FROM obligations o
        CROSS JOIN LATERAL (
            SELECT CASE WHEN $6::date IS NULL THEN o.status
                        ELSE coalesce((SELECT e.status FROM obligation_events e
                                       WHERE e.obligation_id = o.id AND e.effective_on <= $6
                                       ORDER BY e.effective_on DESC, e.id DESC LIMIT 1), 'open')
                   END AS status
          ) st
        WHERE o.clause_id IS NOT NULL
          AND ($6::date IS NULL OR NOT EXISTS (SELECT 1 FROM documents kd
                                                  WHERE kd.id = o.document_id AND kd.adopted_on > $6)) AND o.due_on >= $2 AND o.due_on < $3
          AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM clause_actors ca
                                             WHERE ca.clause_id = o.clause_id AND ca.actor_id = $4))
        GROUP BY 1 ORDER BY 1
        "#,
        today,
        from,
        until,
        actor_id,
        &late_kinds(),
        as_of,
    )
    .fetch_all(db)
    .await
}

/// One obligation with what the page shows around it.
#[derive(Debug, Clone)]
pub struct ObligationDetail {
    pub id: i64,
    pub status: String,
    pub kind: String,
    pub effective_on: Option<NaiveDate>,
    pub evidence_symbol: Option<String>,
    pub evidence_paragraph: Option<String>,
    /// When its resolution was adopted: before that day nothing of it was known.
    pub adopted_on: Option<NaiveDate>,
    pub due_from: Option<NaiveDate>,
    pub due_precision: Option<String>,
    pub due_words: Option<String>,
    pub fulfilled_by: Option<String>,
    pub note: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    pub due_on: Option<NaiveDate>,
    pub document_id: i64,
    pub symbol: String,
    pub title: Option<String>,
    pub body: String,
    pub paragraph_number: String,
    pub paragraph_text: String,
    pub clause_id: i64,
    pub verb: String,
    pub action: String,
    pub clause_text: String,
    pub deliverables: Vec<String>,
}

pub async fn find_obligation(
    db: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<ObligationDetail>, sqlx::Error> {
    sqlx::query_as!(
        ObligationDetail,
        r#"
        SELECT o.id, o.status, coalesce(o.kind, 'other') AS "kind!", o.effective_on,
               o.evidence_symbol, o.evidence_paragraph, d.adopted_on, o.due_from, o.due_precision,
               o.due_words, o.fulfilled_by, o.note, o.changed_by, o.changed_at, o.due_on,
               d.id AS document_id, d.symbol, d.title, d.body, o.paragraph_number,
               p.text AS paragraph_text, c.id AS clause_id, c.verb, c.action,
               c.text AS clause_text, c.deliverables
        FROM obligations o
        JOIN clauses c ON c.id = o.clause_id
        JOIN paragraphs p ON p.id = c.paragraph_id
        JOIN documents d ON d.id = o.document_id
        WHERE o.id = $1
        "#,
        id
    )
    .fetch_optional(db)
    .await
}

/// A deadline as stored, with the session's opening day where it is a session.
#[derive(Debug, Clone)]
pub struct DeadlineRow {
    pub clause_id: i64,
    pub kind: String,
    pub body: Option<String>,
    pub session: Option<i32>,
    pub text: String,
    pub due_on: Option<NaiveDate>,
    pub estimated: bool,
}

pub async fn list_clause_deadlines(
    db: impl PgExecutor<'_>,
    clause_ids: &[i64],
) -> Result<Vec<DeadlineRow>, sqlx::Error> {
    sqlx::query_as!(
        DeadlineRow,
        r#"
        SELECT clause_id, kind, body, session, text, due_on, estimated
        FROM deadlines WHERE clause_id = ANY($1) ORDER BY clause_id, due_on NULLS LAST, id
        "#,
        clause_ids
    )
    .fetch_all(db)
    .await
}

/// An actor a clause names: canonical and as printed.
#[derive(Debug, Clone)]
pub struct ClauseActorRow {
    pub clause_id: i64,
    pub actor_id: i64,
    pub name: String,
    pub printed_name: String,
}

pub async fn list_clause_actors(
    db: impl PgExecutor<'_>,
    clause_ids: &[i64],
) -> Result<Vec<ClauseActorRow>, sqlx::Error> {
    sqlx::query_as!(
        ClauseActorRow,
        r#"
        SELECT ca.clause_id, a.id AS actor_id, a.name, ca.printed_name
        FROM clause_actors ca JOIN actors a ON a.id = ca.actor_id
        WHERE ca.clause_id = ANY($1) ORDER BY ca.clause_id, ca.position
        "#,
        clause_ids
    )
    .fetch_all(db)
    .await
}

/// A change in an obligation's history.
#[derive(Debug, Clone)]
pub struct ObligationEvent {
    pub status: String,
    pub fulfilled_by: Option<String>,
    pub note: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    /// The day it took effect: the proving document's adoption, or the day a person gave.
    pub effective_on: Option<NaiveDate>,
    /// The document and paragraph that prove an automatic change.
    pub evidence_symbol: Option<String>,
    pub evidence_paragraph: Option<String>,
}

/// An obligation's history, newest effect first; with `as_of`, only what had taken effect by
/// that day.
pub async fn list_obligation_events(
    db: impl PgExecutor<'_>,
    obligation_id: i64,
    as_of: Option<NaiveDate>,
) -> Result<Vec<ObligationEvent>, sqlx::Error> {
    sqlx::query_as!(
        ObligationEvent,
        r#"
        SELECT status, fulfilled_by, note, changed_by, changed_at, effective_on, evidence_symbol,
               evidence_paragraph
        FROM obligation_events
        WHERE obligation_id = $1 AND ($2::date IS NULL OR effective_on <= $2)
        ORDER BY effective_on DESC NULLS FIRST, id DESC
        "#,
        obligation_id,
        as_of,
    )
    .fetch_all(db)
    .await
}

/// A stored resolution's document facts.
#[derive(Debug, Clone)]
pub struct DocumentDetail {
    pub id: i64,
    pub symbol: String,
    pub body: String,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<String>,
    pub agenda_items: Vec<String>,
    pub committee_report: Option<String>,
    pub meeting: Option<String>,
    pub source_name: String,
}

pub async fn find_document(
    db: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<DocumentDetail>, sqlx::Error> {
    sqlx::query_as!(
        DocumentDetail,
        r#"
        SELECT id, symbol, body, session, adopted_on, title, agenda_items, committee_report,
               meeting, source_name
        FROM documents WHERE id = $1
        "#,
        id
    )
    .fetch_optional(db)
    .await
}

pub async fn find_document_id_by_symbol(
    db: impl PgExecutor<'_>,
    symbol: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM documents WHERE symbol = $1", symbol)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone)]
pub struct ParagraphRow {
    pub id: i64,
    pub part: String,
    pub number: Option<String>,
    pub lead: Option<String>,
    pub text: String,
}

pub async fn list_paragraphs(
    db: impl PgExecutor<'_>,
    document_id: i64,
) -> Result<Vec<ParagraphRow>, sqlx::Error> {
    sqlx::query_as!(
        ParagraphRow,
        "SELECT id, part, number, lead, text FROM paragraphs WHERE document_id = $1 ORDER BY position",
        document_id
    )
    .fetch_all(db)
    .await
}

/// A clause of a stored document, with its obligation when tracked.
#[derive(Debug, Clone)]
pub struct ClauseRow {
    pub id: i64,
    pub paragraph_id: i64,
    pub verb: String,
    pub action: String,
    pub tracked: bool,
    pub obligation_id: Option<i64>,
    pub status: Option<String>,
}

pub async fn list_clauses(
    db: impl PgExecutor<'_>,
    document_id: i64,
) -> Result<Vec<ClauseRow>, sqlx::Error> {
    sqlx::query_as!(
        ClauseRow,
        r#"
        SELECT c.id, c.paragraph_id, c.verb, c.action, c.tracked,
               o.id AS "obligation_id?", o.status AS "status?"
        FROM clauses c LEFT JOIN obligations o ON o.clause_id = c.id
        WHERE c.document_id = $1 ORDER BY c.paragraph_id, c.position
        "#,
        document_id
    )
    .fetch_all(db)
    .await
}

/// A citation in either direction, with the stored document's id when it is in the tracker.
#[derive(Debug, Clone)]
pub struct LinkRow {
    pub symbol: String,
    pub relation: String,
    pub document_id: Option<i64>,
    pub title: Option<String>,
}

/// Documents this one cites, once each, in reading order.
pub async fn list_cited(
    db: impl PgExecutor<'_>,
    document_id: i64,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    sqlx::query_as!(
        LinkRow,
        r#"
        SELECT DISTINCT ON (r.cited_symbol) r.cited_symbol AS symbol, r.relation,
               d.id AS "document_id?", d.title AS "title?"
        FROM document_references r LEFT JOIN documents d ON d.symbol = r.cited_symbol
        WHERE r.document_id = $1
        ORDER BY r.cited_symbol, (r.relation = 'cites'), r.id
        "#,
        document_id
    )
    .fetch_all(db)
    .await
}

/// Stored documents that cite this one.
pub async fn list_citing(
    db: impl PgExecutor<'_>,
    symbol: &str,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    sqlx::query_as!(
        LinkRow,
        r#"
        SELECT DISTINCT ON (d.symbol) d.symbol, r.relation, d.id AS "document_id?", d.title
        FROM document_references r JOIN documents d ON d.id = r.document_id
        WHERE r.cited_symbol = $1
        ORDER BY d.symbol, (r.relation = 'cites'), r.id
        "#,
        symbol
    )
    .fetch_all(db)
    .await
}

/// The series a resolution belongs to: stored resolutions of the same body and title, in
/// order of adoption (74/43 -> 75/58 -> 76/28 ...).
#[derive(Debug, Clone)]
pub struct ChainLink {
    pub id: i64,
    pub symbol: String,
    pub adopted_on: Option<NaiveDate>,
}

pub async fn list_follow_up_chain(
    db: impl PgExecutor<'_>,
    document_id: i64,
) -> Result<Vec<ChainLink>, sqlx::Error> {
    sqlx::query_as!(
        ChainLink,
        r#"
        SELECT other.id, other.symbol, other.adopted_on
        FROM documents this
        JOIN documents other ON other.body = this.body AND other.title = this.title
        WHERE this.id = $1
        ORDER BY other.adopted_on NULLS LAST, other.symbol
        "#,
        document_id
    )
    .fetch_all(db)
    .await
}

/// A clause due at a session: agenda inclusions and reports requested for it.
#[derive(Debug, Clone)]
pub struct SessionClause {
    pub clause_id: i64,
    pub obligation_id: Option<i64>,
    pub document_id: i64,
    pub symbol: String,
    pub title: Option<String>,
    pub paragraph_number: String,
    pub verb: String,
    pub action: String,
    pub text: String,
    pub deliverables: Vec<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    /// The document that fulfils it (for an agenda inclusion: the resolution adopted at that
    /// session that shows the item on its agenda).
    pub fulfilled_by: Option<String>,
}

/// The clauses due at a session, in clause order: `limit` of them after the clause `after`
/// (a page of a session that may have ten thousand).
pub async fn list_session_clauses(
    db: impl PgExecutor<'_>,
    body: &str,
    session: i32,
    as_of: Option<NaiveDate>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<SessionClause>, sqlx::Error> {
    sqlx::query_as!(
        SessionClause,
        r#"
        SELECT DISTINCT ON (dl.clause_id) c.id AS clause_id, o.id AS "obligation_id?",
               d.id AS document_id, d.symbol, d.title,
               p.number AS "paragraph_number!", c.verb, c.action, c.text, c.deliverables,
               st.status AS "status?", o.kind AS "kind?", st.fulfilled_by AS "fulfilled_by?"
        FROM deadlines dl
        JOIN clauses c ON c.id = dl.clause_id
        JOIN paragraphs p ON p.id = c.paragraph_id
        JOIN documents d ON d.id = c.document_id
        LEFT JOIN obligations o ON o.clause_id = c.id
        -- The state as of a past day: the latest change that had taken effect by then.
        LEFT JOIN LATERAL (
            (SELECT e.status, e.fulfilled_by FROM obligation_events e
             WHERE $3::date IS NOT NULL AND e.obligation_id = o.id AND e.effective_on <= $3
             ORDER BY e.effective_on DESC, e.id DESC LIMIT 1)
            UNION ALL
            SELECT o.status, o.fulfilled_by WHERE $3::date IS NULL AND o.id IS NOT NULL
        ) st ON true
        WHERE dl.kind = 'session' AND dl.body = $1 AND dl.session = $2
          AND ($4::bigint IS NULL OR dl.clause_id > $4)
          AND ($3::date IS NULL OR d.adopted_on IS NULL OR d.adopted_on <= $3)
        -- The index on (body, session, clause_id) yields this order: LIMIT stops the walk.
        ORDER BY dl.clause_id
        LIMIT $5
        "#,
        body,
        session,
        as_of,
        after,
        limit,
    )
    .fetch_all(db)
    .await
}

/// How many clauses due at a session come before the clause `after` and with it: where a page
/// of the agenda starts.
pub async fn count_session_clauses_before(
    db: impl PgExecutor<'_>,
    body: &str,
    session: i32,
    as_of: Option<NaiveDate>,
    after: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        SELECT count(DISTINCT dl.clause_id) AS "n!"
        FROM deadlines dl
        WHERE dl.kind = 'session' AND dl.body = $1 AND dl.session = $2 AND dl.clause_id <= $4
          AND ($3::date IS NULL OR EXISTS (
                SELECT 1 FROM clauses c JOIN documents d ON d.id = c.document_id
                WHERE c.id = dl.clause_id AND (d.adopted_on IS NULL OR d.adopted_on <= $3)))
        "#,
        body,
        session,
        as_of,
        after,
    )
    .fetch_one(db)
    .await
}

/// Sessions that some deadline names, newest first, for the agenda page's chooser.
#[derive(Debug, Clone)]
pub struct SessionChoice {
    pub body: String,
    pub session: i32,
    pub opens_on: Option<NaiveDate>,
    pub items: i64,
}

pub async fn list_sessions_with_deadlines(
    db: impl PgExecutor<'_>,
) -> Result<Vec<SessionChoice>, sqlx::Error> {
    sqlx::query_as!(
        SessionChoice,
        r#"
        SELECT n.body, n.session, s.opens_on AS "opens_on?", n.items
        -- Kept by the writes (see the migration page_the_agenda_and_keep_session_counts).
        FROM session_item_counts n
        LEFT JOIN sessions s ON s.body = n.body AND s.session = n.session
        WHERE n.items > 0
        ORDER BY n.body, n.session DESC
        "#
    )
    .fetch_all(db)
    .await
}

/// Canonical actors with how many outstanding obligations name them.
#[derive(Debug, Clone)]
pub struct ActorRow {
    pub id: i64,
    pub name: String,
    pub outstanding: i64,
}

pub async fn list_actors(db: impl PgExecutor<'_>) -> Result<Vec<ActorRow>, sqlx::Error> {
    sqlx::query_as!(
        ActorRow,
        r#"
        SELECT a.id, a.name,
               coalesce(sum(t.n) FILTER (WHERE t.status IN ('open', 'in_progress')), 0)::bigint
                 AS "outstanding!"
        FROM actors a
        -- Kept by the writes (see the migration tally_obligations_by_day_and_actor).
        LEFT JOIN actor_tallies t ON t.actor_id = a.id
        GROUP BY a.id, a.name
        ORDER BY 3 DESC, a.name
        "#
    )
    .fetch_all(db)
    .await
}

/// An actor's id and name, for choosing one.
#[derive(Debug, Clone)]
pub struct ActorName {
    pub id: i64,
    pub name: String,
}

/// Every canonical actor by name (the list filter's choices; no counts, so no scan).
pub async fn list_actor_names(db: impl PgExecutor<'_>) -> Result<Vec<ActorName>, sqlx::Error> {
    sqlx::query_as!(ActorName, "SELECT id, name FROM actors ORDER BY name")
        .fetch_all(db)
        .await
}

pub async fn find_actor_name(
    db: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT name FROM actors WHERE id = $1", id)
        .fetch_optional(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn about(n: i64) -> Option<String> {
        MatchCount {
            count: COUNT_LIMIT,
            more: true,
            about: Some(n),
        }
        .about_words()
    }

    #[test]
    fn counts_past_the_limit_read_to_three_figures() {
        assert_eq!(about(12_437).as_deref(), Some("12,400"));
        assert_eq!(about(1_001).as_deref(), Some("1,000"));
        assert_eq!(about(1_235).as_deref(), Some("1,240"));
        assert_eq!(about(999_999).as_deref(), Some("1,000,000"));
        assert_eq!(about(390_519).as_deref(), Some("391,000"));
        assert_eq!(
            MatchCount {
                count: 3,
                more: false,
                about: None
            }
            .about_words(),
            None
        );
    }
}
