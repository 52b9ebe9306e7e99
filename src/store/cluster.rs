//! A private PostgreSQL cluster that `mandates` starts itself when no `DATABASE_URL` is given:
//! found among the installed server binaries, initialised once, listening on a Unix socket
//! inside its own data directory only, and stopped cleanly on shutdown.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The programs a cluster needs; all must be in one directory.
const SERVER_PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// Unix socket paths are limited to 107 bytes; the socket file is `<dir>/.s.PGSQL.5432`.
const MAX_SOCKET_DIR_LEN: usize = 107 - ".s.PGSQL.5432".len() - 1;

/// The superuser `initdb` creates; the cluster trusts local socket connections only.
pub const SUPERUSER: &str = "postgres";

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no PostgreSQL server binaries found (looked for initdb, pg_ctl and postgres {searched}): \
         install PostgreSQL's server package (e.g. `apt-get install postgresql`) \
         or set DATABASE_URL to use a running server"
    )]
    BinariesNotFound { searched: String },
    #[error(
        "PostgreSQL refuses to run as root and there is no `postgres` system user to run it as: \
         install PostgreSQL's server package (it creates that user), run mandates as an ordinary user, \
         or set DATABASE_URL"
    )]
    NoUnprivilegedUser,
    #[error(
        "the data directory {0} is too deep for PostgreSQL's Unix socket path limit: \
         set MANDATES_DATA_DIR to a shorter path"
    )]
    PathTooLong(PathBuf),
    #[error("cannot prepare the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{program}` failed: {detail}")]
    Command { program: String, detail: String },
}

/// Where the server binaries are and who runs them.
#[derive(Debug, Clone)]
pub struct ServerBinaries {
    pub dir: PathBuf,
    /// Set when we are root: the unprivileged user the server must run as.
    run_as: Option<(nix::unistd::Uid, nix::unistd::Gid)>,
}

impl ServerBinaries {
    /// Finds the server binaries: in `dir` when given, else on `PATH`, then under
    /// `/usr/lib/postgresql/*/bin`, the newest version winning.
    pub fn find(dir: Option<&Path>) -> Result<Self, ClusterError> {
        let (found, searched) = match dir {
            Some(dir) => (
                has_server_programs(dir).then(|| dir.to_path_buf()),
                format!("in {}", dir.display()),
            ),
            None => (
                search_path(std::env::var_os("PATH").as_deref())
                    .or_else(|| newest_versioned_dir(Path::new("/usr/lib/postgresql"))),
                "on PATH or under /usr/lib/postgresql/*/bin".to_string(),
            ),
        };
        let dir = found.ok_or(ClusterError::BinariesNotFound { searched })?;
        let run_as = if nix::unistd::geteuid().is_root() {
            let user = nix::unistd::User::from_name(SUPERUSER)
                .ok()
                .flatten()
                .ok_or(ClusterError::NoUnprivilegedUser)?;
            Some((user.uid, user.gid))
        } else {
            None
        };
        Ok(Self { dir, run_as })
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.dir.join(program));
        if let Some((uid, gid)) = self.run_as {
            command.uid(uid.as_raw()).gid(gid.as_raw());
            // The server inherits our environment; a root HOME it cannot read only confuses it.
            command.env("HOME", "/tmp");
        }
        command.env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
        command
    }

    /// Hands a directory we created to the user the server runs as.
    fn give(&self, path: &Path) -> Result<(), ClusterError> {
        if let Some((uid, gid)) = self.run_as {
            std::os::unix::fs::chown(path, Some(uid.as_raw()), Some(gid.as_raw())).map_err(
                |source| ClusterError::DataDir {
                    path: path.to_path_buf(),
                    source,
                },
            )?;
        }
        Ok(())
    }
}

fn has_server_programs(dir: &Path) -> bool {
    SERVER_PROGRAMS.iter().all(|p| dir.join(p).is_file())
}

