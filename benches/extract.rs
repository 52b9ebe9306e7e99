//! Throughput of reading resolutions: the structure parser alone, the full extraction
//! (structure, clauses, actors, deadlines), and PDF text extraction, over the shared corpus
//! (`MANDATES_CORPUS`, default `../shared/corpus`; the bundled demo texts when it is absent).

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group};
use mandates::resolution::{SessionCalendar, parse_resolution, read_resolution, source_text};

fn corpus_root() -> PathBuf {
    std::env::var_os("MANDATES_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

fn files(dirs: &[PathBuf], extension: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == extension))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn texts() -> Vec<String> {
    let root = corpus_root();
    let mut dirs = vec![root.clone(), root.join("more")];
    if !root.exists() {
        dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo")];
    }
    files(&dirs, "txt")
        .into_iter()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

fn bench_text(c: &mut Criterion) {
    let texts = texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let calendar = SessionCalendar::builtin();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_resolution", |b| {
        b.iter(|| {
            for t in &texts {
                let _ = std::hint::black_box(parse_resolution(std::hint::black_box(t)));
            }
        })
    });
    group.bench_function("read_resolution", |b| {
        b.iter(|| {
            for t in &texts {
                let _ = std::hint::black_box(read_resolution(std::hint::black_box(t), &calendar));
            }
        })
    });
    group.finish();
}

fn bench_pdf(c: &mut Criterion) {
    let pdfs = files(&[corpus_root().join("pdf")], "pdf");
    if pdfs.is_empty() {
        return;
    }
    let bytes: usize = pdfs.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("pdf");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("pdf_text", |b| {
        b.iter(|| {
            for pdf in &pdfs {
                let _ = std::hint::black_box(source_text(pdf));
            }
        })
    });
    group.finish();
}

/// The opening every adversarial text shares: a header the parser accepts, one preamble line.
const HEADER: &str = "Resolution adopted by the General Assembly on 7 December 2020\n\n\
    75/58. Adversarial input\n\nThe General Assembly,\n\nRecalling its resolution 74/43,\n\n";

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A text of about `bytes` bytes: the header, `open`, then `piece(i)` for i = 0, 1, ...
fn grow(bytes: usize, open: &str, piece: impl Fn(usize) -> String, close: &str) -> String {
    let mut text = String::with_capacity(bytes + 256);
    text.push_str(HEADER);
    text.push_str(open);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&piece(i));
        i += 1;
    }
    text.push_str(close);
    text
}

/// Inputs shaped to make a reader slow where it scans back, compares each find with every
/// other, or nests: extraction time must grow linearly with each of them.
fn adversarial_texts(bytes: usize) -> Vec<(&'static str, String)> {
    let date = |i: usize| format!("{} {} {}", 1 + i % 28, MONTH_NAMES[i % 12], 2021 + i % 40);
    let ordinal = |i: usize| ["sixtieth", "seventy-sixth", "eightieth"][i % 3];
    vec![
        (
            "one_paragraph_of_dates",
            grow(
                bytes,
                "1. Requests the Secretary-General to report",
                |i| format!(" by {}, and", date(i)),
                " thereafter;\n",
            ),
        ),
        (
            "dates_without_punctuation",
            grow(
                bytes,
                "1. Requests the Secretary-General to report",
                |i| {
                    format!(
                        " by {} and in {} and at its {} session and held",
                        date(i),
                        2021 + i % 50,
                        ordinal(i)
                    )
                },
                ";\n",
            ),
        ),
        (
            "days_without_a_year",
            grow(
                bytes,
                "1. Requests the Secretary-General to report",
                |i| format!(" from {} to {} April and", 1 + i % 27, 2 + i % 27),
                ";\n",
            ),
        ),
        (
            "clauses_with_pronouns",
            grow(
                bytes,
                "1. Requests them to report",
                |_| ", requests them to report, invites them to".to_string(),
                ";\n",
            ),
        ),
        (
            "many_paragraphs",
            grow(
                bytes,
                "",
                |i| {
                    format!(
                        "{}. Requests the Secretary-General to submit a report by {} to the General Assembly at its seventy-sixth session;\n\n",
                        i + 1,
                        date(i)
                    )
                },
                "",
            ),
        ),
        (
            "deeply_nested_sub_paragraphs",
            grow(
                bytes,
                "1. Decides that:\n",
                |i| {
                    format!(
                        "{}({}) requests the Secretary-General to report by {}, within six months, annually;\n",
                        "  ".repeat(i % 30),
                        char::from(b'a' + (i % 26) as u8),
                        date(i)
                    )
                },
                "",
            ),
        ),
        (
            "sessions_of_many_bodies",
            grow(
                bytes,
                "1. Decides to include in the provisional agenda",
                |i| {
                    format!(
                        " of its {} session, the item, and of the Commission on the Status of Women at its sixty-third session",
                        ordinal(i)
                    )
                },
                ";\n",
            ),
        ),
    ]
}

fn bench_adversarial(c: &mut Criterion) {
    let bytes = std::env::var("MANDATES_ADVERSARIAL_BYTES")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(1 << 20);
    let calendar = SessionCalendar::builtin();
    let mut group = c.benchmark_group("adversarial");
    group.sample_size(10);
    for (name, text) in adversarial_texts(bytes) {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| std::hint::black_box(read_resolution(std::hint::black_box(&text), &calendar)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_text, bench_pdf, bench_adversarial);

/// `MANDATES_BENCH_ONCE=N`: read every corpus text exactly N times and exit, so that an
/// instruction count (callgrind) is comparable between builds whatever the machine's load.
fn read_corpus_times(times: usize) {
    let texts = texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let calendar = SessionCalendar::builtin();
    for _ in 0..times {
        for t in &texts {
            let _ = std::hint::black_box(read_resolution(std::hint::black_box(t), &calendar));
        }
    }
    println!("read {} texts, {bytes} bytes, {times} times", texts.len());
}

fn main() {
    if let Some(times) = std::env::var("MANDATES_BENCH_ONCE")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        read_corpus_times(times);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
