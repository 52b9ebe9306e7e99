//! An actor's own figures: their obligations counted by the year they fall due and by state.

use chrono::NaiveDate;
use sqlx::PgExecutor;

/// One year of an actor's obligations (the year of the last day of each one's window; None
/// for obligations with no date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorYear {
    pub year: Option<i32>,
    /// Outstanding, of a kind that can be late, and past its last day.
    pub overdue: i64,
    /// Outstanding (open or in progress), overdue ones included.
    pub outstanding: i64,
    pub fulfilled: i64,
    pub not_applicable: i64,
    pub total: i64,
}

/// An actor's obligations by year and state. The GIN index on `actor_ids` finds them.
pub async fn count_actor_by_year(
    db: impl PgExecutor<'_>,
    actor_id: i64,
    today: NaiveDate,
    late_kinds: &[String],
) -> Result<Vec<ActorYear>, sqlx::Error> {
    sqlx::query_as!(
        ActorYear,
        r#"
        SELECT extract(year FROM o.due_on)::int AS "year?",
               count(*) FILTER (WHERE o.status IN ('open', 'in_progress') AND o.due_on < $2
                                  AND coalesce(o.kind, 'other') = ANY($3)) AS "overdue!",
               count(*) FILTER (WHERE o.status IN ('open', 'in_progress')) AS "outstanding!",
               count(*) FILTER (WHERE o.status = 'fulfilled') AS "fulfilled!",
               count(*) FILTER (WHERE o.status = 'not_applicable') AS "not_applicable!",
               count(*) AS "total!"
        FROM obligations o
        WHERE o.actor_ids @> ARRAY[$1::bigint]
        GROUP BY 1
        ORDER BY 1 NULLS LAST
        "#,
        actor_id,
        today,
        late_kinds
    )
    .fetch_all(db)
    .await
}
