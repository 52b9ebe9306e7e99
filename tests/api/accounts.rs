//! Accounts, roles and safety through real HTTP: who may see and change what, form tokens,
//! escaping, hostile filter values, feed tokens, sign-in throttling, racing admins, the audit
//! log.

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
        // Everyone sees their own digest there; admins see every subscriber.
        "/digest".into(),
    ];
    let editing = ["/import".to_string()];
    let administering = ["/admin/users".to_string(), "/admin/audit".into()];
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
    let made = viewer
        .post(format!("{}/account/feed-tokens", app.address))
        .form(&[("label", "Outlook"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let page = text_of(&viewer, format!("{}/account", app.address)).await;
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
async fn a_feed_read_notes_its_use_at_most_once_a_minute() {
    let app = app_with_series().await;
    let (viewer, csrf) = app.client_as("viewer", "Vera Viewer").await;
    // Making a token answers with a redirect; the account page then shows it once.
    let made = viewer
        .post(format!("{}/account/feed-tokens", app.address))
        .form(&[("label", "Outlook"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let page = text_of(&viewer, format!("{}/account", app.address)).await;
    let start = page
        .find(&format!("{}/obligations.ics?", app.address))
        .expect(&page);
    let url = page[start..start + page[start..].find('<').unwrap()].replace("&#38;", "&");
    let calendar = new_client();
    let last_used = || async {
        sqlx::query_scalar::<_, Option<chrono::DateTime<chrono::Utc>>>(
            "SELECT last_used_at FROM feed_tokens",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
    };
    assert_eq!(last_used().await, None);
    assert_eq!(calendar.get(&url).send().await.unwrap().status(), 200);
    let first = last_used().await.expect("the first read is noted");
    // Polled again within the minute: the read writes nothing (the row keeps its version).
    let version = || async {
        sqlx::query_scalar::<_, String>("SELECT xmin::text FROM feed_tokens")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let before = version().await;
    for _ in 0..3 {
        assert_eq!(calendar.get(&url).send().await.unwrap().status(), 200);
    }
    assert_eq!(last_used().await, Some(first));
    assert_eq!(version().await, before);
    // A minute later, the next read is noted again.
    sqlx::query("UPDATE feed_tokens SET last_used_at = now() - interval '61 seconds'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(calendar.get(&url).send().await.unwrap().status(), 200);
    let noted = last_used().await.unwrap();
    assert!(noted > first, "{noted} after {first}");
}

/// What a sign-in answered: status, the error it showed, its Retry-After.
#[derive(Debug)]
struct Answer {
    status: u16,
    error: String,
    retry_after: Option<u64>,
}

/// One sign-in attempt by `client` (which has loaded the form, see `sign_in_form`), from the
/// address `from` when the app trusts X-Forwarded-For.
async fn attempt(
    client: &reqwest::Client,
    address: &str,
    csrf: &str,
    from: Option<&str>,
    email: &str,
    password: &str,
) -> Answer {
    let mut request = client.post(format!("{address}/sign-in")).form(&[
        ("email", email),
        ("password", password),
        ("csrf", csrf),
        ("next", "/"),
    ]);
    if let Some(from) = from {
        request = request.header("X-Forwarded-For", format!("10.9.9.9, {from}"));
    }
    let response = request.send().await.expect("request reaches the app");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let page = response.text().await.unwrap();
    let error = page
        .split_once(r#"<p class="error" role="alert">"#)
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map(|(e, _)| e.to_string())
        .unwrap_or_default();
    Answer {
        status,
        error,
        retry_after,
    }
}

/// A new browser with the sign-in form loaded; returns it and the form's token.
async fn sign_in_form(address: &str) -> (reqwest::Client, String) {
    let client = new_client();
    let form = text_of(&client, format!("{address}/sign-in")).await;
    let csrf = csrf_field(&form).expect("the sign-in form has a token");
    (client, csrf)
}

/// The app trusting X-Forwarded-For, as behind a reverse proxy, so that tests can be many
/// clients.
async fn app_behind_proxy() -> TestApp {
    TestApp::spawn_with(mandates::web::AppConfig {
        client_ip_header: Some(axum::http::HeaderName::from_static("x-forwarded-for")),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn simultaneous_guesses_are_counted_before_any_is_checked() {
    let app = TestApp::spawn().await;
    app.client_as("editor", "Lou Target").await;
    let email = "lou.target@test.example";
    let (client, csrf) = sign_in_form(&app.address).await;
    // 100 guesses at once from one client, one of them right (in the middle).
    let guesses = (0..100).map(|i| {
        let (client, address, csrf) = (client.clone(), app.address.clone(), csrf.clone());
        let password = if i == 50 {
            crate::harness::TEST_PASSWORD
        } else {
            "a wrong guess, again"
        };
        tokio::spawn(async move { attempt(&client, &address, &csrf, None, email, password).await })
    });
    let answers: Vec<Answer> = futures::future::join_all(guesses)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let count = |status: u16| answers.iter().filter(|a| a.status == status).count();
    let (wrong, throttled, signed_in) = (count(401), count(429), count(303));
    assert_eq!(wrong + throttled + signed_in, 100, "{answers:?}");
    // Five guesses are free; every other one was refused before its password was checked,
    // although they all arrived before any check had finished.
    assert!(
        wrong <= 5,
        "{wrong} wrong passwords were checked: {answers:?}"
    );
    assert!(wrong + signed_in <= 6, "{answers:?}");
    assert!(throttled >= 94, "{answers:?}");
    for a in answers.iter().filter(|a| a.status == 429) {
        assert!(a.error.contains("Too many failed sign-ins"), "{a:?}");
        assert!(
            a.retry_after.is_some_and(|s| (1..=15).contains(&s)),
            "{a:?}"
        );
    }
    // Once the guesses are spent, the right password from the same client waits too.
    if signed_in == 0 {
        let answer = attempt(
            &client,
            &app.address,
            &csrf,
            None,
            email,
            crate::harness::TEST_PASSWORD,
        )
        .await;
        assert_eq!(answer.status, 429, "{answer:?}");
    }
}

#[tokio::test]
async fn strangers_can_neither_tell_which_emails_have_accounts_nor_lock_one_out() {
    let app = app_behind_proxy().await;
    app.client_as("admin", "Ada Admin").await;
    let known = "ada.admin@test.example";
    // The same guesses against an account's email and against an unknown one, each from an
    // address of its own: the same answers, in the same order.
    let mut answers = vec![];
    for (email, from) in [
        (known, "203.0.113.66"),
        ("nobody@test.example", "203.0.113.67"),
    ] {
        let (client, csrf) = sign_in_form(&app.address).await;
        let mut seen = vec![];
        for _ in 0..8 {
            let answer = attempt(
                &client,
                &app.address,
                &csrf,
                Some(from),
                email,
                "not it at all",
            )
            .await;
            // Without the figures of the wait, which depend on the clock.
            let error: String = answer
                .error
                .chars()
                .filter(|c| !c.is_ascii_digit())
                .collect();
            seen.push((answer.status, error));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0][0], (401, "Wrong email or password.".to_string()));
    assert_eq!(answers[0][7].0, 429, "{:?}", answers[0]);
    assert!(!answers[0].iter().any(|(_, e)| e.contains("locked")));
    // Strangers at twenty more addresses, one guess each.
    for i in 0..20 {
        let (client, csrf) = sign_in_form(&app.address).await;
        let from = format!("198.18.0.{i}");
        let answer = attempt(
            &client,
            &app.address,
            &csrf,
            Some(&from),
            known,
            "still not it",
        )
        .await;
        assert_eq!(answer.status, 401, "{answer:?}");
    }
    // The admin, at an address that has not been failing, signs in at once.
    let (client, csrf) = sign_in_form(&app.address).await;
    let answer = attempt(
        &client,
        &app.address,
        &csrf,
        Some("192.0.2.10"),
        known,
        crate::harness::TEST_PASSWORD,
    )
    .await;
    assert_eq!(answer.status, 303, "{answer:?}");
    // Who mistypes while strangers fail against their email is delayed a minute at most,
    // never locked out.
    let (client, csrf) = sign_in_form(&app.address).await;
    let from = Some("192.0.2.11");
    for _ in 0..30 {
        let (client, csrf) = sign_in_form(&app.address).await;
        attempt(
            &client,
            &app.address,
            &csrf,
            Some("198.18.1.1"),
            known,
            "nope nope",
        )
        .await;
    }
    let typo = attempt(&client, &app.address, &csrf, from, known, "a typo").await;
    assert_eq!(typo.status, 401, "{typo:?}");
    let answer = attempt(
        &client,
        &app.address,
        &csrf,
        from,
        known,
        crate::harness::TEST_PASSWORD,
    )
    .await;
    match answer.status {
        303 => {}
        429 => assert!(answer.retry_after.is_some_and(|s| s <= 60), "{answer:?}"),
        _ => panic!("{answer:?}"),
    }
    // Malformed emails are answered like any other.
    let (client, csrf) = sign_in_form(&app.address).await;
    let answer = attempt(
        &client,
        &app.address,
        &csrf,
        Some("192.0.2.12"),
        "not an email",
        "x",
    )
    .await;
    assert_eq!(
        (answer.status, answer.error.as_str()),
        (401, "Wrong email or password.")
    );
}

#[tokio::test]
async fn a_new_password_from_the_command_line_signs_in_after_failures() {
    let app = TestApp::spawn().await;
    app.client_as("editor", "Lou Locked").await;
    let email = "lou.locked@test.example";
    let (client, csrf) = sign_in_form(&app.address).await;
    for _ in 0..3 {
        let answer = attempt(&client, &app.address, &csrf, None, email, "wrong password!").await;
        assert_eq!(answer.status, 401, "{answer:?}");
    }
    let output = app
        .cli()
        .args(["user", "password", email])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    sign_in(&new_client(), &app.address, email, &password_in(&stdout)).await;
}

async fn admin_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    mandates::store::find_user_id(&app.db.pool, email)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = TestApp::spawn().await;
    let (second, second_csrf) = app.client_as("admin", "Second Admin").await;
    let first_id = user_id(&app, "test.admin@test.example").await;
    let second_id = user_id(&app, "second.admin@test.example").await;
    assert_eq!(admin_count(&app).await, 2);
    let demote = |client: reqwest::Client, csrf: String, id: i64| {
        let address = app.address.clone();
        tokio::spawn(async move {
            client
                .post(format!("{address}/admin/users/{id}"))
                .form(&[("role", "viewer"), ("csrf", &csrf)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    };
    // Several rounds: without the lock, one round in a few already left no admin.
    for round in 0..10 {
        let (a, b) = tokio::join!(
            demote(app.client.clone(), app.csrf.clone(), second_id),
            demote(second.clone(), second_csrf.clone(), first_id)
        );
        let mut statuses = [a.unwrap(), b.unwrap()];
        statuses.sort();
        // One demotion went through; the other came second and found its own admin role
        // gone (403) or the last admin (409).
        assert!(
            matches!(statuses, [303, 403] | [303, 409]),
            "round {round}: {statuses:?}"
        );
        assert_eq!(admin_count(&app).await, 1, "round {round}");
        sqlx::query("UPDATE users SET role = 'admin' WHERE id = ANY($1)")
            .bind([first_id, second_id])
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_operator_changes_a_role_from_the_command_line_and_the_last_admin_stays() {
    let app = TestApp::spawn().await;
    app.client_as("viewer", "Vera Viewer").await;
    let out = cli(
        &app.db.url,
        &["user", "role", "Vera.Viewer@test.example", "admin"],
    );
    assert_eq!(
        out.trim(),
        "vera.viewer@test.example is now admin (was viewer)"
    );
    assert_eq!(admin_count(&app).await, 2);
    let (action, before, after): (String, serde_json::Value, serde_json::Value) = sqlx::query_as(
        "SELECT action, before, after FROM audit_log WHERE subject = 'user vera.viewer@test.example' \
         AND actor_name = 'command line'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(action, "user.update");
    assert_eq!(before["role"], "viewer");
    assert_eq!(after["role"], "admin");
    cli(
        &app.db.url,
        &["user", "role", "test.admin@test.example", "editor"],
    );
    // Vera is the last admin now: refused, with the way out.
    let output = app
        .cli()
        .args(["user", "role", "vera.viewer@test.example", "viewer"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("last admin") && stderr.contains("mandates user role"),
        "{stderr}"
    );
    assert_eq!(admin_count(&app).await, 1);
    let output = app
        .cli()
        .args(["user", "role", "vera.viewer@test.example", "root"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("use viewer, editor or admin"));
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
