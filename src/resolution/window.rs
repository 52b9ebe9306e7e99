//! A deadline's honest date: the window (earliest, latest day) its words allow, how precise
//! they are, and the words themselves. "in early 2026" is January to April 2026, not 31
//! December; an obligation is late only after the last day of its window.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::kind::ObligationKind;
use super::model::{Deadline, DeadlineKind};

/// How precisely a deadline's words name a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// A day: "by 15 January 2018", "within 10 working days".
    Day,
    /// A month: "in August 2020".
    Month,
    /// A quarter: "in the first quarter of 2026".
    Quarter,
    /// The first half or second half of a year.
    HalfYear,
    /// "early 2026", "the beginning of 2026": January to April.
    EarlyYear,
    /// "mid-2026", "the middle of 2026": May to August.
    MidYear,
    /// "late 2026": September to December.
    LateYear,
    /// A year: "in 2030", "by the end of 2018".
    Year,
    /// A session of a body: its opening day.
    Session,
    /// "annually", "every six months": the first time, counted from adoption.
    Recurring,
}

impl Precision {
    pub const ALL: [Precision; 10] = [
        Precision::Day,
        Precision::Month,
        Precision::Quarter,
        Precision::HalfYear,
        Precision::EarlyYear,
        Precision::MidYear,
        Precision::LateYear,
        Precision::Year,
        Precision::Session,
        Precision::Recurring,
    ];

    /// The code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Quarter => "quarter",
            Precision::HalfYear => "half_year",
            Precision::EarlyYear => "early_year",
            Precision::MidYear => "mid_year",
            Precision::LateYear => "late_year",
            Precision::Year => "year",
            Precision::Session => "session",
            Precision::Recurring => "recurring",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == code)
    }
}

/// The days a deadline allows, with the words it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueWindow {
    pub earliest: NaiveDate,
    /// The last day: only after it is a deliverable overdue.
    pub latest: NaiveDate,
    pub precision: Precision,
    /// The text's own words, without a leading "in" or "during": "early 2026".
    pub words: String,
}

impl DueWindow {
    /// "early 2026 (1 January – 30 April 2026)"; a day alone for a day.
    pub fn describe(&self) -> String {
        describe(self.precision, &self.words, self.earliest, self.latest)
    }
}

/// How a window reads: the text's words and its days ("early 2026 (1 January – 30 April
/// 2026)"), a day alone when the words name that day.
pub fn describe(
    precision: Precision,
    words: &str,
    earliest: NaiveDate,
    latest: NaiveDate,
) -> String {
    if earliest == latest {
        let day = latest.format("%-d %B %Y").to_string();
        return match precision {
            Precision::Day => day,
            _ => format!("{words} ({day})"),
        };
    }
    let from = if earliest.year() == latest.year() {
        earliest.format("%-d %B").to_string()
    } else {
        earliest.format("%-d %B %Y").to_string()
    };
    format!("{words} ({from} – {})", latest.format("%-d %B %Y"))
}

/// The window of a deadline whose stored kind code is `kind` ("session", "date", "month",
/// "year", "within", "periodic"), read from `text`, resolved to `due_on`.
pub fn window_from(kind: &str, text: &str, due_on: NaiveDate) -> DueWindow {
    let words = own_words(text);
    let lower = text.to_lowercase();
    let year = due_on.year();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(due_on);
    let (earliest, latest, precision) = match kind {
        "year" => {
            if lower.contains("quarter") {
                let q = quarter_named(&lower).unwrap_or(4);
                let first = 3 * q - 2;
                (
                    day(first, 1),
                    last_of_month(year, first + 2),
                    Precision::Quarter,
                )
            } else if lower.contains("first half") {
                (day(1, 1), day(6, 30), Precision::HalfYear)
            } else if lower.contains("second half") {
                (day(7, 1), day(12, 31), Precision::HalfYear)
            } else if lower.contains("early")
                || lower.contains("beginning of")
                || lower.contains("start of")
            {
                (day(1, 1), day(4, 30), Precision::EarlyYear)
            } else if lower.contains("mid-")
                || lower.contains("middle of")
                || lower.contains("mid ")
            {
                (day(5, 1), day(8, 31), Precision::MidYear)
            } else if lower.contains("late") {
                (day(9, 1), day(12, 31), Precision::LateYear)
            } else {
                (day(1, 1), day(12, 31), Precision::Year)
            }
        }
        "month" => (
            NaiveDate::from_ymd_opt(year, due_on.month(), 1).unwrap_or(due_on),
            due_on,
            Precision::Month,
        ),
        "session" => (due_on, due_on, Precision::Session),
        "periodic" => (due_on, due_on, Precision::Recurring),
        _ => (due_on, due_on, Precision::Day),
    };
    DueWindow {
        earliest,
        latest,
        precision,
        words,
    }
}

