//! A private PostgreSQL cluster that `mandates` starts itself when no `DATABASE_URL` is given:
//! found among the installed server binaries, initialised once, listening on a Unix socket
//! inside its own data directory only, shared by every `mandates` process that uses it, and
//! stopped cleanly when the last of them is done.
//!
//! Sharing rests on two `flock`s, which the kernel drops when a process dies (even by
//! `kill -9`), so a crash never leaves a count behind:
//! - the *gate*, an exclusive lock on the data directory itself, held while a process
//!   initialises, starts or stops the server, so that these steps never interleave;
//! - the *users*, a shared lock on `mandates.lock` inside it, held by every process for as long
//!   as it uses the server. Leaving, a process stops the server only if it can then take that
//!   lock exclusively (nobody else uses it) and `mandates` started the server for itself
//!   (`mandates.auto-stop` exists; `mandates db start` and servers started by hand have none).

use std::ffi::OsStr;
use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use sha2::{Digest, Sha256};

/// The programs a cluster needs; all must be in one directory.
const SERVER_PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// Unix socket paths are limited to 107 bytes; the socket file is `<dir>/.s.PGSQL.5432`.
const MAX_SOCKET_DIR_LEN: usize = 107 - ".s.PGSQL.5432".len() - 1;

/// The superuser `initdb` creates; the cluster trusts local socket connections only.
pub const SUPERUSER: &str = "postgres";

/// Where a root user's cluster goes when the `postgres` user cannot reach the data directory
/// asked for (a checkout under `/root` or in a `mktemp -d` folder, both mode 0700). Under
/// `/var/lib` because that is where a system keeps state that must survive a reboot (`/tmp` may
/// be wiped); root-owned and 0755, so only each cluster's own 0700 directory is the server's.
pub const SHARED_ROOT: &str = "/var/lib/mandates";

/// Held shared by every process using the server (see the module documentation).
const USERS_LOCK_FILE: &str = "mandates.lock";
/// Present while the server runs because a `mandates` process started it for its own use.
const AUTO_STOP_FILE: &str = "mandates.auto-stop";

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
    #[error(
        "PostgreSQL runs as the `{SUPERUSER}` user, which cannot enter {blocker} (mode {mode:o}) \
         and so cannot reach the data directory {path}: set MANDATES_DATA_DIR to a directory \
         that user can reach (e.g. {SHARED_ROOT}/NAME), \
         or let it through with `chmod o+x {blocker}`"
    )]
    Unreachable {
        path: PathBuf,
        blocker: PathBuf,
        mode: u32,
    },
    #[error(
        "`initdb` cannot use the data directory {path}: PostgreSQL runs as the `{user}` user, \
         which must own it and be able to enter every folder above it (`namei -l {path}` shows \
         their modes; an ACL may also shut it out); set MANDATES_DATA_DIR to a directory that \
         user can reach, or give it access [initdb said: {detail}]"
    )]
    InitdbDenied {
        path: PathBuf,
        user: String,
        detail: String,
    },
    #[error(
        "the private cluster in {0} is in use by another mandates process (a running `serve`?): \
         stop that process first; the cluster stops with the last one"
    )]
    InUse(PathBuf),
    #[error(
        "the private cluster in {data_dir} was made by PostgreSQL {wanted}, but {found}, which \
         cannot run it: install PostgreSQL {wanted}'s server package beside it (e.g. \
         `apt-get install postgresql-{wanted}`) and start again; with both installed, \
         `mandates db upgrade` moves the data to the newer version (keeping the old directory)"
    )]
    VersionMissing {
        data_dir: PathBuf,
        wanted: String,
        found: String,
    },
    #[error("`{program}` failed: {detail}")]
    Command { program: String, detail: String },
}

/// Where versioned installations are looked for, as `<root>/<major>/bin` (the layout of
/// Debian's and Ubuntu's packages); `MANDATES_PG_ROOT` overrides it.
pub const DEFAULT_PG_ROOT: &str = "/usr/lib/postgresql";

/// The root of the versioned installations: `MANDATES_PG_ROOT`, else [`DEFAULT_PG_ROOT`].
pub fn pg_root() -> PathBuf {
    std::env::var_os("MANDATES_PG_ROOT")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_PG_ROOT), PathBuf::from)
}

