//! `mandates extract`: reading text, PDF and Word files, and refusing what is not a resolution.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::harness::{mandates_command, shared_temp_dir};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn extract(args: &[&str]) -> Output {
    mandates_command()
        .arg("extract")
        .args(args)
        .output()
        .unwrap()
}

fn extract_json(path: &Path) -> Value {
    let output = extract(&["--json", path.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn numbers(json: &Value) -> Vec<String> {
    json["operative"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn seed_resolution_extracts_its_facts_and_obligations() {
    let json = extract_json(&fixture("src/demo/A-RES-75-58.txt"));
    assert_eq!(json["symbol"], "A/RES/75/58");
    assert_eq!(json["body"], "GA");
    assert_eq!(json["session"], 75);
    assert_eq!(json["adopted_on"], "2020-12-07");
    assert_eq!(numbers(&json), ["1", "2", "3", "4", "5", "6"]);
    let request = &json["operative"][4]["clauses"][0];
    assert_eq!(request["verb"], "requests");
    assert_eq!(request["action"], "request");
    assert_eq!(request["actors"][0], "Secretary-General");
    assert_eq!(request["deadlines"][0]["kind"], "session");
    assert_eq!(request["deadlines"][0]["session"], 76);
    assert_eq!(request["deadlines"][0]["due_on"], "2021-09-14");
    // Paragraph 2 holds two clauses: an appeal and an encouragement.
    let verbs: Vec<&str> = json["operative"][1]["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verb"].as_str().unwrap())
        .collect();
    assert_eq!(verbs, ["appeals", "encourages"]);
}

#[test]
fn readable_summary_says_who_must_do_what_by_when() {
    let output = extract(&[fixture("src/demo/A-RES-75-58.txt").to_str().unwrap()]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("A/RES/75/58\n"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("requests [request] Secretary-General")
                && l.contains("GA session 76")
                && l.contains("14 September 2021")),
        "{text}"
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let mut child = mandates_command()
        .args(["extract", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(fixture("src/demo/A-RES-75-58.txt")).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["symbol"], "A/RES/75/58");
}

#[test]
fn a_pdf_gives_the_same_paragraphs_as_its_text() {
    let pdf = extract_json(&fixture("tests/fixtures/A-RES-78-43.pdf"));
    let text = extract_json(&fixture("tests/fixtures/A-RES-78-43.txt"));
    assert_eq!(pdf["symbol"], "A/RES/78/43");
    assert_eq!(numbers(&pdf), numbers(&text));
    assert_eq!(pdf["adopted_on"], text["adopted_on"]);
}

/// A minimal but complete Word document with one paragraph per line of `text`.
pub fn docx_from_text(text: &str) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let body: String = text
        .lines()
        .map(|l| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                escape(l)
            )
        })
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/document.xml", document),
    ];
    for (name, contents) in files {
        zip.start_file(name, options).unwrap();
        zip.write_all(contents.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_word_file_gives_the_same_structure_as_its_text() {
    let dir = shared_temp_dir("mandates-docx-");
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-75-58.txt")).unwrap();
    let docx = dir.path().join("A-RES-75-58.docx");
    std::fs::write(&docx, docx_from_text(&text)).unwrap();
    let from_word = extract_json(&docx);
    let from_text = extract_json(&fixture("src/demo/A-RES-75-58.txt"));
    assert_eq!(from_word["symbol"], "A/RES/75/58");
    assert_eq!(from_word["operative"], from_text["operative"]);
}

fn refused(contents: &[u8], name: &str) -> String {
    let dir = shared_temp_dir("mandates-bad-");
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    let output = extract(&["--json", path.to_str().unwrap()]);
    assert!(!output.status.success(), "{name} must be refused");
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    assert!(refused(b"", "empty.txt").contains("empty"));
    assert!(
        refused(
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0",
            "program.txt"
        )
        .contains("binary")
    );
    let not_a_resolution = refused(
        "Minutes of the meeting\n\nThe meeting was called to order at 10 a.m.\n".as_bytes(),
        "minutes.txt",
    );
    assert!(
        not_a_resolution.contains("no operative paragraphs"),
        "{not_a_resolution}"
    );
    assert!(refused(b"%PDF-1.4\n%%EOF\n", "broken.pdf").contains("PDF"));
    assert!(refused(b"PK\x03\x04not really a zip", "broken.docx").contains("Word"));
}

#[test]
fn a_file_above_the_size_limit_is_refused_before_reading() {
    let dir = shared_temp_dir("mandates-big-");
    let path = dir.path().join("huge.txt");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let output = extract(&[path.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("above the limit"), "{stderr}");
}

#[test]
fn a_truncated_resolution_is_read_as_far_as_it_goes_with_a_warning() {
    let dir = shared_temp_dir("mandates-cut-");
    let text = std::fs::read_to_string(fixture("src/demo/A-RES-75-58.txt")).unwrap();
    let cut = &text[..text
        .find("5. *Requests*")
        .expect("paragraph 5 in the seed text")];
    let path = dir.path().join("cut.txt");
    std::fs::write(&path, cut).unwrap();
    let output = extract(&["--json", path.to_str().unwrap()]);
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(numbers(&json), ["1", "2", "3", "4"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("warning:"), "{stderr}");
}

#[test]
fn a_verb_broken_by_a_space_in_extraction_is_read_as_the_verb() {
    // The demo text prints paragraph 2 as "Also d ecides to continue its consideration ...".
    let json = extract_json(&fixture("src/demo/A-HRC-RES-46-9.txt"));
    let clause = &json["operative"][1]["clauses"][0];
    assert_eq!(clause["verb"], "decides");
    assert_eq!(clause["action"], "decision");
    assert_eq!(clause["actors"][0], "Human Rights Council");
    assert!(
        json["operative"][1]["text"]
            .as_str()
            .unwrap()
            .starts_with("Also decides to continue")
    );
}
