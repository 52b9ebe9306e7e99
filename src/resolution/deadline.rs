//! Finding the deadlines in an operative paragraph's text (sessions, dates, months, years,
//! periods counted from adoption, recurrences) and resolving each to a calendar day.
//!
//! Resolution rules (GUIDE.md, plus two choices of ours): a session resolves to its opening
//! day from the [`SessionCalendar`]; a date to itself; a month or a year to its last day;
//! `within` counts from the adoption date (working days are counted as days); a periodic
//! deadline resolves to its first occurrence, one period after adoption, and is marked
//! estimated because the text does not say when the first one falls.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate};
use regex::Regex;

use super::calendar::SessionCalendar;
use super::model::{Body, Deadline, DeadlineKind, Unit};

/// What the deadline finder needs to know about the resolution around the paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The adopting body: the owner of "its ... session" when no other body is named.
    pub body: Body,
    /// The adopting body's session (GA/HRC number, ECOSOC year); earlier sessions are history.
    pub session: Option<i32>,
    /// `within` and periodic deadlines count from it; dates before it are history.
    pub adopted_on: Option<NaiveDate>,
    /// The other body the title names ("... of the Commission on the Status of Women"): the
    /// one "the Commission" stands for when the paragraph names none.
    pub subject_body: Option<Body>,
}

/// The first body of `calendar/body_sessions.csv` named in `title`, if any.
pub fn body_named_in(title: &str) -> Option<Body> {
    OTHER_BODY_FINDERS
        .iter()
        .filter_map(|(name, body)| name.find(title.as_bytes()).map(|at| (at, *body)))
        .min_by_key(|&(at, _)| at)
        .map(|(_, body)| body)
}

/// [`OTHER_BODY_NAMES`] with their searchers built once: `str::find` builds one per call.
static OTHER_BODY_FINDERS: LazyLock<Vec<(memchr::memmem::Finder<'static>, Body)>> =
    LazyLock::new(|| {
        OTHER_BODY_NAMES
            .iter()
            .map(|&(name, body)| (memchr::memmem::Finder::new(name), body))
            .collect()
    });

/// [`OTHER_BODY_FINDERS`] of the names that hold "Commission" or "Forum", in their order.
static COMMISSION_FINDERS: LazyLock<Vec<(memchr::memmem::Finder<'static>, Body)>> =
    LazyLock::new(|| {
        OTHER_BODY_NAMES
            .iter()
            .filter(|(name, _)| name.contains("Commission") || name.contains("Forum"))
            .map(|&(name, body)| (memchr::memmem::Finder::new(name), body))
            .collect()
    });
static COMMISSION_WORD: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("Commission"));
static FORUM_WORD: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("Forum"));

/// The one commission or forum of `calendar/body_sessions.csv` that `texts` name, when they
/// name exactly one: "the Commission at its thirty-third session" in a text about the Crime
/// Congress that names the Commission on Crime Prevention and Criminal Justice elsewhere.
pub fn sole_commission_named<'t>(texts: impl Iterator<Item = &'t str>) -> Option<Body> {
    let mut found: Option<Body> = None;
    for text in texts {
        let bytes = text.as_bytes();
        // Each name holds one of these words, and most paragraphs hold neither: two passes
        // decide that instead of one per name.
        if COMMISSION_WORD.find(bytes).is_none() && FORUM_WORD.find(bytes).is_none() {
            continue;
        }
        for (finder, body) in COMMISSION_FINDERS.iter() {
            if finder.find(bytes).is_some() {
                match found {
                    Some(b) if b != *body => return None,
                    _ => found = Some(*body),
                }
            }
        }
    }
    found
}

/// A deadline with the byte range of the words it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub span: Range<usize>,
    pub deadline: Deadline,
}

const MONTHS: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

static DATE_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(\d{{1,2}})(?:\s+({MONTHS}))?(?:\s+(\d{{4}}))?\s*(?:to|and|-|–|through|until)\s*(\d{{1,2}})\s+({MONTHS})(?:\s+(\d{{4}}))?"
    ))
    .unwrap()
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(\d{{1,2}})\s+({MONTHS}),?\s+(\d{{4}})(?-u:\b)"
    ))
    .unwrap()
});
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?:by|in|during|until|before|from|starting in|beginning in|by the end of|the end of|the beginning of|as from|no later than|not later than|prior to)\s+({MONTHS})\s+(\d{{4}})(?-u:\b)"
    ))
    .unwrap()
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?:in|by|during|until|before|starting in|beginning in|as from|in early|in mid-|in late|(?:the )?(?:beginning|end|start|middle|first half|second half) of|prior to|no later than|not later than|(?:sessions?|session) (?:in|of))\s*(\d{4})(?-u:\b)(?:[-–/]\d)?",
    )
    .unwrap()
});
static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?:within|(?:no|not) later than|for (?:a|a single|an additional|a further|an initial|another) period of(?: up to)?)\s+(?:a period of\s+)?(\d+|[a-z]+(?:[- ](?:and )?[a-z]+){0,3})\s+(?:\(\d+\)\s+)?(?:working\s+|calendar\s+|additional\s+|further\s+)?(days?|weeks?|months?|years?)(?-u:\b)",
    )
    .unwrap()
});
/// "shall come into force ten days after the date of adoption of the present resolution".
static AFTER_ADOPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(\d+|[a-z]+(?:[- ](?:and )?[a-z]+){0,3})\s+(?:\(\d+\)\s+)?(days?|weeks?|months?)\s+(?:after|from|following)\s+(?:the\s+)?(?:date\s+of\s+)?(?:the\s+)?adoption(?-u:\b)",
    )
    .unwrap()
});
static EVERY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)every\s+(?:(other)\s+|(\d+|[a-z]+(?:\s+hundred(?:\s+and\s+[a-z]+(?:-[a-z]+)?)?)?)\s+)?(days?|weeks?|months?|years?)(?-u:\b)",
    )
    .unwrap()
});
static PERIODIC_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?-u:\b)(?:(annually|biennially|triennially|quadrennially|quarterly|semi-annually|semiannually|biannually|twice a year|twice yearly|twice annually|once a year|each year|every year|each month)|on an? (annual|biennial|triennial|quadrennial|quarterly|monthly|yearly|semi-annual|semiannual|biannual|six-monthly|weekly|regular) basis|at the beginning of each (quinquennium|biennium)|(annual|biennial|quarterly|semi-annual|semiannual|monthly) (?:[\w“”"-]+ ){0,2}?[“"]?(reports|report|updates|update|meetings|meeting|dialogue|week|weeks|briefings|briefing|sessions|session|conference|conferences|forum|expenditure)|(one (?:[\w-]+ ){1,3}?(?:a|per) year))(?-u:\b)"#,
    )
    .unwrap()
});
/// Cheap gate before the regexes: month names first (12), then periodic cue words.
static TRIGGERS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    let mut pats: Vec<&str> = MONTHS.split('|').collect();
    pats.extend([
        "annual",
        "bienn",
        "trienn",
        "quadrenn",
        "quarter",
        "monthly",
        "year",
        "basis",
        "quinquenn",
        "every",
        "each month",
    ]);
    // Keep in step with the ranges in `find_deadlines`: 12 months, 11 periodic cues.
    pats.extend(["within", "later than", "period of", "adoption"]);
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(pats)
        .expect("static patterns")
});

static SESSION: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("session"));

/// The byte ranges of the words "session" and "sessions", as the regex
/// `(?-u:\b)sessions?(?-u:\b)` finds them (ASCII word boundaries), in reading order.
fn session_words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let word = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    SESSION.find_iter(bytes).filter_map(move |at| {
        if at > 0 && word(at - 1) {
            return None;
        }
        let end = at + "session".len();
        // Greedy "s?": "sessions" when a boundary follows it, else "session" before a boundary.
        let end = if bytes.get(end) == Some(&b's') {
            end + 1
        } else {
            end
        };
        (!word(end)).then_some(at..end)
    })
}

/// Finds every deadline in `text` with its byte range, in reading order.
pub fn find_deadlines(text: &str, ctx: &Context, calendar: &SessionCalendar) -> Vec<Found> {
    let mut out = FoundSet::default();
    let (mut has_month, mut has_periodic, mut has_within) = (false, false, false);
    for m in TRIGGERS.find_iter(text) {
        match m.pattern().as_usize() {
            0..12 => has_month = true,
            12..23 => has_periodic = true,
            _ => has_within = true,
        }
        if has_month && has_periodic && has_within {
            break;
        }
    }
    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    if SESSION.find(text.as_bytes()).is_some() {
        find_sessions(text, ctx, calendar, &mut out);
    }
    if has_digit {
        // DATE, MONTH and YEAR all end in a four-digit year; most paragraphs have none.
        let years = year_cues(text);
        if has_month {
            find_dates(text, ctx, &mut out, years.any);
            if years.after_month_lead {
                find_months(text, ctx, &mut out);
            }
        }
        if years.after_year_lead {
            find_years(text, ctx, calendar, &mut out);
        }
    }
    if has_within {
        find_within(text, ctx, &mut out);
    }
    if has_periodic {
        find_periodic(text, ctx, &mut out);
    }
    let mut found = out.found;
    found.sort_by_key(|f| f.span.start);
    found
}

/// The deadlines found so far, their spans indexed so that the overlap check of a new one
/// costs a lookup, not a pass over all the others: one paragraph may hold thousands of dates.
#[derive(Default)]
struct FoundSet {
    found: Vec<Found>,
    /// Start to end of every span taken. Taken spans never overlap, so their ends rise with
    /// their starts.
    taken: std::collections::BTreeMap<usize, usize>,
}

impl FoundSet {
    fn overlaps(&self, span: &Range<usize>) -> bool {
        // Of the spans starting before this one ends, the last reaches furthest.
        self.taken
            .range(..span.end)
            .next_back()
            .is_some_and(|(_, &end)| end > span.start)
    }
}

/// Where the four-digit year that DATE, MONTH and YEAR all end in may stand. Each flag is
/// a necessary condition for its regex to match, so a false one skips that regex.
struct YearCues {
    /// A run of four or more digits.
    any: bool,
    /// Such a run right after a month name that follows one of MONTH's lead phrases.
    after_month_lead: bool,
    /// Such a run right after one of YEAR's lead phrases.
    after_year_lead: bool,
}

/// One pass over `text` for [`YearCues`]. A non-ASCII digit (which `\d` also matches) sets
/// every flag: those rare texts are left to the regexes.
fn year_cues(text: &str) -> YearCues {
    let mut cues = YearCues {
        any: false,
        after_month_lead: false,
        after_year_lead: false,
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            let c = text[i..].chars().next().unwrap_or(' ');
            if c.is_numeric() {
                return YearCues {
                    any: true,
                    after_month_lead: true,
                    after_year_lead: true,
                };
            }
            i += c.len_utf8();
            continue;
        }
        if !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i - start >= 4 {
            let before = text[..start].trim_end();
            cues.any = true;
            cues.after_month_lead |= month_lead(before);
            cues.after_year_lead |= year_lead(before);
        }
    }
    cues
}

