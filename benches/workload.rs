//! A team's workload at scale: many readers each asking for a different page or filter, an
//! editor changing follow-up states at a steady rate and a calendar app polling its feed,
//! measured with the result cache on and off, beside `/healthz` from the same run.
//!
//! ```sh
//! cargo bench --bench workload                     # 1,000,000 obligations (made once)
//! MANDATES_BENCH_OBLIGATIONS=100000 cargo bench --bench workload
//! ```
//!
//! Settings (environment): `MANDATES_BENCH_OBLIGATIONS` (1000000), `MANDATES_BENCH_DATA_DIR`
//! (target/workload-pg-N; generated once, reused after), `MANDATES_BENCH_CONNECTIONS` (64),
//! `MANDATES_BENCH_SECONDS` per phase (20), `MANDATES_BENCH_WRITES_PER_SECOND` (2),
//! `MANDATES_BENCH_FEED_PER_SECOND` (1), `MANDATES_BENCH_SKIP` (leave out paths containing it).
//! Each cache setting runs the filters twice, the writer and the feed poller going on
//! throughout: "first" from a cold start, "then" in the steady state that follows.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mandates(data_dir: &PathBuf) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mandates"));
    command
        .env_remove("DATABASE_URL")
        .env("MANDATES_DATA_DIR", data_dir)
        .env("MANDATES_LOG", "error");
    command
}

