//! Query results kept for as long as what they were read from has not changed.
//!
//! Each request reads the database's data version once when it arrives (`auth::gate`). The
//! version moves when a transaction that changed anything a page reads commits, in this
//! process or any other (writes that pages do not show, such as sign-in throttles, the audit
//! log or a feed's last use, leave it), and each version's commit writes a line saying what
//! it changed (see the migration log_what_each_data_version_changed). When the version has
//! moved, the cache reads those lines and drops the results they can touch, each of which
//! says what it was read from (`DependsOn`): a change of one obligation's state drops the
//! lists whose filter can match it and the totals, not the rest. A page therefore never shows
//! data older than the database it asked. Results are loaded after the version is read, and
//! stored only by requests at the cache's own version, so what is stored is never older than
//! the version it is kept at. Concurrent requests for a missing entry wait for one load
//! instead of each running it.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sqlx::PgPool;
use tokio::sync::OnceCell;

use super::AppError;
use crate::store::{self, DataVersion, DependsOn};

/// The database version a request reads at, taken once when it arrives (by `auth::gate`) and
/// used for every cached result of the request. None: load everything afresh.
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot(pub Option<DataVersion>);

impl<S: Send + Sync> FromRequestParts<S> for Snapshot {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(parts
            .extensions
            .get::<Snapshot>()
            .copied()
            .unwrap_or_default())
    }
}

/// Entries kept at once; past this the cache starts over.
const CAPACITY: usize = 4096;

type Entry = Arc<dyn Any + Send + Sync>;

struct Kept {
    depends: DependsOn,
    value: Entry,
}

#[derive(Default)]
pub struct ResultCache {
    enabled: bool,
    state: Mutex<CacheState>,
    /// Held while reading what changed, so that one request does it for all.
    catching_up: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct CacheState {
    /// The version every kept entry holds for.
    at: Option<DataVersion>,
    entries: HashMap<String, Kept>,
}

impl CacheState {
    fn start_over(&mut self, at: DataVersion) {
        self.entries.clear();
        self.at = Some(at);
    }

