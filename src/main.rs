//! The `mandates` command line: parse arguments, set up tracing, call the library.

use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use mandates::accounts::{self, Role};
use mandates::resolution;
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
    #[command(flatten)]
    reader: ReaderArgs,
    #[command(subcommand)]
    command: Command,
}

/// The limits PDF and Word files are read under (each in its own child process).
#[derive(clap::Args)]
struct ReaderArgs {
    /// The most memory reading one PDF or Word file may take, in MiB; beyond it the file is
    /// refused (a decompression bomb).
    #[arg(long, env = "MANDATES_READER_MEMORY_MIB", default_value_t = mandates::reader::DEFAULT_MEMORY_MIB, global = true)]
    reader_memory_mib: u64,
    /// The most CPU time reading one PDF or Word file may take, in seconds.
    #[arg(long, env = "MANDATES_READER_SECONDS", default_value_t = mandates::reader::DEFAULT_CPU_SECONDS, global = true)]
    reader_seconds: u64,
}

impl ReaderArgs {
    fn reader(&self) -> mandates::reader::DocumentReader {
        mandates::reader::DocumentReader {
            memory_mib: self.reader_memory_mib,
            cpu_seconds: self.reader_seconds,
            ..Default::default()
        }
    }
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
        /// Import the bundled example resolutions first (A/RES/75/58 and its series, and more).
        #[arg(long)]
        demo: bool,
        /// Query every page afresh instead of keeping results while the database is unchanged
        /// (for measuring the queries themselves).
        #[arg(long)]
        no_result_cache: bool,
        /// Let anyone read the dashboard without signing in (changes still need an account).
        #[arg(long, env = "MANDATES_PUBLIC_READ")]
        public_read: bool,
        /// Behind a reverse proxy: the header it puts the client's address in (X-Forwarded-For,
        /// whose last address is taken, or X-Real-IP). Failed sign-ins are counted per client
        /// address; without this, every client would seem to be the proxy. Set it only behind
        /// a proxy that sets the header: a client could write it otherwise.
        #[arg(long, env = "MANDATES_CLIENT_IP_HEADER")]
        client_ip_header: Option<axum::http::HeaderName>,
        #[command(flatten)]
        digest: DigestArgs,
        #[command(flatten)]
        backups: BackupArgs,
        /// The bearer token /metrics asks for on the dashboard's address; without it (and
        /// without --metrics-bind) /metrics is not served.
        #[arg(long, env = "MANDATES_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Serve /metrics, without a token, on this address of its own (one that only the
        /// monitoring network reaches, e.g. 127.0.0.1:9090).
        #[arg(long, env = "MANDATES_METRICS_BIND")]
        metrics_bind: Option<SocketAddr>,
    },
    /// Read a resolution (text, Markdown, PDF or Word) and show who must do what by when.
    Extract {
        /// Print the JSON of extract.schema.json instead of the readable summary.
        #[arg(long)]
        json: bool,
        /// The file to read; `-` reads standard input.
        file: PathBuf,
    },
    /// Import resolution files, or directories of them (recursively), into the database.
    Import {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// The session calendar deadlines resolve against: list it, or correct a session's dates.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// The weekly email digest: preview a subscriber's message, send what is due, see the queue.
    Digest {
        #[command(flatten)]
        digest: DigestArgs,
        #[command(subcommand)]
        command: DigestCommand,
    },
    /// The people who receive the weekly digest: add, list, remove.
    Subscriber {
        #[command(subcommand)]
        command: SubscriberCommand,
    },
    /// Manage the private PostgreSQL cluster (for development: `cargo sqlx prepare` needs a server).
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Accounts: who may sign in to the dashboard, and as what.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the configuration (database and schema, PostgreSQL binaries, disk space, SMTP,
    /// base URL) and say what is wrong; exits non-zero when something is.
    Doctor {
        /// The address the dashboard listens on (the base URL's default).
        #[arg(long, env = "MANDATES_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        #[command(flatten)]
        digest: DigestArgs,
    },
    /// Editors' corrections of the reader: export them as test-corpus gold, or see which
    /// fields and patterns are corrected most.
    Corrections {
        #[command(subcommand)]
        command: CorrectionsCommand,
    },
    /// Tools for developers: synthetic data for benchmarks and load tests.
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
}

/// Backups `serve` takes by itself.
#[derive(clap::Args)]
struct BackupArgs {
    /// Take a backup into this folder every day (`mandates-<time>.backup`, as `mandates db
    /// backup` writes); none when unset.
    #[arg(long, env = "MANDATES_BACKUP_DIR")]
    backup_dir: Option<PathBuf>,
    /// How many scheduled backups to keep (the oldest are removed).
    #[arg(long, env = "MANDATES_BACKUP_KEEP", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..))]
    backup_keep: u32,
    /// Seconds between scheduled backups (tests shorten the day).
    #[arg(
        long,
        env = "MANDATES_BACKUP_EVERY_SECS",
        default_value_t = 86_400,
        hide = true
    )]
    backup_every_secs: u64,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account and print its password (made for it, shown once).
    Add {
        email: String,
        /// The person's name, as the history and audit log show it (default: the email).
        #[arg(long)]
        name: Option<String>,
        /// viewer (reads), editor (also imports and changes follow-up state), admin (also
        /// manages accounts and subscribers).
        #[arg(long, default_value = "viewer", conflicts_with = "admin")]
        role: String,
        /// Same as --role admin.
        #[arg(long)]
        admin: bool,
    },
    /// List the accounts.
    List,
    /// Give an account a new password (printed) and sign it out everywhere.
    Password { email: String },
    /// Give an account another role: viewer, editor or admin (the last admin stays one).
    Role { email: String, role: String },
    /// Stop an account from signing in (its sessions end); --enable lets it in again.
    Disable {
        email: String,
        #[arg(long)]
        enable: bool,
    },
}