/// The last words of YEAR's lead phrases ("in", "by the end of", "no later than", ...).
fn year_lead(before: &str) -> bool {
    [
        "in", "by", "during", "until", "before", "from", "early", "mid-", "late", "of", "to",
        "than",
    ]
    .iter()
    .any(|w| before.ends_with(w))
}

/// A month name after one of MONTH's lead phrases ("by June", "no later than March").
fn month_lead(before: &str) -> bool {
    MONTHS.split('|').any(|m| {
        before.strip_suffix(m).is_some_and(|rest| {
            let rest = rest.trim_end();
            [
                "by", "in", "during", "until", "before", "from", "of", "than", "to",
            ]
            .iter()
            .any(|w| rest.ends_with(w))
        })
    })
}

/// True when the words at `start` sit in a relative clause or describe a past event
/// ("which will run until 2021", "held on the sidelines of the seventy-seventh session"):
/// they date something other than the clause's action.
fn in_aside(text: &str, start: usize, session: bool) -> bool {
    // A segment's cue words stand near its date; looking back no further than this keeps a
    // paragraph without punctuation from costing a pass over all its text per date.
    let mut floor = start.saturating_sub(MAX_ASIDE_REACH);
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    // "bearing in mind that ... by 2050, women will still ...": a reason given, up to the end
    // of the clause, dates nothing the clause asks for.
    let clause_start = text[floor..start]
        .rfind(';')
        .map_or(floor, |i| floor + i + 1);
    let clause = &text.as_bytes()[clause_start..start];
    if memchr::memmem::find(clause, b"bearing in mind that").is_some()
        || memchr::memmem::find(clause, b"considering that").is_some()
    {
        return true;
    }
    let seg_start = text[floor..start]
        .rfind([',', ';', ':', '('])
        .map_or(floor, |i| floor + i + 1);
    let seg = &text[seg_start..start];
    // Most segments hold none of the cue words: a look at their words decides that without
    // the lower-cased copy.
    if !seg.as_bytes().split(|&b| b == b' ').any(|w| {
        (3..=9).contains(&w.len())
            && matches!(w[0] | 0x20, b'h' | b'a' | b'c' | b'l' | b't' | b'n' | b'w')
            && ASIDE_CUES
                .iter()
                .any(|c| w.eq_ignore_ascii_case(c.as_bytes()))
    }) {
        return false;
    }
    let mut padded = String::with_capacity(seg.len() + 2);
    padded.push(' ');
    padded.push_str(seg);
    padded.push(' ');
    padded.make_ascii_lowercase();
    let has = |needle: &str| memchr::memmem::find(padded.as_bytes(), needle.as_bytes());
    if !session && has(" which ").is_some() && has(" which shall ").is_none() {
        return true;
    }
    ASIDE_WORDS.iter().any(|needle| {
        has(needle).is_some_and(|at| {
            let before = padded[..at].trim_end();
            !(before.ends_with(" be")
                || before.ends_with(" been")
                || before.ends_with(" is")
                || before.ends_with(" are"))
        })
    })
}

/// How far before a date [`in_aside`] looks for the start of its segment, in bytes.
const MAX_ASIDE_REACH: usize = 1024;

/// Words that put a date in a past event, padded with the spaces that make them words.
const ASIDE_WORDS: [&str; 9] = [
    " held ",
    " adopted ",
    " convened ",
    " concluded ",
    " launched ",
    " took place ",
    " noting ",
    " was ",
    " were ",
];

/// The words of [`ASIDE_WORDS`] (only the first of "took place") and "which": a segment
/// without one of them as a word is no aside.
const ASIDE_CUES: [&str; 10] = [
    "held",
    "adopted",
    "convened",
    "concluded",
    "launched",
    "took",
    "noting",
    "was",
    "were",
    "which",
];

fn push(
    out: &mut FoundSet,
    span: Range<usize>,
    text: &str,
    kind: DeadlineKind,
    due: Option<(NaiveDate, bool)>,
) {
    if out.overlaps(&span)
        || !matches!(
            kind,
            DeadlineKind::Periodic { .. } | DeadlineKind::Within { .. }
        ) && in_aside(
            text,
            span.start,
            matches!(kind, DeadlineKind::Session { .. }),
        )
    {
        return;
    }
    out.taken.insert(span.start, span.end);
    out.found.push(Found {
        deadline: Deadline {
            kind,
            text: text[span.clone()].to_string(),
            due_on: due.map(|d| d.0),
            estimated: due.is_some_and(|d| d.1),
        },
        span,
    });
}

/// [`push`] without the aside check, for words that name their own meeting.
fn push_unchecked(
    out: &mut FoundSet,
    span: Range<usize>,
    text: &str,
    kind: DeadlineKind,
    due: Option<(NaiveDate, bool)>,
) {
    if out.overlaps(&span) {
        return;
    }
    out.taken.insert(span.start, span.end);
    out.found.push(Found {
        deadline: Deadline {
            kind,
            text: text[span.clone()].to_string(),
            due_on: due.map(|d| d.0),
            estimated: due.is_some_and(|d| d.1),
        },
        span,
    });
}

// ---- sessions -------------------------------------------------------------------------

fn find_sessions(text: &str, ctx: &Context, calendar: &SessionCalendar, out: &mut FoundSet) {
    // The last session deadline named so far: "at that session" points back to it.
    let mut named: Option<(DeadlineKind, Option<(NaiveDate, bool)>)> = None;
    for m in session_words(text) {
        let before = &text[..m.start];
        let words = last_words(before, 6);
        // "and to review the implementation ... at that session", "at the same session".
        let back = match words.as_slice() {
            [(at, w), ..] if w.eq_ignore_ascii_case("that") => Some(*at),
            [(_, w), (at, the), ..]
                if w.eq_ignore_ascii_case("same") && the.eq_ignore_ascii_case("the") =>
            {
                Some(*at)
            }
            _ => None,
        };
        if let Some(at) = back {
            if let Some((kind, due)) = named
                && !is_record_of(&text[..at])
            {
                push(out, at..m.end, text, kind, due);
            }
            continue;
        }
        // words: nearest last. Skip session adjectives between the number and "session".
        let mut i = 0;
        while i < words.len()
            && [
                "regular",
                "special",
                "substantive",
                "organizational",
                "annual",
                "ordinary",
                "formal",
            ]
            .iter()
            .any(|a| words[i].1.eq_ignore_ascii_case(a))
        {
            i += 1;
        }
        if i >= words.len() {
            continue;
        }
        // "its 2026 session": a year standing for a session.
        if let Ok(year) = words[i].1.parse::<i32>()
            && (1900..=2200).contains(&year)
            && words[i].1.len() == 4
            && !is_record_of(&text[..words.get(i + 1).map_or(words[i].0, |w| w.0)])
        {
            let start = words.get(i + 1).map_or(words[i].0, |w| w.0);
            let span = start..m.end;
            // "its 2024 session" is the session of the organ named before; "the 2024 session"
            // with no organ after it is the adopting body's own.
            let its = words
                .get(i + 1)
                .is_none_or(|w| !w.1.eq_ignore_ascii_case("the"));
            year_session(text, span, year, its, ctx, calendar, out);
            continue;
        }
        // Ordinal number, one to four words long.
        let mut parsed = None;
        for len in (1..=4).rev() {
            if i + len > words.len() {
                continue;
            }
            // Only spaces separate these words, and `parse_ordinal` splits on any number of
            // them: the text itself stands for the joined phrase.
            let (first, last) = (words[i + len - 1], words[i]);
            if let Some(n) = parse_ordinal(&text[first.0..last.0 + last.1.len()]) {
                parsed = Some((n, i + len));
                break;
            }
        }
        let Some((n, mut next)) = parsed else {
            continue;
        };
        // "hundred and first" needs its "and"; "eightieth and eighty-first" does not.
        if next - i > 1 && words[next - 1].1.eq_ignore_ascii_case("and") {
            next -= 1;
        }
        let start = words[next - 1].0;
        // "at its eightieth and eighty-first sessions": every session of the list counts.
        let mut listed: Vec<(i32, Range<usize>)> = Vec::new();
        while listed.len() < 8
            && words
                .get(next)
                .is_some_and(|w| w.1.eq_ignore_ascii_case("and"))
            && let Some(w) = words.get(next + 1)
            && let Some(earlier) = parse_ordinal(w.1)
        {
            listed.push((earlier, w.0..w.0 + w.1.len()));
            next += 2;
        }
        // "seventy-fifth, seventy-sixth and seventy-seventh": commas end `words`; read on.
        let mut list_start = words[next - 1].0;
        while !listed.is_empty() && listed.len() < 8 {
            let Some(head) = text[..list_start].trim_end().strip_suffix(',') else {
                break;
            };
            let Some(&(at, w)) = last_words(head, 1).first() else {
                break;
            };
            let Some(earlier) = parse_ordinal(w) else {
                break;
            };
            listed.push((earlier, at..at + w.len()));
            list_start = at;
        }
        // "the debates held at the sixty-second, ... and seventy-fourth sessions": the aside
        // starts before the list.
        if !listed.is_empty() && in_aside(text, list_start, true) {
            continue;
        }
        let words = if list_start < words[next - 1].0 {
            let mut w = vec![(list_start, &text[list_start..list_start])];
            w.extend(last_words(&text[..list_start], 3));
            next = 1;
            w
        } else {
            words
        };
        // "main part of its", "resumed": the determiner precedes them.
        let mut j = next;
        let det_at = |j: usize| words.get(j).map(|w| w.1.to_ascii_lowercase());
        if det_at(j).as_deref() == Some("resumed") {
            j += 1;
        }
        let det = det_at(j).unwrap_or_default();
        if is_record_of(&text[..words.get(j).map_or(start, |w| w.0)]) {
            continue;
        }
        let after = &text[m.end..];
        let named_after = body_named_after(after, ctx.body);
        let body = match (det.as_str(), named_after) {
            (_, Some(b)) => Some(b),
            // "decides to include in the provisional agenda of its eightieth session": only
            // the adopting body sets its own agenda, whatever organ was named before.
            ("its", None) if ends_with_ignore_case(text[..start].trim_end(), "agenda of its") => {
                Some(ctx.body)
            }
            ("its", None) => body_named_before(&text[..start], ctx, true),
            (_, None) => Some(ctx.body),
        };
        let Some(body) = body else { continue };
        if body == Body::SecurityCouncil {
            continue;
        }
        // An organ without a calendar of ours ("to report to the Scientific Committee at its
        // seventy-second session") still sets a session (GUIDE.md), with no date to resolve
        // it to; but only one the paragraph names, and not a session whose outcome it recalls.
        if body == Body::Other {
            if ctx.body == Body::Other || recalls_a_past_session(&text[..start]) {
                continue;
            }
            let kind = DeadlineKind::Session { body, session: n };
            let taken = out.found.len();
            push(out, start..m.end, text, kind, None);
            if out.found.len() > taken {
                named = Some((kind, None));
            }
            continue;
        }
        let mut body = body;
        if body == ctx.body
            && let Some(cur) = ctx.session
            && n < cur
        {
            // "to report to the General Assembly through the Commission at its thirty-third
            // session": a session the Assembly has long held is the channel's.
            match body_named_before(&text[..start], ctx, false) {
                Some(channel)
                    if det == "its"
                        && channel != ctx.body
                        && !matches!(channel, Body::Other | Body::SecurityCouncil) =>
                {
                    body = channel;
                }
                _ => continue,
            }
        }
        let due = calendar.opening_day(body, n);
        // Another body's ordinal looks like the Assembly's ("its sixty-ninth session"): keep it
        // only when its session falls from the year of adoption to a few years on.
        if !matches!(
            body,
            Body::GeneralAssembly | Body::HumanRightsCouncil | Body::EconomicAndSocialCouncil
        ) && !plausible_session_year(due, ctx)
        {
            continue;
        }
        let mut end = m.end;
        if let Some(len) = named_after.and(of_body_len(after)) {
            end += len;
        }
        let kind = DeadlineKind::Session { body, session: n };
        let taken = out.found.len();
        push(out, start..end, text, kind, due);
        if out.found.len() > taken {
            named = Some((kind, due));
            for (earlier, span) in listed {
                if body != ctx.body || ctx.session.is_none_or(|cur| earlier >= cur) {
                    let kind = DeadlineKind::Session {
                        body,
                        session: earlier,
                    };
                    push_unchecked(out, span, text, kind, calendar.opening_day(body, earlier));
                }
            }
        }
    }
}

