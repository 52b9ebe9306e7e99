//! `mandates doctor`: checks a configuration piece by piece (the database and its schema, the
//! PostgreSQL binaries, disk space for the private cluster, SMTP, the base URL) and says what is
//! wrong, and what to do, in plain words.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::store::{self, DatabaseConfig, ServerBinaries, cluster};

/// Less free space than this on the private cluster's disk is a problem: PostgreSQL stops
/// writing when the disk is full, and a backup or an upgrade needs room for a copy.
pub const MIN_FREE_BYTES: u64 = 1 << 30;

/// What is checked.
#[derive(Debug, Clone)]
pub struct DoctorConfig {
    pub database: DatabaseConfig,
    pub smtp_url: Option<String>,
    pub base_url: Option<String>,
    /// The dashboard's address (the base URL's default).
    pub bind: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Works, but worth knowing.
    Note,
    /// Broken: `mandates` will fail at this.
    Broken,
}

/// One checked piece and what was found.
#[derive(Debug, Clone)]
pub struct Finding {
    pub piece: &'static str,
    pub verdict: Verdict,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mark = match self.verdict {
            Verdict::Ok => "ok  ",
            Verdict::Note => "note",
            Verdict::Broken => "FAIL",
        };
        write!(f, "{mark}  {}: {}", self.piece, self.message)
    }
}

fn finding(piece: &'static str, verdict: Verdict, message: impl Into<String>) -> Finding {
    Finding {
        piece,
        verdict,
        message: message.into(),
    }
}

/// Checks everything; a piece that depends on a broken one is left out rather than failed
/// again.
pub async fn check(config: &DoctorConfig) -> Vec<Finding> {
    let mut findings = Vec::new();
    match &config.database.url {
        Some(url) => check_database(url, &mut findings).await,
        None => check_private_cluster(&config.database, &mut findings).await,
    }
    findings.push(check_smtp(config.smtp_url.as_deref()).await);
    findings.push(check_base_url(config.base_url.as_deref(), &config.bind));
    findings
}

async fn check_private_cluster(config: &DatabaseConfig, findings: &mut Vec<Finding>) {
    const PIECE: &str = "PostgreSQL binaries";
    let data_dir = config.data_dir.clone();
    let pg_bin_dir = config.pg_bin_dir.clone();
    let binaries = tokio::task::spawn_blocking(move || {
        let binaries = ServerBinaries::find(pg_bin_dir.as_deref())?;
        let version = binaries.major_version().unwrap_or_else(|| "?".into());
        let binaries = binaries.for_data_dir(&data_dir)?;
        Ok::<_, store::ClusterError>((binaries, version))
    })
    .await
    .expect("finding binaries does not panic");
    match binaries {
        Ok((binaries, newest)) => findings.push(finding(
            PIECE,
            Verdict::Ok,
            format!(
                "PostgreSQL {} in {} (the newest found: {newest})",
                binaries.major_version().unwrap_or_else(|| "?".into()),
                binaries.dir.display()
            ),
        )),
        Err(e) => {
            findings.push(finding(PIECE, Verdict::Broken, e.to_string()));
            findings.push(check_disk(&config.data_dir));
            return;
        }
    }
    findings.push(check_disk(&config.data_dir));
    if cluster::data_dir_version(&config.data_dir).is_none() {
        findings.push(finding(
            "database",
            Verdict::Note,
            format!(
                "no private cluster in {} yet: the first `mandates serve` (or `mandates db start`) makes it",
                config.data_dir.display()
            ),
        ));
        return;
    }
    match store::start_private_cluster(config).await {
        Ok(mut running) => {
            check_database(&running.url("postgres"), findings).await;
            let _ = tokio::task::spawn_blocking(move || running.stop()).await;
        }
        Err(e) => findings.push(finding(
            "database",
            Verdict::Broken,
            format!(
                "cannot start the private cluster in {}: {e}",
                config.data_dir.display()
            ),
        )),
    }
}

/// Free space on the disk that holds `dir` (or would: its nearest existing parent).
fn check_disk(dir: &Path) -> Finding {
    const PIECE: &str = "disk space";
    let existing: PathBuf = dir
        .ancestors()
        .find(|p| p.exists())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    match nix::sys::statvfs::statvfs(&existing) {
        Ok(stats) => {
            // The field types differ between platforms (32 bits on some).
            #[allow(clippy::unnecessary_cast)]
            let free = stats.blocks_available() as u64 * stats.fragment_size() as u64;
            let text = format!(
                "{:.1} GiB free for the private cluster in {}",
                free as f64 / f64::from(1u32 << 30),
                dir.display()
            );
            if free < MIN_FREE_BYTES {
                finding(
                    PIECE,
                    Verdict::Broken,
                    format!(
                        "only {text}: PostgreSQL stops writing on a full disk; free some space or move MANDATES_DATA_DIR"
                    ),
                )
            } else {
                finding(PIECE, Verdict::Ok, text)
            }
        }
        Err(e) => finding(
            PIECE,
            Verdict::Broken,
            format!("cannot tell the free space of {}: {e}", existing.display()),
        ),
    }
}

