//! Turning the raw lines of a resolution (Markdown-like, PDF-extracted or scanned) into clean
//! running text: markup and page furniture removed, hyphenated words joined, footnote marks
//! taken out of the text and remembered.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Opens an explicit footnote mark (from `¹` or `[^1]`) inside a normalised line; the mark's
/// digits follow, then [`MARK_CLOSE`]. Private-use characters cannot occur in real text.
pub(crate) const MARK_OPEN: char = '\u{E000}';
/// Closes an explicit footnote mark.
pub(crate) const MARK_CLOSE: char = '\u{E001}';

/// What a line of the source is, before paragraphs are assembled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineKind {
    Blank,
    /// Page headers and footers: job numbers, bar codes, page numbers, the symbol, running title.
    Furniture,
    /// `__________________` or `---`: footnotes follow.
    FootnoteRule,
    /// A footnote written as such in the source (`[^2]: ...`, `² ...`); holds the mark.
    FootnoteDef(String),
    Text,
}

/// One normalised line of the source. Most lines need no normalising, so the text borrows from
/// the source unless it had to be rebuilt.
#[derive(Debug, Clone)]
pub(crate) struct Line<'a> {
    pub text: Cow<'a, str>,
    pub kind: LineKind,
}

static JOB_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:GE\.)?\d{2}-\d{5}(?:\s*\(E\))?(?:\s+\d{6})?$").unwrap());
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,3}/\d{1,3}$").unwrap());
static PAGE_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Page \d{1,3}(?: of \d{1,3})?$").unwrap());
static SYMBOL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:A/RES/\d+/\d+(?: [A-Z])?|A/HRC/RES/\d+/\d+|E/RES/\d{4}/\d+|S/RES/\d+ ?\(\d{4}\))$",
    )
    .unwrap()
});
static MD_FOOTNOTE_DEF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[\^(\w+)\]:\s*(.*)$").unwrap());

/// True when `normalize_line` would return the line unchanged: no control, '*', '[' or
/// non-ASCII byte and no double space. Written without early exits or table look-ups so the
/// compiler can check many bytes at once; this runs on every line of every text.
fn is_plain_line(bytes: &[u8]) -> bool {
    let Some((&last, _)) = bytes.split_last() else {
        return true;
    };
    let odd = |b: u8| !(0x20..0x7f).contains(&b) | (b == b'*') | (b == b'[');
    // Each byte with the one after it: odd, or the first of two spaces.
    let bad = bytes.iter().zip(&bytes[1..]).fold(false, |acc, (&a, &b)| {
        acc | odd(a) | ((a == b' ') & (b == b' '))
    });
    !bad && !odd(last)
}

const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

fn superscript_digit(c: char) -> Option<char> {
    if c.is_ascii() {
        return None;
    }
    SUPERSCRIPTS
        .iter()
        .position(|&s| s == c)
        .map(|d| char::from(b'0' + d as u8))
}

/// Splits the source into normalised, classified lines. Classification here only uses the line
/// itself; context-dependent furniture (running titles, footnote blocks) is marked later.
pub(crate) fn prepare_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::with_capacity(text.len() / 40 + 8);
    // The memchr crate's search is vectorised; `str::split` looks at a word at a time.
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for end in ends {
        let raw = &text[start..end];
        start = end + 1;
        let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if trimmed.is_empty() {
            out.push(Line {
                text: Cow::Borrowed(""),
                kind: LineKind::Blank,
            });
            continue;
        }
        // Bar codes look like Markdown emphasis, so they are recognised before '*' is dropped.
        if is_barcode(trimmed) {
            out.push(Line {
                text: Cow::Borrowed(""),
                kind: LineKind::Furniture,
            });
            continue;
        }
        if trimmed.starts_with("[^")
            && let Some(c) = MD_FOOTNOTE_DEF.captures(trimmed)
        {
            out.push(Line {
                text: normalize_line(c.get(2).map_or("", |m| m.as_str())),
                kind: LineKind::FootnoteDef(c[1].to_string()),
            });
            continue;
        }
        let first = trimmed.chars().next().unwrap_or(' ');
        if superscript_digit(first).is_some() {
            let mark: String = trimmed.chars().map_while(superscript_digit).collect();
            let rest = trimmed.trim_start_matches(|c| superscript_digit(c).is_some());
            out.push(Line {
                text: normalize_line(rest),
                kind: LineKind::FootnoteDef(mark),
            });
            continue;
        }
        let text = normalize_line(trimmed);
        let kind = classify(&text);
        out.push(Line { text, kind });
    }
    out
}