/// The major version a data directory was made by (its `PG_VERSION`), when it holds a cluster.
pub fn data_dir_version(data_dir: &Path) -> Option<String> {
    let text = fs::read_to_string(data_dir.join("PG_VERSION")).ok()?;
    let version = text.trim();
    (!version.is_empty()).then(|| version.to_string())
}

/// A major version as a key that orders "9.6" before "15".
fn version_key(version: &str) -> (u32, u32) {
    let mut parts = version.split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The major version in a program's `--version` line (`pg_ctl (PostgreSQL) 15.8 (Debian ...)`):
/// the first number from 10 on, the first two before.
pub(crate) fn major_of_version_line(line: &str) -> Option<String> {
    let number = line
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))?;
    let mut parts = number.split(|c: char| !c.is_ascii_digit());
    let first: u32 = parts.next()?.parse().ok()?;
    if first >= 10 {
        Some(first.to_string())
    } else {
        Some(format!("{first}.{}", parts.next()?))
    }
}

/// The server binaries installed under `root` as `<major>/bin`, oldest first.
pub fn installed_versions(root: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().to_str()?.to_string();
            if version_key(&name).0 == 0 {
                return None;
            }
            let bin = entry.path().join("bin");
            has_server_programs(&bin).then_some((name, bin))
        })
        .collect();
    found.sort_by_key(|(version, _)| version_key(version));
    found
}

/// Where the server binaries are and who runs them.
#[derive(Debug, Clone)]
pub struct ServerBinaries {
    pub dir: PathBuf,
    /// True when `dir` was searched for (not given): another installed version may replace it
    /// for a data directory made by that version.
    searched: bool,
    /// Set when we are root: the unprivileged user the server must run as.
    run_as: Option<ServerUser>,
}

/// The unprivileged user PostgreSQL runs as when we are root, with what it may open.
#[derive(Debug, Clone)]
struct ServerUser {
    uid: nix::unistd::Uid,
    gid: nix::unistd::Gid,
    /// Its primary and supplementary groups.
    groups: Vec<nix::unistd::Gid>,
}

impl ServerUser {
    /// True when this user may pass through (search) a directory with this metadata.
    fn may_enter(&self, metadata: &fs::Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        let mode = metadata.mode();
        if self.uid.as_raw() == metadata.uid() {
            mode & 0o100 != 0
        } else if self.groups.iter().any(|g| g.as_raw() == metadata.gid()) {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        }
    }

    /// The first directory on the way to `path` (an absolute path without symlinks) that this
    /// user may not pass through, with its mode; `None` when the way is open. `path` itself is
    /// not looked at: the data directory is handed to the user before the server uses it.
    fn blocker(&self, path: &Path) -> Option<(PathBuf, u32)> {
        use std::os::unix::fs::MetadataExt;
        let mut ancestors: Vec<&Path> = path.ancestors().skip(1).collect();
        ancestors.reverse();
        ancestors.into_iter().find_map(|dir| {
            let metadata = fs::metadata(dir).ok()?;
            (!self.may_enter(&metadata)).then(|| (dir.to_path_buf(), metadata.mode() & 0o7777))
        })
    }
}

impl ServerBinaries {
    /// Finds the server binaries: in `dir` when given, else on `PATH`, then under
    /// [`pg_root`]`/*/bin`, the newest version winning. (A data directory made by another
    /// version then asks for its own: see [`ServerBinaries::for_data_dir`].)
    pub fn find(dir: Option<&Path>) -> Result<Self, ClusterError> {
        let root = pg_root();
        let (found, searched) = match dir {
            Some(dir) => (
                has_server_programs(dir).then(|| dir.to_path_buf()),
                format!("in {}", dir.display()),
            ),
            None => (
                search_path(std::env::var_os("PATH").as_deref())
                    .or_else(|| newest_versioned_dir(&root)),
                format!("on PATH or under {}/*/bin", root.display()),
            ),
        };
        let searched_for = dir.is_none();
        let dir = found.ok_or(ClusterError::BinariesNotFound { searched })?;
        let run_as = if nix::unistd::geteuid().is_root() {
            let user = nix::unistd::User::from_name(SUPERUSER)
                .ok()
                .flatten()
                .ok_or(ClusterError::NoUnprivilegedUser)?;
            let groups = std::ffi::CString::new(user.name.clone())
                .ok()
                .and_then(|name| nix::unistd::getgrouplist(&name, user.gid).ok())
                .unwrap_or_else(|| vec![user.gid]);
            Some(ServerUser {
                uid: user.uid,
                gid: user.gid,
                groups,
            })
        } else {
            None
        };
        Ok(Self {
            dir,
            searched: searched_for,
            run_as,
        })
    }