#[derive(Subcommand)]
enum CorrectionsCommand {
    /// Write every corrected resolution into DIR as test data: DIR/<symbol>.txt and
    /// DIR/gold/<symbol>.json (extract.schema.json), as `score.py --corpus DIR` reads them.
    Export { dir: PathBuf },
    /// Which fields, verbs and patterns editors correct most.
    Stats,
}

#[derive(Subcommand)]
enum DevCommand {
    /// Fill the database with synthetic resolutions copied from the bundled demo set (new
    /// symbols, bodies, sessions and dates over three decades; follow-up states drawn as in use).
    Generate {
        /// How many obligations to add (whole resolutions, so a few more).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=100_000_000))]
        obligations: i64,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// List the sessions the database knows, with their source.
    List {
        /// GA, HRC, ECOSOC or another body's code (CSW, CSocD, HLPF, ...).
        #[arg(long)]
        body: Option<String>,
    },
    /// Set a session's opening (and closing) day; every deadline at that session moves with it.
    Set {
        /// GA, HRC, ECOSOC or another body's code (CSW, CSocD, HLPF, ...).
        body: String,
        /// The session number (the year for ECOSOC and the HLPF).
        session: i32,
        /// Opening day, YYYY-MM-DD.
        #[arg(long)]
        opens: chrono::NaiveDate,
        /// Closing day, YYYY-MM-DD.
        #[arg(long)]
        closes: Option<chrono::NaiveDate>,
        /// Where the date comes from (a document symbol, a press release).
        #[arg(long)]
        source: String,
        /// Who makes the correction.
        #[arg(long)]
        by: String,
    },
}

/// How digests are sent and what their links point to.
#[derive(clap::Args)]
struct DigestArgs {
    /// SMTP server: smtp://[user:pass@]host[:port][?tls=required|opportunistic] or
    /// smtps://... (TLS from the start). Without it, digests are not sent.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The digests' sender, `Name <address>`.
    #[arg(
        long,
        env = "MANDATES_MAIL_FROM",
        default_value = "mandates <mandates@localhost>"
    )]
    mail_from: String,
    /// The address users reach the dashboard at, for the links in emails, exports and
    /// calendar feeds (e.g. https://tracker.mission.example). Defaults to http://BIND when
    /// serving, else to http://127.0.0.1:8080.
    #[arg(long, env = "MANDATES_BASE_URL")]
    base_url: Option<String>,
    /// The key unsubscribe links are signed with; when unset, one is generated and kept in
    /// the database.
    #[arg(long, env = "MANDATES_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Send a digest even when nothing is overdue or due.
    #[arg(long, env = "MANDATES_DIGEST_SEND_EMPTY", default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL")]
    send_empty: bool,
    /// How many digests are sent at once (and SMTP connections kept open).
    #[arg(long, env = "MANDATES_DIGEST_CONCURRENCY", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    concurrency: u32,
    /// A pause after each digest, in milliseconds (tests use it to stop a sender half-way).
    #[arg(
        long,
        env = "MANDATES_DIGEST_PAUSE_MS",
        default_value_t = 0,
        hide = true
    )]
    pause_ms: u64,
}

impl DigestArgs {
    /// The base URL given, checked, or `fallback`.
    fn base_url(&self, fallback: &str) -> anyhow::Result<String> {
        let url = self
            .base_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(fallback);
        mandates::digest::normalize_base_url(url).map_err(anyhow::Error::msg)
    }

    async fn worker(
        &self,
        pool: &sqlx::PgPool,
        base_url: &str,
    ) -> anyhow::Result<mandates::digest::DigestWorker> {
        use mandates::digest::{self, DigestConfig, DigestWorker, Mailer, mail::parse_mailbox};
        let from = parse_mailbox(&self.mail_from)
            .map_err(|e| anyhow::anyhow!("MANDATES_MAIL_FROM: {e}"))?;
        let base_url = base_url.to_string();
        let mailer = self
            .smtp_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(Mailer::from_url)
            .transpose()?;
        let secret = digest::signing_secret(pool, self.secret.as_deref())
            .await
            .context("cannot read the unsubscribe secret from the database")?;
        let mut worker = DigestWorker::new(
            pool.clone(),
            mailer,
            DigestConfig {
                base_url,
                from,
                send_empty: self.send_empty,
                secret,
            },
        );
        worker.concurrency = self.concurrency as usize;
        worker.pause_after_each = std::time::Duration::from_millis(self.pause_ms);
        Ok(worker)
    }
}

