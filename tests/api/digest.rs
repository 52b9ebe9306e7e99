//! The weekly digest end to end: subscribers from the CLI and the dashboard, digests sent
//! through a real SMTP server and read back (both parts, headers, unsubscribe), retries, and
//! exactly one digest per subscriber and week with concurrent senders, two `serve` processes
//! and a sender killed half-way.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::dashboard::app_with_series;
use crate::harness::{ServerProcess, TestApp};
use crate::smtp::{Received, SmtpServer, Stall};

const BASE_URL: &str = "https://mandates.example.org";

/// `mandates` against this test's database, sending through `smtp`.
fn digest_cli(app: &TestApp, smtp: &SmtpServer) -> Command {
    let mut command = app.cli();
    command
        .env("SMTP_URL", &smtp.url)
        .env("MANDATES_BASE_URL", BASE_URL)
        .env(
            "MANDATES_MAIL_FROM",
            "Mandates <digest@mandates.example.org>",
        )
        .env_remove("MANDATES_SECRET")
        .env_remove("MANDATES_DIGEST_SEND_EMPTY")
        .env_remove("MANDATES_DIGEST_CONCURRENCY")
        .env_remove("MANDATES_DIGEST_PAUSE_MS");
    command
}

fn succeed(command: &mut Command) -> (String, String) {
    let output = command.output().expect("run mandates");
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

fn fail(command: &mut Command) -> String {
    let output = command.output().expect("run mandates");
    let (stdout, stderr) = texts(&output);
    assert!(!output.status.success(), "{stdout}\n{stderr}");
    stderr
}

fn texts(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn parse(message: &Received) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(message.raw.as_bytes())
        .expect("a parsable message")
}

/// Recipients and how many messages each received.
fn per_recipient(messages: &[Received]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for m in messages {
        assert_eq!(m.to.len(), 1, "one recipient per digest");
        *counts.entry(m.to[0].clone()).or_insert(0) += 1;
    }
    counts
}

/// `n` subscribers user1@example.org .. with the default slot (Mondays 08:00 UTC).
async fn add_subscribers(app: &TestApp, n: i32) {
    sqlx::query(
        "INSERT INTO subscribers (email, name) SELECT 'user' || g || '@example.org', 'User ' || g
         FROM generate_series(1, $1) g",
    )
    .bind(n)
    .execute(&app.db.pool)
    .await
    .unwrap();
}

async fn scalar(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// Waits (up to a minute, polling) until `done` holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn a_digest_arrives_grouped_in_both_parts_with_links_and_one_click_unsubscribe() {
    let app = app_with_series().await;
    let smtp = SmtpServer::start();
    let (stdout, _) = succeed(digest_cli(&app, &smtp).args([
        "subscriber",
        "add",
        "ana@example.org",
        "--name",
        "Ana Ruiz",
        "--time-zone",
        "Europe/Zurich",
    ]));
    assert!(stdout.contains("subscribed ana@example.org"), "{stdout}");

    // Sunday 1 August 2021: the Monday 08:00 slot of that week has passed. As on the dashboard
    // that day, nothing is overdue (74/43's agenda decision is no debt: issue 14) and two
    // obligations are due within 8 weeks.
    let (stdout, _) =
        succeed(digest_cli(&app, &smtp).args(["digest", "send", "--as-of", "2021-08-01"]));
    assert!(stdout.contains("1 sent"), "{stdout}");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, ["ana@example.org"]);
    assert!(messages[0].raw.contains("multipart/alternative"));
    let message = parse(&messages[0]);
    assert_eq!(
        message.subject(),
        Some("0 overdue, 2 due in the next 8 weeks")
    );
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("digest@mandates.example.org"));

    let text = message.body_text(0).unwrap().into_owned();
    let html = message.body_html(0).unwrap().into_owned();
    assert!(!text.contains("<p>"), "the text part is plain: {text}");
    assert!(text.contains("Hello Ana Ruiz"), "{text}");
    let report_id: i64 = sqlx::query_scalar(
        "SELECT o.id FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = 'A/RES/75/58' AND o.paragraph_number = '5'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let link = format!("{BASE_URL}/obligations/{report_id}");
    // Overdue comes first, empty: the agenda decision of 74/43 is not a debt.
    let overdue = &text[text.find("OVERDUE (0)").expect("an overdue group")
        ..text.find("DUE THIS WEEK").expect("a this-week group")];
    assert!(!overdue.contains("A/RES/74/43"), "{overdue}");
    // Each item with resolution, paragraph, what is asked, due date and the link.
    let later = &text[text.find("DUE LATER").unwrap()..];
    assert!(later.contains("A/RES/75/58, paragraph 5"), "{later}");
    assert!(later.contains("Asks: "), "{later}");
    assert!(later.contains("14 September 2021"), "{later}");
    assert!(later.contains(&link), "{later}");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(html.contains("A/RES/75/58"), "{html}");
    assert!(html.contains("id=\"overdue\""), "{html}");

    // Unsubscribe: the link in both parts and the RFC 8058 headers.
    let header = message.header_raw("List-Unsubscribe").unwrap().trim();
    let url = header.trim_start_matches('<').trim_end_matches('>');
    assert!(
        url.starts_with(&format!("{BASE_URL}/unsubscribe?token=")),
        "{url}"
    );
    assert!(text.contains(url) && html.contains(url));
    assert_eq!(
        message.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );
    // The Message-ID is recorded with the sent digest.
    let recorded: String = sqlx::query_scalar("SELECT message_id FROM sent_digests")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(format!("<{}>", message.message_id().unwrap()), recorded);

    // The same week again sends nothing.
    let (stdout, _) =
        succeed(digest_cli(&app, &smtp).args(["digest", "send", "--as-of", "2021-08-01"]));
    assert!(stdout.contains("0 sent"), "{stdout}");
    assert_eq!(smtp.count(), 1);

    // The link opens a confirmation page; a forged token is refused; the one-click POST works.
    let path = url.trim_start_matches(BASE_URL);
    let page = app.get(path).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("ana@example.org"));
    let token = path.trim_start_matches("/unsubscribe?token=");
    let forged = format!(
        "/unsubscribe?token={}",
        token.replacen(token.split('.').next().unwrap(), "999", 1)
    );
    assert_eq!(app.get(&forged).await.status(), 400);
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("is unsubscribed"));
    // Unsubscribed: the next week brings nothing.
    let (stdout, _) =
        succeed(digest_cli(&app, &smtp).args(["digest", "send", "--as-of", "2021-08-09"]));
    assert!(stdout.contains("0 scheduled, 0 sent"), "{stdout}");
    assert_eq!(smtp.count(), 1);
}

