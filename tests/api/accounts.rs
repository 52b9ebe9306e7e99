//! Accounts, roles and safety through real HTTP: who may see and change what, form tokens,
//! escaping, hostile filter values, feed tokens, lock-out, the audit log.

use crate::dashboard::app_with_series;
use crate::extract::fixture;
use crate::harness::{
    ServerProcess, TestApp, csrf_field, fresh_database, mandates_command, new_client, sign_in,
    text_of,
};

async fn obligation_id(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT o.id FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = 'A/RES/75/58' AND o.paragraph_number = '5' AND o.verb = 'requests'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

async fn status_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM obligations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> u16 {
    client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn post(client: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> u16 {
    client
        .post(format!("{}{path}", app.address))
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn every_page_and_action_needs_the_right_role() {
    let app = app_with_series().await;
    let id = obligation_id(&app).await;
    let document: i64 = sqlx::query_scalar("SELECT id FROM documents LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let reading = [
        "/".to_string(),
        "/obligations?body=GA".into(),
        format!("/obligations/{id}"),
        format!("/resolutions/{document}"),
        "/agenda?body=GA&session=76".into(),
        "/actors".into(),
        "/obligations.csv".into(),
        "/obligations.ics".into(),
        "/api/obligations".into(),
        "/account".into(),
    ];
    let editing = ["/import".to_string()];
    let administering = [
        "/admin/users".to_string(),
        "/admin/audit".into(),
        "/digest".into(),
    ];
    let status_path = format!("/obligations/{id}/status");

    // Nobody signed in: 401 for every page and every action, never a 500.
    let anonymous = app.anonymous();
    for path in reading.iter().chain(&editing).chain(&administering) {
        assert_eq!(get(&anonymous, &app, path).await, 401, "GET {path}");
    }
    for path in [
        status_path.as_str(),
        "/import/save",
        "/account/feed-tokens",
        "/admin/users",
        "/digest/subscribers",
        "/sign-out",
    ] {
        assert_eq!(
            post(&anonymous, &app, path, &[("status", "fulfilled")]).await,
            401,
            "POST {path}"
        );
    }

    // A viewer reads, and is refused (403) the rest, even with a valid form token.
    let (viewer, viewer_csrf) = app.client_as("viewer", "Vera Viewer").await;
    for path in &reading {
        assert_eq!(get(&viewer, &app, path).await, 200, "viewer GET {path}");
    }
    for path in editing.iter().chain(&administering) {
        assert_eq!(get(&viewer, &app, path).await, 403, "viewer GET {path}");
    }
    let page = text_of(&viewer, format!("{}/import", app.address)).await;
    assert!(page.contains("Your account is a viewer"), "{page}");
    let form = [("status", "fulfilled"), ("csrf", viewer_csrf.as_str())];
    assert_eq!(post(&viewer, &app, &status_path, &form).await, 403);
    let form = [("text", "x"), ("name", "x"), ("csrf", viewer_csrf.as_str())];
    assert_eq!(post(&viewer, &app, "/import/save", &form).await, 403);
    let form = [
        ("email", "new@test.example"),
        ("name", "New"),
        ("role", "admin"),
        ("csrf", viewer_csrf.as_str()),
    ];
    assert_eq!(post(&viewer, &app, "/admin/users", &form).await, 403);
    assert_eq!(status_of(&app, id).await, "open");
    let viewer_page = text_of(&viewer, format!("{}/obligations/{id}", app.address)).await;
    assert!(
        !viewer_page.contains("class=\"status-form\""),
        "no form for a viewer"
    );

    // An editor imports and changes follow-up state, but does not administer.
    let (editor, editor_csrf) = app.client_as("editor", "Eddie Editor").await;
    assert_eq!(get(&editor, &app, "/import").await, 200);
    for path in &administering {
        assert_eq!(get(&editor, &app, path).await, 403, "editor GET {path}");
    }
    let form = [("status", "in_progress"), ("csrf", editor_csrf.as_str())];
    assert_eq!(post(&editor, &app, &status_path, &form).await, 303);
    assert_eq!(status_of(&app, id).await, "in_progress");

    // An admin does all of it.
    for path in &administering {
        assert_eq!(get(&app.client, &app, path).await, 200, "admin GET {path}");
    }
}

#[tokio::test]
async fn a_form_without_its_token_is_refused_and_changes_nothing() {
    let app = app_with_series().await;
    let id = obligation_id(&app).await;
    let (editor, editor_csrf) = app.client_as("editor", "Eddie Editor").await;
    let status_path = format!("/obligations/{id}/status");
    // No token, a forged one, another session's token.
    for token in [None, Some("0".repeat(64)), Some(app.csrf.clone())] {
        let mut form = vec![("status", "fulfilled")];
        if let Some(t) = &token {
            form.push(("csrf", t.as_str()));
        }
        assert_eq!(
            post(&editor, &app, &status_path, &form).await,
            403,
            "{token:?}"
        );
    }
    assert_eq!(status_of(&app, id).await, "open");
    // The same on every other form.
    assert_eq!(post(&editor, &app, "/sign-out", &[]).await, 403);
    assert_eq!(get(&editor, &app, "/account").await, 200, "still signed in");
    assert_eq!(
        post(&editor, &app, "/account/feed-tokens", &[("label", "x")]).await,
        403
    );
    assert_eq!(
        post(
            &app.client,
            &app,
            "/admin/users",
            &[
                ("email", "x@test.example"),
                ("name", "X"),
                ("role", "admin")
            ]
        )
        .await,
        403
    );
    let multipart = reqwest::multipart::Form::new().text("text", "anything");
    let response = editor
        .post(format!("{}/import/preview", app.address))
        .multipart(multipart)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let tokens: i64 = sqlx::query_scalar("SELECT count(*) FROM feed_tokens")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!((tokens, users), (0, 2));
    // The sign-in form has its own token too.
    let response = new_client()
        .post(format!("{}/sign-in", app.address))
        .form(&[("email", "eddie.editor@test.example"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    // With its token, the form works.
    let form = [("status", "fulfilled"), ("csrf", editor_csrf.as_str())];
    assert_eq!(post(&editor, &app, &status_path, &form).await, 303);
    assert_eq!(
        post(
            &editor,
            &app,
            "/sign-out",
            &[("csrf", editor_csrf.as_str())]
        )
        .await,
        303
    );
    assert_eq!(get(&editor, &app, "/account").await, 401, "signed out");
}

#[tokio::test]
async fn resolution_text_with_script_is_shown_escaped() {
    let app = TestApp::spawn().await;
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-75-58.txt"))
        .unwrap()
        .replacen(
            "the Secretary-General to compile",
            "the Secretary-General <script>alert('x')</script> <img src=x onerror=alert(1)> to compile",
            1,
        );
    let file = crate::harness::shared_temp_dir("mandates-xss-");
    let path = file.path().join("A-RES-75-58.txt");
    std::fs::write(&path, text).unwrap();
    let output = app.cli().arg("import").arg(&path).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The obligation of the paragraph that now carries the markup.
    let id: i64 = sqlx::query_scalar(
        "SELECT o.id FROM obligations o JOIN clauses c ON c.id = o.clause_id
         JOIN paragraphs p ON p.id = c.paragraph_id WHERE p.text LIKE '%<script>%' LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let document: i64 = sqlx::query_scalar("SELECT id FROM documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    for path in [
        format!("/obligations/{id}"),
        format!("/resolutions/{document}"),
        "/obligations?q=secretary".to_string(),
        "/".to_string(),
    ] {
        let response = app.get(&path).await;
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"));
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script"), "{path}: {html}");
        assert!(!html.contains("<img src=x"), "{path}");
        if path != "/" {
            assert!(
                html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"),
                "{path}: {html}"
            );
        }
    }
}

#[tokio::test]
async fn filter_values_with_sql_metacharacters_find_the_right_rows_and_change_nothing() {
    let app = app_with_series().await;
    let count = |sql: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = (
        count("SELECT count(*) FROM obligations").await,
        count("SELECT count(*) FROM documents").await,
    );
    for q in [
        "'; DROP TABLE obligations; --",
        "report' OR '1'='1",
        "\" OR 1=1 --",
        "%",
        "_",
        "\\",
        "secretary-general's report",
        "(report) & !terrorists | :*",
    ] {
        let response = app
            .client
            .get(format!("{}/api/obligations", app.address))
            .query(&[("q", q), ("per_page", "1000")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{q}");
        let json: serde_json::Value =
            serde_json::from_str(&response.text().await.unwrap()).unwrap();
        // The same search, with the value bound as a parameter, straight in SQL.
        let expected: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM obligations o JOIN clauses c ON c.id = o.clause_id
             JOIN paragraphs p ON p.id = c.paragraph_id
             WHERE p.search @@ websearch_to_tsquery('english', $1)",
        )
        .bind(q)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(json["count"].as_i64().unwrap(), expected, "{q}");
        let html = app
            .client
            .get(format!("{}/obligations", app.address))
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(html.status(), 200, "{q}");
    }
    // A plain word still finds what it should.
    let json: serde_json::Value = serde_json::from_str(
        &app.get("/api/obligations?q=report")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(json["count"].as_i64().unwrap() > 0);
    // Fields with a fixed set of values refuse anything else, with a message.
    for (field, value) in [
        ("body", "GA' OR '1'='1"),
        ("session", "1 OR 1=1"),
        ("actor", "1; DELETE FROM actors"),
        ("status", "open'--"),
        ("due_from", "2020-01-01' OR 'x'='x"),
        ("sort", "due; DROP TABLE documents"),
    ] {
        let response = app
            .client
            .get(format!("{}/obligations", app.address))
            .query(&[(field, value)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{field}={value}");
        assert!(response.text().await.unwrap().contains(field), "{field}");
    }
    let after = (
        count("SELECT count(*) FROM obligations").await,
        count("SELECT count(*) FROM documents").await,
    );
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_revoked_feed_token_stops_working() {
    let app = app_with_series().await;
    let (viewer, csrf) = app.client_as("viewer", "Vera Viewer").await;
    let page = viewer
        .post(format!("{}/account/feed-tokens", app.address))
        .form(&[("label", "Outlook"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page
        .find(&format!("{}/obligations.ics?", app.address))
        .expect(&page);
    let url = page[start..start + page[start..].find('<').unwrap()].replace("&#38;", "&");
    let token = url.split("token=").nth(1).unwrap().to_string();
    // A calendar app, with no session, reads the feed (and the CSV and JSON) with it.
    let calendar = new_client();
    let response = calendar.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .starts_with("BEGIN:VCALENDAR")
    );
    for path in ["/obligations.csv", "/api/obligations"] {
        let response = calendar
            .get(format!("{}{path}?token={token}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    // It opens the feeds only, not the pages.
    assert_eq!(get(&calendar, &app, &format!("/?token={token}")).await, 401);
    // A mistyped token is refused.
    let wrong = url.replace(&token, &"f".repeat(64));
    assert_eq!(calendar.get(&wrong).send().await.unwrap().status(), 401);
    // Revoked, it stops working.
    let token_id: i64 = sqlx::query_scalar("SELECT id FROM feed_tokens")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let path = format!("/account/feed-tokens/{token_id}/revoke");
    // Not by someone else.
    let (other, other_csrf) = app.client_as("viewer", "Otto Other").await;
    assert_eq!(
        post(&other, &app, &path, &[("csrf", other_csrf.as_str())]).await,
        404
    );
    assert_eq!(calendar.get(&url).send().await.unwrap().status(), 200);
    assert_eq!(
        post(&viewer, &app, &path, &[("csrf", csrf.as_str())]).await,
        303
    );
    let response = calendar.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("revoked"));
}

#[tokio::test]
async fn repeated_failed_sign_ins_lock_the_account() {
    let app = TestApp::spawn().await;
    let (_, _) = app.client_as("editor", "Lou Locked").await;
    let email = "lou.locked@test.example";
    let client = new_client();
    let try_password = |password: &'static str| {
        let client = client.clone();
        let address = app.address.clone();
        async move {
            let form = text_of(&client, format!("{address}/sign-in")).await;
            let csrf = csrf_field(&form).unwrap();
            let response = client
                .post(format!("{address}/sign-in"))
                .form(&[("email", email), ("password", password), ("csrf", &csrf)])
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    for _ in 0..4 {
        let (status, page) = try_password("wrong password!").await;
        assert_eq!(status, 401);
        assert!(page.contains("Wrong email or password"));
    }
    let (status, page) = try_password("wrong password!").await;
    assert_eq!(status, 401);
    assert!(page.contains("locked"), "{page}");
    // Now even the right password is refused.
    let (status, page) = try_password(crate::harness::TEST_PASSWORD).await;
    assert_eq!(status, 401);
    assert!(page.contains("locked until"), "{page}");
    // An unknown account gets the same answer as a wrong password.
    let form = text_of(&client, format!("{}/sign-in", app.address)).await;
    let response = client
        .post(format!("{}/sign-in", app.address))
        .form(&[
            ("email", "nobody@test.example"),
            ("password", "whatever it is"),
            ("csrf", &csrf_field(&form).unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Wrong email or password")
    );
    // A new password from the command line unlocks it.
    let output = app
        .cli()
        .args(["user", "password", email])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let password = stdout.trim().rsplit(' ').next().unwrap().to_string();
    sign_in(&new_client(), &app.address, email, &password).await;
}

#[tokio::test]
async fn responses_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/sign-in", "/no/such/page", "/static/style.css"] {
        for client in [app.client.clone(), app.anonymous()] {
            let response = client
                .get(format!("{}{path}", app.address))
                .send()
                .await
                .unwrap();
            let headers = response.headers();
            assert!(
                headers["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("frame-ancestors 'none'"),
                "{path}"
            );
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers["referrer-policy"], "same-origin");
        }
    }
    // The session cookie cannot be read by scripts nor sent from other sites' forms.
    let form = new_client()
        .get(format!("{}/sign-in", app.address))
        .send()
        .await
        .unwrap();
    let cookie = form.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn public_read_mode_opens_reading_only() {
    let app = TestApp::spawn_with(mandates::web::AppConfig {
        public_read: true,
        ..Default::default()
    })
    .await;
    let output = app
        .cli()
        .arg("import")
        .arg(fixture("src/demo/A-RES-75-58.txt"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let id = obligation_id(&app).await;
    let anonymous = app.anonymous();
    for path in [
        "/",
        "/obligations",
        &format!("/obligations/{id}"),
        "/obligations.ics",
    ] {
        assert_eq!(get(&anonymous, &app, path).await, 200, "{path}");
    }
    let page = text_of(&anonymous, format!("{}/obligations/{id}", app.address)).await;
    assert!(!page.contains("status-form") && page.contains("Sign in as an editor"));
    for path in ["/import", "/admin/users", "/admin/audit", "/account"] {
        assert_eq!(get(&anonymous, &app, path).await, 401, "{path}");
    }
    let status_path = format!("/obligations/{id}/status");
    assert_eq!(
        post(&anonymous, &app, &status_path, &[("status", "fulfilled")]).await,
        401
    );
    assert_eq!(status_of(&app, id).await, "open");
}

#[tokio::test]
async fn uploads_are_limited_in_size_and_type() {
    let app = TestApp::spawn().await;
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let client = app.client.clone();
        let url = format!("{}/import/preview", app.address);
        let csrf = app.csrf.clone();
        async move {
            let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
            let response = client.post(url).multipart(form).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, page) = upload("tool.exe", b"MZ\x90\x00".to_vec()).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("only text (.txt, .md), PDF (.pdf) and Word (.docx)"),
        "{page}"
    );
    let (status, page) = upload("resolution.pdf", b"not really a PDF".to_vec()).await;
    assert_eq!(status, 422);
    assert!(page.contains("class=\"error\""), "{page}");
    let (status, _) = upload("huge.txt", vec![b'a'; 21 * 1024 * 1024]).await;
    assert_eq!(status, 413);
    let documents: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(documents, 0);
}

/// Runs `mandates` with `args` against `url`; returns its standard output.
fn cli(url: &str, args: &[&str]) -> String {
    let output = mandates_command()
        .env("DATABASE_URL", url)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn password_in(line: &str) -> String {
    line.trim().rsplit(' ').next().unwrap().to_string()
}

#[tokio::test]
async fn an_editors_status_change_is_in_the_audit_log_with_both_values() {
    let db = fresh_database().await;
    cli(
        &db.url,
        &[
            "import",
            &fixture("src/demo/A-RES-75-58.txt").display().to_string(),
        ],
    );
    let editor_password = password_in(&cli(
        &db.url,
        &[
            "user",
            "add",
            "amina@mission.example",
            "--name",
            "Amina Diallo",
            "--role",
            "editor",
        ],
    ));
    let admin_password = password_in(&cli(
        &db.url,
        &["user", "add", "--admin", "chief@mission.example"],
    ));
    let mut command = mandates_command();
    command
        .env("DATABASE_URL", &db.url)
        .args(["serve", "--bind", "127.0.0.1:0"]);
    let server = ServerProcess::start(command).unwrap();
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM obligations WHERE paragraph_number = '5' AND verb = 'requests'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();

    let editor = new_client();
    let csrf = sign_in(
        &editor,
        &server.address,
        "amina@mission.example",
        &editor_password,
    )
    .await;
    let response = editor
        .post(format!("{}/obligations/{id}/status", server.address))
        .form(&[
            ("status", "fulfilled"),
            ("fulfilled_by", "A/76/170"),
            ("note", "Report out in July"),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);

    let admin = new_client();
    sign_in(
        &admin,
        &server.address,
        "chief@mission.example",
        &admin_password,
    )
    .await;
    let audit = admin
        .get(format!(
            "{}/admin/audit?subject=obligation+{id}",
            server.address
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = audit
        .split("<tr>")
        .find(|row| row.contains("obligation.status"))
        .expect(&audit);
    assert!(row.contains("Amina Diallo"), "{row}");
    assert!(row.contains("status: open"), "before: {row}");
    assert!(row.contains("status: fulfilled"), "after: {row}");
    assert!(row.contains("fulfilled_by: A/76/170"), "{row}");
    // The obligation page shows the same change, both values.
    let page = text_of(&admin, format!("{}/obligations/{id}", server.address)).await;
    assert!(page.contains("Amina Diallo") && page.contains("<del>open</del> → fulfilled"));
    // The accounts made from the command line are in the log too.
    let all = text_of(&admin, format!("{}/admin/audit", server.address)).await;
    assert!(all.contains("user amina@mission.example") && all.contains("command line"));
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
}