fn is_barcode(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 9
        && b[0] == b'*'
        && b[b.len() - 1] == b'*'
        && b[1..b.len() - 1].iter().all(u8::is_ascii_digit)
}

fn classify(text: &str) -> LineKind {
    if text.is_empty() {
        return LineKind::Blank;
    }
    let b = text.as_bytes();
    if b.len() >= 3 && (b.iter().all(|&c| c == b'_') || b.iter().all(|&c| c == b'-')) {
        return LineKind::FootnoteRule;
    }
    // Cheap first-byte checks keep the regexes off ordinary prose lines.
    match b[0] {
        b'0'..=b'9' if JOB_NUMBER.is_match(text) || PAGE_NUMBER.is_match(text) => {
            LineKind::Furniture
        }
        b'P' if b.len() < 16 && PAGE_WORD.is_match(text) => LineKind::Furniture,
        b'A' | b'S' | b'E'
            if b.len() < 24 && b.get(1) == Some(&b'/') && SYMBOL_LINE.is_match(text) =>
        {
            LineKind::Furniture
        }
        _ => LineKind::Text,
    }
}

/// Normalises one line: odd spaces and hyphens to plain ones, Markdown emphasis and links
/// dropped, superscript and `[^n]` footnote marks turned into explicit marks, runs of spaces
/// collapsed.
pub(crate) fn normalize_line(line: &str) -> Cow<'_, str> {
    let bytes = line.as_bytes();
    // Most lines need nothing: no markup, no odd characters, no double spaces. Checking that is
    // far cheaper than rebuilding (or even copying) the line.
    if is_plain_line(bytes) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut last_space = true;
    let mut i = 0;
    let plain = |b: u8| b.is_ascii_graphic() && b != b'*' && b != b'[';
    while i < bytes.len() {
        // Most of a line is plain ASCII: copy such runs whole.
        if plain(bytes[i]) {
            let start = i;
            // Single spaces between words stay in the run; only runs of spaces and odd
            // characters take the slow path.
            while i < bytes.len()
                && (plain(bytes[i])
                    || (bytes[i] == b' ' && i + 1 < bytes.len() && plain(bytes[i + 1])))
            {
                i += 1;
            }
            out.push_str(&line[start..i]);
            last_space = false;
            continue;
        }
        if bytes[i] == b' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            i += 1;
            continue;
        }
        let c = line[i..].chars().next().unwrap_or(' ');
        let width = c.len_utf8();
        if let Some(d) = superscript_digit(c) {
            out.push(MARK_OPEN);
            out.push(d);
            i += width;
            while let Some(n) = line[i..].chars().next() {
                match superscript_digit(n) {
                    Some(d) => {
                        out.push(d);
                        i += n.len_utf8();
                    }
                    None => break,
                }
            }
            out.push(MARK_CLOSE);
            last_space = false;
            continue;
        }
        if c == '[' {
            let rest = &line[i + 1..];
            if let Some(mark) = rest.strip_prefix('^') {
                let end = mark.find(']').unwrap_or(0);
                if end > 0 && end <= 6 {
                    out.push(MARK_OPEN);
                    out.push_str(&mark[..end]);
                    out.push(MARK_CLOSE);
                    i += 1 + 1 + end + 1; // '[', '^', the mark, ']'
                    last_space = false;
                    continue;
                }
            }
            // A Markdown link "[74/43](#)": keep the label, drop the target.
            if let Some(close) = rest.find("](")
                && close < 200
                && let Some(paren) = rest[close + 2..].find(')')
            {
                let label = &rest[..close];
                out.push_str(label);
                last_space = label.ends_with(' ');
                i += 1 + close + 2 + paren + 1;
                continue;
            }
        }
        i += width;
        let c = match c {
            '\u{a0}' | '\t' | '\u{2007}' | '\u{202f}' | '\u{2009}' | '\u{200b}' => ' ',
            // Non-breaking and soft hyphens, and the replacement character PDF extraction
            // leaves where a non-breaking hyphen stood ("non\u{fffd}proliferation").
            '\u{2010}' | '\u{2011}' | '\u{fffd}' => '-',
            '\u{ad}' | '*' | '\r' => continue,
            c if c.is_control() => continue,
            _ => c,
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    Cow::Owned(out)
}

