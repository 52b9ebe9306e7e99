//! Running the dashboard server: bind, serve until Ctrl-C or SIGTERM, then shut down cleanly;
//! alongside it, the weekly digest's scheduler and the scheduled backups.

use std::net::SocketAddr;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::digest::{Clock, DigestWorker};
use crate::store::Database;
use crate::web::{self, AppConfig, AppState};

/// How often the digest scheduler looks for digests that became due.
pub const DIGEST_TICK: std::time::Duration = std::time::Duration::from_secs(60);

/// Serves the dashboard on `bind` until a shutdown signal, then closes the database (and stops
/// the private cluster if no other `mandates` process uses it). When the worker can send mail,
/// the digest scheduler runs beside the server and finishes the digest in hand before shutting
/// down.
pub async fn serve(
    db: Database,
    bind: SocketAddr,
    mut config: AppConfig,
    digest: DigestWorker,
    options: ServeOptions,
) -> anyhow::Result<()> {
    let ServeOptions {
        backups,
        metrics_bind,
    } = options;
    // Before anyone can connect: from then on a signal means "shut down".
    let shutdown = shutdown_signal()?;
    let listener = TcpListener::bind(bind).await.with_context(|| {
        format!("cannot listen on {bind}: is another server using it? Set --bind / MANDATES_BIND")
    })?;
    let (stop, stopped) = watch::channel(false);
    let metrics_task = match metrics_bind {
        Some(address) => {
            let listener = TcpListener::bind(address).await.with_context(|| {
                format!("cannot listen on {address} for /metrics: set --metrics-bind / MANDATES_METRICS_BIND to a free address")
            })?;
            let local = listener.local_addr()?;
            tracing::info!("serving /metrics on http://{local}/metrics");
            println!("metrics on http://{local}/metrics");
            let app = web::metrics::separate_router(db.pool.clone());
            let mut stopped = stop.subscribe();
            Some(tokio::spawn(async move {
                let shutdown = async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                };
                if let Err(e) = axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await
                {
                    tracing::error!("the /metrics server stopped: {e}");
                }
            }))
        }
        None => None,
    };
    let local = listener.local_addr()?;
    tracing::info!("serving the dashboard on http://{local}/");
    // Tests and scripts read this line to find the port when binding to port 0.
    println!("listening on http://{local}/");
    config.secret = Some(digest.config().secret.clone());
    let scheduler = if digest.can_send() {
        Some(tokio::spawn(run_digest_scheduler(digest, stopped)))
    } else {
        tracing::info!("SMTP_URL is not set: the weekly digest is not sent");
        None
    };
    let backup_task = backups.map(|schedule| {
        let url = match db.cluster() {
            Some(cluster) => cluster.url("postgres"),
            None => schedule.url.clone().unwrap_or_default(),
        };
        tokio::spawn(run_backup_schedule(schedule, url, stop.subscribe()))
    });
    let app = web::router(AppState::new(db.pool.clone(), config));
    // Made now rather than by the first sign-in with an unknown email, which would otherwise
    // take twice as long as any other and so tell that the email has no account.
    tokio::task::spawn_blocking(|| {
        crate::accounts::dummy_password_hash();
    })
    .await?;
    // The connection's address is the client's (or the proxy's, see
    // `AppConfig::client_ip_header`): sign-in throttling counts failures per client.
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("the server stopped with an error");
    tracing::info!("shutting down");
    let _ = stop.send(true);
    if let Some(task) = scheduler {
        let _ = task.await;
    }
    if let Some(task) = backup_task {
        let _ = task.await;
    }
    if let Some(task) = metrics_task {
        let _ = task.await;
    }
    served?;
    db.close()
        .await
        .context("cannot shut the database down cleanly")?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when
/// the future is first polled: axum polls it in a task of its own, possibly after the first
/// request was answered, and a SIGTERM before that would kill the process outright (the
/// default action) instead of shutting it down.
pub fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}