    /// The major version of these binaries: the folder's name in the `<major>/bin` layout,
    /// else what `pg_ctl --version` says.
    pub fn major_version(&self) -> Option<String> {
        let layout = self
            .dir
            .file_name()
            .filter(|name| *name == "bin")
            .and(self.dir.parent())
            .and_then(|parent| parent.file_name())
            .and_then(|name| name.to_str())
            .filter(|name| version_key(name).0 > 0)
            .map(str::to_string);
        layout.or_else(|| self.reported_major_version())
    }

    /// The major version `pg_ctl --version` says.
    fn reported_major_version(&self) -> Option<String> {
        let output = Command::new(self.dir.join("pg_ctl"))
            .arg("--version")
            .output()
            .ok()?;
        major_of_version_line(&String::from_utf8_lossy(&output.stdout))
    }

    /// The binaries that can run the cluster in `data_dir`: these when their major version is
    /// the one that made it (or it holds no cluster yet), else that version's when it is
    /// installed and these were searched for. PostgreSQL cannot run data of another major
    /// version; `mandates db upgrade` moves it.
    pub fn for_data_dir(self, data_dir: &Path) -> Result<Self, ClusterError> {
        let Some(wanted) = data_dir_version(data_dir) else {
            return Ok(self);
        };
        let own = self.major_version();
        if own.as_deref() == Some(wanted.as_str()) {
            return Ok(self);
        }
        let installed = if self.searched {
            installed_versions(&pg_root())
        } else {
            Vec::new()
        };
        if let Some((_, dir)) = installed.iter().find(|(v, _)| *v == wanted) {
            return Ok(Self {
                dir: dir.clone(),
                ..self
            });
        }
        // Binaries given by name (not searched for) in a folder named otherwise that are, by
        // their own word, the version wanted.
        if !self.searched && self.reported_major_version().as_deref() == Some(wanted.as_str()) {
            return Ok(self);
        }
        let mut versions: Vec<String> = installed.into_iter().map(|(v, _)| v).collect();
        if let Some(own) = own
            && !versions.contains(&own)
        {
            versions.push(own);
        }
        versions.sort_by_key(|v| version_key(v));
        let found = if self.searched {
            match versions.as_slice() {
                [] => "no PostgreSQL version was found".to_string(),
                [one] => format!("only PostgreSQL {one} is installed"),
                many => format!("only PostgreSQL {} are installed", many.join(", ")),
            }
        } else {
            format!(
                "the binaries in {} are PostgreSQL {}",
                self.dir.display(),
                versions.join(", ")
            )
        };
        Err(ClusterError::VersionMissing {
            data_dir: data_dir.to_path_buf(),
            wanted,
            found,
        })
    }

