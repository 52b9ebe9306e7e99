//! Running the tracker for years: the private cluster across PostgreSQL versions, backups and
//! restores, upgrades of the cluster, metrics and the configuration check.

use std::path::{Path, PathBuf};
use std::process::Output;

use mandates::store::{
    self,
    cluster::{DEFAULT_PG_ROOT, installed_versions},
};
use mandates::web::{self, AppConfig, AppState};

use crate::dashboard::{app_with_demo, app_with_series};
use crate::extract::fixture;
use crate::harness::{
    ServerProcess, TestApp, TestDatabase, mandates_command, shared_temp_dir, text_of,
};

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

    let env = [
        ("MANDATES_PG_ROOT", root.dir.path().to_str().unwrap()),
        ("PATH", "/usr/bin:/bin"),
        ("MANDATES_DATA_DIR", data_dir.to_str().unwrap()),
    ];
    let (ok, report) = doctor(&env);
    assert!(ok, "{report}");
    for piece in [
        format!("ok    PostgreSQL binaries: PostgreSQL {version} in"),
        "ok    disk space".to_string(),
        "ok    database: reachable".to_string(),
        "ok    schema: up to date".to_string(),
    ] {
        assert!(report.contains(&piece), "{piece:?} in {report}");
    }

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
    let mut command = mandates_command();
    command
        .env("MANDATES_PG_ROOT", root.dir.path())
        .env("PATH", "/usr/bin:/bin")
        .env("MANDATES_DATA_DIR", &data_dir)
        .env("MANDATES_LOG", "off")
        .args(["serve", "--bind", "127.0.0.1:0"]);
    let Err(refusal) = ServerProcess::start(command) else {
        panic!("served data of PostgreSQL {version} with PostgreSQL {newer}");
    };
    // The harness's first line says how the process exited; the rest is its stderr.
    let stderr = refusal.split_once('\n').unwrap().1.to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for words in [
        format!("made by PostgreSQL {version}"),
        format!("only PostgreSQL {newer} is installed"),
        "mandates db upgrade".to_string(),
    ] {
        assert!(stderr.contains(&words), "{words:?} in {stderr}");
    }
    assert!(!stderr.contains("pg_ctl"), "no raw pg_ctl error: {stderr}");
    let (ok, report) = doctor(&env);
    assert!(!ok);
    let fails = fail_lines(&report);
    assert_eq!(fails.len(), 1, "{report}");
    assert!(
        fails[0].contains(&format!("made by PostgreSQL {version}")),
        "{report}"
    );
    assert!(!data_dir.join("postmaster.pid").exists());
}

/// Changes an obligation's follow-up state through the dashboard's form, as an editor does.
async fn change_status(app: &TestApp, id: i64, status: &str, note: &str) {
    let response = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[
            ("status", status),
            ("fulfilled_by", ""),
            ("note", note),
            ("csrf", &app.csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "status of obligation {id} changed");
}

/// The app served in-process over `pool`, with `base_url` for its links; its address.
async fn serve_on(pool: sqlx::PgPool, base_url: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let config = AppConfig {
        base_url: base_url.to_string(),
        ..AppConfig::default()
    };
    let app = web::router(AppState::new(pool, config))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// Every row of a table as JSON text, in id order: equal exactly when the rows are.
async fn rows_of(pool: &sqlx::PgPool, table: &str) -> Vec<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT row_to_json(t)::text FROM {table} t ORDER BY id"
    )))
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A new database with nothing in it, in the tests' cluster; its URL.
async fn empty_database(next_to: &TestDatabase, name: &str) -> String {
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&next_to.pool)
        .await
        .unwrap();
    let at = next_to.url.find('?').unwrap();
    let slash = next_to.url[..at].rfind('/').unwrap();
    format!("{}/{name}{}", &next_to.url[..slash], &next_to.url[at..])
}

