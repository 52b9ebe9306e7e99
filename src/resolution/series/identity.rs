//! Whether one resolution continues the series of another: the later text recalls the earlier
//! and their titles agree (a title may change when the recall and the agenda item agree), or
//! they carry the same title. Pure: the store gathers the candidates and applies the answer.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// What is known of a resolution when deciding whether two belong to one series.
#[derive(Debug, Clone, Copy)]
pub struct SeriesFacts<'a> {
    pub symbol: &'a str,
    /// The adopting body's code ("GA").
    pub body: &'a str,
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    pub title: Option<&'a str>,
    /// As printed after "Agenda item": `["98 (t)"]`.
    pub agenda_items: &'a [String],
    /// The agenda item's name as the header prints it, from [`agenda_item_title`]: stable
    /// across sessions where its number is not.
    pub agenda_title: Option<&'a str>,
}

/// Why two resolutions were put in one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesBasis {
    /// The later recalls the earlier and their titles share most of their words.
    RecallAndTitle,
    /// The later recalls the earlier under the same agenda item of the same session, whatever
    /// the titles.
    RecallAndAgendaItem,
    /// The titles share most of their words and the agenda item's name is the same (a title
    /// cut short in the source, with no recall of a text in the tracker).
    TitleAndAgendaItem,
    /// Same body, same title, an earlier session (the recall may cite a text not in the tracker:
    /// 78/43 recalls 77/75 yet continues 76/28).
    Title,
}

impl SeriesBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            SeriesBasis::RecallAndTitle => "recall and title",
            SeriesBasis::RecallAndAgendaItem => "recall and agenda item",
            SeriesBasis::TitleAndAgendaItem => "title and agenda item",
            SeriesBasis::Title => "title",
        }
    }
}

/// Titles sharing at least this share of their words (Dice) are the same title reworded
/// ("Preparations for and observance of the thirtieth anniversary of the International Year of
/// the Family" and "Observance of the thirtieth anniversary ...").
const SAME_TITLE: f64 = 0.6;

/// The title's words, lower case, without punctuation, for comparing titles.
pub fn title_words(title: &str) -> Vec<String> {
    let mut words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}

fn title_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (title_words(a), title_words(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

static AGENDA_NUMBERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\As?\s+\d+(?:\s?\([a-z]+\))?(?:(?:,|\s+and)\s+\d+(?:\s?\([a-z]+\))?)*").unwrap()
});