/// Every [`DIGEST_TICK`], sends the digests that became due, until `stop` turns true.
async fn run_digest_scheduler(worker: DigestWorker, mut stop: watch::Receiver<bool>) {
    tracing::info!("the weekly digest scheduler is running");
    loop {
        match worker
            .run_once(Clock::At(chrono::Utc::now()), Some(stop.clone()))
            .await
        {
            Ok(summary) if summary == Default::default() => {}
            Ok(summary) => tracing::info!("digest run: {summary}"),
            Err(e) => tracing::error!("digest run failed: {e:#}"),
        }
        tokio::select! {
            _ = stop.wait_for(|stop| *stop) => break,
            () = tokio::time::sleep(DIGEST_TICK) => {}
        }
    }
}

/// What `serve` runs beside the dashboard, when asked.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Scheduled backups.
    pub backups: Option<BackupSchedule>,
    /// An address of its own for `/metrics`, without a token.
    pub metrics_bind: Option<SocketAddr>,
}

/// Backups `serve` takes by itself: one when the newest in `dir` is `every` old (daily by
/// default), keeping the newest `keep`.
#[derive(Debug, Clone)]
pub struct BackupSchedule {
    pub dir: std::path::PathBuf,
    pub keep: usize,
    pub every: std::time::Duration,
    /// DATABASE_URL, when the database is not the private cluster.
    pub url: Option<String>,
}

const BACKUP_PREFIX: &str = "mandates-";
const BACKUP_SUFFIX: &str = ".backup";

/// The scheduled backups in `dir`, oldest first (their names sort by time).
fn scheduled_backups(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(BACKUP_PREFIX) && n.ends_with(BACKUP_SUFFIX))
        })
        .collect();
    found.sort();
    found
}

/// Takes the scheduled backups until `stop` turns true. The first waits for the newest
/// backup already there to be `every` old, so restarts do not add backups.
async fn run_backup_schedule(
    schedule: BackupSchedule,
    url: String,
    mut stop: watch::Receiver<bool>,
) {
    if let Err(e) = std::fs::create_dir_all(&schedule.dir) {
        tracing::error!(
            "scheduled backups are off: cannot make {}: {e}",
            schedule.dir.display()
        );
        return;
    }
    tracing::info!(
        dir = %schedule.dir.display(),
        keep = schedule.keep,
        "scheduled backups are on"
    );
    loop {
        let age = scheduled_backups(&schedule.dir)
            .last()
            .and_then(|newest| newest.metadata().ok()?.modified().ok()?.elapsed().ok());
        let wait = age.map_or(std::time::Duration::ZERO, |age| {
            schedule.every.saturating_sub(age)
        });
        tokio::select! {
            _ = stop.wait_for(|stop| *stop) => break,
            () = tokio::time::sleep(wait) => {}
        }
        let name = format!(
            "{BACKUP_PREFIX}{}{BACKUP_SUFFIX}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
        );
        let path = schedule.dir.join(name);
        match crate::store::backup::backup_database(&url, &path).await {
            Ok(summary) => {
                tracing::info!(file = %path.display(), bytes = summary.bytes, "scheduled backup written");
                let all = scheduled_backups(&schedule.dir);
                let excess = all.len().saturating_sub(schedule.keep.max(1));
                for old in &all[..excess] {
                    if let Err(e) = std::fs::remove_file(old) {
                        tracing::warn!("cannot remove the old backup {}: {e}", old.display());
                    }
                }
            }
            Err(e) => {
                tracing::error!("scheduled backup failed: {e}");
                // Not again at once: an hour on (or the schedule's period, when shorter).
                let retry = schedule.every.min(std::time::Duration::from_secs(3600));
                tokio::select! {
                    _ = stop.wait_for(|stop| *stop) => break,
                    () = tokio::time::sleep(retry) => {}
                }
            }
        }
    }
}