fn search_path(path: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?).find(|dir| has_server_programs(dir))
}

/// `/usr/lib/postgresql/<version>/bin` with the highest numeric version.
fn newest_versioned_dir(root: &Path) -> Option<PathBuf> {
    fs::read_dir(root)
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: u32 = entry
                .file_name()
                .to_str()?
                .split('.')
                .next()?
                .parse()
                .ok()?;
            let bin = entry.path().join("bin");
            has_server_programs(&bin).then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
}

/// A running private cluster. Dropping it stops the server if this process started it.
#[derive(Debug)]
pub struct PrivateCluster {
    binaries: ServerBinaries,
    data_dir: PathBuf,
    /// False when the server was already running (another `mandates` started it): we leave it be.
    owned: bool,
    stopped: bool,
}

impl PrivateCluster {
    /// Initialises `data_dir` if it holds no cluster yet, then starts the server unless it
    /// already runs. Blocking: call it from `spawn_blocking` inside async code.
    pub fn start(binaries: ServerBinaries, data_dir: &Path) -> Result<Self, ClusterError> {
        let data_err = |source| ClusterError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(data_dir).map_err(data_err)?;
        let data_dir = data_dir.canonicalize().map_err(data_err)?;
        if data_dir.as_os_str().len() > MAX_SOCKET_DIR_LEN {
            return Err(ClusterError::PathTooLong(data_dir));
        }
        if !data_dir.join("PG_VERSION").exists() {
            initdb(&binaries, &data_dir)?;
        }
        let mut cluster = Self {
            binaries,
            data_dir,
            owned: true,
            stopped: false,
        };
        if cluster.is_running() {
            tracing::info!(data_dir = %cluster.data_dir.display(), "private PostgreSQL already running; using it");
            cluster.owned = false;
            return Ok(cluster);
        }
        cluster.remove_stale_pid_file();
        let log = cluster.data_dir.join("server.log");
        let options = format!(
            "-c listen_addresses='' -c unix_socket_directories='{}' -c unix_socket_permissions=0700",
            cluster.data_dir.display()
        );
        run(cluster
            .binaries
            .command("pg_ctl")
            .arg("start")
            .arg("--wait")
            .arg("--timeout=60")
            .arg("-D")
            .arg(&cluster.data_dir)
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(options))
        .map_err(|e| match e {
            ClusterError::Command { program, detail } => ClusterError::Command {
                program,
                detail: format!("{detail} (see {})", log.display()),
            },
            other => other,
        })?;
        tracing::info!(data_dir = %cluster.data_dir.display(), "private PostgreSQL started");
        Ok(cluster)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A connection URL for `database` over the cluster's Unix socket.
    pub fn url(&self, database: &str) -> String {
        // The host part is a placeholder: `host=/path` in the query selects the socket directory.
        format!(
            "postgres://{SUPERUSER}@localhost/{database}?host={}",
            encode_query_value(&self.data_dir.to_string_lossy())
        )
    }

    fn is_running(&self) -> bool {
        self.binaries
            .command("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(&self.data_dir)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// After a crash `postmaster.pid` stays behind. PostgreSQL itself ignores it when its PID
    /// is gone, but refuses when the PID was reused by an unrelated process: remove it then.
    fn remove_stale_pid_file(&self) {
        let pid_file = self.data_dir.join("postmaster.pid");
        let Ok(contents) = fs::read_to_string(&pid_file) else {
            return;
        };
        let pid = contents
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<u32>().ok());
        let alive_postgres = pid.is_some_and(|pid| {
            fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim().starts_with("postgres"))
        });
        if !alive_postgres {
            tracing::warn!(path = %pid_file.display(), "removing stale postmaster.pid left by a crash");
            let _ = fs::remove_file(&pid_file);
        }
    }

    /// Leaves the server running after this value is gone (for `mandates db start`).
    pub fn detach(mut self) {
        self.owned = false;
    }

    /// Stops the server (fast shutdown: open sessions are ended, data is flushed).
    pub fn stop(&mut self) -> Result<(), ClusterError> {
        if self.stopped || !self.owned {
            return Ok(());
        }
        self.stopped = true;
        stop_server(&self.binaries, &self.data_dir)
    }

    /// Stops the server running on `data_dir`, whoever started it. False when none was running.
    pub fn stop_running(binaries: &ServerBinaries, data_dir: &Path) -> Result<bool, ClusterError> {
        let status = binaries
            .command("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(data_dir)
            .output()
            .map_err(|e| ClusterError::Command {
                program: "pg_ctl".into(),
                detail: e.to_string(),
            })?;
        if !status.status.success() {
            return Ok(false);
        }
        stop_server(binaries, data_dir)?;
        Ok(true)
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            tracing::error!("{e}");
        }
    }
}

/// Percent-encodes what would end or confuse a URL query value; paths are mostly plain.
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn stop_server(binaries: &ServerBinaries, data_dir: &Path) -> Result<(), ClusterError> {
    run(binaries
        .command("pg_ctl")
        .arg("stop")
        .arg("--wait")
        .arg("-m")
        .arg("fast")
        .arg("-D")
        .arg(data_dir))?;
    tracing::info!(data_dir = %data_dir.display(), "private PostgreSQL stopped");
    Ok(())
}

fn initdb(binaries: &ServerBinaries, data_dir: &Path) -> Result<(), ClusterError> {
    let data_err = |source| ClusterError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    };
    // initdb wants an empty directory it may own, with no access for others.
    fs::set_permissions(data_dir, fs::Permissions::from_mode(0o700)).map_err(data_err)?;
    binaries.give(data_dir)?;
    tracing::info!(data_dir = %data_dir.display(), "initialising private PostgreSQL cluster");
    run(binaries
        .command("initdb")
        .arg("-D")
        .arg(data_dir)
        .arg("-U")
        .arg(SUPERUSER)
        .arg("--auth=trust")
        .arg("--encoding=UTF8")
        .arg("--locale=C.UTF-8")
        .arg("--no-instructions"))?;
    Ok(())
}

