//! A person's path through the dashboard in a real browser (headless Chromium driven over
//! WebDriver): open the overview, follow an obligation, change its status through the form,
//! and see the change on the overview.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};

use crate::dashboard::app_with_series;

pub(crate) struct ChromeDriver {
    child: Child,
    pub(crate) url: String,
}

impl ChromeDriver {
    pub(crate) fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must be installed for the browser test (apt-get install chromium chromium-driver; .ci/run does it)");
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, url }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the browser shows `url` (a navigation it started has arrived).
pub(crate) async fn wait_for_url(
    browser: &fantoccini::Client,
    url: &reqwest::Url,
) -> Result<(), fantoccini::error::CmdError> {
    browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_url(url)
        .await
}

#[tokio::test]
async fn a_person_follows_an_obligation_changes_its_status_and_sees_it_on_the_overview() {
    let app = app_with_series().await;
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

    // An editor signs in through the form.
    mandates::store::add_user(
        &app.db.pool,
        "browser@test.example",
        "Browser Test",
        "editor",
        crate::harness::password_hash(),
    )
    .await
    .unwrap();
    let result = async {
        let overview = format!("{}/?as_of=2021-08-01", app.address);
        browser.goto(&overview).await?;
        // Not signed in: the sign-in form, which returns to the overview.
        let form = browser.form(Locator::Css("form.sign-in")).await?;
        form.set_by_name("email", "browser@test.example").await?;
        form.set_by_name("password", crate::harness::TEST_PASSWORD)
            .await?;
        form.submit().await?;
        // `submit` returns once the form is sent, not once the next page has loaded. The form
        // was shown at the overview's own address, so the URL cannot tell the pages apart:
        // wait for what only the signed-in overview has.
        let soon = browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("section[aria-labelledby=soon-heading]"))
            .await?;
        let landed = browser.current_url().await?;
        assert_eq!(landed.as_str(), overview, "{}", browser.source().await?);
        assert!(soon.text().await?.contains("A/RES/75/58"));
        // Follow the report request of A/RES/75/58, paragraph 5.
        let row = soon
            .find(Locator::XPath(".//tr[td[5][normalize-space()='5']]"))
            .await?;
        let link = row.find(Locator::LinkText("requests")).await?;
        let href = link.attr("href").await?.expect("the link has an address");
        let obligation_url = landed.join(&href).expect("a relative link");
        link.click().await?;
        wait_for_url(&browser, &obligation_url).await?;
        let heading = browser.find(Locator::Css("h1")).await?.text().await?;
        assert!(heading.contains("A/RES/75/58, paragraph 5"), "{heading}");
        assert_eq!(
            browser.find(Locator::Id("status")).await?.text().await?,
            "open"
        );

        browser
            .find(Locator::Id("status-select"))
            .await?
            .select_by_value("fulfilled")
            .await?;
        let form = browser.form(Locator::Css("form.status-form")).await?;
        form.set_by_name("fulfilled_by", "A/76/170").await?;
        // The overview is as of 1 August 2021: the report came out in July.
        form.set_by_name("effective_on", "2021-07-20").await?;
        form.submit().await?;
        // The form returns to the same address, so the URL cannot tell the pages apart; the
        // saved status can, and only the page loaded after the save shows it.
        browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::XPath(
                "//strong[@id='status'][normalize-space()='fulfilled']",
            ))
            .await?;
        let history = browser
            .find(Locator::Css("section[aria-labelledby=history]"))
            .await?
            .text()
            .await?;
        assert!(history.contains("Browser Test"), "{history}");

        browser.goto(&overview).await?;
        let soon = browser
            .find(Locator::Css("section[aria-labelledby=soon-heading]"))
            .await?
            .text()
            .await?;
        assert!(
            !soon.contains("Requests the Secretary-General"),
            "no longer due: {soon}"
        );
        let counts = browser
            .find(Locator::Css("ul.counts"))
            .await?
            .text()
            .await?;
        // 74/43's report and agenda item (shown by 75/58), and now 75/58's report.
        assert!(counts.contains("3\nfulfilled"), "{counts}");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    browser.close().await.ok();
    result.expect("the browser steps");
}

/// A WebDriver session with headless Chromium, with the driver and profile it lives on.
struct Headless {
    browser: fantoccini::Client,
    _driver: ChromeDriver,
    _profile: tempfile::TempDir,
}

