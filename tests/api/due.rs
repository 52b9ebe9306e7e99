//! The due list tells the truth (issue 14): obligation kinds with their own states, honest
//! date windows, and what the overview, the list, the exports and the digest count as overdue.

use crate::dashboard::{app_with_demo, app_with_series};
use crate::extract::fixture;
use crate::harness::TestApp;

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// The HTML between a section's heading id and the next section.
fn section<'a>(html: &'a str, heading_id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{heading_id}\""))
        .unwrap_or_else(|| panic!("no {heading_id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

async fn obligation_id(app: &TestApp, symbol: &str, number: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT o.id FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = $1 AND o.paragraph_number = $2 ORDER BY o.id LIMIT 1",
    )
    .bind(symbol)
    .bind(number)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// The kind cells of a table of obligations.
fn kinds_in(html: &str) -> Vec<String> {
    html.split("<td class=\"kind\">")
        .skip(1)
        .map(|rest| rest[..rest.find("</td>").unwrap()].to_string())
        .collect()
}

#[tokio::test]
async fn no_agenda_inclusion_event_or_mandate_period_is_overdue_on_the_demo_today() {
    let app = app_with_demo().await;
    let html = page(&app, "/?as_of=2026-12-05").await;
    let overdue = section(&html, "overdue-heading");
    let kinds = kinds_in(overdue);
    assert!(
        !kinds.is_empty(),
        "the demo has overdue deliverables: {overdue}"
    );
    for kind in &kinds {
        assert!(
            kind == "deliverable" || kind == "other",
            "{kind} counted overdue: {overdue}"
        );
    }
    assert!(!overdue.contains("A/RES/74/43"), "{overdue}");
    assert!(!overdue.contains("A/HRC/RES/46/9"), "{overdue}");
    // The full list of overdue ones the overview links to says the same.
    let list = page(
        &app,
        "/obligations?as_of=2026-12-05&status=outstanding&due_to=2026-12-04&kind=agenda_inclusion",
    )
    .await;
    for kind in kinds_in(&list) {
        assert_eq!(kind, "agenda inclusion");
    }
    assert!(list.contains("on the agenda"), "{list}");
    assert!(!list.contains(">overdue<"), "{list}");
}

#[tokio::test]
async fn each_obligation_page_names_its_kind() {
    let app = app_with_demo().await;
    for (symbol, number, kind) in [
        ("A/RES/74/43", "6", "agenda inclusion"),
        ("A/RES/75/58", "5", "deliverable"),
        ("A/HRC/RES/46/9", "1", "mandate period"),
        ("A/RES/80/56", "1", "event"),
    ] {
        let id = obligation_id(&app, symbol, number).await;
        let html = page(&app, &format!("/obligations/{id}?as_of=2026-12-05")).await;
        assert!(
            html.contains(&format!("<strong id=\"kind\">{kind}</strong>")),
            "{symbol} para {number}: {html}"
        );
    }
    let id = obligation_id(&app, "A/RES/74/43", "6").await;
    let html = page(&app, &format!("/obligations/{id}?as_of=2026-12-05")).await;
    assert!(html.contains(">on the agenda</span>"), "{html}");
    let id = obligation_id(&app, "A/HRC/RES/46/9", "1").await;
    let html = page(&app, &format!("/obligations/{id}?as_of=2026-12-05")).await;
    assert!(html.contains(">expired</span>"), "{html}");
    // The renewal falls due at the Council's last session before the mandate expires on 23
    // March 2024: the 55th, which opened on 26 February 2024.
    let renewal = html
        .split("id=\"renewal\">")
        .nth(1)
        .and_then(|r| r.split("</dd>").next())
        .unwrap_or_else(|| panic!("no renewal line: {html}"));
    assert!(
        renewal.contains("Human Rights Council") && renewal.contains("55th session"),
        "{renewal}"
    );
    assert!(renewal.contains("23 March 2024"), "{renewal}");
}

#[tokio::test]
async fn csv_json_and_calendar_carry_the_kind_and_the_state_of_the_day() {
    let app = app_with_series().await;
    let csv = page(&app, "/obligations.csv?as_of=2021-08-01").await;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let kind_at = header
        .iter()
        .position(|h| *h == "kind")
        .expect("a kind column");
    let state_at = header
        .iter()
        .position(|h| *h == "state")
        .expect("a state column");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |symbol: &str, para: &str| {
        rows.iter()
            .find(|r| &r[1] == symbol && &r[4] == para)
            .unwrap_or_else(|| panic!("no {symbol} {para} in {csv}"))
            .clone()
    };
    let agenda = row("A/RES/74/43", "6");
    assert_eq!(
        (&agenda[kind_at], &agenda[state_at]),
        ("agenda_inclusion", "on_agenda")
    );
    let report = row("A/RES/75/58", "5");
    assert_eq!(
        (&report[kind_at], &report[state_at]),
        ("deliverable", "due_soon")
    );

    let json: serde_json::Value = serde_json::from_str(
        &page(
            &app,
            "/api/obligations?as_of=2021-08-01&kind=agenda_inclusion",
        )
        .await,
    )
    .unwrap();
    let items = json["obligations"].as_array().unwrap();
    assert_eq!(items.len(), 2, "74/43 para 6 and 75/58 para 6: {json}");
    for item in items {
        assert_eq!(item["kind"], "agenda_inclusion");
    }

    let ics = page(
        &app,
        "/obligations.ics?as_of=2021-08-01&kind=agenda_inclusion",
    )
    .await;
    assert!(ics.contains("agenda inclusion"), "{ics}");
}

#[tokio::test]
async fn an_unknown_kind_is_refused_with_the_kinds_to_use() {
    let app = TestApp::spawn().await;
    let response = app.get("/obligations?kind=meeting").await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("agenda_inclusion"), "{body}");
}

#[tokio::test]
async fn importing_the_same_files_again_reads_the_kinds_of_rows_stored_before_them() {
    let app = app_with_series().await;
    // As a database migrated from before kinds were read holds them.
    sqlx::query("UPDATE obligations SET kind = NULL")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let files =
        ["A-RES-74-43.txt", "A-RES-75-58.txt"].map(|name| fixture(&format!("src/demo/{name}")));
    let output = app.cli().arg("import").args(files).output().unwrap();
    assert!(output.status.success());
    let unread: i64 = sqlx::query_scalar("SELECT count(*) FROM obligations WHERE kind IS NULL")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(unread, 0);
    let kind: String = sqlx::query_scalar(
        "SELECT o.kind FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = 'A/RES/74/43' AND o.paragraph_number = '6'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(kind, "agenda_inclusion");
}

#[tokio::test]
async fn early_2026_reads_early_2026_and_is_never_due_in_the_next_8_weeks_on_5_december_2026() {
    let app = app_with_demo().await;
    let html = page(&app, "/?as_of=2026-12-05").await;
    let soon = section(&html, "soon-heading");
    assert!(!soon.contains("A/RES/80/56"), "{soon}");
    assert!(!soon.contains("early 2026"), "{soon}");
    let id = obligation_id(&app, "A/RES/80/56", "1").await;
    let html = page(&app, &format!("/obligations/{id}?as_of=2026-12-05")).await;
    assert!(
        html.contains("<dd id=\"window\">early 2026 (1 January – 30 April 2026)</dd>"),
        "{html}"
    );
    assert!(html.contains(">held</span>"), "{html}");
    // In January it is still to come, and the list shows the words beside the window.
    let list = page(&app, "/obligations?as_of=2026-01-10&q=formal+meeting").await;
    assert!(
        list.contains("early 2026 (1 January – 30 April 2026)"),
        "{list}"
    );
    let html = page(&app, &format!("/obligations/{id}?as_of=2026-01-10")).await;
    assert!(html.contains(">scheduled</span>"), "{html}");
    // The CSV carries the window and its words (before the last column, which is for new
    // texts of a series).
    let csv = page(&app, "/obligations.csv?kind=event&q=formal+meeting").await;
    assert!(
        csv.lines()
            .any(|l| l.contains("A/RES/80/56") && l.ends_with("2026-01-01,early_year,early 2026,")),
        "{csv}"
    );
}

#[tokio::test]
async fn a_mandate_period_shows_when_it_expires() {
    let app = app_with_demo().await;
    let id = obligation_id(&app, "A/HRC/RES/46/9", "1").await;
    let html = page(&app, &format!("/obligations/{id}?as_of=2026-12-05")).await;
    assert!(html.contains("<dt>Expires on</dt>"), "{html}");
    assert!(
        html.contains("<strong id=\"kind\">mandate period</strong>"),
        "{html}"
    );
    let window = &html[html.find("<dd id=\"window\">").unwrap()..];
    assert!(
        window.starts_with("<dd id=\"window\">23 March 2024</dd>"),
        "{window}"
    );
}

/// The obligations a list page shows, as (resolution, paragraph).
fn rows_of(html: &str) -> Vec<(String, String)> {
    html.split("<tr class=\"state-")
        .skip(1)
        .map(|row| {
            let symbol = row.split("/resolutions/").nth(1).unwrap();
            let symbol = &symbol[symbol.find('>').unwrap() + 1..symbol.find("</a>").unwrap()];
            let cells: Vec<&str> = row.split("<td>").collect();
            // Due, kind, state, resolution, then the paragraph.
            let para = cells[3];
            (
                symbol.to_string(),
                para[..para.find("</td>").unwrap()].to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn adopted_at_session_and_due_at_session_are_two_labelled_filters() {
    let app = app_with_demo().await;
    let html = page(&app, "/obligations").await;
    assert!(
        html.contains("Adopted at session <input name=\"session\""),
        "{html}"
    );
    assert!(
        html.contains("Due at session <input name=\"due_session\""),
        "{html}"
    );
    // Counted by hand in src/demo: A/RES/76/28 (adopted at the 76th session) asks for a report
    // and an agenda item at the 77th (paras 5 and 6); only A/RES/75/58 names the 76th session
    // (paras 5 and 6).
    let adopted = page(&app, "/obligations?body=GA&session=76").await;
    let mut rows = rows_of(&adopted);
    rows.sort();
    assert_eq!(
        rows,
        [
            ("A/RES/76/28".into(), "5".into()),
            ("A/RES/76/28".into(), "6".into())
        ],
        "{adopted}"
    );
    let due = page(&app, "/obligations?body=GA&due_session=76").await;
    let mut rows = rows_of(&due);
    rows.sort();
    assert_eq!(
        rows,
        [
            ("A/RES/75/58".into(), "5".into()),
            ("A/RES/75/58".into(), "6".into())
        ],
        "{due}"
    );
    // Without a body, the session is the adopting body's own.
    assert_eq!(
        rows_of(&page(&app, "/obligations?due_session=76").await).len(),
        2
    );
    let response = app.get("/obligations?due_session=seventy-sixth").await;
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("due_session must be a number")
    );
}

#[tokio::test]
async fn the_overview_counts_each_kind_in_its_own_states() {
    let app = app_with_demo().await;
    let html = page(&app, "/?as_of=2026-12-05").await;
    let kinds = section(&html, "kinds-heading");
    let row = |kind: &str| {
        let start = kinds
            .find(&format!("id=\"kind-{kind}\""))
            .unwrap_or_else(|| panic!("no {kind} row: {kinds}"));
        let rest = &kinds[start..];
        rest[..rest.find("</tr>").unwrap()].to_string()
    };
    let agenda = row("agenda_inclusion");
    assert!(agenda.contains("on the agenda"), "{agenda}");
    assert!(!agenda.contains("overdue"), "{agenda}");
    let events = row("event");
    assert!(events.contains("held"), "{events}");
    assert!(!events.contains("overdue"), "{events}");
    assert!(row("mandate_period").contains("1 expired"));
    assert!(row("deliverable").contains("overdue"));
    // The kinds add up to every tracked obligation.
    let tracked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM obligations WHERE clause_id IS NOT NULL")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let total: i64 = kinds
        .split("<td>")
        .skip(1)
        .step_by(2)
        .map(|cell| cell[..cell.find("</td>").unwrap()].parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, tracked, "{kinds}");
}

#[tokio::test]
async fn overdue_shows_the_most_recent_first_and_says_how_many_more() {
    let app = app_with_demo().await;
    let output = app
        .cli()
        .args(["dev", "generate", "--obligations", "600"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let html = page(&app, "/?as_of=2026-12-05").await;
    let counts = &html[html.find("class=\"overdue\"").unwrap()..];
    let total: i64 = counts
        [counts.find("<strong>").unwrap() + 8..counts.find("</strong>").unwrap()]
        .parse()
        .unwrap();
    assert!(
        total > 25,
        "the generated resolutions leave more than a page overdue: {total}"
    );
    let overdue = section(&html, "overdue-heading");
    let dates: Vec<&str> = overdue
        .split("<time datetime=\"")
        .skip(1)
        .map(|t| &t[..10])
        .collect();
    assert_eq!(dates.len(), 25, "{overdue}");
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "most recent first: {dates:?}"
    );
    assert!(
        overdue.contains(&format!(
            "…and {} more: see all {total} overdue",
            total - 25
        )),
        "{overdue}"
    );
    assert!(
        overdue.contains("2026-12-05&#38;state=overdue&amp;sort=due_desc\""),
        "{overdue}"
    );
    // The full list holds them all, and no agenda inclusion, event or mandate period.
    let list = page(
        &app,
        "/obligations?as_of=2026-12-05&state=overdue&sort=due_desc",
    )
    .await;
    assert!(list.contains(&format!("{total} obligations")), "{list}");
    for kind in kinds_in(&list) {
        assert!(kind == "deliverable" || kind == "other", "{kind}");
    }
}

/// The row of a table of obligations for a resolution's paragraph.
fn row_of<'a>(html: &'a str, symbol: &str, para: &str) -> Option<&'a str> {
    html.split("<tr class=\"state-").skip(1).find(|row| {
        row.contains(&format!(">{symbol}</a>")) && row.contains(&format!("<td>{para}</td>"))
    })
}

#[tokio::test]
async fn agenda_inclusions_show_the_resolution_adopted_at_that_session_as_proof() {
    let app = app_with_demo().await;
    for (symbol, proof, adopted) in [
        ("A/RES/74/43", "A/RES/75/58", "7 December 2020"),
        ("A/RES/75/58", "A/RES/76/28", "6 December 2021"),
    ] {
        let id = obligation_id(&app, symbol, "6").await;
        let html = page(&app, &format!("/obligations/{id}")).await;
        assert!(html.contains(">on the agenda</span>"), "{symbol}: {html}");
        let evidence = &html[html.find("id=\"evidence\"").expect("the evidence")..];
        let evidence = &evidence[..evidence.find("</p>").unwrap()];
        assert!(
            evidence.contains(&format!("<strong>{proof}</strong>, preambular paragraph")),
            "{symbol}: {evidence}"
        );
        assert!(evidence.contains(adopted), "{evidence}");
        // The history names the proof and the day it took effect.
        let history = section(&html, "history");
        assert!(
            history.contains(&format!("import of {proof} (evidence: {proof}")),
            "{history}"
        );
    }
    // The agenda page of the 75th session shows the item on it, with the proof.
    let agenda = page(&app, "/agenda?body=GA&session=75").await;
    assert!(
        agenda.contains("on the agenda</span> (shown by <span class=\"proof\">A/RES/75/58</span>"),
        "{agenda}"
    );
    // 76/28 asks for the 77th session, which no demo resolution was adopted at: on the agenda
    // by its date alone, with no proof.
    let id = obligation_id(&app, "A/RES/76/28", "6").await;
    let html = page(&app, &format!("/obligations/{id}?as_of=2026-12-05")).await;
    assert!(html.contains(">on the agenda</span>"), "{html}");
    assert!(!html.contains("id=\"evidence\""), "{html}");
}

#[tokio::test]
async fn as_of_1_august_2021_the_report_of_75_58_is_due_soon_everywhere() {
    let app = app_with_demo().await;
    let id = obligation_id(&app, "A/RES/75/58", "5").await;
    // The overview: due soon, not fulfilled; 76/28 (December 2021) not yet known.
    let html = page(&app, "/?as_of=2021-08-01").await;
    let soon = section(&html, "soon-heading");
    let row = row_of(soon, "A/RES/75/58", "5").unwrap_or_else(|| panic!("{soon}"));
    assert!(row.contains(">due soon</span>"), "{row}");
    assert!(!html.contains("A/RES/76/28"), "{html}");
    // The list.
    let list = page(&app, "/obligations?as_of=2021-08-01&body=GA&session=75").await;
    let row = row_of(&list, "A/RES/75/58", "5").unwrap_or_else(|| panic!("{list}"));
    assert!(row.contains(">due soon</span>"), "{row}");
    let fulfilled = page(&app, "/obligations?as_of=2021-08-01&status=fulfilled").await;
    assert!(
        row_of(&fulfilled, "A/RES/75/58", "5").is_none(),
        "{fulfilled}"
    );
    // The obligation page.
    let html = page(&app, &format!("/obligations/{id}?as_of=2021-08-01")).await;
    assert!(html.contains(">due soon</span>"), "{html}");
    assert!(
        html.contains("<strong id=\"status\">open</strong>"),
        "{html}"
    );
    assert!(!html.contains("A/76/189"), "{html}");
    // The CSV.
    let csv = page(&app, "/obligations.csv?as_of=2021-08-01&body=GA&session=75").await;
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(line.contains(",open,"), "{line}");
    assert!(line.contains(",deliverable,due_soon,"), "{line}");
    // The digest preview.
    let response = app
        .client
        .post(format!("{}/digest/subscribers", app.address))
        .form(&[
            ("email", "ana@example.org"),
            ("name", "Ana"),
            ("filter", "body=GA"),
            ("weeks_ahead", "8"),
            ("weekday", "1"),
            ("hour", "8"),
            ("time_zone", "UTC"),
            ("csrf", app.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let subscriber: i64 = sqlx::query_scalar("SELECT id FROM subscribers")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let preview = page(
        &app,
        &format!("/digest/subscribers/{subscriber}/preview?as_of=2021-08-01"),
    )
    .await;
    assert!(
        preview.contains(&format!(
            "/obligations/{id}\"><strong>A/RES/75/58</strong>, paragraph 5"
        )),
        "{preview}"
    );
    assert!(!preview.contains("A/RES/76/28"), "{preview}");

    // On 1 January 2022 it is fulfilled by A/76/189, with A/RES/76/28 as the evidence.
    let html = page(&app, &format!("/obligations/{id}?as_of=2022-01-01")).await;
    assert!(
        html.contains(
            "<strong id=\"status\">fulfilled</strong>, fulfilled by <strong>A/76/189</strong>"
        ),
        "{html}"
    );
    let evidence = &html[html.find("id=\"evidence\"").expect("the evidence")..];
    assert!(
        evidence.contains("<strong>A/RES/76/28</strong>"),
        "{evidence}"
    );
    assert!(evidence.contains("6 December 2021"), "{evidence}");
    let csv = page(&app, "/obligations.csv?as_of=2022-01-01&body=GA&session=75").await;
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .unwrap();
    assert!(
        line.contains(",fulfilled,") && line.contains(",deliverable,fulfilled,"),
        "{line}"
    );
}

#[tokio::test]
async fn an_editor_undoes_an_automatic_change_only_with_a_reason_and_imports_leave_it() {
    let app = app_with_series().await;
    let id = obligation_id(&app, "A/RES/74/43", "6").await;
    let post = |fields: Vec<(&'static str, String)>| {
        let client = app.client.clone();
        let url = format!("{}/obligations/{id}/status", app.address);
        let mut form = fields;
        form.push(("csrf", app.csrf.clone()));
        async move { client.post(url).form(&form).send().await.unwrap() }
    };
    let refused = post(vec![("status", "open".into())]).await;
    assert_eq!(refused.status(), 400);
    let body = refused.text().await.unwrap();
    assert!(body.contains("say why in the note"), "{body}");
    let html = page(&app, &format!("/obligations/{id}")).await;
    assert!(
        html.contains("<strong id=\"status\">fulfilled</strong>"),
        "unchanged: {html}"
    );

    let done = post(vec![
        ("status", "open".into()),
        ("note", "75/58 was adopted under another item".into()),
    ])
    .await;
    assert_eq!(done.status(), 303);
    let html = page(&app, &format!("/obligations/{id}")).await;
    assert!(
        html.contains("<strong id=\"status\">open</strong>"),
        "{html}"
    );
    assert!(section(&html, "history").contains("75/58 was adopted under another item"));
    // Importing the proof again does not overrule the editor.
    // A corrected text (one more line) is read again and its evidence applied again.
    let dir = crate::harness::shared_temp_dir("mandates-due-");
    let corrected = dir.path().join("A-RES-75-58.txt");
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-75-58.txt")).unwrap();
    std::fs::write(&corrected, text + "\n").unwrap();
    let output = app.cli().arg("import").arg(&corrected).output().unwrap();
    assert!(output.status.success());
    let status: String = sqlx::query_scalar("SELECT status FROM obligations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "open");
}

#[tokio::test]
async fn a_change_a_person_dates_shows_from_that_day() {
    let app = app_with_series().await;
    let id = obligation_id(&app, "A/RES/75/58", "5").await;
    let response = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[
            ("status", "fulfilled"),
            ("fulfilled_by", "A/76/189"),
            ("note", "Issued in July"),
            ("effective_on", "2021-07-20"),
            ("csrf", &app.csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let before = page(&app, &format!("/obligations/{id}?as_of=2021-07-01")).await;
    assert!(
        before.contains("<strong id=\"status\">open</strong>"),
        "{before}"
    );
    let after = page(&app, &format!("/obligations/{id}?as_of=2021-08-01")).await;
    assert!(
        after.contains("<strong id=\"status\">fulfilled</strong>"),
        "{after}"
    );
    assert!(
        section(&after, "history").contains("20 Jul 2021"),
        "{after}"
    );
    let fulfilled = page(&app, "/obligations?as_of=2021-07-01&status=fulfilled").await;
    assert!(
        row_of(&fulfilled, "A/RES/75/58", "5").is_none(),
        "{fulfilled}"
    );
    let fulfilled = page(&app, "/obligations?as_of=2021-08-01&status=fulfilled").await;
    assert!(
        row_of(&fulfilled, "A/RES/75/58", "5").is_some(),
        "{fulfilled}"
    );
}

#[tokio::test]
async fn a_later_resolution_renewing_the_mandate_renews_the_mandate_period() {
    let app = TestApp::spawn().await;
    // 46/9 renewed the mandate for three years in March 2021; a renewal in its form, three
    // years later, recalling it.
    let original = std::fs::read_to_string(fixture("src/demo/A-HRC-RES-46-9.txt")).unwrap();
    let first = &original[..original.find("[Adopted without a vote.]").unwrap() + 25];
    let renewal = first
        .replace("1 April 2021", "10 April 2024")
        .replace("Forty- sixth session", "Fifty-fifth session")
        .replace("22 February–24 March 2021", "26 February–5 April 2024")
        .replace("on 23 March 2021", "on 4 April 2024")
        .replace("4 6 / 9.", "5 5 / 9.")
        .replace(
            "Recalling alsoall previous",
            "Recalling its resolution 46/9 of 23 March 2021,\n\nRecalling also all previous",
        )
        .replace("48th meeting 23 March 2021", "50th meeting 4 April 2024");
    let dir = crate::harness::shared_temp_dir("mandates-due-");
    let path = dir.path().join("A-HRC-RES-55-9.txt");
    std::fs::write(&path, renewal).unwrap();
    let output = app
        .cli()
        .arg("import")
        .arg(fixture("src/demo/A-HRC-RES-46-9.txt"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let id = obligation_id(&app, "A/HRC/RES/46/9", "1").await;
    let html = page(&app, &format!("/obligations/{id}?as_of=2026-12-05")).await;
    assert!(html.contains(">renewed</span>"), "{html}");
    let evidence = &html[html.find("id=\"evidence\"").expect("the evidence")..];
    assert!(
        evidence.contains("<strong>A/HRC/RES/55/9</strong>, paragraph 1, adopted"),
        "{evidence}"
    );
    assert!(evidence.contains("4 April 2024"), "{evidence}");
    // On 1 March 2024, before the renewal was adopted, it expires soon.
    let html = page(&app, &format!("/obligations/{id}?as_of=2024-03-01")).await;
    assert!(html.contains(">expires soon</span>"), "{html}");
}
