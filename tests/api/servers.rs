//! More than one server: two `mandates serve` processes in front of one database behave as
//! one tracker (sessions, form tokens, feed tokens and what was changed are shared through
//! the database; the digest is sent once, see `digest::two_serve_processes_send_each_weekly_digest_once`).

use crate::extract::fixture;
use crate::harness::{
    ServerProcess, TEST_PASSWORD, csrf_field, fresh_database, mandates_command, new_client,
    password_hash, sign_in, text_of,
};

/// The count line of a list page ("3 obligations, showing 1–3; ...").
fn count_line(page: &str) -> String {
    let start = page.find("<p class=\"count\">").expect(page);
    page[start..start + page[start..].find("</p>").unwrap()].to_string()
}

#[tokio::test]
async fn two_servers_on_one_database_act_as_one() {
    let db = fresh_database().await;
    let import = mandates_command()
        .env("DATABASE_URL", &db.url)
        .arg("import")
        .arg(fixture("src/demo/A-RES-75-58.txt"))
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");
    mandates::store::add_user(
        &db.pool,
        "editor@test.example",
        "Eda Editor",
        "editor",
        password_hash(),
    )
    .await
    .unwrap();
    let serve = || {
        let mut command = mandates_command();
        command
            .env("DATABASE_URL", &db.url)
            .args(["serve", "--bind", "127.0.0.1:0"]);
        ServerProcess::start(command).expect("serve starts")
    };
    let (a, b) = (serve(), serve());

    // Signed in through one, the session holds on the other (cookies are per host, not port).
    let browser = new_client();
    let csrf = sign_in(&browser, &a.address, "editor@test.example", TEST_PASSWORD).await;
    let account = text_of(&browser, format!("{}/account", b.address)).await;
    assert!(account.contains("Eda Editor"), "{account}");
    assert_eq!(
        csrf_field(&account).as_deref(),
        Some(csrf.as_str()),
        "one session, one form token"
    );

    // Both have read the list (and may keep it); a change through B, with the form token
    // A gave, shows through A on the next request.
    let list = "/obligations?status=not_applicable";
    let before_a = count_line(&text_of(&browser, format!("{}{list}", a.address)).await);
    let before_b = count_line(&text_of(&browser, format!("{}{list}", b.address)).await);
    assert_eq!(before_a, before_b);
    assert!(before_a.contains(">0 obligations"), "{before_a}");
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM obligations WHERE status = 'open' AND clause_id IS NOT NULL
         ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let response = browser
        .post(format!("{}/obligations/{id}/status", b.address))
        .form(&[
            ("status", "not_applicable"),
            ("note", "overtaken by events"),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let after_a = count_line(&text_of(&browser, format!("{}{list}", a.address)).await);
    assert!(after_a.contains(">1 obligation,"), "{after_a}");
    let page = text_of(&browser, format!("{}/obligations/{id}", a.address)).await;
    assert!(page.contains("overtaken by events"), "{page}");

    // A feed token made through A opens the feed through B.
    // Making a token answers with a redirect; the account page then shows it once.
    let made = browser
        .post(format!("{}/account/feed-tokens", a.address))
        .form(&[("label", "Outlook"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let page = text_of(&browser, format!("{}/account", a.address)).await;
    let at = page.find("token=").expect(&page) + "token=".len();
    let token: String = page[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(token.len(), 64, "{page}");
    let calendar = new_client();
    let feed = calendar
        .get(format!("{}/obligations.ics?token={token}", b.address))
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    assert!(feed.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));

    // Signed out through B, the session is gone on A as well.
    let account = text_of(&browser, format!("{}/account", a.address)).await;
    let csrf = csrf_field(&account).unwrap();
    let response = browser
        .post(format!("{}/sign-out", b.address))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let response = browser
        .get(format!("{}/account", a.address))
        .send()
        .await
        .unwrap();
    assert_ne!(
        response.status(),
        200,
        "A still knows the signed-out session"
    );

    let (status, log) = a.terminate();
    assert!(status.success(), "{log}");
    let (status, log) = b.terminate();
    assert!(status.success(), "{log}");
}

/// How often server `address` has looked a result up in its cache and found it missing.
async fn cache_misses(address: &str) -> u64 {
    let text = new_client()
        .get(format!("{address}/metrics"))
        .bearer_auth("the metrics token")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find(|l| l.starts_with("mandates_result_cache_lookups_total{outcome=\"miss\"}"))
        .and_then(|l| l.split_whitespace().last())
        .map_or(0, |n| n.parse().unwrap())
}

#[tokio::test]
async fn a_change_through_one_server_drops_only_the_pages_it_touches_on_the_other() {
    let db = fresh_database().await;
    for text in ["src/demo/A-RES-75-58.txt", "src/demo/A-HRC-RES-46-9.txt"] {
        let import = mandates_command()
            .env("DATABASE_URL", &db.url)
            .arg("import")
            .arg(fixture(text))
            .output()
            .unwrap();
        assert!(import.status.success(), "{import:?}");
    }
    mandates::store::add_user(
        &db.pool,
        "editor@test.example",
        "Eda Editor",
        "editor",
        password_hash(),
    )
    .await
    .unwrap();
    let serve = || {
        let mut command = mandates_command();
        command
            .env("DATABASE_URL", &db.url)
            .env("MANDATES_METRICS_TOKEN", "the metrics token")
            .args(["serve", "--bind", "127.0.0.1:0"]);
        ServerProcess::start(command).expect("serve starts")
    };
    let (a, b) = (serve(), serve());
    let browser = new_client();
    let csrf = sign_in(&browser, &a.address, "editor@test.example", TEST_PASSWORD).await;

    // A keeps a General Assembly list, which the change below touches, and a Human Rights
    // Council one, which it does not.
    let touched = "/obligations?body=GA&status=not_applicable";
    let untouched = "/obligations?body=HRC";
    let hrc_before = text_of(&browser, format!("{}{untouched}", a.address)).await;
    let before = count_line(&text_of(&browser, format!("{}{touched}", a.address)).await);
    assert!(before.contains(">0 obligations"), "{before}");
    let misses = cache_misses(&a.address).await;
    assert_eq!(
        text_of(&browser, format!("{}{untouched}", a.address)).await,
        hrc_before
    );
    text_of(&browser, format!("{}{touched}", a.address)).await;
    assert_eq!(cache_misses(&a.address).await, misses, "both kept");

    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM obligations WHERE status = 'open' AND clause_id IS NOT NULL
           AND body = 'GA' ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let response = browser
        .post(format!("{}/obligations/{id}/status", b.address))
        .form(&[("status", "not_applicable"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);

    // Through A, the next request shows the change; the other list is still kept.
    let after = count_line(&text_of(&browser, format!("{}{touched}", a.address)).await);
    assert!(after.contains(">1 obligation,"), "{after}");
    assert_eq!(
        cache_misses(&a.address).await,
        misses + 1,
        "only the touched list was read again"
    );
    assert_eq!(
        text_of(&browser, format!("{}{untouched}", a.address)).await,
        hrc_before
    );
    assert_eq!(
        cache_misses(&a.address).await,
        misses + 1,
        "the untouched list was kept"
    );

    // A change of anything else (an import) drops everything.
    let import = mandates_command()
        .env("DATABASE_URL", &db.url)
        .arg("import")
        .arg(fixture("src/demo/A-RES-78-43.txt"))
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");
    text_of(&browser, format!("{}{untouched}", a.address)).await;
    assert!(cache_misses(&a.address).await > misses + 1);

    for server in [a, b] {
        let (status, log) = server.terminate();
        assert!(status.success(), "{log}");
    }
}
