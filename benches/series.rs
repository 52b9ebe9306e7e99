//! Time to compare a resolution with its predecessor paragraph by paragraph: the demo series
//! (74/43 against 75/58, 24 paragraphs each), 77/98 against 78/102 (55 paragraphs, from
//! `../shared/corpus/more` or `MANDATES_CORPUS`), and two unrelated texts, where no paragraph
//! matches and every pair is weighed.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use mandates::resolution::series::diff_resolutions;
use mandates::resolution::{Resolution, SessionCalendar, read_resolution};

fn read(path: &Path) -> Option<Resolution> {
    let text = std::fs::read_to_string(path).ok()?;
    read_resolution(&text, &SessionCalendar::builtin()).ok()
}

fn bench_diff(c: &mut Criterion) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo");
    let corpus: PathBuf = std::env::var_os("MANDATES_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let mut pairs = vec![
        (
            "74/43 -> 75/58",
            read(&demo.join("A-RES-74-43.txt")),
            read(&demo.join("A-RES-75-58.txt")),
        ),
        (
            "77/98 -> 80/41 (unrelated)",
            read(&demo.join("A-RES-77-98.txt")),
            read(&demo.join("A-RES-80-41.txt")),
        ),
    ];
    pairs.push((
        "77/98 -> 78/102",
        read(&demo.join("A-RES-77-98.txt")),
        read(&corpus.join("more/A-RES-78-102.txt")),
    ));
    let mut group = c.benchmark_group("series_diff");
    for (name, before, after) in pairs {
        let (Some(before), Some(after)) = (before, after) else {
            eprintln!("{name}: text missing, skipped");
            continue;
        };
        eprintln!(
            "{name}: {} + {} paragraphs against {} + {}",
            before.preamble.len(),
            before.operative.len(),
            after.preamble.len(),
            after.operative.len()
        );
        group.bench_function(name, |b| {
            b.iter(|| std::hint::black_box(diff_resolutions(&before, &after)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_diff);
criterion_main!(benches);
