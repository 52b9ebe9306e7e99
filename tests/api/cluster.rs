//! The private cluster from the command line: a first run from a folder only root may enter,
//! and several `mandates` processes sharing one cluster without stopping it under each other.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use mandates::store::cluster::SHARED_ROOT;

use crate::harness::{
    ServerProcess, healthz, mandates_command, postmaster_running, shared_temp_dir,
};

fn serve(data_dir: &Path) -> ServerProcess {
    let mut command = mandates_command();
    command
        .env("MANDATES_DATA_DIR", data_dir)
        .args(["serve", "--bind", "127.0.0.1:0"]);
    ServerProcess::start(command).unwrap()
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// A temporary folder of mode 0700, as `mktemp -d` makes (tempfile's are 0755 under umask 022).
fn closed_temp_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

/// Removes the directory a data-dir link points to (under SHARED_ROOT, outside any temporary
/// folder) when the test ends, however it ends.
struct RemoveLinkTarget(PathBuf);

impl Drop for RemoveLinkTarget {
    fn drop(&mut self) {
        if let Ok(target) = std::fs::read_link(&self.0)
            && target.starts_with(SHARED_ROOT)
        {
            let _ = std::fs::remove_dir_all(target);
        }
    }
}

#[tokio::test]
async fn the_first_serve_works_in_a_checkout_inside_a_folder_only_root_may_enter() {
    if !is_root() {
        eprintln!("skipped: only root runs PostgreSQL as another user");
        return;
    }
    // `mktemp -d` and /root are mode 0700: the postgres user may not pass through.
    let closed = closed_temp_dir();
    let checkout = closed.path().join("mandates");
    std::fs::create_dir(&checkout).unwrap();
    let asked = checkout.join("data/postgres");
    let _cleanup = RemoveLinkTarget(asked.clone());
    let in_checkout = || {
        let mut command = mandates_command();
        command.current_dir(&checkout);
        command
    };

    let mut command = in_checkout();
    command.args(["serve", "--demo", "--bind", "127.0.0.1:0"]);
    let server = ServerProcess::start(command).unwrap();
    assert_eq!(healthz(&server.address).await, 200);
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    assert!(log.contains("cannot enter"), "the move is told: {log}");
    let target = std::fs::read_link(&asked).expect("data/postgres links to the cluster");
    assert!(target.starts_with(SHARED_ROOT), "{}", target.display());
    assert!(target.join("PG_VERSION").exists());
    assert!(
        !postmaster_running(&target),
        "stopped with the server: {log}"
    );

    // The next commands find the same cluster through the link.
    let output = in_checkout().args(["db", "start"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains(&*target.to_string_lossy()), "{stdout}");
    assert!(
        !stderr.contains("initialising"),
        "the data is reused: {stderr}"
    );
    let output = in_checkout().args(["db", "stop"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!postmaster_running(&target));
}

#[test]
fn data_the_server_cannot_reach_is_refused_with_the_cause_and_the_fix() {
    if !is_root() {
        eprintln!("skipped: only root runs PostgreSQL as another user");
        return;
    }
    // A cluster already in place behind a closed folder cannot be moved without asking.
    let closed = closed_temp_dir();
    let data_dir = closed.path().join("pg");
    std::fs::create_dir(&data_dir).unwrap();
    std::fs::write(data_dir.join("PG_VERSION"), "17\n").unwrap();
    let output = mandates_command()
        .env("MANDATES_DATA_DIR", &data_dir)
        .env("MANDATES_LOG", "off")
        .args(["db", "start"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let closed = closed.path().display().to_string();
    for words in [
        "`postgres` user",
        "cannot enter",
        closed.as_str(),
        "MANDATES_DATA_DIR",
        "chmod o+x",
    ] {
        assert!(lines[0].contains(words), "{words:?} in {stderr}");
    }
    assert!(!stderr.contains("initdb"), "{stderr}");
}

#[tokio::test]
async fn an_import_leaves_the_cluster_running_under_the_server_that_started_it() {
    let dir = shared_temp_dir("mandates-shared-");
    let data_dir = dir.path().join("pg");
    let server = serve(&data_dir);
    assert_eq!(healthz(&server.address).await, 200);

    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/A-RES-75-58.txt");
    let output = mandates_command()
        .env("MANDATES_DATA_DIR", &data_dir)
        .arg("import")
        .arg(&demo)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("already running; using it"), "{stderr}");
    assert_eq!(healthz(&server.address).await, 200, "after the import");

    // Nor may an operator stop it while the server uses it.
    let output = mandates_command()
        .env("MANDATES_DATA_DIR", &data_dir)
        .args(["db", "stop"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("in use by another mandates process"),
        "{stderr}"
    );
    assert_eq!(healthz(&server.address).await, 200, "after `db stop`");

    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    assert!(
        !postmaster_running(&data_dir),
        "the last user stops it: {log}"
    );
}

#[tokio::test]
async fn a_server_keeps_the_cluster_that_an_import_started_after_the_import_exits() {
    let dir = shared_temp_dir("mandates-shared-");
    let data_dir = dir.path().join("pg");
    // The import reports a missing file by its path once it has opened the database; a path
    // longer than a pipe holds keeps it writing that line, with its cluster started, until
    // the test reads its output. No timing involved.
    let missing = format!("/no/such/{}", "x".repeat(100_000));
    let mut import = mandates_command()
        .env("MANDATES_DATA_DIR", &data_dir)
        .args(["import", &missing])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut import_log = BufReader::new(import.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    for line in import_log.by_ref().map_while(Result::ok) {
        let started = line.contains("private PostgreSQL started");
        seen.push(line);
        if started {
            break;
        }
    }
    assert!(
        seen.last()
            .is_some_and(|l| l.contains("private PostgreSQL started")),
        "the import starts the cluster: {seen:?}"
    );
    let drain_log = std::thread::spawn(move || import_log.map_while(Result::ok).count());

    let server = serve(&data_dir);
    assert_eq!(healthz(&server.address).await, 200);
    let mut printed = String::new();
    import
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut printed)
        .unwrap();
    let status = import.wait().unwrap();
    drain_log.join().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "the missing file fails: {printed:.200}"
    );
    assert!(printed.contains("FAILED"), "{printed:.200}");
    assert_eq!(
        healthz(&server.address).await,
        200,
        "after the import exits"
    );
    assert!(postmaster_running(&data_dir));

    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    assert!(log.contains("already running; using it"), "{log}");
    assert!(
        !postmaster_running(&data_dir),
        "the last user stops the cluster a mandates process started: {log}"
    );
}

#[tokio::test]
async fn a_cluster_started_with_db_start_outlives_the_servers_that_use_it() {
    let dir = shared_temp_dir("mandates-shared-");
    let data_dir = dir.path().join("pg");
    let db = |action: &str| {
        let output: std::process::Output = mandates_command()
            .env("MANDATES_DATA_DIR", &data_dir)
            .args(["db", action])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "db {action}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    db("start");
    let server = serve(&data_dir);
    assert_eq!(healthz(&server.address).await, 200);
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    assert!(
        postmaster_running(&data_dir),
        "left running for whoever ran `db start`: {log}"
    );
    db("stop");
    assert!(!postmaster_running(&data_dir));
}

#[tokio::test]
async fn two_servers_started_at_once_on_a_new_data_dir_share_one_cluster() {
    let dir = shared_temp_dir("mandates-shared-");
    let data_dir = dir.path().join("pg");
    // Both find no cluster; one initialises and starts it while the other waits at the gate.
    let starting: Vec<_> = (0..2)
        .map(|_| {
            let data_dir = data_dir.clone();
            std::thread::spawn(move || serve(&data_dir))
        })
        .collect();
    let mut servers: Vec<ServerProcess> = starting.into_iter().map(|t| t.join().unwrap()).collect();
    for server in &servers {
        assert_eq!(healthz(&server.address).await, 200);
    }
    let last = servers.pop().unwrap();
    let (status, first_log) = servers.pop().unwrap().terminate();
    assert!(status.success(), "{first_log}");
    assert_eq!(healthz(&last.address).await, 200, "after the other exits");
    let (status, last_log) = last.terminate();
    assert!(status.success(), "{last_log}");
    let logs = format!("{first_log}\n{last_log}");
    assert_eq!(
        logs.matches("initialising private PostgreSQL").count(),
        1,
        "{logs}"
    );
    assert!(!postmaster_running(&data_dir), "{logs}");
}

/// Shuts the `postgres` user out of `dir` with a POSIX ACL (its mode bits still say 0755), as
/// an administrator's ACL may: the mode alone cannot show it, only initdb meets it.
fn deny_postgres_with_an_acl(dir: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let uid = nix::unistd::User::from_name("postgres")
        .unwrap()
        .expect("a postgres user")
        .uid
        .as_raw();
    // The kernel's xattr form of an access ACL: a version, then (tag, permissions, id) entries.
    let mut acl = 2u32.to_le_bytes().to_vec();
    let no_id = u32::MAX;
    for (tag, perm, id) in [
        (0x01u16, 7u16, no_id), // owner rwx
        (0x02, 0, uid),         // user postgres: nothing
        (0x04, 5, no_id),       // group r-x
        (0x10, 5, no_id),       // mask r-x
        (0x20, 5, no_id),       // others r-x
    ] {
        acl.extend(tag.to_le_bytes());
        acl.extend(perm.to_le_bytes());
        acl.extend(id.to_le_bytes());
    }
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).unwrap();
    let name = c"system.posix_acl_access";
    // SAFETY: both strings are NUL-terminated and the buffer outlives the call.
    let set = unsafe {
        libc::setxattr(
            path.as_ptr(),
            name.as_ptr(),
            acl.as_ptr().cast(),
            acl.len(),
            0,
        )
    };
    assert_eq!(set, 0, "set an ACL: {}", std::io::Error::last_os_error());
}

#[test]
fn initdb_shut_out_of_its_directory_is_reported_with_the_cause_and_the_fix() {
    if !is_root() {
        eprintln!("skipped: only root runs PostgreSQL as another user");
        return;
    }
    let dir = shared_temp_dir("mandates-acl-");
    deny_postgres_with_an_acl(dir.path());
    let output = mandates_command()
        .env("MANDATES_DATA_DIR", dir.path().join("pg"))
        .env("MANDATES_LOG", "off")
        .args(["db", "start"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    for words in ["Permission denied", "`postgres` user", "MANDATES_DATA_DIR"] {
        assert!(lines[0].contains(words), "{words:?} in {stderr}");
    }
    assert!(
        !stderr.contains("checksums"),
        "not initdb's last line: {stderr}"
    );
}

#[tokio::test]
async fn users_killed_with_sigkill_are_not_counted_and_leave_no_cluster_behind() {
    let dir = shared_temp_dir("mandates-shared-");
    let data_dir = dir.path().join("pg");
    let starter = serve(&data_dir);
    let other = serve(&data_dir);
    assert_eq!(healthz(&other.address).await, 200);
    // The starter dies without a word; the kernel drops its lock, the server runs on.
    starter.kill();
    assert_eq!(healthz(&other.address).await, 200, "after the kill");
    let (status, log) = other.terminate();
    assert!(status.success(), "{log}");
    assert!(
        !postmaster_running(&data_dir),
        "the last user left stops the cluster: {log}"
    );

    // Killed when alone, it leaves the server running; the next user to leave stops it.
    serve(&data_dir).kill();
    assert!(postmaster_running(&data_dir));
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/A-RES-75-58.txt");
    let output = mandates_command()
        .env("MANDATES_DATA_DIR", &data_dir)
        .arg("import")
        .arg(&demo)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("already running; using it"), "{stderr}");
    assert!(!postmaster_running(&data_dir), "{stderr}");
}
