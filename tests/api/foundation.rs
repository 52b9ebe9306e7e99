//! The ground everything stands on: health, the private cluster, DATABASE_URL, clear errors.
use crate::harness::{
    ServerProcess, TestApp, fresh_database, healthz, mandates_command, postmaster_running,
    shared_temp_dir,
};

#[tokio::test]
async fn healthz_answers_ok_when_the_database_is_up() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok\n");
}

#[tokio::test]
async fn healthz_answers_unavailable_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.db.pool.close().await;
    let response = app.get("/healthz").await;
    let status = response.status();
    assert_eq!(status, 503, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn unknown_pages_get_a_404_page() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("404 Not Found"));
}

#[tokio::test]
async fn overview_renders_with_an_empty_tracker() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<strong>0</strong> resolutions"), "{html}");
}

#[tokio::test]
async fn serve_with_database_url_uses_that_server_and_starts_no_cluster() {
    let db = fresh_database().await;
    let dir = shared_temp_dir("mandates-url-");
    let data_dir = dir.path().join("pg");
    let mut command = mandates_command();
    command
        .env("DATABASE_URL", &db.url)
        .env("MANDATES_DATA_DIR", &data_dir)
        .args(["serve", "--bind", "127.0.0.1:0"]);
    let server = ServerProcess::start(command).unwrap();
    assert_eq!(healthz(&server.address).await, 200);
    // The migrations ran on the server we named.
    let migrated: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(migrated >= 1);
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    assert!(
        !data_dir.exists(),
        "no private cluster may be created: {log}"
    );
    assert!(!log.contains("private PostgreSQL"), "{log}");
}

#[tokio::test]
async fn a_server_stopped_the_moment_it_listens_shuts_down_cleanly() {
    // SIGTERM before the signal handler was installed killed the process outright: the
    // handler was installed by a task that axum runs when it gets to it.
    let db = fresh_database().await;
    for _ in 0..5 {
        let mut command = mandates_command();
        command
            .env("DATABASE_URL", &db.url)
            .args(["serve", "--bind", "127.0.0.1:0"]);
        let server = ServerProcess::start(command).unwrap();
        let (status, log) = server.terminate();
        assert!(status.success(), "{status}: {log}");
        assert!(log.contains("shutting down"), "{log}");
    }
}

#[tokio::test]
async fn serve_without_database_url_runs_its_own_cluster_and_finds_its_data_again() {
    let dir = shared_temp_dir("mandates-own-");
    let data_dir = dir.path().join("pg");
    let serve = || {
        let mut command = mandates_command();
        command
            .env("MANDATES_DATA_DIR", &data_dir)
            .args(["serve", "--bind", "127.0.0.1:0"]);
        ServerProcess::start(command).unwrap()
    };

    let first = serve();
    assert_eq!(healthz(&first.address).await, 200);
    assert!(postmaster_running(&data_dir));
    let (status, log) = first.terminate();
    assert!(status.success(), "{log}");
    assert!(
        log.contains("initialising private PostgreSQL cluster"),
        "{log}"
    );
    assert!(
        !postmaster_running(&data_dir),
        "the cluster must stop with the server: {log}"
    );

    // A crash leaves a postmaster.pid whose PID may by now belong to another process.
    std::fs::write(
        data_dir.join("postmaster.pid"),
        format!("{}\n{}\n", std::process::id(), data_dir.display()),
    )
    .unwrap();

    let second = serve();
    assert_eq!(healthz(&second.address).await, 200);
    let (status, log) = second.terminate();
    assert!(status.success(), "{log}");
    assert!(
        !log.contains("initialising"),
        "the data must be reused: {log}"
    );
    assert!(log.contains("stale postmaster.pid"), "{log}");
    assert!(!postmaster_running(&data_dir));
}

#[test]
fn serve_without_server_binaries_or_url_fails_with_one_clear_line() {
    let empty = shared_temp_dir("mandates-nobin-");
    let output = mandates_command()
        .env("MANDATES_PG_BIN_DIR", empty.path())
        .env("MANDATES_DATA_DIR", empty.path().join("pg"))
        .env("MANDATES_LOG", "off")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains("install PostgreSQL"), "{stderr}");
    assert!(lines[0].contains("DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[tokio::test]
async fn serve_demo_imports_the_bundled_resolutions_with_the_seed_first() {
    let db = fresh_database().await;
    let mut command = mandates_command();
    command
        .env("DATABASE_URL", &db.url)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"]);
    let server = ServerProcess::start(command).unwrap();
    // Before the address, it printed the demo account's password.
    let account = server
        .stdout_before_listening
        .iter()
        .find_map(|l| l.strip_prefix("demo account: sign in as "))
        .expect("the demo account is printed")
        .to_string();
    let (email, rest) = account.split_once(" with the password ").unwrap();
    let password = rest.split_whitespace().next().unwrap();
    let client = crate::harness::new_client();
    crate::harness::sign_in(&client, &server.address, email, password).await;
    let html = client
        .get(format!("{}/", server.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let count = mandates::demo::DEMO_RESOLUTIONS.len();
    assert!(
        html.contains(&format!("<strong>{count}</strong> resolutions")),
        "{html}"
    );
    let recent = &html[html.find("id=\"recent-heading\"").expect("a recent list")..];
    let first_row = &recent[recent.find("<tbody>").expect("a table of recent imports")..];
    let first_row = &first_row[..first_row.find("</tr>").unwrap()];
    assert!(
        first_row.contains("A/RES/75/58"),
        "the seed resolution heads the list: {first_row}"
    );
    assert!(html.contains("demo mode"));
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
}
