//! Turning a resolution's source file (plain text or Markdown, PDF, Word) into its text.
//! Bytes in, text out: the caller reads the file, enforcing [`MAX_SOURCE_BYTES`].

use std::io::{Cursor, Read};

/// The largest source file accepted: resolutions are tens of KB as text and a few hundred KB
/// as PDF; anything far beyond is not a resolution.
pub const MAX_SOURCE_BYTES: u64 = 20 * 1024 * 1024;

/// What a source file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    Text,
    Pdf,
    Docx,
}

impl SourceType {
    /// The code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Text => "text",
            SourceType::Pdf => "pdf",
            SourceType::Docx => "docx",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is {size} bytes, above the limit of {limit} bytes: a resolution is far smaller; \
         split the file or check that it is the right one"
    )]
    TooLarge { size: u64, limit: u64 },
    #[error(
        "the file is binary, not text, PDF or Word (.docx): convert it to one of those \
         (an old .doc file must be saved as .docx)"
    )]
    Binary,
    #[error("the PDF cannot be read: {0}")]
    PdfUnreadable(String),
    #[error(
        "the PDF has no text layer (a scan?): run it through OCR first, or use the text or Word version"
    )]
    PdfNoText,
    #[error("the Word file cannot be read: {0}")]
    DocxUnreadable(String),
    #[error(
        "the Word file is damaged ({0}): it was probably cut off while copying or downloading; \
         get it again, or save it again from Word, or import its PDF or text version"
    )]
    DocxDamaged(String),
}

/// The type of a source from its first bytes; the name's extension is only a fallback.
pub fn detect_source_type(bytes: &[u8]) -> SourceType {
    if bytes.starts_with(b"%PDF-") {
        SourceType::Pdf
    } else if bytes.starts_with(b"PK\x03\x04") {
        SourceType::Docx
    } else {
        SourceType::Text
    }
}

/// The text of a source file, with its type.
pub fn source_text(bytes: &[u8]) -> Result<(SourceType, String), SourceError> {
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(SourceError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_SOURCE_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SourceError::Empty);
    }
    let kind = detect_source_type(bytes);
    let text = match kind {
        SourceType::Text => decode_text(bytes)?,
        SourceType::Pdf => pdf_text(bytes)?,
        SourceType::Docx => docx_text(bytes)?,
    };
    Ok((kind, text))
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 as older files use.
fn decode_text(bytes: &[u8]) -> Result<String, SourceError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_text(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    };
    if looks_binary(&text) {
        return Err(SourceError::Binary);
    }
    Ok(text)
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, SourceError> {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if looks_binary(&text) {
        return Err(SourceError::Binary);
    }
    Ok(text)
}

/// Text has no NULs and few control characters; binary formats have many.
fn looks_binary(text: &str) -> bool {
    let mut control = 0usize;
    let mut total = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c') {
            control += 1;
        }
    }
    control * 100 > total
}

fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[(byte - 0x80) as usize],
        _ => byte as char,
    }
}

fn pdf_text(bytes: &[u8]) -> Result<String, SourceError> {
    // The PDF library panics on some malformed files; a bad upload must not take us down.
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    let text = match extracted {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => return Err(SourceError::PdfUnreadable(e.to_string())),
        Err(_) => {
            return Err(SourceError::PdfUnreadable(
                "the file is damaged or uses features the reader does not know".into(),
            ));
        }
    };
    if text.chars().filter(|c| c.is_alphabetic()).count() < 20 {
        return Err(SourceError::PdfNoText);
    }
    Ok(text)
}

/// The body text of a Word document, one line per paragraph, with its footnotes appended
/// after a separator line as PDF text has them.
fn docx_text(bytes: &[u8]) -> Result<String, SourceError> {
    // It starts as a zip archive (see `detect_source_type`): one that does not read as a
    // whole, or whose parts do not, was cut off or corrupted on its way here.
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| SourceError::DocxDamaged(format!("its zip archive is incomplete: {e}")))?;
    let document = read_zip_entry(&mut archive, "word/document.xml")?.ok_or_else(|| {
        SourceError::DocxUnreadable("it has no word/document.xml (is it a Word file?)".into())
    })?;
    let damaged = |part: &str, e: String| SourceError::DocxDamaged(format!("{part}: {e}"));
    let mut text = word_xml_paragraphs(&document).map_err(|e| damaged("word/document.xml", e))?;
    if let Some(footnotes) = read_zip_entry(&mut archive, "word/footnotes.xml")? {
        let notes =
            word_xml_paragraphs(&footnotes).map_err(|e| damaged("word/footnotes.xml", e))?;
        if !notes.trim().is_empty() {
            text.push_str("\n__________________\n\n");
            text.push_str(&notes);
        }
    }
    if text.trim().is_empty() {
        return Err(SourceError::Empty);
    }
    Ok(text)
}

