//! What reading PDF and Word files in a limited child process costs per file: the 20 PDFs of
//! the shared corpus (`MANDATES_CORPUS`, default `../shared/corpus`, its `pdf/` folder) read
//! in this process and through `mandates read-source`, and the child's fixed cost alone (a
//! one-line Word file).

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use mandates::reader::DocumentReader;
use mandates::resolution::source_text;

fn pdfs() -> Vec<Vec<u8>> {
    let dir = std::env::var_os("MANDATES_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
        .join("pdf");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == "pdf"));
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The smallest Word file that reads: what the child costs beyond the reading itself.
fn tiny_docx() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(br#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Decides.</w:t></w:r></w:p></w:body></w:document>"#)
        .unwrap();
    zip.finish().unwrap().into_inner()
}

fn bench_reader(c: &mut Criterion) {
    let reader = DocumentReader {
        program: env!("CARGO_BIN_EXE_mandates").into(),
        ..Default::default()
    };
    let pdfs = pdfs();
    let docx = tiny_docx();
    let mut group = c.benchmark_group("reader");
    group.sample_size(10);
    if !pdfs.is_empty() {
        eprintln!("{} PDFs; times are for all of them", pdfs.len());
        group.bench_function("pdfs_in_process", |b| {
            b.iter(|| {
                for pdf in &pdfs {
                    source_text(pdf).unwrap();
                }
            })
        });
        group.bench_function("pdfs_in_child", |b| {
            b.iter(|| {
                for pdf in &pdfs {
                    reader.read_source(pdf).unwrap();
                }
            })
        });
    }
    group.bench_function("tiny_docx_in_process", |b| {
        b.iter(|| source_text(&docx).unwrap())
    });
    group.bench_function("tiny_docx_in_child", |b| {
        b.iter(|| reader.read_source(&docx).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_reader);
criterion_main!(benches);
