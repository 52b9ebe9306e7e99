//! Query results kept for as long as the database has not changed.
//!
//! The key of every entry includes PostgreSQL's current snapshot (`pg_current_snapshot()`),
//! which changes whenever a transaction that wrote anything commits, in this process or any
//! other. A page therefore never shows data older than the database it asked: one cheap query
//! per request decides whether the stored result still holds. Results are loaded after the
//! snapshot is read, so what is stored is never older than its key. Concurrent requests for a
//! missing entry wait for one load instead of each running it.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use sqlx::PgPool;
use tokio::sync::OnceCell;

use super::AppError;
use crate::store;

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

    /// The result stored under `key` for the database as it is now, or what `load` returns
    /// (then stored). Errors are not stored.
    pub async fn get_or_load<T, F, Fut>(
        &self,
        pool: &PgPool,
        key: String,
        load: F,
    ) -> Result<Arc<T>, AppError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        if !self.enabled {
            return load().await.map(Arc::new);
        }
        let snapshot = store::database_snapshot(pool).await?;
        let key = format!("{}\u{0}{key}", std::any::type_name::<T>());
        let cell: Option<Arc<OnceCell<Arc<T>>>> = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.snapshot != snapshot || state.entries.len() >= CAPACITY {
                state.entries.clear();
                state.snapshot = snapshot;
            }
            let entry = state
                .entries
                .entry(key)
                .or_insert_with(|| Arc::new(OnceCell::<Arc<T>>::new()) as Entry)
                .clone();
            entry.downcast::<OnceCell<Arc<T>>>().ok()
        };
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
        // A pool that is never connected: a disabled cache does not ask the database.
        let pool = sqlx::postgres::PgPoolOptions::new()
            .connect_lazy("postgres://nobody@localhost/none")
            .unwrap();
        let loads = std::sync::atomic::AtomicUsize::new(0);
        for round in 1..=2 {
            let v = cache
                .get_or_load(&pool, "k".into(), || async {
                    Ok::<_, AppError>(loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1)
                })
                .await
                .unwrap();
            assert_eq!(*v, round);
        }
    }
}