#[tokio::test]
async fn a_backup_of_the_demo_restores_into_a_fresh_cluster_with_the_same_pages_csv_and_audit_log()
{
    let app = app_with_demo().await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM obligations ORDER BY id LIMIT 3")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    for (id, status) in ids
        .iter()
        .zip(["fulfilled", "in_progress", "not_applicable"])
    {
        change_status(&app, *id, status, "checked with the desk officer").await;
    }
    succeeded(
        &app.cli()
            .args([
                "subscriber",
                "add",
                "amina@mission.example",
                "--name",
                "Amina Diallo",
            ])
            .output()
            .unwrap(),
    );
    let dir = shared_temp_dir("mandates-backup-");
    let file = dir.path().join("demo.backup");
    let output = app
        .cli()
        .args(["db", "backup"])
        .arg(&file)
        .output()
        .unwrap();
    succeeded(&output);
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("backed up the database"),
        "{output:?}"
    );

    // Into a new private cluster, as after losing the machine.
    let data_dir = dir.path().join("pg");
    let in_cluster = |args: &[&str]| {
        mandates_command()
            .env("MANDATES_DATA_DIR", &data_dir)
            .args(args)
            .output()
            .unwrap()
    };
    succeeded(&in_cluster(&["db", "restore", &file.display().to_string()]));
    let started = in_cluster(&["db", "start"]);
    succeeded(&started);
    let stdout = String::from_utf8(started.stdout).unwrap();
    let url = stdout
        .trim()
        .strip_prefix("export DATABASE_URL='")
        .and_then(|u| u.strip_suffix('\''))
        .unwrap()
        .to_string();
    let pool = store::connect(&url).await.unwrap();
    let restored = serve_on(pool.clone(), &app.address).await;

    let document: i64 = sqlx::query_scalar("SELECT min(id) FROM documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut pages = vec![
        "/".to_string(),
        "/obligations".into(),
        "/obligations?status=fulfilled".into(),
        "/actors".into(),
        "/agenda".into(),
        "/digest".into(),
        "/admin/audit".into(),
        "/admin/users".into(),
        format!("/resolutions/{document}"),
        "/obligations.csv".into(),
        "/api/obligations".into(),
    ];
    pages.extend(ids.iter().map(|id| format!("/obligations/{id}")));
    for path in &pages {
        let before = app.get(path).await;
        assert_eq!(before.status(), 200, "{path}");
        let before = before.text().await.unwrap();
        // The same browser session: sessions are in the backup too.
        let after = text_of(&app.client, format!("{restored}{path}")).await;
        assert!(before == after, "{path} differs after the restore");
    }
    for table in ["audit_log", "obligation_events", "subscribers", "users"] {
        assert_eq!(
            rows_of(&app.db.pool, table).await,
            rows_of(&pool, table).await,
            "{table}"
        );
    }
    pool.close().await;
    succeeded(&in_cluster(&["db", "stop"]));
}