async fn check_database(url: &str, findings: &mut Vec<Finding>) {
    const PIECE: &str = "database";
    let pool = match tokio::time::timeout(Duration::from_secs(15), store::connect(url)).await {
        Ok(Ok(pool)) => pool,
        Ok(Err(e)) => {
            findings.push(finding(
                PIECE,
                Verdict::Broken,
                format!("{e}: check DATABASE_URL (host, port, database name, user and password)"),
            ));
            return;
        }
        Err(_) => {
            findings.push(finding(
                PIECE,
                Verdict::Broken,
                "no answer from the database within 15 s: check DATABASE_URL's host and port, and the firewall",
            ));
            return;
        }
    };
    let version = store::backup::server_major_version(&pool)
        .await
        .unwrap_or_else(|_| "?".into());
    findings.push(finding(
        PIECE,
        Verdict::Ok,
        format!("reachable (PostgreSQL {version})"),
    ));
    findings.push(check_migrations(&pool).await);
    findings.push(match store::backup::client_program("pg_dump", &version) {
        Ok(path) => finding(
            "backups",
            Verdict::Ok,
            format!("pg_dump for PostgreSQL {version} in {}", path.display()),
        ),
        Err(e) => finding(
            "backups",
            Verdict::Broken,
            format!("`mandates db backup` cannot work: {e}"),
        ),
    });
    pool.close().await;
}

async fn check_migrations(pool: &sqlx::PgPool) -> Finding {
    const PIECE: &str = "schema";
    let applied: Result<Vec<(i64, bool)>, sqlx::Error> = sqlx::query_as(
        "SELECT version, success FROM _sqlx_migrations WHERE to_regclass('_sqlx_migrations') IS NOT NULL",
    )
    .fetch_all(pool)
    .await;
    let applied = match applied {
        Ok(rows) => rows,
        // No migrations table: nothing applied yet.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => Vec::new(),
        Err(e) => {
            return finding(
                PIECE,
                Verdict::Broken,
                format!("cannot read the applied migrations: {e}"),
            );
        }
    };
    let known: Vec<i64> = store::MIGRATOR.iter().map(|m| m.version).collect();
    if let Some((version, _)) = applied.iter().find(|(_, success)| !success) {
        return finding(
            PIECE,
            Verdict::Broken,
            format!(
                "migration {version} failed half-way: restore the last backup (`mandates db restore --force FILE`) and start again"
            ),
        );
    }
    let unknown: Vec<String> = applied
        .iter()
        .filter(|(v, _)| !known.contains(v))
        .map(|(v, _)| v.to_string())
        .collect();
    if !unknown.is_empty() {
        return finding(
            PIECE,
            Verdict::Broken,
            format!(
                "the database has migrations this mandates does not know ({}): a newer mandates used it; run that version (or newer)",
                unknown.join(", ")
            ),
        );
    }
    let pending = known
        .iter()
        .filter(|v| !applied.iter().any(|(a, _)| a == *v))
        .count();
    if pending > 0 {
        finding(
            PIECE,
            Verdict::Note,
            format!(
                "{pending} of {} migrations not applied yet: the next `mandates serve` applies them",
                known.len()
            ),
        )
    } else {
        finding(
            PIECE,
            Verdict::Ok,
            format!("up to date ({} migrations)", known.len()),
        )
    }
}

async fn check_smtp(url: Option<&str>) -> Finding {
    const PIECE: &str = "SMTP";
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return finding(
            PIECE,
            Verdict::Note,
            "SMTP_URL is not set: no weekly digests are sent",
        );
    };
    let mailer = match crate::digest::Mailer::from_url(url) {
        Ok(mailer) => mailer,
        Err(e) => return finding(PIECE, Verdict::Broken, format!("SMTP_URL: {e}")),
    };
    match tokio::time::timeout(Duration::from_secs(30), mailer.connect()).await {
        Ok(Ok(_session)) => finding(
            PIECE,
            Verdict::Ok,
            format!("{mailer:?} answers and accepts the sign-in"),
        ),
        Ok(Err(e)) => finding(
            PIECE,
            Verdict::Broken,
            format!(
                "cannot reach the SMTP server of SMTP_URL ({mailer:?}): {e}; check the host, port and TLS setting, and that it accepts this machine"
            ),
        ),
        Err(_) => finding(
            PIECE,
            Verdict::Broken,
            format!("no answer from the SMTP server of SMTP_URL ({mailer:?}) within 30 s"),
        ),
    }
}

fn check_base_url(base_url: Option<&str>, bind: &str) -> Finding {
    const PIECE: &str = "base URL";
    let Some(url) = base_url.map(str::trim).filter(|u| !u.is_empty()) else {
        return finding(
            PIECE,
            Verdict::Note,
            format!(
                "MANDATES_BASE_URL is not set: links in emails, exports and feeds point at http://{bind}; set it to the address users reach"
            ),
        );
    };
    match crate::digest::normalize_base_url(url) {
        Err(e) => finding(PIECE, Verdict::Broken, format!("MANDATES_BASE_URL: {e}")),
        Ok(url) if url.starts_with("http://") && !is_local(&url) => finding(
            PIECE,
            Verdict::Note,
            format!(
                "{url} is plain HTTP: passwords and cookies cross the network unencrypted; serve it behind a TLS proxy and use https://"
            ),
        ),
        Ok(url) => finding(PIECE, Verdict::Ok, url),
    }
}

fn is_local(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or_default();
    ["localhost", "127.", "[::1]"]
        .iter()
        .any(|local| rest.starts_with(local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_http_base_url_is_a_note_unless_local() {
        assert_eq!(
            check_base_url(Some("http://tracker.example.org"), "x").verdict,
            Verdict::Note
        );
        assert_eq!(
            check_base_url(Some("http://127.0.0.1:8080"), "x").verdict,
            Verdict::Ok
        );
        assert_eq!(
            check_base_url(Some("https://tracker.example.org/"), "x").verdict,
            Verdict::Ok
        );
        assert_eq!(
            check_base_url(Some("tracker.example.org"), "x").verdict,
            Verdict::Broken
        );
    }
}
