//! Composing one digest: items in, grouped as overdue / due this week / due later, out come the
//! subject line, the plain-text part and the HTML part. Pure: no database, no network.

use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};

/// One obligation as the digest shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub obligation_id: i64,
    pub symbol: String,
    pub paragraph_number: String,
    pub actors: String,
    /// What is asked: the clause, shortened.
    pub asks: String,
    pub due_on: NaiveDate,
    pub estimated: bool,
    /// The obligation's kind as people say it ("deliverable", "agenda inclusion").
    pub kind: &'static str,
}

/// Everything a digest says, before grouping.
#[derive(Debug, Clone)]
pub struct DigestInput {
    pub recipient_name: String,
    /// The subscriber's local day the digest is computed for.
    pub today: NaiveDate,
    pub weeks_ahead: i64,
    /// Outstanding obligations due before `today`, soonest first, possibly cut short.
    pub overdue: Vec<DigestItem>,
    /// How many are overdue in all (more than `overdue.len()` when the list was cut).
    pub overdue_total: i64,
    /// Outstanding obligations due from `today` to the horizon, soonest first, possibly cut.
    pub due: Vec<DigestItem>,
    pub due_total: i64,
    /// The dashboard, without a trailing slash (`MANDATES_BASE_URL`).
    pub base_url: String,
    /// The subscriber's filter as the dashboard's list query string.
    pub filter_query: String,
    pub unsubscribe_url: String,
    /// New texts of series the subscriber's filter follows, imported this week.
    pub new_texts: Vec<NewText>,
}

/// A new resolution of a followed series against the one before it: "new in this year's
/// text".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewText {
    pub symbol: String,
    pub previous_symbol: String,
    /// The series page, where every paragraph's change is shown.
    pub url: String,
    /// "technical update", or "2 paragraphs changed, 1 new, 0 dropped".
    pub verdict: String,
    /// The requests new, dropped, or asked of someone else or by another time, one a line.
    pub changes: Vec<String>,
}

/// A composed digest.
#[derive(Debug, Clone)]
pub struct Digest {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub overdue: i64,
    pub due: i64,
    pub new_texts: usize,
}

impl Digest {
    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.overdue == 0 && self.due == 0 && self.new_texts == 0
    }
}

/// The subject line: the counts, as "3 overdue, 5 due in the next 8 weeks".
pub fn subject_line(overdue: i64, due: i64, weeks_ahead: i64) -> String {
    let weeks = if weeks_ahead == 1 {
        "week".to_string()
    } else {
        format!("{weeks_ahead} weeks")
    };
    format!("{overdue} overdue, {due} due in the next {weeks}")
}

/// The last day (Sunday) of the ISO week of `day`.
pub fn end_of_week(day: NaiveDate) -> NaiveDate {
    day + Duration::days(6 - i64::from(day.weekday().num_days_from_monday()))
}

/// One group of the digest, as the templates show it.
pub struct Group {
    pub id: &'static str,
    pub title: String,
    pub items: Vec<ItemView>,
    /// Items left out of a long list.
    pub more: i64,
}

pub struct ItemView {
    pub item: DigestItem,
    pub due: String,
    pub url: String,
}

/// The digest's three groups: overdue, due this week (to Sunday), due later (to the horizon).
pub fn group_items(input: &DigestInput) -> Vec<Group> {
    let week_end = end_of_week(input.today);
    let horizon = input.today + Duration::weeks(input.weeks_ahead);
    let view = |item: &DigestItem| ItemView {
        due: format!(
            "{}{}",
            item.due_on.format("%A %-d %B %Y"),
            if item.estimated { " (estimated)" } else { "" }
        ),
        url: format!("{}/obligations/{}", input.base_url, item.obligation_id),
        item: item.clone(),
    };
    let (this_week, later): (Vec<&DigestItem>, Vec<&DigestItem>) =
        input.due.iter().partition(|i| i.due_on <= week_end);
    let cut = (input.due_total - input.due.len() as i64).max(0);
    vec![
        Group {
            id: "overdue",
            title: "Overdue".into(),
            items: input.overdue.iter().map(view).collect(),
            more: (input.overdue_total - input.overdue.len() as i64).max(0),
        },
        Group {
            id: "this-week",
            title: format!("Due this week (to {})", week_end.format("%A %-d %B")),
            items: this_week.into_iter().map(view).collect(),
            more: 0,
        },
        Group {
            id: "later",
            title: format!("Due later (to {})", horizon.format("%-d %B %Y")),
            items: later.into_iter().map(view).collect(),
            // The list is soonest first, so whatever was cut is due later.
            more: cut,
        },
    ]
}