#[tokio::test]
async fn a_restore_refuses_a_database_that_holds_data_unless_forced() {
    let app = app_with_series().await;
    let dir = shared_temp_dir("mandates-backup-");
    let file = dir.path().join("series.backup");
    succeeded(
        &app.cli()
            .args(["db", "backup"])
            .arg(&file)
            .output()
            .unwrap(),
    );
    let (id, backed_up): (i64, String) = sqlx::query_as(
        "SELECT id, status FROM obligations WHERE status <> 'in_progress' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    change_status(&app, id, "in_progress", "after the backup").await;

    let output = app
        .cli()
        .args(["db", "restore"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("already holds") && stderr.contains("2 resolution(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");

    let not_a_backup = dir.path().join("notes.txt");
    std::fs::write(&not_a_backup, "minutes of the meeting\n").unwrap();
    let output = app
        .cli()
        .args(["db", "restore", "--force"])
        .arg(&not_a_backup)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a backup"), "{stderr}");
    let status: String = sqlx::query_scalar("SELECT status FROM obligations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "in_progress", "a refused restore changes nothing");

    succeeded(
        &app.cli()
            .args(["db", "restore", "--force"])
            .arg(&file)
            .output()
            .unwrap(),
    );
    let status: String = sqlx::query_scalar("SELECT status FROM obligations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, backed_up, "the backup's state is back");
}

#[tokio::test]
async fn a_backup_taken_during_a_stream_of_status_changes_restores_consistently() {
    let app = std::sync::Arc::new(app_with_series().await);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM obligations ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let (started_tx, started) = tokio::sync::oneshot::channel();
    let (stop_tx, mut stop) = tokio::sync::watch::channel(false);
    let writer = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut started_tx = Some(started_tx);
            let mut changes = 0usize;
            while !*stop.borrow_and_update() {
                let id = ids[changes % ids.len()];
                let status = if (changes / ids.len()).is_multiple_of(2) {
                    "in_progress"
                } else {
                    "open"
                };
                change_status(&app, id, status, &format!("change {changes}")).await;
                changes += 1;
                if changes == 20 {
                    let _ = started_tx.take().unwrap().send(());
                }
            }
            changes
        })
    };
    started.await.unwrap();
    let dir = shared_temp_dir("mandates-backup-");
    let file = dir.path().join("busy.backup");
    let output = {
        let mut command = app.cli();
        command.args(["db", "backup"]).arg(&file);
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    };
    succeeded(&output);
    stop_tx.send(true).unwrap();
    let changes = writer.await.unwrap();

    let url = empty_database(&app.db, &format!("restored_{}", std::process::id())).await;
    succeeded(
        &mandates_command()
            .env("DATABASE_URL", &url)
            .args(["db", "restore"])
            .arg(&file)
            .output()
            .unwrap(),
    );
    let restored = store::connect(&url).await.unwrap();
    let count = |sql: &'static str| {
        let restored = restored.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&restored)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count(
            "SELECT count(*) FROM obligation_events e
             LEFT JOIN obligations o ON o.id = e.obligation_id WHERE o.id IS NULL"
        )
        .await,
        0,
        "no history row without its obligation"
    );
    // Each obligation's state is its last history row's, and each change by a person is in
    // the history and the audit log alike.
    assert_eq!(
        count(
            "SELECT count(*) FROM obligations o
             WHERE o.status <> (SELECT e.status FROM obligation_events e
                                WHERE e.obligation_id = o.id ORDER BY e.id DESC LIMIT 1)"
        )
        .await,
        0
    );
    let in_history =
        count("SELECT count(*) FROM obligation_events WHERE changed_by = 'Test Admin'").await;
    let in_audit = count("SELECT count(*) FROM audit_log WHERE action = 'obligation.status'").await;
    assert_eq!(in_history, in_audit);
    assert!(
        (20..=changes as i64).contains(&in_history),
        "taken during the stream: {in_history} of {changes} changes"
    );
    restored.close().await;
}

/// The DATABASE_URL `mandates db start` printed.
fn started_url(output: &Output) -> String {
    succeeded(output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .trim()
        .strip_prefix("export DATABASE_URL='")
        .and_then(|u| u.strip_suffix('\''))
        .unwrap()
        .to_string()
}

/// The row counts of every table and the audit log of the private cluster in `data_dir`.
async fn cluster_contents(
    root: &VersionRoot,
    data_dir: &Path,
) -> (std::collections::BTreeMap<String, i64>, Vec<String>) {
    let url = started_url(&on_cluster(root, data_dir, &["db", "start"]));
    let pool = store::connect(&url).await.unwrap();
    let counts = store::backup::count_rows(&pool).await.unwrap();
    let audit = rows_of(&pool, "audit_log").await;
    pool.close().await;
    succeeded(&on_cluster(root, data_dir, &["db", "stop"]));
    (counts, audit)
}

/// `mandates db upgrade` with `args` from this machine's version to a "newer" one (the same
/// binaries under a higher number), checked by the contents before and after.
async fn upgrade_keeps_everything(args: &[&str]) {
    let (version, _) = real_installation();
    let newer = (version.parse::<u32>().unwrap() + 1).to_string();
    let root = VersionRoot::new();
    root.add(&version);
    let data = shared_temp_dir("mandates-upgrade-");
    let data_dir = data.path().join("pg");
    let demo = fixture("src/demo").display().to_string();
    succeeded(&on_cluster(&root, &data_dir, &["import", &demo]));
    succeeded(&on_cluster(
        &root,
        &data_dir,
        &["user", "add", "--admin", "chief@mission.example"],
    ));
    let before = cluster_contents(&root, &data_dir).await;
    assert!(before.0["obligations"] > 0 && !before.1.is_empty());

    let output = on_cluster(&root, &data_dir, args);
    assert!(!output.status.success(), "nothing newer is installed yet");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("nothing to upgrade"),
        "{output:?}"
    );

    root.add(&newer);
    let output = on_cluster(&root, &data_dir, args);
    succeeded(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("from PostgreSQL {version} to {newer}")),
        "{stdout}"
    );
    let kept = data.path().join(format!("pg.pg{version}-old"));
    assert!(stdout.contains(&kept.display().to_string()), "{stdout}");
    assert!(
        kept.join("PG_VERSION").exists(),
        "the old cluster is kept until someone removes it"
    );
    assert_eq!(cluster_contents(&root, &data_dir).await, before);
}