#[tokio::test]
async fn preview_prints_the_message_without_sending_it() {
    let app = app_with_series().await;
    let smtp = SmtpServer::start();
    succeed(digest_cli(&app, &smtp).args([
        "subscriber",
        "add",
        "ana@example.org",
        "--filter",
        "body=GA&q=report",
    ]));
    let (stdout, _) = succeed(digest_cli(&app, &smtp).args([
        "digest",
        "preview",
        "--to",
        "ANA@example.org",
        "--as-of",
        "2021-08-01",
    ]));
    assert!(
        stdout.contains("Subject: 0 overdue, 1 due in the next 8 weeks"),
        "{stdout}"
    );
    assert!(stdout.contains("To: ana@example.org"), "{stdout}");
    assert!(stdout.contains("List-Unsubscribe: <https://mandates.example.org/unsubscribe?token="));
    assert!(stdout.contains("text/plain") && stdout.contains("text/html"));
    assert_eq!(smtp.count(), 0);
    let stderr =
        fail(digest_cli(&app, &smtp).args(["digest", "preview", "--to", "bob@example.org"]));
    assert!(
        stderr.contains("no subscriber has the address \"bob@example.org\""),
        "{stderr}"
    );
}

#[tokio::test]
async fn nothing_to_report_sends_no_email_unless_configured() {
    let app = app_with_series().await;
    let smtp = SmtpServer::start();
    succeed(digest_cli(&app, &smtp).args([
        "subscriber",
        "add",
        "ana@example.org",
        "--filter",
        "q=zebras",
    ]));
    let (stdout, _) =
        succeed(digest_cli(&app, &smtp).args(["digest", "send", "--as-of", "2021-08-01"]));
    assert!(
        stdout.contains("0 sent, 1 with nothing to report"),
        "{stdout}"
    );
    assert_eq!(smtp.count(), 0);
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM digest_jobs WHERE status = 'skipped'"
        )
        .await,
        1
    );
    let (stdout, _) = succeed(
        digest_cli(&app, &smtp)
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["digest", "send", "--as-of", "2021-08-09"]),
    );
    assert!(stdout.contains("1 sent"), "{stdout}");
    let messages = smtp.messages();
    assert_eq!(
        parse(&messages[0]).subject(),
        Some("0 overdue, 0 due in the next 8 weeks")
    );
}

