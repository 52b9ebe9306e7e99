//! Editors correct the reader (issue 16): corrections through the forms, kept as corrections,
//! shown everywhere the obligation is, audited, and applied again at every import.

use std::path::Path;

use crate::dashboard::{app_with_series, obligation_id_of};
use crate::extract::fixture;
use crate::harness::{TestApp, shared_temp_dir};

async fn scalar<T>(app: &TestApp, sql: &str) -> T
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn document_id(app: &TestApp, symbol: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM documents WHERE symbol = $1")
        .bind(symbol)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let response = client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// The correction form of a clause, as the resolution page links it.
fn clause_form(document: i64, paragraph: &str, verb: &str) -> String {
    format!(
        "/corrections/clause?document={document}&paragraph={paragraph}&verb={verb}&occurrence=0"
    )
}

/// The form's fields as the page pre-fills them (inputs, selected options, textareas).
fn prefilled(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let start = html
        .find("id=\"correct-form\"")
        .expect("the correction form");
    let form = &html[start..start + html[start..].find("</form>").unwrap()];
    for name in [
        "csrf",
        "document",
        "paragraph",
        "verb",
        "occurrence",
        "deliverables",
        "deadline_value",
        "deadline_words",
        "window_from",
        "window_to",
    ] {
        let needle = format!("name=\"{name}\"");
        let at = form.find(&needle).unwrap_or_else(|| panic!("no {name}"));
        let tag = &form[at..at + form[at..].find('>').unwrap()];
        let value = tag
            .find("value=\"")
            .map(|v| {
                let rest = &tag[v + 7..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .unwrap_or_default();
        fields.push((name.to_string(), unescape(&value)));
    }
    for name in ["action", "deadline_kind", "kind", "tracked"] {
        let at = form.find(&format!("name=\"{name}\"")).unwrap();
        let select = &form[at..at + form[at..].find("</select>").unwrap()];
        let value = select
            .find("\" selected>")
            .map(|end| {
                let start = select[..end].rfind("value=\"").unwrap() + 7;
                select[start..end].to_string()
            })
            .unwrap_or_default();
        fields.push((name.to_string(), value));
    }
    let at = form.find("name=\"actors\"").unwrap();
    let open = at + form[at..].find('>').unwrap() + 1;
    let close = open + form[open..].find("</textarea>").unwrap();
    fields.push(("actors".into(), unescape(&form[open..close])));
    fields
}

fn unescape(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Posts the clause form of `path` with `changes` over what it pre-fills.
async fn correct(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let html = page(client, app, path).await;
    let mut fields = prefilled(&html);
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    client
        .post(format!("{}/corrections/clause", app.address))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_editor_corrects_actor_deadline_and_action_and_every_page_shows_it() {
    let app = app_with_series().await;
    let doc = document_id(&app, "A/RES/75/58").await;
    let id = obligation_id_of(&app, "A/RES/75/58", "5", "requests").await;
    let (editor, _) = app.client_as("editor", "Eve Editor").await;
    // The obligation page links to the clause's form.
    let obligation_page = page(&editor, &app, &format!("/obligations/{id}")).await;
    assert!(obligation_page.contains(&format!("/obligations/{id}/correct")));
    let form_path = clause_form(doc, "5", "requests");
    let response = correct(
        &editor,
        &app,
        &form_path,
        &[
            ("actors", "Office for Disarmament Affairs"),
            ("deadline_kind", "date"),
            ("deadline_value", "2021-06-30"),
            ("deadline_words", "by 30 June 2021"),
            ("action", "invitation"),
            ("why", "the report is due in June"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);

    let obligation_page = page(&editor, &app, &format!("/obligations/{id}")).await;
    assert!(
        obligation_page.contains("Office for Disarmament Affairs")
            && obligation_page.contains("30 June 2021")
            && obligation_page.contains("<dd>invitation</dd>"),
        "{obligation_page}"
    );
    assert!(!obligation_page.contains(">Secretary-General</a>"));
    // With who corrected it, and why.
    let corrections = &obligation_page[obligation_page.find("id=\"corrections\"").unwrap()..];
    assert!(
        corrections.contains("Eve Editor") && corrections.contains("the report is due in June"),
        "{corrections}"
    );
    let list = page(&editor, &app, &format!("/obligations?resolution={doc}")).await;
    assert!(
        list.contains("Office for Disarmament Affairs") && list.contains("2021-06-30"),
        "{list}"
    );
    let csv = page(&editor, &app, &format!("/obligations.csv?resolution={doc}")).await;
    let line = csv
        .lines()
        .find(|l| l.contains("Office for Disarmament Affairs"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(
        line.contains("2021-06-30") && line.contains("invitation"),
        "{line}"
    );
    // The digest preview of a subscriber.
    let response = app
        .client
        .post(format!("{}/digest/subscribers", app.address))
        .form(&[
            ("csrf", app.csrf.as_str()),
            ("email", "ana@example.org"),
            ("name", "Ana"),
            ("filter", "body=GA"),
            ("weeks_ahead", "8"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let subscriber: i64 = scalar(&app, "SELECT id FROM subscribers").await;
    let preview = page(
        &app.client,
        &app,
        &format!("/digest/subscribers/{subscriber}/preview?as_of=2021-06-01"),
    )
    .await;
    assert!(
        preview.contains("Office for Disarmament Affairs"),
        "{preview}"
    );
    // Stored as corrections, each with who, why, before and after; and in the audit log.
    let stored: i64 = scalar(
        &app,
        "SELECT count(*) FROM corrections WHERE made_by = 'Eve Editor' AND why = 'the report is due in June' AND before IS NOT NULL",
    )
    .await;
    assert_eq!(stored, 3);
    let audit = page(&app.client, &app, "/admin/audit").await;
    assert!(audit.contains("clause.correct"), "{audit}");
    assert!(
        audit.contains("Secretary-General") && audit.contains("Office for Disarmament Affairs"),
        "the audit entry has the actors before and after: {audit}"
    );
    assert!(audit.contains("2021-06-30"), "{audit}");
}

#[tokio::test]
async fn a_viewer_cannot_correct_and_a_form_from_elsewhere_is_refused() {
    let app = app_with_series().await;
    let doc = document_id(&app, "A/RES/75/58").await;
    let (viewer, viewer_csrf) = app.client_as("viewer", "Vic Viewer").await;
    let form_path = clause_form(doc, "5", "requests");
    let response = viewer
        .get(format!("{}{form_path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let post = |client: &reqwest::Client, csrf: &str| {
        client
            .post(format!("{}/corrections/clause", app.address))
            .form(&[
                ("csrf", csrf),
                ("document", &doc.to_string()),
                ("paragraph", "5"),
                ("verb", "requests"),
                ("occurrence", "0"),
                ("action", "call"),
            ])
            .send()
    };
    assert_eq!(post(&viewer, &viewer_csrf).await.unwrap().status(), 403);
    assert_eq!(post(&app.client, "forged").await.unwrap().status(), 403);
    let stored: i64 = scalar(&app, "SELECT count(*) FROM corrections").await;
    assert_eq!(stored, 0);
    // The resolution page offers viewers no correction links.
    let html = page(&viewer, &app, &format!("/resolutions/{doc}")).await;
    assert!(!html.contains("/corrections/clause"));
}

#[tokio::test]
async fn an_editor_adds_an_obligation_the_reader_missed() {
    let app = app_with_series().await;
    let doc = document_id(&app, "A/RES/75/58").await;
    let html = page(&app.client, &app, &format!("/resolutions/{doc}")).await;
    assert!(
        html.contains(&format!("/corrections/add?document={doc}&#38;paragraph=1")),
        "{html}"
    );
    let add = page(
        &app.client,
        &app,
        &format!("/corrections/add?document={doc}&paragraph=1"),
    )
    .await;
    let csrf = crate::harness::csrf_field(&add).unwrap();
    let response = app
        .client
        .post(format!("{}/corrections/add", app.address))
        .form(&[
            ("csrf", csrf.as_str()),
            ("document", &doc.to_string()),
            ("paragraph", "1"),
            ("verb", "support"),
            ("action", "request"),
            ("actors", "Member States"),
            ("deliverables", "national report"),
            ("deadline_kind", "year"),
            ("deadline_value", "2022"),
            ("deadline_words", "in 2022"),
            ("kind", "deliverable"),
            ("tracked", "yes"),
            ("why", "missed"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let id = obligation_id_of(&app, "A/RES/75/58", "1", "support").await;
    let obligation = page(&app.client, &app, &format!("/obligations/{id}")).await;
    assert!(
        obligation.contains("Member States") && obligation.contains("national report"),
        "{obligation}"
    );
    assert!(obligation.contains("31 December 2022"), "{obligation}");
    let audit = page(&app.client, &app, "/admin/audit").await;
    assert!(audit.contains("clause.add"), "{audit}");
    // A verb the paragraph does not print is refused with the reason.
    let response = app
        .client
        .post(format!("{}/corrections/add", app.address))
        .form(&[
            ("csrf", csrf.as_str()),
            ("document", &doc.to_string()),
            ("paragraph", "1"),
            ("verb", "demands"),
            ("action", "request"),
            ("tracked", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("is not in paragraph 1")
    );
}

fn import(app: &TestApp, path: &Path) -> String {
    let output = app.cli().arg("import").arg(path).output().unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{out}");
    out
}

/// Corrects 75/58: paragraph 5's actor and deadline, and paragraph 3 tracked.
async fn correct_two_paragraphs(app: &TestApp) {
    let doc = document_id(app, "A/RES/75/58").await;
    let response = correct(
        &app.client,
        app,
        &clause_form(doc, "5", "requests"),
        &[
            ("actors", "Office for Disarmament Affairs"),
            ("deadline_kind", "date"),
            ("deadline_value", "2021-06-30"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let response = correct(
        &app.client,
        app,
        &clause_form(doc, "3", "urges"),
        &[("tracked", "yes"), ("kind", "deliverable")],
    )
    .await;
    assert_eq!(response.status(), 303);
}

async fn paragraph_5_is_corrected(app: &TestApp) {
    let (actors, due): (String, Option<chrono::NaiveDate>) = sqlx::query_as(
        "SELECT (SELECT string_agg(a.name, ';') FROM clause_actors ca JOIN actors a ON a.id = ca.actor_id
                 WHERE ca.clause_id = o.clause_id), o.due_on
         FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = 'A/RES/75/58' AND o.paragraph_number = '5' AND o.verb = 'requests'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(actors, "Office for Disarmament Affairs");
    assert_eq!(due, chrono::NaiveDate::from_ymd_opt(2021, 6, 30));
}

async fn paragraph_3_tracked(app: &TestApp) -> bool {
    scalar(
        app,
        "SELECT EXISTS (SELECT 1 FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = 'A/RES/75/58' AND o.paragraph_number = '3' AND o.clause_id IS NOT NULL)",
    )
    .await
}

#[tokio::test]
async fn corrections_apply_again_when_the_same_or_a_changed_text_is_imported() {
    let app = app_with_series().await;
    correct_two_paragraphs(&app).await;
    paragraph_5_is_corrected(&app).await;
    assert!(paragraph_3_tracked(&app).await);
    // Follow-up state entered before stays with the corrected obligation.
    let id = obligation_id_of(&app, "A/RES/75/58", "5", "requests").await;
    let response = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[
            ("status", "in_progress"),
            ("note", "drafting"),
            ("csrf", &app.csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);

    // The same file again.
    let original = fixture("src/demo/A-RES-75-58.txt");
    import(&app, &original);
    paragraph_5_is_corrected(&app).await;
    assert!(paragraph_3_tracked(&app).await);

    // A text with paragraph 3 reworded: its correction waits for review, the others apply.
    let dir = shared_temp_dir("reworded");
    let reworded = dir.path().join("A-RES-75-58.txt");
    let text = std::fs::read_to_string(&original).unwrap();
    let changed = text.replace(
        "to take and strengthen national measures",
        "to adopt and strengthen national measures",
    );
    assert_ne!(changed, text);
    std::fs::write(&reworded, changed).unwrap();
    let out = import(&app, &reworded);
    assert!(out.contains("updated"), "{out}");
    paragraph_5_is_corrected(&app).await;
    assert!(!paragraph_3_tracked(&app).await);
    let flagged: i64 = scalar(
        &app,
        "SELECT count(*) FROM corrections WHERE state = 'needs_review' AND paragraph_number = '3'",
    )
    .await;
    assert_eq!(flagged, 2);
    let applied: i64 = scalar(
        &app,
        "SELECT count(*) FROM corrections WHERE state = 'applied' AND paragraph_number = '5'",
    )
    .await;
    assert_eq!(applied, 2);
    let (status, history): (String, i64) = sqlx::query_as(
        "SELECT o.status, (SELECT count(*) FROM obligation_events e WHERE e.obligation_id = o.id)
         FROM obligations o WHERE o.id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(status, "in_progress");
    assert_eq!(history, 2, "the import's event and the editor's");
    // Editors see what needs review on the resolution page; viewers do not.
    let doc = document_id(&app, "A/RES/75/58").await;
    let html = page(&app.client, &app, &format!("/resolutions/{doc}")).await;
    assert!(html.contains("Corrections that need review"), "{html}");
    assert!(html.contains("paragraph 3 was reworded"), "{html}");
    let (viewer, _) = app.client_as("viewer", "Vic Viewer").await;
    let html = page(&viewer, &app, &format!("/resolutions/{doc}")).await;
    assert!(!html.contains("Corrections that need review"));

    // The original words again: the correction fits again and applies.
    import(&app, &original);
    assert!(paragraph_3_tracked(&app).await);
    paragraph_5_is_corrected(&app).await;
}

/// Checks `value` against the parts of JSON Schema that `extract.schema.json` uses (type,
/// enum, required, properties, items, minimum, maximum, format "date"); the path of each
/// mismatch.
fn schema_errors(schema: &serde_json::Value, value: &serde_json::Value, path: &str) -> Vec<String> {
    use serde_json::Value;
    let mut errors = Vec::new();
    let type_ok = |t: &str| match t {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "boolean" => value.is_boolean(),
        _ => false,
    };
    match schema.get("type") {
        Some(Value::String(t)) if !type_ok(t) => errors.push(format!("{path}: not {t}")),
        Some(Value::Array(ts)) if !ts.iter().any(|t| type_ok(t.as_str().unwrap())) => {
            errors.push(format!("{path}: none of {ts:?}"))
        }
        _ => {}
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(value)
    {
        errors.push(format!("{path}: {value} not in {options:?}"));
    }
    if schema.get("format").and_then(Value::as_str) == Some("date")
        && let Some(s) = value.as_str()
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
    {
        errors.push(format!("{path}: {s} is not a date"));
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_i64),
        value.as_i64(),
    ) && n < min
    {
        errors.push(format!("{path}: {n} < {min}"));
    }
    if let (Some(max), Some(n)) = (
        schema.get("maximum").and_then(Value::as_i64),
        value.as_i64(),
    ) && n > max
    {
        errors.push(format!("{path}: {n} > {max}"));
    }
    if let Some(object) = value.as_object() {
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !object.contains_key(key.as_str().unwrap()) {
                errors.push(format!("{path}: no {key}"));
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (key, sub) in properties {
                if let Some(v) = object.get(key) {
                    errors.extend(schema_errors(sub, v, &format!("{path}.{key}")));
                }
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            errors.extend(schema_errors(items, v, &format!("{path}[{i}]")));
        }
    }
    errors
}

#[tokio::test]
async fn corrections_export_as_gold_that_validates_and_stats_name_the_fields() {
    let app = app_with_series().await;
    correct_two_paragraphs(&app).await;
    let dir = shared_temp_dir("gold");
    let output = app
        .cli()
        .args(["corrections", "export"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 corrected resolutions written"),
        "{stdout}"
    );
    assert!(dir.path().join("A-RES-75-58.txt").exists());
    let gold: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("gold/A-RES-75-58.json")).unwrap(),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("tests/fixtures/extract.schema.json")).unwrap(),
    )
    .unwrap();
    let errors = schema_errors(&schema, &gold, "$");
    assert!(errors.is_empty(), "{errors:#?}");
    // The corrected reading, not the reader's.
    let para5 = gold["operative"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["number"] == "5")
        .unwrap();
    assert_eq!(
        para5["clauses"][0]["actors"][0],
        "Office for Disarmament Affairs"
    );
    assert_eq!(para5["clauses"][0]["deadlines"][0]["due_on"], "2021-06-30");
    // The checker rejects what is wrong, so that its silence means something.
    let mut broken = gold.clone();
    broken["operative"][0]["clauses"][0]["action"] = "asks".into();
    assert!(!schema_errors(&schema, &broken, "$").is_empty());

    let output = app.cli().args(["corrections", "stats"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("4 corrections of 1 resolutions"),
        "{stdout}"
    );
    assert!(
        stdout.contains("by field:") && stdout.contains("actors"),
        "{stdout}"
    );
    assert!(stdout.contains("deadline session -> date"), "{stdout}");
}

/// The review page's items, in order, as "symbol paragraph verb".
fn review_items(html: &str) -> Vec<String> {
    html.split("data-anchor=\"")
        .skip(1)
        .map(|rest| unescape(&rest[..rest.find('"').unwrap()]))
        .collect()
}

#[tokio::test]
async fn the_review_queue_lists_the_readers_doubts_on_the_demo_set_requests_with_deadlines_first() {
    let app = crate::dashboard::app_with_demo().await;
    let html = page(&app.client, &app, "/review").await;
    let items = review_items(&html);
    assert_eq!(items.len(), 62, "{items:#?}");
    // Requests and invitations with a deadline first, newest resolutions first.
    assert_eq!(
        items[..10],
        [
            "A/RES/80/66 8 requests",
            "A/RES/80/66 9 requests",
            "A/RES/80/66 11 invites",
            "A/RES/80/11 20 requests",
            "A/RES/80/11 29 reiterates",
            "A/RES/79/296 4 requests",
            "A/RES/79/296 5 requests",
            "A/RES/79/125 3 requests",
            "A/RES/79/125 7 invites",
            "A/RES/79/125 9 requests",
        ]
    );
    // Then requests without one (a request that names nobody among them).
    assert_eq!(items[14], "A/RES/80/11 5 requests");
    assert!(html.contains("a request with no actor found"));
    assert!(html.contains("an actor not in the canonical list"));
    assert!(html.contains("a deadline known only to a month, a year or an estimate"));
    assert!(items.contains(&"A/RES/80/6 22 continues to welcome".to_string()));
    assert!(html.contains("a verb outside the known lists"));
    // A text the reader warned about.
    assert!(
        html.contains("sub-paragraphs without a printed label"),
        "{html}"
    );
    // Each item is one click from its form.
    let doc = document_id(&app, "A/RES/80/66").await;
    assert!(html.contains(&format!(
        "/corrections/clause?document={doc}&#38;paragraph=8&#38;verb=requests&#38;occurrence=0"
    )));
    // The overview counts them, for editors.
    let overview = page(&app.client, &app, "/").await;
    assert!(
        overview.contains("<strong>62</strong> clauses to review"),
        "{overview}"
    );

    // "Looks right" takes an item out for good, also after the text is imported again.
    let csrf = crate::harness::csrf_field(&html).unwrap();
    let response = app
        .client
        .post(format!("{}/review/looks-right", app.address))
        .form(&[
            ("csrf", csrf.as_str()),
            ("document", &doc.to_string()),
            ("paragraph", "8"),
            ("verb", "requests"),
            ("occurrence", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let items = review_items(&page(&app.client, &app, "/review").await);
    assert_eq!(items.len(), 61);
    assert_eq!(items[0], "A/RES/80/66 9 requests");
    let dir = shared_temp_dir("review");
    let copy = dir.path().join("A-RES-80-66.txt");
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-80-66.txt")).unwrap();
    std::fs::write(&copy, format!("{text}\n\n")).unwrap();
    let out = import(&app, &copy);
    assert!(out.contains("updated"), "a new file, read again: {out}");
    let items = review_items(&page(&app.client, &app, "/review").await);
    assert_eq!(items.len(), 61);
    assert!(!items.contains(&"A/RES/80/66 8 requests".to_string()));
    let audit = page(&app.client, &app, "/admin/audit").await;
    assert!(audit.contains("clause.looks_right"), "{audit}");
    // Correcting a clause also takes it out: someone has looked at it.
    let response = correct(
        &app.client,
        &app,
        &clause_form(doc, "9", "requests"),
        &[("deliverables", "report")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let items = review_items(&page(&app.client, &app, "/review").await);
    assert_eq!(items.len(), 60);
    // Viewers have no queue.
    let (viewer, _) = app.client_as("viewer", "Vic Viewer").await;
    let response = viewer
        .get(format!("{}/review", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

async fn actor_of(app: &TestApp, symbol: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT a.name FROM obligations o JOIN documents d ON d.id = o.document_id
         CROSS JOIN LATERAL unnest(o.actor_ids) AS x(id) JOIN actors a ON a.id = x.id
         WHERE d.symbol = $1 AND o.paragraph_number = '5' ORDER BY 1",
    )
    .bind(symbol)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn merging_an_actor_moves_its_obligations_and_the_next_import_uses_it() {
    let app = app_with_series().await;
    let doc = document_id(&app, "A/RES/75/58").await;
    let response = correct(
        &app.client,
        &app,
        &clause_form(doc, "5", "requests"),
        &[("actors", "UN Secretary-General")],
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(actor_of(&app, "A/RES/74/43").await, ["Secretary-General"]);
    let old: i64 = scalar(
        &app,
        "SELECT id FROM actors WHERE name = 'Secretary-General'",
    )
    .await;
    let target: i64 = scalar(
        &app,
        "SELECT id FROM actors WHERE name = 'UN Secretary-General'",
    )
    .await;
    // Only admins curate.
    let (editor, editor_csrf) = app.client_as("editor", "Eve Editor").await;
    let post = |client: &reqwest::Client, csrf: &str, verdict: &str, target: &str| {
        client
            .post(format!("{}/actors/{old}/curate", app.address))
            .form(&[("csrf", csrf), ("verdict", verdict), ("target", target)])
            .send()
    };
    let refused = post(&editor, &editor_csrf, "merge", "UN Secretary-General")
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let unknown = post(&app.client, &app.csrf, "merge", "Nobody at all")
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    let html = page(&app.client, &app, &format!("/actors/{old}")).await;
    assert!(html.contains(&format!("/actors/{old}/curate")));
    let response = post(&app.client, &app.csrf, "merge", "UN Secretary-General")
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    // Its obligations moved; the old name is gone from the actors.
    assert_eq!(
        actor_of(&app, "A/RES/74/43").await,
        ["UN Secretary-General"]
    );
    let gone: i64 = scalar(
        &app,
        &format!("SELECT count(*) FROM actors WHERE id = {old}"),
    )
    .await;
    assert_eq!(gone, 0);
    let list = page(&app.client, &app, &format!("/obligations?actor={target}")).await;
    assert!(
        list.contains("A/RES/74/43") && list.contains("A/RES/75/58"),
        "{list}"
    );
    let actors = page(&app.client, &app, "/actors").await;
    assert!(!actors.contains(">Secretary-General<"), "{actors}");
    // The next import maps the name it reads.
    import(&app, &fixture("src/demo/A-RES-76-28.txt"));
    assert_eq!(
        actor_of(&app, "A/RES/76/28").await,
        ["UN Secretary-General"]
    );
    let audit = page(&app.client, &app, "/admin/audit").await;
    assert!(audit.contains("actor.merge"), "{audit}");

    // Not an actor: dropped from every clause that named it.
    let id: i64 = scalar(
        &app,
        "SELECT id FROM actors WHERE name = 'international organizations'",
    )
    .await;
    let response = app
        .client
        .post(format!("{}/actors/{id}/curate", app.address))
        .form(&[("csrf", app.csrf.as_str()), ("verdict", "not_actor")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let left: i64 = scalar(
        &app,
        "SELECT count(*) FROM clause_actors ca JOIN actors a ON a.id = ca.actor_id
         WHERE a.name = 'international organizations'",
    )
    .await;
    assert_eq!(left, 0);
}

#[tokio::test]
async fn in_a_browser_an_editor_fixes_a_deadline_and_sees_the_overview_change() {
    use crate::browser::{ChromeDriver, wait_for_url};
    use fantoccini::{ClientBuilder, Locator};
    use std::time::Duration;

    let app = app_with_series().await;
    let doc = document_id(&app, "A/RES/75/58").await;
    mandates::store::add_user(
        &app.db.pool,
        "fixer@test.example",
        "Fixer",
        "editor",
        crate::harness::password_hash(),
    )
    .await
    .unwrap();
    let driver = ChromeDriver::start();
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.path().display())]
        }),
    );
    let browser = ClientBuilder::rustls()
        .expect("TLS roots")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session with headless Chromium");
    let result = async {
        let overview = format!("{}/?as_of=2021-06-01", app.address);
        browser.goto(&overview).await?;
        let form = browser.form(Locator::Css("form.sign-in")).await?;
        form.set_by_name("email", "fixer@test.example").await?;
        form.set_by_name("password", crate::harness::TEST_PASSWORD)
            .await?;
        form.submit().await?;
        let soon = browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("section[aria-labelledby=soon-heading]"))
            .await?
            .text()
            .await?;
        // The report is asked for the 76th session, in September: not due in June.
        assert!(!soon.contains("A/RES/75/58"), "{soon}");

        let resolution = format!("{}/resolutions/{doc}", app.address);
        browser.goto(&resolution).await?;
        let correct = browser
            .find(Locator::XPath(
                "//div[@id='para-5']//li[contains(., 'requests')]//a[@class='correct']",
            ))
            .await?;
        correct.click().await?;
        browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Id("correct-form"))
            .await?;
        browser
            .find(Locator::Id("deadline_kind"))
            .await?
            .select_by_value("date")
            .await?;
        let form = browser.form(Locator::Id("correct-form")).await?;
        form.set_by_name("deadline_value", "2021-06-30").await?;
        form.set_by_name("deadline_words", "by 30 June 2021")
            .await?;
        form.set_by_name("why", "the report is due in June").await?;
        form.submit().await?;
        browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Id("saved"))
            .await?;
        let held = browser
            .find(Locator::Id("current-window"))
            .await?
            .text()
            .await?;
        assert!(held.contains("30 June 2021"), "{held}");

        let overview_url = reqwest::Url::parse(&overview).unwrap();
        browser.goto(&overview).await?;
        wait_for_url(&browser, &overview_url).await?;
        let soon = browser
            .find(Locator::Css("section[aria-labelledby=soon-heading]"))
            .await?
            .text()
            .await?;
        assert!(soon.contains("A/RES/75/58"), "now due in June: {soon}");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    browser.close().await.ok();
    result.expect("the browser steps");
}

#[tokio::test]
async fn looks_right_answers_the_corrections_a_reworded_paragraph_left_for_review() {
    let app = app_with_series().await;
    correct_two_paragraphs(&app).await;
    let dir = shared_temp_dir("reworded-checked");
    let reworded = dir.path().join("A-RES-75-58.txt");
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-75-58.txt")).unwrap();
    std::fs::write(
        &reworded,
        text.replace("to take and strengthen", "to adopt and strengthen"),
    )
    .unwrap();
    import(&app, &reworded);
    let doc = document_id(&app, "A/RES/75/58").await;
    let review = page(&app.client, &app, "/review").await;
    assert!(review.contains("Corrections that need review"), "{review}");
    // The clause's form offers "reads right as it is".
    let form = page(&app.client, &app, &clause_form(doc, "3", "urges")).await;
    assert!(form.contains("id=\"looks-right-form\""));
    let response = app
        .client
        .post(format!("{}/review/looks-right", app.address))
        .form(&[
            ("csrf", app.csrf.as_str()),
            ("document", &doc.to_string()),
            ("paragraph", "3"),
            ("verb", "urges"),
            ("occurrence", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let waiting: i64 = scalar(
        &app,
        "SELECT count(*) FROM corrections WHERE state = 'needs_review'",
    )
    .await;
    assert_eq!(waiting, 0);
    let html = page(&app.client, &app, &format!("/resolutions/{doc}")).await;
    assert!(!html.contains("Corrections that need review"));
    assert!(!paragraph_3_tracked(&app).await);
}

#[tokio::test]
async fn a_clause_is_split_by_adding_its_verb_again_and_both_last_a_re_import() {
    let app = app_with_series().await;
    let doc = document_id(&app, "A/RES/75/58").await;
    let add = page(
        &app.client,
        &app,
        &format!("/corrections/add?document={doc}&paragraph=5"),
    )
    .await;
    assert!(add.contains("The reader found: requests."), "{add}");
    let response = app
        .client
        .post(format!("{}/corrections/add", app.address))
        .form(&[
            ("csrf", app.csrf.as_str()),
            ("document", &doc.to_string()),
            ("paragraph", "5"),
            ("verb", "Requests"),
            ("action", "request"),
            ("actors", "Member States"),
            ("deadline_kind", "year"),
            ("deadline_value", "2022"),
            ("kind", "deliverable"),
            ("tracked", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let both = || async {
        sqlx::query_as::<_, (i32, String)>(
            "SELECT o.occurrence, a.name FROM obligations o JOIN documents d ON d.id = o.document_id
             CROSS JOIN LATERAL unnest(o.actor_ids) AS x(id) JOIN actors a ON a.id = x.id
             WHERE d.symbol = 'A/RES/75/58' AND o.paragraph_number = '5' AND o.clause_id IS NOT NULL
             ORDER BY 1",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
    };
    let expected = vec![
        (0, "Secretary-General".to_string()),
        (1, "Member States".to_string()),
    ];
    assert_eq!(both().await, expected);
    let dir = shared_temp_dir("split");
    let copy = dir.path().join("A-RES-75-58.txt");
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-75-58.txt")).unwrap();
    std::fs::write(&copy, format!("{text}\n")).unwrap();
    import(&app, &copy);
    assert_eq!(both().await, expected);
}

/// Issue 16's leftover: a name an admin has curated is a known actor, so the review queue no
/// longer doubts the clauses that name it, at once and after the next import.
#[tokio::test]
async fn a_curated_actor_is_no_longer_an_unknown_actor_in_the_review_queue() {
    let app = crate::dashboard::app_with_demo().await;
    // A clause whose only doubt is one actor outside the canonical list.
    let candidates: Vec<(i64, String, String, String, Vec<String>)> = sqlx::query_as(
        "SELECT c.id, d.symbol, p.number, c.verb, array_agg(a.name ORDER BY ca.position)
         FROM clauses c JOIN paragraphs p ON p.id = c.paragraph_id
         JOIN documents d ON d.id = c.document_id
         JOIN clause_actors ca ON ca.clause_id = c.id JOIN actors a ON a.id = ca.actor_id
         WHERE c.doubts = '{unknown_actor}' AND NOT c.reviewed
         GROUP BY c.id, d.symbol, p.number, c.verb, p.position
         ORDER BY d.symbol, p.position, c.position",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let none = std::collections::HashSet::new();
    let singles: Vec<(String, String, String, String)> = candidates
        .iter()
        .filter_map(|(_, symbol, paragraph, verb, names)| {
            let unknown: Vec<&String> = names
                .iter()
                .filter(|n| !mandates::resolution::doubt::is_known_actor(n, &none))
                .collect();
            (unknown.len() == 1).then(|| {
                (
                    symbol.clone(),
                    paragraph.clone(),
                    verb.clone(),
                    unknown[0].clone(),
                )
            })
        })
        .collect();
    let (symbol, paragraph, verb, name) = singles
        .first()
        .cloned()
        .expect("the demo has a clause doubted for one unknown actor");
    let item = format!("{symbol} {paragraph} {verb}");
    let html = page(&app.client, &app, "/review").await;
    let before = review_items(&html);
    assert!(before.contains(&item), "{item} in {before:#?}");
    assert!(html.contains("an actor not in the canonical list"));
    // An admin renames it: the name is now one the team decided on.
    let actor: i64 = sqlx::query_scalar("SELECT id FROM actors WHERE name = $1")
        .bind(&name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let curated = format!("{name} (as the team names it)");
    let response = app
        .client
        .post(format!("{}/actors/{actor}/curate", app.address))
        .form(&[
            ("csrf", app.csrf.as_str()),
            ("verdict", "rename"),
            ("target", curated.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let after = review_items(&page(&app.client, &app, "/review").await);
    assert!(!after.contains(&item), "{item} in {after:#?}");
    // Only items go; none comes.
    assert!(after.len() < before.len());
    assert!(after.iter().all(|i| before.contains(i)), "{after:#?}");
    let overview = page(&app.client, &app, "/").await;
    assert!(
        overview.contains(&format!(
            "<strong>{}</strong> clauses to review",
            after.len()
        )),
        "{overview}"
    );
    // Merging another unknown name into the curated one takes its clause out too.
    let (other_symbol, other_paragraph, other_verb, other) = singles
        .iter()
        .find(|c| c.3 != name)
        .cloned()
        .expect("a clause doubted for another unknown actor");
    let other_item = format!("{other_symbol} {other_paragraph} {other_verb}");
    assert!(after.contains(&other_item), "{other_item} in {after:#?}");
    let other_actor: i64 = sqlx::query_scalar("SELECT id FROM actors WHERE name = $1")
        .bind(&other)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let response = app
        .client
        .post(format!("{}/actors/{other_actor}/curate", app.address))
        .form(&[
            ("csrf", app.csrf.as_str()),
            ("verdict", "merge"),
            ("target", curated.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let after = review_items(&page(&app.client, &app, "/review").await);
    assert!(!after.contains(&other_item), "{other_item} in {after:#?}");
    // The next import reads the text again and maps the name: still no doubt.
    let dir = shared_temp_dir("curated");
    let file = symbol.replace('/', "-") + ".txt";
    let copy = dir.path().join(&file);
    let text = std::fs::read_to_string(fixture(&format!("src/demo/{file}"))).unwrap();
    std::fs::write(&copy, format!("{text}\n\n")).unwrap();
    let out = import(&app, &copy);
    assert!(out.contains("updated"), "{out}");
    let doubts: Vec<String> = sqlx::query_scalar(
        "SELECT c.doubts FROM clauses c JOIN paragraphs p ON p.id = c.paragraph_id
         JOIN documents d ON d.id = c.document_id
         WHERE d.symbol = $1 AND p.number = $2 AND c.verb = $3 ORDER BY c.position LIMIT 1",
    )
    .bind(&symbol)
    .bind(&paragraph)
    .bind(&verb)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(doubts.is_empty(), "{doubts:?}");
    let again = review_items(&page(&app.client, &app, "/review").await);
    assert_eq!(again, after);
    // Still an actor of the clause, under its curated name.
    let named: i64 = sqlx::query_scalar("SELECT count(*) FROM actors WHERE name = $1")
        .bind(&curated)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(named, 1);
}