#[derive(Template)]
#[template(path = "digest/email.txt")]
struct TextPart<'a> {
    input: &'a DigestInput,
    groups: &'a [Group],
    summary: &'a str,
    list_url: &'a str,
}

#[derive(Template)]
#[template(path = "digest/email.html")]
struct HtmlPart<'a> {
    input: &'a DigestInput,
    groups: &'a [Group],
    summary: &'a str,
    subject: &'a str,
    list_url: &'a str,
}

/// Composes the digest.
pub fn compose_digest(input: &DigestInput) -> Result<Digest, askama::Error> {
    let groups = group_items(input);
    let subject = subject_line(input.overdue_total, input.due_total, input.weeks_ahead);
    let summary = format!("As of {}: {}.", input.today.format("%A %-d %B %Y"), subject);
    let list_url = if input.filter_query.is_empty() {
        format!("{}/obligations", input.base_url)
    } else {
        format!("{}/obligations?{}", input.base_url, input.filter_query)
    };
    let text = TextPart {
        input,
        groups: &groups,
        summary: &summary,
        list_url: &list_url,
    }
    .render()?;
    let html = HtmlPart {
        input,
        groups: &groups,
        summary: &summary,
        subject: &subject,
        list_url: &list_url,
    }
    .render()?;
    Ok(Digest {
        subject,
        text,
        html,
        overdue: input.overdue_total,
        due: input.due_total,
        new_texts: input.new_texts.len(),
    })
}

/// The first `max` characters of a text, cut at a word, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", &cut[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(id: i64, due: &str) -> DigestItem {
        DigestItem {
            obligation_id: id,
            symbol: format!("A/RES/75/{id}"),
            paragraph_number: "5".into(),
            actors: "Secretary-General".into(),
            asks: "Requests the Secretary-General to submit a report <on> progress".into(),
            due_on: day(due),
            estimated: id == 3,
            kind: "deliverable",
        }
    }

    fn input() -> DigestInput {
        DigestInput {
            recipient_name: "Ana & Co".into(),
            // A Wednesday: the week ends on Sunday 2021-08-08.
            today: day("2021-08-04"),
            weeks_ahead: 8,
            overdue: vec![item(1, "2020-09-15")],
            overdue_total: 1,
            due: vec![item(2, "2021-08-08"), item(3, "2021-08-09")],
            due_total: 5,
            base_url: "https://mandates.example.org".into(),
            filter_query: "body=GA&q=report".into(),
            unsubscribe_url: "https://mandates.example.org/unsubscribe?token=7.ab".into(),
            new_texts: Vec::new(),
        }
    }

    #[test]
    fn the_subject_says_the_counts() {
        assert_eq!(
            subject_line(3, 5, 8),
            "3 overdue, 5 due in the next 8 weeks"
        );
        assert_eq!(subject_line(0, 1, 1), "0 overdue, 1 due in the next week");
    }

    #[test]
    fn items_are_grouped_by_the_end_of_the_week() {
        let groups = group_items(&input());
        let ids = |g: &Group| {
            g.items
                .iter()
                .map(|i| i.item.obligation_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&groups[0]), [1]);
        // Sunday is still this week; Monday is later.
        assert_eq!(ids(&groups[1]), [2]);
        assert_eq!(ids(&groups[2]), [3]);
        // Five are due, two are listed: three more are said to be later.
        assert_eq!(groups[2].more, 3);
        assert_eq!(groups[0].more, 0);
        assert_eq!(end_of_week(day("2021-08-08")), day("2021-08-08"));
        assert_eq!(end_of_week(day("2021-08-09")), day("2021-08-15"));
    }

    #[test]
    fn both_parts_list_each_item_with_its_link_and_the_unsubscribe_link() {
        let digest = compose_digest(&input()).unwrap();
        assert_eq!(digest.subject, "1 overdue, 5 due in the next 8 weeks");
        for part in [&digest.text, &digest.html] {
            assert!(part.contains("https://mandates.example.org/obligations/1"));
            assert!(part.contains("A/RES/75/2"));
            assert!(part.contains("Tuesday 15 September 2020"));
            assert!(part.contains("Secretary-General"));
            assert!(part.contains("unsubscribe?token=7.ab"));
            assert!(part.contains("obligations?body=GA"));
            assert!(part.contains("3 more"));
        }
        // The text part is not HTML-escaped; the HTML part is.
        assert!(digest.text.contains("report <on> progress"));
        assert!(digest.text.contains("Ana & Co"));
        assert!(digest.html.contains("report &#60;on&#62; progress"));
        assert!(digest.html.contains("Ana &#38; Co"));
        assert!(digest.text.contains("(estimated)"));
        assert!(!digest.is_empty());
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("one  two\nthree", 20), "one two three");
        assert_eq!(shorten("one two three", 9), "one two…");
    }
}