#[tokio::test]
async fn an_smtp_failure_is_recorded_and_retried_after_a_backoff() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    add_subscribers(&app, 1).await;
    smtp.refuse_next(1);
    let send = |as_of: &str| {
        let mut command = digest_cli(&app, &smtp);
        command
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["digest", "send", "--as-of", as_of]);
        command
    };
    let (stdout, stderr) = succeed(&mut send("2021-08-02"));
    assert!(
        stdout.contains("0 sent") && stdout.contains("1 to retry"),
        "{stdout}\n{stderr}"
    );
    let (status, attempts, error, later): (String, i32, String, bool) = sqlx::query_as(
        "SELECT status, attempts, last_error, next_attempt_at > now() + interval '30 seconds'
         FROM digest_jobs",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), attempts, later), ("pending", 1, true));
    assert!(error.contains("451"), "{error}");
    // Within the backoff nothing is sent.
    let (stdout, _) = succeed(&mut send("2021-08-02"));
    assert!(
        stdout.contains("0 sent, 0 with nothing to report, 0 to retry"),
        "{stdout}"
    );
    assert_eq!(smtp.count(), 0);
    // Once it has passed, the retry goes through, once.
    sqlx::query("UPDATE digest_jobs SET next_attempt_at = now()")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (stdout, _) = succeed(&mut send("2021-08-02"));
    assert!(stdout.contains("1 sent"), "{stdout}");
    assert_eq!(smtp.count(), 1);
    let (status, attempts): (String, i32) =
        sqlx::query_as("SELECT status, attempts FROM digest_jobs")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("sent", 2));
    let (stdout, _) = succeed(digest_cli(&app, &smtp).args(["digest", "status"]));
    assert!(stdout.contains("sent: 1"), "{stdout}");
}

#[tokio::test]
async fn two_senders_at_once_deliver_exactly_one_digest_to_each_of_500_subscribers() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    add_subscribers(&app, 500).await;
    let senders: Vec<_> = (0..2)
        .map(|_| {
            digest_cli(&app, &smtp)
                .env("MANDATES_DIGEST_SEND_EMPTY", "true")
                .args(["digest", "send", "--as-of", "2021-08-02"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for sender in senders {
        let output = sender.wait_with_output().unwrap();
        let (stdout, stderr) = texts(&output);
        assert!(output.status.success(), "{stdout}\n{stderr}");
    }
    let messages = smtp.messages();
    assert_eq!(messages.len(), 500);
    let counts = per_recipient(&messages);
    assert_eq!(counts.len(), 500);
    assert!(counts.values().all(|&n| n == 1));
    assert_eq!(scalar(&app, "SELECT count(*) FROM sent_digests").await, 500);
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM digest_jobs WHERE status = 'sent'"
        )
        .await,
        500
    );
}

#[tokio::test]
async fn a_sender_killed_half_way_serves_everyone_exactly_once_after_a_restart() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    add_subscribers(&app, 40).await;
    // A slow sender (a pause after each digest) so that the kill lands in the middle.
    let mut child = digest_cli(&app, &smtp)
        .env("MANDATES_DIGEST_SEND_EMPTY", "true")
        .env("MANDATES_DIGEST_CONCURRENCY", "1")
        .env("MANDATES_DIGEST_PAUSE_MS", "200")
        .args(["digest", "send", "--as-of", "2021-08-02"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut sent = 0;
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        if line.unwrap().contains("digest sent") {
            sent += 1;
        }
        if sent == 15 {
            break;
        }
    }
    // SAFETY: signalling our own child by its PID.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished");
    let before = smtp.count();
    assert!((15..40).contains(&before), "killed half-way: {before} sent");

    let (stdout, stderr) = succeed(
        digest_cli(&app, &smtp)
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["digest", "send", "--as-of", "2021-08-02"]),
    );
    assert!(!stderr.contains("uncertain"), "{stderr}");
    assert!(
        stdout.contains(&format!("{} sent", 40 - before)),
        "{stdout}"
    );
    let counts = per_recipient(&smtp.messages());
    assert_eq!(counts.len(), 40);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(scalar(&app, "SELECT count(*) FROM sent_digests").await, 40);
}