/// First parts of compounds whose line-end hyphen is real ("non-\nproliferation").
const HYPHEN_PREFIXES: &[&str] = &[
    "non",
    "self",
    "co",
    "re",
    "anti",
    "inter",
    "intra",
    "multi",
    "cross",
    "well",
    "long",
    "high",
    "low",
    "large",
    "small",
    "short",
    "mid",
    "post",
    "pre",
    "full",
    "part",
    "follow",
    "counter",
    "sub",
    "semi",
    "ex",
    "vice",
    "ad",
    "e",
    "macro",
    "micro",
    "socio",
    "peace",
    "decision",
    "policy",
    "capacity",
    "state",
    "open",
    "end",
    "top",
    "up",
    "cost",
    "gender",
    "child",
    "age",
    "people",
    "human",
    "rights",
    "country",
    "nationally",
    "locally",
    "regionally",
    "results",
    "evidence",
    "science",
    "time",
    "all",
    "one",
    "two",
    "three",
    "four",
    "five",
    "ten",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "in",
    "on",
    "off",
    "over",
    "under",
    "out",
    "so",
    "life",
    "mine",
    "land",
    "sea",
    "war",
    "death",
    "south",
    "north",
    "east",
    "west",
    "like",
    "ill",
    "half",
];

/// Second parts of compounds whose line-start shows the hyphen before it was real.
const HYPHEN_SUFFIXES: &[&str] = &[
    "based",
    "related",
    "up",
    "making",
    "building",
    "term",
    "level",
    "owned",
    "led",
    "specific",
    "sensitive",
    "friendly",
    "wide",
    "free",
    "ninth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "oriented",
    "driven",
    "bound",
    "long",
    "round",
    "scale",
    "fold",
    "year",
    "day",
    "month",
    "run",
    "affected",
    "responsive",
    "focused",
    "centred",
    "centered",
    "keeping",
    "party",
    "parties",
    "off",
    "out",
    "back",
    "related",
    "generating",
    "intensive",
    "income",
    "country",
    "state",
    "in",
    "on",
    "general",
    "like",
    "sharing",
    "bearing",
    "holder",
    "holders",
    "setting",
    "taking",
    "raising",
    "saving",
    "monitoring",
    "reporting",
    "looking",
    "ranging",
    "standing",
    "cutting",
    "led",
    "sided",
    "aged",
    "minded",
    "hand",
];

/// Decides whether the hyphen ending one line survives when the next line is joined to it.
fn keep_line_end_hyphen(left_word: &str, right: &str) -> bool {
    let right_word: String = right
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect::<String>();
    let Some(r0) = right_word.chars().next() else {
        return true;
    };
    let Some(l0) = left_word.chars().next() else {
        return true;
    };
    if l0.is_uppercase() || r0.is_uppercase() || r0.is_ascii_digit() {
        return true;
    }
    let l = left_word.to_ascii_lowercase();
    let r = right_word.to_ascii_lowercase();
    HYPHEN_PREFIXES.contains(&l.as_str()) || HYPHEN_SUFFIXES.contains(&r.as_str())
}

/// Joins wrapped lines into one paragraph, mending words hyphenated across lines.
pub(crate) fn join_lines<'a, I>(lines: I) -> String
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let lines = lines.into_iter();
    // Sized up front: growing the string line by line costs more than the copying.
    let mut out = String::with_capacity(lines.clone().map(|l| l.len() + 1).sum());
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(line);
            continue;
        }
        if out.ends_with('-') && !out.ends_with("--") && !out.ends_with(" -") {
            let body = &out[..out.len() - 1];
            let left_start = body
                .rfind(|c: char| !c.is_alphabetic())
                .map(|i| i + body[i..].chars().next().map_or(1, char::len_utf8))
                .unwrap_or(0);
            let left_word = &body[left_start..];
            if !left_word.is_empty() && !keep_line_end_hyphen(left_word, line) {
                out.pop();
            }
            out.push_str(line);
        } else {
            out.push(' ');
            out.push_str(line);
        }
    }
    mend_spaced_hyphens(out)
}

static SPACED_HYPHEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\p{L})- (\p{Ll}+)").unwrap());