#[tokio::test]
async fn db_upgrade_by_dump_and_restore_moves_everything_and_keeps_the_old_cluster() {
    upgrade_keeps_everything(&["db", "upgrade"]).await;
}

#[tokio::test]
async fn db_upgrade_with_pg_upgrade_moves_everything_and_keeps_the_old_cluster() {
    upgrade_keeps_everything(&["db", "upgrade", "--method", "pg-upgrade"]).await;
}

#[tokio::test]
async fn serve_takes_scheduled_backups_of_the_private_cluster_and_keeps_the_newest() {
    let dir = shared_temp_dir("mandates-scheduled-");
    let backups = dir.path().join("backups");
    let mut command = mandates_command();
    command
        .env("MANDATES_DATA_DIR", dir.path().join("pg"))
        .env("MANDATES_BACKUP_DIR", &backups)
        .env("MANDATES_BACKUP_KEEP", "2")
        // A "day" of one second, so that several backups follow one another.
        .env("MANDATES_BACKUP_EVERY_SECS", "1")
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"]);
    let server = ServerProcess::start(command).unwrap();
    for n in 1..=4 {
        server
            .wait_for_log(
                "scheduled backup written",
                std::time::Duration::from_secs(60),
            )
            .unwrap_or_else(|| panic!("scheduled backup {n} written"));
    }
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    let mut kept: Vec<PathBuf> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "backup"))
        .collect();
    kept.sort();
    assert_eq!(kept.len(), 2, "{kept:?}");

    // The newest restores, with the demo in it.
    let db = crate::harness::fresh_database().await;
    let url = empty_database(&db, &format!("scheduled_{}", std::process::id())).await;
    succeeded(
        &mandates_command()
            .env("DATABASE_URL", &url)
            .args(["db", "restore"])
            .arg(kept.last().unwrap())
            .output()
            .unwrap(),
    );
    let restored = store::connect(&url).await.unwrap();
    let documents: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&restored)
        .await
        .unwrap();
    assert!(documents > 0);
    restored.close().await;
}

const METRICS_TOKEN: &str = "a long metrics token";

/// `/metrics` read with the token and parsed as Prometheus reads it.
async fn scrape(address: &str, token: Option<&str>) -> prometheus_parse::Scrape {
    let mut request = reqwest::Client::new().get(format!("{address}/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        // Every sample line is NAME{LABELS} VALUE with a number Prometheus can read.
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap()
}

/// The value of a counter or gauge sample with these labels (0 when absent), or of a
/// histogram's count.
fn sample(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            prometheus_parse::Value::Summary(_) => 0.0,
        })
        .sum()
}

