//! Finding citations of other documents in paragraph text ("resolution 74/43", "Security Council
//! resolution 1540 (2004)", "A/75/171") and normalising them to document symbols.

use std::sync::LazyLock;

use regex::Regex;

use super::clean::MarkAt;
use super::model::{Body, Footnote, Location, Reference, Relation};

const NAMED_BODIES: [&str; 6] = [
    "General Assembly",
    "Security Council",
    "Human Rights Council",
    "Economic and Social Council",
    "Council",
    "Assembly",
];
static PURSUANT_WORD: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("pursuant"));
static RESOLUTION_STEM: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("esolution"));
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\A(?:(\d{1,4})/(\d{1,4})(?: ([A-Z]{1,3})\b)?|(\d{1,4}) ?\((\d{4})\))").unwrap()
});
static LIST_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\A(?:\s+|,|and\b|as well as\b|of\s+\d{1,2}(?:\s+and\s+\d{1,2})?\s+[A-Z][a-z]+\]?\s+\d{4}\b)+")
        .unwrap()
});
static DOC_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:A|S|E|UNEP|ICCD|FCCC|TD|CCPR|CRC|CEDAW)(?:/[A-Za-z0-9.\-]+)+").unwrap()
});
static PURSUANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)report(?-u:\b)[^;]{0,250}?(?-u:\b)pursuant to paragraphs? (\d+(?: ?\([a-z]+\))?) of (?:its |General Assembly |Security Council |Human Rights Council |Council |Assembly )?resolution ")
        .unwrap()
});
static PAREN_SYMBOL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A\s?\(((?:A|S|E)/[A-Za-z0-9./\-]+)").unwrap());

/// What the citing paragraph does with the documents it cites, from its lead phrase or verb.
pub(crate) fn relation_from_lead(lead: &str) -> Relation {
    // Compared ignoring ASCII case, so the lead is neither copied nor lower-cased.
    let mut l = lead;
    while let Some(rest) = strip_prefix_ignore_case(l, "also ") {
        l = rest;
    }
    while let Some(rest) = strip_prefix_ignore_case(l, "further ") {
        l = rest;
    }
    let starts = |p: &str| strip_prefix_ignore_case(l, p).is_some();
    if starts("recall") || starts("reaffirm") {
        Relation::Recalls
    } else if starts("taking note") || starts("takes note") || starts("take note") {
        Relation::TakesNote
    } else {
        Relation::Cites
    }
}

/// `s` without `prefix` (ASCII) when it starts with it in any ASCII case.
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.as_bytes().get(..prefix.len())?;
    // An ASCII prefix matched, so the cut is on a character boundary.
    head.eq_ignore_ascii_case(prefix.as_bytes())
        .then(|| &s[prefix.len()..])
}

/// The document symbol of a resolution cited by number, given who adopted the citing text and
/// which body the citation names.
fn resolution_symbol(
    named: Option<&str>,
    adopting: Option<Body>,
    pair: Option<(&str, &str, Option<&str>)>,
    sc: Option<(&str, &str)>,
) -> String {
    if let Some((n, y)) = sc {
        return format!("S/RES/{n} ({y})");
    }
    let (a, b, part) = pair.unwrap_or(("", "", None));
    let part = part.map(|p| format!(" {p}")).unwrap_or_default();
    let body = match named {
        Some("General Assembly") => Some(Body::GeneralAssembly),
        Some("Human Rights Council") => Some(Body::HumanRightsCouncil),
        Some("Economic and Social Council") => Some(Body::EconomicAndSocialCouncil),
        Some("Assembly") => Some(Body::GeneralAssembly),
        _ => adopting,
    };
    match body {
        Some(Body::HumanRightsCouncil) => format!("A/HRC/RES/{a}/{b}{part}"),
        Some(Body::EconomicAndSocialCouncil) => format!("E/RES/{a}/{b}{part}"),
        _ if a.len() == 4 => format!("E/RES/{a}/{b}{part}"),
        _ => format!("A/RES/{a}/{b}{part}"),
    }
}

/// "resolution 74/43", "resolutions 637 (1989) ...": each "resolution" or "resolutions" with the
/// white space after it, where the regex `[Rr]esolutions?\s+` would match, in reading order.
/// The body named before it is read apart. One substring search, not a regex: this runs on
/// every paragraph that holds the word.
fn resolution_words(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    for at in RESOLUTION_STEM.find_iter(bytes) {
        if at == 0 || !matches!(bytes[at - 1], b'R' | b'r') {
            continue;
        }
        let mut end = at + "esolution".len();
        if bytes.get(end) == Some(&b's') {
            end += 1;
        }
        let space: usize = text[end..]
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(char::len_utf8)
            .sum();
        if space > 0 {
            words.push(at - 1..end + space);
        }
    }
    words
}