    pub(crate) fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.dir.join(program));
        if let Some(user) = &self.run_as {
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
            // The server inherits our environment and working directory; a root HOME or a
            // checkout under /root it cannot read only makes it complain.
            command.env("HOME", "/tmp").current_dir("/");
        }
        command.env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
        command
    }

    /// Hands a directory we created to the user the server runs as.
    fn give(&self, path: &Path) -> Result<(), ClusterError> {
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(path, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                .map_err(|source| ClusterError::DataDir {
                    path: path.to_path_buf(),
                    source,
                })?;
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

/// `<root>/<version>/bin` with the highest version.
fn newest_versioned_dir(root: &Path) -> Option<PathBuf> {
    installed_versions(root).pop().map(|(_, bin)| bin)
}

/// A running private cluster, used by this process. Dropping it leaves the cluster; the server
/// stops then only if nobody else uses it and `mandates` started it for itself.
#[derive(Debug)]
pub struct PrivateCluster {
    binaries: ServerBinaries,
    data_dir: PathBuf,
    /// The shared lock that counts this process among the server's users; `None` once left.
    user: Option<Flock<File>>,
}

impl PrivateCluster {
    /// Initialises `data_dir` if it holds no cluster yet, then starts the server unless it
    /// already runs. Blocking: call it from `spawn_blocking` inside async code.
    pub fn start(binaries: ServerBinaries, data_dir: &Path) -> Result<Self, ClusterError> {
        let data_dir = prepare_data_dir(&binaries, data_dir)?;
        if data_dir.as_os_str().len() > MAX_SOCKET_DIR_LEN {
            return Err(ClusterError::PathTooLong(data_dir));
        }
        let gate = lock_gate(&data_dir)?;
        let binaries = binaries.for_data_dir(&data_dir)?;
        if !data_dir.join("PG_VERSION").exists() {
            initdb(&binaries, &data_dir)?;
        }
        let user = lock_users(&data_dir, FlockArg::LockShared)?;
        if server_status(&binaries, &data_dir).unwrap_or(false) {
            tracing::info!(data_dir = %data_dir.display(), "private PostgreSQL already running; using it");
        } else {
            start_server(&binaries, &data_dir)?;
            tracing::info!(
                data_dir = %data_dir.display(),
                binaries = %binaries.dir.display(),
                "private PostgreSQL started"
            );
        }
        // The value is made only now, with the gate released: dropping it takes the gate.
        drop(gate);
        Ok(Self {
            binaries,
            data_dir,
            user: Some(user),
        })
    }

    /// Where the server keeps its data (canonical: the directory behind a link made for root).
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

    /// Leaves the server running for good (for `mandates db start`): no `mandates` process
    /// stops it on leaving any more, only `mandates db stop` does.
    pub fn detach(mut self) -> Result<(), ClusterError> {
        let gate = lock_gate(&self.data_dir)?;
        remove_auto_stop(&self.data_dir)?;
        self.user = None;
        drop(gate);
        Ok(())
    }

    /// Stops using the server, and stops the server (fast shutdown: open sessions are ended,
    /// data is flushed) when nobody else uses it and `mandates` started it for itself.
    pub fn stop(&mut self) -> Result<(), ClusterError> {
        let Some(user) = self.user.take() else {
            return Ok(());
        };
        let gate = lock_gate(&self.data_dir)?;
        // Turning our shared lock into an exclusive one succeeds only when no other process
        // holds it. (Linux drops the shared lock first; we are leaving anyway.)
        match user.relock(FlockArg::LockExclusiveNonblock) {
            Ok(()) => {
                if self.data_dir.join(AUTO_STOP_FILE).exists()
                    && server_status(&self.binaries, &self.data_dir).unwrap_or(false)
                {
                    stop_server(&self.binaries, &self.data_dir)?;
                }
                remove_auto_stop(&self.data_dir)?;
            }
            Err(Errno::EWOULDBLOCK) => {
                tracing::info!(
                    data_dir = %self.data_dir.display(),
                    "private PostgreSQL still in use by another mandates process; leaving it running"
                );
            }
            Err(errno) => {
                return Err(ClusterError::DataDir {
                    path: self.data_dir.join(USERS_LOCK_FILE),
                    source: errno.into(),
                });
            }
        }
        drop(user);
        drop(gate);
        Ok(())
    }

    /// Stops the server running on `data_dir`, whoever started it, unless a `mandates` process
    /// still uses it. False when none was running.
    pub fn stop_running(binaries: &ServerBinaries, data_dir: &Path) -> Result<bool, ClusterError> {
        let Ok(data_dir) = data_dir.canonicalize() else {
            return Ok(false);
        };
        // No lock file in a directory that holds no cluster: initdb wants it empty.
        if !data_dir.join("PG_VERSION").exists() {
            return Ok(false);
        }
        let gate = lock_gate(&data_dir)?;
        let binaries = &binaries.clone().for_data_dir(&data_dir)?;
        let nobody_else = match lock_users(&data_dir, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err(ClusterError::DataDir { source, .. })
                if source.raw_os_error() == Some(Errno::EWOULDBLOCK as i32) =>
            {
                return Err(ClusterError::InUse(data_dir));
            }
            Err(e) => return Err(e),
        };
        if !server_status(binaries, &data_dir)? {
            return Ok(false);
        }
        stop_server(binaries, &data_dir)?;
        remove_auto_stop(&data_dir)?;
        drop(nobody_else);
        drop(gate);
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

/// Starts the server of an initialised `data_dir` and marks it as one `mandates` started for
/// itself. The caller holds the gate.
fn start_server(binaries: &ServerBinaries, data_dir: &Path) -> Result<(), ClusterError> {
    remove_stale_pid_file(data_dir);
    let log = data_dir.join("server.log");
    let options = format!(
        "-c listen_addresses='' -c unix_socket_directories='{}' -c unix_socket_permissions=0700",
        data_dir.display()
    );
    run(binaries
        .command("pg_ctl")
        .arg("start")
        .arg("--wait")
        .arg("--timeout=60")
        .arg("-D")
        .arg(data_dir)
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
    let auto_stop = data_dir.join(AUTO_STOP_FILE);
    fs::write(
        &auto_stop,
        format!(
            "started by mandates (pid {}); stopped when the last mandates process using it exits\n",
            std::process::id()
        ),
    )
    .map_err(|source| ClusterError::DataDir {
        path: auto_stop,
        source,
    })
}

/// After a crash `postmaster.pid` stays behind. PostgreSQL itself ignores it when its PID
/// is gone, but refuses when the PID was reused by an unrelated process: remove it then.
fn remove_stale_pid_file(data_dir: &Path) {
    let pid_file = data_dir.join("postmaster.pid");
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

/// True when a server runs on `data_dir`.
fn server_status(binaries: &ServerBinaries, data_dir: &Path) -> Result<bool, ClusterError> {
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
    Ok(status.status.success())
}

/// Takes the gate: an exclusive lock on the data directory itself (not a file in it, because
/// `initdb` wants the directory empty), waiting for whoever holds it.
fn lock_gate(data_dir: &Path) -> Result<Flock<File>, ClusterError> {
    let data_err = |source| ClusterError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    };
    let dir = File::open(data_dir).map_err(data_err)?;
    Flock::lock(dir, FlockArg::LockExclusive).map_err(|(_, errno)| data_err(errno.into()))
}

/// Locks the users' file of an initialised data directory.
fn lock_users(data_dir: &Path, how: FlockArg) -> Result<Flock<File>, ClusterError> {
    let path = data_dir.join(USERS_LOCK_FILE);
    let data_err = |source| ClusterError::DataDir {
        path: path.clone(),
        source,
    };
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(data_err)?;
    Flock::lock(file, how).map_err(|(_, errno)| data_err(errno.into()))
}

fn remove_auto_stop(data_dir: &Path) -> Result<(), ClusterError> {
    let path = data_dir.join(AUTO_STOP_FILE);
    match fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(ClusterError::DataDir { path, source: e })
        }
        _ => Ok(()),
    }
}

/// Makes the data directory asked for exist and returns the directory the server will really
/// use (absolute, without symlinks).
///
/// As root, the server runs as the `postgres` user, which must pass through every folder above
/// its data. A checkout under `/root`, or in a `mktemp -d` folder, is behind a 0700 folder it
/// may not enter. Opening that folder (`chmod o+x`) would change the user's security without
/// asking; instead the cluster goes to its own 0700 directory under [`SHARED_ROOT`], named
/// after the path asked for, and the path asked for becomes a symlink to it: the next run, and
/// `mandates db stop`, find it there, and `ls -l` shows where the data lives.
fn prepare_data_dir(binaries: &ServerBinaries, requested: &Path) -> Result<PathBuf, ClusterError> {
    let data_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ClusterError::DataDir { path, source }
    };
    let Some(user) = &binaries.run_as else {
        fs::create_dir_all(requested).map_err(data_err(requested))?;
        return requested.canonicalize().map_err(data_err(requested));
    };
    if let Ok(target) = fs::read_link(requested)
        && !requested.exists()
    {
        // A link whose directory is gone (its data wiped): make the directory again.
        let target = requested.parent().unwrap_or(Path::new(".")).join(target);
        fs::create_dir_all(&target).map_err(data_err(&target))?;
    }
    if requested.exists() {
        let canonical = requested.canonicalize().map_err(data_err(requested))?;
        let Some((blocker, mode)) = user.blocker(&canonical) else {
            return Ok(canonical);
        };
        // An empty directory left by a run that could not use it is no loss; anything else
        // may be someone's data.
        let empty = fs::read_dir(&canonical).is_ok_and(|mut entries| entries.next().is_none());
        let is_link = fs::symlink_metadata(requested).is_ok_and(|m| m.file_type().is_symlink());
        if !empty || is_link {
            return Err(ClusterError::Unreachable {
                path: canonical,
                blocker,
                mode,
            });
        }
        match fs::remove_dir(requested) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(data_err(requested)(e));
            }
            _ => {}
        }
    }
    let parent = match requested.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent).map_err(data_err(parent))?;
    let name = requested.file_name().ok_or_else(|| ClusterError::DataDir {
        path: requested.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the data directory must end in a folder name",
        ),
    })?;
    let wanted = parent.canonicalize().map_err(data_err(parent))?.join(name);
    let Some((blocker, mode)) = user.blocker(&wanted) else {
        fs::create_dir_all(&wanted).map_err(data_err(&wanted))?;
        return Ok(wanted);
    };
    let shared = shared_data_dir(&wanted);
    let root = Path::new(SHARED_ROOT);
    if !root.exists() {
        fs::create_dir_all(root).map_err(data_err(root))?;
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).map_err(data_err(root))?;
    }
    // We are root and are about to hand a directory in it to another user: anyone else able to
    // write there could plant a link and have us give away a file of their choosing.
    let root_meta = fs::symlink_metadata(root).map_err(data_err(root))?;
    {
        use std::os::unix::fs::MetadataExt;
        if !root_meta.is_dir() || root_meta.uid() != 0 || root_meta.mode() & 0o022 != 0 {
            return Err(ClusterError::DataDir {
                path: root.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "it must be a directory owned by root that nobody else may write to \
                     (chown root: and chmod 755 it)",
                ),
            });
        }
    }
    if user.blocker(&shared).is_some() {
        // Even the shared place is closed to the server: say what was asked for.
        return Err(ClusterError::Unreachable {
            path: wanted,
            blocker,
            mode,
        });
    }
    fs::create_dir_all(&shared).map_err(data_err(&shared))?;
    match std::os::unix::fs::symlink(&shared, &wanted) {
        // Another `mandates` starting at the same moment made the same link.
        Err(e)
            if e.kind() == std::io::ErrorKind::AlreadyExists
                && fs::read_link(&wanted).is_ok_and(|t| t == shared) => {}
        other => other.map_err(data_err(&wanted))?,
    }
    tracing::info!(
        "the postgres user cannot enter {} (mode {mode:o}); keeping the cluster in {} and linking {} to it",
        blocker.display(),
        shared.display(),
        wanted.display()
    );
    Ok(shared)
}

