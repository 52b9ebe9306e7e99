//! Series through the real import and HTTP: the demo's resolutions on terrorists and weapons
//! of mass destruction form one series whatever order they come in, and its page shows what
//! changed in each text against the one before.

use crate::dashboard::app_with_demo;
use crate::extract::fixture;
use crate::harness::TestApp;

const WMD_SERIES: [&str; 5] = [
    "A/RES/74/43",
    "A/RES/75/58",
    "A/RES/76/28",
    "A/RES/78/43",
    "A/RES/80/41",
];

async fn series_members(app: &TestApp, symbol: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT d.symbol FROM documents d
         WHERE d.series_id = (SELECT series_id FROM documents WHERE symbol = $1)
         ORDER BY d.session, d.symbol",
    )
    .bind(symbol)
    .fetch_all(&app.db.pool)
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

#[tokio::test]
async fn the_demo_series_is_formed_at_import_and_its_page_shows_each_difference() {
    let app = app_with_demo().await;
    assert_eq!(series_members(&app, "A/RES/75/58").await, WMD_SERIES);
    // 78/43 recalls 77/75, which the demo lacks: it joins by its title.
    let basis: Option<String> =
        sqlx::query_scalar("SELECT series_basis FROM documents WHERE symbol = 'A/RES/78/43'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(basis.as_deref(), Some("title"));

    let id = document_id(&app, "A/RES/75/58").await;
    let page = app
        .get(&format!("/resolutions/{id}"))
        .await
        .text()
        .await
        .unwrap();
    let link = page
        .split("href=\"/series/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the resolution page links to its series");
    let response = app.get(&format!("/series/{link}")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    // Newest first, each linked to its page.
    let at: Vec<usize> = WMD_SERIES
        .iter()
        .rev()
        .map(|s| {
            html.find(&format!(">{s}</a>"))
                .unwrap_or_else(|| panic!("{s} listed"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "newest first: {at:?}");
    assert!(
        html.contains("A/RES/75/58 against A/RES/74/43: 1 paragraph changed, 0 new, 0 dropped")
    );
    assert!(html.contains("A/RES/78/43 against A/RES/76/28: technical update"));
    // 75/58's comparison: PP8 changed with its words marked, OP5 updated.
    let diff = &html[html.find("A/RES/75/58 against").unwrap()..];
    let diff = &diff[..diff.find("</section>").unwrap()];
    assert!(
        diff.contains("Final Document of the <ins>Eighteenth Summit</ins> <del>Seventeenth Conference</del> of Heads"),
        "{diff}"
    );
    assert!(diff.contains(
        r#"<li class="mark-updated"><span class="label">OP5</span> <span class="badge">updated</span>"#
    ));
    assert_eq!(diff.matches(r#"class="mark-changed""#).count(), 1);
}

#[tokio::test]
async fn a_series_forms_whatever_order_its_texts_are_imported_in() {
    let app = TestApp::spawn().await;
    // Newest first, one import each: every text arrives after those that recall it.
    for symbol in WMD_SERIES.iter().rev() {
        let file = fixture(&format!("src/demo/{}.txt", symbol.replace('/', "-")));
        let output = app.cli().arg("import").arg(file).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(series_members(&app, "A/RES/74/43").await, WMD_SERIES);
    let series: i64 = sqlx::query_scalar("SELECT count(*) FROM series")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        series, 1,
        "the series started by the first imports were joined"
    );
}

#[tokio::test]
async fn a_resolution_alone_has_no_series_and_an_unknown_series_says_where_to_look() {
    let app = TestApp::spawn().await;
    let output = app
        .cli()
        .arg("import")
        .arg(fixture("src/demo/A-RES-77-98.txt"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let id = document_id(&app, "A/RES/77/98").await;
    let page = app
        .get(&format!("/resolutions/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("href=\"/series/"));
    let response = app.get("/series/4242").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("There is no series 4242"), "{html}");
}

#[tokio::test]
async fn the_agenda_shows_a_series_predicted_beyond_the_session_its_latest_text_decided() {
    let app = app_with_demo().await;
    let obligations = |app: &TestApp| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM obligations")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = obligations(&app).await;
    // 80/41 puts the item on the eighty-first session's agenda: decided, not predicted.
    let decided = app
        .get("/agenda?body=GA&session=81")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        decided.contains(
            "Measures to prevent terrorists from acquiring weapons of mass destruction — "
        )
    );
    assert!(
        !decided.contains("id=\"predicted\""),
        "nothing predicted at 81"
    );
    // Every session (80/41 says so), so it is expected back at the eighty-second.
    let html = app
        .get("/agenda?body=GA&session=82")
        .await
        .text()
        .await
        .unwrap();
    let predicted = &html[html.find("id=\"predicted\"").expect("a predicted section")..];
    assert!(predicted.contains("<span class=\"badge\">predicted</span>"));
    assert!(
        predicted.contains("Measures to prevent terrorists"),
        "{predicted}"
    );
    assert!(predicted.contains("with the report of the Secretary-General due"));
    assert!(
        predicted.contains("annual cycle (A/RES/80/41 puts the item on the agenda of session 81)")
    );
    assert_eq!(
        obligations(&app).await,
        before,
        "a prediction is not an obligation"
    );
}

/// The issue's acceptance, on the series' own texts only (without 80/41, which makes GA 80
/// real): 78/43 after 76/28 is one series, and GA 80 shows it predicted to return with the
/// Secretary-General's report due, with its basis. The cycle is what the texts say: 78/43
/// recalls 77/75 ("Recalling its resolution 77/75 of 7 December 2022") and "Decides to include
/// in the provisional agenda of its seventy-ninth session" the same sub-item, so the item is
/// annual; the gap from 76 to 78 is a text the tracker lacks, not a biennial cycle.
#[tokio::test]
async fn without_80_41_the_series_is_predicted_at_ga_80_with_the_secretary_generals_report() {
    let app = TestApp::spawn().await;
    let mut command = app.cli();
    command.arg("import");
    for f in [
        "A-RES-74-43.txt",
        "A-RES-75-58.txt",
        "A-RES-76-28.txt",
        "A-RES-78-43.txt",
    ] {
        command.arg(fixture(&format!("src/demo/{f}")));
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(series_members(&app, "A/RES/78/43").await, WMD_SERIES[..4]);
    let obligations = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM obligations")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let before = obligations().await;
    let page = |path: &'static str| {
        let app = &app;
        async move {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            response.text().await.unwrap()
        }
    };
    // 78/43 itself puts the item on the seventy-ninth session's agenda: decided there.
    let decided = page("/agenda?body=GA&session=79").await;
    assert!(
        decided.contains(
            "Measures to prevent terrorists from acquiring weapons of mass destruction — "
        ),
        "{decided}"
    );
    assert!(!decided.contains("id=\"predicted\""), "{decided}");
    // At the eightieth it is predicted, with the report asked of the Secretary-General.
    let html = page("/agenda?body=GA&session=80").await;
    let predicted = &html[html.find("id=\"predicted\"").expect("a predicted section")..];
    let predicted = &predicted[..predicted.find("</ul>").unwrap()];
    assert!(predicted.contains("<span class=\"badge\">predicted</span>"));
    assert!(
        predicted.contains("Measures to prevent terrorists"),
        "{predicted}"
    );
    assert!(
        predicted.contains("with the report of the Secretary-General due"),
        "{predicted}"
    );
    assert!(
        predicted.contains(
            "Basis: annual cycle (A/RES/78/43 puts the item on the agenda of session 79); \
             last decided for session 79"
        ),
        "{predicted}"
    );
    assert!(predicted.contains(">A/RES/78/43</a>"), "{predicted}");
    // The three-session view says the same, and a prediction is never an obligation.
    let ahead = page("/agenda/ahead?body=GA&from=79&to=81").await;
    let s80 =
        &ahead[ahead.find("id=\"session-80\"").unwrap()..ahead.find("id=\"session-81\"").unwrap()];
    assert!(s80.contains("1 predicted to return"), "{s80}");
    assert_eq!(
        obligations().await,
        before,
        "a prediction is not an obligation"
    );
}
