//! What changed since a data version: the line each version's commit writes (see the
//! migration log_what_each_data_version_changed), the facts of the obligations it names, and
//! which kept results such a change can touch.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::ObligationFilter;

/// Where the database stands: equal for two reads exactly when nothing pages show changed in
/// between. The epoch is the version table's own identity, so a restored or another database
/// never passes for this one at a lower version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataVersion {
    pub epoch: i64,
    pub version: i64,
}

pub async fn read_data_version(pool: &PgPool) -> Result<DataVersion, sqlx::Error> {
    let row =
        sqlx::query!(r#"SELECT tableoid::oid::bigint AS "epoch!", version FROM data_version"#)
            .fetch_one(pool)
            .await?;
    Ok(DataVersion {
        epoch: row.epoch,
        version: row.version,
    })
}

/// An obligation whose follow-up state changed, with what lists filter it by (none of which
/// such a change moves).
#[derive(Debug, Clone, Default)]
pub struct ChangedObligation {
    pub id: i64,
    /// It has a clause (only such obligations are listed or counted).
    pub tracked: bool,
    pub body: Option<String>,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub actor_ids: Vec<i64>,
    pub action: Option<String>,
    pub document_id: i64,
    pub kind: String,
    pub due_on: Option<NaiveDate>,
    /// The sessions its deadlines name (body, session).
    pub due_sessions: Vec<(String, i32)>,
    /// Of the searches asked about, those whose words its paragraph holds.
    pub words: Vec<String>,
}

/// What changed from one version to another.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// The version these changes bring a reader to.
    pub to: Option<DataVersion>,
    /// Anything may have changed: a change said so, or the log no longer reaches back.
    pub everything: bool,
    pub accounts: bool,
    /// The obligations whose follow-up state changed.
    pub obligations: Vec<ChangedObligation>,
}

