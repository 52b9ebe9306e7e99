//! Backups of the whole database with `pg_dump`'s custom format (compressed, and consistent:
//! it reads one snapshot, so a backup taken while editors write holds no half of a change),
//! restores into an empty database, and moving the private cluster to a newer PostgreSQL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sqlx::PgPool;

use super::cluster::{self, ClusterError, PrivateCluster, ServerBinaries, pg_root};
use super::{StoreError, connect};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "no `{program}` for PostgreSQL {version} (looked in {root}/{version}/bin and on PATH): \
         install PostgreSQL {version}'s client package (e.g. `apt-get install postgresql-client-{version}`)"
    )]
    ProgramNotFound {
        program: &'static str,
        version: String,
        root: String,
    },
    #[error(
        "the database already holds {tables} table(s) ({what}): restore into an empty database \
         (a new one from `createdb`, or a new MANDATES_DATA_DIR), or add --force to replace \
         everything in it with the backup"
    )]
    NotEmpty { tables: i64, what: String },
    #[error(
        "{path} is not a backup that `pg_restore` can read ({detail}): give a file made by `mandates db backup`"
    )]
    NotABackup { path: PathBuf, detail: String },
    #[error("`{program}` failed: {detail}")]
    Command { program: String, detail: String },
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error(
        "the private cluster in {data_dir} already runs PostgreSQL {version}, the newest installed: \
         nothing to upgrade (install the newer server package first)"
    )]
    AlreadyNewest { data_dir: PathBuf, version: String },
    #[error(
        "the upgraded cluster differs from the old one ({detail}); the old one in {old} is \
         untouched and still in use, the new one is left in {new} to look at"
    )]
    Mismatch {
        detail: String,
        old: PathBuf,
        new: PathBuf,
    },
    #[error(
        "{0} is left from an earlier upgrade: look at it, remove it, and run `mandates db upgrade` again"
    )]
    Leftover(PathBuf),
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupSummary {
    pub server_version: String,
    pub bytes: u64,
}

/// The server's major version ("15"; "9.6" before 10).
pub async fn server_major_version(pool: &PgPool) -> Result<String, sqlx::Error> {
    let number: String = sqlx::query_scalar("SELECT current_setting('server_version_num')")
        .fetch_one(pool)
        .await?;
    let number: u32 = number.trim().parse().unwrap_or(0);
    Ok(if number >= 100_000 {
        (number / 10_000).to_string()
    } else {
        format!("{}.{}", number / 10_000, number / 100 % 100)
    })
}

/// A client program (`pg_dump`, `pg_restore`) of PostgreSQL `version`: `<root>/<version>/bin`,
/// else one on PATH of that version or newer (both read older servers' data).
pub fn client_program(program: &'static str, version: &str) -> Result<PathBuf, BackupError> {
    let root = pg_root();
    let versioned = root.join(version).join("bin").join(program);
    if versioned.is_file() {
        return Ok(versioned);
    }
    let wanted = version_key(version);
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(program))
            .filter(|p| p.is_file())
            .find(|p| {
                std::process::Command::new(p)
                    .arg("--version")
                    .output()
                    .ok()
                    .and_then(|o| {
                        cluster::major_of_version_line(&String::from_utf8_lossy(&o.stdout))
                    })
                    .is_some_and(|found| version_key(&found) >= wanted)
            })
    });
    on_path.ok_or_else(|| BackupError::ProgramNotFound {
        program,
        version: version.to_string(),
        root: root.display().to_string(),
    })
}

fn version_key(version: &str) -> (u32, u32) {
    let mut parts = version.split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// A libpq connection string for `url` without its password, and the password apart (given to
/// the child in `PGPASSWORD`, so that `ps` does not show it).
fn libpq_target(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let password = parsed.password().map(|p| {
                percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .into_owned()
            });
            let _ = parsed.set_password(None);
            (parsed.to_string(), password)
        }
        Err(_) => (url.to_string(), None),
    }
}