/// Finds every citation in one paragraph's text.
pub(crate) fn find_references(
    text: &str,
    location: &Location,
    relation: Relation,
    adopting: Option<Body>,
    marks: &[MarkAt],
    footnotes: &[Footnote],
) -> Vec<Reference> {
    let mut refs: Vec<(usize, Reference)> = Vec::new();
    // Cheap substring checks keep the regexes off paragraphs that cannot match.
    let pursuant: Vec<(usize, String)> = if PURSUANT_WORD.find(text.as_bytes()).is_none() {
        Vec::new()
    } else {
        PURSUANT
            .captures_iter(text)
            .map(|c| (c.get(0).map_or(0, |m| m.end()), c[1].to_string()))
            .collect()
    };
    // Both checks must skip the searches themselves, not just their results.
    let cites_resolutions = RESOLUTION_STEM.find(text.as_bytes()).is_some();
    let cites_documents = memchr::memchr(b'/', text.as_bytes()).is_some();
    let resolution_words = if cites_resolutions {
        resolution_words(text)
    } else {
        Vec::new()
    };

    for whole in resolution_words {
        let before = text[..whole.start].trim_end();
        let named = NAMED_BODIES.iter().copied().find(|b| before.ends_with(b));
        let whole_start = named.map_or(whole.start, |b| before.len() - b.len());
        let mut pos = whole.end;
        while let Some(item) = LIST_ITEM.captures(&text[pos..]) {
            let span = item.get(0).expect("match");
            let symbol = if item.get(4).is_some() {
                resolution_symbol(named, adopting, None, Some((&item[4], &item[5])))
            } else {
                resolution_symbol(
                    named,
                    adopting,
                    Some((&item[1], &item[2], item.get(3).map(|p| p.as_str()))),
                    None,
                )
            };
            let start = pos + span.start();
            let end = pos + span.end();
            let printed = if start == whole.end {
                text[whole_start..end].trim().to_string()
            } else {
                text[start..end].to_string()
            };
            let mut r = Reference {
                symbol,
                printed,
                relation,
                location: location.clone(),
                paragraph: None,
                report: None,
            };
            if let Some((_, para)) = pursuant.iter().find(|(p, _)| *p == whole.end) {
                r.relation = Relation::ReportPursuantTo;
                r.paragraph = Some(para.clone());
                r.report = report_symbol_after(text, end, marks, footnotes);
            }
            refs.push((start, r));
            pos = end;
            match LIST_GAP.find(&text[pos..]) {
                Some(g) => pos += g.end(),
                None => break,
            }
        }
    }

    let symbols = if cites_documents {
        doc_symbols(text)
    } else {
        Vec::new()
    };
    for (start, s) in symbols {
        let s = s.trim_end_matches(['.', ',', ';', ':', '-']);
        if !s.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        refs.push((
            start,
            Reference {
                symbol: s.to_string(),
                printed: s.to_string(),
                relation,
                location: location.clone(),
                paragraph: None,
                report: None,
            },
        ));
    }
    refs.sort_by_key(|(p, _)| *p);
    refs.into_iter().map(|(_, r)| r).collect()
}

/// Document symbols in a text, found from each '/' back to where the symbol starts (every
/// symbol has one), so the text is scanned by memchr rather than by the regex.
fn doc_symbols(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut consumed = 0;
    for slash in memchr::memchr_iter(b'/', bytes) {
        if slash < consumed {
            continue;
        }
        let mut start = slash;
        while start > 0 && start + 12 > slash && bytes[start - 1].is_ascii_alphanumeric() {
            start -= 1;
        }
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let end = (start + 96).min(text.len());
        let end = (0..=end - start)
            .rev()
            .map(|d| start + d)
            .find(|&e| text.is_char_boundary(e))
            .unwrap_or(start);
        if let Some(m) = DOC_SYMBOL.find(&text[start..end]) {
            out.push((start, &text[start..start + m.end()]));
            consumed = start + m.end();
        }
    }
    out
}