async fn headless() -> Headless {
    let driver = ChromeDriver::start();
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.path().display())]
        }),
    );
    let browser = ClientBuilder::rustls()
        .expect("TLS roots")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session with headless Chromium");
    Headless {
        browser,
        _driver: driver,
        _profile: profile,
    }
}

/// Signs the browser in through the form, starting from `path`, and waits for the page
/// behind it.
async fn sign_in_as(
    browser: &fantoccini::Client,
    address: &str,
    email: &str,
) -> Result<(), fantoccini::error::CmdError> {
    browser.delete_all_cookies().await?;
    browser.goto(&format!("{address}/account")).await?;
    let form = browser.form(Locator::Css("form.sign-in")).await?;
    form.set_by_name("email", email).await?;
    form.set_by_name("password", crate::harness::TEST_PASSWORD)
        .await?;
    form.submit().await?;
    // Only the signed-in account page links to signing out.
    browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("a[href='/sign-out']"))
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_viewer_finds_75_58_saves_a_list_subscribes_and_sees_it_on_the_digest_page() {
    let app = crate::dashboard::app_with_demo().await;
    mandates::store::add_user(
        &app.db.pool,
        "viewer@test.example",
        "Vera Viewer",
        "viewer",
        crate::harness::password_hash(),
    )
    .await
    .unwrap();
    // Bound whole: the driver and profile live as long as the session.
    let session = headless().await;
    let browser = session.browser.clone();
    let result = async {
        sign_in_as(&browser, &app.address, "viewer@test.example").await?;
        browser.goto(&format!("{}/", app.address)).await?;
        // The search box in the header: one match opens the resolution.
        let find = browser.form(Locator::Css("form.find")).await?;
        find.set_by_name("q", "75/58").await?;
        find.submit().await?;
        let heading = browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::XPath("//h1[contains(., 'A/RES/75/58')]"))
            .await?;
        assert!(heading.text().await?.contains("A/RES/75/58"));
        assert!(browser.current_url().await?.path().starts_with("/resolutions/"));
        // The list of the Secretary-General's outstanding obligations, saved under a name.
        browser.goto(&format!("{}/obligations", app.address)).await?;
        let filters = browser.form(Locator::Css("form.filters")).await?;
        browser
            .find(Locator::Css("form.filters select[name=actor]"))
            .await?
            .select_by_label("Secretary-General")
            .await?;
        browser
            .find(Locator::Css("form.filters select[name=status]"))
            .await?
            .select_by_value("outstanding")
            .await?;
        filters.submit().await?;
        browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::XPath(
                "//form[contains(@class,'filters')]//select[@name='status']/option[@value='outstanding' and @selected]",
            ))
            .await?;
        let save = browser.form(Locator::Css("form.save-list")).await?;
        save.set_by_name("name", "Secretary-General outstanding").await?;
        save.submit().await?;
        let mine = browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#my-lists"))
            .await?;
        let text = mine.text().await?;
        assert!(
            text.contains("Secretary-General outstanding: Secretary-General, outstanding"),
            "{text}"
        );
        // Subscribed from the overview, and shown on the digest page.
        mine.find(Locator::XPath(".//button[contains(., 'Email it to me every week')]"))
            .await?
            .click()
            .await?;
        browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::XPath(
                "//*[@id='my-lists']//span[contains(., 'emailed to you every week')]",
            ))
            .await?;
        browser.goto(&format!("{}/digest", app.address)).await?;
        let digest = browser.find(Locator::Id("my-digest")).await?.text().await?;
        assert!(
            digest.contains("You receive Secretary-General, outstanding at viewer@test.example"),
            "{digest}"
        );
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let source = if result.is_err() {
        browser.source().await.unwrap_or_default()
    } else {
        String::new()
    };
    browser.close().await.ok();
    result.unwrap_or_else(|e| panic!("the browser steps: {e}\n{source}"));
}

/// axe-core's script: from `MANDATES_AXE_DIR` (default `target/axe`), installed there with
/// npm when it is missing; None, with a message, where npm is not installed.
fn axe_source() -> Option<String> {
    let dir = std::env::var_os("MANDATES_AXE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe"));
    let file = dir.join("node_modules/axe-core/axe.min.js");
    if !file.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let installed = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg("axe-core@4.11")
            .status();
        match installed {
            Err(_) => {
                eprintln!(
                    "SKIPPED: the accessibility check needs axe-core from npm, and npm is not installed here (.ci/run installs it)"
                );
                return None;
            }
            Ok(status) => assert!(status.success(), "npm install axe-core failed"),
        }
    }
    Some(std::fs::read_to_string(&file).unwrap())
}