async fn run_client(
    program: &Path,
    args: &[&std::ffi::OsStr],
    url: &str,
) -> Result<std::process::Output, BackupError> {
    let (target, password) = libpq_target(url);
    let mut command = tokio::process::Command::new(program);
    command.args(args).arg(format!("--dbname={target}"));
    command.env_remove("PGPASSWORD");
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let name = program
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let output = command.output().await.map_err(|e| BackupError::Command {
        program: name.clone(),
        detail: e.to_string(),
    })?;
    if output.status.success() {
        Ok(output)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = stderr
            .lines()
            .find(|l| l.contains("error:") || l.contains("FATAL"))
            .or_else(|| stderr.lines().rfind(|l| !l.trim().is_empty()))
            .unwrap_or("no output")
            .trim()
            .to_string();
        Err(BackupError::Command {
            program: name,
            detail: format!("{} ({detail})", output.status),
        })
    }
}

/// Writes a backup of the database at `url` to `file`: written beside it first and renamed
/// when complete, so that `file` is never half a backup.
pub async fn backup_database(url: &str, file: &Path) -> Result<BackupSummary, BackupError> {
    let pool = connect(url).await?;
    let server_version = server_major_version(&pool).await?;
    pool.close().await;
    let pg_dump = client_program("pg_dump", &server_version)?;
    let mut partial = file.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let args: [&std::ffi::OsStr; 3] = [
        "--format=custom".as_ref(),
        "--file".as_ref(),
        partial.as_os_str(),
    ];
    if let Err(e) = run_client(&pg_dump, &args, url).await {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let file_err = |source| BackupError::File {
        path: file.to_path_buf(),
        source,
    };
    std::fs::rename(&partial, file).map_err(file_err)?;
    let bytes = std::fs::metadata(file).map_err(file_err)?.len();
    Ok(BackupSummary {
        server_version,
        bytes,
    })
}

/// How many tables the database holds outside PostgreSQL's own schemas.
async fn count_tables(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg_toast%'",
    )
    .fetch_one(pool)
    .await
}

/// The number of rows of every table in the `public` schema: two databases that hold the same
/// data have the same counts.
pub async fn count_rows(pool: &PgPool) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let mut counts = BTreeMap::new();
    for table in tables {
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM public.{quoted}"
        )))
        .fetch_one(pool)
        .await?;
        counts.insert(table, count);
    }
    Ok(counts)
}

/// Restores `file` into the database at `url`, which must hold no tables unless `force`: then
/// what it holds is set aside first and dropped only once the restore succeeded (a failed
/// restore leaves it as it was).
pub async fn restore_database(url: &str, file: &Path, force: bool) -> Result<(), BackupError> {
    let pool = connect(url).await?;
    let server_version = server_major_version(&pool).await?;
    let pg_restore = client_program("pg_restore", &server_version)?;
    // Reading its table of contents tells a backup from any other file before anything changes.
    let listed = std::process::Command::new(&pg_restore)
        .arg("--list")
        .arg(file)
        .output()
        .map_err(|e| BackupError::Command {
            program: "pg_restore".into(),
            detail: e.to_string(),
        })?;
    if !listed.status.success() {
        let stderr = String::from_utf8_lossy(&listed.stderr);
        return Err(BackupError::NotABackup {
            path: file.to_path_buf(),
            detail: stderr
                .lines()
                .next()
                .unwrap_or("unreadable")
                .trim()
                .to_string(),
        });
    }
    let tables = count_tables(&pool).await?;
    let set_aside = tables > 0;
    if set_aside {
        if !force {
            let is_mandates: bool =
                sqlx::query_scalar("SELECT to_regclass('public.documents') IS NOT NULL")
                    .fetch_one(&pool)
                    .await?;
            let what = if is_mandates {
                let documents: i64 = sqlx::query_scalar("SELECT count(*) FROM public.documents")
                    .fetch_one(&pool)
                    .await?;
                format!("{documents} resolution(s)")
            } else {
                "not a mandates database".to_string()
            };
            pool.close().await;
            return Err(BackupError::NotEmpty { tables, what });
        }
        sqlx::raw_sql(
            "DROP SCHEMA IF EXISTS mandates_before_restore CASCADE;
             ALTER SCHEMA public RENAME TO mandates_before_restore;
             CREATE SCHEMA public;",
        )
        .execute(&pool)
        .await?;
    }
    // One transaction: the database gets all of the backup or none of it. Owners and grants are
    // left out so that a backup of one server restores on another with other roles.
    let args: [&std::ffi::OsStr; 5] = [
        "--exit-on-error".as_ref(),
        "--single-transaction".as_ref(),
        "--no-owner".as_ref(),
        "--no-privileges".as_ref(),
        file.as_os_str(),
    ];
    let restored = run_client(&pg_restore, &args, url).await;
    if set_aside {
        let undo = if restored.is_ok() {
            "DROP SCHEMA mandates_before_restore CASCADE;"
        } else {
            "DROP SCHEMA public CASCADE;
             ALTER SCHEMA mandates_before_restore RENAME TO public;"
        };
        sqlx::raw_sql(undo).execute(&pool).await?;
    }
    pool.close().await;
    restored.map(|_| ())
}

