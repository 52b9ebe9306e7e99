//! Throughput of reading resolutions: the structure parser alone, the full extraction
//! (structure, clauses, actors, deadlines), and PDF text extraction, over the shared corpus
//! (`MANDATES_CORPUS`, default `../shared/corpus`; the bundled demo texts when it is absent).

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
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

criterion_group!(benches, bench_text, bench_pdf);
criterion_main!(benches);
