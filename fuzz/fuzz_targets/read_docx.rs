//! Any bytes given as a Word file: the zip archive, and (when the input is not itself a zip
//! archive) any bytes as its `word/document.xml`, since mutated compressed data rarely
//! inflates to XML. Our reader must never panic, loop or take unbounded memory on them.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use mandates::resolution::source_text;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK\x03\x04") {
        let _ = source_text(data);
        return;
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("word/document.xml", stored).unwrap();
    zip.write_all(data).unwrap();
    let docx = zip.finish().unwrap().into_inner();
    let _ = source_text(&docx);
});
