//! The generator behind the load benchmark, and the result cache that the dashboard's speed at
//! that size rests on: pages must never show data older than the database.

use crate::extract::fixture;
use crate::harness::TestApp;

#[tokio::test]
async fn generator_adds_whole_consistent_resolutions() {
    let app = TestApp::spawn().await;
    // Even when the log asks for everything, sqlx's statement lines (and its "slow
    // statement" warnings, which every chunk of a million obligations raises) stay out: the
    // progress lines are the output.
    let output = app
        .cli()
        .env("MANDATES_LOG", "trace")
        .args(["dev", "generate", "--obligations", "300"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.starts_with("generated "), "{stdout}");
    assert!(!stderr.contains("sqlx::query"), "{stderr}");
    assert!(stderr.contains("added "), "progress lines: {stderr}");
    let pool = &app.db.pool;
    let (obligations, documents): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT o.document_id) FROM obligations o
         JOIN documents d ON d.id = o.document_id WHERE d.source_name LIKE 'generated from %'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!((300..400).contains(&obligations), "{obligations}");
    assert!(
        stdout.contains(&format!("with {obligations} obligations")),
        "{stdout}"
    );
    // Every generated obligation points at a clause of its own document, in a paragraph of it.
    let misplaced: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM obligations o JOIN clauses c ON c.id = o.clause_id
         JOIN paragraphs p ON p.id = c.paragraph_id
         WHERE c.document_id <> o.document_id OR p.document_id <> o.document_id
            OR p.number <> o.paragraph_number",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(misplaced, 0);
    // Spread over bodies and states, with dates past and future.
    let bodies: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT body) FROM documents WHERE source_name LIKE 'generated from %'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(bodies >= 3, "{bodies} bodies among {documents} documents");
    let statuses: i64 = sqlx::query_scalar("SELECT count(DISTINCT status) FROM obligations")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(statuses, 4);
    // New rows after the generated ones get fresh ids: an import still works.
    let import = app
        .cli()
        .arg("import")
        .arg(fixture("tests/fixtures/A-RES-78-43.txt"))
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    // The list's filter copies on each obligation (generated ones written by the generator,
    // imported ones by the trigger) agree with the document, clause, actors and paragraph.
    let stale: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM obligations o JOIN clauses c ON c.id = o.clause_id
         JOIN paragraphs p ON p.id = c.paragraph_id JOIN documents d ON d.id = o.document_id
         WHERE o.body IS DISTINCT FROM d.body OR o.session IS DISTINCT FROM d.session
            OR o.adopted_on IS DISTINCT FROM d.adopted_on OR o.action IS DISTINCT FROM c.action
            OR o.search IS DISTINCT FROM p.search
            OR o.actor_ids <> coalesce((SELECT array_agg(DISTINCT ca.actor_id ORDER BY ca.actor_id)
                                        FROM clause_actors ca WHERE ca.clause_id = c.id), '{}')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(stale, 0, "obligations whose filter copies disagree");
    // The tallies the writes keep equal a count of the rows, after a generation, an import
    // and a change of state through the dashboard.
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM obligations WHERE status = 'open' AND clause_id IS NOT NULL LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let response = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[("status", "fulfilled"), ("csrf", app.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let tallies_off: i64 = sqlx::query_scalar(
        "WITH kept AS (SELECT due_on, kind, status, n FROM obligation_tallies WHERE n <> 0),
              truth AS (SELECT due_on, coalesce(kind, 'other') AS kind, status, count(*) AS n
                        FROM obligations WHERE clause_id IS NOT NULL GROUP BY 1, 2, 3),
              kept_actors AS (SELECT actor_id, status, n FROM actor_tallies WHERE n <> 0),
              truth_actors AS (SELECT u AS actor_id, status, count(*) AS n
                               FROM obligations, unnest(actor_ids) u
                               WHERE clause_id IS NOT NULL GROUP BY 1, 2)
         SELECT (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM truth) a)
              + (SELECT count(*) FROM (SELECT * FROM truth EXCEPT SELECT * FROM kept) b)
              + (SELECT count(*) FROM (SELECT * FROM kept_actors
                                       EXCEPT SELECT * FROM truth_actors) c)
              + (SELECT count(*) FROM (SELECT * FROM truth_actors
                                       EXCEPT SELECT * FROM kept_actors) d)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(tallies_off, 0, "tallies that disagree with the rows");
    // A correction of a document's session reaches its obligations.
    sqlx::query("UPDATE documents SET session = 99 WHERE symbol = 'A/RES/78/43'")
        .execute(pool)
        .await
        .unwrap();
    let moved: Vec<Option<i32>> = sqlx::query_scalar(
        "SELECT DISTINCT o.session FROM obligations o JOIN documents d ON d.id = o.document_id
         WHERE d.symbol = 'A/RES/78/43'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(moved, vec![Some(99)]);
    // A generated resolution's page shows.
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM documents WHERE source_name LIKE 'generated from %' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(app.get(&format!("/resolutions/{id}")).await.status(), 200);
}

async fn overview_counts(app: &TestApp) -> String {
    let html = app.get("/?as_of=2021-08-01").await.text().await.unwrap();
    let start = html.find("<strong>").unwrap();
    html[start..start + 400].to_string()
}

#[tokio::test]
async fn pages_follow_changes_made_by_another_process() {
    let app = TestApp::spawn().await;
    let import = |name: &str| {
        app.cli()
            .arg("import")
            .arg(fixture(&format!("src/demo/{name}")))
            .output()
            .unwrap()
    };
    assert!(import("A-RES-74-43.txt").status.success());
    let before = overview_counts(&app).await;
    let list_before = app.get("/obligations?body=GA").await.text().await.unwrap();
    // Asked twice with nothing changed: the same page.
    assert_eq!(overview_counts(&app).await, before);
    // Another process (the CLI) imports a resolution: the next request shows it.
    assert!(import("A-RES-75-58.txt").status.success());
    let after = overview_counts(&app).await;
    assert_ne!(after, before, "the overview still shows the old counts");
    let list_after = app.get("/obligations?body=GA").await.text().await.unwrap();
    assert!(!list_before.contains("A/RES/75/58"));
    assert!(
        list_after.contains("A/RES/75/58"),
        "the list still shows the old rows"
    );
}

/// The data version the result cache keys on.
async fn data_version(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT version FROM data_version")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn pages_are_the_same_with_the_result_cache_on_and_off() {
    let app = crate::dashboard::app_with_series().await;
    // A second server on the same database, keeping nothing.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uncached = format!("http://{}", listener.local_addr().unwrap());
    let config = mandates::web::AppConfig {
        base_url: app.address.clone(),
        cache_results: false,
        ..mandates::web::AppConfig::default()
    };
    let router = mandates::web::router(mandates::web::AppState::new(app.db.pool.clone(), config))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let actor: i64 = sqlx::query_scalar("SELECT actor_id FROM clause_actors LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let paths = [
        "/".to_string(),
        "/?weeks=12".into(),
        "/?as_of=2021-08-01".into(),
        "/obligations".into(),
        "/obligations?page=2".into(),
        "/obligations?body=GA".into(),
        "/obligations?session=75".into(),
        format!("/obligations?actor={actor}"),
        format!("/obligations?actor={actor}&status=outstanding"),
        format!("/obligations?actor={actor}&status=outstanding&sort=due_desc"),
        format!("/obligations?actor={actor}&sort=due_desc&page=2"),
        format!("/obligations?actor={actor}&due_from=2021-01-01&sort=due"),
        "/obligations?q=report".into(),
        "/obligations?q=secretary-general%20report&status=outstanding".into(),
        "/obligations?status=fulfilled&sort=due_desc".into(),
        "/obligations?status=outstanding&sort=resolution".into(),
        "/obligations?due_from=2021-01-01&due_to=2022-12-31".into(),
        "/obligations?state=overdue".into(),
        "/obligations?kind=deliverable".into(),
        "/obligations?as_of=2021-08-01&status=open".into(),
        "/obligations?action=request".into(),
        "/actors".into(),
        format!("/actors/{actor}"),
        "/agenda".into(),
        "/agenda?body=GA&session=76".into(),
        "/api/obligations?status=outstanding".into(),
        "/obligations.csv?body=GA".into(),
    ];
    let compare = |round: &'static str| {
        let paths = &paths;
        let (client, cached, uncached) = (&app.client, &app.address, &uncached);
        async move {
            for path in paths {
                // Twice through the cache: the second answer comes from it.
                let first = crate::harness::text_of(client, format!("{cached}{path}")).await;
                let kept = crate::harness::text_of(client, format!("{cached}{path}")).await;
                let fresh = crate::harness::text_of(client, format!("{uncached}{path}")).await;
                assert_eq!(first, fresh, "{round}: {path}");
                assert_eq!(kept, fresh, "{round}: {path} from the cache");
            }
        }
    };
    compare("before any change").await;
    // A change of state: both servers show it on the next request.
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM obligations WHERE status = 'open' AND clause_id IS NOT NULL
         ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let version = data_version(&app).await;
    let response = app
        .client
        .post(format!("{uncached}/obligations/{id}/status"))
        .form(&[("status", "fulfilled"), ("csrf", app.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(data_version(&app).await > version);
    compare("after a change of state").await;
    // Reads that write bookkeeping (a feed token's use) leave the cached pages standing.
    // Making a token answers with a redirect; the account page then shows it once.
    let made = app
        .client
        .post(format!("{}/account/feed-tokens", app.address))
        .form(&[("label", "Outlook"), ("csrf", app.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let page = crate::harness::text_of(&app.client, format!("{}/account", app.address)).await;
    let at = page.find("token=").expect(&page) + "token=".len();
    let token: String = page[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    let version = data_version(&app).await;
    for _ in 0..3 {
        let feed = crate::harness::new_client()
            .get(format!("{}/obligations.ics?token={token}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(feed.status(), 200);
    }
    assert_eq!(data_version(&app).await, version);
    compare("after feed reads").await;
}

/// Clauses on one page of the agenda (`web::agenda::AGENDA_PAGE`).
const AGENDA_PAGE: usize = 250;

/// Clause counts per session as the chooser shows them that disagree with the deadlines.
async fn session_counts_off(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "WITH kept AS (SELECT body, session, items FROM session_item_counts WHERE items <> 0),
              truth AS (SELECT body, session, count(DISTINCT clause_id) AS items FROM deadlines
                        WHERE kind = 'session' GROUP BY 1, 2)
         SELECT (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM truth) a)
              + (SELECT count(*) FROM (SELECT * FROM truth EXCEPT SELECT * FROM kept) b)",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// The "Clauses X–Y of N" line of an agenda page, and its next page's address.
fn agenda_paging(html: &str) -> (Option<(usize, usize, usize)>, Option<String>) {
    let range = html.find("<p class=\"paging\">Clauses ").map(|at| {
        let rest = &html[at + "<p class=\"paging\">Clauses ".len()..];
        let numbers: Vec<usize> = rest[..rest.find(" due at").unwrap()]
            .split(['–', ' '])
            .filter_map(|w| w.parse().ok())
            .collect();
        (numbers[0], numbers[1], numbers[2])
    });
    let next = html.find("rel=\"next\"").map(|end| {
        let start = html[..end].rfind("href=\"").unwrap() + "href=\"".len();
        html[start..html[start..].find('"').unwrap() + start]
            .replace("&amp;", "&")
            .replace("&#38;", "&")
    });
    (range, next)
}

#[tokio::test]
async fn a_session_with_many_clauses_is_shown_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    let output = app
        .cli()
        .args(["dev", "generate", "--obligations", "1100"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let pool = &app.db.pool;
    assert_eq!(session_counts_off(&app).await, 0, "after generating");
    // Past a thousand, the list says about how many (from the kept tallies), to three figures.
    let tracked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM obligations WHERE clause_id IS NOT NULL")
            .fetch_one(pool)
            .await
            .unwrap();
    assert!((1000..10_000).contains(&tracked), "{tracked}");
    let rounded = (tracked + 5) / 10 * 10;
    let about = format!("About {},{:03} obligations", rounded / 1000, rounded % 1000);
    let list = app.get("/obligations").await.text().await.unwrap();
    assert!(list.contains(&about), "{about}");
    // Every clause due at GA 99, half of them twice (a clause counts once).
    sqlx::query(
        "INSERT INTO deadlines (clause_id, kind, body, session, text)
         SELECT id, 'session', 'GA', 99, 'at its ninety-ninth session' FROM clauses
         UNION ALL
         SELECT id, 'session', 'GA', 99, 'at that session' FROM clauses WHERE id % 2 = 0",
    )
    .execute(pool)
    .await
    .unwrap();
    assert_eq!(session_counts_off(&app).await, 0, "after adding deadlines");
    let clauses: i64 = sqlx::query_scalar("SELECT count(*) FROM clauses")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(clauses as usize > 2 * AGENDA_PAGE, "{clauses} clauses");
    let chooser = app.get("/agenda?body=GA").await.text().await.unwrap();
    assert!(
        chooser.contains(&format!(">GA 99</a> ({clauses})")),
        "the chooser counts each clause once"
    );
    // Page after page, every clause once, in order, to the last.
    let mut next = Some("/agenda?body=GA&session=99".to_string());
    let (mut shown, mut pages) = (0usize, 0);
    let mut linked = std::collections::HashSet::new();
    while let Some(path) = next {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        let (range, more) = agenda_paging(&html);
        let (from, to, of) = range.expect("a paging line");
        assert_eq!((from, of), (shown + 1, clauses as usize), "{path}");
        assert!(to - shown <= AGENDA_PAGE, "{path}");
        shown = to;
        pages += 1;
        for link in html.split("href=\"/obligations/").skip(1) {
            let id = &link[..link.find('"').unwrap()];
            assert!(linked.insert(id.to_string()), "{id} on two pages");
        }
        next = more;
    }
    assert_eq!(shown, clauses as usize);
    assert!(pages >= 3, "{pages} pages");
    // Every request (never an agenda inclusion) with an obligation is linked on some page.
    let requests: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM obligations o JOIN clauses c ON c.id = o.clause_id
         WHERE c.action <> 'decision'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(
        linked.len() as i64 >= requests,
        "{} of {requests}",
        linked.len()
    );
    // A session of a few clauses stays on one page, with no paging line.
    let small = app
        .get("/agenda?body=GA&session=76")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(agenda_paging(&small), (None, None));
    assert_eq!(
        app.get("/agenda?body=GA&session=99&after=x").await.status(),
        400
    );
    // Deadlines removed: the session leaves the chooser.
    sqlx::query("DELETE FROM deadlines WHERE body = 'GA' AND session = 99")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        session_counts_off(&app).await,
        0,
        "after removing deadlines"
    );
    let chooser = app.get("/agenda?body=GA").await.text().await.unwrap();
    assert!(!chooser.contains(">GA 99</a>"));
}

/// Rows of obligation_actor_dues that disagree with the obligations' actors and due days.
async fn actor_dues_off(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar(
        "WITH truth AS (SELECT DISTINCT unnest(actor_ids) AS actor_id, due_on, id AS obligation_id
                        FROM obligations WHERE clause_id IS NOT NULL)
         SELECT (SELECT count(*) FROM (SELECT * FROM obligation_actor_dues EXCEPT
                                       SELECT * FROM truth) a)
              + (SELECT count(*) FROM (SELECT * FROM truth EXCEPT
                                       SELECT * FROM obligation_actor_dues) b)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_actors_list_in_due_order_reads_due_days_the_writes_keep() {
    let app = TestApp::spawn().await;
    let output = app
        .cli()
        .args(["dev", "generate", "--obligations", "300"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let pool = &app.db.pool;
    assert_eq!(actor_dues_off(pool).await, 0, "after generating");
    let import = app
        .cli()
        .arg("import")
        .arg(fixture("tests/fixtures/A-RES-78-43.txt"))
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");
    assert_eq!(actor_dues_off(pool).await, 0, "after an import");
    // A due day moved, one undated, an actor taken off, a state changed, one gone.
    sqlx::raw_sql(
        "UPDATE obligations SET due_on = due_on + 400 WHERE id IN (SELECT id FROM obligations ORDER BY id LIMIT 5);
         UPDATE obligations SET due_on = NULL WHERE id = (SELECT max(id) FROM obligations);
         UPDATE obligations SET actor_ids = actor_ids[2:] WHERE cardinality(actor_ids) > 1
           AND id IN (SELECT id FROM obligations ORDER BY id DESC LIMIT 20);
         UPDATE obligations SET status = 'fulfilled' WHERE id IN (SELECT id FROM obligations ORDER BY id LIMIT 9);
         DELETE FROM obligations WHERE id = (SELECT min(id) FROM obligations);",
    )
    .execute(pool)
    .await
    .unwrap();
    assert_eq!(actor_dues_off(pool).await, 0, "after updates");
    let actors: Vec<i64> = sqlx::query_scalar(
        "SELECT actor_id FROM obligation_actor_dues GROUP BY 1 ORDER BY count(*) DESC LIMIT 3",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for actor in actors {
        for (sort, order) in [
            (
                mandates::store::ObligationSort::DueSoonest,
                "due_on ASC NULLS LAST, id",
            ),
            (
                mandates::store::ObligationSort::DueLatest,
                "due_on DESC NULLS LAST, id",
            ),
        ] {
            let filter = mandates::store::ObligationFilter {
                actor_id: Some(actor),
                ..Default::default()
            };
            let listed: Vec<i64> = mandates::store::list_obligations(pool, &filter, sort, 1000, 0)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect();
            let expected: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM obligations WHERE clause_id IS NOT NULL
                   AND actor_ids @> ARRAY[$1::bigint] ORDER BY {order}"
            )))
            .bind(actor)
            .fetch_all(pool)
            .await
            .unwrap();
            assert!(!listed.is_empty());
            assert_eq!(listed, expected, "actor {actor}, {sort:?}");
        }
    }
}

#[tokio::test]
async fn a_word_search_in_due_order_sorts_its_matches_as_the_list_does() {
    let app = TestApp::spawn().await;
    let output = app
        .cli()
        .args(["dev", "generate", "--obligations", "300"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let pool = &app.db.pool;
    for (word, status) in [
        ("report", None),
        ("report", Some("open")),
        ("assembly", None),
    ] {
        for (sort, order) in [
            (
                mandates::store::ObligationSort::DueSoonest,
                "due_on ASC NULLS LAST, id",
            ),
            (
                mandates::store::ObligationSort::DueLatest,
                "due_on DESC NULLS LAST, id",
            ),
        ] {
            let filter = mandates::store::ObligationFilter {
                text: Some(word.into()),
                status: status.map(str::to_string),
                ..Default::default()
            };
            let page = |offset| mandates::store::list_obligations(pool, &filter, sort, 7, offset);
            let mut listed = Vec::new();
            for offset in [0, 7, 14] {
                listed.extend(page(offset).await.unwrap().into_iter().map(|r| r.id));
            }
            let expected: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM obligations WHERE clause_id IS NOT NULL
                   AND search @@ websearch_to_tsquery('english', $1)
                   AND ($2::text IS NULL OR status = $2)
                 ORDER BY {order} LIMIT 21"
            )))
            .bind(word)
            .bind(status)
            .fetch_all(pool)
            .await
            .unwrap();
            assert!(!expected.is_empty(), "{word}");
            assert_eq!(listed, expected, "{word} {status:?} {sort:?}");
        }
    }
}