/// The report answering a "pursuant to paragraph N of resolution X" citation: a symbol in
/// brackets right after it, or the symbol its footnote gives.
fn report_symbol_after(
    text: &str,
    end: usize,
    marks: &[MarkAt],
    footnotes: &[Footnote],
) -> Option<String> {
    if let Some(c) = PAREN_SYMBOL.captures(&text[end..]) {
        return Some(c[1].trim_end_matches(['.', ',']).to_string());
    }
    let mark = marks
        .iter()
        .find(|m| m.offset >= end && m.offset <= end + 3)?;
    let note = footnotes.iter().find(|f| f.mark == mark.mark)?;
    doc_symbols(&note.text)
        .first()
        .map(|(_, s)| s.trim_end_matches(['.', ',']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_words_are_where_the_regex_finds_them() {
        let regex = Regex::new(r"[Rr]esolutions?\s+").unwrap();
        for text in [
            "Recalling its resolutions 74/43 and 75/1, and Security Council resolution 1540 (2004)",
            "Resolution\u{a0}\u{2003} 2/3 resolutionsX resolutions\tresolution",
            "esolution 1 presolution 2 Resolutionresolution 3 resolutions",
            "the draft resolution\n\nresolution\u{85}x",
        ] {
            let expected: Vec<_> = regex.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(resolution_words(text), expected, "{text:?}");
        }
    }

    fn refs(text: &str, body: Body) -> Vec<Reference> {
        find_references(
            text,
            &Location::Preamble(0),
            relation_from_lead(text),
            Some(body),
            &[],
            &[],
        )
    }

    #[test]
    fn normalises_general_assembly_resolution_numbers() {
        let r = refs(
            "Recalling its resolution 74/43 of 12 December 2019,",
            Body::GeneralAssembly,
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].symbol, "A/RES/74/43");
        assert_eq!(r[0].printed, "resolution 74/43");
        assert_eq!(r[0].relation, Relation::Recalls);
    }

    #[test]
    fn names_security_council_resolutions_cited_by_the_assembly() {
        let r = refs(
            "Cognizant of the steps taken by States to implement Security Council resolution 1540 (2004) of 28 April 2004 on the non-proliferation of weapons of mass destruction,",
            Body::GeneralAssembly,
        );
        assert_eq!(r[0].symbol, "S/RES/1540 (2004)");
        assert_eq!(r[0].relation, Relation::Cites);
    }

    #[test]
    fn reads_every_resolution_of_a_list() {
        let r = refs(
            "Recalling its resolutions 637 (1989) of 27 July 1989, 644 (1989) of 7 November 1989, 650 (1990) of 27 March 1990 and 653 (1990) of 20 April 1990, as well as the statement",
            Body::SecurityCouncil,
        );
        let s: Vec<_> = r.iter().map(|r| r.symbol.as_str()).collect();
        assert_eq!(
            s,
            [
                "S/RES/637 (1989)",
                "S/RES/644 (1989)",
                "S/RES/650 (1990)",
                "S/RES/653 (1990)"
            ]
        );
        let r = refs(
            "Also reaffirms its resolution 54/237 C of 23 December 1999;",
            Body::GeneralAssembly,
        );
        assert_eq!(r[0].symbol, "A/RES/54/237 C");
    }

    #[test]
    fn links_a_report_to_the_paragraph_that_asked_for_it() {
        let text = "Taking note of the report of the Secretary-General submitted pursuant to paragraph 5 of resolution 74/43,";
        let marks = [MarkAt {
            mark: "7".into(),
            offset: text.len(),
        }];
        let notes = [Footnote {
            mark: "7".into(),
            text: "A/75/171.".into(),
        }];
        let r = find_references(
            text,
            &Location::Preamble(3),
            Relation::TakesNote,
            Some(Body::GeneralAssembly),
            &marks,
            &notes,
        );
        assert_eq!(r[0].relation, Relation::ReportPursuantTo);
        assert_eq!(r[0].paragraph.as_deref(), Some("5"));
        assert_eq!(r[0].report.as_deref(), Some("A/75/171"));
        assert_eq!(r[0].symbol, "A/RES/74/43");
    }

    #[test]
    fn finds_report_symbols_in_brackets() {
        let r = refs(
            "Taking note of the Secretary-General's special report of 10 September 2002 (S/2002/1005) and its recommendations,",
            Body::SecurityCouncil,
        );
        assert_eq!(r[0].symbol, "S/2002/1005");
        assert_eq!(r[0].relation, Relation::TakesNote);
    }
}
