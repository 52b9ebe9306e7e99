//! Malformed and hostile requests: parameters with NUL and control characters, numbers out of
//! range, return paths that lead off the site, forged sign-in form tokens; and a property-based
//! test that sends arbitrary query strings and forms to every route as every role.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, header};
use mandates::accounts;
use mandates::web::{self, AppConfig, AppState};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tower::ServiceExt;

use crate::dashboard::app_with_series;
use crate::harness::{TestApp, csrf_field, new_client, text_of};

/// Status and body of a GET by the signed-in admin.
async fn fetch(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn nul_and_control_characters_in_parameters_answer_400_with_the_reason() {
    let app = app_with_series().await;
    for path in [
        "/obligations?q=a%00b",
        "/obligations?q=%1B",
        "/obligations.csv?q=%00",
        "/obligations.ics?q=%00",
        "/api/obligations?q=%00",
        "/resolutions?symbol=A/RES/75/58%00",
        "/admin/audit?subject=%00",
        "/digest?filter=%00",
        "/?as_of=%00",
    ] {
        let (status, body) = fetch(&app, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains("control character"), "{path}: {body}");
        // The dashboard's own error page, not a bare line.
        assert!(body.contains("<html"), "{path}: {body}");
    }
    // A NUL in a form is refused before anything is stored.
    let id: i64 = sqlx::query_scalar("SELECT min(id) FROM obligations")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let response = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[
            ("status", "in_progress"),
            ("note", "a\0b"),
            ("csrf", &app.csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("control character"));
    // Line breaks in a note are text, and kept.
    let response = app
        .client
        .post(format!("{}/obligations/{id}/status", app.address))
        .form(&[
            ("status", "in_progress"),
            ("note", "line one\r\nline two\tend"),
            ("csrf", &app.csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn numbers_out_of_range_answer_400_with_the_reason() {
    let app = app_with_series().await;
    for (path, reason) in [
        ("/obligations?page=9223372036854775807", "page must be"),
        ("/obligations?page=0", "page must be"),
        ("/api/obligations?page=9223372036854775807", "page must be"),
        (
            "/api/obligations?page=2&per_page=9223372036854775807",
            "per_page must be",
        ),
        ("/obligations.csv?session=9223372036854775807", "session"),
        ("/admin/audit?page=9223372036854775807", "page must be"),
        ("/?as_of=262142-12-31", "as_of must be"),
        ("/obligations?due_from=%2B99999-01-01", "due_from must be"),
    ] {
        let (status, body) = fetch(&app, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains(reason), "{path}: {body}");
        assert!(body.contains("<html"), "{path}: {body}");
    }
    // An id that cannot be one names nothing (issue 18): not found, on the error page.
    for path in [
        "/obligations/9223372036854775808",
        "/obligations/abc",
        "/obligations/999999",
        "/resolutions/abc",
    ] {
        let (status, body) = fetch(&app, path).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(
            body.contains("<html") && body.contains("Check the link"),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn sign_in_returns_only_to_paths_of_this_site() {
    let app = TestApp::spawn().await;
    let location = |next: &'static str| {
        let address = app.address.clone();
        async move {
            let client = new_client();
            let form = text_of(&client, format!("{address}/sign-in")).await;
            let response = client
                .post(format!("{address}/sign-in"))
                .form(&[
                    ("email", "test.admin@test.example"),
                    ("password", crate::harness::TEST_PASSWORD),
                    ("csrf", &csrf_field(&form).unwrap()),
                    ("next", next),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 303, "{next:?}");
            response.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(
        location("/obligations?body=GA&q=a%20b").await,
        "/obligations?body=GA&q=a%20b"
    );
    for hostile in [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/.//evil.example",
        "https://evil.example/",
        "/\r\n/evil.example",
    ] {
        assert_eq!(location(hostile).await, "/", "{hostile:?}");
    }
    // In the address it is a malformed parameter, said as such.
    let response = new_client()
        .get(format!("{}/sign-in?next=/%09/evil.example", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn the_sign_in_token_is_bound_to_its_cookie_and_the_cookie_goes_after_sign_in() {
    let app = TestApp::spawn().await;
    let sign_in_with = |cookie: String, token: String| {
        let address = app.address.clone();
        async move {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .post(format!("{address}/sign-in"))
                .header(header::COOKIE, format!("mandates_sign_in={cookie}"))
                .form(&[
                    ("email", "test.admin@test.example"),
                    ("password", crate::harness::TEST_PASSWORD),
                    ("csrf", &token),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    // A pair an attacker chose (the same random value as cookie and field): refused.
    let chosen = accounts::new_secret();
    let response = sign_in_with(chosen.clone(), chosen.clone()).await;
    assert_eq!(response.status(), 403);
    // A token the server made, with another browser's id: refused.
    let attacker = new_client();
    let form = text_of(&attacker, format!("{}/sign-in", app.address)).await;
    let token = csrf_field(&form).unwrap();
    let response = sign_in_with(accounts::new_secret(), token.clone()).await;
    assert_eq!(response.status(), 403);
    // The browser's own pair signs in, and the form's cookie is removed.
    let response = attacker
        .post(format!("{}/sign-in", app.address))
        .form(&[
            ("email", "test.admin@test.example"),
            ("password", crate::harness::TEST_PASSWORD),
            ("csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let removal = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("mandates_sign_in="))
        .expect("the form's cookie is removed");
    assert!(removal.contains("Max-Age=0"), "{removal}");
}

/// Every route, with `{id}` where a path takes a number or a token, and the names it reads
/// from its query or form (most generated parameters use them, so that arbitrary values reach
/// the code that reads them).
const ROUTES: &[(&str, &str, &[&str])] = &[
    ("GET", "/", &["as_of", "weeks"]),
    ("GET", "/actors", &[]),
    ("GET", "/actors/{id}", &["as_of"]),
    ("GET", "/obligations", LIST),
    ("GET", "/obligations/{id}", &["as_of"]),
    (
        "POST",
        "/obligations/{id}/status",
        &["status", "fulfilled_by", "note"],
    ),
    ("GET", "/obligations.csv", LIST),
    ("GET", "/obligations.ics", LIST),
    ("GET", "/api/obligations", LIST),
    ("GET", "/resolutions", &["symbol", "q", "body", "page"]),
    ("GET", "/resolutions/{id}", &[]),
    ("GET", "/series/{id}", &[]),
    ("GET", "/agenda", &["body", "session"]),
    ("GET", "/import", &[]),
    ("POST", "/import/preview", &["text"]),
    ("POST", "/import/save", &["text", "name"]),
    ("GET", "/sign-in", &["next"]),
    ("POST", "/sign-in", &["email", "password", "next", "csrf"]),
    ("GET", "/sign-out", &[]),
    ("POST", "/sign-out", &[]),
    ("GET", "/account", &[]),
    ("POST", "/account/password", &["current", "new"]),
    ("POST", "/account/feed-tokens", &["label"]),
    ("POST", "/lists", &["name", "filter"]),
    ("POST", "/lists/{id}/subscribe", &[]),
    ("POST", "/account/feed-tokens/{id}/revoke", &[]),
    ("GET", "/admin/users", &[]),
    ("POST", "/admin/users", &["email", "name", "role"]),
    ("POST", "/admin/users/{id}", &["role", "disabled"]),
    ("POST", "/admin/users/{id}/password", &[]),
    ("GET", "/admin/audit", &["subject", "page"]),
    ("GET", "/digest", &["filter"]),
    ("POST", "/digest/subscribers", SUBSCRIBER),
    ("POST", "/digest/subscribers/{id}/delete", &[]),
    ("GET", "/digest/subscribers/{id}/preview", &["as_of"]),
    ("GET", "/unsubscribe", &["token"]),
    ("POST", "/unsubscribe", &["token"]),
    ("GET", "/healthz", &[]),
    ("GET", "/static/style.css", &[]),
    ("GET", "/no/such/page", &[]),
];

const LIST: &[&str] = &[
    "q",
    "symbol",
    "page",
    "per_page",
    "body",
    "session",
    "actor",
    "action",
    "status",
    "due_from",
    "due_to",
    "resolution",
    "sort",
    "as_of",
    "token",
];
const SUBSCRIBER: &[&str] = &[
    "email",
    "name",
    "filter",
    "weeks_ahead",
    "weekday",
    "hour",
    "time_zone",
];

/// The names the pages read, so that arbitrary values reach the code that reads them.
const NAMES: &[&str] = &[
    "q",
    "symbol",
    "subject",
    "page",
    "per_page",
    "body",
    "session",
    "actor",
    "action",
    "status",
    "due_from",
    "due_to",
    "resolution",
    "sort",
    "as_of",
    "weeks",
    "filter",
    "token",
    "next",
    "email",
    "name",
    "role",
    "disabled",
    "password",
    "current",
    "new",
    "label",
    "note",
    "fulfilled_by",
    "text",
    "weekday",
    "hour",
    "time_zone",
    "weeks_ahead",
    "csrf",
];

/// Strings of up to `max` characters drawn from `alphabet`.
fn chars(alphabet: &'static str, max: usize) -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = alphabet.chars().collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..=max)
        .prop_map(|chars| chars.into_iter().collect())
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        1 => chars(" !\"#$%&'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~", 12),
        3 => special(),
        2 => with_control(),
    ]
}

/// Text with a control character somewhere in it (NUL broke pages; `any::<String>()` never
/// makes one).
fn with_control() -> impl Strategy<Value = String> {
    // NUL most often: the one PostgreSQL refuses.
    let control = prop_oneof![
        3 => Just('\0'),
        1 => proptest::sample::select(vec!['\t', '\n', '\r', '\x1b', '\x7f', '\u{85}']),
    ];
    (chars("abc /%", 6), control, chars("xyz", 3))
        .prop_map(|(before, control, after)| format!("{before}{control}{after}"))
}

/// Values that have broken pages before, or sit at the edge of what one accepts.
fn special() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("9223372036854775807".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1".to_string()),
        Just("+262143-12-31".to_string()),
        Just("262142-12-31".to_string()),
        Just("2026-02-30".to_string()),
        Just("1900-01-01".to_string()),
        Just("9999-12-31".to_string()),
        Just("admin".to_string()),
        Just("outstanding".to_string()),
        Just("GA".to_string()),
        Just("A/RES/75/58".to_string()),
        Just("a\0b".to_string()),
        Just("x\r\ny".to_string()),
        Just("//evil.example".to_string()),
    ]
}

/// Parameters, their names mostly those the route reads.
fn pairs(route: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, String)>> {
    let own = if route.is_empty() { NAMES } else { route };
    let name = prop_oneof![
        6 => proptest::sample::select(own).prop_map(str::to_string),
        2 => proptest::sample::select(NAMES).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    proptest::collection::vec((name, value()), 0..6)
}

/// An encoded query or form, sometimes with raw junk no encoder makes.
fn encoded(route: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => pairs(route).prop_map(|p| serde_urlencoded::to_string(p).unwrap()),
        1 => chars("abcxyz%&=+0129", 20),
    ]
}

fn path_id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (1i64..4).prop_map(|i| i.to_string()),
        1 => Just("0".to_string()),
        1 => Just("-1".to_string()),
        1 => Just("9223372036854775807".to_string()),
        1 => Just("9223372036854775808".to_string()),
        1 => Just("abc".to_string()),
        1 => Just("%00".to_string()),
        1 => Just("%F0%9F%92%A3".to_string()),
    ]
}

/// One request: route, role (0 anonymous, 1 viewer, 2 editor, 3 admin), path id, query, form,
/// and whether the form carries the role's own form token.
type Case = (usize, usize, String, String, String, bool);

fn case() -> impl Strategy<Value = Case> {
    (0..ROUTES.len()).prop_flat_map(|route| {
        let names = ROUTES[route].2;
        (
            Just(route),
            0..4usize,
            path_id(),
            encoded(names),
            encoded(names),
            proptest::bool::weighted(0.8),
        )
    })
}

const ROLES: [&str; 3] = ["viewer", "editor", "admin"];

/// The session token and form token of each role's account, made afresh before each request
/// (an arbitrary form may have signed it out, demoted or disabled it).
async fn restore_sessions(pool: &sqlx::PgPool) -> Vec<(String, String)> {
    let mut sessions = vec![];
    for role in ROLES {
        let email = format!("prop.{role}@test.example");
        let id = match mandates::store::find_user_id(pool, &email).await.unwrap() {
            Some(id) => id,
            None => mandates::store::add_user(
                pool,
                &email,
                &format!("Prop {role}"),
                role,
                crate::harness::password_hash(),
            )
            .await
            .unwrap(),
        };
        sqlx::query("UPDATE users SET role = $2, disabled_at = NULL WHERE id = $1")
            .bind(id)
            .bind(role)
            .execute(pool)
            .await
            .unwrap();
        let (token, csrf) = (format!("session-of-{role}"), format!("csrf-of-{role}"));
        sqlx::query(
            "INSERT INTO user_sessions (token_hash, user_id, csrf_token, expires_at)
             VALUES ($1, $2, $3, now() + interval '1 day') ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(accounts::secret_hash(&token))
        .bind(id)
        .bind(&csrf)
        .execute(pool)
        .await
        .unwrap();
        sessions.push((token, csrf));
    }
    sessions
}

#[test]
fn arbitrary_queries_and_forms_on_every_route_as_every_role_never_fail_the_server() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(app_with_series());
    let router = web::router(AppState::new(app.db.pool.clone(), AppConfig::default()))
        .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 1], 4000))));
    let cases: u32 = std::env::var("MANDATES_PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |(route, role, id, query, form, with_token)| {
        let (method, template, _) = ROUTES[route];
        let mut uri = template.replace("{id}", &id);
        if !query.is_empty() {
            uri = format!("{uri}?{query}");
        }
        if uri.parse::<axum::http::Uri>().is_err() {
            // Not a request a client can send.
            return Ok(());
        }
        let (status, body) = runtime.block_on(async {
            let sessions = restore_sessions(&app.db.pool).await;
            let mut request = Request::builder().method(method).uri(&uri);
            let mut form = form.clone();
            if role > 0 {
                let (token, csrf) = &sessions[role - 1];
                request = request.header(header::COOKIE, format!("mandates_session={token}"));
                if with_token {
                    form = format!("csrf={csrf}&{form}");
                }
            }
            let request = if method == "POST" {
                request
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(form))
            } else {
                request.body(Body::empty())
            }
            .unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            // The whole body: an export that fails half-way fails here.
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
            (status, body.map(|b| b.len()).map_err(|e| e.to_string()))
        });
        prop_assert!(status < 500, "{method} {uri} as role {role}: {status}");
        prop_assert!(body.is_ok(), "{method} {uri} as role {role}: {body:?}");
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