#[derive(Subcommand)]
enum DigestCommand {
    /// Print the message a subscriber would receive (headers, plain text and HTML).
    Preview {
        /// The subscriber's email address.
        #[arg(long)]
        to: String,
        /// Compute it for this day (YYYY-MM-DD) instead of today in the subscriber's time zone.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Send every digest that is due now (or by the end of --as-of) and not sent yet this week.
    Send {
        /// Send as if it were the end of this day (YYYY-MM-DD) in each subscriber's time zone.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Show the queue: jobs by state, and the latest ones (failed and uncertain first).
    Status,
}

#[derive(Subcommand)]
enum SubscriberCommand {
    /// Subscribe someone to the weekly digest.
    Add {
        /// Their email address.
        email: String,
        /// Their name, for the greeting.
        #[arg(long, default_value = "")]
        name: String,
        /// What they follow: the dashboard's obligations filter, as its query string
        /// (`body=GA&actor=3&q=report`) or the whole URL of a filtered list.
        #[arg(long, default_value = "")]
        filter: String,
        /// How many weeks ahead the digest looks.
        #[arg(long, default_value = "8")]
        weeks_ahead: String,
        /// The weekday to receive it (monday .. sunday).
        #[arg(long, default_value = "monday")]
        day: String,
        /// The hour to receive it (0 .. 23), in --time-zone.
        #[arg(long, default_value = "8")]
        hour: String,
        /// Their time zone (IANA name, e.g. Europe/Zurich).
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
    /// List subscribers.
    List,
    /// Remove a subscriber and their digest history.
    Remove {
        /// Their email address or id.
        subscriber: String,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Start the private cluster, bring its schema up to date, print its DATABASE_URL and leave it running.
    Start,
    /// Stop the private cluster.
    Stop,
    /// Write a backup of the whole database to FILE (pg_dump's custom format: compressed, and
    /// consistent even while `serve` runs and editors write).
    Backup { file: PathBuf },
    /// Restore a backup made by `mandates db backup` into an empty database (or a new private
    /// cluster).
    Restore {
        file: PathBuf,
        /// Replace whatever the database holds (kept until the restore succeeded).
        #[arg(long)]
        force: bool,
    },
    /// Move the private cluster to the newest installed PostgreSQL; the old one is kept
    /// beside it until you remove it.
    Upgrade {
        /// dump (pg_dump and pg_restore: works across any versions) or pg-upgrade (pg_upgrade,
        /// copying the files: faster for large databases).
        #[arg(long, value_enum, default_value = "dump")]
        method: UpgradeMethodArg,
        /// The new version's server binaries (default: the newest under MANDATES_PG_ROOT).
        #[arg(long)]
        to_bin_dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum UpgradeMethodArg {
    Dump,
    PgUpgrade,
}

fn main() -> ExitCode {
    // The reader child (see `mandates::reader`) starts before .env, logging and arguments: it
    // reads standard input and needs nothing else.
    if std::env::args_os().nth(1).as_deref() == Some(mandates::reader::CHILD_COMMAND.as_ref()) {
        return mandates::reader::run_child();
    }
    // A missing .env is normal; a malformed one is worth saying.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("error: cannot read .env: {e}");
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    // The generator's statements each copy thousands of rows and take seconds by design:
    // sqlx's "slow statement" warnings would drown its progress lines.
    let default_filter = match &cli.command {
        Command::Dev { .. } => "info,sqlx=error",
        _ => "info,sqlx=warn",
    };
    let mut filter =
        EnvFilter::try_from_env("MANDATES_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    if matches!(cli.command, Command::Dev { .. }) {
        // Whatever MANDATES_LOG asks for: the progress lines are the generator's output.
        filter = filter.add_directive("sqlx::query=error".parse().expect("a valid directive"));
    }
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // JSON lines for a log collector; plain lines for people.
    match std::env::var("MANDATES_LOG_FORMAT")
        .as_deref()
        .map(str::trim)
    {
        Ok("json") => logs.json().init(),
        Ok("text" | "") | Err(_) => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        Ok(other) => {
            eprintln!("error: MANDATES_LOG_FORMAT must be text or json, not {other:?}");
            return ExitCode::FAILURE;
        }
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped reading (`mandates extract FILE | head`) is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.database.config();
    let reader = cli.reader.reader();
    match cli.command {
        Command::Serve {
            bind,
            demo,
            no_result_cache,
            public_read,
            client_ip_header,
            digest,
            backups,
            metrics_token,
            metrics_bind,
        } => {
            let base_url = digest.base_url(&format!("http://{bind}"))?;
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            // `digest preview` on the command line links where this server is reached.
            if bind.port() != 0 || digest.base_url.is_some() {
                store::save_setting(&db.pool, SERVER_BASE_URL, &base_url)
                    .await
                    .context("cannot record the server's base URL")?;
            }
            let smtp = digest
                .smtp_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(mandates::digest::mail::describe_smtp_url);
            let mut app = AppConfig {
                smtp,
                base_url,
                cache_results: !no_result_cache,
                public_read,
                client_ip_header,
                reader,
                metrics_token: metrics_token
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty()),
                ..AppConfig::default()
            };
            if demo {
                let summary = mandates::import::import_demo(&db.pool).await?;
                print_import_summary(&summary, false);
                app.mode = Some("demo".into());
                let password = demo_account(&db.pool).await?;
                println!(
                    "demo account: sign in as {DEMO_EMAIL} with the password {password} (an admin; the password changes at every start)"
                );
            } else if store::list_users(&db.pool).await?.is_empty() && !public_read {
                println!(
                    "no accounts yet: make the first admin with `mandates user add --admin EMAIL`"
                );
            }
            let worker = digest.worker(&db.pool, &app.base_url).await?;
            let backups = backups
                .backup_dir
                .filter(|dir| !dir.as_os_str().is_empty())
                .map(|dir| mandates::serve::BackupSchedule {
                    dir,
                    keep: backups.backup_keep as usize,
                    every: std::time::Duration::from_secs(backups.backup_every_secs.max(1)),
                    url: config.url.clone(),
                });
            let options = mandates::serve::ServeOptions {
                backups,
                metrics_bind,
            };
            mandates::serve::serve(db, bind, app, worker, options).await
        }
        Command::Digest { digest, command } => {
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            let result = run_digest(command, &digest, &db).await;
            db.close().await?;
            result
        }
        Command::Subscriber { command } => {
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            let result = run_subscriber(command, &db).await;
            db.close().await?;
            result
        }
        Command::Corrections { command } => {
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            let result = match command {
                CorrectionsCommand::Export { dir } => {
                    mandates::corrections::export_corrections(&db.pool, &dir)
                        .await
                        .map(|n| println!("{n} corrected resolutions written to {}", dir.display()))
                }
                CorrectionsCommand::Stats => mandates::corrections::correction_stats(&db.pool)
                    .await
                    .map(|text| print!("{text}")),
            };
            db.close().await?;
            result
        }
        Command::Extract { json, file } => extract(&file, json, &reader),
        Command::Import { paths } => {
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            let summary = import(&db, &reader, &paths).await;
            db.close().await?;
            summary
        }
        Command::Db { command } => run_db(command, &config).await,
        Command::Doctor { bind, digest } => {
            use mandates::doctor::{self, DoctorConfig, Verdict};
            let findings = doctor::check(&DoctorConfig {
                database: config.clone(),
                smtp_url: digest.smtp_url.clone(),
                base_url: digest.base_url.clone(),
                bind: bind.to_string(),
            })
            .await;
            for finding in &findings {
                println!("{finding}");
            }
            let broken = findings
                .iter()
                .filter(|f| f.verdict == Verdict::Broken)
                .count();
            anyhow::ensure!(
                broken == 0,
                "{broken} problem(s) found (the FAIL lines above)"
            );
            Ok(())
        }
        Command::User { command } => {
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            let result = run_user(command, &db.pool).await;
            db.close().await?;
            result
        }
        Command::Dev {
            command: DevCommand::Generate { obligations },
        } => {
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            let progress = if std::io::stderr().is_terminal() {
                indicatif::ProgressBar::new(obligations as u64).with_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} obligations {per_sec} eta {eta}",
                    )
                    .expect("valid progress template"),
                )
            } else {
                indicatif::ProgressBar::hidden()
            };
            let started = std::time::Instant::now();
            let to_terminal = !progress.is_hidden();
            let summary = mandates::generate::generate(&db.pool, obligations, |added| {
                progress.set_position(added);
                // Logs and CI see a line per chunk instead of the bar.
                if !to_terminal {
                    eprintln!(
                        "added {added} of {obligations} obligations ({:.0} s)",
                        started.elapsed().as_secs_f64()
                    );
                }
            })
            .await?;
            progress.finish_and_clear();
            let total = store::count_documents(&db.pool).await?;
            println!(
                "generated {} resolutions with {} obligations in {:.1} s; the database holds {total} resolutions",
                summary.documents,
                summary.obligations,
                summary.elapsed.as_secs_f64()
            );
            db.close().await?;
            Ok(())
        }
        Command::Calendar { command } => {
            let db = Database::open(&config)
                .await
                .context("cannot open the database")?;
            let result = run_calendar(command, &db).await;
            db.close().await?;
            result
        }
    }
}

fn extract(
    file: &Path,
    json: bool,
    reader: &mandates::reader::DocumentReader,
) -> anyhow::Result<()> {
    let bytes = if file == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(resolution::MAX_SOURCE_BYTES + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        if bytes.len() as u64 > resolution::MAX_SOURCE_BYTES {
            anyhow::bail!(
                "standard input is larger than the limit of {} bytes",
                resolution::MAX_SOURCE_BYTES
            );
        }
        bytes
    } else {
        mandates::import::read_source_file(file)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?
    };
    let (_, text) = reader
        .read_source(&bytes)
        .with_context(|| file.display().to_string())?;
    let res = resolution::read_resolution(&text, &resolution::SessionCalendar::builtin())
        .with_context(|| file.display().to_string())?;
    for warning in &res.warnings {
        eprintln!("warning: {}: {warning}", file.display());
    }
    let mut stdout = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut stdout, &resolution::json::ResolutionJson::from(&res))?;
        writeln!(stdout)?;
    } else {
        write!(stdout, "{}", resolution::summary::readable_summary(&res))?;
    }
    Ok(())
}

async fn import(
    db: &Database,
    reader: &mandates::reader::DocumentReader,
    paths: &[PathBuf],
) -> anyhow::Result<()> {
    let progress = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
                .expect("valid progress template"),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let summary = mandates::import::import_paths(&db.pool, reader, paths, &|done, total, path| {
        progress.set_length(total as u64);
        progress.set_position(done as u64);
        progress.set_message(path.display().to_string());
    })
    .await?;
    progress.finish_and_clear();
    print_import_summary(&summary, true);
    let failed = summary.failed();
    anyhow::ensure!(
        failed == 0,
        "{failed} file(s) failed to import (listed above)"
    );
    Ok(())
}

fn print_import_summary(summary: &mandates::import::ImportSummary, each: bool) {
    use mandates::store::ImportOutcome;
    for file in &summary.files {
        let symbol = file.symbol.as_deref().unwrap_or("-");
        let line = match &file.outcome {
            Ok(ImportOutcome::Imported { obligations, .. }) => {
                format!("imported  {symbol} ({obligations} tracked obligations)")
            }
            Ok(ImportOutcome::Updated {
                obligations,
                disappeared,
                ..
            }) => format!(
                "updated   {symbol} ({obligations} tracked obligations, {disappeared} no longer in the text)"
            ),
            Ok(ImportOutcome::Unchanged { .. }) => format!("unchanged {symbol}"),
            Err(reason) => format!("FAILED    {}: {reason}", file.path.display()),
        };
        if each || file.outcome.is_err() {
            println!("{line}");
        }
        for warning in &file.warnings {
            println!("          warning: {}: {warning}", file.path.display());
        }
    }
    println!(
        "{} imported, {} updated, {} unchanged, {} failed",
        summary.imported(),
        summary.updated(),
        summary.unchanged(),
        summary.failed()
    );
}

async fn run_calendar(command: CalendarCommand, db: &Database) -> anyhow::Result<()> {
    match command {
        CalendarCommand::List { body } => {
            for row in store::list_sessions(&db.pool, body.as_deref()).await? {
                println!(
                    "{} {:>4}  opens {}{}{}{}  ({})",
                    row.body,
                    row.session,
                    row.opens_on,
                    row.closes_on
                        .map(|c| format!(", closes {c}"))
                        .unwrap_or_default(),
                    if row.estimated { ", estimated" } else { "" },
                    row.edited_by
                        .map(|b| format!(", corrected by {b}"))
                        .unwrap_or_default(),
                    row.source
                );
            }
            Ok(())
        }
        CalendarCommand::Set {
            body,
            session,
            opens,
            closes,
            source,
            by,
        } => {
            // Every body that meets in sessions: the Assembly, the Council and those of the
            // built-in calendar (commissions, the forum, ...).
            let bodies: Vec<&str> = [
                resolution::Body::GeneralAssembly,
                resolution::Body::HumanRightsCouncil,
            ]
            .into_iter()
            .chain(resolution::Body::WITH_OTHER_CALENDARS)
            .map(|b| b.code())
            .collect();
            anyhow::ensure!(
                bodies.contains(&body.as_str()),
                "body must be one of {}, not {body:?}",
                bodies.join(", ")
            );
            anyhow::ensure!(
                closes.is_none_or(|c| c >= opens),
                "the session cannot close before it opens"
            );
            anyhow::ensure!(
                !by.trim().is_empty() && !source.trim().is_empty(),
                "say where the date comes from (--source) and who corrects it (--by)"
            );
            let mut tx = db.pool.begin().await?;
            let correction = store::SessionCorrection {
                body: &body,
                session,
                opens_on: opens,
                closes_on: closes,
                source: &source,
                edited_by: &by,
            };
            let moved = store::correct_session(&mut tx, &correction).await?;
            tx.commit().await?;
            println!("{body} session {session} opens {opens}; {moved} deadline(s) moved to it");
            Ok(())
        }
    }
}

const DEMO_EMAIL: &str = "demo@mandates.example";

/// Makes (or resets) the demo account and returns its new password.
async fn demo_account(pool: &sqlx::PgPool) -> anyhow::Result<String> {
    let password = accounts::new_password();
    let hash = accounts::hash_password(&password);
    match store::find_user_id(pool, DEMO_EMAIL).await? {
        Some(id) => {
            let mut tx = pool.begin().await?;
            store::set_password(&mut tx, id, &hash).await?;
            store::update_user(&mut tx, id, Role::Admin.as_str(), false).await?;
            tx.commit().await?;
        }
        None => {
            store::add_user(pool, DEMO_EMAIL, "Demo User", Role::Admin.as_str(), &hash).await?;
        }
    }
    Ok(password)
}

/// Records a change made from the command line.
async fn audit_cli(
    db: impl sqlx::PgExecutor<'_>,
    action: &str,
    subject: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> anyhow::Result<()> {
    store::record_audit(
        db,
        &store::AuditEntry {
            user_id: None,
            actor_name: "command line",
            action,
            subject,
            link: None,
            before,
            after,
        },
    )
    .await?;
    Ok(())
}

async fn run_user(command: UserCommand, pool: &sqlx::PgPool) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            admin,
        } => {
            let email = accounts::normalize_email(&email).map_err(anyhow::Error::msg)?;
            let role: Role = if admin {
                Role::Admin
            } else {
                role.parse().map_err(anyhow::Error::msg)?
            };
            let name = name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| email.clone());
            let password = accounts::new_password();
            let hash = accounts::hash_password(&password);
            let mut tx = pool.begin().await?;
            store::add_user(&mut *tx, &email, &name, role.as_str(), &hash).await?;
            let after = serde_json::json!({ "email": email, "name": name, "role": role.as_str() });
            audit_cli(
                &mut *tx,
                "user.add",
                &format!("user {email}"),
                None,
                Some(after),
            )
            .await?;
            tx.commit().await?;
            println!("added {email} ({}); password: {password}", role.as_str());
        }
        UserCommand::List => {
            let mut stdout = std::io::stdout().lock();
            for u in store::list_users(pool).await? {
                let state = if u.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                writeln!(stdout, "{}\t{}\t{}\t{state}", u.email, u.role, u.name)?;
            }
        }
        UserCommand::Password { email } => {
            let email = accounts::normalize_email(&email).map_err(anyhow::Error::msg)?;
            let id = store::find_user_id(pool, &email)
                .await?
                .with_context(|| format!("there is no account for {email}"))?;
            let password = accounts::new_password();
            let hash = accounts::hash_password(&password);
            let mut tx = pool.begin().await?;
            store::set_password(&mut tx, id, &hash).await?;
            audit_cli(
                &mut *tx,
                "user.password",
                &format!("user {email}"),
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            println!("new password for {email}: {password}");
        }
        UserCommand::Role { email, role } => {
            let email = accounts::normalize_email(&email).map_err(anyhow::Error::msg)?;
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let mut tx = pool.begin().await?;
            // Held until commit: two changes cannot both count the same admins (see store).
            store::lock_admin_changes(&mut tx).await?;
            let id = store::find_user_id(&mut *tx, &email)
                .await?
                .with_context(|| format!("there is no account for {email}"))?;
            let user = store::find_user(&mut *tx, id)
                .await?
                .with_context(|| format!("there is no account for {email}"))?;
            if user.role == "admin"
                && user.disabled_at.is_none()
                && role != Role::Admin
                && store::count_active_admins(&mut *tx).await? <= 1
            {
                anyhow::bail!(
                    "{email} is the last admin who can sign in: make another admin first (`mandates user role OTHER_EMAIL admin`)"
                );
            }
            let disabled = user.disabled_at.is_some();
            store::update_user(&mut tx, id, role.as_str(), disabled).await?;
            audit_cli(
                &mut *tx,
                "user.update",
                &format!("user {email}"),
                Some(serde_json::json!({ "role": user.role, "disabled": disabled })),
                Some(serde_json::json!({ "role": role.as_str(), "disabled": disabled })),
            )
            .await?;
            tx.commit().await?;
            println!("{email} is now {} (was {})", role.as_str(), user.role);
        }
        UserCommand::Disable { email, enable } => {
            let email = accounts::normalize_email(&email).map_err(anyhow::Error::msg)?;
            let id = store::find_user_id(pool, &email)
                .await?
                .with_context(|| format!("there is no account for {email}"))?;
            let user = store::find_user(pool, id)
                .await?
                .with_context(|| format!("there is no account for {email}"))?;
            let mut tx = pool.begin().await?;
            store::lock_admin_changes(&mut tx).await?;
            store::update_user(&mut tx, id, &user.role, !enable).await?;
            let before = serde_json::json!({ "disabled": user.disabled_at.is_some() });
            let after = serde_json::json!({ "disabled": !enable });
            audit_cli(
                &mut *tx,
                "user.update",
                &format!("user {email}"),
                Some(before),
                Some(after),
            )
            .await?;
            tx.commit().await?;
            println!("{email} {}", if enable { "enabled" } else { "disabled" });
        }
    }
    Ok(())
}

