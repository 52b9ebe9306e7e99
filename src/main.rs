//! The `mandates` command line: parse arguments, set up tracing, call the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use mandates::store::{self, Database, DatabaseConfig};
use mandates::web::AppConfig;

#[derive(Parser)]
#[command(
    name = "mandates",
    version,
    about = "Track the obligations and deadlines that UN resolutions create"
)]
struct Cli {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct DatabaseArgs {
    /// PostgreSQL server to use. Without it, mandates runs its own private cluster.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Data directory of the private cluster.
    #[arg(
        long,
        env = "MANDATES_DATA_DIR",
        default_value = "data/postgres",
        global = true
    )]
    data_dir: PathBuf,
    /// Directory of the PostgreSQL server binaries (initdb, pg_ctl, postgres); searched on PATH
    /// and under /usr/lib/postgresql/*/bin when not given.
    #[arg(long, env = "MANDATES_PG_BIN_DIR", global = true)]
    pg_bin_dir: Option<PathBuf>,
}

impl DatabaseArgs {
    fn config(&self) -> DatabaseConfig {
        DatabaseConfig {
            url: self.database_url.clone().filter(|u| !u.trim().is_empty()),
            data_dir: self.data_dir.clone(),
            pg_bin_dir: self.pg_bin_dir.clone(),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the dashboard.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "MANDATES_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Manage the private PostgreSQL cluster (for development: `cargo sqlx prepare` needs a server).
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Start the private cluster, bring its schema up to date, print its DATABASE_URL and leave it running.
    Start,
    /// Stop the private cluster.
    Stop,
}

fn main() -> ExitCode {
    // A missing .env is normal; a malformed one is worth saying.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("error: cannot read .env: {e}");
        return ExitCode::FAILURE;
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("MANDATES_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.database.config();
    match cli.command {
        Command::Serve { bind } => {
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            mandates::serve::serve(db, bind, AppConfig::default()).await
        }
        Command::Db { command } => run_db(command, &config).await,
    }
}

async fn run_db(command: DbCommand, config: &DatabaseConfig) -> anyhow::Result<()> {
    anyhow::ensure!(
        config.url.is_none(),
        "DATABASE_URL is set: `mandates db` manages the private cluster only; unset DATABASE_URL"
    );
    match command {
        DbCommand::Start => {
            let cluster = store::start_private_cluster(config).await?;
            let url = cluster.url("postgres");
            let pool = store::connect(&url).await?;
            store::MIGRATOR
                .run(&pool)
                .await
                .context("cannot migrate the database")?;
            pool.close().await;
            cluster.detach();
            // Shell syntax, so that `eval "$(mandates db start)"` sets it.
            println!("export DATABASE_URL='{url}'");
            Ok(())
        }
        DbCommand::Stop => {
            let binaries = store::ServerBinaries::find(config.pg_bin_dir.as_deref())?;
            let stopped = store::PrivateCluster::stop_running(&binaries, &config.data_dir)?;
            if stopped {
                println!(
                    "stopped the private cluster in {}",
                    config.data_dir.display()
                );
            } else {
                println!(
                    "no private cluster is running in {}",
                    config.data_dir.display()
                );
            }
            Ok(())
        }
    }
}