fn year_session(
    text: &str,
    span: Range<usize>,
    year: i32,
    its: bool,
    ctx: &Context,
    calendar: &SessionCalendar,
    out: &mut FoundSet,
) {
    if ctx.adopted_on.is_some_and(|d| year < d.year()) || year_mostly_past(year, ctx) {
        return;
    }
    // "the 2019 session of the Economic and Social Council": the name after wins.
    let after = &text[span.end..];
    let named_after = body_named_after(after, ctx.body).filter(|b| *b != Body::Other);
    let owner = named_after.or_else(|| {
        if its {
            body_named_before(&text[..span.start], ctx, true)
        } else {
            Some(ctx.body)
        }
    });
    if let Some(body @ (Body::EconomicAndSocialCouncil | Body::HighLevelPoliticalForum)) = owner {
        let due = calendar.opening_day(body, year);
        let end = span.end + named_after.and(of_body_len(after)).unwrap_or(0);
        push(
            out,
            span.start..end,
            text,
            DeadlineKind::Session {
                body,
                session: year,
            },
            due,
        );
    } else {
        push(
            out,
            span,
            text,
            DeadlineKind::Year { year },
            Some((last_day_of_year(year), false)),
        );
    }
}

/// A year that is nearly over when the text is adopted (from October on): "its work during
/// 2025" or "its 2025 session" in a December 2025 text is history, not a time to act by.
fn year_mostly_past(year: i32, ctx: &Context) -> bool {
    ctx.adopted_on
        .is_some_and(|a| year == a.year() && a.month() >= 10)
}

/// "the decision adopted by the Conference of the Parties at its": the words before a session
/// of an organ we hold no calendar for say it is past.
fn recalls_a_past_session(before: &str) -> bool {
    let from = before.len().saturating_sub(100);
    let from = (from..before.len())
        .find(|&i| before.is_char_boundary(i))
        .unwrap_or(before.len());
    let window = before[from..].rsplit([';', ':']).next().unwrap_or("");
    [
        "adopted",
        " held",
        "approved",
        "agreed",
        "decided",
        " took ",
        "taken",
        "established",
        "launched",
        "endorsed",
        "concluded",
        "finalized",
        "elected",
        "initiated",
        " made ",
        "convened",
        "reached",
        "recommended",
    ]
    .iter()
    .any(|w| window.contains(w))
}

/// "the records of the eightieth session", "the report on its 2025 session": a session's
/// output already in hand, not a time the clause points to.
fn is_record_of(before: &str) -> bool {
    let b = before.trim_end();
    [
        "records of",
        "record of",
        "report of",
        "report on",
        "reports on",
        "reports of",
        "work of",
        "outcome of",
        "results of",
        "documents of",
        "summary of",
    ]
    .iter()
    .any(|p| ends_with_ignore_case(b, p))
}

/// `s.to_ascii_lowercase().ends_with(lower)` without copying `s`; `lower` is lower case.
fn ends_with_ignore_case(s: &str, lower: &str) -> bool {
    s.len() >= lower.len()
        && s.as_bytes()[s.len() - lower.len()..].eq_ignore_ascii_case(lower.as_bytes())
}

/// Up to `n` words before the end of `s`, nearest first, with their byte offsets.
fn last_words(s: &str, n: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::with_capacity(n);
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while out.len() < n {
        while end > 0 && bytes[end - 1] == b' ' {
            end -= 1;
        }
        if end == 0 {
            break;
        }
        let mut start = end;
        while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'-') {
            start -= 1;
        }
        if start == end {
            break; // punctuation ends the phrase
        }
        out.push((start, &s[start..end]));
        end = start;
    }
    out
}

/// "of the General Assembly" right after "session".
fn body_named_after(after: &str, own: Body) -> Option<Body> {
    let rest = after.trim_start().strip_prefix("of ")?;
    let rest = rest.strip_prefix("the ").unwrap_or(rest);
    // "at its eighty-first session of the expenses incurred": what is reported, not a body.
    if !rest.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    Some(body_from_name(rest, own))
}

fn of_body_len(after: &str) -> Option<usize> {
    let lead = after.len() - after.trim_start().len();
    let rest = &after[lead..];
    let names = [
        "of the General Assembly",
        "of the Assembly",
        "of the Human Rights Council",
        "of the Economic and Social Council",
        "of the Council",
    ];
    if let Some(n) = names.iter().find(|n| rest.starts_with(**n)) {
        return Some(lead + n.len());
    }
    let name = rest.strip_prefix("of the ")?;
    let (_, len) = other_body_named(name)?;
    Some(lead + "of the ".len() + len)
}

/// The names resolutions give the bodies of `calendar/body_sessions.csv` (`body_names.md`),
/// longest first where one begins another.
const OTHER_BODY_NAMES: [(&str, Body); 16] = [
    (
        "Commission on the Status of Women",
        Body::CommissionOnTheStatusOfWomen,
    ),
    (
        "Commission for Social Development",
        Body::CommissionForSocialDevelopment,
    ),
    (
        "Commission on Population and Development",
        Body::CommissionOnPopulationAndDevelopment,
    ),
    (
        "Commission on Narcotic Drugs",
        Body::CommissionOnNarcoticDrugs,
    ),
    (
        "Commission on Crime Prevention and Criminal Justice",
        Body::CrimeCommission,
    ),
    (
        "Commission on Science and Technology for Development",
        Body::CommissionOnScienceAndTechnology,
    ),
    (
        "United Nations Statistical Commission",
        Body::StatisticalCommission,
    ),
    ("Statistical Commission", Body::StatisticalCommission),
    ("United Nations Forum on Forests", Body::ForumOnForests),
    (
        "Permanent Forum on Indigenous Issues",
        Body::PermanentForumOnIndigenousIssues,
    ),
    ("World Health Assembly", Body::WorldHealthAssembly),
    (
        "United Nations Environment Assembly",
        Body::EnvironmentAssembly,
    ),
    ("Environment Assembly", Body::EnvironmentAssembly),
    ("Disarmament Commission", Body::DisarmamentCommission),
    ("high-level political forum", Body::HighLevelPoliticalForum),
    ("High-level Political Forum", Body::HighLevelPoliticalForum),
];

/// The body whose name `s` starts with, and the length of that name.
fn other_body_named(s: &str) -> Option<(Body, usize)> {
    OTHER_BODY_NAMES
        .iter()
        .find(|(n, _)| s.starts_with(n))
        .map(|&(n, b)| (b, n.len()))
}

/// A session of another body is a deadline of this resolution when it opens from the day of
/// adoption to six years on; an ordinal that would put it elsewhere belongs to another body.
fn plausible_session_year(due: Option<(NaiveDate, bool)>, ctx: &Context) -> bool {
    match (due, ctx.adopted_on) {
        // A session that opened before the text was adopted is history ("the provisional
        // agenda finalized by the Commission at its thirty-second session").
        (Some((day, _)), Some(adopted)) => day >= adopted && day.year() <= adopted.year() + 6,
        (None, _) => false,
        (Some(_), None) => true,
    }
}

fn body_from_name(name: &str, own: Body) -> Body {
    if name.starts_with("General Assembly")
        || name.starts_with("Assembly") && !name.starts_with("Assembly of")
    {
        Body::GeneralAssembly
    } else if name.starts_with("Human Rights Council") {
        Body::HumanRightsCouncil
    } else if name.starts_with("Economic and Social Council") {
        Body::EconomicAndSocialCouncil
    } else if name.starts_with("Security Council") {
        Body::SecurityCouncil
    } else if name.starts_with("Council") && own != Body::GeneralAssembly {
        own
    } else if let Some((body, _)) = other_body_named(name) {
        body
    } else {
        Body::Other
    }
}

/// The organ "its" stands for: the nearest organ named before it in the clause, else the
/// adopting body.
/// The body whose session "its" stands for: the organ named last before it, passing over an
/// organ named only as a document's author or a channel when `skip_passing`.
fn body_named_before(before: &str, ctx: &Context, skip_passing: bool) -> Option<Body> {
    let own = ctx.body;
    const ORGANS: [&str; 12] = [
        "Assembly",
        "Council",
        "Commission",
        "Committee",
        "Conference",
        "Board",
        "Forum",
        "Group",
        "Meeting",
        "Parties",
        "Court",
        "Tribunal",
    ];
    let window_start = before.len().saturating_sub(160);
    let window_start = (window_start..before.len())
        .find(|&i| before.is_char_boundary(i))
        .unwrap_or(before.len());
    let window = &before[window_start..];
    // A clause break (";") ends the reach of the pronoun.
    let window = window.rsplit(';').next().unwrap_or(window);
    // The organ named last: scan back once instead of searching for each organ. No organ
    // name is a prefix of another, so at most one matches at a position.
    let bytes = window.as_bytes();
    let organ_at = |pos: usize| {
        if !matches!(
            bytes[pos],
            b'A' | b'B' | b'C' | b'F' | b'G' | b'M' | b'P' | b'T'
        ) {
            return None;
        }
        ORGANS
            .iter()
            .find(|o| bytes[pos..].starts_with(o.as_bytes()))
            .map(|o| (pos, *o))
    };
    // An organ named only as the author of a document ("the findings of the Committee") or as
    // a channel ("through the Committee") does not hold the session: the organ before it does.
    let best = (0..bytes.len())
        .rev()
        .filter_map(organ_at)
        .find(|&(p, _)| !skip_passing || !named_in_passing(window, p));
    let Some((pos, organ)) = best else {
        return Some(own);
    };
    let head = &window[..pos];
    if let Some(body) = other_body_around(window, pos, organ) {
        return Some(body);
    }
    // "the Commission", "the Forum": the commission or forum last named in the window.
    if matches!(organ, "Commission" | "Forum") && head.ends_with("the ") {
        let named = (0..pos)
            .rev()
            .filter_map(organ_at)
            .filter(|&(_, o)| o == organ)
            .find_map(|(p, o)| other_body_around(window, p, o));
        if let Some(body) = named {
            return Some(body);
        }
        // The commission the resolution is about, named in its title.
        if let Some(subject) = ctx.subject_body
            && OTHER_BODY_NAMES
                .iter()
                .any(|&(name, b)| b == subject && name.contains(organ))
        {
            return Some(subject);
        }
    }
    let full = match organ {
        "Committee"
            if [
                "First ", "Second ", "Third ", "Fourth ", "Fifth ", "Sixth ", "Main ",
            ]
            .iter()
            .any(|o| head.ends_with(o)) =>
        {
            "General Assembly"
        }
        "Assembly" if head.ends_with("General ") => "General Assembly",
        "Council" if head.ends_with("Human Rights ") => "Human Rights Council",
        "Council" if head.ends_with("Economic and Social ") => "Economic and Social Council",
        "Council" if head.ends_with("Security ") => "Security Council",
        "Assembly" if window[pos..].starts_with("Assembly of") => "Other",
        "Assembly" => "Assembly",
        "Council" => "Council",
        _ => "Other",
    };
    Some(body_from_name(full, own))
}