/// The setting where `serve` records the base URL it is reached at.
const SERVER_BASE_URL: &str = "server_base_url";

async fn run_digest(
    command: DigestCommand,
    args: &DigestArgs,
    db: &Database,
) -> anyhow::Result<()> {
    use mandates::digest::{Clock, schedule::parse_time_zone};
    // MANDATES_BASE_URL, else where the server said it is reached, else the default.
    let served_at = store::find_setting(&db.pool, SERVER_BASE_URL).await?;
    let base_url = args.base_url(
        served_at
            .as_deref()
            .unwrap_or(mandates::digest::DEFAULT_BASE_URL),
    )?;
    let worker = args.worker(&db.pool, &base_url).await?;
    match command {
        DigestCommand::Preview { to, as_of } => {
            let subscriber = store::find_subscriber_by_email(&db.pool, &to)
                .await?
                .with_context(|| {
                    format!(
                        "no subscriber has the address {to:?}; add one with `mandates subscriber add {to}`"
                    )
                })?;
            let as_of = match as_of {
                Some(day) => day,
                None => {
                    let tz = parse_time_zone(&subscriber.time_zone).map_err(anyhow::Error::msg)?;
                    chrono::Utc::now().with_timezone(&tz).date_naive()
                }
            };
            let (digest, message) = worker
                .preview(&subscriber, as_of)
                .await
                .context("cannot compose the digest")?;
            if digest.is_empty() && !args.send_empty {
                eprintln!(
                    "note: nothing to report, so this digest would not be sent (MANDATES_DIGEST_SEND_EMPTY=false)"
                );
            }
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&message.formatted())?;
            writeln!(stdout)?;
            Ok(())
        }
        DigestCommand::Send { as_of } => {
            let clock = as_of.map_or_else(|| Clock::At(chrono::Utc::now()), Clock::EndOfDay);
            let summary = worker.run_once(clock, None).await?;
            for (email, week) in &summary.uncertain {
                eprintln!(
                    "warning: the digest of the week of {week} to {email} may or may not have been delivered (a sender stopped, or lost the SMTP server, after handing it over); it is marked uncertain and not resent"
                );
            }
            for (email, reason) in &summary.refused {
                eprintln!("warning: no digest for {email}: {reason}");
            }
            println!("{summary}");
            // The exit status is about this run: it fails when a digest of this run failed for
            // good for a reason of the setup (the SMTP server refusing the sender or the
            // message, a filter that no longer parses). A subscriber's own bad address or name
            // is their data to correct, warned about above, and would otherwise fail every
            // weekly run until someone removes them; unless it is every digest of the run,
            // which points at the server's relay settings rather than at the subscribers.
            let setup_failures = summary.failed - summary.refused.len() as u64;
            anyhow::ensure!(
                setup_failures == 0,
                "{setup_failures} digest(s) failed for good; see `mandates digest status`"
            );
            anyhow::ensure!(
                summary.sent > 0 || summary.refused.len() < 2,
                "all {} digests of this run were refused by address; check that the SMTP server relays for MANDATES_MAIL_FROM, and see `mandates digest status`",
                summary.refused.len()
            );
            Ok(())
        }
        DigestCommand::Status => {
            let counts = store::count_digest_jobs(&db.pool).await?;
            if counts.is_empty() {
                println!("no digest jobs yet");
            }
            for (status, count) in counts {
                println!("{status:>9}: {count}");
            }
            for job in store::list_recent_digest_jobs(&db.pool, 20).await? {
                println!(
                    "job {:>6}  {}  week of {}  {:<9} attempts {}{}{}",
                    job.id,
                    job.email,
                    job.week_start,
                    job.status,
                    job.attempts,
                    job.message_id.map(|m| format!("  {m}")).unwrap_or_default(),
                    job.last_error
                        .map(|e| format!("  ({e})"))
                        .unwrap_or_default(),
                );
            }
            Ok(())
        }
    }
}