    /// Drops what `changes` touch; the rest holds at the version they bring.
    fn apply(&mut self, since: DataVersion, changes: &store::Changes) {
        let Some(to) = changes.to else { return };
        if self.at != Some(since) || to.epoch != since.epoch {
            // Another database under us (a restore): nothing kept holds.
            self.start_over(to);
            return;
        }
        let before = self.entries.len();
        self.entries
            .retain(|_, kept| !kept.depends.touched_by(changes));
        crate::metrics::count(
            crate::metrics::CACHE_DROPPED,
            &[],
            (before - self.entries.len()) as u64,
        );
        self.at = Some(to);
    }
}

impl ResultCache {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            ..Self::default()
        }
    }

    /// The version of the database as it is now, when results are kept, with the cache
    /// brought up to it: the results that changes since touch are dropped.
    pub async fn snapshot(&self, pool: &PgPool) -> Result<Snapshot, sqlx::Error> {
        if !self.enabled {
            return Ok(Snapshot(None));
        }
        let now = store::read_data_version(pool).await?;
        if self.holds_at(now) {
            return Ok(Snapshot(Some(now)));
        }
        let _one_at_a_time = self.catching_up.lock().await;
        let (since, words) = {
            let mut state = self.lock();
            match state.at {
                _ if state
                    .at
                    .is_some_and(|at| at.epoch == now.epoch && at.version >= now.version) =>
                {
                    return Ok(Snapshot(state.at));
                }
                Some(at) if at.epoch == now.epoch => {
                    let mut words: Vec<String> = state
                        .entries
                        .values()
                        .filter_map(|kept| kept.depends.words())
                        .map(str::to_string)
                        .collect();
                    words.sort_unstable();
                    words.dedup();
                    (at, words)
                }
                // The first request, or another database (a restore): nothing kept holds.
                _ => {
                    state.start_over(now);
                    return Ok(Snapshot(Some(now)));
                }
            }
        };
        let changes = store::read_changes_since(pool, since.version, &words).await?;
        let mut state = self.lock();
        state.apply(since, &changes);
        // The version caught up to is at least as new as the one read on arrival: the
        // request may ask for it.
        let caught_up = state
            .at
            .filter(|at| at.epoch == now.epoch && at.version >= now.version);
        Ok(Snapshot(Some(caught_up.unwrap_or(now))))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn holds_at(&self, now: DataVersion) -> bool {
        self.lock().at == Some(now)
    }

    /// The result stored under `key` for the database at `snapshot` or later, or what `load`
    /// returns (then stored, to be dropped when a change touches what `depends` says it
    /// reads). Errors are not stored.
    pub async fn get_or_load<T, F, Fut>(
        &self,
        snapshot: &Snapshot,
        key: String,
        depends: DependsOn,
        load: F,
    ) -> Result<Arc<T>, AppError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let Some(asked) = snapshot.0.filter(|_| self.enabled) else {
            return load().await.map(Arc::new);
        };
        let key = format!("{}\u{0}{key}", std::any::type_name::<T>());
        let cell: Option<Arc<OnceCell<Arc<T>>>> = {
            let mut state = self.lock();
            match state.at {
                // Kept entries hold at the cache's version; a request that asked an older
                // one may read them (they are newer) but not store what it loads (it may
                // be older than the cache's version).
                Some(at) if at.epoch == asked.epoch && at.version >= asked.version => {
                    if at.version == asked.version && state.entries.len() >= CAPACITY {
                        state.entries.clear();
                    }
                    let found = state
                        .entries
                        .get(&key)
                        .and_then(|kept| kept.value.clone().downcast::<OnceCell<Arc<T>>>().ok());
                    match found {
                        // One being loaded by a request at the cache's version holds too; an
                        // older request would store what it loads if that load failed.
                        Some(cell) if at.version == asked.version || cell.initialized() => {
                            Some(cell)
                        }
                        Some(_) => None,
                        None if at.version == asked.version => {
                            let entry = Arc::new(OnceCell::<Arc<T>>::new()) as Entry;
                            state.entries.insert(
                                key,
                                Kept {
                                    depends,
                                    value: entry.clone(),
                                },
                            );
                            entry.downcast::<OnceCell<Arc<T>>>().ok()
                        }
                        None => None,
                    }
                }
                // The cache has not caught up with this request: nothing kept holds for it.
                _ => None,
            }
        };
        let outcome = match &cell {
            Some(cell) if cell.initialized() => "hit",
            _ => "miss",
        };
        crate::metrics::count(crate::metrics::CACHE, &[("outcome", outcome)], 1);
        match cell {
            Some(cell) => cell
                .get_or_try_init(|| async { load().await.map(Arc::new) })
                .await
                .cloned(),
            None => load().await.map(Arc::new),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn at(version: i64) -> DataVersion {
        DataVersion { epoch: 1, version }
    }

    /// Loads `key` through `cache` at `version`, counting loads in `loads`.
    async fn load(
        cache: &ResultCache,
        version: i64,
        key: &str,
        depends: DependsOn,
        loads: &AtomicUsize,
    ) -> usize {
        *cache
            .get_or_load(
                &Snapshot(Some(at(version))),
                key.into(),
                depends,
                || async { Ok::<_, AppError>(loads.fetch_add(1, Ordering::SeqCst) + 1) },
            )
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn disabled_cache_always_loads() {
        let cache = ResultCache::new(false);
        let loads = AtomicUsize::new(0);
        assert_eq!(load(&cache, 1, "k", DependsOn::Documents, &loads).await, 1);
        assert_eq!(load(&cache, 1, "k", DependsOn::Documents, &loads).await, 2);
    }

    #[tokio::test]
    async fn a_change_drops_only_the_results_it_touches() {
        let cache = ResultCache::new(true);
        cache.lock().start_over(at(10));
        let loads = AtomicUsize::new(0);
        let actor = |id| DependsOn::Actor(id);
        assert_eq!(load(&cache, 10, "a3", actor(3), &loads).await, 1);
        assert_eq!(load(&cache, 10, "a4", actor(4), &loads).await, 2);
        assert_eq!(load(&cache, 10, "a3", actor(3), &loads).await, 1, "kept");
        // Version 11 changed the state of an obligation naming actor 3.
        let changes = store::Changes {
            to: Some(at(11)),
            obligations: vec![store::ChangedObligation {
                tracked: true,
                actor_ids: vec![3],
                ..Default::default()
            }],
            ..Default::default()
        };
        cache.lock().apply(at(10), &changes);
        assert_eq!(
            load(&cache, 11, "a4", actor(4), &loads).await,
            2,
            "untouched"
        );
        assert_eq!(
            load(&cache, 11, "a3", actor(3), &loads).await,
            3,
            "read again"
        );
        assert_eq!(load(&cache, 11, "a3", actor(3), &loads).await, 3);
        // A request that read version 10 before the cache moved on may read what holds at
        // 11, but what it loads itself is not kept (it may be older than 11).
        assert_eq!(load(&cache, 10, "a4", actor(4), &loads).await, 2);
        assert_eq!(load(&cache, 10, "a5", actor(5), &loads).await, 4);
        assert_eq!(load(&cache, 11, "a5", actor(5), &loads).await, 5);
        // A request newer than the cache finds nothing kept for it.
        assert_eq!(load(&cache, 12, "a4", actor(4), &loads).await, 6);
        // Anything changed: everything goes.
        let anything = store::Changes {
            to: Some(at(12)),
            everything: true,
            ..Default::default()
        };
        cache.lock().apply(at(11), &anything);
        assert_eq!(load(&cache, 12, "a4", actor(4), &loads).await, 7);
    }

    #[tokio::test]
    async fn another_database_under_the_cache_starts_it_over() {
        let cache = ResultCache::new(true);
        cache.lock().start_over(at(10));
        let loads = AtomicUsize::new(0);
        assert_eq!(load(&cache, 10, "k", DependsOn::Documents, &loads).await, 1);
        let restored = DataVersion {
            epoch: 2,
            version: 3,
        };
        let changes = store::Changes {
            to: Some(restored),
            ..Default::default()
        };
        cache.lock().apply(at(10), &changes);
        let again = *cache
            .get_or_load(
                &Snapshot(Some(restored)),
                "k".into(),
                DependsOn::Documents,
                || async { Ok::<_, AppError>(loads.fetch_add(1, Ordering::SeqCst) + 1) },
            )
            .await
            .unwrap();
        assert_eq!(again, 2);
    }
}
