//! "New in this year's text" in the feeds (issue 19): when a new resolution of a series the
//! filter follows comes in, the JSON list, the calendar feed and the CSV say so, in the words
//! of the digest, for the week after its import.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};
use serde_json::Value;

use crate::extract::fixture;
use crate::harness::TestApp;

/// 74/43, 75/58, 76/28 and Council resolution 1445 came in a month ago; today 78/43 comes in,
/// with one request more than as adopted (OP7), so that something asked is new.
async fn app_with_a_new_text() -> TestApp {
    let app = TestApp::spawn().await;
    let mut command = app.cli();
    command.arg("import");
    for f in [
        "A-RES-74-43.txt",
        "A-RES-75-58.txt",
        "A-RES-76-28.txt",
        "S-RES-1445-2002.txt",
    ] {
        command.arg(fixture(&format!("src/demo/{f}")));
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    sqlx::query("UPDATE documents SET imported_at = now() - interval '30 days'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let folder = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-78-43.txt"))
        .unwrap()
        .replacen(
            "\n \n42nd plenary meeting",
            "\n \n7. \nInvites Member States to inform the Secretary-General by 31 May 2024 of the measures they have taken; \n \n42nd plenary meeting",
            1,
        );
    assert!(text.contains("7. \nInvites"));
    let new_text = folder.path().join("A-RES-78-43.txt");
    std::fs::write(&new_text, text).unwrap();
    let output = app.cli().arg("import").arg(&new_text).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    app
}