async fn run_subscriber(command: SubscriberCommand, db: &Database) -> anyhow::Result<()> {
    use mandates::digest::schedule::weekday_name;
    use mandates::digest::subscription::SubscriptionRequest;
    match command {
        SubscriberCommand::Add {
            email,
            name,
            filter,
            weeks_ahead,
            day,
            hour,
            time_zone,
        } => {
            let s = SubscriptionRequest {
                email: &email,
                name: &name,
                filter: &filter,
                weeks_ahead: &weeks_ahead,
                weekday: &day,
                hour: &hour,
                time_zone: &time_zone,
            }
            .validate()
            .map_err(anyhow::Error::msg)?;
            let id = store::insert_subscriber(&db.pool, &s.as_new())
                .await?
                .with_context(|| format!("{} is already subscribed", s.email))?;
            println!(
                "subscribed {} (id {id}): {}s at {:02}:00 {}, {} weeks ahead, filter {}",
                s.email,
                weekday_name(s.send_weekday),
                s.send_hour,
                s.time_zone,
                s.weeks_ahead,
                if s.filter_query.is_empty() {
                    "(everything)"
                } else {
                    &s.filter_query
                }
            );
            Ok(())
        }
        SubscriberCommand::List => {
            let subscribers = store::list_subscribers(&db.pool).await?;
            if subscribers.is_empty() {
                println!("no subscribers yet; add one with `mandates subscriber add EMAIL`");
            }
            for s in subscribers {
                println!(
                    "{:>5}  {}{}  {}s {:02}:00 {}  {} weeks  {}{}",
                    s.id,
                    s.email,
                    if s.name.is_empty() {
                        String::new()
                    } else if s
                        .name
                        .chars()
                        .any(mandates::digest::subscription::is_control)
                    {
                        // One line per subscriber, whatever an old row holds.
                        format!(" ({})", s.name.escape_debug())
                    } else {
                        format!(" ({})", s.name)
                    },
                    weekday_name(s.send_weekday),
                    s.send_hour,
                    s.time_zone,
                    s.weeks_ahead,
                    if s.filter_query.is_empty() {
                        "everything"
                    } else {
                        &s.filter_query
                    },
                    if s.unsubscribed_at.is_some() {
                        "  [unsubscribed]"
                    } else {
                        ""
                    }
                );
                // Rows stored before names and addresses were checked at the door.
                if let Err(e) = mandates::digest::mail::recipient_mailbox(&s.name, &s.email) {
                    println!("       warning: {e}");
                }
            }
            Ok(())
        }
        SubscriberCommand::Remove { subscriber } => {
            let found = match subscriber.trim().parse::<i64>() {
                Ok(id) => store::find_subscriber(&db.pool, id).await?,
                Err(_) => store::find_subscriber_by_email(&db.pool, &subscriber).await?,
            }
            .with_context(|| {
                format!("no subscriber {subscriber:?}; see `mandates subscriber list`")
            })?;
            store::delete_subscriber(&db.pool, found.id).await?;
            println!("removed {} (id {})", found.email, found.id);
            Ok(())
        }
    }
}

