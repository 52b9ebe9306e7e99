//! What a person types to find a resolution by its symbol: "75/58", "A/RES/75/58",
//! "a/res/75/58", "S/RES/2720 (2023)", "res 2720". Read into the symbols it can mean, as the
//! documents store them (upper case, "S/RES/2720 (2023)" with one space before the year).

/// The symbols a search can mean: exact symbols, and for a Security Council number without
/// its year, the start every symbol of that number shares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SymbolSearch {
    /// Symbols to match exactly (upper case).
    pub exact: Vec<String>,
    /// A Security Council resolution by number, any year: "S/RES/2720 (" starts them all.
    pub prefix: Option<String>,
}

/// The symbols `input` can mean, or None when it does not read as a symbol (then it is
/// title words).
pub fn read_symbol_search(input: &str) -> Option<SymbolSearch> {
    let upper = input.trim().to_uppercase();
    // "S/RES/2720(2023)", "A / RES / 75 / 58", "res. 2720": spacing and dots are not meaning.
    let compact: String = upper
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_end_matches('.')
        .to_string();
    if compact.is_empty() {
        return None;
    }
    if let Some(at) = compact.find("/RES/") {
        let organ = &compact[..at];
        let rest = &compact[at + "/RES/".len()..];
        return full_symbol(organ, rest);
    }
    // "RES 2720", "RESOLUTION 75/58", "RES/75/58", "RES. 2720".
    let bare = ["RESOLUTION", "RES.", "RES"]
        .iter()
        .fold(compact.as_str(), |rest, word| {
            if rest.len() > word.len() && rest.starts_with(word) {
                rest[word.len()..].trim_start_matches(['/', '.'])
            } else {
                rest
            }
        });
    if let Some((session, number)) = session_and_number(bare) {
        // Plain "75/58" is what people write for the General Assembly; the Human Rights
        // Council's resolutions are written the same way.
        return Some(SymbolSearch {
            exact: vec![
                format!("A/RES/{session}/{number}"),
                format!("A/HRC/RES/{session}/{number}"),
            ],
            prefix: None,
        });
    }
    security_council(bare)
}

/// "A/RES/" + "75/58", "S/RES/" + "2720(2023)", "A/HRC/RES/" + "46/9", "E/RES/" + "2023/1".
fn full_symbol(organ: &str, rest: &str) -> Option<SymbolSearch> {
    match organ {
        "S" => security_council(rest),
        "A" | "A/HRC" | "E" => {
            let (session, number) = session_and_number(rest)?;
            Some(SymbolSearch {
                exact: vec![format!("{organ}/RES/{session}/{number}")],
                prefix: None,
            })
        }
        _ => None,
    }
}

/// "75/58" (a session and a number; a few are written "ES-10/19" for an emergency session).
fn session_and_number(s: &str) -> Option<(&str, &str)> {
    let (session, number) = s.split_once('/')?;
    let session_ok = {
        let digits = session.strip_prefix("ES-").unwrap_or(session);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    let number_ok = !number.is_empty()
        && number.chars().next().is_some_and(|c| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_alphanumeric());
    (session_ok && number_ok).then_some((session, number))
}

/// "2720" or "2720(2023)": a Security Council resolution, with or without its year.
fn security_council(s: &str) -> Option<SymbolSearch> {
    let (number, year) = match s.split_once('(') {
        Some((number, year)) => (number, Some(year.strip_suffix(')')?)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    if !digits(number) || year.is_some_and(|y| !digits(y) || y.len() != 4) {
        return None;
    }
    Some(match year {
        Some(year) => SymbolSearch {
            exact: vec![format!("S/RES/{number} ({year})")],
            prefix: None,
        },
        None => SymbolSearch {
            exact: vec![format!("S/RES/{number}")],
            prefix: Some(format!("S/RES/{number} (")),
        },
    })
}

/// True when `text` reads as a United Nations document symbol ("A/76/170", "E/CN.4/2005/1",
/// "A/76/170/Add.1", "S/RES/2720 (2023)"): what the status form's "fulfilled by" takes, so that
/// words ("see the email from Bob") go in the note instead.
pub fn looks_like_document_symbol(text: &str) -> bool {
    let text = text.trim();
    let mut words = text.split_whitespace();
    let Some(symbol) = words.next() else {
        return false;
    };
    let year_ok = match words.next() {
        None => true,
        Some(year) => {
            year.len() == 6
                && year.starts_with('(')
                && year.ends_with(')')
                && year[1..5].chars().all(|c| c.is_ascii_digit())
        }
    };
    year_ok
        && words.next().is_none()
        && text.len() <= 80
        && symbol.starts_with(|c: char| c.is_ascii_alphabetic())
        && symbol.contains('/')
        && symbol.contains(|c: char| c.is_ascii_digit())
        && symbol
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_symbols_are_told_from_words() {
        for symbol in [
            "A/76/170",
            "A/76/170/Add.1",
            "E/CN.4/2005/1",
            "S/RES/2720 (2023)",
            "A/C.1/76/L.5",
            "S/PRST/2023/1",
            "A/HRC/RES/46/9",
        ] {
            assert!(looks_like_document_symbol(symbol), "{symbol}");
        }
        for words in [
            "see the email from Bob",
            "",
            "report",
            "https://undocs.org/A/76/170",
            "A/76/170 and A/76/171",
            "A/B/C",
        ] {
            assert!(!looks_like_document_symbol(words), "{words}");
        }
    }

    fn exact(input: &str) -> Vec<String> {
        read_symbol_search(input)
            .unwrap_or_else(|| panic!("{input:?} reads as a symbol"))
            .exact
    }

    #[test]
    fn every_way_of_writing_a_general_assembly_symbol_reads_the_same() {
        for input in [
            "A/RES/75/58",
            "a/res/75/58",
            " A / RES / 75 / 58 ",
            "75/58",
            "res 75/58",
            "resolution 75/58",
        ] {
            assert!(
                exact(input).contains(&"A/RES/75/58".to_string()),
                "{input:?}: {:?}",
                exact(input)
            );
        }
        assert_eq!(exact("A/RES/75/58"), ["A/RES/75/58"]);
        assert_eq!(exact("A/RES/ES-10/19"), ["A/RES/ES-10/19"]);
    }

    #[test]
    fn a_session_and_number_may_also_be_the_human_rights_council() {
        assert!(exact("46/9").contains(&"A/HRC/RES/46/9".to_string()));
        assert_eq!(exact("a/hrc/res/46/9"), ["A/HRC/RES/46/9"]);
    }

    #[test]
    fn security_council_symbols_with_or_without_their_year() {
        assert_eq!(exact("S/RES/2720 (2023)"), ["S/RES/2720 (2023)"]);
        assert_eq!(exact("s/res/2720(2023)"), ["S/RES/2720 (2023)"]);
        assert_eq!(exact("res 2720 (2023)"), ["S/RES/2720 (2023)"]);
        for input in [
            "res 2720",
            "Res. 2720",
            "S/RES/2720",
            "2720",
            "resolution 2720",
        ] {
            let search = read_symbol_search(input).unwrap();
            assert_eq!(
                search.prefix.as_deref(),
                Some("S/RES/2720 ("),
                "{input:?}: {search:?}"
            );
        }
    }

    #[test]
    fn title_words_are_not_symbols() {
        for input in [
            "",
            "  ",
            "weapons of mass destruction",
            "responsibility",
            "res",
            "75/",
            "/58",
            "S/RES/27x0",
            "S/RES/2720 (23)",
            "X/RES/1/2",
        ] {
            assert_eq!(read_symbol_search(input), None, "{input:?}");
        }
    }
}
