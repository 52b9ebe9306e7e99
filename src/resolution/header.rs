//! Reading the document facts printed above a resolution's preamble: symbol, adopting body,
//! session, adoption date, title, agenda items and the committee report it was adopted on.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::model::Body;

/// The facts read from the header (and, for dates, from the closing line when the header has none).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Header {
    pub symbol: Option<String>,
    pub body: Option<Body>,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<String>,
    pub agenda_items: Vec<String>,
    pub committee_report: Option<String>,
    /// "3228th meeting" when the header says where the Council adopted it.
    pub meeting: Option<String>,
}

static PRINTED_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(A/HRC/RES/\d+/\d+|A/RES/\d+/\d+(?: ?[A-Z]\b)?|S/RES/\d+ ?\(\d{4}\)|E/RES/\d{4}/\d+)",
    )
    .unwrap()
});
/// "75/58. Title", "4 6 / 9. Title" (HRC scans space the digits), "2021/1. Title".
static NUMBER_AND_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d(?:\s?\d){0,3})\s*/\s*(\d(?:\s?\d){0,3})\s*(?:[A-Z]\s*)?\.\s+(\S.*)$").unwrap()
});
static SC_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bresolution\s+(\d{1,4})\s*\((\d{4})\)").unwrap());
static ADOPTED_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)adopted by the ([A-Za-z ]+?)(?: at its (\d+(?:st|nd|rd|th)) meeting,?)? on (\d{1,2} \S+ \d{4})")
        .unwrap()
});
static OF_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^of (\d{1,2} \S+ \d{4})").unwrap());
static AGENDA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Agenda items? (\d+(?: ?\([a-z]+\))?(?:(?:, | and |,? and )\d+(?: ?\([a-z]+\))?)*)")
        .unwrap()
});
static AGENDA_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+)(?: ?\(([a-z]+)\))?").unwrap());
static COMMITTEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[((?:on the report of|without reference to)[^\]]+)\]").unwrap());
static SESSION_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b((?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-?\s?)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth) (?:regular )?session\b")
        .unwrap()
});

/// Reads a "7 December 2020"-style date, forgiving scan errors in the month ("Apri] 1991").
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let mut parts = s.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = month_number(parts.next()?)?;
    let year: i32 = parts
        .next()?
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The month number of a month name, by its first three letters.
pub(crate) fn month_number(word: &str) -> Option<u32> {
    let w: String = word
        .chars()
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    let n = match w.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
}

/// The adopting body named in a chapeau ("The General Assembly,") or adoption line.
pub(crate) fn body_from_name(name: &str) -> Option<Body> {
    let n = name.trim().trim_start_matches("The ").trim_end_matches(',');
    match n {
        "General Assembly" => Some(Body::GeneralAssembly),
        "Security Council" => Some(Body::SecurityCouncil),
        "Human Rights Council" => Some(Body::HumanRightsCouncil),
        "Economic and Social Council" => Some(Body::EconomicAndSocialCouncil),
        _ => None,
    }
}

/// "Seventy-fifth session" -> 75; "Forty- sixth session" -> 46.
pub(crate) fn session_from_words(text: &str) -> Option<i32> {
    let c = SESSION_WORDS.captures(text)?;
    // The ordinal phrase is the optional tens word and the ordinal word together.
    let ordinal = c.get(2)?;
    let start = c.get(1).map_or(ordinal.start(), |tens| tens.start());
    super::deadline::parse_ordinal(&text[start..ordinal.end()])
}