#[tokio::test]
async fn a_digest_abandoned_after_data_is_uncertain_and_one_abandoned_before_is_resent() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    add_subscribers(&app, 3).await;
    // As if a sender had died with two digests in hand, its lease since run out: user1's after
    // it had reached DATA (marked), user2's before (still at MAIL FROM or RCPT TO).
    sqlx::query(
        "INSERT INTO digest_jobs (subscriber_id, week_start, as_of, status, attempts, claimed_by,
                                  claimed_until, data_started_at)
         SELECT id, '2021-08-02', '2021-08-02', 'sending', 1, 'dead:1',
                now() - interval '1 minute',
                CASE WHEN email = 'user1@example.org' THEN now() - interval '6 minutes' END
         FROM subscribers WHERE email IN ('user1@example.org', 'user2@example.org')",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let (stdout, stderr) = succeed(
        digest_cli(&app, &smtp)
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["digest", "send", "--as-of", "2021-08-02"]),
    );
    assert!(
        stdout.contains("2 sent")
            && stdout.contains("1 resumed after a stopped sender")
            && stdout.contains("1 uncertain"),
        "{stdout}"
    );
    assert!(
        stderr.contains("user1@example.org may or may not have been delivered"),
        "{stderr}"
    );
    let mut to: Vec<String> = smtp
        .messages()
        .into_iter()
        .map(|m| m.to[0].clone())
        .collect();
    to.sort();
    assert_eq!(to, ["user2@example.org", "user3@example.org"]);
    let (stdout, _) = succeed(digest_cli(&app, &smtp).args(["digest", "status"]));
    assert!(stdout.contains("uncertain: 1"), "{stdout}");
    let page = app.get("/digest").await.text().await.unwrap();
    assert!(
        page.contains("uncertain") && page.contains("user1@example.org"),
        "{page}"
    );
}

#[tokio::test]
async fn two_serve_processes_send_each_weekly_digest_once() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    // Mondays at 00:00 UTC: this week's slot has always been reached.
    sqlx::query(
        "INSERT INTO subscribers (email, send_hour) SELECT 'user' || g || '@example.org', 0
         FROM generate_series(1, 30) g",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let start = || {
        let mut command = digest_cli(&app, &smtp);
        command
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["serve", "--bind", "127.0.0.1:0"]);
        ServerProcess::start(command).expect("serve starts")
    };
    let (first, second) = (start(), start());
    wait_until("30 digests arrive", || smtp.count() >= 30);
    let (status, log) = first.terminate();
    assert!(status.success(), "{log}");
    let (status, log) = second.terminate();
    assert!(status.success(), "{log}");
    // A third server this week finds nothing left to send.
    let third = start();
    let (_, log) = third.terminate();
    assert!(!log.contains("digest sent"), "{log}");
    let counts = per_recipient(&smtp.messages());
    assert_eq!(counts.len(), 30);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
}

