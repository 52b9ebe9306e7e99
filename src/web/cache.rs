//! Query results kept for as long as the database has not changed.
//!
//! The key of every entry includes the database's data version (`data_version`), which moves
//! when a transaction that changed anything a page reads commits, in this process or any
//! other (writes that pages do not show, such as sign-in throttles, the audit log or a feed's
//! last use, leave it). A page therefore never shows data older than the database it asked:
//! one cheap query per request decides whether the stored result still holds. Results are loaded after the
//! snapshot is read, so what is stored is never older than its key. Concurrent requests for a
//! missing entry wait for one load instead of each running it.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sqlx::PgPool;
use tokio::sync::OnceCell;

use super::AppError;
use crate::store;

/// The database snapshot a request reads at, taken once when it arrives (by `auth::gate`) and
/// used for every cached result of the request. None: load everything afresh.
#[derive(Debug, Clone, Default)]
pub struct Snapshot(pub Option<Arc<str>>);

impl<S: Send + Sync> FromRequestParts<S> for Snapshot {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(parts
            .extensions
            .get::<Snapshot>()
            .cloned()
            .unwrap_or_default())
    }
}

/// Entries kept for one snapshot; past this the cache starts over.
const CAPACITY: usize = 4096;

type Entry = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct ResultCache {
    enabled: bool,
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    snapshot: String,
    entries: HashMap<String, Entry>,
}

impl ResultCache {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            state: Mutex::default(),
        }
    }

    /// The snapshot of the database as it is now, when results are kept.
    pub async fn snapshot(&self, pool: &PgPool) -> Result<Snapshot, sqlx::Error> {
        if !self.enabled {
            return Ok(Snapshot(None));
        }
        Ok(Snapshot(Some(store::database_snapshot(pool).await?.into())))
    }

    /// The result stored under `key` for the database at `snapshot`, or what `load` returns
    /// (then stored). Errors are not stored.
    pub async fn get_or_load<T, F, Fut>(
        &self,
        snapshot: &Snapshot,
        key: String,
        load: F,
    ) -> Result<Arc<T>, AppError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let Some(snapshot) = snapshot.0.as_deref().filter(|_| self.enabled) else {
            return load().await.map(Arc::new);
        };
        let key = format!("{}\u{0}{key}", std::any::type_name::<T>());
        let cell: Option<Arc<OnceCell<Arc<T>>>> = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.snapshot != snapshot || state.entries.len() >= CAPACITY {
                state.entries.clear();
                state.snapshot = snapshot.to_string();
            }
            let entry = state
                .entries
                .entry(key)
                .or_insert_with(|| Arc::new(OnceCell::<Arc<T>>::new()) as Entry)
                .clone();
            entry.downcast::<OnceCell<Arc<T>>>().ok()
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
            // The type is part of the key, so this cannot happen; load without storing.
            None => load().await.map(Arc::new),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn disabled_cache_always_loads() {
        let cache = ResultCache::new(false);
        let snapshot = Snapshot(Some("1:1:".into()));
        let loads = std::sync::atomic::AtomicUsize::new(0);
        for round in 1..=2 {
            let v = cache
                .get_or_load(&snapshot, "k".into(), || async {
                    Ok::<_, AppError>(loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1)
                })
                .await
                .unwrap();
            assert_eq!(*v, round);
        }
    }

    #[tokio::test]
    async fn results_are_kept_per_snapshot() {
        let cache = ResultCache::new(true);
        let loads = std::sync::atomic::AtomicUsize::new(0);
        let load = |snapshot: &'static str| {
            let cache = &cache;
            let loads = &loads;
            async move {
                *cache
                    .get_or_load(&Snapshot(Some(snapshot.into())), "k".into(), || async {
                        Ok::<_, AppError>(
                            loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1,
                        )
                    })
                    .await
                    .unwrap()
            }
        };
        assert_eq!(load("10:12:11").await, 1);
        assert_eq!(load("10:12:11").await, 1, "same snapshot: kept");
        assert_eq!(load("10:13:").await, 2, "a write committed: loaded again");
        assert_eq!(load("10:13:").await, 2);
    }
}