#[tokio::test]
async fn axe_finds_no_serious_or_critical_violation_on_any_page_as_any_role() {
    let Some(axe) = axe_source() else { return };
    let app = crate::dashboard::app_with_demo().await;
    let pool = &app.db.pool;
    let one = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let document = one("SELECT id FROM documents WHERE symbol = 'A/RES/75/58'").await;
    let obligation = one("SELECT min(id) FROM obligations").await;
    let actor = one("SELECT id FROM actors WHERE name = 'Secretary-General'").await;
    let series = one("SELECT min(series_id) FROM documents WHERE series_id IS NOT NULL").await;
    let mut users = Vec::new();
    for role in ["viewer", "editor", "admin"] {
        let email = format!("{role}@test.example");
        mandates::store::add_user(pool, &email, role, role, crate::harness::password_hash())
            .await
            .unwrap();
        let subscriber = mandates::store::subscribe_self(pool, &email, role, "body=GA")
            .await
            .unwrap();
        users.push((role, email, subscriber));
    }
    let reading = vec![
        "/".to_string(),
        "/?as_of=2021-08-01".into(),
        "/resolutions".into(),
        "/resolutions?q=terrorists".into(),
        format!("/resolutions/{document}"),
        "/obligations".into(),
        "/obligations?body=GA&sort=resolution".into(),
        "/obligations?due_from=soon".into(),
        "/obligations/print?body=GA".into(),
        format!("/obligations/{obligation}"),
        "/asked-of-us".into(),
        "/agenda".into(),
        "/agenda?body=GA&session=76".into(),
        "/agenda/ahead?body=GA".into(),
        "/actors".into(),
        format!("/actors/{actor}"),
        format!("/series/{series}"),
        "/digest".into(),
        "/account".into(),
    ];
    // Bound whole: the driver and profile live as long as the session.
    let session = headless().await;
    let browser = session.browser.clone();
    let run = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];
         axe.run(document, {{ iframes: false, resultTypes: ['violations'] }})
           .then(r => done(r.violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at '
                       + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
           .catch(e => done(['axe failed: ' + e]));"
    );
    let mut found = Vec::new();
    let result = async {
        // Signed out: the sign-in form.
        browser.delete_all_cookies().await?;
        browser.goto(&format!("{}/sign-in", app.address)).await?;
        for v in browser.execute_async(&run, vec![]).await?.as_array().cloned().unwrap_or_default() {
            found.push(format!("anonymous /sign-in: {}", v.as_str().unwrap_or("?")));
        }
        // The check itself works: an image without a text alternative is critical.
        browser
            .execute(
                "const img = document.createElement('img'); img.src = 'data:,'; document.body.append(img);",
                vec![],
            )
            .await?;
        let control = browser.execute_async(&run, vec![]).await?;
        assert!(
            control.to_string().contains("critical image-alt"),
            "{control}"
        );
        let mut visits = vec![("anonymous", "/sign-in".to_string())];
        for (role, email, subscriber) in &users {
            sign_in_as(&browser, &app.address, email).await?;
            let mut pages = reading.clone();
            pages.push(format!("/digest/preview/{subscriber}"));
            if *role != "viewer" {
                pages.push("/import".into());
                // The editors' pages: the review queue and the correction forms.
                pages.extend([
                    "/review".to_string(),
                    format!("/obligations/{obligation}/correct"),
                    format!("/corrections/add?document={document}&paragraph=5"),
                ]);
            }
            if *role == "admin" {
                pages.extend([
                    "/admin/users".to_string(),
                    "/admin/audit".into(),
                    format!("/actors/{actor}/curate"),
                ]);
            }
            for path in pages {
                browser.goto(&format!("{}{path}", app.address)).await?;
                let violations = browser.execute_async(&run, vec![]).await?;
                for v in violations.as_array().cloned().unwrap_or_default() {
                    found.push(format!("{role} {path}: {}", v.as_str().unwrap_or("?")));
                }
                visits.push((*role, path));
            }
        }
        Ok::<usize, fantoccini::error::CmdError>(visits.len())
    }
    .await;
    browser.close().await.ok();
    let visited = result.expect("the browser steps");
    assert!(visited > 60, "{visited} pages checked");
    assert!(found.is_empty(), "{}", found.join("\n"));
}
