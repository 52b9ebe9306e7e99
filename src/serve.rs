//! Running the dashboard server: bind, serve until Ctrl-C or SIGTERM, then shut down cleanly.

use std::net::SocketAddr;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::store::Database;
use crate::web::{self, AppConfig, AppState};

/// Serves the dashboard on `bind` until a shutdown signal, then closes the database (and stops
/// the private cluster if this process started it).
pub async fn serve(db: Database, bind: SocketAddr, config: AppConfig) -> anyhow::Result<()> {
    let listener = TcpListener::bind(bind).await.with_context(|| {
        format!("cannot listen on {bind}: is another server using it? Set --bind / MANDATES_BIND")
    })?;
    let local = listener.local_addr()?;
    tracing::info!("serving the dashboard on http://{local}/");
    // Tests and scripts read this line to find the port when binding to port 0.
    println!("listening on http://{local}/");
    let app = web::router(AppState::new(db.pool.clone(), config));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    tracing::info!("shutting down");
    db.close()
        .await
        .context("cannot shut the database down cleanly")?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