/// The database to back up or restore: DATABASE_URL's, else the private cluster's (started
/// for the time, without migrating: a restore wants it as it is).
async fn database_target(
    config: &DatabaseConfig,
) -> anyhow::Result<(String, Option<store::PrivateCluster>)> {
    Ok(match &config.url {
        Some(url) => (url.clone(), None),
        None => {
            let cluster = store::start_private_cluster(config).await?;
            (cluster.url("postgres"), Some(cluster))
        }
    })
}

async fn leave_cluster(cluster: Option<store::PrivateCluster>) -> anyhow::Result<()> {
    if let Some(mut cluster) = cluster {
        tokio::task::spawn_blocking(move || cluster.stop()).await??;
    }
    Ok(())
}

async fn run_db(command: DbCommand, config: &DatabaseConfig) -> anyhow::Result<()> {
    match command {
        DbCommand::Backup { file } => {
            let (url, cluster) = database_target(config).await?;
            let result = store::backup::backup_database(&url, &file).await;
            leave_cluster(cluster).await?;
            let summary = result.context("cannot back the database up")?;
            println!(
                "backed up the database (PostgreSQL {}) to {} ({} bytes)",
                summary.server_version,
                file.display(),
                summary.bytes
            );
            return Ok(());
        }
        DbCommand::Restore { file, force } => {
            let (url, cluster) = database_target(config).await?;
            let result = store::backup::restore_database(&url, &file, force).await;
            leave_cluster(cluster).await?;
            result.context("cannot restore the backup")?;
            println!(
                "restored {}; the next start brings its schema up to date",
                file.display()
            );
            return Ok(());
        }
        _ => {}
    }
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
            cluster.detach()?;
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
        DbCommand::Upgrade { method, to_bin_dir } => {
            let method = match method {
                UpgradeMethodArg::Dump => store::backup::UpgradeMethod::Dump,
                UpgradeMethodArg::PgUpgrade => store::backup::UpgradeMethod::PgUpgrade,
            };
            let outcome = store::backup::upgrade_private_cluster(
                &config.data_dir,
                to_bin_dir.as_deref(),
                method,
            )
            .await
            .context("cannot upgrade the private cluster")?;
            println!(
                "upgraded the private cluster in {} from PostgreSQL {} to {} ({} tables, {} rows, checked); \
                 the old one is kept in {}: remove it once the tracker works",
                config.data_dir.display(),
                outcome.from,
                outcome.to,
                outcome.tables,
                outcome.rows,
                outcome.kept.display()
            );
            Ok(())
        }
        DbCommand::Backup { .. } | DbCommand::Restore { .. } => unreachable!("handled above"),
    }
}