/// Runs `mandates ARGS` and returns the last word it printed (a password).
fn last_word(data_dir: &PathBuf, args: &[&str]) -> String {
    let output = mandates(data_dir)
        .args(args)
        .output()
        .expect("run mandates");
    assert!(
        output.status.success(),
        "mandates {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .last()
        .expect("a password")
        .to_string()
}

/// The password of a fresh or reset account.
fn account(data_dir: &PathBuf, email: &str, role: &str) -> String {
    let list = mandates(data_dir).args(["user", "list"]).output().unwrap();
    if String::from_utf8_lossy(&list.stdout).contains(email) {
        last_word(data_dir, &["user", "password", email])
    } else {
        last_word(data_dir, &["user", "add", email, "--role", role])
    }
}

struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(data_dir: &PathBuf, cache: bool) -> Self {
        let mut command = mandates(data_dir);
        command.args(["serve", "--bind", "127.0.0.1:0"]);
        if !cache {
            command.arg("--no-result-cache");
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines.next().expect("serve prints its address").unwrap();
            if let Some(rest) = line.strip_prefix("listening on ") {
                break rest.trim_end_matches('/').to_string();
            }
        };
        // Keep draining its output so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, address }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: signalling our own child by its PID.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn csrf_field(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[at..at + html[at..].find('"')?].to_string())
}

/// A client signed in as `email`, with its form token.
async fn signed_in(address: &str, email: &str, password: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let form = client
        .get(format!("{address}/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_field(&form).expect("a sign-in form");
    let response = client
        .post(format!("{address}/sign-in"))
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "sign in as {email}");
    let page = client
        .get(format!("{address}/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (client, csrf_field(&page).expect("a form token"))
}

/// At least 400 distinct pages and filters, as a team would ask for them.
fn filters() -> Vec<String> {
    let mut paths = Vec::new();
    for weeks in 1..=12 {
        paths.push(format!("/?weeks={weeks}"));
    }
    for session in 60..=82 {
        paths.push(format!("/agenda?body=GA&session={session}"));
    }
    for session in 40..=60 {
        paths.push(format!("/agenda?body=HRC&session={session}"));
    }
    let words = [
        "nuclear",
        "women",
        "report",
        "children",
        "climate",
        "development",
        "human rights",
        "peacekeeping",
        "refugees",
        "secretary-general report",
        "violence",
        "education",
        "health",
        "water",
        "disarmament",
        "migrants",
        "indigenous",
        "terrorism",
        "ocean",
        "food",
    ];
    for word in words {
        for status in ["", "&status=outstanding", "&status=fulfilled"] {
            paths.push(format!("/obligations?q={}{status}", word.replace(' ', "+")));
        }
    }
    for body in ["GA", "SC", "HRC", "ECOSOC"] {
        for status in ["", "outstanding", "fulfilled", "in_progress"] {
            for page in 1..=5 {
                paths.push(format!(
                    "/obligations?body={body}&status={status}&page={page}"
                ));
            }
        }
    }
    for actor in 1..=100 {
        paths.push(format!("/obligations?actor={actor}"));
        paths.push(format!(
            "/obligations?actor={actor}&status=outstanding&sort=due_desc"
        ));
    }
    for session in 50..=81 {
        paths.push(format!("/obligations?body=GA&session={session}"));
    }
    for year in 2000..=2031 {
        paths.push(format!(
            "/obligations?due_from={year}-01-01&due_to={year}-12-31&status=outstanding"
        ));
    }
    for kind in [
        "deliverable",
        "event",
        "agenda_inclusion",
        "mandate_period",
        "other",
    ] {
        paths.push(format!("/obligations?kind={kind}"));
        paths.push(format!("/api/obligations?kind={kind}&status=outstanding"));
    }
    paths.push("/actors".into());
    paths.push("/agenda".into());
    paths
}

#[derive(Default)]
struct Tally {
    latencies: std::sync::Mutex<Vec<Duration>>,
    failed: AtomicU64,
}

fn report(phase: &str, tally: &Tally, elapsed: Duration) {
    let mut latencies = tally.latencies.lock().unwrap().clone();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{phase:<40} {:>8} requests {:>9.1} req/s  p50 {:>8.1} ms  p99 {:>8.1} ms  failed {}",
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        tally.failed.load(Ordering::Relaxed),
    );
}

/// `connections` readers asking for `paths` (one at random each time) for `seconds`.
async fn read(
    client: &reqwest::Client,
    address: &str,
    paths: &[String],
    connections: usize,
    seconds: u64,
) -> (Tally, Duration) {
    let tally = Arc::new(Tally::default());
    let paths = Arc::new(paths.to_vec());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut readers = Vec::new();
    for reader in 0..connections {
        let (client, tally, paths, address) = (
            client.clone(),
            tally.clone(),
            paths.clone(),
            address.to_string(),
        );
        readers.push(tokio::spawn(async move {
            // xorshift: a different, repeatable order for each reader.
            let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (reader as u64 + 1);
            while Instant::now() < deadline {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let path = &paths[(x % paths.len() as u64) as usize];
                let asked = Instant::now();
                let ok = match client.get(format!("{address}{path}")).send().await {
                    Ok(response) => {
                        let ok = response.status().is_success();
                        ok && response.bytes().await.is_ok()
                    }
                    Err(_) => false,
                };
                if ok {
                    tally.latencies.lock().unwrap().push(asked.elapsed());
                } else {
                    tally.failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for reader in readers {
        reader.await.unwrap();
    }
    let elapsed = started.elapsed();
    (Arc::into_inner(tally).unwrap(), elapsed)
}

#[tokio::main]
async fn main() {
    let obligations: u64 = env_or("MANDATES_BENCH_OBLIGATIONS", 1_000_000);
    let data_dir: PathBuf = env_or(
        "MANDATES_BENCH_DATA_DIR",
        PathBuf::from(format!("target/workload-pg-{obligations}")),
    );
    let connections: usize = env_or("MANDATES_BENCH_CONNECTIONS", 64);
    let seconds: u64 = env_or("MANDATES_BENCH_SECONDS", 20);
    let writes_per_second: f64 = env_or("MANDATES_BENCH_WRITES_PER_SECOND", 2.0);
    let feeds_per_second: f64 = env_or("MANDATES_BENCH_FEED_PER_SECOND", 1.0);
    if !data_dir.join(".generated").exists() {
        eprintln!(
            "generating {obligations} obligations into {} (once)",
            data_dir.display()
        );
        let status = mandates(&data_dir)
            .env("MANDATES_LOG", "info")
            .args(["dev", "generate", "--obligations", &obligations.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "dev generate failed");
        std::fs::write(data_dir.join(".generated"), b"").unwrap();
    }
    let viewer = account(&data_dir, "viewer@bench.example", "viewer");
    let editor = account(&data_dir, "editor@bench.example", "editor");
    // MANDATES_BENCH_SKIP=agenda leaves out pages whose path contains it (to see the rest).
    let skip = std::env::var("MANDATES_BENCH_SKIP").unwrap_or_default();
    let paths: Vec<String> = filters()
        .into_iter()
        .filter(|p| skip.is_empty() || !p.contains(&skip))
        .collect();
    println!(
        "{obligations} obligations, {} distinct pages and filters, {connections} connections, \
         {seconds} s per phase, {writes_per_second} status changes/s, {feeds_per_second} feed polls/s",
        paths.len()
    );
    for cache in [true, false] {
        let server = Server::start(&data_dir, cache);
        let address = server.address.clone();
        let (reader, _) = signed_in(&address, "viewer@bench.example", &viewer).await;
        let (writer, csrf) = signed_in(&address, "editor@bench.example", &editor).await;
        // Obligations to change: the first page of what is outstanding.
        let list: serde_json::Value = serde_json::from_str(
            &writer
                .get(format!("{address}/api/obligations?per_page=500"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        )
        .expect("the JSON list");
        let ids: Vec<i64> = list["obligations"]
            .as_array()
            .map(|rows| rows.iter().filter_map(|r| r["id"].as_i64()).collect())
            .unwrap_or_default();
        assert!(!ids.is_empty(), "no obligations to change: {list}");
        // A feed token for the calendar app. Making one redirects to the account page,
        // which shows it.
        let made = writer
            .post(format!("{address}/account/feed-tokens"))
            .form(&[("label", "bench"), ("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(made.status(), 303, "make a feed token");
        let page = writer
            .get(format!("{address}/account"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let at = page.find("token=").expect("a feed token") + "token=".len();
        let token: String = page[at..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        let label = if cache { "cache on" } else { "cache off" };

        let (tally, elapsed) = read(
            &reader,
            &address,
            &["/healthz".to_string()],
            connections,
            seconds,
        )
        .await;
        report(&format!("{label}: /healthz"), &tally, elapsed);

        let stop = Arc::new(AtomicBool::new(false));
        let changes = Arc::new(AtomicU64::new(0));
        let background = {
            let (stop, changes, address) = (stop.clone(), changes.clone(), address.clone());
            let feed = format!(
                "{address}/obligations.ics?token={token}&status=outstanding&due_from=2026-12-01&due_to=2026-12-31"
            );
            tokio::spawn(async move {
                let writes = tokio::spawn({
                    let (stop, changes, address) = (stop.clone(), changes.clone(), address.clone());
                    async move {
                        let mut tick =
                            tokio::time::interval(Duration::from_secs_f64(1.0 / writes_per_second));
                        let mut n = 0usize;
                        while !stop.load(Ordering::Relaxed) {
                            tick.tick().await;
                            let id = ids[n % ids.len()];
                            let status = ["in_progress", "open"][(n / ids.len()) % 2];
                            n += 1;
                            let response = writer
                                .post(format!("{address}/obligations/{id}/status"))
                                .form(&[("status", status), ("csrf", csrf.as_str())])
                                .send()
                                .await;
                            if response.is_ok_and(|r| r.status() == 303) {
                                changes.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                });
                let calendar = reqwest::Client::new();
                let mut tick =
                    tokio::time::interval(Duration::from_secs_f64(1.0 / feeds_per_second));
                while !stop.load(Ordering::Relaxed) {
                    tick.tick().await;
                    let _ = calendar.get(&feed).send().await.map(|r| r.bytes());
                }
                writes.await.unwrap();
            })
        };
        // Two phases of the same load, the writer and the feed running through both: the
        // first starts on a cold server (every page asked for the first time), the second is
        // the steady state a server that has been up for a while lives in.
        for phase in ["first", "then"] {
            let before = changes.load(Ordering::Relaxed);
            let (tally, elapsed) = read(&reader, &address, &paths, connections, seconds).await;
            report(
                &format!(
                    "{label}, {phase}: {} filters (+{} changes)",
                    paths.len(),
                    changes.load(Ordering::Relaxed) - before
                ),
                &tally,
                elapsed,
            );
        }
        stop.store(true, Ordering::Relaxed);
        background.await.unwrap();
        drop(server);
    }
}