/// Whether the organ named at `pos` stands after "the findings of the", "the report of the" or
/// "through the" (with any capitalised words of its name in between).
fn named_in_passing(window: &str, pos: usize) -> bool {
    const DOCUMENTS: [&str; 11] = [
        "findings",
        "report",
        "reports",
        "recommendations",
        "conclusions",
        "work",
        "outcome",
        "results",
        "proposals",
        "views",
        "deliberations",
    ];
    let mut head = window[..pos].trim_end();
    // "the report of the Statistical Commission": step back over the name's first words.
    while let Some((rest, word)) = head.rsplit_once(' ')
        && word.starts_with(|c: char| c.is_ascii_uppercase())
    {
        head = rest.trim_end();
    }
    let Some(rest) = head.strip_suffix(" the") else {
        return false;
    };
    if rest.ends_with(" through") || rest.ends_with(",through") {
        return true;
    }
    let Some(rest) = rest.strip_suffix(" of") else {
        return false;
    };
    let last = rest.rsplit(' ').next().unwrap_or(rest);
    DOCUMENTS.contains(&last)
}

/// The body of `calendar/body_sessions.csv` whose name holds the organ word found at `pos`
/// ("Statistical Commission", "Commission on the Status of Women", "Permanent Forum on ...").
fn other_body_around(window: &str, pos: usize, organ: &str) -> Option<Body> {
    let head = &window[..pos];
    let from = |lead: &str| {
        head.ends_with(lead)
            .then(|| other_body_named(&window[pos - lead.len()..]))
            .flatten()
            .map(|(b, _)| b)
    };
    match organ {
        "Commission" => other_body_named(&window[pos..])
            .map(|(b, _)| b)
            .or_else(|| from("Statistical "))
            .or_else(|| from("Disarmament ")),
        "Forum" => from("United Nations ").or_else(|| from("Permanent ")),
        "Assembly" => from("World Health ").or_else(|| from("Environment ")),
        _ => None,
    }
}

/// Parses an ordinal in words or digits: "seventy-sixth", "eightieth", "one hundredth",
/// "one hundred and first", "76th".
pub fn parse_ordinal(s: &str) -> Option<i32> {
    // Called on every few words before "session": compare in place, without lower-cased
    // copies.
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() > 2
        && matches!(
            [
                b[b.len() - 2].to_ascii_lowercase(),
                b[b.len() - 1].to_ascii_lowercase()
            ],
            [b's', b't'] | [b'n', b'd'] | [b'r', b'd'] | [b't', b'h']
        )
        && b[..b.len() - 2].iter().all(u8::is_ascii_digit)
    {
        return s[..s.len() - 2].parse().ok();
    }
    // One pass, the last word held back: it is the ordinal, the words before it count. A
    // word that is no number ends the parse at once, which is the common case. Wrapping
    // arithmetic, as release builds did, so that absurd inputs cannot panic.
    let mut buf = [0u8; 16];
    let mut cur: i32 = 0;
    let mut pending: Option<&str> = None;
    for w in s
        .split([' ', '-'])
        .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("and"))
    {
        if let Some(init) = pending.replace(w) {
            match lower_word(init, &mut buf)? {
                "hundred" => cur = cur.max(1).wrapping_mul(100),
                w => cur = cur.wrapping_add(cardinal_word(w)?),
            }
        }
    }
    let last = pending?;
    let last_val = ordinal_word(lower_word(last, &mut buf)?)?;
    if last.eq_ignore_ascii_case("hundredth") {
        return Some(cur.max(1).wrapping_mul(100));
    }
    Some(cur.wrapping_add(last_val))
}