#[tokio::test]
async fn subscribers_are_managed_from_the_command_line_with_one_line_errors() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    let (stdout, _) = succeed(digest_cli(&app, &smtp).args([
        "subscriber",
        "add",
        "ana@example.org",
        "--name",
        "Ana",
        "--filter",
        "http://127.0.0.1:8080/obligations?body=GA&sort=status",
        "--weeks-ahead",
        "4",
        "--day",
        "friday",
        "--hour",
        "17",
        "--time-zone",
        "America/New_York",
    ]));
    assert!(
        stdout.contains("Fridays at 17:00 America/New_York, 4 weeks ahead, filter body=GA"),
        "{stdout}"
    );
    for (args, message) in [
        (
            vec!["ana@example.org"],
            "ana@example.org is already subscribed",
        ),
        (vec!["bob"], "\"bob\" is not an email address"),
        (
            vec!["bob@example.org", "--time-zone", "Mars/Base"],
            "unknown time zone \"Mars/Base\"",
        ),
        (
            vec!["bob@example.org", "--hour", "25"],
            "the hour must be from 0 to 23, not 25",
        ),
        (
            vec!["bob@example.org", "--day", "someday"],
            "unknown weekday \"someday\"",
        ),
        (
            vec!["bob@example.org", "--filter", "body=XX"],
            "unknown body \"XX\"",
        ),
    ] {
        let stderr = fail(
            digest_cli(&app, &smtp)
                .args(["subscriber", "add"])
                .args(&args),
        );
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(errors[0].contains(message), "{args:?}: {stderr}");
    }
    let (stdout, _) = succeed(digest_cli(&app, &smtp).args(["subscriber", "list"]));
    assert!(
        stdout.contains("ana@example.org (Ana)  Fridays 17:00 America/New_York  4 weeks  body=GA"),
        "{stdout}"
    );
    let stderr = fail(digest_cli(&app, &smtp).args(["subscriber", "remove", "bob@example.org"]));
    assert!(
        stderr.contains("no subscriber \"bob@example.org\""),
        "{stderr}"
    );
    let (stdout, _) =
        succeed(digest_cli(&app, &smtp).args(["subscriber", "remove", "ana@example.org"]));
    assert!(stdout.contains("removed ana@example.org"), "{stdout}");
    let (stdout, _) = succeed(digest_cli(&app, &smtp).args(["subscriber", "list"]));
    assert!(stdout.contains("no subscribers yet"), "{stdout}");
    // Sending without an SMTP server says what to set.
    let stderr = fail(app.cli().args(["digest", "send"]));
    assert!(stderr.contains("SMTP_URL is not set"), "{stderr}");
}