/// The window of a read deadline, or None when it resolves to no date.
pub fn window_of(deadline: &Deadline) -> Option<DueWindow> {
    let kind = match deadline.kind {
        DeadlineKind::Session { .. } => "session",
        DeadlineKind::Date { .. } => "date",
        DeadlineKind::Month { .. } => "month",
        DeadlineKind::Year { .. } => "year",
        DeadlineKind::Within { .. } => "within",
        DeadlineKind::Periodic { .. } => "periodic",
    };
    Some(window_from(kind, &deadline.text, deadline.due_on?))
}

/// The window of the deadline that ends first: what an obligation is due by.
pub fn obligation_window(deadlines: &[Deadline]) -> Option<DueWindow> {
    deadlines
        .iter()
        .filter_map(window_of)
        .min_by_key(|w| (w.latest, w.earliest))
}

/// The window an obligation of `kind` is held to: a mandate period by the end of the period
/// ("until 7 November 1990", "for a further period of six months"), not by a report it also
/// asks for; anything else by the window that ends first.
pub fn obligation_window_for(kind: ObligationKind, deadlines: &[Deadline]) -> Option<DueWindow> {
    if kind == ObligationKind::MandatePeriod {
        let periods: Vec<Deadline> = deadlines
            .iter()
            .filter(|d| {
                let t = d.text.to_lowercase();
                t.starts_with("until") || t.contains("period")
            })
            .cloned()
            .collect();
        // The period ends at the latest of what the words say ("for six months, that is,
        // until 7 November 1990" names one end twice).
        if let Some(end) = periods
            .iter()
            .filter_map(window_of)
            .max_by_key(|w| w.latest)
        {
            return Some(end);
        }
    }
    obligation_window(deadlines)
}

fn quarter_named(lower: &str) -> Option<u32> {
    [
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("last", 4),
    ]
    .into_iter()
    .find(|(w, _)| lower.contains(&format!("{w} quarter")))
    .map(|(_, q)| q)
}

fn last_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or_default()
}