fn read_zip_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, SourceError> {
    let damaged = |e: &dyn std::fmt::Display| SourceError::DocxDamaged(format!("{name}: {e}"));
    let mut entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(damaged(&e)),
    };
    // A zip bomb must not exhaust memory: the text of a resolution is small.
    let mut xml = String::new();
    (&mut entry)
        .take(MAX_SOURCE_BYTES * 4)
        .read_to_string(&mut xml)
        .map_err(|e| damaged(&e))?;
    Ok(Some(xml))
}

/// The paragraphs of WordprocessingML: `<w:p>` ends a line, `<w:t>` holds text, `<w:tab/>`
/// and `<w:br/>` are white space; footnote references become their number. The error says
/// where the XML breaks off or goes wrong.
fn word_xml_paragraphs(xml: &str) -> Result<String, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::with_capacity(xml.len() / 4);
    let mut in_text = false;
    let mut footnote_number = 0u32;
    // Elements open at the end mean the part was cut off, which the XML reader lets pass.
    let mut open = 0usize;
    let mut seen_root = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "its XML breaks off or is corrupt at byte {}: {e}",
                reader.error_position()
            )
        })?;
        match &event {
            Event::Start(_) => {
                open += 1;
                seen_root = true;
            }
            Event::Empty(_) => seen_root = true,
            Event::End(_) => open = open.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_text = true,
            Event::End(e) if e.local_name().as_ref() == b"t" => in_text = false,
            Event::End(e) if e.local_name().as_ref() == b"p" => out.push('\n'),
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" | b"br" => out.push(' '),
                b"footnoteReference" => {
                    footnote_number += 1;
                    out.push_str(&footnote_number.to_string());
                }
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.xml_content().unwrap_or_default()),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    match &*r {
                        b"amp" => out.push('&'),
                        b"lt" => out.push('<'),
                        b"gt" => out.push('>'),
                        b"quot" => out.push('"'),
                        b"apos" => out.push('\''),
                        _ => {}
                    }
                }
            }
            Event::Eof if open > 0 || !seen_root => {
                return Err(format!(
                    "its XML ends after {} bytes with {open} element(s) still open",
                    xml.len()
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_text_passes_through() {
        let (kind, text) = source_text("75/58. Measures\n".as_bytes()).unwrap();
        assert_eq!(kind, SourceType::Text);
        assert_eq!(text, "75/58. Measures\n");
    }

    #[test]
    fn windows_1252_quotes_are_decoded() {
        let (_, text) = source_text(b"\x93ethnic cleansing\x94 is unlawful").unwrap();
        assert_eq!(text, "“ethnic cleansing” is unlawful");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Decides".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(source_text(&bytes).unwrap().1, "Decides");
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert!(matches!(source_text(b"  \n\n"), Err(SourceError::Empty)));
        assert!(matches!(
            source_text(b"\x7fELF\x02\x01\x01\0\0\0"),
            Err(SourceError::Binary)
        ));
    }

    #[test]
    fn oversized_files_are_refused() {
        let big = vec![b'a'; MAX_SOURCE_BYTES as usize + 1];
        assert!(matches!(
            source_text(&big),
            Err(SourceError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_broken_pdf_is_an_error_not_a_panic() {
        let err = source_text(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage").unwrap_err();
        assert!(
            matches!(err, SourceError::PdfUnreadable(_) | SourceError::PdfNoText),
            "{err}"
        );
    }

    /// A Word file whose `word/document.xml` is `xml`, as a zip archive would hold it.
    fn docx_with_document(xml: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    const WORD_XML: &str = r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Decides to remain seized of the matter.</w:t></w:r></w:p></w:body></w:document>"#;

    #[test]
    fn a_word_file_cut_off_anywhere_is_called_damaged() {
        assert!(source_text(&docx_with_document(WORD_XML)).is_ok());
        // The document part cut off (consistent zip) and the archive itself cut off.
        for cut in [1, 20, 40, 60, 90, WORD_XML.len() - 1] {
            let err = source_text(&docx_with_document(&WORD_XML[..cut])).unwrap_err();
            assert!(
                matches!(err, SourceError::DocxDamaged(_)),
                "cut at {cut}: {err}"
            );
        }
        let whole = docx_with_document(WORD_XML);
        for cut in [10, whole.len() / 2, whole.len() - 10] {
            let err = source_text(&whole[..cut]).unwrap_err();
            assert!(
                matches!(err, SourceError::DocxDamaged(_)),
                "cut at {cut}: {err}"
            );
        }
    }

    #[test]
    fn word_paragraphs_and_footnote_marks_become_lines() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>Recalling its resolution 74/43,</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">1. </w:t></w:r><w:r><w:t>Calls upon &amp; urges</w:t></w:r></w:p>
            </w:body></w:document>"#;
        assert_eq!(
            word_xml_paragraphs(xml).unwrap(),
            "Recalling its resolution 74/43,1\n1. Calls upon & urges\n"
        );
    }
}