/// PDF extraction sometimes leaves "decision- making" or "Forty- sixth"; "pre- and post-" is real.
/// Takes the joined text by value: most paragraphs have no "- " and are handed back as they are.
fn mend_spaced_hyphens(s: String) -> String {
    let bytes = s.as_bytes();
    if !memchr::memchr_iter(b'-', bytes).any(|i| bytes.get(i + 1) == Some(&b' ')) {
        return s;
    }
    let mended = SPACED_HYPHEN.replace_all(&s, |c: &regex::Captures| {
        let next = &c[2];
        if matches!(next, "and" | "or" | "to" | "nor") {
            c[0].to_string()
        } else {
            format!("{}-{}", &c[1], next)
        }
    });
    match mended {
        Cow::Borrowed(_) => s,
        Cow::Owned(m) => m,
    }
}

/// Words after which a bare number is a reference ("paragraph 2"), never a footnote mark.
const NUMBER_TAKERS: &[&str] = &[
    "paragraph",
    "paragraphs",
    "para",
    "paras",
    "resolution",
    "resolutions",
    "article",
    "articles",
    "no",
    "nos",
    "vol",
    "section",
    "sections",
    "chapter",
    "chapters",
    "annex",
    "rule",
    "rules",
    "goal",
    "goals",
    "target",
    "targets",
    "and",
    "to",
    "of",
    "from",
    "item",
    "items",
    "part",
    "parts",
    "principle",
    "principles",
    "recommendation",
    "recommendations",
    "decision",
    "decisions",
    "page",
    "pages",
    "p",
    "pp",
    "protocol",
    "supplement",
    "table",
    "figure",
    "box",
    "step",
    "phase",
    "level",
    "in",
    "by",
    "than",
    "or",
    "the",
    "at",
    "on",
    "for",
    "until",
    "about",
    "over",
    "under",
    "least",
    "some",
    "session",
    "sessions",
    "programme",
    "option",
    "category",
    "group",
    "class",
    "year",
    "years",
    "version",
    "covid",
    "res",
    "rev",
    "add",
    "corr",
    "add.",
    "stage",
    "tier",
    "column",
    "appendix",
    "schedule",
    "point",
    "points",
    "criterion",
    "criteria",
    "measure",
    "measures",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "around",
    "approximately",
    "nearly",
    "only",
    "with",
    "per",
];

/// A footnote mark found in paragraph text, with where it stood in the cleaned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MarkAt {
    pub mark: String,
    pub offset: usize,
}

/// Removes footnote marks from paragraphs read in order. Plain-digit marks ("Terrorism,1",
/// "Material 2 by") are only recognised when they are the next mark expected, which keeps
/// "paragraph 2" and "2005" intact while catching marks glued to words and years.
pub(crate) struct MarkStripper<'a> {
    next: u32,
    defined: &'a [String],
    /// The defined marks that are plain numbers written as `n.to_string()` writes them, so
    /// `is_defined` needs no string per digit run.
    defined_numbers: Vec<u32>,
}

impl<'a> MarkStripper<'a> {
    pub(crate) fn new(defined: &'a [String]) -> Self {
        // Older Council texts number footnotes through a whole volume ("89", "90"), so the
        // first mark expected is the lowest one defined.
        let next = defined
            .iter()
            .filter_map(|d| d.parse::<u32>().ok())
            .min()
            .unwrap_or(1);
        let defined_numbers = defined
            .iter()
            .filter_map(|d| d.parse::<u32>().ok().filter(|n| n.to_string() == *d))
            .collect();
        Self {
            next,
            defined,
            defined_numbers,
        }
    }

    /// Whether the mark `n` (as printed by `n.to_string()`) is among the defined ones.
    fn is_defined(&self, n: u32) -> bool {
        self.defined_numbers.contains(&n)
    }