/// The directory under [`SHARED_ROOT`] for the data directory asked for at `wanted`: named by a
/// hash of that path, so that each checkout gets its own and always the same one.
fn shared_data_dir(wanted: &Path) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let digest = Sha256::digest(wanted.as_os_str().as_bytes());
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Path::new(SHARED_ROOT).join(name)
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
    let result = run(binaries
        .command("initdb")
        .arg("-D")
        .arg(data_dir)
        .arg("-U")
        .arg(SUPERUSER)
        .arg("--auth=trust")
        .arg("--encoding=UTF8")
        .arg("--locale=C.UTF-8")
        .arg("--no-instructions"));
    match result {
        Ok(_) => Ok(()),
        // The usual cause, a folder the server's user may not enter or write, deserves its
        // own message: initdb's own words name neither that user nor the fix.
        Err(ClusterError::Command { detail, .. }) if detail.contains("Permission denied") => {
            let user = match &binaries.run_as {
                Some(_) => SUPERUSER.to_string(),
                None => nix::unistd::User::from_uid(nix::unistd::geteuid())
                    .ok()
                    .flatten()
                    .map_or_else(|| "current".to_string(), |u| u.name),
            };
            Err(ClusterError::InitdbDenied {
                path: data_dir.to_path_buf(),
                user,
                detail,
            })
        }
        Err(e) => Err(e),
    }
}

