//! Bulk import: 10,000 resolutions (the corpus texts repeated under synthetic symbols) into a
//! fresh database of a private cluster, through the same path as `mandates import DIR`.
//! Run: `cargo bench --bench import` (`MANDATES_BENCH_DOCS` to change the count).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use mandates::resolution::{SessionCalendar, read_resolution};
use mandates::store::{self, PrivateCluster, ServerBinaries};

fn corpus_texts() -> Vec<String> {
    let root = std::env::var_os("MANDATES_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let mut paths: Vec<PathBuf> = [
        root.clone(),
        root.join("more"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo"),
    ]
    .iter()
    .filter_map(|d| std::fs::read_dir(d).ok())
    .flatten()
    .filter_map(|e| e.ok().map(|e| e.path()))
    .filter(|p| p.extension().is_some_and(|x| x == "txt"))
    .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The part of a symbol its text repeats ("78/102" of A/RES/78/102, "836 (1993)" of S/RES/836 (1993)).
fn numbering(symbol: &str) -> Option<(String, String)> {
    if let Some(rest) = symbol.strip_prefix("S/RES/") {
        let (number, year) = rest.split_once(' ')?;
        return Some((number.to_string(), year.to_string()));
    }
    let mut parts = symbol.rsplitn(3, '/');
    let number = parts.next()?;
    let session = parts.next()?;
    Some((format!("{session}/{number}"), String::new()))
}

fn main() {
    let wanted: usize = std::env::var("MANDATES_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let calendar = SessionCalendar::builtin();
    // Texts whose symbol can be rewritten consistently.
    let templates: Vec<(String, String)> = corpus_texts()
        .into_iter()
        .filter_map(|t| {
            let symbol = read_resolution(&t, &calendar).ok()?.symbol?;
            let (tail, _) = numbering(&symbol)?;
            Some((t, tail))
        })
        .collect();
    assert!(
        !templates.is_empty(),
        "no corpus texts found; set MANDATES_CORPUS"
    );

    let root = tempfile::Builder::new()
        .prefix("mandates-bench-")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let files = root.path().join("files");
    std::fs::create_dir(&files).unwrap();
    let mut bytes = 0;
    // Real numbering has at most four digits: count up from 1000 within each session (or
    // within the Security Council's numbering), so every synthetic symbol is unique.
    let mut next_number: std::collections::HashMap<String, u32> = Default::default();
    for k in 0..wanted {
        let (text, tail) = &templates[k % templates.len()];
        let key = tail
            .split_once('/')
            .map_or("SC", |(session, _)| session)
            .to_string();
        let counter = next_number.entry(key.clone()).or_insert(1000);
        *counter += 1;
        let synthetic = match tail.split_once('/') {
            Some((session, _)) => format!("{session}/{counter}"),
            None => counter.to_string(),
        };
        let text = text.replace(tail.as_str(), &synthetic);
        bytes += text.len();
        std::fs::write(files.join(format!("{k:05}.txt")), text).unwrap();
    }

    let binaries = ServerBinaries::find(None).expect("PostgreSQL server binaries");
    let cluster = PrivateCluster::start(binaries, &root.path().join("pg")).expect("start cluster");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let pool = store::connect(&cluster.url("postgres")).await.unwrap();
        store::MIGRATOR.run(&pool).await.unwrap();
        store::seed_sessions(&pool, &calendar).await.unwrap();
        let started = Instant::now();
        let summary = mandates::import::import_paths(
            &pool,
            &mandates::reader::DocumentReader {
                program: env!("CARGO_BIN_EXE_mandates").into(),
                ..Default::default()
            },
            std::slice::from_ref(&files),
            &|_, _, _| {},
        )
            .await
            .unwrap();
        let elapsed = started.elapsed();
        for failed in summary.files.iter().filter(|f| f.outcome.is_err()).take(5) {
            eprintln!("failed {}: {:?}", failed.path.display(), failed.outcome);
        }
        let counts: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM paragraphs),
                    (SELECT count(*) FROM clauses), (SELECT count(*) FROM obligations)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        println!(
            "imported {} of {wanted} resolutions ({:.1} MB of text; {} paragraphs, {} clauses, {} obligations) in {:.1} s: {:.0} resolutions/s, {} failed",
            counts.0,
            bytes as f64 / 1e6,
            counts.1,
            counts.2,
            counts.3,
            elapsed.as_secs_f64(),
            summary.imported() as f64 / elapsed.as_secs_f64(),
            summary.failed(),
        );
        pool.close().await;
    });
    drop(cluster);
}