    /// Returns the text without marks and the marks with their offsets in that text.
    pub(crate) fn strip(&mut self, text: &str) -> (String, Vec<MarkAt>) {
        let mut out = String::with_capacity(text.len());
        let mut marks = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < text.len() {
            // Copy runs that hold neither digits nor an explicit mark (0xEE starts U+E000).
            if !bytes[i].is_ascii_digit() && bytes[i] != 0xEE {
                let start = i;
                i = next_digit_or_mark(bytes, i);
                out.push_str(&text[start..i]);
                continue;
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            if c == MARK_OPEN {
                let start = i + c.len_utf8();
                let end = text[start..]
                    .find(MARK_CLOSE)
                    .map_or(text.len(), |e| start + e);
                let mark = text[start..end].to_string();
                if let Ok(n) = mark.parse::<u32>() {
                    self.next = self.next.max(n + 1);
                }
                while out.ends_with(' ') {
                    out.pop();
                }
                marks.push(MarkAt {
                    mark,
                    offset: out.len(),
                });
                i = (end + MARK_CLOSE.len_utf8()).min(text.len());
                continue;
            }
            if c.is_ascii_digit() && !self.defined.is_empty() {
                let run_end = i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                let run = &text[i..run_end];
                if let Some((keep, mark_len)) = self.plain_mark(text, i, run_end) {
                    out.push_str(&run[..keep]);
                    let mark = &run[keep..keep + mark_len];
                    while out.ends_with(' ') && keep == 0 && !text[run_end..].starts_with(' ') {
                        out.pop();
                    }
                    if keep == 0 && out.ends_with(' ') && text[run_end..].starts_with(' ') {
                        // "Material 2 by": drop the mark and one of the two spaces.
                        out.pop();
                    }
                    marks.push(MarkAt {
                        mark: mark.to_string(),
                        offset: out.len(),
                    });
                    if let Ok(n) = mark.parse::<u32>() {
                        self.next = self.next.max(n + 1);
                    }
                    i = run_end;
                    continue;
                }
                out.push_str(run);
                i = run_end;
                continue;
            }
            out.push(c);
            i += c.len_utf8();
        }
        let trimmed_len = out.trim_end().len();
        out.truncate(trimmed_len);
        for m in &mut marks {
            m.offset = m.offset.min(out.len());
        }
        (out, marks)
    }

    /// For the digit run `text[start..end]`, returns (digits to keep, mark length) when the run
    /// is, or ends with, a footnote mark. A mark glued to a word or punctuation may repeat an
    /// earlier footnote or skip a few (a missed mark must not stop all later ones); a mark
    /// standing alone between words must be the next one expected.
    fn plain_mark(&self, text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        let run = &text[start..end];
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let after_ok = match after {
            None => true,
            Some(a) => a == ' ' || matches!(a, ',' | ';' | '.' | ':' | ')'),
        };
        if !after_ok || run.len() > 6 {
            return None;
        }
        // A year with the mark glued on: "16 September 20055 and".
        if run.len() >= 5 && (run.starts_with("19") || run.starts_with("20")) && before == Some(' ')
        {
            let tail = &run[4..];
            let n: u32 = tail.parse().ok()?;
            if !tail.starts_with('0')
                && (n == self.next || n == self.next + 1)
                && self.is_defined(n)
            {
                return Some((4, tail.len()));
            }
            return None;
        }
        if run.starts_with('0') {
            return None;
        }
        let n: u32 = run.parse().ok()?;
        if !self.is_defined(n) {
            return None;
        }
        let glued = match before {
            Some(b) if matches!(b, ',' | ';' | '.' | ':' | ')' | '”' | '"' | '’') => {
                // "1.5" and "1,500" are numbers, not marks; "1949,3" is a year and a mark.
                let before_punct = text[..start - b.len_utf8()].chars().next_back();
                let after_digit = before_punct.is_some_and(|c| c.is_ascii_digit());
                !(after_digit && (b == '.' || (b == ',' && run.len() == 3)))
            }
            Some(b) => b.is_lowercase(),
            None => false,
        };
        if glued {
            return (n <= self.next + 5).then_some((0, run.len()));
        }
        if before != Some(' ') || n < self.next || n > self.next + 2 {
            return None;
        }
        let head = text[..start].trim_end();
        let prev_char = head.chars().next_back()?;
        let prev_word: String = head
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("")
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let next_ok = match text[end..].chars().nth(1) {
            None => true,
            Some(nc) => after != Some(' ') || nc.is_lowercase() || nc == '(' || nc == '“',
        };
        let after_punct = matches!(prev_char, ',' | ';' | ')' | '”');
        ((after_punct
            || (prev_char.is_alphabetic() && !NUMBER_TAKERS.contains(&prev_word.as_str())))
            && next_ok)
            .then_some((0, run.len()))
    }
}

/// The index of the first ASCII digit or 0xEE byte (which starts [`MARK_OPEN`]) at or after
/// `from`, or the length. Most 16-byte stretches of prose hold neither, and a branch-free test
/// of a whole stretch is much cheaper than looking at its bytes one by one.
fn next_digit_or_mark(bytes: &[u8], from: usize) -> usize {
    let special = |b: u8| b.is_ascii_digit() | (b == 0xEE);
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 16) {
        if chunk.iter().fold(false, |acc, &b| acc | special(b)) {
            break;
        }
        i += 16;
    }
    while i < bytes.len() && !special(bytes[i]) {
        i += 1;
    }
    i
}

