//! Running the tracker for years: the private cluster across PostgreSQL versions, backups and
//! restores, upgrades of the cluster, metrics and the configuration check.

use std::path::{Path, PathBuf};
use std::process::Output;

use mandates::store::cluster::{DEFAULT_PG_ROOT, installed_versions};

use crate::harness::{mandates_command, shared_temp_dir};

/// The installed PostgreSQL (its `<root>/<major>` folder) and its major version.
fn real_installation() -> (String, PathBuf) {
    let (version, bin) = installed_versions(Path::new(DEFAULT_PG_ROOT))
        .pop()
        .expect("PostgreSQL installed under /usr/lib/postgresql");
    (version, bin.parent().unwrap().to_path_buf())
}

/// A root of versioned installations (`<root>/<major>/bin`) whose versions all link to the one
/// installed PostgreSQL: this machine's package source has a single version.
struct VersionRoot {
    dir: tempfile::TempDir,
    real: PathBuf,
}

impl VersionRoot {
    fn new() -> Self {
        Self {
            dir: shared_temp_dir("mandates-pgroot-"),
            real: real_installation().1,
        }
    }

    fn add(&self, version: &str) {
        std::os::unix::fs::symlink(&self.real, self.dir.path().join(version)).unwrap();
    }

    fn remove(&self, version: &str) {
        std::fs::remove_file(self.dir.path().join(version)).unwrap();
    }

    fn bin(&self, version: &str) -> PathBuf {
        self.dir.path().join(version).join("bin")
    }
}

/// `mandates ARGS` on the private cluster in `data_dir`, finding PostgreSQL under `root` only.
fn on_cluster(root: &VersionRoot, data_dir: &Path, args: &[&str]) -> Output {
    mandates_command()
        .env("MANDATES_PG_ROOT", root.dir.path())
        // No server binaries on PATH: only the root's versions count.
        .env("PATH", "/usr/bin:/bin")
        .env("MANDATES_DATA_DIR", data_dir)
        .args(args)
        .output()
        .unwrap()
}

fn succeeded(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        output.status.success(),
        "{stderr}\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr
}

#[test]
fn the_cluster_starts_with_its_own_versions_binaries_and_says_so_in_one_line_when_they_are_gone() {
    let (version, _) = real_installation();
    let newer = (version.parse::<u32>().unwrap() + 1).to_string();
    let root = VersionRoot::new();
    root.add(&version);
    let data = shared_temp_dir("mandates-versions-");
    let data_dir = data.path().join("pg");
    succeeded(&on_cluster(&root, &data_dir, &["db", "start"]));
    succeeded(&on_cluster(&root, &data_dir, &["db", "stop"]));
    assert_eq!(
        std::fs::read_to_string(data_dir.join("PG_VERSION"))
            .unwrap()
            .trim(),
        version
    );

    // A system upgrade installs a newer version beside it: the data's own version still runs it.
    root.add(&newer);
    let log = succeeded(&on_cluster(&root, &data_dir, &["db", "start"]));
    assert!(
        log.contains(&root.bin(&version).display().to_string()),
        "started with PostgreSQL {version}: {log}"
    );
    succeeded(&on_cluster(&root, &data_dir, &["db", "stop"]));

    // ... or replaces it: one plain line with both versions and the way forward.
    root.remove(&version);
    let output = mandates_command()
        .env("MANDATES_PG_ROOT", root.dir.path())
        .env("PATH", "/usr/bin:/bin")
        .env("MANDATES_DATA_DIR", &data_dir)
        .env("MANDATES_LOG", "off")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for words in [
        format!("made by PostgreSQL {version}"),
        format!("only PostgreSQL {newer} is installed"),
        "mandates db upgrade".to_string(),
    ] {
        assert!(stderr.contains(&words), "{words:?} in {stderr}");
    }
    assert!(!stderr.contains("pg_ctl"), "no raw pg_ctl error: {stderr}");
    assert!(!data_dir.join("postmaster.pid").exists());
}