/// `w` lower-cased (ASCII) into `buf`, or `None` when it is longer than any number word.
fn lower_word<'b>(w: &str, buf: &'b mut [u8; 16]) -> Option<&'b str> {
    let out = buf.get_mut(..w.len())?;
    out.copy_from_slice(w.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

fn ordinal_word(w: &str) -> Option<i32> {
    Some(match w {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        "fortieth" => 40,
        "fiftieth" => 50,
        "sixtieth" => 60,
        "seventieth" => 70,
        "eightieth" => 80,
        "ninetieth" => 90,
        "hundredth" => 0,
        _ => return None,
    })
}

fn cardinal_word(w: &str) -> Option<i32> {
    Some(match w {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// "90", "six", "twenty-four", "a", "one hundred", "one hundred and twenty" as a count.
fn parse_count(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    let mut total = 0i32;
    for w in s
        .to_ascii_lowercase()
        .split([' ', '-'])
        .filter(|w| !w.is_empty())
    {
        if w == "hundred" {
            total = total.max(1) * 100;
        } else if w == "and" && total >= 100 {
            // "one hundred and twenty"
        } else {
            total += cardinal_word(w)?;
        }
    }
    u32::try_from(total).ok().filter(|&n| n > 0)
}

// ---- dates, months, years ------------------------------------------------------------

fn month_number(name: &str) -> u32 {
    MONTHS
        .split('|')
        .position(|m| m == name)
        .map_or(1, |i| i as u32 + 1)
}

/// Words that tie a following date to an action ("by", "until", "no later than", "on").
fn date_trigger(before: &str) -> bool {
    let b = before.trim_end().trim_end_matches(',');
    // The last 40 bytes of " " + `b`, lower-cased (the leading space only when `b` is short),
    // without copying the whole paragraph before the date.
    let mut tail = String::with_capacity(48);
    match (b.len() + 1).checked_sub(40).filter(|&cut| cut > 0) {
        None => {
            tail.push(' ');
            tail.push_str(b);
        }
        Some(cut) => {
            let mut cut = cut - 1;
            while !b.is_char_boundary(cut) {
                cut -= 1;
            }
            tail.push_str(&b[cut..]);
        }
    }
    tail.make_ascii_lowercase();
    let tail = tail.as_str();
    if tail.ends_with("as at") || tail.ends_with("as of") || tail.ends_with("dated") {
        return false;
    }
    // "any licence or permit granted prior to 15 April 1992": the date says when something
    // already done was done, not when anything is due.
    if [
        "granted prior to",
        "entered into prior to",
        "issued prior to",
        "concluded prior to",
        "signed prior to",
        "granted before",
        "entered into before",
        "concluded before",
    ]
    .iter()
    .any(|t| tail.ends_with(t))
    {
        return false;
    }
    if tail.contains("period from")
        || tail.contains("period beginning")
        || tail.contains("biennium")
        || tail.contains("fiscal")
    {
        return false;
    }
    [
        " by",
        " until",
        " till",
        " through",
        " later than",
        " before",
        " on",
        " from",
        " to",
        "namely",
        " commence",
        " starting",
        " beginning",
        " ending",
        " up to",
        " prior to",
        " after",
    ]
    .iter()
    .any(|t| tail.ends_with(t))
        || b.is_empty()
}

fn find_dates(text: &str, ctx: &Context, out: &mut FoundSet, has_year: bool) {
    // Spans first: "from 30 April to 1 June 2018", "on 8 and 9 December 2022", "from 6 to 24 April".
    let mut years: Option<Vec<(usize, i32)>> = None;
    for c in DATE_SPAN.captures_iter(text) {
        let m = c.get(0).unwrap();
        let before = &text[..m.start()];
        if !date_trigger(before) {
            continue;
        }
        let day: u32 = c[1].parse().unwrap_or(0);
        let month = c
            .get(2)
            .map_or_else(|| month_number(&c[5]), |m| month_number(m.as_str()));
        let year = c
            .get(3)
            .or(c.get(6))
            .and_then(|y| y.as_str().parse::<i32>().ok())
            .or_else(|| {
                let years = years.get_or_insert_with(|| year_marks(text, ctx));
                infer_year(m.start(), years, ctx, month, day)
            });
        let Some(year) = year else { continue };
        let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
            continue;
        };
        if ctx.adopted_on.is_some_and(|a| date < a) {
            continue;
        }
        // The span's start word ("from", "on") belongs to the quoted text.
        let start = before.trim_end().rfind(' ').map_or(m.start(), |p| {
            let w = &before[p + 1..].trim_end();
            if ["from", "on", "namely"].contains(w) {
                p + 1
            } else {
                m.start()
            }
        });
        push(
            out,
            start..m.end(),
            text,
            DeadlineKind::Date { date },
            Some((date, false)),
        );
    }
    if !has_year {
        return;
    }
    for c in DATE.captures_iter(text) {
        let m = c.get(0).unwrap();
        if out.overlaps(&(m.start()..m.end())) {
            continue;
        }
        let before = &text[..m.start()];
        if !date_trigger(before) {
            continue;
        }
        let (Ok(day), Ok(year)) = (c[1].parse::<u32>(), c[3].parse::<i32>()) else {
            continue;
        };
        let Some(date) = NaiveDate::from_ymd_opt(year, month_number(&c[2]), day) else {
            continue;
        };
        if ctx.adopted_on.is_some_and(|a| date < a) {
            continue;
        }
        let start = trigger_start(before, m.start());
        push(
            out,
            start..m.end(),
            text,
            DeadlineKind::Date { date },
            Some((date, false)),
        );
    }
}

/// Widens a match back over its trigger word(s) so `text` reads "by 31 December 2021".
fn trigger_start(before: &str, start: usize) -> usize {
    let trimmed = before.trim_end();
    for t in [
        "no later than",
        "not later than",
        "until",
        "by",
        "before",
        "on",
        "from",
        "till",
        "through",
    ] {
        if trimmed.ends_with(t) && trimmed[..trimmed.len() - t.len()].ends_with(' ') {
            return trimmed.len() - t.len();
        }
    }
    start
}

/// A day without a year ("from 6 to 24 April") takes the nearest year named before it in the
/// paragraph (`years`, from [`year_marks`]), else the first such day on or after adoption.
fn infer_year(
    before_len: usize,
    years: &[(usize, i32)],
    ctx: &Context,
    month: u32,
    day: u32,
) -> Option<i32> {
    let nearest = years.partition_point(|&(end, _)| end <= before_len);
    if let Some(&(_, year)) = nearest.checked_sub(1).and_then(|i| years.get(i)) {
        return Some(year);
    }
    let a = ctx.adopted_on?;
    let same = NaiveDate::from_ymd_opt(a.year(), month, day)?;
    Some(if same >= a { a.year() } else { a.year() + 1 })
}

/// The years [`infer_year`] may take, with the offset where each ends, in reading order: runs
/// of exactly four digits starting with 1 or 2, not after a "/" (a resolution symbol), and
/// not before the year of adoption. Found in one pass so that many days without a year cost
/// a lookup each, not a scan back over the paragraph.
fn year_marks(text: &str, ctx: &Context) -> Vec<(usize, i32)> {
    let bytes = text.as_bytes();
    let mut marks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i - start == 4
            && matches!(bytes[start], b'1' | b'2')
            && !text[..start].ends_with('/')
            && let Ok(year) = text[start..i].parse::<i32>()
            && ctx.adopted_on.is_none_or(|a| year >= a.year())
        {
            marks.push((i, year));
        }
    }
    marks
}

fn find_months(text: &str, ctx: &Context, out: &mut FoundSet) {
    for c in MONTH.captures_iter(text) {
        let m = c.get(0).unwrap();
        let Ok(year) = c[2].parse::<i32>() else {
            continue;
        };
        let month = month_number(&c[1]);
        let last = last_day_of_month(year, month);
        if ctx.adopted_on.is_some_and(|a| last < a) {
            continue;
        }
        let before = &text[..m.start()];
        if ends_with_ignore_case(before.trim_end(), "period") {
            continue;
        }
        push(
            out,
            m.start()..m.end(),
            text,
            DeadlineKind::Month { year, month },
            Some((last, false)),
        );
    }
}

fn find_years(text: &str, ctx: &Context, calendar: &SessionCalendar, out: &mut FoundSet) {
    let forum_named = memchr::memmem::find(text.as_bytes(), b"olitical forum").is_some()
        || memchr::memmem::find(text.as_bytes(), b"olitical Forum").is_some();
    for c in YEAR.captures_iter(text) {
        let m = c.get(0).unwrap();
        // "2024-2025", "2020/21": a budget or programme period, not a point in time.
        if m.as_str().ends_with(|ch: char| ch.is_ascii_digit())
            && m.as_str().len() > c.get(1).unwrap().end() - m.start()
        {
            continue;
        }
        let Ok(year) = c[1].parse::<i32>() else {
            continue;
        };
        if !(1900..=2200).contains(&year) || ctx.adopted_on.is_some_and(|a| year < a.year()) {
            continue;
        }
        if year_mostly_past(year, ctx)
            && ![
                "by",
                "until",
                "before",
                "the end",
                "end of",
                "prior",
                "no later",
                "not later",
            ]
            .iter()
            .any(|lead| m.as_str().starts_with(lead))
        {
            continue;
        }
        let tail = text[..m.start()].trim_end();
        if ["period", "the year", "agenda"]
            .iter()
            .any(|p| ends_with_ignore_case(tail, p))
        {
            continue;
        }
        let after = &text[m.end()..];
        // "in 2030 Agenda" never occurs, but "by 2030 Agenda for ..." reads as a title.
        if after.trim_start().starts_with("Agenda") {
            continue;
        }
        let end = c.get(1).unwrap().end();
        if ctx.body == Body::EconomicAndSocialCouncil
            && c.get(0).unwrap().as_str().starts_with("session")
        {
            continue;
        }
        if forum_named && let Some(body) = forum_meeting_in(text, m.start(), m.as_str()) {
            // The forum's own name often says "convened under the auspices of ...", which
            // `in_aside` would read as a past event: the year check above already drops those.
            push_unchecked(
                out,
                m.start()..end,
                text,
                DeadlineKind::Session {
                    body,
                    session: year,
                },
                calendar.opening_day(body, year),
            );
            continue;
        }
        push(
            out,
            m.start()..end,
            text,
            DeadlineKind::Year { year },
            Some((last_day_of_year(year), false)),
        );
    }
}

/// "to the high-level political forum on sustainable development ... in 2025": the year names
/// the forum's session when the forum is named in the same clause, shortly before, and the
/// year says when it meets ("in", "during", "session in"), not a due date ("by 2025").
fn forum_meeting_in(text: &str, start: usize, matched: &str) -> Option<Body> {
    if !(matched.starts_with("in ")
        || matched.starts_with("during")
        || matched.starts_with("session"))
    {
        return None;
    }
    let mut floor = start.saturating_sub(FORUM_REACH);
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    let window = &text[floor..start];
    let window = window.rsplit(';').next().unwrap_or(window);
    let at = memchr::memmem::rfind(window.as_bytes(), b"olitical forum")
        .or_else(|| memchr::memmem::rfind(window.as_bytes(), b"olitical Forum"))?;
    // The forum as the place a thing is brought to ("to the ... forum", "at the ... forum"),
    // not a gathering something happens beside ("on the margins of the ... forum in 2020").
    let lead = window[..at].strip_suffix("high-level p")?.trim_end();
    let lead = lead.strip_suffix("the")?.trim_end();
    if !(lead.ends_with(" to") || lead.ends_with(" at") || lead.ends_with(" before")) {
        return None;
    }
    let rest = &window[at..];
    Some(
        if rest.contains("auspices of the General Assembly")
            && !rest.contains("and the Economic and Social Council")
        {
            Body::HighLevelPoliticalForumUnderTheAssembly
        } else {
            Body::HighLevelPoliticalForum
        },
    )
}

/// How far before a year [`forum_meeting_in`] looks for the forum's name, in bytes: the
/// forum's longest name with its auspices, and a few words more.
const FORUM_REACH: usize = 200;

fn last_day_of_year(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default()
}

fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or_default()
}

// ---- within and periodic -------------------------------------------------------------

fn unit_of(word: &str) -> Option<Unit> {
    Some(match word.trim_end_matches('s') {
        "day" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        "year" => Unit::Year,
        _ => return None,
    })
}

fn add_period(from: NaiveDate, amount: u32, unit: Unit) -> Option<NaiveDate> {
    match unit {
        Unit::Day => from.checked_add_days(Days::new(u64::from(amount))),
        Unit::Week => from.checked_add_days(Days::new(u64::from(amount) * 7)),
        Unit::Month => from.checked_add_months(Months::new(amount)),
        Unit::Year => from.checked_add_months(Months::new(amount.checked_mul(12)?)),
    }
}

fn find_within(text: &str, ctx: &Context, out: &mut FoundSet) {
    let after_adoption = memchr::memmem::find(text.as_bytes(), b"adoption")
        .map(|_| AFTER_ADOPTION.captures_iter(text))
        .into_iter()
        .flatten();
    for c in WITHIN.captures_iter(text).chain(after_adoption) {
        let m = c.get(0).unwrap();
        let count = c.get(1).unwrap();
        // Without a lead word the words before the count are caught too ("shall come into
        // force ten days after"): the count is the longest run of number words at the end.
        let (amount, start) = if count.start() == m.start() {
            let Some((amount, at)) = trailing_count(count.as_str()) else {
                continue;
            };
            (amount, m.start() + at)
        } else {
            let Some(amount) = parse_count(count.as_str()) else {
                continue;
            };
            (amount, m.start())
        };
        let Some(unit) = unit_of(&c[2]) else { continue };
        let after = text[m.end()..].trim_start_matches([',', ' ']);
        // "for six months, that is until 31 July 1994": the date is the deadline.
        if after.starts_with("that is") || after.starts_with("until") || after.starts_with("ending")
        {
            continue;
        }
        let due = ctx
            .adopted_on
            .and_then(|a| add_period(a, amount, unit))
            .map(|d| (d, false));
        push(
            out,
            start..m.end(),
            text,
            DeadlineKind::Within { amount, unit },
            due,
        );
    }
}

/// The longest count that ends `s` and where it starts: "force ten" gives (10, 6), "in one
/// hundred and twenty" (120, 3).
fn trailing_count(s: &str) -> Option<(u32, usize)> {
    let starts = s
        .match_indices(' ')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0));
    starts
        .filter_map(|at| parse_count(&s[at..]).map(|n| (n, at)))
        .min_by_key(|&(_, at)| at)
}

