//! Hostile files: a PDF decompression bomb and a Word file cut off must each be refused with
//! a one-line reason, without taking down the server or the rest of an import run.

use std::io::Read;

use crate::extract::{docx_from_text, fixture};
use crate::harness::{TestApp, mandates_command, shared_temp_dir};

const MIB: u64 = 1024 * 1024;

/// A zlib stream that expands to `expanded` zero bytes (a multiple of 1 MiB) at about
/// 1000:1. One MiB of zeros is compressed once with a full flush, which byte-aligns the
/// output and resets the window, so the same bytes repeated are a valid deflate stream.
fn zlib_bomb(expanded: u64) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut compress = Compress::new(Compression::best(), false);
    let chunk = vec![0u8; MIB as usize];
    let mut segment = Vec::with_capacity(64 * 1024);
    compress
        .compress_vec(&chunk, &mut segment, FlushCompress::Full)
        .unwrap();
    assert_eq!(
        compress.total_in(),
        MIB,
        "one call compresses the whole chunk"
    );
    // zlib header (deflate, 32K window, best compression; a multiple of 31 as it must be).
    let mut stream = vec![0x78, 0xDA];
    for _ in 0..expanded / MIB {
        stream.extend_from_slice(&segment);
    }
    // A final, empty block with fixed codes; then Adler-32 of n zeros: a = 1, b = n.
    stream.extend_from_slice(&[0x03, 0x00]);
    let adler = (((expanded % 65521) as u32) << 16) | 1;
    stream.extend_from_slice(&adler.to_be_bytes());
    stream
}

/// A one-page PDF whose content stream is `zlib_bomb(expanded)`.
fn bomb_pdf(expanded: u64) -> Vec<u8> {
    let stream = zlib_bomb(expanded);
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let objects: [Vec<u8>; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".to_vec(),
        [
            format!(
                "<< /Length {} /Filter /FlateDecode >>\nstream\n",
                stream.len()
            )
            .into_bytes(),
            stream,
            b"\nendstream".to_vec(),
        ]
        .concat(),
    ];
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(object);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

#[test]
fn the_bomb_fixture_is_a_valid_zlib_stream_of_zeros() {
    let mut zeros = Vec::new();
    flate2::read::ZlibDecoder::new(zlib_bomb(3 * MIB).as_slice())
        .read_to_end(&mut zeros)
        .expect("a valid zlib stream with its checksum");
    assert_eq!(zeros.len() as u64, 3 * MIB);
    assert!(zeros.iter().all(|&b| b == 0));
    let four_gib = bomb_pdf(4096 * MIB);
    assert!(
        four_gib.len() < 6 * MIB as usize,
        "{} bytes",
        four_gib.len()
    );
}

/// A Word file of the resolution whose `word/document.xml` stops half-way through.
fn docx_cut_off() -> Vec<u8> {
    use std::io::Write;
    let whole =
        docx_from_text(&std::fs::read_to_string(fixture("src/demo/A-RES-75-58.txt")).unwrap());
    // The document part as the archive holds it, cut off in the middle.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(whole)).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(&xml.as_bytes()[..xml.len() / 2]).unwrap();
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_pdf_bomb_among_good_files_is_refused_and_the_others_are_imported() {
    let app = TestApp::spawn().await;
    let dir = shared_temp_dir("mandates-bomb-");
    std::fs::write(dir.path().join("a-bomb.pdf"), bomb_pdf(4096 * MIB)).unwrap();
    std::fs::write(dir.path().join("b-cut.docx"), docx_cut_off()).unwrap();
    std::fs::copy(
        fixture("tests/fixtures/A-RES-78-43.pdf"),
        dir.path().join("c-A-RES-78-43.pdf"),
    )
    .unwrap();
    std::fs::copy(
        fixture("src/demo/A-RES-75-58.txt"),
        dir.path().join("d-A-RES-75-58.txt"),
    )
    .unwrap();
    let output = app.cli().arg("import").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        !output.status.success(),
        "a refused file makes the run fail"
    );
    assert!(
        stdout.contains("2 imported, 0 updated, 0 unchanged, 2 failed"),
        "{stdout}{stderr}"
    );
    let bomb = stdout.lines().find(|l| l.contains("a-bomb.pdf")).unwrap();
    assert!(
        bomb.contains("the PDF expands beyond 512 MiB of memory when read"),
        "{bomb}"
    );
    let cut = stdout.lines().find(|l| l.contains("b-cut.docx")).unwrap();
    assert!(cut.contains("the Word file is damaged"), "{cut}");
    assert!(stderr.contains("2 file(s) failed to import"), "{stderr}");
    let symbols: Vec<String> = sqlx::query_scalar("SELECT symbol FROM documents ORDER BY symbol")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(symbols, ["A/RES/75/58", "A/RES/78/43"]);
}

#[tokio::test]
async fn previewing_a_pdf_bomb_is_refused_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let preview = |name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", app.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        app.client
            .post(format!("{}/import/preview", app.address))
            .multipart(form)
            .send()
    };
    let response = preview("bomb.pdf", bomb_pdf(4096 * MIB)).await.unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("bomb.pdf: the PDF expands beyond 512 MiB of memory when read"),
        "{html}"
    );
    let response = preview("cut.docx", docx_cut_off()).await.unwrap();
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("cut.docx: the Word file is damaged")
    );
    // Still up, and still reading PDFs.
    let good = std::fs::read(fixture("tests/fixtures/A-RES-78-43.pdf")).unwrap();
    let response = preview("A-RES-78-43.pdf", good).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Preview: A/RES/78/43")
    );
}

#[test]
fn extracting_a_word_file_cut_off_says_it_is_damaged() {
    let dir = shared_temp_dir("mandates-cut-docx-");
    let path = dir.path().join("cut.docx");
    std::fs::write(&path, docx_cut_off()).unwrap();
    let output = mandates_command()
        .arg("extract")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("the Word file is damaged"), "{stderr}");
    assert!(
        !stderr.contains("tag not closed") && !stderr.contains("is empty"),
        "{stderr}"
    );
}

#[test]
fn a_pdf_that_reads_too_long_is_refused_with_the_limit() {
    // A 1 s CPU budget cannot expand 4 GiB, whatever the memory limit.
    let dir = shared_temp_dir("mandates-slow-");
    let path = dir.path().join("bomb.pdf");
    std::fs::write(&path, bomb_pdf(4096 * MIB)).unwrap();
    let output = mandates_command()
        .args([
            "--reader-memory-mib",
            "8192",
            "--reader-seconds",
            "1",
            "extract",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("the PDF takes more than 1 s to read: refused"),
        "{stderr}"
    );
}