/// True when a paragraph's text ends as a paragraph does (",", ";", ".", ":"), ignoring a
/// trailing footnote mark or closing quote; used to tell a page break inside a paragraph from
/// one between paragraphs.
pub(crate) fn ends_paragraph(text: &str) -> bool {
    let t = text.trim_end();
    let t = t.trim_end_matches(|c: char| c == MARK_CLOSE || c == MARK_OPEN || c.is_ascii_digit());
    let t = t.trim_end_matches(['”', '"', '’', ')', ' ']);
    matches!(t.chars().next_back(), Some(',' | ';' | '.' | ':'))
}

/// Short words that stand alone in resolutions: never the first half of a word broken by a
/// space.
const STANDALONE_SHORT_WORDS: [&str; 62] = [
    "a", "i", "an", "as", "at", "be", "by", "do", "if", "in", "is", "it", "no", "of", "on", "or",
    "so", "to", "up", "we", "all", "and", "any", "are", "but", "can", "due", "for", "has", "its",
    "may", "new", "nor", "not", "now", "one", "our", "own", "per", "the", "two", "was", "who",
    "also", "both", "each", "from", "have", "into", "more", "most", "must", "only", "over", "such",
    "than", "that", "them", "this", "upon", "with", "well",
];

/// Whether `w` is one of [`STANDALONE_SHORT_WORDS`] in any ASCII case: one look-up in a
/// lower-cased copy of at most four bytes instead of a comparison with each word.
fn is_standalone_short_word(w: &[u8]) -> bool {
    if w.len() > 4 {
        return false;
    }
    let mut buf = [0u8; 4];
    let lower = &mut buf[..w.len()];
    lower.copy_from_slice(w);
    lower.make_ascii_lowercase();
    STANDALONE_SHORT_SET.contains(&*lower)
}

/// [`STANDALONE_SHORT_WORDS`] as a sorted list of bytes, for [`is_standalone_short_word`].
static STANDALONE_SHORT_SET: LazyLock<ShortWords> = LazyLock::new(ShortWords::new);

struct ShortWords(Vec<&'static [u8]>);

impl ShortWords {
    fn new() -> Self {
        let mut words: Vec<&'static [u8]> = STANDALONE_SHORT_WORDS
            .iter()
            .map(|w| w.as_bytes())
            .collect();
        words.sort_unstable();
        Self(words)
    }

    fn contains(&self, w: &[u8]) -> bool {
        self.0.binary_search(&w).is_ok()
    }
}

/// The spans of "X Y" in `text` that may be one word broken by a space, as PDF extraction
/// leaves them ("Also d ecides", "the Secr etariat", "the Un ited Nations"): a run of one to
/// four letters that is not a word of its own, one space, then a lower-case run.
fn split_word_candidates(text: &str) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
    let b = text.as_bytes();
    // Every candidate has a space between its halves: visit the spaces, not every byte.
    memchr::memchr_iter(b' ', b).filter_map(move |space| {
        let y_start = space + 1;
        if !b.get(y_start).is_some_and(u8::is_ascii_lowercase) {
            return None;
        }
        // The letters before the space: one to four, a whole run.
        let mut start = space;
        while start > 0 && space - start < 5 && b[start - 1].is_ascii_alphabetic() {
            start -= 1;
        }
        let x = start..space;
        if x.is_empty() || x.len() > 4 {
            return None;
        }
        // Not glued to a digit, a hyphen or an apostrophe.
        if start > 0 && matches!(b[start - 1], b'0'..=b'9' | b'-' | b'\'' | b'.') {
            return None;
        }
        // The breaks that cost a reading: a verb's first letter cut off ("d ecides"), a
        // capitalised name cut after a few letters ("Secr etariat", "Un ited"). Lower-case
        // runs longer than one letter are mostly words, and checking them against the
        // document would cost a look-up for nearly every short word of every text.
        // Checked before the tail is scanned: most spaces end here.
        let single_lower = x.len() == 1 && b[start].is_ascii_lowercase();
        let capitalised = x.len() >= 2 && b[start].is_ascii_uppercase();
        if !(single_lower || capitalised) {
            return None;
        }
        let mut y_end = y_start;
        while y_end < b.len() && b[y_end].is_ascii_alphabetic() {
            y_end += 1;
        }
        if y_end - y_start < 2 || b.get(y_end).is_some_and(|&c| c == b'-' || c >= 0x80) {
            return None;
        }
        // A tail that is itself a common short word ("Iraq and") is no fragment; leaving it
        // out also keeps the most frequent words out of the document count below.
        if is_standalone_short_word(&b[x.clone()]) || is_standalone_short_word(&b[y_start..y_end]) {
            return None;
        }
        Some((x, y_start..y_end))
    })
}