/// The deadline's words without a leading "in" or "during", which say nothing of the time.
fn own_words(text: &str) -> String {
    let t = text.trim();
    for lead in ["in ", "during ", "In "] {
        if let Some(rest) = t.strip_prefix(lead) {
            return rest.to_string();
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn window(kind: &str, text: &str, due: &str) -> (NaiveDate, NaiveDate, Precision, String) {
        let w = window_from(kind, text, d(due));
        (w.earliest, w.latest, w.precision, w.words)
    }

    #[test]
    fn a_day_is_its_own_window() {
        assert_eq!(
            window("date", "by 15 January 2018", "2018-01-15"),
            (
                d("2018-01-15"),
                d("2018-01-15"),
                Precision::Day,
                "by 15 January 2018".into()
            )
        );
        assert_eq!(
            window_from("date", "by 15 January 2018", d("2018-01-15")).describe(),
            "15 January 2018"
        );
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        assert_eq!(
            window("month", "in August 2020", "2020-08-31"),
            (
                d("2020-08-01"),
                d("2020-08-31"),
                Precision::Month,
                "August 2020".into()
            )
        );
    }

    #[test]
    fn a_quarter_is_three_months() {
        assert_eq!(
            window("year", "in the first quarter of 2026", "2026-12-31"),
            (
                d("2026-01-01"),
                d("2026-03-31"),
                Precision::Quarter,
                "the first quarter of 2026".into()
            )
        );
        assert_eq!(
            window("year", "by the third quarter of 2025", "2025-12-31").1,
            d("2025-09-30")
        );
    }

    #[test]
    fn early_mid_and_late_parts_of_a_year() {
        let early = window_from("year", "in early 2026", d("2026-12-31"));
        assert_eq!(
            (early.earliest, early.latest, early.precision),
            (d("2026-01-01"), d("2026-04-30"), Precision::EarlyYear)
        );
        assert_eq!(early.words, "early 2026");
        assert_eq!(early.describe(), "early 2026 (1 January – 30 April 2026)");
        assert_eq!(
            window("year", "in mid-2027", "2027-12-31").1,
            d("2027-08-31")
        );
        assert_eq!(
            window("year", "in mid-2027", "2027-12-31").2,
            Precision::MidYear
        );
        assert_eq!(
            window("year", "in late 2025", "2025-12-31"),
            (
                d("2025-09-01"),
                d("2025-12-31"),
                Precision::LateYear,
                "late 2025".into()
            )
        );
    }

    #[test]
    fn halves_of_a_year() {
        assert_eq!(
            window("year", "during the first half of 2019", "2019-12-31"),
            (
                d("2019-01-01"),
                d("2019-06-30"),
                Precision::HalfYear,
                "the first half of 2019".into()
            )
        );
        assert_eq!(
            window("year", "in the second half of 2019", "2019-12-31").0,
            d("2019-07-01")
        );
    }

    #[test]
    fn a_year_is_the_whole_year() {
        assert_eq!(
            window("year", "in 2030", "2030-12-31"),
            (
                d("2030-01-01"),
                d("2030-12-31"),
                Precision::Year,
                "2030".into()
            )
        );
        assert_eq!(
            window("year", "by the end of 2018", "2018-12-31").2,
            Precision::Year
        );
    }

    #[test]
    fn a_session_is_its_opening_day() {
        let w = window_from("session", "seventy-sixth session", d("2021-09-14"));
        assert_eq!(
            (w.earliest, w.latest, w.precision),
            (d("2021-09-14"), d("2021-09-14"), Precision::Session)
        );
        assert_eq!(w.describe(), "seventy-sixth session (14 September 2021)");
    }

    #[test]
    fn recurring_deadlines_start_with_their_first_time() {
        assert_eq!(
            window("periodic", "annually", "2022-12-01").2,
            Precision::Recurring
        );
    }

    #[test]
    fn the_obligation_is_due_by_the_window_that_ends_first() {
        let deadline = |kind, text: &str, due: &str| Deadline {
            kind,
            text: text.into(),
            due_on: Some(d(due)),
            estimated: false,
        };
        let w = obligation_window(&[
            deadline(
                DeadlineKind::Year { year: 2026 },
                "in early 2026",
                "2026-12-31",
            ),
            deadline(
                DeadlineKind::Date {
                    date: d("2026-06-01"),
                },
                "by 1 June 2026",
                "2026-06-01",
            ),
        ])
        .unwrap();
        assert_eq!(
            (w.latest, w.precision),
            (d("2026-04-30"), Precision::EarlyYear)
        );
        assert_eq!(obligation_window(&[]), None);
    }

    #[test]
    fn a_mandate_period_is_held_to_its_end_not_to_a_report_it_asks_for() {
        let deadline = |kind, text: &str, due: &str| Deadline {
            kind,
            text: text.into(),
            due_on: Some(d(due)),
            estimated: false,
        };
        // S/RES/654 (1990) para 2.
        let deadlines = [
            deadline(
                DeadlineKind::Date {
                    date: d("1990-11-07"),
                },
                "until 7 November 1990",
                "1990-11-07",
            ),
            deadline(
                DeadlineKind::Date {
                    date: d("1990-06-10"),
                },
                "not later than 10 June 1990",
                "1990-06-10",
            ),
        ];
        let w = obligation_window_for(ObligationKind::MandatePeriod, &deadlines).unwrap();
        assert_eq!(w.latest, d("1990-11-07"));
        let w = obligation_window_for(ObligationKind::Deliverable, &deadlines).unwrap();
        assert_eq!(w.latest, d("1990-06-10"));
    }

    #[test]
    fn precisions_round_trip_through_their_codes() {
        for p in Precision::ALL {
            assert_eq!(Precision::parse(p.as_str()), Some(p));
        }
    }
}
