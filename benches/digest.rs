//! Weekly digests at scale: 10,000 subscribers over the demo resolutions, each digest composed
//! (plain text and HTML), claimed from the job queue and sent to a local SMTP server, through
//! the same path as `mandates digest send`. Run: `cargo bench --bench digest`
//! (`MANDATES_BENCH_SUBSCRIBERS` to change the count, `MANDATES_BENCH_CONCURRENCY` the senders).

#[allow(dead_code)]
#[path = "../tests/api/smtp.rs"]
mod smtp;

use std::os::unix::fs::PermissionsExt;
use std::time::Instant;

use mandates::digest::{self, Clock, DigestConfig, DigestWorker, Mailer};
use mandates::store::{self, PrivateCluster, ServerBinaries};

/// The filters subscribers follow: a spread of the dashboard's, so digests differ.
const FILTERS: [&str; 12] = [
    "",
    "body=GA",
    "body=HRC",
    "body=SC",
    "action=request",
    "action=decision",
    "q=report",
    "q=secretary-general",
    "body=GA&action=request",
    "q=human+rights",
    "status=open",
    "body=GA&q=report",
];

fn main() {
    let wanted: i32 = std::env::var("MANDATES_BENCH_SUBSCRIBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    // Each digest costs three commits (its claim, its DATA mark, its completion); the time is
    // mostly waiting for them to reach the disk, so more senders share each flush (group
    // commit).
    let concurrency: usize = std::env::var("MANDATES_BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let root = tempfile::Builder::new()
        .prefix("mandates-bench-")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let binaries = ServerBinaries::find(None).expect("PostgreSQL server binaries");
    let cluster = PrivateCluster::start(binaries, &root.path().join("pg")).expect("start cluster");
    let smtp = smtp::SmtpServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let pool = store::connect(&cluster.url("postgres")).await.unwrap();
        store::MIGRATOR.run(&pool).await.unwrap();
        store::seed_sessions(&pool, &mandates::resolution::SessionCalendar::builtin())
            .await
            .unwrap();
        mandates::import::import_demo(&pool).await.unwrap();
        sqlx::query(
            "INSERT INTO subscribers (email, name, filter_query, time_zone)
             SELECT 'user' || g || '@example.org', 'User ' || g, ($2::text[])[1 + g % $3],
                    (ARRAY['UTC', 'Europe/Zurich', 'America/New_York', 'Asia/Tokyo'])[1 + g % 4]
             FROM generate_series(1, $1) g",
        )
        .bind(wanted)
        .bind(FILTERS.map(String::from).to_vec())
        .bind(FILTERS.len() as i32)
        .execute(&pool)
        .await
        .unwrap();
        let config = DigestConfig {
            base_url: "https://mandates.example.org".into(),
            from: "mandates <digest@mandates.example.org>".parse().unwrap(),
            // Every subscriber gets a message, so that 10,000 are rendered and sent.
            send_empty: true,
            secret: digest::SigningSecret::new("bench"),
        };
        let mailer = Mailer::from_url(&smtp.url).unwrap();
        let mut worker = DigestWorker::new(pool.clone(), Some(mailer), config);
        worker.concurrency = concurrency;
        let started = Instant::now();
        // Monday 2 August 2021 (end of day): every subscriber's Monday 08:00 slot has passed.
        let summary = worker
            .run_once(Clock::EndOfDay("2021-08-02".parse().unwrap()), None)
            .await
            .unwrap();
        let elapsed = started.elapsed();
        let received = smtp.count();
        let bytes: usize = smtp.messages().iter().map(|m| m.raw.len()).sum();
        println!(
            "{summary}; the SMTP server received {received} messages ({:.1} MB) in {:.1} s: {:.0} digests/s with {concurrency} senders",
            bytes as f64 / 1e6,
            elapsed.as_secs_f64(),
            received as f64 / elapsed.as_secs_f64(),
        );
        assert_eq!(received, wanted as usize, "one message per subscriber");
        pool.close().await;
    });
    drop(cluster);
}