#[tokio::test]
async fn metrics_parse_and_move_with_requests_imports_and_digests_behind_a_token() {
    let app = TestApp::spawn_with(AppConfig {
        metrics_token: Some(METRICS_TOKEN.into()),
        ..AppConfig::default()
    })
    .await;
    // Not public: no token, or a wrong one, is refused.
    let anonymous = reqwest::get(format!("{}/metrics", app.address))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = reqwest::Client::new()
        .get(format!("{}/metrics", app.address))
        .bearer_auth("a guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let before = scrape(&app.address, Some(METRICS_TOKEN)).await;
    // Tests run side by side in this process and count into the same registry: the checks
    // are on what at least this test added.
    let imported = mandates::import::import_demo(&app.db.pool).await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM obligations ORDER BY id LIMIT 2")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    for id in &ids {
        assert_eq!(app.get(&format!("/obligations/{id}")).await.status(), 200);
    }
    assert_eq!(app.get("/no/such/page").await.status(), 404);

    let smtp = crate::smtp::SmtpServer::start();
    succeeded(
        &app.cli()
            .args([
                "subscriber",
                "add",
                "ana@example.org",
                "--day",
                "monday",
                "--hour",
                "0",
            ])
            .output()
            .unwrap(),
    );
    let secret = mandates::digest::signing_secret(&app.db.pool, Some("a test secret"))
        .await
        .unwrap();
    let worker = mandates::digest::DigestWorker::new(
        app.db.pool.clone(),
        Some(mandates::digest::Mailer::from_url(&smtp.url).unwrap()),
        mandates::digest::DigestConfig {
            base_url: app.address.clone(),
            from: mandates::digest::mail::parse_mailbox("Mandates <digest@example.org>").unwrap(),
            send_empty: true,
            secret,
        },
    );
    let summary = worker
        .run_once(
            mandates::digest::Clock::EndOfDay(chrono::Utc::now().date_naive()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(summary.sent, 1, "{summary}");

    let after = scrape(&app.address, Some(METRICS_TOKEN)).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    let route = [("method", "GET"), ("route", "/obligations/:id")];
    assert!(
        moved(
            "mandates_http_requests_total",
            &[route[0], route[1], ("status", "200")]
        ) >= 2.0
    );
    assert!(moved("mandates_http_request_duration_seconds", &route) >= 2.0);
    assert!(
        moved(
            "mandates_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ) >= 1.0
    );
    assert!(
        !after.samples.iter().any(|s| s
            .labels
            .get("route")
            .is_some_and(|r| r.contains(&ids[0].to_string()))),
        "routes are patterns, never paths with ids"
    );
    assert!(
        moved("mandates_imports_total", &[("outcome", "imported")]) >= imported.imported() as f64
    );
    assert!(moved("mandates_digests_total", &[("outcome", "sent")]) >= 1.0);
    assert!(moved("mandates_result_cache_lookups_total", &[]) >= 2.0);
    assert_eq!(
        sample(&after, "mandates_digest_jobs", &[("status", "sent")]),
        1.0,
        "this database's queue"
    );
    assert_eq!(
        sample(&after, "mandates_db_pool_max_connections", &[]),
        16.0
    );
    assert!(sample(&after, "mandates_db_pool_connections", &[("state", "idle")]) >= 1.0);
}

#[tokio::test]
async fn metrics_on_their_own_address_need_no_token_and_logs_can_be_json_lines() {
    let db = crate::harness::fresh_database().await;
    let mut command = mandates_command();
    command
        .env("DATABASE_URL", &db.url)
        .env("MANDATES_METRICS_BIND", "127.0.0.1:0")
        .env("MANDATES_LOG_FORMAT", "json")
        .args(["serve", "--bind", "127.0.0.1:0"]);
    let server = ServerProcess::start(command).unwrap();
    let metrics = server
        .stdout_before_listening
        .iter()
        .find_map(|l| l.strip_prefix("metrics on "))
        .expect("the metrics address is told")
        .trim_end_matches("/metrics")
        .to_string();
    assert_eq!(crate::harness::healthz(&server.address).await, 200);
    let scraped = scrape(&metrics, None).await;
    assert!(
        sample(
            &scraped,
            "mandates_http_requests_total",
            &[("route", "/healthz"), ("status", "200")]
        ) >= 1.0
    );
    // Not on the dashboard's address: no token is set there.
    let public = reqwest::get(format!("{}/metrics", server.address))
        .await
        .unwrap();
    assert_eq!(public.status(), 404);

    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty());
    for line in lines {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            entry["level"].is_string() && entry["timestamp"].is_string(),
            "{line}"
        );
    }
}

/// `mandates doctor` with `env`: its exit status, and its report with the error line.
fn doctor(env: &[(&str, &str)]) -> (bool, String) {
    let mut command = mandates_command();
    command.env("MANDATES_LOG", "off").env_remove("SMTP_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.arg("doctor").output().unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), report)
}

fn fail_lines(report: &str) -> Vec<&str> {
    report.lines().filter(|l| l.starts_with("FAIL")).collect()
}

#[tokio::test]
async fn doctor_passes_a_healthy_setup_and_names_each_broken_piece() {
    let db = crate::harness::fresh_database().await;
    let smtp = crate::smtp::SmtpServer::start();
    let healthy = [
        ("DATABASE_URL", db.url.as_str()),
        ("SMTP_URL", smtp.url.as_str()),
        ("MANDATES_BASE_URL", "https://tracker.mission.example"),
    ];
    let (ok, report) = doctor(&healthy);
    assert!(ok, "{report}");
    for piece in [
        "ok    database: reachable",
        "ok    schema: up to date",
        "ok    SMTP",
        "ok    backups",
        "ok    base URL",
    ] {
        assert!(report.contains(piece), "{piece:?} in {report}");
    }

    // No SMTP server where SMTP_URL points.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = format!("smtp://{}", closed.local_addr().unwrap());
    drop(closed);
    let (ok, report) = doctor(&[healthy[0], ("SMTP_URL", &nobody), healthy[2]]);
    assert!(!ok);
    let fails = fail_lines(&report);
    assert_eq!(fails.len(), 1, "{report}");
    assert!(
        fails[0].starts_with("FAIL  SMTP: cannot reach the SMTP server"),
        "{report}"
    );
    assert!(report.contains("1 problem(s) found"), "{report}");

    // A DATABASE_URL naming a database that is not there.
    let at = db.url.find('?').unwrap();
    let slash = db.url[..at].rfind('/').unwrap();
    let wrong = format!("{}/no_such_database{}", &db.url[..slash], &db.url[at..]);
    let (ok, report) = doctor(&[("DATABASE_URL", &wrong), healthy[1], healthy[2]]);
    assert!(!ok);
    let fails = fail_lines(&report);
    assert_eq!(fails.len(), 1, "{report}");
    assert!(fails[0].starts_with("FAIL  database:"), "{report}");
    assert!(
        fails[0].contains("no_such_database") && fails[0].contains("check DATABASE_URL"),
        "{report}"
    );

    // The private cluster without PostgreSQL's server binaries.
    let empty = shared_temp_dir("mandates-nopg-");
    let data = shared_temp_dir("mandates-doctor-");
    let data_dir = data.path().join("pg").display().to_string();
    let root = empty.path().display().to_string();
    let (ok, report) = doctor(&[
        ("MANDATES_PG_ROOT", &root),
        ("PATH", "/usr/bin:/bin"),
        ("MANDATES_DATA_DIR", &data_dir),
        healthy[1],
        healthy[2],
    ]);
    assert!(!ok);
    let fails = fail_lines(&report);
    assert_eq!(fails.len(), 1, "{report}");
    assert!(
        fails[0].starts_with("FAIL  PostgreSQL binaries: no PostgreSQL server binaries found"),
        "{report}"
    );
    assert!(report.contains("ok    disk space"), "{report}");
}

/// The fenced block of `language` in the README that starts with `first_line`.
fn readme_block(language: &str, first_line: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let fence = format!("```{language}\n{first_line}\n");
    let start = readme.find(&fence).expect("the block is in the README") + fence.len()
        - first_line.len()
        - 1;
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].to_string()
}

#[test]
fn the_readmes_systemd_unit_passes_systemd_analyze_verify() {
    let Ok(version) = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output()
    else {
        eprintln!("skipped: systemd-analyze is not installed");
        return;
    };
    assert!(version.status.success());
    let unit = readme_block("ini", "[Unit]");
    assert!(unit.contains("User=mandates") && unit.contains("Restart=on-failure"));
    assert!(unit.contains("EnvironmentFile=/etc/mandates/mandates.env"));
    // verify wants the program to exist: this build's binary stands in for the installed one.
    let unit = unit.replace("/usr/local/bin/mandates", env!("CARGO_BIN_EXE_mandates"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mandates.service");
    std::fs::write(&path, unit).unwrap();
    let output = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Unknown keys and bad values are only warned about: none may concern the unit.
    assert!(!stderr.contains("mandates.service"), "{stderr}");
}

#[tokio::test]
async fn an_older_binary_refuses_a_database_a_newer_one_migrated_and_doctor_names_it() {
    let db = crate::harness::fresh_database().await;
    // What a newer mandates leaves: a migration this binary does not have.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99991231000000, 'from a newer mandates', true, '\\x00', 1)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let output = mandates_command()
        .env("DATABASE_URL", &db.url)
        .args(["subscriber", "list"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("99991231000000"), "{stderr}");

    let (ok, report) = doctor(&[("DATABASE_URL", &db.url)]);
    assert!(!ok);
    let fails = fail_lines(&report);
    assert_eq!(fails.len(), 1, "{report}");
    assert!(
        fails[0].starts_with(
            "FAIL  schema: the database has migrations this mandates does not know (99991231000000)"
        ),
        "{report}"
    );
}