/// The changes after version `since`, up to the version now, read in one snapshot with the
/// facts of the obligations they name; `words` are the searches whose matches to check.
pub async fn read_changes_since(
    pool: &PgPool,
    since: i64,
    words: &[String],
) -> Result<Changes, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let now =
        sqlx::query!(r#"SELECT tableoid::oid::bigint AS "epoch!", version FROM data_version"#)
            .fetch_one(&mut *tx)
            .await?;
    let to = DataVersion {
        epoch: now.epoch,
        version: now.version,
    };
    let lines = sqlx::query!(
        r#"
        SELECT version, obligation_ids, accounts FROM data_changes
        WHERE version > $1 AND version <= $2 ORDER BY version
        "#,
        since,
        to.version,
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut changes = Changes {
        to: Some(to),
        // A version moved without its line (pruned, or written by hand): anything changed.
        everything: lines.len() as i64 != to.version - since,
        ..Changes::default()
    };
    let mut ids = Vec::new();
    for line in lines {
        changes.accounts |= line.accounts;
        match line.obligation_ids {
            Some(more) => ids.extend(more),
            None => changes.everything = true,
        }
    }
    if changes.everything || ids.is_empty() {
        return Ok(changes);
    }
    ids.sort_unstable();
    ids.dedup();
    let rows = sqlx::query!(
        r#"
        SELECT o.id, o.clause_id IS NOT NULL AS "tracked!", o.body, o.session, o.adopted_on,
               o.actor_ids, o.action, o.document_id, coalesce(o.kind, 'other') AS "kind!",
               o.due_on,
               ARRAY(SELECT dl.body FROM deadlines dl
                     WHERE dl.clause_id = o.clause_id AND dl.kind = 'session'
                       AND dl.body IS NOT NULL AND dl.session IS NOT NULL ORDER BY dl.id)
                 AS "due_bodies!",
               ARRAY(SELECT dl.session FROM deadlines dl
                     WHERE dl.clause_id = o.clause_id AND dl.kind = 'session'
                       AND dl.body IS NOT NULL AND dl.session IS NOT NULL ORDER BY dl.id)
                 AS "due_sessions!",
               ARRAY(SELECT w FROM unnest($2::text[]) w
                     WHERE o.search @@ websearch_to_tsquery('english', w)) AS "words!"
        FROM obligations o WHERE o.id = ANY($1)
        "#,
        &ids,
        words,
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    // An obligation gone since (deleted with its document): that was a change of anything.
    if rows.len() != ids.len() {
        changes.everything = true;
        return Ok(changes);
    }
    changes.obligations = rows
        .into_iter()
        .map(|r| ChangedObligation {
            id: r.id,
            tracked: r.tracked,
            body: r.body,
            session: r.session,
            adopted_on: r.adopted_on,
            actor_ids: r.actor_ids,
            action: r.action,
            document_id: r.document_id,
            kind: r.kind,
            due_on: r.due_on,
            due_sessions: r.due_bodies.into_iter().zip(r.due_sessions).collect(),
            words: r.words,
        })
        .collect();
    Ok(changes)
}

/// What a kept result was read from, so that a change drops only the results it can touch.
#[derive(Debug, Clone)]
pub enum DependsOn {
    /// Texts, clauses, sessions, actors and series alone: what imports, corrections, the
    /// calendar and curation change, never a follow-up state.
    Documents,
    /// Accounts and sign-ins (and documents).
    Accounts,
    /// Every obligation's follow-up state (totals, the overview).
    AnyObligation,
    /// The obligations a list's filter could match, whatever their state.
    Filter(Box<ObligationFilter>),
    /// The obligations that name an actor.
    Actor(i64),
    /// The obligations due at a session.
    Session { body: String, session: i32 },
}

impl DependsOn {
    /// The search whose matches a change must be checked against, if any.
    pub fn words(&self) -> Option<&str> {
        match self {
            DependsOn::Filter(f) => f.text.as_deref(),
            _ => None,
        }
    }

    /// Whether `changes` can have changed what was read.
    pub fn touched_by(&self, changes: &Changes) -> bool {
        if changes.everything {
            return true;
        }
        let any = |test: &dyn Fn(&ChangedObligation) -> bool| changes.obligations.iter().any(test);
        match self {
            DependsOn::Documents => false,
            DependsOn::Accounts => changes.accounts,
            DependsOn::AnyObligation => !changes.obligations.is_empty(),
            DependsOn::Filter(filter) => any(&|o| filter.could_match(o)),
            DependsOn::Actor(id) => any(&|o| o.tracked && o.actor_ids.contains(id)),
            DependsOn::Session { body, session } => any(&|o| {
                o.due_sessions
                    .iter()
                    .any(|(b, s)| b == body && s == session)
            }),
        }
    }
}

impl ObligationFilter {
    /// Whether `o` can be among this filter's matches in some follow-up state: every
    /// condition but the state's, as `FILTER_CONDITIONS` writes them.
    pub fn could_match(&self, o: &ChangedObligation) -> bool {
        let text = |v: &Option<String>, w: &Option<String>| {
            v.as_ref().is_none_or(|v| Some(v) == w.as_ref())
        };
        o.tracked
            && text(&self.body, &o.body)
            && self.session.is_none_or(|s| o.session == Some(s))
            && self.actor_id.is_none_or(|a| o.actor_ids.contains(&a))
            && text(&self.action, &o.action)
            && self
                .due_from
                .is_none_or(|d| o.due_on.is_some_and(|due| due >= d))
            && self
                .due_to
                .is_none_or(|d| o.due_on.is_some_and(|due| due <= d))
            && self.text.as_ref().is_none_or(|t| o.words.contains(t))
            && self.document_id.is_none_or(|d| o.document_id == d)
            && self
                .as_of
                .is_none_or(|day| o.adopted_on.is_none_or(|adopted| adopted <= day))
            && (self.kinds.is_empty() || self.kinds.contains(&o.kind))
            && self.due_session.is_none_or(|s| {
                let body = self.body.as_ref().or(o.body.as_ref());
                o.due_sessions
                    .iter()
                    .any(|(b, n)| *n == s && Some(b) == body)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// An outstanding request of the Secretary-General (actor 3) in a GA 75 resolution, due at
    /// the 77th session on 13 September 2022.
    fn request() -> ChangedObligation {
        ChangedObligation {
            id: 7,
            tracked: true,
            body: Some("GA".into()),
            session: Some(75),
            adopted_on: Some(day("2020-12-07")),
            actor_ids: vec![3, 9],
            action: Some("request".into()),
            document_id: 2,
            kind: "deliverable".into(),
            due_on: Some(day("2022-09-13")),
            due_sessions: vec![("GA".into(), 77)],
            words: vec!["report".into()],
        }
    }

    fn changed(o: ChangedObligation) -> Changes {
        Changes {
            obligations: vec![o],
            ..Changes::default()
        }
    }

    fn filter(query: &str) -> ObligationFilter {
        serde_urlencoded::from_str::<super::super::ListQuery>(query)
            .unwrap()
            .filter()
            .unwrap()
    }

    #[test]
    fn a_list_depends_on_the_obligations_its_filter_can_match_in_any_state() {
        let o = request();
        for matching in [
            "",
            "status=fulfilled",
            "body=GA&actor=3&status=outstanding&sort=due_desc",
            "session=75&action=request&kind=deliverable",
            "due_from=2022-01-01&due_to=2022-12-31",
            "due_session=77",
            "body=GA&due_session=77",
            "q=report",
            "resolution=2",
            "as_of=2021-01-01&status=open",
            "state=overdue",
        ] {
            assert!(filter(matching).could_match(&o), "{matching}");
        }
        for other in [
            "body=SC",
            "actor=4",
            "session=76",
            "action=call",
            "kind=event",
            "due_from=2023-01-01",
            "due_to=2022-09-12",
            "due_session=78",
            "body=HRC&due_session=77",
            "q=women",
            "resolution=5",
            "as_of=2020-01-01",
        ] {
            assert!(!filter(other).could_match(&o), "{other}");
        }
        // Without a clause it is on no list; without a due day, on no dated one.
        let untracked = ChangedObligation {
            tracked: false,
            ..request()
        };
        assert!(!filter("").could_match(&untracked));
        let undated = ChangedObligation {
            due_on: None,
            ..request()
        };
        assert!(filter("body=GA").could_match(&undated));
        assert!(!filter("due_from=2000-01-01").could_match(&undated));
    }

    #[test]
    fn a_change_of_state_touches_totals_and_what_names_it_only() {
        let changes = changed(request());
        assert!(DependsOn::AnyObligation.touched_by(&changes));
        assert!(DependsOn::Actor(9).touched_by(&changes));
        assert!(!DependsOn::Actor(4).touched_by(&changes));
        let session = |body: &str, session| DependsOn::Session {
            body: body.into(),
            session,
        };
        assert!(session("GA", 77).touched_by(&changes));
        assert!(!session("GA", 76).touched_by(&changes));
        assert!(!session("HRC", 77).touched_by(&changes));
        assert!(DependsOn::Filter(Box::new(filter("actor=3"))).touched_by(&changes));
        assert!(!DependsOn::Filter(Box::new(filter("body=SC"))).touched_by(&changes));
        assert!(!DependsOn::Documents.touched_by(&changes));
        assert!(!DependsOn::Accounts.touched_by(&changes));
    }

    #[test]
    fn accounts_and_anything_touch_what_they_say() {
        let accounts = Changes {
            accounts: true,
            ..Changes::default()
        };
        assert!(DependsOn::Accounts.touched_by(&accounts));
        assert!(!DependsOn::AnyObligation.touched_by(&accounts));
        assert!(!DependsOn::Filter(Box::new(filter(""))).touched_by(&accounts));
        let anything = Changes {
            everything: true,
            ..Changes::default()
        };
        for depends in [
            DependsOn::Documents,
            DependsOn::Accounts,
            DependsOn::Actor(1),
            DependsOn::Filter(Box::new(filter("body=SC"))),
        ] {
            assert!(depends.touched_by(&anything), "{depends:?}");
        }
    }
}
