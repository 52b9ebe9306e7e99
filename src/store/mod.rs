//! The PostgreSQL store: connecting (to `DATABASE_URL` or a private cluster), migrations, and
//! every SQL statement `mandates` runs, one `async fn` per query.

mod accounts;
mod actors;
pub mod backup;
mod changes;
pub mod cluster;
mod corrections;
mod dashboard;
mod digest;
mod documents;
pub mod filter;
mod generate;
mod import;
mod lists;
mod new_texts;
mod obligations;
mod planning;
mod resolutions;
mod series;
mod sessions;

use std::path::PathBuf;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use accounts::*;
pub use actors::{ActorYear, count_actor_by_year};
pub use changes::{
    ChangedObligation, Changes, DataVersion, DependsOn, read_changes_since, read_data_version,
};
pub use cluster::{ClusterError, PrivateCluster, ServerBinaries};
pub use corrections::*;
pub use dashboard::*;
pub use digest::*;
pub use documents::*;
pub use filter::{FieldError, ListQuery};
pub use generate::{GeneratorPlan, finish_generation, generate_clones, plan_generation};
pub use import::{
    DocumentImport, ImportOutcome, import_document, load_document_corrections, reapply_corrections,
};
pub use lists::*;
pub use new_texts::{NewSeriesText, list_new_series_texts};
pub use obligations::{FollowUpStatus, PreviousStatus, StatusChange, update_obligation_status};
pub use planning::{AgendaNumberRow, list_agenda_numbers};
pub use resolutions::*;
pub use series::{
    SeriesLatest, SeriesMember, find_series_of_document, list_series_latest, list_series_members,
};
pub use sessions::{
    SessionCorrection, SessionRow, correct_session, list_sessions, load_session_calendar,
    seed_sessions,
};

/// The migrations under `migrations/`, compiled in.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Where the database is.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// A running server to use; when absent a private cluster is started.
    pub url: Option<String>,
    /// Where the private cluster keeps its data.
    pub data_dir: PathBuf,
    /// The directory of the PostgreSQL server binaries; searched for when absent.
    pub pg_bin_dir: Option<PathBuf>,
}

/// An open, migrated database, and the private cluster behind it when we started one.
/// Dropping it leaves that cluster, which stops when no other `mandates` process uses it.
pub struct Database {
    pub pool: PgPool,
    cluster: Option<PrivateCluster>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

impl Database {
    /// Connects to `config.url`, or starts the private cluster, then runs pending migrations.
    pub async fn open(config: &DatabaseConfig) -> Result<Self, StoreError> {
        let (url, cluster) = match &config.url {
            Some(url) => (url.clone(), None),
            None => {
                let cluster = start_private_cluster(config).await?;
                (cluster.url("postgres"), Some(cluster))
            }
        };
        let pool = connect(&url).await?;
        MIGRATOR.run(&pool).await?;
        seed_sessions(&pool, &crate::resolution::SessionCalendar::builtin()).await?;
        Ok(Self { pool, cluster })
    }

    /// The private cluster, when this process uses one.
    pub fn cluster(&self) -> Option<&PrivateCluster> {
        self.cluster.as_ref()
    }

    /// Closes the pool, then leaves the private cluster (stopping it if nobody else uses it).
    pub async fn close(mut self) -> Result<(), StoreError> {
        self.pool.close().await;
        if let Some(mut cluster) = self.cluster.take() {
            tokio::task::spawn_blocking(move || cluster.stop())
                .await
                .expect("stopping the cluster does not panic")?;
        }
        Ok(())
    }
}

/// Starts (initialising if need be) the private cluster of `config.data_dir`.
pub async fn start_private_cluster(config: &DatabaseConfig) -> Result<PrivateCluster, StoreError> {
    let config = config.clone();
    let cluster = tokio::task::spawn_blocking(move || {
        let binaries = ServerBinaries::find(config.pg_bin_dir.as_deref())?;
        PrivateCluster::start(binaries, &config.data_dir)
    })
    .await
    .expect("starting the cluster does not panic")?;
    Ok(cluster)
}

/// A connection pool for `url`.
pub async fn connect(url: &str) -> Result<PgPool, StoreError> {
    let options: PgConnectOptions = url.parse().map_err(StoreError::Connect)?;
    // The dashboard's queries take optional filters (`$1 IS NULL OR ...`); planned with the
    // values in hand, the unused ones fold away and indexes apply. A generic plan cannot.
    let options = options.options([
        ("plan_cache_mode", "force_custom_plan"),
        // Pages run many short queries at once on few cores: a query's parallel workers
        // (processes started for it) only take cores from the others and add their start-up.
        ("max_parallel_workers_per_gather", "0"),
    ]);
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(StoreError::Connect)
}

/// True when the database answers a trivial query.
pub async fn ping(pool: &PgPool) -> Result<(), StoreError> {
    sqlx::query_scalar!("SELECT 1 AS \"one!\"")
        .fetch_one(pool)
        .await?;
    Ok(())
}