fn find_periodic(text: &str, ctx: &Context, out: &mut FoundSet) {
    let due = |amount: u32, unit: Unit| {
        ctx.adopted_on
            .and_then(|a| add_period(a, amount, unit))
            .map(|d| (d, true))
    };
    if text.contains("every") {
        for c in EVERY.captures_iter(text) {
            let m = c.get(0).unwrap();
            let Some(unit) = unit_of(&c[3]) else { continue };
            let amount = if c.get(1).is_some() {
                Some(2)
            } else {
                c.get(2).map_or(Some(1), |a| parse_count(a.as_str()))
            };
            let Some(amount) = amount else { continue };
            push(
                out,
                m.start()..m.end(),
                text,
                DeadlineKind::Periodic { amount, unit },
                due(amount, unit),
            );
        }
    }
    // "its annual report" is an existing publication, "annual reports" a new duty.
    let owned = |start: usize| {
        let before = text[..start].trim_end();
        let det = before.rsplit(' ').next().unwrap_or("").to_ascii_lowercase();
        before.ends_with('-')
            || matches!(
                det.as_str(),
                "its"
                    | "their"
                    | "the"
                    | "his"
                    | "her"
                    | "this"
                    | "that"
                    | "previous"
                    | "next"
                    | "these"
                    | "those"
            )
    };
    for c in PERIODIC_WORD.captures_iter(text) {
        let m = c.get(0).unwrap();
        // "in its quarterly reports": the adverb's spelling, used as an adjective.
        if c.get(1).is_some_and(|w| w.as_str() == "quarterly")
            && text[m.end()..].starts_with(" report")
            && owned(m.start())
        {
            continue;
        }
        let (amount, unit) = if let Some(w) = c.get(1).or(c.get(2)) {
            match w.as_str() {
                "annually" | "once a year" | "each year" | "every year" | "annual" | "yearly" => {
                    (1, Unit::Year)
                }
                "biennially" | "biennial" => (2, Unit::Year),
                "triennially" | "triennial" => (3, Unit::Year),
                "quadrennially" | "quadrennial" => (4, Unit::Year),
                "quarterly" => (3, Unit::Month),
                "monthly" | "each month" => (1, Unit::Month),
                "semi-annually" | "semiannually" | "biannually" | "twice a year"
                | "twice yearly" | "twice annually" | "semi-annual" | "semiannual" | "biannual"
                | "six-monthly" => (6, Unit::Month),
                "weekly" => (1, Unit::Week),
                _ => continue, // "on a regular basis" names no period
            }
        } else if let Some(w) = c.get(3) {
            (if w.as_str() == "quinquennium" { 5 } else { 2 }, Unit::Year)
        } else if c.get(6).is_some() {
            // "at least one visiting mission a year".
            (1, Unit::Year)
        } else {
            let adj = &c[4];
            if owned(m.start()) {
                continue;
            }
            match adj {
                "annual" => (1, Unit::Year),
                "biennial" => (2, Unit::Year),
                "quarterly" => (3, Unit::Month),
                "semi-annual" | "semiannual" => (6, Unit::Month),
                _ => (1, Unit::Month),
            }
        };
        push(
            out,
            m.start()..m.end(),
            text,
            DeadlineKind::Periodic { amount, unit },
            due(amount, unit),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ga(session: i32, y: i32, m: u32, d: u32) -> Context {
        Context {
            body: Body::GeneralAssembly,
            session: Some(session),
            adopted_on: NaiveDate::from_ymd_opt(y, m, d),
            subject_body: None,
        }
    }

    fn kinds(text: &str, ctx: &Context) -> Vec<DeadlineKind> {
        find_deadlines(text, ctx, &SessionCalendar::builtin())
            .into_iter()
            .map(|f| f.deadline.kind)
            .collect()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn session_deadline_resolves_to_opening_day() {
        let text = "Requests the Secretary-General to compile a report ... and to report to the General Assembly at its seventy-sixth session;";
        let found = find_deadlines(text, &ga(75, 2020, 12, 7), &SessionCalendar::builtin());
        assert_eq!(found.len(), 1);
        let d = &found[0].deadline;
        assert_eq!(
            d.kind,
            DeadlineKind::Session {
                body: Body::GeneralAssembly,
                session: 76
            }
        );
        assert_eq!(d.due_on, Some(date(2021, 9, 14)));
        assert!(!d.estimated);
        assert_eq!(d.text, "seventy-sixth session");
    }

    #[test]
    fn provisional_agenda_of_its_next_numbered_session_is_a_session_deadline() {
        let text = "Decides to include in the provisional agenda of its eighty-first session the item entitled “Measures”.";
        let found = find_deadlines(text, &ga(80, 2025, 12, 1), &SessionCalendar::builtin());
        assert_eq!(
            found[0].deadline.kind,
            DeadlineKind::Session {
                body: Body::GeneralAssembly,
                session: 81
            }
        );
        assert!(found[0].deadline.estimated);
    }

    #[test]
    fn resumed_and_main_part_sessions_count_as_their_session() {
        let ctx = ga(79, 2024, 12, 20);
        assert_eq!(
            kinds(
                "to report to the Assembly at its resumed seventy-ninth session",
                &ctx
            ),
            vec![DeadlineKind::Session {
                body: Body::GeneralAssembly,
                session: 79
            }]
        );
        assert_eq!(
            kinds(
                "to the Assembly by the main part of its eighty-first session",
                &ctx
            ),
            vec![DeadlineKind::Session {
                body: Body::GeneralAssembly,
                session: 81
            }]
        );
    }

    #[test]
    fn ordinals_reach_past_one_hundredth() {
        assert_eq!(parse_ordinal("one hundredth"), Some(100));
        assert_eq!(parse_ordinal("one hundred and first"), Some(101));
        assert_eq!(parse_ordinal("one hundred twenty-second"), Some(122));
        assert_eq!(parse_ordinal("eightieth"), Some(80));
        assert_eq!(parse_ordinal("76th"), Some(76));
    }

    #[test]
    fn until_the_end_of_its_eightieth_session_is_session_80() {
        assert_eq!(
            kinds(
                "Decides that the working group shall continue until the end of its eightieth session;",
                &ga(80, 2025, 9, 20)
            ),
            vec![DeadlineKind::Session {
                body: Body::GeneralAssembly,
                session: 80
            }]
        );
    }

    #[test]
    fn a_commission_session_is_not_an_assembly_deadline() {
        let text = "adopted on first reading by the Commission at its sixty-eighth session;";
        assert!(kinds(text, &ga(72, 2017, 12, 7)).is_empty());
    }

    #[test]
    fn ecosoc_session_named_by_year_is_a_session_and_elsewhere_a_year() {
        let ctx = Context {
            body: Body::EconomicAndSocialCouncil,
            session: Some(2025),
            adopted_on: Some(date(2025, 7, 20)),
            subject_body: None,
        };
        assert_eq!(
            kinds("to report to the Council at its 2026 session", &ctx),
            vec![DeadlineKind::Session {
                body: Body::EconomicAndSocialCouncil,
                session: 2026
            }]
        );
        assert_eq!(
            kinds(
                "to the Special Committee at its 2026 session",
                &ga(79, 2025, 6, 1)
            ),
            vec![DeadlineKind::Year { year: 2026 }]
        );
        assert_eq!(
            kinds("at its session in 2025", &ga(79, 2024, 12, 1)),
            vec![DeadlineKind::Year { year: 2025 }]
        );
    }

    fn one(text: &str, ctx: &Context) -> Deadline {
        let found = find_deadlines(text, ctx, &SessionCalendar::builtin());
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        found[0].deadline.clone()
    }

    #[test]
    fn a_commission_named_with_its_ordinal_session_resolves_from_its_calendar() {
        let d = one(
            "Requests the Secretary-General to submit a report to the Commission on the Status of Women at its sixty-third session;",
            &ga(73, 2018, 12, 17),
        );
        assert_eq!(
            d.kind,
            DeadlineKind::Session {
                body: Body::CommissionOnTheStatusOfWomen,
                session: 63
            }
        );
        assert_eq!((d.due_on, d.estimated), (Some(date(2019, 3, 11)), false));
        let d = one(
            "to submit a report to the Commission for Social Development at its fifty-seventh session",
            &ga(73, 2018, 12, 17),
        );
        assert_eq!(
            d.kind,
            DeadlineKind::Session {
                body: Body::CommissionForSocialDevelopment,
                session: 57
            }
        );
        assert_eq!(d.due_on.map(|d| d.year()), Some(2019));
        // The name after the session, and the short form for the commission named before.
        assert_eq!(
            kinds(
                "to report to the sixty-ninth session of the Commission on Narcotic Drugs",
                &ga(80, 2025, 12, 1)
            ),
            vec![DeadlineKind::Session {
                body: Body::CommissionOnNarcoticDrugs,
                session: 69
            }]
        );
        assert_eq!(
            kinds(
                "Invites the Statistical Commission to review the indicators and to report to the Commission at its fifty-seventh session",
                &ga(80, 2025, 12, 1)
            ),
            vec![DeadlineKind::Session {
                body: Body::StatisticalCommission,
                session: 57
            }]
        );
    }

    #[test]
    fn an_ordinal_implausible_for_the_commission_named_is_no_deadline() {
        // CSW 79 would meet in 2035: the number belongs to another body.
        assert_eq!(
            kinds(
                "to the Commission on the Status of Women at its seventy-ninth session",
                &ga(79, 2024, 12, 1)
            ),
            vec![]
        );
    }

    #[test]
    fn the_council_at_its_year_session_is_an_ecosoc_session_opening_the_july_before() {
        let d = one(
            "to the Economic and Social Council at its 2019 session",
            &ga(73, 2018, 12, 20),
        );
        assert_eq!(
            d.kind,
            DeadlineKind::Session {
                body: Body::EconomicAndSocialCouncil,
                session: 2019
            }
        );
        assert_eq!(d.due_on, Some(date(2018, 7, 26)));
    }

    #[test]
    fn the_year_session_of_the_council_named_after_it_is_an_ecosoc_session() {
        // body_names.md: "the 2019 session of the Economic and Social Council".
        assert_eq!(
            kinds(
                "to submit a report to the 2019 session of the Economic and Social Council",
                &ga(73, 2018, 12, 20)
            ),
            vec![DeadlineKind::Session {
                body: Body::EconomicAndSocialCouncil,
                session: 2019
            }]
        );
        assert_eq!(
            kinds(
                "to submit a report at the 2026 session of the Committee",
                &ga(80, 2025, 12, 1)
            ),
            vec![DeadlineKind::Year { year: 2026 }]
        );
    }

    #[test]
    fn the_high_level_political_forum_in_a_year_is_its_session_of_that_year() {
        let d = one(
            "Requests the Secretary-General to submit a report to the high-level political forum on sustainable development convened under the auspices of the Economic and Social Council in 2025",
            &ga(79, 2024, 12, 19),
        );
        assert_eq!(
            d.kind,
            DeadlineKind::Session {
                body: Body::HighLevelPoliticalForum,
                session: 2025
            }
        );
        assert_eq!(d.due_on.map(|d| (d.year(), d.month())), Some((2025, 7)));
        // A side event held on the forum's margins is dated by its year (A/RES/73/140 para 9).
        assert_eq!(
            kinds(
                "requests that this meeting be held as a special event on the margins of the high-level political forum on sustainable development in 2020",
                &ga(73, 2018, 12, 17)
            ),
            vec![DeadlineKind::Year { year: 2020 }]
        );
        // "by 2030" is a due year whatever forum is named before it.
        assert_eq!(
            kinds(
                "to report to the high-level political forum on progress by 2030",
                &ga(79, 2024, 12, 19)
            ),
            vec![DeadlineKind::Year { year: 2030 }]
        );
    }

    fn clause_deadlines(text: &str, ctx: &Context) -> Vec<(String, Vec<DeadlineKind>)> {
        crate::resolution::classify_paragraph(text, ctx, &SessionCalendar::builtin())
            .into_iter()
            .map(|c| (c.verb, c.deadlines.into_iter().map(|d| d.kind).collect()))
            .collect()
    }

    #[test]
    fn at_that_session_carries_the_session_named_before_it_in_the_paragraph() {
        let ga80 = DeadlineKind::Session {
            body: Body::GeneralAssembly,
            session: 80,
        };
        assert_eq!(
            clause_deadlines(
                "Requests the Secretary-General to submit a report to the General Assembly at its eightieth session on the implementation of the present resolution, and decides to consider the question at that session;",
                &ga(78, 2023, 12, 1)
            ),
            vec![
                ("requests".to_string(), vec![ga80]),
                ("decides".to_string(), vec![ga80])
            ]
        );
        // The same session twice in one clause is one deadline (A/RES/80/39 para 32).
        assert_eq!(
            clause_deadlines(
                "Decides to include in the provisional agenda of its eighty-first session, under the item entitled “General and complete disarmament”, the sub-item entitled “Towards a nuclear-weapon-free world” and to review the implementation of the present resolution at that session.",
                &ga(80, 2025, 12, 1)
            ),
            vec![(
                "decides".to_string(),
                vec![DeadlineKind::Session {
                    body: Body::GeneralAssembly,
                    session: 81
                }]
            )]
        );
        // With no session named before, "that session" is no deadline.
        assert_eq!(
            kinds(
                "and to consider the matter at that session",
                &ga(80, 2025, 12, 1)
            ),
            vec![]
        );
    }

    #[test]
    fn the_end_of_a_month_is_that_month_and_within_holds_under_recommends() {
        assert_eq!(
            clause_deadlines(
                "Requests the Secretary-General to submit the report by the end of June 2024;",
                &ga(78, 2023, 12, 1)
            ),
            vec![(
                "requests".to_string(),
                vec![DeadlineKind::Month {
                    year: 2024,
                    month: 6
                }]
            )]
        );
        assert_eq!(
            clause_deadlines(
                "Recommends that the States parties submit their reports within 48 months of the entry into force of the Convention;",
                &ga(78, 2023, 12, 1)
            ),
            vec![(
                "recommends".to_string(),
                vec![DeadlineKind::Within {
                    amount: 48,
                    unit: Unit::Month
                }]
            )]
        );
    }

    #[test]
    fn hrc_session_resolves_from_the_council_table() {
        let ctx = Context {
            body: Body::HumanRightsCouncil,
            session: Some(46),
            adopted_on: Some(date(2021, 3, 23)),
            subject_body: None,
        };
        let found = find_deadlines(
            "to present a report to the Council at its forty-eighth session",
            &ctx,
            &SessionCalendar::builtin(),
        );
        assert_eq!(
            found[0].deadline.kind,
            DeadlineKind::Session {
                body: Body::HumanRightsCouncil,
                session: 48
            }
        );
        assert_eq!(found[0].deadline.due_on, Some(date(2021, 9, 13)));
    }

    #[test]
    fn dates_by_until_and_no_later_than_are_their_own_day() {
        let ctx = ga(75, 2020, 12, 7);
        assert_eq!(
            kinds("by 31 December 2021", &ctx),
            vec![DeadlineKind::Date {
                date: date(2021, 12, 31)
            }]
        );
        assert_eq!(
            kinds("until 15 March 2022", &ctx),
            vec![DeadlineKind::Date {
                date: date(2022, 3, 15)
            }]
        );
        assert_eq!(
            kinds("no later than 1 June 2021", &ctx),
            vec![DeadlineKind::Date {
                date: date(2021, 6, 1)
            }]
        );
    }

    #[test]
    fn a_span_of_days_resolves_to_its_first_day() {
        let ctx = ga(80, 2025, 12, 1);
        assert_eq!(
            kinds("to hold its session from 9 to 13 March 2026", &ctx),
            vec![DeadlineKind::Date {
                date: date(2026, 3, 9)
            }]
        );
        let ctx = ga(72, 2017, 12, 7);
        assert_eq!(
            kinds("shall be held at Geneva from 30 April to 1 June 2018", &ctx),
            vec![DeadlineKind::Date {
                date: date(2018, 4, 30)
            }]
        );
    }

    #[test]
    fn each_span_without_year_takes_the_nearest_year_named_before_it() {
        let ctx = ga(80, 2025, 12, 1);
        let text = "to meet during 2026, namely from 6 to 24 April, then in 2030 from 1 to 2 May, \
                    by 2028/29, from 3 to 4 June";
        let dates: Vec<_> = find_deadlines(text, &ctx, &SessionCalendar::builtin())
            .into_iter()
            .filter_map(|f| f.deadline.due_on)
            .collect();
        assert!(dates.contains(&date(2026, 4, 6)), "{dates:?}");
        assert!(dates.contains(&date(2030, 5, 1)), "{dates:?}");
        // "2028/29" is a period, and "/29" no year: June takes 2028, named last before it.
        assert!(dates.contains(&date(2028, 6, 3)), "{dates:?}");
    }

    #[test]
    fn thousands_of_dates_in_one_paragraph_are_each_found_once() {
        let months = ["January", "April", "July", "October"];
        let text: String = (0..4000)
            .map(|i| format!("by {} {} {}, ", 1 + i % 28, months[i % 4], 2021 + i % 40))
            .collect();
        let found = find_deadlines(&text, &ga(75, 2020, 12, 7), &SessionCalendar::builtin());
        assert_eq!(found.len(), 4000);
        assert!(found.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        assert_eq!(found[3999].deadline.due_on, Some(date(2060, 10, 24)));
    }

    #[test]
    fn a_long_unpunctuated_segment_still_reads_its_aside() {
        let ctx = ga(75, 2020, 12, 7);
        let filler = "and the work ".repeat(20);
        let text = format!("the conference held {filler} on 3 March 2021");
        assert!(kinds(&text, &ctx).is_empty());
    }

    #[test]
    fn a_span_without_year_takes_the_year_named_before_it() {
        let ctx = ga(80, 2025, 12, 1);
        assert_eq!(
            kinds(
                "to hold during 2026 a substantive session, namely from 6 to 24 April",
                &ctx
            ),
            vec![
                DeadlineKind::Year { year: 2026 },
                DeadlineKind::Date {
                    date: date(2026, 4, 6)
                }
            ]
        );
    }

    #[test]
    fn budget_periods_dates_of_record_and_back_references_are_not_deadlines() {
        let ctx = ga(79, 2024, 12, 20);
        assert!(kinds("for the period from 1 July 2025 to 30 June 2026", &ctx).is_empty());
        assert!(kinds("the amount outstanding as at 30 April 2025", &ctx).is_empty());
        // S/RES/748 (1992) para 7.
        assert!(
            kinds(
                "notwithstanding the existence of any contract entered into or any licence or permit granted prior to 15 April 1992",
                &ctx
            )
            .is_empty()
        );
        assert!(
            kinds(
                "to report at its next session and periodically thereafter",
                &ctx
            )
            .is_empty()
        );
        assert!(kinds("recalling its resolution 74/43 of 12 December 2019", &ctx).is_empty());
    }

    #[test]
    fn month_deadlines_resolve_to_the_last_day() {
        let found = find_deadlines(
            "to submit the draft by June 2027",
            &ga(80, 2025, 12, 1),
            &SessionCalendar::builtin(),
        );
        assert_eq!(
            found[0].deadline.kind,
            DeadlineKind::Month {
                year: 2027,
                month: 6
            }
        );
        assert_eq!(found[0].deadline.due_on, Some(date(2027, 6, 30)));
        assert_eq!(
            kinds(
                "by the end of March 1994",
                &Context {
                    body: Body::SecurityCouncil,
                    session: None,
                    adopted_on: Some(date(1994, 1, 31)),
                    subject_body: None,
                }
            ),
            vec![DeadlineKind::Month {
                year: 1994,
                month: 3
            }]
        );
    }

    #[test]
    fn year_deadlines_include_early_and_by() {
        let ctx = ga(80, 2025, 12, 1);
        assert_eq!(
            kinds("to convene the conference in early 2026", &ctx),
            vec![DeadlineKind::Year { year: 2026 }]
        );
        assert_eq!(
            kinds("to achieve it by 2030", &ctx),
            vec![DeadlineKind::Year { year: 2030 }]
        );
        assert_eq!(
            kinds("a comprehensive review in 2028", &ctx),
            vec![DeadlineKind::Year { year: 2028 }]
        );
        assert!(kinds("the 2030 Agenda for Sustainable Development", &ctx).is_empty());
    }

    #[test]
    fn within_reads_long_counts_single_periods_and_days_after_adoption() {
        // S/RES/687 (1991) para 10, S/RES/880 (1993) para 12, S/RES/864 (1993) para 17.
        let ctx = ga(48, 1993, 9, 15);
        let within = |amount, unit| DeadlineKind::Within { amount, unit };
        assert_eq!(
            kinds(
                "a plan to be submitted to the Council for approval within one hundred and twenty days of the passage of this resolution",
                &ctx
            ),
            vec![within(120, Unit::Day)]
        );
        assert_eq!(
            kinds(
                "Further decides to establish a team of twenty military liaison officers for a single period of six months with a mandate to report",
                &ctx
            ),
            vec![within(6, Unit::Month)]
        );
        assert_eq!(
            kinds(
                "Decides that the provisions set forth in paragraphs 19 to 25 below shall come into force ten days after the date of adoption of the present resolution",
                &ctx
            ),
            vec![within(10, Unit::Day)]
        );
        assert_eq!(
            kinds(
                "shall enter into force one hundred and twenty days after the adoption of the present resolution",
                &ctx
            ),
            vec![within(120, Unit::Day)]
        );
        // Not every count before a unit is a period.
        assert!(kinds("within the next several months", &ctx).is_empty());
    }

    #[test]
    fn within_counts_from_adoption() {
        let ctx = Context {
            body: Body::SecurityCouncil,
            session: None,
            adopted_on: Some(date(1993, 6, 4)),
            subject_body: None,
        };
        let found = find_deadlines(
            "within seven days of the adoption of the present resolution",
            &ctx,
            &SessionCalendar::builtin(),
        );
        assert_eq!(
            found[0].deadline.kind,
            DeadlineKind::Within {
                amount: 7,
                unit: Unit::Day
            }
        );
        assert_eq!(found[0].deadline.due_on, Some(date(1993, 6, 11)));
        assert_eq!(
            kinds("within 90 days", &ctx),
            vec![DeadlineKind::Within {
                amount: 90,
                unit: Unit::Day
            }]
        );
        assert_eq!(
            kinds(
                "not later than two months after the adoption of the present resolution",
                &ctx
            ),
            vec![DeadlineKind::Within {
                amount: 2,
                unit: Unit::Month
            }]
        );
        assert_eq!(
            kinds(
                "Decides to extend the mandate for a period of six months",
                &ctx
            ),
            vec![DeadlineKind::Within {
                amount: 6,
                unit: Unit::Month
            }]
        );
    }

    #[test]
    fn for_six_months_that_is_until_a_date_is_the_date_only() {
        let ctx = Context {
            body: Body::SecurityCouncil,
            session: None,
            adopted_on: Some(date(1994, 1, 31)),
            subject_body: None,
        };
        assert_eq!(
            kinds(
                "to extend the mandate for a period of six months, that is until 31 July 1994",
                &ctx
            ),
            vec![DeadlineKind::Date {
                date: date(1994, 7, 31)
            }]
        );
    }

    #[test]
    fn half_yearly_and_weekly_forms_are_periodic() {
        let ctx = ga(78, 2023, 10, 19);
        let every = |amount, unit| DeadlineKind::Periodic { amount, unit };
        for (text, want) in [
            (
                "to brief the Council in the first half of 2024, and thereafter on a semi-annual basis",
                vec![DeadlineKind::Year { year: 2024 }, every(6, Unit::Month)],
            ),
            (
                "to report to the Committee semiannually",
                vec![every(6, Unit::Month)],
            ),
            (
                "to inform the Council on a weekly basis",
                vec![every(1, Unit::Week)],
            ),
            (
                "to submit quarterly reports to the Committee",
                vec![every(3, Unit::Month)],
            ),
            ("in its quarterly reports", vec![]),
        ] {
            assert_eq!(kinds(text, &ctx), want, "{text}");
        }
    }

    #[test]
    fn periodic_forms_are_found() {
        let ctx = ga(80, 2025, 12, 1);
        // S/RES/748 (1992) para 13.
        assert_eq!(
            kinds(
                "Decides that the Security Council shall, every one hundred and twenty days or sooner, should the situation so require, review the measures",
                &ctx
            ),
            vec![DeadlineKind::Periodic {
                amount: 120,
                unit: Unit::Day
            }]
        );
        // S/RES/706 (1991) para 7.
        assert_eq!(
            kinds(
                "on the first day of the month immediately following the adoption of the present resolution and on the first day of each month thereafter until further notice",
                &ctx
            ),
            vec![DeadlineKind::Periodic {
                amount: 1,
                unit: Unit::Month
            }]
        );
        assert_eq!(
            kinds("to report every 120 days", &ctx),
            vec![DeadlineKind::Periodic {
                amount: 120,
                unit: Unit::Day
            }]
        );
        assert_eq!(
            kinds("to report annually", &ctx),
            vec![DeadlineKind::Periodic {
                amount: 1,
                unit: Unit::Year
            }]
        );
        assert_eq!(
            kinds("to meet biennially", &ctx),
            vec![DeadlineKind::Periodic {
                amount: 2,
                unit: Unit::Year
            }]
        );
        assert_eq!(
            kinds("to brief on a quarterly basis", &ctx),
            vec![DeadlineKind::Periodic {
                amount: 3,
                unit: Unit::Month
            }]
        );
        assert_eq!(
            kinds("to present a report every two years", &ctx),
            vec![DeadlineKind::Periodic {
                amount: 2,
                unit: Unit::Year
            }]
        );
        assert_eq!(
            kinds("to provide annual updates", &ctx),
            vec![DeadlineKind::Periodic {
                amount: 1,
                unit: Unit::Year
            }]
        );
        assert!(kinds("to include in its annual report", &ctx).is_empty());
    }

    #[test]
    fn periodic_first_occurrence_is_one_period_after_adoption_and_estimated() {
        let found = find_deadlines(
            "to report annually",
            &ga(80, 2025, 12, 1),
            &SessionCalendar::builtin(),
        );
        assert_eq!(found[0].deadline.due_on, Some(date(2026, 12, 1)));
        assert!(found[0].deadline.estimated);
    }

    // ---- patterns of issue 15, on sentences from real texts ----

    #[test]
    fn a_session_of_an_organ_without_a_calendar_is_a_session_with_no_date() {
        let ctx = ga(79, 2024, 12, 12);
        let found = find_deadlines(
            "Requests the secretariat of the Scientific Committee to report to the Committee at its seventy-second session",
            &ctx,
            &SessionCalendar::builtin(),
        );
        assert_eq!(
            found.iter().map(|f| f.deadline.kind).collect::<Vec<_>>(),
            [DeadlineKind::Session {
                body: Body::Other,
                session: 72
            }]
        );
        assert_eq!(found[0].deadline.due_on, None);
        // Only the adopting body sets its agenda (A/RES/78/138 para 39).
        assert_eq!(
            kinds(
                "in line with the Addis Ababa Action Agenda of the Third International Conference on Financing for Development, and decides to include in the provisional agenda of its eightieth session the sub-item",
                &ctx
            ),
            [DeadlineKind::Session {
                body: Body::GeneralAssembly,
                session: 80
            }]
        );
        // A session the Assembly held long ago is the channel's (A/RES/78/223 para 23).
        let ccpcj = Context {
            subject_body: None,
            ..ga(78, 2023, 12, 19)
        };
        assert_eq!(
            kinds(
                "Requests the Secretary-General to report thereon to the General Assembly through the Commission on Crime Prevention and Criminal Justice at its thirty-third session",
                &ccpcj
            ),
            [DeadlineKind::Session {
                body: Body::CrimeCommission,
                session: 33
            }]
        );
        // What such an organ did at a session is history.
        assert!(
            kinds(
                "Calls upon States to implement the decisions adopted by the Conference of the Parties at its sixteenth session",
                &ctx
            )
            .is_empty()
        );
    }

    #[test]
    fn every_session_of_a_list_is_a_deadline() {
        // A/RES/79/165 para 3.
        let text = "Invites the Chairs of the human rights treaty bodies to address and engage in an interactive dialogue with the General Assembly at its eightieth and eighty-first sessions under the item relevant to the work of the treaty body;";
        let ga80 = Body::GeneralAssembly;
        assert_eq!(
            kinds(text, &ga(79, 2024, 12, 17)),
            [
                DeadlineKind::Session {
                    body: ga80,
                    session: 80
                },
                DeadlineKind::Session {
                    body: ga80,
                    session: 81
                }
            ]
        );
        let text = "Decides to consider the question at its seventy-fifth, seventy-sixth and seventy-seventh sessions;";
        assert_eq!(kinds(text, &ga(74, 2019, 12, 5)).len(), 3);
        // "one hundred and first" is one ordinal.
        assert_eq!(
            kinds(
                "Decides to meet at its one hundred and first session;",
                &ga(74, 2019, 12, 5)
            ),
            [DeadlineKind::Session {
                body: ga80,
                session: 101
            }]
        );
    }

    #[test]
    fn a_list_of_sessions_in_a_past_debate_is_history() {
        // A/RES/74/188 para 2.
        let text = "invites Governments to focus their statements, in the light of the written comments submitted to the Secretary-General, as well as the views expressed in the debates held at the sixty-second, sixty-fifth, sixty-eighth, seventy-first and seventy-fourth sessions of the General Assembly, on the question of a convention";
        assert!(kinds(text, &ga(74, 2019, 12, 18)).is_empty());
    }

    #[test]
    fn what_is_reported_after_session_of_is_no_body() {
        // A/RES/80/6 para 20.
        let text = "the need for the Secretary-General to continue to inform the General Assembly at its eighty-first session of the expenses incurred and reimbursements received";
        assert_eq!(
            kinds(text, &ga(80, 2025, 11, 3)),
            [DeadlineKind::Session {
                body: Body::GeneralAssembly,
                session: 81
            }]
        );
    }

    #[test]
    fn a_year_nearly_over_at_adoption_is_history_unless_it_bounds_the_action() {
        // A/RES/80/105 para 18 (adopted in December 2025).
        let text = "Approves the report of the Special Committee covering its work during 2025, in which the programme of work for 2026 is outlined";
        assert!(kinds(text, &ga(80, 2025, 12, 10)).is_empty());
        // A/RES/80/66 para 10.
        let text = "to transmit to the Commission the annual report of the Conference on Disarmament on its 2025 session";
        assert!(kinds(text, &ga(80, 2025, 12, 1)).is_empty());
        // A/RES/73/140 (17 December 2018): "before the end of 2018" still binds.
        let text =
            "to prepare an analysis of volunteering at the national level before the end of 2018";
        assert_eq!(
            kinds(text, &ga(73, 2018, 12, 17)),
            [DeadlineKind::Year { year: 2018 }]
        );
    }

    #[test]
    fn so_many_a_year_is_periodic() {
        // A/RES/80/105 para 9.
        let text =
            "requests the Special Committee to undertake at least one visiting mission a year;";
        assert_eq!(
            kinds(text, &ga(80, 2025, 12, 10)),
            [DeadlineKind::Periodic {
                amount: 1,
                unit: Unit::Year
            }]
        );
    }

    #[test]
    fn a_year_in_a_reason_given_is_no_deadline() {
        // A/RES/78/150 para 5.
        let text = "Calls upon Member States to promote a gender-equitable division of unpaid care and domestic work, bearing in mind that women spend 2.8 more hours than men on unpaid care, and considering that, on the current trajectory, the gap will narrow slightly, but by 2050, women globally will still be spending 9.5 per cent more time";
        assert!(kinds(text, &ga(78, 2023, 12, 19)).is_empty());
    }

    #[test]
    fn the_year_session_with_no_organ_after_it_is_the_adopting_councils() {
        let mut ctx = ga(78, 2023, 7, 25);
        ctx.body = Body::EconomicAndSocialCouncil;
        ctx.session = Some(2023);
        assert_eq!(
            kinds(
                "Decides to extend the mandate of the Ad Hoc Advisory Group on Haiti until the conclusion of the 2024 session, with the purpose of following closely",
                &ctx
            ),
            vec![DeadlineKind::Session {
                body: Body::EconomicAndSocialCouncil,
                session: 2024
            }]
        );
        // In an Assembly text the same words are a year.
        assert_eq!(
            kinds(
                "until the conclusion of the 2024 session, with the purpose of following closely",
                &ga(78, 2023, 7, 25)
            ),
            vec![DeadlineKind::Year { year: 2024 }]
        );
    }

    #[test]
    fn its_session_belongs_to_the_organ_that_acts_not_to_an_author_or_channel() {
        let mut ctx = ga(73, 2018, 7, 24);
        ctx.body = Body::EconomicAndSocialCouncil;
        ctx.session = Some(2018);
        assert_eq!(
            kinds(
                "Invites the Commission on the Status of Women to consider the findings of the Committee at its sixty-third session;",
                &ctx
            ),
            vec![DeadlineKind::Session {
                body: Body::CommissionOnTheStatusOfWomen,
                session: 63
            }]
        );
        assert_eq!(
            kinds(
                "Requests the Statistical Commission to report to the Council, through the Committee for Development Policy, at its 2020 session;",
                &ctx
            ),
            vec![DeadlineKind::Session {
                body: Body::EconomicAndSocialCouncil,
                session: 2020
            }]
        );
        // The organ that receives the report still holds the session.
        assert_eq!(
            kinds(
                "Requests the Secretary-General to report to the Commission for Social Development at its fifty-seventh session;",
                &ctx
            ),
            vec![DeadlineKind::Session {
                body: Body::CommissionForSocialDevelopment,
                session: 57
            }]
        );
    }

    #[test]
    fn the_commission_is_the_only_one_the_text_names() {
        let named = sole_commission_named(
            [
                "Recalling the report of the Commission on Crime Prevention and Criminal Justice,",
                "Requests the Commission to accord sufficient time at its thirty-third session",
            ]
            .into_iter(),
        );
        assert_eq!(named, Some(Body::CrimeCommission));
        let mut ctx = ga(78, 2023, 12, 18);
        ctx.subject_body = named;
        assert_eq!(
            kinds(
                "Requests the Commission to accord sufficient time at its thirty-third session to reviewing the progress made",
                &ctx
            ),
            vec![DeadlineKind::Session {
                body: Body::CrimeCommission,
                session: 33
            }]
        );
        // A session held before adoption is a record, not a deadline (A/RES/78/223 para 11).
        assert!(
            kinds(
                "Approves the following provisional agenda for the Fifteenth Congress, finalized by the Commission at its thirty-second session:",
                &ctx
            )
            .is_empty()
        );
        // Two commissions named: "the Commission" is not guessed.
        assert_eq!(
            sole_commission_named(
                ["the Commission on Narcotic Drugs and the Commission on Crime Prevention and Criminal Justice"]
                    .into_iter()
            ),
            None
        );
    }

    #[test]
    fn the_commission_is_the_one_the_title_names() {
        let ctx = Context {
            body: Body::EconomicAndSocialCouncil,
            session: Some(2019),
            adopted_on: Some(date(2019, 7, 23)),
            subject_body: body_named_in(
                "Future organization and methods of work of the Commission on the Status of Women",
            ),
        };
        let text = "Also decides that the Commission will hold a high-level interactive dialogue at its sixty-fifth session;";
        assert_eq!(
            kinds(text, &ctx),
            [DeadlineKind::Session {
                body: Body::CommissionOnTheStatusOfWomen,
                session: 65
            }]
        );
    }
}
