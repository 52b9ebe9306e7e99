//! A mission officer's day (issue 18): finding any resolution by its symbol written any usual
//! way or by title words, reading what a resolution asks at a glance, and forms that keep
//! what was typed.

use reqwest::header;

use crate::dashboard::app_with_demo;
use crate::harness::TestApp;

async fn document_id(app: &TestApp, symbol: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM documents WHERE symbol = $1")
        .bind(symbol)
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|e| panic!("{symbol}: {e}"))
}

/// Where a GET of `path` sends the client, when it is a redirect.
async fn location(app: &TestApp, path: &str) -> Option<String> {
    let response = app.get(path).await;
    (response.status() == 303).then(|| {
        response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_string()
    })
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// Each `(obligation id, state label)` of the table rows in `html`.
fn row_states(html: &str) -> Vec<(i64, String)> {
    html.split("<tr")
        .filter_map(|row| {
            let at = row.find("href=\"/obligations/")? + "href=\"/obligations/".len();
            let id: i64 = row[at..at + row[at..].find('"')?].parse().ok()?;
            let badge = row.find("<span class=\"badge ")?;
            let label_at = badge + row[badge..].find('>')? + 1;
            let label = &row[label_at..label_at + row[label_at..].find('<')?];
            Some((id, label.to_string()))
        })
        .collect()
}

#[tokio::test]
async fn a_resolution_is_found_by_every_usual_way_of_writing_its_symbol() {
    let app = app_with_demo().await;
    let ga = format!("/resolutions/{}", document_id(&app, "A/RES/75/58").await);
    for q in [
        "75%2F58",
        "A%2FRES%2F75%2F58",
        "a%2Fres%2F75%2F58",
        "res+75%2F58",
        "+A+%2F+RES+%2F+75%2F58+",
    ] {
        assert_eq!(
            location(&app, &format!("/resolutions?q={q}"))
                .await
                .as_deref(),
            Some(ga.as_str()),
            "{q}"
        );
    }
    let sc = format!(
        "/resolutions/{}",
        document_id(&app, "S/RES/1445 (2002)").await
    );
    for q in [
        "S%2FRES%2F1445+(2002)",
        "s%2Fres%2F1445(2002)",
        "res+1445",
        "Res.+1445",
        "1445",
    ] {
        assert_eq!(
            location(&app, &format!("/resolutions?q={q}"))
                .await
                .as_deref(),
            Some(sc.as_str()),
            "{q}"
        );
    }
    let hrc = format!("/resolutions/{}", document_id(&app, "A/HRC/RES/46/9").await);
    assert_eq!(
        location(&app, "/resolutions?q=46%2F9").await.as_deref(),
        Some(hrc.as_str())
    );
    // The old exact-symbol links keep working, now in any case.
    assert_eq!(
        location(&app, "/resolutions?symbol=a/res/75/58")
            .await
            .as_deref(),
        Some(ga.as_str())
    );
    // Title words list the resolutions whose title has them.
    let found = page(&app, "/resolutions?q=terrorists+acquiring").await;
    assert!(found.contains(">A/RES/75/58</a>"), "{found}");
    assert!(found.contains(">A/RES/74/43</a>"), "{found}");
    assert!(!found.contains(">S/RES/1445 (2002)</a>"), "{found}");
    // A symbol not in the tracker says so and falls back to title words.
    let missing = page(&app, "/resolutions?q=99%2F99").await;
    assert!(missing.contains("No resolution in the tracker has the symbol A/RES/99/99"));
    assert!(missing.contains("No resolution matches"), "{missing}");
}

#[tokio::test]
async fn the_resolutions_index_lists_every_resolution_with_its_open_and_overdue_counts() {
    let app = app_with_demo().await;
    let html = page(&app, "/resolutions").await;
    let documents: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(html.contains(&format!("{documents} resolutions")), "{html}");
    let id = document_id(&app, "A/RES/75/58").await;
    let row = html
        .split("<tr>")
        .find(|r| r.contains(&format!("href=\"/resolutions/{id}\"")))
        .expect("75/58 is listed");
    assert!(
        row.contains("7 Dec 2020") && row.contains("<td>75</td>"),
        "{row}"
    );
    // Each overdue count is the overdue list's count of that resolution.
    let mut overdue_somewhere = 0;
    for row in html.split("<tr>").skip(2) {
        let at = row.find("href=\"/resolutions/").unwrap() + "href=\"/resolutions/".len();
        let doc = &row[at..at + row[at..].find('"').unwrap()];
        let list = page(
            &app,
            &format!("/obligations?resolution={doc}&state=overdue"),
        )
        .await;
        let listed = row_states(&list).len();
        overdue_somewhere += listed;
        let cell = if listed > 0 {
            format!("href=\"/obligations?resolution={doc}&amp;state=overdue\">{listed}</a></td>")
        } else {
            "<td>0</td>\n    </tr>".to_string()
        };
        assert!(row.contains(&cell), "{cell} in {row}");
    }
    assert!(
        overdue_somewhere > 0,
        "the demo has overdue obligations today"
    );
    // Only GA, and a body that does not exist is said beside its field, with the form kept.
    let ga = page(&app, "/resolutions?body=SC").await;
    assert!(ga.contains("1 resolution,"), "{ga}");
    let bad = app.get("/resolutions?body=UNGA&q=weapons").await;
    assert_eq!(bad.status(), 400);
    let bad = bad.text().await.unwrap();
    assert!(bad.contains("There is no body UNGA:"), "{bad}");
    assert!(bad.contains("value=\"weapons\""), "{bad}");
    // The search box is in the header of every page.
    for path in [
        "/",
        "/obligations",
        "/agenda",
        &format!("/resolutions/{id}"),
    ] {
        let html = page(&app, path).await;
        assert!(
            html.contains("<form class=\"find\" method=\"get\" action=\"/resolutions\""),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_resolution_page_leads_with_what_it_asks_in_the_states_of_the_lists() {
    let app = app_with_demo().await;
    let id = document_id(&app, "A/RES/75/58").await;
    let html = page(&app, &format!("/resolutions/{id}")).await;
    let summary_at = html.find("id=\"summary\"").expect("a summary");
    assert!(summary_at < html.find("id=\"preamble\"").unwrap());
    let summary = &html[summary_at..summary_at + html[summary_at..].find("</section>").unwrap()];
    // Who, when as a date and in the text's words.
    assert!(summary.contains("Secretary-General"), "{summary}");
    assert!(summary.contains("14 Sep 2021"), "{summary}");
    assert!(summary.contains("seventy-sixth session"), "{summary}");
    let in_summary = row_states(summary);
    let list = page(&app, &format!("/obligations?resolution={id}")).await;
    let mut in_list = row_states(&list);
    let mut sorted = in_summary.clone();
    sorted.sort();
    in_list.sort();
    assert!(!in_list.is_empty());
    assert_eq!(sorted, in_list, "the summary and the list agree");
    // The clause badges under the text say the same state.
    let text = &html[html.find("id=\"operative\"").unwrap()..];
    for (obligation, state) in &in_summary {
        let at = text
            .find(&format!("href=\"/obligations/{obligation}\""))
            .unwrap();
        let after = &text[at..];
        let line = &after[..after.find("</li>").unwrap()];
        assert!(line.contains(&format!(">{state}</span>")), "{line}");
    }
}

#[tokio::test]
async fn an_invalid_filter_shows_the_list_again_with_the_input_and_the_message_beside_it() {
    let app = app_with_demo().await;
    let response = app
        .get("/obligations?body=GA&q=weapons&due_from=next+week&sort=resolution")
        .await;
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    // The list's own page, not the error page.
    assert!(html.contains("<h1>Obligations</h1>"), "{html}");
    assert!(html.contains("role=\"alert\""), "{html}");
    let field = &html[html.find("name=\"due_from\"").expect("the field")..];
    let field = &field[..field.find("</label>").unwrap()];
    assert!(field.contains("value=\"next week\""), "{field}");
    assert!(field.contains("aria-invalid=\"true\""), "{field}");
    assert!(
        field.contains("id=\"error-due_from\">due_from must be a date"),
        "{field}"
    );
    // What else was typed or chosen is kept.
    assert!(html.contains("value=\"weapons\""), "{html}");
    assert!(html.contains("<option value=\"GA\" selected>"), "{html}");
    assert!(
        html.contains("<option value=\"resolution\" selected>"),
        "{html}"
    );
    let sort = app.get("/obligations?sort=sideways").await;
    assert_eq!(sort.status(), 400);
    assert!(
        sort.text()
            .await
            .unwrap()
            .contains("id=\"error-sort\">unknown sort")
    );
}

#[tokio::test]
async fn a_page_past_the_end_of_a_list_says_so_and_links_to_the_last() {
    let app = app_with_demo().await;
    let html = page(&app, "/obligations?body=GA&page=999").await;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE o.clause_id IS NOT NULL AND d.body = 'GA'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let pages = (total + 49) / 50;
    assert!(
        html.contains(&format!(
            "Page 999 is past the end of this list: it has {pages} page"
        )),
        "{html}"
    );
    let last = if pages > 1 {
        format!("href=\"/obligations?body=GA&#38;page={pages}\">Go to the last page")
    } else {
        "href=\"/obligations?body=GA\">Go to the last page".to_string()
    };
    assert!(html.contains(&last), "{html}");
    assert!(!html.contains("No obligations match"), "{html}");
    let index = page(&app, "/resolutions?page=5").await;
    assert!(
        index.contains("Page 5 is past the end: this list has 1 page."),
        "{index}"
    );
}

#[tokio::test]
async fn reloading_the_page_that_shows_a_new_feed_token_makes_no_other_token() {
    let app = app_with_demo().await;
    let (viewer, csrf) = app.client_as("viewer", "Vera Viewer").await;
    let made = viewer
        .post(format!("{}/account/feed-tokens", app.address))
        .form(&[("label", "Outlook"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    assert_eq!(made.headers()[header::LOCATION], "/account");
    let account = format!("{}/account", app.address);
    let shown = crate::harness::text_of(&viewer, &account).await;
    assert!(shown.contains("Feed token made."), "{shown}");
    assert!(
        shown.contains(&format!("{}/obligations.ics?", app.address)),
        "{shown}"
    );
    // A reload is a GET of the account page: no second token, and the secret is not shown
    // again.
    let reloaded = crate::harness::text_of(&viewer, &account).await;
    assert!(!reloaded.contains("/obligations.ics?status"), "{reloaded}");
    let tokens: i64 = sqlx::query_scalar("SELECT count(*) FROM feed_tokens")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(tokens, 1);
    // The audit log says it in words, the code kept as their title, one field a line.
    let audit = crate::harness::text_of(&app.client, format!("{}/admin/audit", app.address)).await;
    assert!(
        audit.contains("<span title=\"feed_token.create\">made a calendar feed token</span>"),
        "{audit}"
    );
    let css =
        crate::harness::text_of(&app.client, format!("{}/static/style.css", app.address)).await;
    assert!(css.contains("td.json { white-space: pre-line; }"));
}

#[tokio::test]
async fn the_csv_opens_in_excel_with_its_curly_quotes_and_the_json_more_agrees_with_next() {
    let app = app_with_demo().await;
    let csv = app.get("/obligations.csv").await.bytes().await.unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFobligation_id,"), "{csv:?}");
    let mut next = Some(format!("{}/api/obligations?per_page=50", app.address));
    let mut pages = 0;
    while let Some(url) = next {
        let body = app
            .client
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        pages += 1;
        next = page["next"].as_str().map(String::from);
        assert_eq!(page["more"], next.is_some(), "{url}: {page}");
    }
    assert!(pages > 1, "the demo has more than a page of 50");
}

#[tokio::test]
async fn saving_a_status_or_an_import_says_it_was_saved() {
    let app = app_with_demo().await;
    let id: i64 = sqlx::query_scalar("SELECT min(id) FROM obligations WHERE clause_id IS NOT NULL")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let saved = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[
            ("status", "fulfilled"),
            ("fulfilled_by", "A/76/123"),
            ("csrf", app.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let location = saved.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(location, format!("/obligations/{id}?saved=1"));
    let html = page(&app, &location).await;
    assert!(
        html.contains("Saved: the status is now <strong>fulfilled</strong>, fulfilled by A/76/123"),
        "{html}"
    );
    // Without the answer's mark, the page is the page.
    assert!(
        !page(&app, &format!("/obligations/{id}"))
            .await
            .contains("Saved:")
    );

    let text =
        std::fs::read_to_string(crate::extract::fixture("src/demo/A-RES-75-58.txt")).unwrap();
    let import = |text: String| {
        let client = app.client.clone();
        let url = format!("{}/import/save", app.address);
        let csrf = app.csrf.clone();
        async move {
            let response = client
                .post(url)
                .form(&[("text", text.as_str()), ("name", "pasted"), ("csrf", &csrf)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 303);
            response.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_string()
        }
    };
    let again = import(text).await;
    assert!(again.ends_with("?imported=unchanged"), "{again}");
    assert!(
        page(&app, &again)
            .await
            .contains("Already in the tracker with this same text")
    );
}

#[tokio::test]
async fn a_viewer_saves_a_list_sees_it_in_words_and_subscribes_to_its_weekly_digest() {
    let app = app_with_demo().await;
    let (viewer, csrf) = app.client_as("viewer", "Vera Viewer").await;
    let actor: i64 = sqlx::query_scalar("SELECT id FROM actors WHERE name = 'Secretary-General'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let list = crate::harness::text_of(
        &viewer,
        format!(
            "{}/obligations?actor={actor}&status=outstanding&body=GA",
            app.address
        ),
    )
    .await;
    assert!(
        list.contains("action=\"/lists\""),
        "a viewer can save the list"
    );
    let filter = format!("body=GA&status=outstanding&actor={actor}&sort=due");
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let viewer = viewer.clone();
        let url = format!("{}{path}", app.address);
        async move { viewer.post(url).form(&form).send().await.unwrap() }
    };
    let saved = post(
        "/lists".into(),
        vec![
            ("name", "Secretary-General outstanding".into()),
            ("filter", filter.clone()),
            ("csrf", csrf.clone()),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(saved.headers()[header::LOCATION], "/#my-lists");
    let overview = crate::harness::text_of(&viewer, format!("{}/", app.address)).await;
    let mine = &overview[overview.find("id=\"my-lists\"").expect("My lists")..];
    let mine = &mine[..mine.find("</section>").unwrap()];
    assert!(
        mine.contains("Secretary-General outstanding</a>: Secretary-General, outstanding, GA."),
        "{mine}"
    );
    let list_id: i64 = sqlx::query_scalar("SELECT id FROM saved_lists")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // Unknown filter keys are refused, here and in the admins' digest form.
    let refused = post(
        "/lists".into(),
        vec![
            ("name", "Everything?".into()),
            ("filter", "foo=bar".into()),
            ("csrf", csrf.clone()),
        ],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("foo&#34;, which the obligations list does not read"),
        "{refused}"
    );
    let digest_form = app
        .client
        .post(format!("{}/digest/subscribers", app.address))
        .form(&[
            ("email", "ana@example.org"),
            ("filter", "foo=bar"),
            ("csrf", app.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(digest_form.status(), 400);
    // The viewer subscribes themselves: no 403, no address asked.
    let subscribed = post(
        format!("/lists/{list_id}/subscribe"),
        vec![("csrf", csrf.clone())],
    )
    .await;
    assert_eq!(subscribed.status(), 303);
    let (email, filter_query): (String, String) =
        sqlx::query_as("SELECT email, filter_query FROM subscribers")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(email, "vera.viewer@test.example");
    assert_eq!(
        filter_query,
        format!("body=GA&actor={actor}&status=outstanding")
    );
    let overview = crate::harness::text_of(&viewer, format!("{}/", app.address)).await;
    assert!(overview.contains("emailed to you every week"), "{overview}");
    // The kinds' states come in the order of urgency, whatever order the database grouped
    // them in (a restored backup once showed another).
    let deliverables = &overview[overview.find("id=\"kind-deliverable\"").unwrap()..];
    let deliverables = &deliverables[..deliverables.find("</tr>").unwrap()];
    assert!(
        deliverables.find("overdue</span>").unwrap()
            < deliverables.find("fulfilled</span>").unwrap(),
        "{deliverables}"
    );
    // Someone else's list is not theirs to subscribe to.
    let (other, other_csrf) = app.client_as("viewer", "Otto Other").await;
    let response = other
        .post(format!("{}/lists/{list_id}/subscribe", app.address))
        .form(&[("csrf", other_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn agenda_planning_says_who_must_submit_each_report_and_numbers_nothing() {
    let app = app_with_demo().await;
    let html = page(&app, "/agenda?body=GA&session=76").await;
    let request = crate::dashboard::obligation_id_of(&app, "A/RES/75/58", "5", "requests").await;
    let at = html
        .find(&format!("href=\"/obligations/{request}\""))
        .unwrap_or_else(|| panic!("75/58's report is due at GA 76: {html}"));
    let line = &html[at..at + html[at..].find("</li>").unwrap()];
    assert!(
        line.contains("<span class=\"who\">by Secretary-General</span>"),
        "{line}"
    );
    // The list is not numbered: its order is not the Assembly's item numbers.
    assert!(!html.contains("<ol class=\"agenda\">"), "{html}");
}

#[tokio::test]
async fn fulfilled_by_takes_a_document_symbol_not_words() {
    let app = app_with_demo().await;
    let id: i64 = sqlx::query_scalar(
        "SELECT min(id) FROM obligations WHERE clause_id IS NOT NULL AND status = 'open'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let response = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[
            ("status", "fulfilled"),
            ("fulfilled_by", "see the email from Bob"),
            ("csrf", app.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("is not a document symbol such as A/76/170"),
        "{html}"
    );
    let status: String = sqlx::query_scalar("SELECT status FROM obligations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "open", "nothing was saved");
}

/// The value of the hidden field `name` of a page.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + key.len();
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn a_form_sent_after_the_session_expired_comes_back_with_its_input_after_signing_in() {
    let app = app_with_demo().await;
    let (viewer, csrf) = app.client_as("viewer", "Vera Viewer").await;
    sqlx::query("UPDATE user_sessions SET expires_at = now() - interval '1 minute'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let sent = viewer
        .post(format!("{}/lists", app.address))
        .header("Referer", format!("{}/obligations?body=GA", app.address))
        .form(&[
            ("name", "Secretary-General \u{201c}outstanding\u{201d}"),
            ("filter", "body=GA&status=outstanding"),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 401);
    let form = sent.text().await.unwrap();
    assert!(
        form.contains("Your session ended before this form arrived."),
        "{form}"
    );
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM saved_lists")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(saved, 0, "nothing is saved without a session");
    // The sign-in form carries the form to send again (its spent token left out), and the
    // page it was sent from.
    let (action, fields) = (
        hidden(&form, "resume_action"),
        hidden(&form, "resume_fields"),
    );
    assert_eq!(action, "/lists");
    assert!(!fields.contains("csrf"), "{fields}");
    assert_eq!(hidden(&form, "next"), "/obligations?body=GA");
    let unescape = |s: &str| s.replace("&#38;", "&").replace("&amp;", "&");
    let signed_in = viewer
        .post(format!("{}/sign-in", app.address))
        .form(&[
            ("email", "vera.viewer@test.example"),
            ("password", crate::harness::TEST_PASSWORD),
            ("csrf", hidden(&form, "csrf").as_str()),
            ("next", "/obligations?body=GA"),
            ("resume_action", unescape(&action).as_str()),
            ("resume_fields", unescape(&fields).as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let again = signed_in.text().await.unwrap();
    assert!(again.contains("action=\"/lists\""), "{again}");
    assert!(
        again.contains("value=\"Secretary-General \u{201c}outstanding\u{201d}\""),
        "{again}"
    );
    assert!(
        again.contains("value=\"body=GA&#38;status=outstanding\""),
        "{again}"
    );
    // Sent again as shown, with the new session's token, the list is saved.
    let new_csrf = hidden(&again, "csrf");
    assert_ne!(new_csrf, csrf);
    let resent = viewer
        .post(format!("{}/lists", app.address))
        .form(&[
            ("name", "Secretary-General \u{201c}outstanding\u{201d}"),
            ("filter", "body=GA&status=outstanding"),
            ("csrf", new_csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resent.status(), 303);
    let name: String = sqlx::query_scalar("SELECT name FROM saved_lists")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(name, "Secretary-General \u{201c}outstanding\u{201d}");
}

/// Every obligation id of a list, through all its pages.
async fn ids_of_whole_list(app: &TestApp, path: &str) -> std::collections::BTreeSet<i64> {
    let mut ids = std::collections::BTreeSet::new();
    let mut next = Some(path.to_string());
    while let Some(path) = next {
        let html = page(app, &path).await;
        ids.extend(row_states(&html).into_iter().map(|(id, _)| id));
        next = html.split("rel=\"next\" href=\"").nth(1).map(|rest| {
            rest[..rest.find('"').unwrap()]
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        });
    }
    ids
}

#[tokio::test]
async fn asked_of_us_lists_what_member_states_are_asked_to_do_grouped_with_deadlines() {
    let app = app_with_demo().await;
    let html = page(&app, "/asked-of-us").await;
    // Exactly the outstanding requests, invitations, calls and encouragements addressed to
    // Member States or States parties, as the obligations list finds them.
    let mut expected = std::collections::BTreeSet::new();
    for actor in ["Member States", "States parties"] {
        let Some(id): Option<i64> = sqlx::query_scalar("SELECT id FROM actors WHERE name = $1")
            .bind(actor)
            .fetch_optional(&app.db.pool)
            .await
            .unwrap()
        else {
            continue;
        };
        for action in ["request", "invitation", "call", "encouragement"] {
            expected.extend(
                ids_of_whole_list(
                    &app,
                    &format!("/obligations?actor={id}&status=outstanding&action={action}"),
                )
                .await,
            );
        }
    }
    let shown: std::collections::BTreeSet<i64> =
        row_states(&html).into_iter().map(|(id, _)| id).collect();
    assert!(
        !expected.is_empty(),
        "the demo asks things of Member States"
    );
    assert_eq!(shown, expected, "{html}");
    assert!(
        html.contains(&format!("{} requests", expected.len())),
        "{html}"
    );
    // Grouped by what is asked: A/RES/80/66 invites Member States to submit their views.
    let views = &html[html
        .find("id=\"asked-views\"")
        .expect("a Submit views group")..];
    let views = &views[..views.find("</section>").unwrap()];
    assert!(views.contains("Submit views"), "{views}");
    assert!(views.contains(">A/RES/80/66</a>"), "{views}");
    assert!(views.contains("submit their views"), "{views}");
    // A/RES/80/6 invites States to contribute to a trust fund.
    let fund = &html[html
        .find("id=\"asked-contribute\"")
        .expect("a Contribute group")..];
    let fund = &fund[..fund.find("</section>").unwrap()];
    assert!(fund.contains("contribute to the trust fund"), "{fund}");
    // Dated requests come before undated ones, soonest first, in each group.
    for group in html.split("<section aria-labelledby=\"asked-").skip(1) {
        let dates: Vec<Option<&str>> = group
            .split("<td class=\"due\">")
            .skip(1)
            .map(|cell| {
                cell.strip_prefix("<time datetime=\"")
                    .map(|rest| &rest[..10])
            })
            .collect();
        let mut sorted = dates.clone();
        sorted.sort_by_key(|d| (d.is_none(), *d));
        assert_eq!(dates, sorted, "{group}");
    }
    // The page is in the menu of every page, after a skip link to the content.
    assert!(html.contains("<a href=\"/asked-of-us\">Asked of us</a>"));
    let skip = html
        .find("<a class=\"skip\" href=\"#content\">Skip to the content</a>")
        .expect("a skip link");
    assert!(
        skip < html.find("<a ").unwrap() + 1,
        "the first link of the page"
    );
    assert!(html.contains("<main id=\"content\">"));
}

#[tokio::test]
async fn lists_are_compact_sortable_by_their_headings_and_print_whole() {
    let app = app_with_demo().await;
    let html = page(&app, "/obligations?body=GA").await;
    // One line a row: the verb is the link, the paragraph's first words follow without it,
    // and the whole paragraph is one click away.
    let rows: Vec<&str> = html.split("<tr class=\"state-").skip(1).collect();
    assert_eq!(rows.len(), 50);
    for row in &rows {
        let verb_at = row
            .find("<td class=\"what\"><a href=\"/obligations/")
            .unwrap();
        let verb = &row[verb_at..];
        let verb = &verb[verb.find("\">").unwrap() + 2..verb.find("</a>").unwrap()];
        let summary = row
            .split("<details class=\"para\"><summary>")
            .nth(1)
            .expect("the paragraph on demand");
        let summary = &summary[..summary.find("</summary>").unwrap()];
        assert!(
            !summary.to_lowercase().starts_with(&verb.to_lowercase()),
            "{verb} twice in {row}"
        );
        assert!(summary.chars().count() <= 91, "{summary}");
    }
    // Sortable headings: the due column turns round; the others sort by themselves.
    let due_heading = |html: &str| {
        let th = &html[html.find("<th scope=\"col\"").unwrap()..];
        th[..th.find("</th>").unwrap()].to_string()
    };
    let heading = due_heading(&html);
    assert!(heading.contains("aria-sort=\"ascending\""), "{heading}");
    assert!(
        heading.contains("href=\"/obligations?body=GA&#38;sort=due_desc\""),
        "{heading}"
    );
    let dates = |html: &str| -> Vec<String> {
        html.split("<td class=\"due\"><time datetime=\"")
            .skip(1)
            .map(|rest| rest[..10].to_string())
            .collect()
    };
    let ascending = dates(&html);
    assert!(ascending.windows(2).all(|w| w[0] <= w[1]), "{ascending:?}");
    let latest = page(&app, "/obligations?body=GA&sort=due_desc").await;
    let heading = due_heading(&latest);
    assert!(heading.contains("aria-sort=\"descending\""), "{heading}");
    assert!(
        heading.contains("href=\"/obligations?body=GA&#38;sort=due\""),
        "{heading}"
    );
    let descending = dates(&latest);
    assert!(
        descending.windows(2).all(|w| w[0] >= w[1]),
        "{descending:?}"
    );
    assert!(latest.contains(
        "<th scope=\"col\"><a href=\"/obligations?body=GA&#38;sort=resolution\">Resolution</a></th>"
    ));
    let by_resolution = page(&app, "/obligations?body=GA&sort=resolution&page=2").await;
    assert!(by_resolution.contains(
        "<th scope=\"col\" aria-sort=\"ascending\"><a href=\"/obligations?body=GA&#38;sort=resolution\">Resolution</a></th>"
    ), "a heading's link starts again from the first page");
    // Printing prints the whole filtered list, every paragraph in full, without the menus.
    assert!(html.contains("href=\"/obligations/print?body=GA\">Print the whole list</a>"));
    let count: usize = html[html.find("<p class=\"count\">").unwrap() + 17..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(count > 50, "the demo's GA list has more than one page");
    let printed = page(&app, "/obligations/print?body=GA").await;
    assert_eq!(printed.matches("<tr class=\"state-").count(), count);
    assert!(!printed.contains("<details"), "{printed}");
    assert!(printed.contains("Obligations: GA"), "{printed}");
    let css = page(&app, "/static/style.css").await;
    let print = &css[css.rfind("@media print").unwrap()..];
    assert!(
        print.contains("header.site, footer.site, form, nav.pager"),
        "{print}"
    );
    // At 360 px the rows become cards instead of a table wider than the screen.
    assert!(html.contains("width=device-width"));
    assert!(css.contains("@media (max-width: 40rem)"));
    let bad = app.get("/obligations/print?due_from=soon").await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_digest_page_says_whether_mail_goes_out_and_shows_a_viewer_their_own_digest() {
    let app = app_with_demo().await;
    let (viewer, csrf) = app.client_as("viewer", "Vera Viewer").await;
    let digest = format!("{}/digest", app.address);
    let html = crate::harness::text_of(&viewer, &digest).await;
    assert!(
        html.contains(
            "No mail server is configured (<code>SMTP_URL</code> is not set), so no digest is sent"
        ),
        "{html}"
    );
    assert!(html.contains("You receive no digest."), "{html}");
    assert!(!html.contains("Add a subscriber"), "admins only: {html}");
    // Subscribed to a saved list, the viewer sees it in words, and previews it.
    let actor: i64 = sqlx::query_scalar("SELECT id FROM actors WHERE name = 'Secretary-General'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let viewer = viewer.clone();
        let url = format!("{}{path}", app.address);
        async move { viewer.post(url).form(&form).send().await.unwrap() }
    };
    let saved = post(
        "/lists".into(),
        vec![
            ("name", "Secretary-General outstanding".into()),
            ("filter", format!("actor={actor}&status=outstanding")),
            ("csrf", csrf.clone()),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let list: i64 = sqlx::query_scalar("SELECT id FROM saved_lists")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let subscribed = post(
        format!("/lists/{list}/subscribe"),
        vec![("csrf", csrf.clone())],
    )
    .await;
    assert_eq!(subscribed.status(), 303);
    let html = crate::harness::text_of(&viewer, &digest).await;
    assert!(
        html.contains("You receive <strong>Secretary-General, outstanding</strong> at vera.viewer@test.example"),
        "{html}"
    );
    assert!(html.contains("Next: not sent (no mail server)"), "{html}");
    let mine: i64 =
        sqlx::query_scalar("SELECT id FROM subscribers WHERE email = 'vera.viewer@test.example'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(
        html.contains(&format!("href=\"/digest/preview/{mine}\"")),
        "{html}"
    );
    // The preview is a page of the site with a way back, the email in a sandboxed frame
    // that may style itself inline and do nothing else.
    let framed = viewer
        .get(format!("{}/digest/preview/{mine}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(framed.status(), 200);
    let policy = framed.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.contains("frame-src 'self'") && !policy.contains("unsafe"),
        "{policy}"
    );
    let framed = framed.text().await.unwrap();
    assert!(framed.contains("<a href=\"/digest\">Back to the digest page</a>"));
    assert!(framed.contains(&format!(
        "<iframe class=\"digest-preview\" sandbox=\"\" title=\"The digest email for vera.viewer@test.example\" src=\"/digest/subscribers/{mine}/preview\">"
    )), "{framed}");
    let email = viewer
        .get(format!("{}/digest/subscribers/{mine}/preview", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(email.status(), 200);
    assert_eq!(
        email.headers()[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'self'; base-uri 'none'"
    );
    assert_eq!(email.headers()[header::X_FRAME_OPTIONS], "SAMEORIGIN");
    assert!(email.text().await.unwrap().contains("style=\""));
    // Someone else's digest is not the viewer's to see.
    let other = mandates::store::subscribe_self(&app.db.pool, "otto@test.example", "Otto", "")
        .await
        .unwrap();
    for path in [
        format!("/digest/preview/{other}"),
        format!("/digest/subscribers/{other}/preview"),
    ] {
        let refused = viewer
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 404, "{path}");
    }
    // Admins see the last delivery and the last error.
    sqlx::query(
        "INSERT INTO digest_jobs (subscriber_id, week_start, as_of, status, attempts, finished_at)
         VALUES ($1, '2026-11-23', '2026-11-23', 'sent', 1, '2026-11-23 08:00:05+00')",
    )
    .bind(mine)
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO digest_jobs (subscriber_id, week_start, as_of, status, attempts, last_error, finished_at)
         VALUES ($1, '2026-11-30', '2026-11-30', 'failed', 5, 'connection refused by 127.0.0.1:25', '2026-11-30 09:00:00+00')",
    )
    .bind(other)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let admin = page(&app, "/digest").await;
    assert!(
        admin.contains(
            "<dd id=\"last-delivery\">23 Nov 2026 08:00 UTC to vera.viewer@test.example</dd>"
        ),
        "{admin}"
    );
    assert!(
        admin.contains("<dd id=\"last-error\">connection refused by 127.0.0.1:25 (30 Nov 2026 09:00 UTC, to otto@test.example)</dd>"),
        "{admin}"
    );
    let html = crate::harness::text_of(&viewer, &digest).await;
    assert!(
        html.contains("<dd id=\"last-delivery\">23 Nov 2026 08:00 UTC</dd>"),
        "{html}"
    );
    assert!(!html.contains("connection refused"), "{html}");

    // With a mail server configured, the page says where digests go (never its password).
    let configured = TestApp::spawn_with(mandates::web::AppConfig {
        smtp: Some(mandates::digest::mail::describe_smtp_url(
            "smtp://ana:s3cret@mail.example.org:587?tls=required",
        )),
        ..Default::default()
    })
    .await;
    let html = page(&configured, "/digest").await;
    assert!(
        html.contains("Digests are sent through <code>smtp://mail.example.org:587</code>."),
        "{html}"
    );
    assert!(!html.contains("s3cret"));
}

#[tokio::test]
async fn digest_preview_on_the_command_line_links_where_the_server_is_reached() {
    let app = app_with_demo().await;
    mandates::store::subscribe_self(&app.db.pool, "ana@example.org", "Ana", "body=GA")
        .await
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut serve = app.cli();
    serve
        .env_remove("MANDATES_BASE_URL")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")]);
    let server = crate::harness::ServerProcess::start(serve).expect("serve starts");
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    let preview = app
        .cli()
        .env_remove("MANDATES_BASE_URL")
        .args(["digest", "preview", "--to", "ana@example.org"])
        .output()
        .unwrap();
    assert!(preview.status.success(), "{preview:?}");
    let message = String::from_utf8_lossy(&preview.stdout);
    assert!(
        message.contains(&format!("<http://127.0.0.1:{port}/unsubscribe?token=")),
        "{message}"
    );
    assert!(!message.contains("127.0.0.1:8080"), "{message}");
    // MANDATES_BASE_URL still wins.
    let preview = app
        .cli()
        .env("MANDATES_BASE_URL", "https://mandates.example.org")
        .args(["digest", "preview", "--to", "ana@example.org"])
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&preview.stdout);
    assert!(
        message.contains("<https://mandates.example.org/unsubscribe?token="),
        "{message}"
    );
}

/// The number a list page's count line starts with.
fn list_count(html: &str) -> i64 {
    html[html.find("<p class=\"count\">").unwrap() + 17..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_actor_page_counts_by_state_and_year_lists_their_obligations_and_labels_its_charts() {
    let app = app_with_demo().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM actors WHERE name = 'Secretary-General'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let html = page(&app, &format!("/actors/{id}")).await;
    let all = list_count(&page(&app, &format!("/obligations?actor={id}")).await);
    let outstanding =
        list_count(&page(&app, &format!("/obligations?actor={id}&status=outstanding")).await);
    let overdue = list_count(&page(&app, &format!("/obligations?actor={id}&state=overdue")).await);
    assert!(
        html.contains(&format!(
            "All {all} obligations of Secretary-General</a>, {outstanding} outstanding"
        )),
        "{html}"
    );
    // The year table adds up to the lists' counts.
    let table = &html[html.find("<table class=\"years\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let (mut sum_overdue, mut sum_outstanding, mut sum_all) = (0, 0, 0);
    let mut years = Vec::new();
    for row in table.split("<tr><th scope=\"row\">").skip(1) {
        years.push(row[..row.find('<').unwrap()].to_string());
        let cells: Vec<i64> = row
            .split("<td>")
            .skip(1)
            .map(|c| c[..c.find('<').unwrap()].parse().unwrap())
            .collect();
        sum_overdue += cells[0];
        sum_outstanding += cells[1];
        sum_all += cells[4];
    }
    assert_eq!(
        (sum_overdue, sum_outstanding, sum_all),
        (overdue, outstanding, all),
        "{table}"
    );
    assert!(years.iter().any(|y| y == "2021"), "{years:?}");
    // The chart is labelled with the years and its counts.
    let chart = &html[html.find("<figure class=\"years\">").unwrap()..];
    for year in &years {
        assert!(
            chart.contains(&format!(">{year}</text>")),
            "{year} in {chart}"
        );
    }
    assert!(chart.contains(" overdue, ") && chart.contains(" fulfilled</text>"));
    // The month chart says which year each January starts, and each bar's count.
    let timeline = &html[html.find("<figure class=\"timeline\">").unwrap()..];
    assert!(timeline.contains("<text class=\"year\""), "{timeline}");
    // Their outstanding obligations, soonest first.
    let listed = row_states(&html[html.find("id=\"list-heading\"").unwrap()..]);
    assert_eq!(listed.len() as i64, outstanding.min(20));
}

#[tokio::test]
async fn agenda_planning_numbers_items_as_the_texts_do_dates_sessions_and_shows_three_ahead() {
    let app = app_with_demo().await;
    let html = page(&app, "/agenda?body=GA&session=76").await;
    // 75/58 put the item on the 76th session's agenda; 76/28, adopted there, prints its
    // number.
    assert!(
        html.contains("<span class=\"item-number\">Item 100 (s)</span>"),
        "{html}"
    );
    assert!(html.contains("(number as in A/RES/76/28)"), "{html}");
    let dates = &html[html.find("<p id=\"session-dates\">").unwrap()..];
    let dates = &dates[..dates.find("</p>").unwrap()];
    assert!(
        dates.contains(
            "The session opens on <time datetime=\"2021-09-14\">14 September 2021</time>"
        ),
        "{dates}"
    );
    assert!(
        dates.contains("href=\"/agenda/ahead?body=GA&amp;from=76\""),
        "{dates}"
    );
    // Three sessions in one view; by default the one under way and the two after it.
    let ahead = page(&app, "/agenda/ahead?body=GA").await;
    assert!(
        ahead.contains("<h1>Agenda planning: GA sessions 81–83</h1>"),
        "{ahead}"
    );
    for session in [81, 82, 83] {
        assert!(
            ahead.contains(&format!("<h2 id=\"session-{session}\">")),
            "{session}: {ahead}"
        );
    }
    let s81 =
        &ahead[ahead.find("id=\"session-81\"").unwrap()..ahead.find("id=\"session-82\"").unwrap()];
    assert!(s81.contains("Opens <time datetime=\"2026-09-"), "{s81}");
    let s82 =
        &ahead[ahead.find("id=\"session-82\"").unwrap()..ahead.find("id=\"session-83\"").unwrap()];
    assert!(
        s82.contains("predicted"),
        "the series returns at GA 82: {s82}"
    );
    // The 81st session's items and reports are those of its own agenda page.
    let own = page(&app, "/agenda?body=GA&session=81").await;
    for link in own.split("href=\"/obligations/").skip(1) {
        let id = &link[..link.find('"').unwrap()];
        assert!(
            s81.contains(&format!("href=\"/obligations/{id}\"")),
            "{id} in {s81}"
        );
    }
    let bad = app.get("/agenda/ahead?body=GA&from=83&to=81").await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn a_new_text_of_a_followed_series_shows_in_the_digest_with_its_changed_requests() {
    let app = TestApp::spawn().await;
    let import = |files: &[&str]| {
        let mut command = app.cli();
        command.arg("import");
        for f in files {
            command.arg(crate::extract::fixture(&format!("src/demo/{f}")));
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    import(&[
        "A-RES-74-43.txt",
        "A-RES-75-58.txt",
        "A-RES-76-28.txt",
        "S-RES-1445-2002.txt",
    ]);
    // Those came in a month ago; this week brings the series' new text.
    sqlx::query("UPDATE documents SET imported_at = now() - interval '30 days'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    // The new text as adopted, with one more request, so that something asked is new.
    let folder = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::extract::fixture("src/demo/A-RES-78-43.txt"))
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
    let follower = mandates::store::subscribe_self(
        &app.db.pool,
        "ana@example.org",
        "Ana",
        "body=GA&q=terrorists",
    )
    .await
    .unwrap();
    let other = mandates::store::subscribe_self(&app.db.pool, "sam@example.org", "Sam", "body=SC")
        .await
        .unwrap();
    let preview = |id: i64, as_of: Option<&str>| {
        let path = match as_of {
            Some(day) => format!("/digest/subscribers/{id}/preview?as_of={day}"),
            None => format!("/digest/subscribers/{id}/preview"),
        };
        let app = &app;
        async move { page(app, &path).await }
    };
    let html = preview(follower, None).await;
    let section = &html[html
        .find("id=\"new-texts\"")
        .expect("new in this year's text")..];
    let section = &section[..section.find("</ul>\n</li>").unwrap_or(section.len())];
    assert!(
        section.contains("New in this year&#39;s text (1)")
            || section.contains("New in this year's text (1)"),
        "{section}"
    );
    let series: i64 =
        sqlx::query_scalar("SELECT series_id FROM documents WHERE symbol = 'A/RES/78/43'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(
        section.contains(&format!(
            "<a href=\"{}/series/{series}\"><strong>A/RES/78/43</strong></a> against A/RES/76/28: ",
            app.address
        )),
        "{section}"
    );
    // The requests that changed, as the series page lists them first.
    let series_page = page(&app, &format!("/series/{series}")).await;
    assert!(
        section.contains("<li>New request (OP7): Invites Member States to inform the Secretary-General by 31 May 2024"),
        "{section}"
    );
    assert!(
        series_page.contains("Invites Member States to inform the Secretary-General"),
        "the series page shows the same change"
    );
    // The plain-text part says it too (the email as sent, through the command line).
    let output = app
        .cli()
        .env("MANDATES_BASE_URL", "https://mandates.example.org")
        .args(["digest", "preview", "--to", "ana@example.org"])
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&output.stdout);
    assert!(
        message.contains("NEW IN THIS YEAR'S TEXT (1)")
            && message.contains("* A/RES/78/43 against A/RES/76/28: "),
        "{message}"
    );
    // A filter that follows no text of the series hears nothing of it, and neither does
    // the follower a month later.
    assert!(!preview(other, None).await.contains("id=\"new-texts\""));
    let later = (chrono::Local::now().date_naive() + chrono::Duration::days(30)).to_string();
    assert!(
        !preview(follower, Some(&later))
            .await
            .contains("id=\"new-texts\"")
    );
}