#[tokio::test]
async fn subscribers_are_managed_in_the_dashboard() {
    let app = app_with_series().await;
    // The filtered list links to the subscription form with its filter.
    let list = app
        .get("/obligations?body=GA&q=report")
        .await
        .text()
        .await
        .unwrap();
    let link = "/digest?filter=/obligations%3Fbody%3DGA%26q%3Dreport";
    assert!(list.contains(link), "{list}");
    let html = app.get(link).await.text().await.unwrap();
    assert!(
        html.contains("value=\"/obligations?body=GA&#38;q=report\""),
        "{html}"
    );
    let html = app
        .get("/digest?filter=body%3DGA")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("href=\"/digest\""),
        "a Digest link in the nav"
    );
    assert!(html.contains("value=\"body=GA\""), "{html}");
    let post = |form: &'static [(&'static str, &'static str)]| {
        let mut form = form.to_vec();
        form.push(("csrf", app.csrf.as_str()));
        app.client
            .post(format!("{}/digest/subscribers", app.address))
            .form(&form)
            .send()
    };
    // Only admins manage subscribers, and only with the form's token; a viewer's page shows
    // their own digest alone.
    let (viewer, viewer_csrf) = app.client_as("viewer", "Vera Viewer").await;
    let mine = crate::harness::text_of(&viewer, format!("{}/digest", app.address)).await;
    assert!(mine.contains("You receive no digest."), "{mine}");
    assert!(!mine.contains("action=\"/digest/subscribers\""), "{mine}");
    let refused = viewer
        .post(format!("{}/digest/subscribers", app.address))
        .form(&[("email", "eve@example.org"), ("csrf", viewer_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let forged = app
        .client
        .post(format!("{}/digest/subscribers", app.address))
        .form(&[("email", "eve@example.org"), ("csrf", viewer_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let response = post(&[
        ("email", "ana@example.org"),
        ("name", "Ana"),
        ("filter", "body=GA"),
        ("weeks_ahead", "8"),
        ("weekday", "3"),
        ("hour", "9"),
        ("time_zone", "Europe/Zurich"),
    ])
    .await
    .unwrap();
    assert_eq!(response.status(), 303);
    let response = post(&[("email", "bob@example.org"), ("time_zone", "Nowhere/Town")])
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("Unknown time zone"));
    let html = app.get("/digest").await.text().await.unwrap();
    assert!(
        html.contains("ana@example.org") && html.contains("Wednesdays at 09:00 Europe/Zurich"),
        "{html}"
    );
    assert!(!html.contains("bob@example.org"));
    let id = scalar(&app, "SELECT id FROM subscribers").await;
    let preview = app
        .get(&format!(
            "/digest/subscribers/{id}/preview?as_of=2021-08-01"
        ))
        .await;
    assert_eq!(preview.status(), 200);
    let preview = preview.text().await.unwrap();
    assert!(
        preview.contains("A/RES/75/58") && preview.contains("Hello Ana"),
        "{preview}"
    );
    let response = app
        .client
        .post(format!("{}/digest/subscribers/{id}/delete", app.address))
        .form(&[("csrf", app.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(scalar(&app, "SELECT count(*) FROM subscribers").await, 0);
    // Both changes are in the audit log.
    let audit = app.get("/admin/audit").await.text().await.unwrap();
    assert!(audit.contains("subscriber.add") && audit.contains("subscriber.remove"));
    assert!(audit.contains("subscriber ana@example.org"));
}

/// Starts `digest send` for 2 August 2021 with `concurrency` senders, every digest sent.
fn spawn_sender(app: &TestApp, smtp: &SmtpServer, concurrency: u32) -> std::process::Child {
    digest_cli(app, smtp)
        .env("MANDATES_DIGEST_SEND_EMPTY", "true")
        .env("MANDATES_DIGEST_CONCURRENCY", concurrency.to_string())
        .args(["digest", "send", "--as-of", "2021-08-02"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn kill(mut child: std::process::Child) {
    // SAFETY: signalling our own child by its PID.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    assert!(!child.wait().unwrap().success(), "killed, not finished");
}

/// The leases of the jobs a killed sender held, run out (as five minutes later): the test
/// does not wait for them.
async fn expire_leases(app: &TestApp) {
    sqlx::query(
        "UPDATE digest_jobs SET claimed_until = now() - interval '1 second'
         WHERE status = 'sending'",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_sender_killed_while_the_server_stalls_at_rcpt_leaves_nothing_uncertain() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    // As in the report: 200 digests, the server slow at RCPT TO when the sender is killed.
    add_subscribers(&app, 200).await;
    // After 50 digests the server stops answering RCPT TO: each of the 4 senders' tasks waits
    // there with a digest in hand whose data it has not sent.
    smtp.stall_at(Stall::Rcpt, 50);
    let sender = spawn_sender(&app, &smtp, 4);
    smtp.wait_for_stalled(4);
    kill(sender);
    smtp.release();
    let delivered = smtp.count();
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM digest_jobs WHERE status = 'sending' AND data_started_at IS NULL"
        )
        .await,
        4
    );
    expire_leases(&app).await;

    let (stdout, stderr) = succeed(
        digest_cli(&app, &smtp)
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["digest", "send", "--as-of", "2021-08-02"]),
    );
    assert!(
        stdout.contains(&format!("{} sent", 200 - delivered))
            && stdout.contains("4 resumed after a stopped sender")
            && !stdout.contains("uncertain"),
        "{stdout}"
    );
    assert!(!stderr.contains("uncertain"), "{stderr}");
    let counts = per_recipient(&smtp.messages());
    assert_eq!(counts.len(), 200);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(scalar(&app, "SELECT count(*) FROM sent_digests").await, 200);
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM digest_jobs WHERE status <> 'sent'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_sender_killed_after_handing_the_data_over_leaves_that_digest_uncertain_not_resent() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    add_subscribers(&app, 6).await;
    // The third message arrives whole, and the server holds back its 250.
    smtp.stall_at(Stall::DataEnd, 2);
    let sender = spawn_sender(&app, &smtp, 1);
    smtp.wait_for_stalled(1);
    kill(sender);
    smtp.release();
    assert_eq!(smtp.count(), 3);
    expire_leases(&app).await;

    let (stdout, stderr) = succeed(
        digest_cli(&app, &smtp)
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["digest", "send", "--as-of", "2021-08-02"]),
    );
    assert!(
        stdout.contains("3 sent") && stdout.contains("1 uncertain"),
        "{stdout}"
    );
    assert!(
        stderr.contains("may or may not have been delivered"),
        "{stderr}"
    );
    // Delivered once, by the killed sender, and not again.
    let counts = per_recipient(&smtp.messages());
    assert_eq!(counts.len(), 6);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM digest_jobs WHERE status = 'uncertain'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_line_break_in_a_name_and_an_address_literal_are_refused_at_the_door() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    for (args, message) in [
        (
            vec!["ana@example.org", "--name", "Ana\nRuiz"],
            "the name contains a line break or another control character",
        ),
        (
            vec!["ana@example.org", "--name", "Ana\u{1b}[31m"],
            "the name contains a line break or another control character",
        ),
        (
            vec!["ana@example.org\r\nBcc: eve@example.org"],
            "contains a line break or another control character",
        ),
        (
            vec!["a@[127.0.0.1]"],
            "address literals such as [127.0.0.1] are not accepted",
        ),
        (vec!["a@127.0.0.1"], "an IP address is not accepted"),
        (vec!["a@localhost"], "must be a domain name with a dot"),
        (vec!["\"a b\"@example.org"], "it contains a space"),
    ] {
        let output = digest_cli(&app, &smtp)
            .args(["subscriber", "add"])
            .args(&args)
            .output()
            .unwrap();
        let (_, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(errors[0].contains(message), "{args:?}: {stderr}");
    }

    // The form comes back with the reason and what was typed.
    for (email, name, message) in [
        (
            "ana@example.org",
            "Ana\r\nRuiz",
            "The name contains a line break or another control character; write it on one line.",
        ),
        (
            "a@[127.0.0.1]",
            "Ana",
            "address literals such as [127.0.0.1] are not accepted",
        ),
    ] {
        let response = app
            .client
            .post(format!("{}/digest/subscribers", app.address))
            .form(&[
                ("email", email),
                ("name", name),
                ("hour", "9"),
                ("weekday", "3"),
                ("time_zone", "Europe/Zurich"),
                ("csrf", app.csrf.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let html = response.text().await.unwrap();
        assert!(
            html.contains("<p class=\"error\" role=\"alert\">") && html.contains(message),
            "{html}"
        );
        assert!(
            html.contains("<h2 id=\"add-heading\">Add a subscriber</h2>"),
            "{html}"
        );
        assert!(html.contains("value=\"Europe/Zurich\""), "{html}");
        assert!(html.contains("<option value=\"3\" selected>"), "{html}");
        assert!(html.contains("value=\"9\""), "{html}");
    }
    assert_eq!(scalar(&app, "SELECT count(*) FROM subscribers").await, 0);
}

#[tokio::test]
async fn subscribers_stored_before_the_checks_fail_their_digest_with_the_reason_never_a_panic() {
    let app = app_with_series().await;
    let smtp = SmtpServer::start();
    // Rows as the form and the CLI accepted them before: a line break in a name, an address
    // literal; and one good subscriber.
    sqlx::query(
        "INSERT INTO subscribers (email, name) VALUES
           ('ana@example.org', E'Ana\\nRuiz'), ('b@[127.0.0.1]', 'Bo'), ('cy@example.org', 'Cy')",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    // Both are pointed out where subscribers are listed.
    let (stdout, _) = succeed(digest_cli(&app, &smtp).args(["subscriber", "list"]));
    assert!(
        stdout.contains(
            "warning: cannot send to \"ana@example.org\": the name contains a line break"
        ) && stdout.contains("warning: cannot send to \"b@[127.0.0.1]\"")
            && stdout.matches("warning:").count() == 2
            && stdout.contains("ana@example.org (Ana\\nRuiz)"),
        "{stdout}"
    );
    let page = app.get("/digest").await.text().await.unwrap();
    assert!(
        page.contains("<p class=\"error\">cannot send to &#34;ana@example.org&#34;: the name contains a line break"),
        "{page}"
    );

    let output = digest_cli(&app, &smtp)
        .args([
            "digest",
            "preview",
            "--to",
            "ana@example.org",
            "--as-of",
            "2021-08-01",
        ])
        .output()
        .unwrap();
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("the name contains a line break or another control character")
            && stderr.contains("remove the subscriber and add them again"),
        "{stderr}"
    );
    let ana = scalar(
        &app,
        "SELECT id FROM subscribers WHERE email = 'ana@example.org'",
    )
    .await;
    let preview = app
        .get(&format!(
            "/digest/subscribers/{ana}/preview?as_of=2021-08-01"
        ))
        .await;
    assert_eq!(preview.status(), 400);
    assert!(
        preview.text().await.unwrap().contains("line break"),
        "the admin gets the reason"
    );

    // Sending: the good digest goes out; the two others fail for good with the reason (not
    // uncertain), and as the subscribers' own data they do not fail the run.
    let output = digest_cli(&app, &smtp)
        .env("MANDATES_DIGEST_SEND_EMPTY", "true")
        .args(["digest", "send", "--as-of", "2021-08-01"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stdout.contains("1 sent") && stdout.contains("2 failed"),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: no digest for ana@example.org")
            && stderr.contains("warning: no digest for b@[127.0.0.1]")
            && stderr.contains("address literals"),
        "{stderr}"
    );
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, ["cy@example.org"]);
    let failed: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.email, j.last_error FROM digest_jobs j JOIN subscribers s ON s.id = j.subscriber_id
         WHERE j.status = 'failed' ORDER BY s.email",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed[0].1.contains("line break"), "{failed:?}");
    assert!(failed[1].1.contains("address literals"), "{failed:?}");
    // The next week's run fails them again, and still exits 0.
    let (stdout, _) = succeed(
        digest_cli(&app, &smtp)
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["digest", "send", "--as-of", "2021-08-09"]),
    );
    assert!(stdout.contains("2 failed"), "{stdout}");
}

#[tokio::test]
async fn an_address_the_server_refuses_fails_its_digest_but_not_every_later_run() {
    let app = TestApp::spawn().await;
    let smtp = SmtpServer::start();
    add_subscribers(&app, 3).await;
    smtp.refuse_address("user2@example.org");
    for week in ["2021-08-02", "2021-08-09"] {
        let output = digest_cli(&app, &smtp)
            .env("MANDATES_DIGEST_SEND_EMPTY", "true")
            .args(["digest", "send", "--as-of", week])
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&output);
        assert!(output.status.success(), "{week}: {stdout}\n{stderr}");
        assert!(
            stdout.contains("2 sent") && stdout.contains("1 failed"),
            "{stdout}"
        );
        assert!(
            stderr.contains(
                "warning: no digest for user2@example.org: the SMTP server refused the address"
            ),
            "{stderr}"
        );
    }
    assert_eq!(smtp.count(), 4);
    let (status, error): (String, String) = sqlx::query_as(
        "SELECT j.status, j.last_error FROM digest_jobs j JOIN subscribers s ON s.id = j.subscriber_id
         WHERE s.email = 'user2@example.org' ORDER BY j.week_start LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(status, "failed");
    assert!(error.contains("550"), "{error}");

    // Every digest of a run refused points at the server, not the subscribers: the run fails.
    smtp.refuse_address("user1@example.org");
    smtp.refuse_address("user3@example.org");
    let output = digest_cli(&app, &smtp)
        .env("MANDATES_DIGEST_SEND_EMPTY", "true")
        .args(["digest", "send", "--as-of", "2021-08-16"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("all 3 digests of this run were refused"),
        "{stderr}"
    );
}