/// Joins words that PDF extraction broke with a space, in every text of a document. The
/// document is its own dictionary: "X Y" is joined when "XY" stands as a word elsewhere in it
/// and "Y" does not ("d ecides" beside "Decides", "Secr etariat" beside "Secretariat").
///
/// One pass collects the candidates; a second counts, over the document's words, only the
/// words those candidates need, so that no word of a clean text is copied or hashed unless
/// its first letter and length match a needed one.
pub(crate) fn mend_split_words(texts: &mut [&mut String]) {
    // One pass finds the candidates; the rest works from this list.
    let mut candidates: Vec<(usize, Range<usize>, Range<usize>)> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        candidates.extend(split_word_candidates(t).map(|(x, y)| (i, x, y)));
    }
    if candidates.is_empty() {
        return;
    }
    let lower_pair = |t: &str, x: &Range<usize>, y: &Range<usize>| {
        let mut joined = t[x.clone()].as_bytes().to_ascii_lowercase();
        joined.extend_from_slice(&t[y.clone()].as_bytes().to_ascii_lowercase());
        (joined, t[y.clone()].as_bytes().to_ascii_lowercase())
    };
    let mut needed: std::collections::HashMap<Vec<u8>, i64> = std::collections::HashMap::new();
    // Bit `len` of `shape[first letter]`: some needed word has that first letter and length.
    let mut shape = [0u64; 26];
    for (i, x, y) in &candidates {
        let (joined, tail) = lower_pair(texts[*i], x, y);
        for w in [joined, tail] {
            if w.len() < 64 {
                shape[usize::from(w[0] - b'a')] |= 1 << w.len();
                needed.entry(w).or_default();
            }
        }
    }
    let mut buf = [0u8; 64];
    for t in texts.iter() {
        for w in t.as_bytes().split(|c| !c.is_ascii_alphabetic()) {
            if w.is_empty() || w.len() >= 64 {
                continue;
            }
            let first = w[0].to_ascii_lowercase();
            if shape[usize::from(first - b'a')] & (1 << w.len()) == 0 {
                continue;
            }
            let lower = &mut buf[..w.len()];
            lower.copy_from_slice(w);
            lower.make_ascii_lowercase();
            if let Some(n) = needed.get_mut(&*lower) {
                *n += 1;
            }
        }
    }
    // A fragment ("ecides") counts only where it stands on its own.
    for (i, _, y) in &candidates {
        if let Some(n) = needed.get_mut(&texts[*i][y.clone()].as_bytes().to_ascii_lowercase()) {
            *n -= 1;
        }
    }
    let stands = |w: &[u8]| needed.get(w).is_some_and(|&n| n > 0);
    let mut joins: Vec<(usize, usize)> = candidates
        .iter()
        .filter(|(i, x, y)| {
            let (joined, tail) = lower_pair(texts[*i], x, y);
            stands(&joined) && !stands(&tail)
        })
        .map(|(i, x, _)| (*i, x.end))
        .collect();
    joins.dedup();
    for chunk in joins.chunk_by(|a, b| a.0 == b.0) {
        let t = &mut *texts[chunk[0].0];
        let mut mended = String::with_capacity(t.len());
        let mut from = 0;
        for &(_, space) in chunk {
            mended.push_str(&t[from..space]);
            from = space + 1;
        }
        mended.push_str(&t[from..]);
        *t = mended;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_broken_by_a_space_are_joined_when_the_document_has_them_whole() {
        // A/HRC/RES/46/9 paras 1-2; A/RES/78/102 para 13 as PDF extraction gives it.
        let mut a = "Decides to renew the mandate;".to_string();
        let mut b = "Also d ecides to continue its consideration of this matter".to_string();
        let mut c = "Requests the Secretariat to continue to ensure that requests m ake States aware, and also requests the Secr etariat to vet all personnel serving with the Un ited Nations; the United Nations shall make".to_string();
        mend_split_words(&mut [&mut a, &mut b, &mut c]);
        assert_eq!(
            b,
            "Also decides to continue its consideration of this matter"
        );
        assert_eq!(
            c,
            "Requests the Secretariat to continue to ensure that requests make States aware, and also requests the Secretariat to vet all personnel serving with the United Nations; the United Nations shall make"
        );
    }

    #[test]
    fn short_words_and_fragments_that_are_words_stay_apart() {
        // "in to" stays (both words of their own); "a n" never starts with a standalone word.
        let mut a =
            "to bring it in to force, into force, a note; report (d) on progress".to_string();
        let before = a.clone();
        mend_split_words(&mut [&mut a]);
        assert_eq!(a, before);
    }

    use super::*;

    #[test]
    fn markdown_emphasis_links_and_superscripts_are_normalised() {
        let line = "Taking note of the report of the Secretary-General submitted pursuant to paragraph 5 of resolution [74/43](#),⁷";
        let n = normalize_line(line);
        assert!(n.ends_with("resolution 74/43,\u{E000}7\u{E001}"), "{n}");
        assert_eq!(
            normalize_line("1. *Calls upon* all Member States"),
            "1. Calls upon all Member States"
        );
    }

    #[test]
    fn page_furniture_lines_are_recognised() {
        assert_eq!(
            classify(&normalize_line("23-24976 (E)    261223")),
            LineKind::Furniture
        );
        assert_eq!(classify("23-24512"), LineKind::Furniture);
        assert_eq!(classify("2/3"), LineKind::Furniture);
        assert_eq!(classify("A/RES/78/43"), LineKind::Furniture);
        assert_eq!(classify("__________________"), LineKind::FootnoteRule);
        assert!(is_barcode("*2324976*"));
    }

    #[test]
    fn hyphenated_words_are_joined_but_real_compounds_keep_their_hyphen() {
        assert_eq!(
            join_lines([
                "to report to the General Assembly at its seventy-",
                "ninth session;"
            ]),
            "to report to the General Assembly at its seventy-ninth session;"
        );
        assert_eq!(
            join_lines([
                "Having considered the report of the Secretary-",
                "General on the"
            ]),
            "Having considered the report of the Secretary-General on the"
        );
        assert_eq!(
            join_lines(["the proliferation of weapons of mass de-", "struction"]),
            "the proliferation of weapons of mass destruction"
        );
        assert_eq!(
            join_lines(["on the non-", "proliferation of weapons"]),
            "on the non-proliferation of weapons"
        );
        assert_eq!(
            join_lines(["artificial intelligence-driven decision- making related to"]),
            "artificial intelligence-driven decision-making related to"
        );
    }

    #[test]
    fn plain_footnote_marks_are_removed_only_where_expected() {
        let defined: Vec<String> = (1..=7).map(|n| n.to_string()).collect();
        let mut s = MarkStripper::new(&defined);
        let (a, m) = s.strip(
            "Recalling also the entry into force on 7 July 2007 of the International Convention for the Suppression of Acts of Nuclear Terrorism,1",
        );
        assert!(a.ends_with("Nuclear Terrorism,"), "{a}");
        assert_eq!(m[0].mark, "1");
        let (b, _) = s.strip(
            "Recalling further the adoption of amendments to strengthen the Convention on the Physical Protection of Nuclear Material 2 by the International Atomic Energy Agency on 8 July 2005, see paragraph 3 of",
        );
        assert!(b.contains("Nuclear Material by the"), "{b}");
        assert!(b.contains("paragraph 3 of"), "{b}");
        let (c, _) = s.strip("held in Baku on 25 and 26 October 2019,3 for measures");
        assert!(c.contains("2019, for measures"), "{c}");
        let mut s = MarkStripper::new(&defined);
        s.next = 5;
        let (d, _) =
            s.strip("on 16 September 20055 and the adoption of the Strategy on 8 September 2006,6");
        assert_eq!(
            d,
            "on 16 September 2005 and the adoption of the Strategy on 8 September 2006,"
        );
    }

    #[test]
    fn paragraph_ends_are_seen_through_marks_and_quotes() {
        assert!(ends_paragraph("paragraph 5 of resolution 77/75,7"));
        assert!(ends_paragraph("weapons of mass destruction”."));
        assert!(!ends_paragraph("calls upon all parties concerned to"));
    }
}
