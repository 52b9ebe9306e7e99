//! `mandates import`: whole documents in one transaction each, idempotent re-imports that keep
//! follow-up state, and fulfilment links between resolutions in either import order.

use std::path::Path;

use sqlx::PgPool;

use crate::extract::fixture;
use crate::harness::{TestApp, shared_temp_dir};

fn demo_text(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("src/demo/{name}"))).unwrap()
}

/// Runs `mandates import` on `paths` against the app's database; (success, stdout).
fn import(app: &TestApp, paths: &[&Path]) -> (bool, String) {
    let output = app.cli().arg("import").args(paths).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.success(), format!("{stdout}{stderr}"))
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The follow-up state of the tracked clause `verb` in paragraph `number` of `symbol`.
async fn obligation(
    pool: &PgPool,
    symbol: &str,
    number: &str,
    verb: &str,
) -> (i64, String, Option<String>) {
    sqlx::query_as(
        "SELECT o.id, o.status, o.fulfilled_by FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = $1 AND o.paragraph_number = $2 AND o.verb = $3",
    )
    .bind(symbol)
    .bind(number)
    .bind(verb)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn importing_a_resolution_stores_its_paragraphs_clauses_and_deadlines() {
    let app = TestApp::spawn().await;
    let (ok, out) = import(&app, &[&fixture("src/demo/A-RES-75-58.txt")]);
    assert!(ok, "{out}");
    assert!(out.contains("imported  A/RES/75/58"), "{out}");
    assert!(
        out.contains("1 imported, 0 updated, 0 unchanged, 0 failed"),
        "{out}"
    );
    let pool = &app.db.pool;
    assert_eq!(
        count(
            pool,
            "SELECT count(*) FROM paragraphs WHERE part = 'operative'"
        )
        .await,
        6
    );
    assert_eq!(
        count(
            pool,
            "SELECT count(*) FROM paragraphs WHERE part = 'preamble'"
        )
        .await,
        18
    );
    let (due, basis): (chrono::NaiveDate, String) = sqlx::query_as(
        "SELECT d.due_on, d.text FROM deadlines d JOIN clauses c ON c.id = d.clause_id
         JOIN paragraphs p ON p.id = c.paragraph_id WHERE p.number = '5'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(due, chrono::NaiveDate::from_ymd_opt(2021, 9, 14).unwrap());
    assert!(basis.contains("seventy-sixth session"), "{basis}");
    let actor: String = sqlx::query_scalar(
        "SELECT a.name FROM actors a JOIN clause_actors ca ON ca.actor_id = a.id
         JOIN clauses c ON c.id = ca.clause_id WHERE c.verb = 'requests'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(actor, "Secretary-General");
    let (_, status, _) = obligation(pool, "A/RES/75/58", "5", "requests").await;
    assert_eq!(status, "open");
    assert_eq!(
        count(
            pool,
            "SELECT count(*) FROM obligation_events WHERE changed_by = 'import of A/RES/75/58'"
        )
        .await,
        2
    );
    // The session calendar was seeded from the project's data.
    assert!(count(pool, "SELECT count(*) FROM sessions WHERE body = 'GA'").await >= 20);
}

#[tokio::test]
async fn reimporting_the_same_content_changes_nothing() {
    let app = TestApp::spawn().await;
    let file = fixture("src/demo/A-RES-75-58.txt");
    assert!(import(&app, &[&file]).0);
    let before = count(&app.db.pool, "SELECT max(id) FROM clauses").await;
    let (ok, out) = import(&app, &[&file]);
    assert!(ok);
    assert!(out.contains("unchanged A/RES/75/58"), "{out}");
    assert!(
        out.contains("0 imported, 0 updated, 1 unchanged, 0 failed"),
        "{out}"
    );
    assert_eq!(
        count(&app.db.pool, "SELECT max(id) FROM clauses").await,
        before
    );
}

#[tokio::test]
async fn a_corrected_text_updates_the_document_and_keeps_follow_up_state() {
    let app = TestApp::spawn().await;
    let dir = shared_temp_dir("mandates-reissue-");
    let path = dir.path().join("A-RES-75-58.txt");
    let original = demo_text("A-RES-75-58.txt");
    std::fs::write(&path, &original).unwrap();
    assert!(import(&app, &[&path]).0);
    let pool = &app.db.pool;
    let (id, _, _) = obligation(pool, "A/RES/75/58", "5", "requests").await;
    let mut tx = pool.begin().await.unwrap();
    let change = mandates::store::StatusChange {
        status: mandates::store::FollowUpStatus::InProgress,
        fulfilled_by: None,
        note: "Draft report circulated to capitals",
        changed_by: "Desk officer",
        effective_on: None,
    };
    assert!(
        mandates::store::update_obligation_status(&mut tx, id, &change)
            .await
            .unwrap()
            .is_some()
    );
    tx.commit().await.unwrap();

    // A reissued text: paragraph 5 reworded, paragraph 6 (the agenda decision) gone.
    let reissued = original
        .replace(
            "to compile a report on measures",
            "to compile a comprehensive report on measures",
        )
        .replace(
            "6. *Decides* to include in the provisional agenda",
            "6. *Notes* the inclusion in the provisional agenda",
        );
    assert_ne!(reissued, original);
    std::fs::write(&path, &reissued).unwrap();
    let (ok, out) = import(&app, &[&path]);
    assert!(ok, "{out}");
    assert!(out.contains("updated   A/RES/75/58"), "{out}");
    assert!(out.contains("1 no longer in the text"), "{out}");

    let (same_id, status, _) = obligation(pool, "A/RES/75/58", "5", "requests").await;
    assert_eq!(same_id, id, "the obligation keeps its identity");
    assert_eq!(status, "in_progress");
    let text: String = sqlx::query_scalar("SELECT text FROM paragraphs WHERE number = '5'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(text.contains("comprehensive report"));
    let gone: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
        "SELECT disappeared_at FROM obligations WHERE paragraph_number = '6' AND verb = 'decides'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(
        gone.is_some(),
        "the decision no longer in the text is marked"
    );
    assert_eq!(
        count(
            pool,
            &format!("SELECT count(*) FROM obligation_events WHERE obligation_id = {id}")
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_failing_document_in_a_directory_leaves_the_others_imported() {
    let app = TestApp::spawn().await;
    let dir = shared_temp_dir("mandates-dir-");
    let nested = dir.path().join("2020/first-committee");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(nested.join("A-RES-75-58.txt"), demo_text("A-RES-75-58.txt")).unwrap();
    std::fs::write(
        dir.path().join("A-RES-74-43.txt"),
        demo_text("A-RES-74-43.txt"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("minutes.txt"),
        "Minutes of a meeting.\n\nNothing was decided.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.json"), "{}").unwrap();
    let (ok, out) = import(&app, &[dir.path()]);
    assert!(!ok, "a failure makes the exit code non-zero: {out}");
    assert!(
        out.contains("2 imported, 0 updated, 0 unchanged, 1 failed"),
        "{out}"
    );
    assert!(
        out.contains("minutes.txt: no operative paragraphs"),
        "{out}"
    );
    let symbols: Vec<String> = sqlx::query_scalar("SELECT symbol FROM documents ORDER BY symbol")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(symbols, ["A/RES/74/43", "A/RES/75/58"]);
}

async fn assert_74_43_fulfilled_by_75_58(pool: &PgPool) {
    let (id, status, fulfilled_by) = obligation(pool, "A/RES/74/43", "5", "requests").await;
    assert_eq!(status, "fulfilled");
    assert_eq!(fulfilled_by.as_deref(), Some("A/75/171"));
    let (changed_by,): (String,) = sqlx::query_as(
        "SELECT changed_by FROM obligation_events WHERE obligation_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(changed_by, "import of A/RES/75/58");
    // The agenda decision of 74/43 is no report request: 75/58, of the same series and adopted
    // at the 75th session, shows the item on that session's agenda.
    let (_, decision, proof) = obligation(pool, "A/RES/74/43", "6", "decides").await;
    assert_eq!(
        (decision.as_str(), proof.as_deref()),
        ("fulfilled", Some("A/RES/75/58"))
    );
}

#[tokio::test]
async fn the_report_noted_in_75_58_fulfils_the_request_of_74_43_when_imported_after_it() {
    let app = TestApp::spawn().await;
    assert!(import(&app, &[&fixture("src/demo/A-RES-74-43.txt")]).0);
    let (_, before, _) = obligation(&app.db.pool, "A/RES/74/43", "5", "requests").await;
    assert_eq!(before, "open");
    assert!(import(&app, &[&fixture("src/demo/A-RES-75-58.txt")]).0);
    assert_74_43_fulfilled_by_75_58(&app.db.pool).await;
}

#[tokio::test]
async fn the_report_noted_in_75_58_fulfils_the_request_of_74_43_when_imported_before_it() {
    let app = TestApp::spawn().await;
    assert!(import(&app, &[&fixture("src/demo/A-RES-75-58.txt")]).0);
    assert!(import(&app, &[&fixture("src/demo/A-RES-74-43.txt")]).0);
    assert_74_43_fulfilled_by_75_58(&app.db.pool).await;
}

#[tokio::test]
async fn killing_the_importer_leaves_only_whole_documents_and_a_rerun_completes() {
    let app = TestApp::spawn().await;
    let dir = shared_temp_dir("mandates-kill-");
    let seed = demo_text("A-RES-75-58.txt");
    let total = 400;
    for n in 0..total {
        // The same text under synthetic symbols A/RES/75/1000 ... A/RES/75/1399.
        let text = seed.replacen("75/58. Measures", &format!("75/{}. Measures", 1000 + n), 1);
        std::fs::write(dir.path().join(format!("doc-{n:04}.txt")), text).unwrap();
    }
    let mut child = app.cli().arg("import").arg(dir.path()).spawn().unwrap();
    let pool = &app.db.pool;
    // Kill it once it is part-way through.
    for _ in 0..2000 {
        if count(pool, "SELECT count(*) FROM documents").await >= 20 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = count(pool, "SELECT count(*) FROM documents").await;
    assert!(partial > 0 && partial < total, "killed part-way: {partial}");
    let whole = |pool: PgPool| async move {
        // Every stored document has all 24 paragraphs, all 7 clauses and both obligations.
        count(
            &pool,
            "SELECT count(*) FROM documents d WHERE
              (SELECT count(*) FROM paragraphs p WHERE p.document_id = d.id) <> 24
           OR (SELECT count(*) FROM clauses c WHERE c.document_id = d.id) <> 7
           OR (SELECT count(*) FROM obligations o WHERE o.document_id = d.id) <> 2",
        )
        .await
    };
    assert_eq!(whole(pool.clone()).await, 0);

    let (ok, out) = import(&app, &[dir.path()]);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!(
            "{} imported, 0 updated, {partial} unchanged, 0 failed",
            total - partial
        )),
        "{out}"
    );
    assert_eq!(count(pool, "SELECT count(*) FROM documents").await, total);
    assert_eq!(whole(pool.clone()).await, 0);
}

#[tokio::test]
async fn a_corrected_session_date_moves_its_deadlines_and_survives_reseeding() {
    let app = TestApp::spawn().await;
    assert!(import(&app, &[&fixture("src/demo/A-RES-75-58.txt")]).0);
    let output = app
        .cli()
        .args([
            "calendar",
            "set",
            "GA",
            "76",
            "--opens",
            "2021-09-21",
            "--source",
            "A/INF/76/1",
            "--by",
            "Calendar desk",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("2 deadline(s) moved"));
    let pool = &app.db.pool;
    let due: Vec<chrono::NaiveDate> =
        sqlx::query_scalar("SELECT due_on FROM obligations ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let corrected = chrono::NaiveDate::from_ymd_opt(2021, 9, 21).unwrap();
    assert_eq!(due, [corrected, corrected]);
    // Every start seeds the calendar again; a person's correction stays.
    let list = app
        .cli()
        .args(["calendar", "list", "--body", "GA"])
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(list.contains("GA   76  opens 2021-09-21"), "{list}");
    assert!(list.contains("corrected by Calendar desk"), "{list}");
    // A re-import resolves against the corrected calendar.
    let dir = shared_temp_dir("mandates-cal-");
    let path = dir.path().join("A-RES-75-58.txt");
    std::fs::write(
        &path,
        demo_text("A-RES-75-58.txt").replace("compile a report", "compile a full report"),
    )
    .unwrap();
    assert!(import(&app, &[&path]).0);
    let due: Vec<chrono::NaiveDate> =
        sqlx::query_scalar("SELECT due_on FROM deadlines ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(due, [corrected, corrected]);
    let bad = app
        .cli()
        .args([
            "calendar",
            "set",
            "SC",
            "1",
            "--opens",
            "2021-01-01",
            "--source",
            "x",
            "--by",
            "y",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[tokio::test]
async fn a_commission_session_deadline_is_stored_with_its_body_and_follows_a_correction() {
    let app = TestApp::spawn().await;
    let dir = shared_temp_dir("mandates-csw-");
    let path = dir.path().join("A-RES-75-58.txt");
    std::fs::write(
        &path,
        demo_text("A-RES-75-58.txt").replace(
            "to report to the General Assembly at its seventy-sixth session;",
            "to report to the Commission on the Status of Women at its sixty-fifth session;",
        ),
    )
    .unwrap();
    let (ok, out) = import(&app, &[&path]);
    assert!(ok, "{out}");
    let pool = &app.db.pool;
    let row: (String, i32, chrono::NaiveDate) = sqlx::query_as(
        "SELECT body, session, due_on FROM deadlines WHERE kind = 'session' AND body <> 'GA'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    // CSW 65 opened on 15 March 2021 (body_sessions.csv).
    let opened = chrono::NaiveDate::from_ymd_opt(2021, 3, 15).unwrap();
    assert_eq!(row, ("CSW".to_string(), 65, opened));
    let output = app
        .cli()
        .args([
            "calendar",
            "set",
            "CSW",
            "65",
            "--opens",
            "2021-03-16",
            "--source",
            "E/2021/27",
            "--by",
            "Calendar desk",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 deadline(s) moved"));
    let due: chrono::NaiveDate =
        sqlx::query_scalar("SELECT due_on FROM deadlines WHERE body = 'CSW'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(due, chrono::NaiveDate::from_ymd_opt(2021, 3, 16).unwrap());
}