pub(crate) fn run(command: &mut Command) -> Result<Output, ClusterError> {
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
        let detail = failure_detail(
            &String::from_utf8_lossy(&output.stderr),
            &String::from_utf8_lossy(&output.stdout),
        );
        Err(ClusterError::Command {
            program,
            detail: format!("{} ({detail})", output.status),
        })
    }
}

/// The line that says why a PostgreSQL program failed: its first `error:`/`FATAL:` line on
/// stderr, else the last line of stderr, else of stdout. (initdb reports progress on stdout
/// after the error, so "the last line" alone said "Data page checksums are disabled.")
fn failure_detail(stderr: &str, stdout: &str) -> String {
    let non_empty = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let errors = non_empty(stderr);
    errors
        .iter()
        .find(|l| l.contains("error:") || l.contains("FATAL:"))
        .or_else(|| errors.last())
        .cloned()
        .or_else(|| non_empty(stdout).pop())
        .unwrap_or_else(|| "no output".to_string())
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
    fn a_failure_is_told_by_its_error_line_not_the_last_progress_line() {
        let stdout = "Data page checksums are disabled.\n\ncreating directory ... ok\n";
        let stderr = "initdb: error: could not access directory \"/root/m/data/postgres\": Permission denied\ninitdb: hint: fix it\n";
        assert_eq!(
            failure_detail(stderr, stdout),
            "initdb: error: could not access directory \"/root/m/data/postgres\": Permission denied"
        );
        assert_eq!(failure_detail("", stdout), "creating directory ... ok");
        assert_eq!(failure_detail("", ""), "no output");
    }

    #[test]
    fn each_data_directory_asked_for_gets_its_own_shared_directory() {
        let a = shared_data_dir(Path::new("/root/a/data/postgres"));
        let b = shared_data_dir(Path::new("/root/b/data/postgres"));
        assert_ne!(a, b);
        assert_eq!(a, shared_data_dir(Path::new("/root/a/data/postgres")));
        assert!(a.starts_with(SHARED_ROOT));
        assert!(a.as_os_str().len() <= MAX_SOCKET_DIR_LEN);
    }

    #[test]
    fn a_folder_closed_to_others_blocks_a_user_who_does_not_own_it() {
        let root = std::env::temp_dir().join(format!("mandates-closed-{}", std::process::id()));
        let inner = root.join("inner");
        fs::create_dir_all(&inner).unwrap();
        fs::set_permissions(&root, fs::Permissions::from_mode(0o700)).unwrap();
        let stranger = ServerUser {
            uid: nix::unistd::Uid::from_raw(54_321),
            gid: nix::unistd::Gid::from_raw(54_321),
            groups: vec![nix::unistd::Gid::from_raw(54_321)],
        };
        let me = ServerUser {
            uid: nix::unistd::geteuid(),
            gid: nix::unistd::getegid(),
            groups: vec![nix::unistd::getegid()],
        };
        assert_eq!(
            stranger.blocker(&inner.join("pg")),
            Some((root.clone(), 0o700))
        );
        assert_eq!(me.blocker(&inner.join("pg")), None);
        fs::set_permissions(&root, fs::Permissions::from_mode(0o711)).unwrap();
        assert_eq!(stranger.blocker(&inner.join("pg")), None);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn major_versions_are_read_from_version_lines() {
        assert_eq!(
            major_of_version_line("pg_ctl (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)").as_deref(),
            Some("15")
        );
        assert_eq!(
            major_of_version_line("pg_ctl (PostgreSQL) 9.6.24").as_deref(),
            Some("9.6")
        );
        assert_eq!(
            major_of_version_line("pg_dump (PostgreSQL) 17devel").as_deref(),
            Some("17")
        );
        assert!(version_key("9.6") < version_key("15"));
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
