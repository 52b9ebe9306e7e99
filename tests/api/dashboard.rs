//! The dashboard through HTTP against the real database: overview, list and filters, the
//! obligation page and its status form, the resolution page, agenda planning, import.

use crate::extract::fixture;
use crate::harness::TestApp;

/// An app with A/RES/74/43 and A/RES/75/58 imported (the request of 74/43 para. 5 is then
/// fulfilled by A/75/171, the report noted in 75/58).
pub async fn app_with_series() -> TestApp {
    let app = TestApp::spawn().await;
    let files =
        ["A-RES-74-43.txt", "A-RES-75-58.txt"].map(|name| fixture(&format!("src/demo/{name}")));
    let output = app.cli().arg("import").args(files).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    app
}

/// An app with every bundled demo resolution imported.
pub async fn app_with_demo() -> TestApp {
    let app = TestApp::spawn().await;
    let output = app
        .cli()
        .arg("import")
        .arg(fixture("src/demo"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    app
}

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

/// The id of the obligation of `symbol`'s paragraph `number` with `verb`.
pub async fn obligation_id_of(app: &TestApp, symbol: &str, number: &str, verb: &str) -> i64 {
    obligation_id(app, symbol, number, verb).await
}

async fn obligation_id(app: &TestApp, symbol: &str, number: &str, verb: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT o.id FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = $1 AND o.paragraph_number = $2 AND o.verb = $3",
    )
    .bind(symbol)
    .bind(number)
    .bind(verb)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn overview_sorts_obligations_into_overdue_and_due_soon_as_of_a_day() {
    let app = app_with_series().await;
    // On 1 August 2021: 74/43's agenda decision (75th session, 15 Sep 2020) is on the agenda,
    // not overdue: nobody owes it (issue 14); 75/58's report request (76th session, 14 Sep
    // 2021) is due within eight weeks.
    let html = page(&app, "/?as_of=2021-08-01").await;
    let overdue = section(&html, "overdue-heading");
    assert!(!overdue.contains("A/RES/74/43"), "{overdue}");
    assert!(!overdue.contains("A/RES/75/58"), "{overdue}");
    let soon = section(&html, "soon-heading");
    assert!(
        soon.contains("A/RES/75/58") && soon.contains("14 Sep 2021"),
        "{soon}"
    );
    assert!(
        !soon.contains("A/RES/74/43"),
        "74/43's request was fulfilled: {soon}"
    );
    assert!(html.contains("<strong>0</strong> overdue"), "{html}");
    assert!(
        html.contains("<strong>2</strong> due in the next 8 weeks"),
        "{html}"
    );
    // Four weeks ahead: mid-September is no longer "soon".
    let html = page(&app, "/?as_of=2021-08-01&weeks=4").await;
    assert!(
        html.contains("<strong>0</strong> due in the next 4 weeks"),
        "{html}"
    );
    let recent = section(&html, "recent-heading");
    assert!(recent.contains("A/RES/75/58") && recent.contains("A/RES/74/43"));
}

#[tokio::test]
async fn the_timeline_draws_a_bar_per_month_linking_to_its_list() {
    let app = app_with_series().await;
    let html = page(&app, "/?as_of=2021-08-01").await;
    assert!(html.contains("<svg"));
    assert_eq!(html.matches("<g class=\"bar").count(), 19);
    // Askama escapes the ampersands of the URL as &#38;.
    assert!(
        html.contains(
            "href=\"/obligations?as_of=2021-08-01&#38;due_from=2021-09-01&#38;due_to=2021-09-30\""
        ),
        "{html}"
    );
    assert!(
        html.contains("September 2021: 0 overdue, 2 open, 0 fulfilled"),
        "{html}"
    );
}

#[tokio::test]
async fn the_obligations_list_filters_by_every_field_of_its_url() {
    let app = app_with_series().await;
    let all = page(&app, "/obligations").await;
    assert!(all.contains("4 obligations"), "{all}");
    // 74/43's report request (noted in 75/58) and its agenda inclusion (75/58 was adopted
    // at the 75th session under the item).
    let fulfilled = page(&app, "/obligations?status=fulfilled").await;
    assert!(
        fulfilled.contains("2 obligations,") && fulfilled.contains("A/RES/74/43"),
        "{fulfilled}"
    );
    let outstanding = page(&app, "/obligations?status=outstanding&body=GA&session=75").await;
    assert!(outstanding.contains("2 obligations"), "{outstanding}");
    assert!(outstanding.contains("A/RES/75/58") && !outstanding.contains(">A/RES/74/43<"));
    let requests = page(&app, "/obligations?action=request").await;
    assert!(requests.contains("2 obligations"), "{requests}");
    let due = page(&app, "/obligations?due_from=2021-01-01&due_to=2021-12-31").await;
    assert!(
        due.contains("2 obligations") && due.contains("A/RES/75/58"),
        "{due}"
    );
    let text = page(
        &app,
        "/obligations?q=%22weapons+of+mass+destruction%22+report",
    )
    .await;
    assert!(text.contains("2 obligations"), "{text}");
    let none = page(&app, "/obligations?q=desertification").await;
    assert!(none.contains("No obligations match"), "{none}");
    let actor: i64 = sqlx::query_scalar("SELECT id FROM actors WHERE name = 'Secretary-General'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let by_actor = page(&app, &format!("/obligations?actor={actor}")).await;
    assert!(by_actor.contains("2 obligations"), "{by_actor}");
    let sorted = page(&app, "/obligations?sort=due_desc").await;
    assert!(sorted.find("14 Sep 2021").unwrap() < sorted.find("15 Sep 2020").unwrap());
    let bad = app.get("/obligations?due_from=next+week").await;
    assert_eq!(bad.status(), 400);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("due_from must be a date")
    );
}

#[tokio::test]
async fn search_text_with_sql_metacharacters_is_only_text() {
    let app = app_with_series().await;
    let html = page(&app, "/obligations?q=%27%3B+DROP+TABLE+obligations%3B+--").await;
    assert!(html.contains("No obligations match"), "{html}");
    assert!(page(&app, "/obligations").await.contains("4 obligations"));
}

#[tokio::test]
async fn the_list_paginates_and_its_links_keep_the_filter() {
    let app = app_with_demo().await;
    let total: i64 =
        sqlx::query_scalar("SELECT count(*) FROM obligations WHERE clause_id IS NOT NULL")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(total > 50, "the demo set has more than a page: {total}");
    let pages = (total + 49) / 50;
    let first = page(&app, "/obligations?sort=resolution").await;
    assert!(first.contains(&format!("Page 1 of {pages}")), "{first}");
    assert!(
        first.contains("href=\"/obligations?sort=resolution&#38;page=2\""),
        "{first}"
    );
    let second = page(&app, "/obligations?sort=resolution&page=2").await;
    assert!(
        second.contains(&format!("showing 51–{}", total.min(100))),
        "{second}"
    );
    let last = page(&app, &format!("/obligations?sort=resolution&page={pages}")).await;
    assert!(
        last.contains(&format!("–{total};")) && !last.contains("rel=\"next\""),
        "{last}"
    );
    assert_eq!(app.get("/obligations?page=0").await.status(), 400);
}

#[tokio::test]
async fn the_obligation_page_says_what_by_whom_by_when_and_why_that_date() {
    let app = app_with_series().await;
    let id = obligation_id(&app, "A/RES/75/58", "5", "requests").await;
    let html = page(&app, &format!("/obligations/{id}")).await;
    assert!(html.contains("Secretary-General"));
    assert!(
        html.contains("opening of the 76th session of the General Assembly, 14 September 2021"),
        "{html}"
    );
    assert!(
        html.contains("import of A/RES/75/58"),
        "the history starts with the import"
    );
    assert_eq!(app.get("/obligations/999999").await.status(), 404);
}

#[tokio::test]
async fn changing_the_status_through_the_form_persists_with_its_history() {
    let app = app_with_series().await;
    let id = obligation_id(&app, "A/RES/75/58", "5", "requests").await;
    let response = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[
            ("status", "fulfilled"),
            ("fulfilled_by", "A/76/170"),
            ("note", "Report issued in July"),
            ("csrf", &app.csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let html = page(&app, &format!("/obligations/{id}")).await;
    assert!(
        html.contains(
            "<strong id=\"status\">fulfilled</strong>, fulfilled by <strong>A/76/170</strong>"
        ),
        "{html}"
    );
    let history = section(&html, "history");
    assert!(history.contains("Test Admin") && history.contains("Report issued in July"));
    assert!(
        history.contains("<del>open</del> → fulfilled"),
        "the change shows both states: {history}"
    );
    assert!(
        history.contains("import of A/RES/75/58"),
        "earlier history is kept"
    );
    let (status, changed_by): (String, String) =
        sqlx::query_as("SELECT status, changed_by FROM obligations WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), changed_by.as_str()),
        ("fulfilled", "Test Admin")
    );
    // The overview counts it as fulfilled now.
    assert!(
        page(&app, "/?as_of=2021-08-01")
            .await
            .contains("<strong>2</strong> fulfilled")
    );

    // Without the form token, or with an unknown status, nothing changes.
    for (form, refused) in [
        (vec![("status", "open")], 403),
        (vec![("status", "open"), ("csrf", "forged")], 403),
        (vec![("status", "done"), ("csrf", app.csrf.as_str())], 400),
    ] {
        let response = app
            .client
            .post(format!("{}/obligations/{id}/status", app.address))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), refused, "{form:?}");
    }
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM obligation_events WHERE obligation_id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(events, 2);
}

#[tokio::test]
async fn the_resolution_page_marks_clauses_in_place_and_links_both_ways() {
    let app = app_with_series().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM documents WHERE symbol = 'A/RES/75/58'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let older: i64 = sqlx::query_scalar("SELECT id FROM documents WHERE symbol = 'A/RES/74/43'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let html = page(&app, &format!("/resolutions/{id}")).await;
    assert!(
        html.contains("<mark class=\"verb\">Requests</mark>"),
        "{html}"
    );
    assert!(html.contains("<mark class=\"actor\">Secretary-General</mark>"));
    assert!(html.contains("<mark class=\"deadline\">"));
    assert!(
        html.contains("Recalling its resolution 74/43"),
        "the preamble is shown"
    );
    let links = section(&html, "links");
    assert!(
        links.contains(&format!("<a href=\"/resolutions/{older}\">A/RES/74/43</a>")),
        "{links}"
    );
    assert!(links.contains("A/75/171"));
    let older_html = page(&app, &format!("/resolutions/{older}")).await;
    let cited_by = section(&older_html, "links");
    assert!(
        cited_by.contains(&format!("<a href=\"/resolutions/{id}\">A/RES/75/58</a>")),
        "{cited_by}"
    );
    assert!(older_html.contains("Follow-up chain"));
    let redirect = app.get("/resolutions?symbol=A/RES/75/58").await;
    assert_eq!(redirect.status(), 303);
    assert_eq!(app.get("/resolutions?symbol=A/RES/1/1").await.status(), 404);
}

#[tokio::test]
async fn agenda_planning_groups_sub_items_under_their_item_with_the_reports_due() {
    let app = app_with_series().await;
    let html = page(&app, "/agenda?body=GA&session=76").await;
    assert!(
        html.contains("<strong>General and complete disarmament</strong>"),
        "{html}"
    );
    assert!(
        html.contains(
            "Measures to prevent terrorists from acquiring weapons of mass destruction — "
        )
    );
    let item = &html[html.find("General and complete disarmament").unwrap()..];
    assert!(
        item.contains("A/RES/75/58, para. 6"),
        "the mandating paragraph: {item}"
    );
    assert!(
        item.contains("requests</a> (para. 5)"),
        "the report under it: {item}"
    );
    assert!(html.contains("The session opens on"));
    let empty = page(&app, "/agenda?body=GA&session=90").await;
    assert!(empty.contains("No resolution in the tracker includes an item"));
    assert_eq!(app.get("/agenda?body=SC").await.status(), 400);
}

#[tokio::test]
async fn a_pasted_resolution_is_previewed_then_saved() {
    let app = TestApp::spawn().await;
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-75-58.txt")).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", app.csrf.clone())
        .text("text", text);
    let response = app
        .client
        .post(format!("{}/import/preview", app.address))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let preview = response.text().await.unwrap();
    assert!(preview.contains("Preview: A/RES/75/58"), "{preview}");
    assert!(preview.contains("<strong>2</strong> tracked obligations"));
    let documents: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(documents, 0, "a preview saves nothing");

    let hidden_start = preview.find("<textarea name=\"text\" hidden>").unwrap()
        + "<textarea name=\"text\" hidden>".len();
    let hidden =
        &preview[hidden_start..preview[hidden_start..].find("</textarea>").unwrap() + hidden_start];
    let text = html_unescape(hidden);
    let response = app
        .client
        .post(format!("{}/import/save", app.address))
        .form(&[
            ("text", text.as_str()),
            ("name", "pasted text"),
            ("csrf", &app.csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let html = page(&app, &location).await;
    assert!(
        html.contains("A/RES/75/58: Measures to prevent terrorists"),
        "{html}"
    );

    let bad = reqwest::multipart::Form::new()
        .text("csrf", app.csrf.clone())
        .text("text", "Just some notes.");
    let response = app
        .client
        .post(format!("{}/import/preview", app.address))
        .multipart(bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422, "a refused upload is a client error");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("no operative paragraphs")
    );
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