/// How `mandates db upgrade` moves the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeMethod {
    /// `pg_dump` from the old server, `pg_restore` into a new cluster: slower, works across any
    /// versions.
    Dump,
    /// `pg_upgrade` (copy mode): rewrites the catalog and copies the data files.
    PgUpgrade,
}

/// What an upgrade did.
#[derive(Debug)]
pub struct UpgradeOutcome {
    pub from: String,
    pub to: String,
    /// Where the old cluster is kept.
    pub kept: PathBuf,
    pub tables: usize,
    pub rows: i64,
}

/// Moves the private cluster in `data_dir` to the newest installed PostgreSQL (or the binaries
/// in `to_bin_dir`). The new cluster is made beside it; only when its tables hold the same rows
/// as the old one's does it take the old one's place, and the old one is kept beside it under
/// another name until someone removes it.
pub async fn upgrade_private_cluster(
    data_dir: &Path,
    to_bin_dir: Option<&Path>,
    method: UpgradeMethod,
) -> Result<UpgradeOutcome, BackupError> {
    let data_dir = data_dir
        .canonicalize()
        .map_err(|source| BackupError::File {
            path: data_dir.to_path_buf(),
            source,
        })?;
    let Some(from) = cluster::data_dir_version(&data_dir) else {
        return Err(BackupError::File {
            path: data_dir.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no cluster here (no PG_VERSION): nothing to upgrade",
            ),
        });
    };
    let old = blocking({
        let data_dir = data_dir.clone();
        move || ServerBinaries::find(None)?.for_data_dir(&data_dir)
    })
    .await?;
    let new = match to_bin_dir {
        Some(dir) => {
            let dir = dir.to_path_buf();
            blocking(move || ServerBinaries::find(Some(&dir))).await?
        }
        None => {
            let newest = cluster::installed_versions(&pg_root())
                .pop()
                .map(|(_, bin)| bin);
            blocking(move || ServerBinaries::find(newest.as_deref())).await?
        }
    };
    let to = new.major_version().unwrap_or_default();
    if version_key(&to) <= version_key(&from) {
        return Err(BackupError::AlreadyNewest {
            data_dir,
            version: from,
        });
    }
    let name = data_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "postgres".into());
    let parent = data_dir.parent().unwrap_or(Path::new("/")).to_path_buf();
    let new_dir = parent.join(format!("{name}.upgrading-to-{to}"));
    let kept = parent.join(format!("{name}.pg{from}-old"));
    for leftover in [&new_dir, &kept] {
        if leftover.exists() {
            return Err(BackupError::Leftover(leftover.clone()));
        }
    }
    // Nobody may write to the old cluster from here on: stop it (refused while a `serve` uses it).
    blocking({
        let (old, data_dir) = (old.clone(), data_dir.clone());
        move || PrivateCluster::stop_running(&old, &data_dir)
    })
    .await?;

    let before = {
        let cluster = start(old.clone(), &data_dir).await?;
        let pool = connect(&cluster.url("postgres")).await?;
        let counts = count_rows(&pool).await?;
        pool.close().await;
        if method == UpgradeMethod::Dump {
            let dump = parent.join(format!("{name}.upgrade-to-{to}.dump"));
            // The newer pg_dump: PostgreSQL's advice for dumps meant for a newer server.
            let pg_dump = new.dir.join("pg_dump");
            let args: [&std::ffi::OsStr; 3] = [
                "--format=custom".as_ref(),
                "--file".as_ref(),
                dump.as_os_str(),
            ];
            let dumped = run_client(&pg_dump, &args, &cluster.url("postgres")).await;
            stop(cluster).await?;
            dumped?;
            let fresh = start(new.clone(), &new_dir).await?;
            let restored = restore_with(&new.dir.join("pg_restore"), &fresh, &dump).await;
            let _ = std::fs::remove_file(&dump);
            stop(fresh).await?;
            restored?;
        } else {
            stop(cluster).await?;
            // pg_upgrade wants a new, initialised, stopped cluster.
            let fresh = start(new.clone(), &new_dir).await?;
            stop(fresh).await?;
            let (old, new, data_dir, new_dir) =
                (old.clone(), new.clone(), data_dir.clone(), new_dir.clone());
            blocking(move || {
                // Documented interface: pg_upgrade -b OLDBIN -B NEWBIN -d OLDDATA -D NEWDATA;
                // run as the server's user, in a folder it may write (its logs and sockets).
                // Copying (not --link) is the default, and leaves the old cluster usable;
                // `--copy` itself exists only from PostgreSQL 16.
                cluster::run(
                    new.command("pg_upgrade")
                        .arg("--old-bindir")
                        .arg(&old.dir)
                        .arg("--new-bindir")
                        .arg(&new.dir)
                        .arg("--old-datadir")
                        .arg(&data_dir)
                        .arg("--new-datadir")
                        .arg(&new_dir)
                        .arg("--username")
                        .arg(cluster::SUPERUSER)
                        .current_dir(&new_dir),
                )
            })
            .await?;
        }
        counts
    };
    // Verified before it replaces anything: the same tables with the same numbers of rows.
    let upgraded = start(new.clone(), &new_dir).await?;
    let pool = connect(&upgraded.url("postgres")).await?;
    let after = count_rows(&pool).await?;
    pool.close().await;
    stop(upgraded).await?;
    if before != after {
        let detail = before
            .keys()
            .chain(after.keys())
            .find(|t| before.get(*t) != after.get(*t))
            .map(|t| {
                format!(
                    "table {t}: {} rows before, {} after",
                    before.get(t).copied().unwrap_or(0),
                    after.get(t).copied().unwrap_or(0)
                )
            })
            .unwrap_or_default();
        return Err(BackupError::Mismatch {
            detail,
            old: data_dir,
            new: new_dir,
        });
    }
    let file_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BackupError::File { path, source }
    };
    std::fs::rename(&data_dir, &kept).map_err(file_err(&data_dir))?;
    std::fs::rename(&new_dir, &data_dir).map_err(file_err(&new_dir))?;
    Ok(UpgradeOutcome {
        from,
        to,
        kept,
        tables: after.len(),
        rows: after.values().sum(),
    })
}