/// The agenda item's name from a resolution's header, lower case, spaces collapsed:
/// "general and complete disarmament: measures to prevent terrorists from acquiring weapons
/// of mass destruction" after "Agenda item 98 (t)".
pub fn agenda_item_title(source: &str) -> Option<String> {
    let head = &source[..source.floor_char_boundary(4000)];
    let at = head.find("Agenda item")? + "Agenda item".len();
    let rest = &head[at..];
    let rest = &rest[AGENDA_NUMBERS.find(rest)?.end()..];
    let end = ["Resolution adopted", "[", "\n\n\n", "\n \n"]
        .iter()
        .filter_map(|stop| rest.find(stop))
        .min()
        .unwrap_or(rest.len())
        .min(rest.floor_char_boundary(400));
    let name = rest[..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('*', "")
        .to_lowercase();
    let name = name.trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// Whether `earlier` comes before `later`: by session, then by adoption date.
pub fn is_earlier(earlier: &SeriesFacts, later: &SeriesFacts) -> bool {
    match (earlier.session, later.session) {
        (Some(a), Some(b)) if a != b => a < b,
        _ => match (earlier.adopted_on, later.adopted_on) {
            (Some(a), Some(b)) => a < b,
            _ => false,
        },
    }
}

/// Why `later` continues the series of `earlier`, if it does. `recalls` says whether `later`
/// recalls `earlier` ("Recalling its resolution 75/58 ...", "Reaffirming its resolutions ...").
pub fn continues(earlier: &SeriesFacts, later: &SeriesFacts, recalls: bool) -> Option<SeriesBasis> {
    if earlier.body != later.body || earlier.symbol == later.symbol || !is_earlier(earlier, later) {
        return None;
    }
    let titles = match (earlier.title, later.title) {
        (Some(a), Some(b)) => Some((title_words(a) == title_words(b), title_similarity(a, b))),
        _ => None,
    };
    if recalls {
        if titles.is_some_and(|(_, s)| s >= SAME_TITLE) {
            return Some(SeriesBasis::RecallAndTitle);
        }
        if earlier.agenda_title.is_some() && earlier.agenda_title == later.agenda_title {
            return Some(SeriesBasis::RecallAndAgendaItem);
        }
        // Agenda item numbers change from session to session, so they only agree within one.
        if earlier.session.is_some()
            && earlier.session == later.session
            && !earlier.agenda_items.is_empty()
            && earlier.agenda_items == later.agenda_items
        {
            return Some(SeriesBasis::RecallAndAgendaItem);
        }
        return None;
    }
    match titles {
        Some((true, _)) => Some(SeriesBasis::Title),
        Some((false, similar))
            if similar >= SAME_TITLE
                && earlier.agenda_title.is_some()
                && earlier.agenda_title == later.agenda_title =>
        {
            Some(SeriesBasis::TitleAndAgendaItem)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(symbol: &'a str, session: i32, title: &'a str) -> SeriesFacts<'a> {
        SeriesFacts {
            symbol,
            body: "GA",
            session: Some(session),
            adopted_on: None,
            title: Some(title),
            agenda_items: &[],
            agenda_title: None,
        }
    }

    const WMD: &str = "Measures to prevent terrorists from acquiring weapons of mass destruction";

    #[test]
    fn a_recalled_resolution_of_the_same_title_is_the_predecessor() {
        let a = facts("A/RES/74/43", 74, WMD);
        let b = facts("A/RES/75/58", 75, WMD);
        assert_eq!(continues(&a, &b, true), Some(SeriesBasis::RecallAndTitle));
        assert_eq!(continues(&b, &a, true), None, "not backwards");
    }

    #[test]
    fn the_same_title_continues_a_series_across_a_missing_text() {
        // 78/43 recalls 77/75, which the tracker does not hold; 76/28 carries the same title.
        let a = facts("A/RES/76/28", 76, WMD);
        let b = facts("A/RES/78/43", 78, WMD);
        assert_eq!(continues(&a, &b, false), Some(SeriesBasis::Title));
    }

    #[test]
    fn a_reworded_title_keeps_the_series_when_recalled() {
        let a = facts(
            "A/RES/78/176",
            78,
            "Preparations for and observance of the thirtieth anniversary of the International Year of the Family in 2024",
        );
        let b = facts(
            "A/RES/79/150",
            79,
            "Observance of the thirtieth anniversary of the International Year of the Family in 2024",
        );
        assert_eq!(continues(&a, &b, true), Some(SeriesBasis::RecallAndTitle));
        assert_eq!(
            continues(&a, &b, false),
            None,
            "a new title alone is a new series"
        );
    }

    #[test]
    fn a_recall_of_another_subject_is_not_a_series() {
        // 80/24 ("Nuclear disarmament") recalls 78/27, of another series.
        let a = facts(
            "A/RES/78/27",
            78,
            "Follow-up to the 2013 high-level meeting of the General Assembly on nuclear disarmament",
        );
        let b = facts("A/RES/80/24", 80, "Nuclear disarmament");
        assert_eq!(continues(&a, &b, true), None);
    }

    #[test]
    fn a_new_title_under_the_same_agenda_item_of_the_same_session_keeps_the_series() {
        let items = ["99 (s)".to_string()];
        let mut a = facts("A/RES/78/1", 78, "One title");
        let mut b = facts("A/RES/78/2", 78, "Quite another heading");
        a.agenda_items = &items;
        b.agenda_items = &items;
        a.adopted_on = NaiveDate::from_ymd_opt(2023, 10, 1);
        b.adopted_on = NaiveDate::from_ymd_opt(2023, 12, 1);
        assert_eq!(
            continues(&a, &b, true),
            Some(SeriesBasis::RecallAndAgendaItem)
        );
        assert_eq!(continues(&a, &b, false), None);
    }

    #[test]
    fn a_title_cut_short_keeps_the_series_under_the_same_agenda_item() {
        let item = "general and complete disarmament: measures to prevent terrorists from acquiring weapons of mass destruction";
        let mut a = facts("A/RES/78/43", 78, WMD);
        // The demo's 80/41 prints its title over two lines and loses the second.
        let mut b = facts(
            "A/RES/80/41",
            80,
            "Measures to prevent terrorists from acquiring weapons of",
        );
        assert_eq!(continues(&a, &b, false), None);
        a.agenda_title = Some(item);
        b.agenda_title = Some(item);
        assert_eq!(
            continues(&a, &b, false),
            Some(SeriesBasis::TitleAndAgendaItem)
        );
    }

    #[test]
    fn a_new_title_keeps_the_series_when_recall_and_agenda_item_agree() {
        let item = "social development";
        let mut a = facts("A/RES/78/1", 78, "Cooperatives in social development");
        let mut b = facts("A/RES/79/1", 79, "The role of cooperatives today");
        a.agenda_title = Some(item);
        b.agenda_title = Some(item);
        assert_eq!(
            continues(&a, &b, true),
            Some(SeriesBasis::RecallAndAgendaItem)
        );
        assert_eq!(continues(&a, &b, false), None);
    }

    #[test]
    fn reads_the_agenda_item_name_from_every_header_layout() {
        let wmd = "general and complete disarmament: measures to prevent terrorists from acquiring weapons of mass destruction";
        // PDF text, Markdown, and the one-line header of the eightieth session's texts.
        for source in [
            "Seventy-fourth session \nAgenda item 98 (t) \nGeneral and complete disarmament: measures to prevent \nterrorists from acquiring weapons of mass destruction \n \n \n \n Resolution adopted by the General Assembly",
            "Seventy-fifth session\n\nAgenda item 103 (v)\n\nGeneral and complete disarmament: measures to prevent terrorists from acquiring weapons of mass destruction\n\nResolution adopted by",
            "Eightieth session Agenda item 99 (t) General and complete disarmament: measures to prevent terrorists from acquiring weapons of mass destruction\n\nResolution adopted by the General Assembly on 1 December 2025",
        ] {
            assert_eq!(agenda_item_title(source).as_deref(), Some(wmd), "{source}");
        }
        assert_eq!(
            agenda_item_title(
                "Agenda items 136 and 146\nProgramme budget for 2020\n\n\nResolution"
            )
            .as_deref(),
            Some("programme budget for 2020")
        );
        assert_eq!(agenda_item_title("Security Council resolution"), None);
    }

    #[test]
    fn other_bodies_never_share_a_series() {
        let a = facts("A/RES/74/43", 74, WMD);
        let mut b = facts("A/HRC/RES/75/58", 75, WMD);
        b.body = "HRC";
        assert_eq!(continues(&a, &b, true), None);
    }
}