/// Reads the header lines (everything above the chapeau), non-blank lines in order with a flag
/// saying whether a blank line preceded each.
pub(crate) fn read_header(lines: &[(bool, &str)], chapeau_body: Option<Body>) -> Header {
    let mut h = Header::default();
    let mut joined = String::new();
    for (_, l) in lines {
        joined.push_str(l);
        joined.push('\n');
    }
    let flat = joined.replace('\n', " ");

    if let Some(m) = PRINTED_SYMBOL.find(&flat) {
        let mut symbol = m.as_str();
        // "A/RES/76/247 A–C": a document of several parts is named without its part letters.
        let after = &flat[m.end()..];
        if symbol.starts_with("A/RES/")
            && symbol.ends_with(|c: char| c.is_ascii_uppercase())
            && ["–", "-", " and ", ", "]
                .iter()
                .any(|j| after.starts_with(j))
        {
            symbol = symbol[..symbol.len() - 1].trim_end();
        }
        h.symbol = Some(normalise_printed_symbol(symbol));
    }

    // "75/58. Title" and its wrapped continuation lines up to the next blank line.
    for (i, (_, l)) in lines.iter().enumerate() {
        // The regex needs a digit first; where `\d` could match a non-ASCII one, it still runs.
        let may_match = l
            .as_bytes()
            .first()
            .is_some_and(|&b| b.is_ascii_digit() || b >= 0x80);
        if !may_match {
            continue;
        }
        if let Some(c) = NUMBER_AND_TITLE.captures(l) {
            let a: String = c[1].chars().filter(|c| !c.is_whitespace()).collect();
            let b: String = c[2].chars().filter(|c| !c.is_whitespace()).collect();
            let mut title = vec![c[3].to_string()];
            for (blank_before, next) in &lines[i + 1..] {
                if *blank_before || next.starts_with('[') || next.starts_with("The ") {
                    break;
                }
                title.push(next.to_string());
            }
            h.title = Some(
                super::clean::join_lines(title.iter().map(String::as_str))
                    .trim_end_matches([' ', '*'])
                    .to_string(),
            );
            if h.symbol.is_none() {
                h.symbol = Some(derive_symbol(&a, &b, chapeau_body, &flat));
            }
            break;
        }
    }
    if h.symbol.is_none()
        && let Some(c) = SC_NUMBER.captures(&flat)
    {
        h.symbol = Some(format!("S/RES/{} ({})", &c[1], &c[2]));
    }

    // Searched once: it gives the body, the date and the meeting.
    let adopted = ADOPTED_ON.captures(&flat);
    h.body = chapeau_body.or_else(|| h.symbol.as_deref().map(body_from_symbol));
    if h.body.is_none()
        && let Some(c) = &adopted
    {
        h.body = body_from_name(&c[1]);
    }

    if let Some(c) = &adopted {
        h.adopted_on = parse_date(&c[3]);
        h.meeting = c.get(2).map(|m| format!("{} meeting", m.as_str()));
    } else if let Some(c) = OF_DATE.captures(&joined) {
        h.adopted_on = parse_date(&c[1]);
    }

    h.session = match (h.body, h.symbol.as_deref()) {
        (Some(Body::SecurityCouncil), _) => None,
        (_, Some(sym)) => session_from_symbol(sym),
        _ => None,
    }
    .or_else(|| match h.body {
        Some(Body::SecurityCouncil) => None,
        _ => session_from_words(&flat),
    });

    if let Some(c) = AGENDA.captures(&flat) {
        h.agenda_items = AGENDA_ITEM
            .captures_iter(&c[1])
            .map(|i| match i.get(2) {
                Some(sub) => format!("{} ({})", &i[1], sub.as_str()),
                None => i[1].to_string(),
            })
            .collect();
    }
    if let Some(c) = COMMITTEE.captures(&flat) {
        h.committee_report = Some(c[1].split_whitespace().collect::<Vec<_>>().join(" "));
    }
    h
}

fn normalise_printed_symbol(s: &str) -> String {
    if let Some(rest) = s.strip_prefix("S/RES/")
        && let Some(p) = rest.find('(')
    {
        return format!("S/RES/{} {}", rest[..p].trim(), &rest[p..]);
    }
    s.to_string()
}

/// Builds the symbol from the printed number ("75/58.") and the adopting body.
fn derive_symbol(a: &str, b: &str, body: Option<Body>, header: &str) -> String {
    let body = body.or_else(|| {
        ADOPTED_ON
            .captures(header)
            .and_then(|c| body_from_name(&c[1]))
    });
    match body {
        Some(Body::HumanRightsCouncil) => format!("A/HRC/RES/{a}/{b}"),
        Some(Body::EconomicAndSocialCouncil) => format!("E/RES/{a}/{b}"),
        _ => format!("A/RES/{a}/{b}"),
    }
}