async fn restore_with(
    pg_restore: &Path,
    cluster: &PrivateCluster,
    dump: &Path,
) -> Result<(), BackupError> {
    let args: [&std::ffi::OsStr; 3] = [
        "--exit-on-error".as_ref(),
        "--single-transaction".as_ref(),
        dump.as_os_str(),
    ];
    run_client(pg_restore, &args, &cluster.url("postgres"))
        .await
        .map(|_| ())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ClusterError> + Send + 'static,
) -> Result<T, ClusterError> {
    tokio::task::spawn_blocking(f)
        .await
        .expect("cluster steps do not panic")
}

async fn start(binaries: ServerBinaries, data_dir: &Path) -> Result<PrivateCluster, ClusterError> {
    let data_dir = data_dir.to_path_buf();
    blocking(move || PrivateCluster::start(binaries, &data_dir)).await
}

async fn stop(mut cluster: PrivateCluster) -> Result<(), ClusterError> {
    blocking(move || cluster.stop()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_command_line_for_the_environment() {
        let (target, password) = libpq_target(
            "postgres://mandates:p%40ss%20word@db.example.org:5433/mandates?sslmode=require",
        );
        assert_eq!(
            target,
            "postgres://mandates@db.example.org:5433/mandates?sslmode=require"
        );
        assert_eq!(password.as_deref(), Some("p@ss word"));
        let socket = "postgres://postgres@localhost/postgres?host=/tmp/pg";
        assert_eq!(libpq_target(socket), (socket.to_string(), None));
    }

    #[test]
    fn versions_order_numerically() {
        assert!(version_key("9.6") < version_key("10"));
        assert!(version_key("15") < version_key("16"));
    }
}