async fn body_of(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

async fn json_of(app: &TestApp, path: &str) -> Value {
    serde_json::from_str(&body_of(app, path).await).unwrap()
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// The day the new text came in, as the database's clock has it (UTC).
async fn import_day(app: &TestApp) -> NaiveDate {
    sqlx::query_scalar(
        "SELECT (imported_at AT TIME ZONE 'UTC')::date FROM documents WHERE symbol = 'A/RES/78/43'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// The new texts of the JSON list at `path`.
async fn new_texts(app: &TestApp, path: &str) -> Vec<Value> {
    json_of(app, path).await["new_in_this_years_text"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} has new_in_this_years_text"))
        .clone()
}

/// As askama escapes text in the digest's HTML.
fn escape_html(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn the_json_list_carries_the_new_text_of_a_followed_series_as_the_digest_says_it() {
    let app = app_with_a_new_text().await;
    let series = scalar(
        &app,
        "SELECT series_id FROM documents WHERE symbol = 'A/RES/78/43'",
    )
    .await;
    let document = scalar(
        &app,
        "SELECT id FROM documents WHERE symbol = 'A/RES/78/43'",
    )
    .await;
    let previous = scalar(
        &app,
        "SELECT id FROM documents WHERE symbol = 'A/RES/76/28'",
    )
    .await;
    let today = import_day(&app).await;
    let texts = new_texts(&app, &format!("/api/obligations?body=GA&as_of={today}")).await;
    assert_eq!(texts.len(), 1, "{texts:#?}");
    let text = &texts[0];
    assert_eq!(text["symbol"], "A/RES/78/43");
    assert_eq!(text["previous_symbol"], "A/RES/76/28");
    assert_eq!(
        text["url"],
        format!("{}/resolutions/{document}", app.address)
    );
    assert_eq!(
        text["previous_url"],
        format!("{}/resolutions/{previous}", app.address)
    );
    let series_url = format!("{}/series/{series}", app.address);
    assert_eq!(text["series_url"], series_url.as_str());
    assert_eq!(text["imported_on"], today.to_string());
    let verdict = text["verdict"].as_str().unwrap();
    assert!(verdict.ends_with("1 new, 0 dropped"), "{verdict}");
    let changes = text["changes"].as_array().unwrap();
    let invites = changes
        .iter()
        .find(|c| c["kind"] == "new")
        .unwrap_or_else(|| panic!("the new request: {changes:#?}"));
    assert_eq!(invites["paragraph_after"], "OP7");
    assert_eq!(invites["paragraph_before"], Value::Null);
    assert!(
        invites["verb"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("invites"),
        "{invites}"
    );
    assert_eq!(invites["actors_after"][0], "Member States");
    assert!(
        invites["says"].as_str().unwrap().starts_with(
            "New request (OP7): Invites Member States to inform the Secretary-General by 31 May 2024"
        ),
        "{invites}"
    );

    // The digest for the same filter says the same, change for change.
    let subscriber =
        mandates::store::subscribe_self(&app.db.pool, "ana@example.org", "Ana", "body=GA")
            .await
            .unwrap();
    let digest = body_of(
        &app,
        &format!("/digest/subscribers/{subscriber}/preview?as_of={today}"),
    )
    .await;
    assert!(
        digest.contains(&format!(
            "<a href=\"{series_url}\"><strong>A/RES/78/43</strong></a> against A/RES/76/28: {}",
            escape_html(verdict)
        )),
        "{digest}"
    );
    for change in changes {
        let says = escape_html(change["says"].as_str().unwrap());
        assert!(
            digest.contains(&format!("<li>{says}")),
            "{says} in {digest}"
        );
    }

    // New for the week from its import day: not before, not after, whatever page is asked.
    for (days, shown) in [(-1, false), (0, true), (6, true), (7, false)] {
        let day = today + Duration::days(days);
        let texts = new_texts(
            &app,
            &format!("/api/obligations?body=GA&as_of={day}&page=2&per_page=2"),
        )
        .await;
        assert_eq!(texts.len(), usize::from(shown), "as of {day}");
    }
    // A filter follows the series when it matches an obligation of the new text or of the
    // one before it, whatever status it asks for; other filters hear nothing of it.
    for (filter, followed) in [
        ("body=GA&session=78&status=fulfilled", true),
        ("body=GA&session=76", true),
        ("body=GA&session=75", false),
        ("body=SC", false),
        ("q=nonexistentword", false),
    ] {
        let texts = new_texts(&app, &format!("/api/obligations?{filter}&as_of={today}")).await;
        assert_eq!(texts.len(), usize::from(followed), "{filter}");
    }
}

#[tokio::test]
async fn the_calendar_feed_has_an_event_on_the_day_the_new_text_came_in() {
    let app = app_with_a_new_text().await;
    let series = scalar(
        &app,
        "SELECT series_id FROM documents WHERE symbol = 'A/RES/78/43'",
    )
    .await;
    let document = scalar(
        &app,
        "SELECT id FROM documents WHERE symbol = 'A/RES/78/43'",
    )
    .await;
    let today = import_day(&app).await;
    let events = |ics: String| {
        // Still a calendar the existing checks accept: one, it parses, lines folded.
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "line longer than 75 octets: {line:?}");
        }
        let mut calendars = ical::IcalParser::new(std::io::Cursor::new(ics.into_bytes()));
        let calendar = calendars.next().expect("one calendar").expect("it parses");
        assert!(calendars.next().is_none());
        let mut by_uid = BTreeMap::new();
        for event in calendar.events {
            let props: BTreeMap<String, ical::property::Property> = event
                .properties
                .into_iter()
                .map(|p| (p.name.clone(), p))
                .collect();
            let uid = props["UID"].value.clone().unwrap();
            assert!(by_uid.insert(uid, props).is_none(), "UIDs are unique");
        }
        by_uid
    };
    let feed = events(body_of(&app, &format!("/obligations.ics?body=GA&as_of={today}")).await);
    let uid = format!("new-text-{document}@mandates");
    let event = feed
        .get(&uid)
        .unwrap_or_else(|| panic!("{uid} in {feed:#?}"));
    let value = |name: &str| event[name].value.clone().unwrap();
    assert_eq!(value("SUMMARY"), "New in this year's text: A/RES/78/43");
    let start = &event["DTSTART"];
    assert_eq!(
        start.value.as_deref().unwrap(),
        today.format("%Y%m%d").to_string()
    );
    assert!(
        start
            .params
            .as_ref()
            .unwrap()
            .iter()
            .any(|(k, v)| k == "VALUE" && v == &["DATE"]),
        "an all-day event"
    );
    assert_eq!(
        value("DTEND"),
        (today + Duration::days(1)).format("%Y%m%d").to_string()
    );
    let series_url = format!("{}/series/{series}", app.address);
    assert_eq!(value("URL"), series_url);
    let description = value("DESCRIPTION");
    for words in [
        "A/RES/78/43 against A/RES/76/28: ",
        "New request (OP7): Invites Member States to inform the Secretary-General by 31 May 2024",
        series_url.as_str(),
    ] {
        assert!(description.contains(words), "{words} in {description}");
    }
    // Every other event is an obligation's deadline, as before.
    let dated = scalar(
        &app,
        "SELECT count(*) FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE o.clause_id IS NOT NULL AND d.body = 'GA' AND o.due_on IS NOT NULL",
    )
    .await;
    let obligations = feed
        .keys()
        .filter(|uid| uid.starts_with("obligation-"))
        .count();
    assert_eq!(obligations as i64, dated);
    assert_eq!(feed.len(), obligations + 1);
    // The UID stays the same from one fetch to the next, so calendar apps update the event.
    let again = events(body_of(&app, &format!("/obligations.ics?body=GA&as_of={today}")).await);
    assert!(again.contains_key(&uid));

    // A calendar app reads it with a feed token, without signing in.
    let (viewer, csrf) = app.client_as("viewer", "Vera Viewer").await;
    let made = viewer
        .post(format!("{}/account/feed-tokens", app.address))
        .form(&[("label", "Outlook"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let account = crate::harness::text_of(&viewer, format!("{}/account", app.address)).await;
    let token = account
        .split("token=")
        .nth(1)
        .map(|rest| &rest[..rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap()])
        .expect("the account page shows the feed URL");
    let response = app
        .anonymous()
        .get(format!(
            "{}/obligations.ics?body=GA&as_of={today}&token={token}",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let by_token = events(response.text().await.unwrap());
    assert!(by_token.contains_key(&uid), "{by_token:#?}");

    // Not for a filter that does not follow the series, nor a week later.
    for path in [
        format!("/obligations.ics?body=SC&as_of={today}"),
        format!(
            "/obligations.ics?body=GA&as_of={}",
            today + Duration::days(7)
        ),
    ] {
        let feed = events(body_of(&app, &path).await);
        assert!(
            feed.keys().all(|uid| uid.starts_with("obligation-")),
            "{path}: {feed:#?}"
        );
    }
}

#[tokio::test]
async fn the_csv_says_for_each_obligation_of_the_new_text_whether_its_request_is_new() {
    let app = app_with_a_new_text().await;
    let today = import_day(&app).await;
    let rows = |csv: String| {
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header.last().map(String::as_str),
            Some("new_in_this_years_text"),
            "a column added at the end: {header:?}"
        );
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (symbol, paragraph, verb, new) = (
            column("resolution"),
            column("paragraph"),
            column("verb"),
            column("new_in_this_years_text"),
        );
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (
                    r[symbol].to_string(),
                    r[paragraph].to_string(),
                    r[verb].to_string(),
                    r[new].to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let all = rows(body_of(&app, &format!("/obligations.csv?body=GA&as_of={today}")).await);
    let changes =
        new_texts(&app, &format!("/api/obligations?body=GA&as_of={today}")).await[0]["changes"]
            .as_array()
            .unwrap()
            .clone();
    let mut of_new_text = 0;
    for (symbol, paragraph, verb, new) in &all {
        if symbol != "A/RES/78/43" {
            assert_eq!(new, "", "{symbol} {paragraph} is not of a new text");
            continue;
        }
        of_new_text += 1;
        let change = changes.iter().find(|c| {
            c["paragraph_after"] == format!("OP{paragraph}").as_str()
                && c["verb"].as_str().unwrap().eq_ignore_ascii_case(verb)
        });
        let expected = match change.map(|c| c["kind"].as_str().unwrap()) {
            None => "unchanged against A/RES/76/28".to_string(),
            Some("new") => "new request against A/RES/76/28".to_string(),
            Some(kind) => {
                let what = kind.replace('_', " ");
                assert!(
                    new.starts_with(&format!("{what} against A/RES/76/28: now ")),
                    "{new}"
                );
                continue;
            }
        };
        assert_eq!(new, &expected, "{symbol} {paragraph} {verb}");
    }
    assert!(of_new_text > 1, "{all:#?}");
    assert!(
        all.iter().any(|(s, p, v, new)| s == "A/RES/78/43"
            && p == "7"
            && v.eq_ignore_ascii_case("invites")
            && new == "new request against A/RES/76/28"),
        "{all:#?}"
    );

    // A filter that does not follow the series, or a week later: the column is empty.
    for path in [
        format!("/obligations.csv?body=SC&as_of={today}"),
        format!(
            "/obligations.csv?body=GA&as_of={}",
            today + Duration::days(7)
        ),
    ] {
        let rows = rows(body_of(&app, &path).await);
        assert!(!rows.is_empty(), "{path}");
        assert!(rows.iter().all(|(.., new)| new.is_empty()), "{path}");
    }
    // Today without as_of (the server's local day) is the import day too, unless the test
    // runs across midnight or far from UTC.
    if Utc::now().date_naive() == today && chrono::Local::now().date_naive() == today {
        let plain = rows(body_of(&app, "/obligations.csv?body=GA").await);
        assert!(plain.iter().any(|(.., new)| !new.is_empty()));
    }
}