fn body_from_symbol(sym: &str) -> Body {
    if sym.starts_with("A/HRC/") {
        Body::HumanRightsCouncil
    } else if sym.starts_with("A/") {
        Body::GeneralAssembly
    } else if sym.starts_with("S/") {
        Body::SecurityCouncil
    } else if sym.starts_with("E/") {
        Body::EconomicAndSocialCouncil
    } else {
        Body::Other
    }
}

fn session_from_symbol(sym: &str) -> Option<i32> {
    let rest = sym
        .strip_prefix("A/HRC/RES/")
        .or_else(|| sym.strip_prefix("A/RES/"))
        .or_else(|| sym.strip_prefix("E/RES/"))?;
    rest.split('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str, body: Option<Body>) -> Header {
        let mut lines = Vec::new();
        let mut blank = false;
        for l in text.lines() {
            if l.trim().is_empty() {
                blank = true;
            } else {
                lines.push((blank, l.trim()));
                blank = false;
            }
        }
        read_header(&lines, body)
    }

    #[test]
    fn derives_symbol_from_printed_number() {
        let h = header(
            "General Assembly\n\nSeventy-fifth session\n\nAgenda item 103 (v)\n\nResolution adopted by the General Assembly on 7 December 2020\n\n[on the report of the First Committee (A/75/399, para. 96)]\n\n75/58. Measures to prevent terrorists from acquiring weapons of mass destruction",
            Some(Body::GeneralAssembly),
        );
        assert_eq!(h.symbol.as_deref(), Some("A/RES/75/58"));
        assert_eq!(h.session, Some(75));
        assert_eq!(h.adopted_on, NaiveDate::from_ymd_opt(2020, 12, 7));
        assert_eq!(h.agenda_items, vec!["103 (v)"]);
        assert_eq!(
            h.committee_report.as_deref(),
            Some("on the report of the First Committee (A/75/399, para. 96)")
        );
        assert_eq!(
            h.title.as_deref(),
            Some("Measures to prevent terrorists from acquiring weapons of mass destruction")
        );
    }

    #[test]
    fn reads_security_council_adoption_line() {
        let h = header(
            "RESOLUTION 836 (1993)\n\nAdopted by the Security Council at its 3228th meeting,\non 4 June 1993",
            Some(Body::SecurityCouncil),
        );
        assert_eq!(h.symbol.as_deref(), Some("S/RES/836 (1993)"));
        assert_eq!(h.session, None);
        assert_eq!(h.adopted_on, NaiveDate::from_ymd_opt(1993, 6, 4));
        assert_eq!(h.meeting.as_deref(), Some("3228th meeting"));
    }

    #[test]
    fn reads_scanned_date_with_misread_month() {
        let h = header(
            "Resolution 687 (1991)\nof 3 Apri] 1991",
            Some(Body::SecurityCouncil),
        );
        assert_eq!(h.adopted_on, NaiveDate::from_ymd_opt(1991, 4, 3));
        assert_eq!(h.symbol.as_deref(), Some("S/RES/687 (1991)"));
    }

    #[test]
    fn reads_spaced_human_rights_council_number() {
        let h = header(
            "Human Rights Council\n\nForty- sixth session\n\nResolution adopted by the Human Rights Council on 23 March 2021\n\n4 6 / 9. Mandate of Special Rapporteur in the field of cultural rights",
            Some(Body::HumanRightsCouncil),
        );
        assert_eq!(h.symbol.as_deref(), Some("A/HRC/RES/46/9"));
        assert_eq!(h.session, Some(46));
        assert_eq!(session_from_words("Forty- sixth session"), Some(46));
    }

    #[test]
    fn reads_several_agenda_items() {
        let h = header("Agenda items 17 and 18 (a)", None);
        assert_eq!(h.agenda_items, vec!["17", "18 (a)"]);
    }
}