fn run(command: &mut Command) -> Result<Output, ClusterError> {
    let program = command
        .get_program()
        .to_string_lossy()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let output = command.output().map_err(|e| ClusterError::Command {
        program: program.clone(),
        detail: e.to_string(),
    })?;
    if output.status.success() {
        Ok(output)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let detail = stderr
            .lines()
            .chain(stdout.lines())
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("no output")
            .to_string();
        Err(ClusterError::Command {
            program,
            detail: format!("{} ({detail})", output.status),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_directory_has_no_server_binaries() {
        let dir = std::env::temp_dir().join(format!("mandates-empty-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let err = ServerBinaries::find(Some(&dir)).unwrap_err();
        assert!(matches!(err, ClusterError::BinariesNotFound { .. }));
        assert!(err.to_string().contains("DATABASE_URL"));
        fs::remove_dir(&dir).unwrap();
    }

    #[test]
    fn socket_paths_are_encoded_in_the_url() {
        assert_eq!(encode_query_value("/tmp/my data/pg"), "/tmp/my%20data/pg");
        assert_eq!(encode_query_value("/a&b#c"), "/a%26b%23c");
    }

    #[test]
    fn the_newest_versioned_directory_wins() {
        let root = std::env::temp_dir().join(format!("mandates-versions-{}", std::process::id()));
        for version in ["9.6", "15", "13"] {
            let bin = root.join(version).join("bin");
            fs::create_dir_all(&bin).unwrap();
            for program in SERVER_PROGRAMS {
                fs::write(bin.join(program), "").unwrap();
            }
        }
        assert_eq!(
            newest_versioned_dir(&root),
            Some(root.join("15").join("bin"))
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
