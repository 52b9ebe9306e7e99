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
