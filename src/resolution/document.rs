//! Reading a whole resolution: splitting header from body, removing page furniture and
//! footnotes, and cutting the body into preambular and numbered operative paragraphs.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::clean::{self, Line, LineKind, MarkAt, MarkStripper};
use super::error::ParseError;
use super::header::{self, parse_date};
use super::model::{
    Body, Footnote, Location, OperativeParagraph, PreambularParagraph, Reference, Resolution,
    SubParagraph,
};
use super::reference::{find_references, relation_from_lead};

static CHAPEAU: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^The (?:(General Assembly|Security Council|Human Rights Council|Economic and Social Council),?|([A-Z][A-Za-z ]{3,80}),)$")
        .unwrap()
});
/// "1. Decides", "1.Decides" (HRC scans), "16. | Demands" (OCR noise), "1." alone (PDF layout).
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3})\s?(?:\.|,(?:\s|$))\s*(?:[|~—–\-]+\s*)*").unwrap());
/// A scanned number misread as letters ("S." for "5.", "l." for "1."); only trusted when it is
/// the number expected next.
static NUMBERED_OCR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9SlIOo]{1,3})\.\s+[A-Z]").unwrap());
static LABELLED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\(([a-z]{1,4})\)\s*").unwrap());
static PART: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Z]|[IVX]{1,5})\.?$").unwrap());
static ANNEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Annex(?:es)?|ANNEX(?:ES)?)(?:\s+(?:[IVX]+|\d+|[A-Z]))?\.?$").unwrap()
});
static CLOSING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d+(?:st|nd|rd|th) (?:\(resumed\) )?(?:plenary )?meeting)\b\.?\s*").unwrap()
});
static ADOPTED_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\[?Adopted\b.{0,60}?\bat (?:the|its) (\d[\dIl]*(?:st|nd|rd|th)) (?:plenary )?meeting",
    )
    .unwrap()
});
/// A footnote printed as "89 See ..." or "1/ S/1994/62." (older Council texts).
static PLAIN_NOTE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{1,3})(/)?\s+\S").unwrap());

/// Words that open a numbered paragraph but only qualify its verb ("Also decides").
const VERB_ADVERBS: &[&str] = &[
    "also",
    "further",
    "furthermore",
    "strongly",
    "once",
    "again",
    "hereby",
    "firmly",
    "urgently",
    "again,",
    "further,",
    "moreover",
    "finally",
    "solemnly",
    "formally",
    "emphatically",
    "respectfully",
    "unanimously",
    "earnestly",
    "reiterates",
    "therefore",
    "accordingly",
    "equally",
    "likewise",
    "in",
    "this",
    "regard,",
];

/// Adjectives that open preambular paragraphs ("Mindful of", "Deeply concerned").
const PREAMBLE_WORDS: &[&str] = &[
    "aware",
    "mindful",
    "conscious",
    "convinced",
    "cognizant",
    "determined",
    "desirous",
    "anxious",
    "alarmed",
    "concerned",
    "deeply",
    "gravely",
    "seriously",
    "guided",
    "recognizing",
    "bearing",
    "having",
    "noting",
    "recalling",
    "reaffirming",
    "emphasizing",
    "stressing",
    "welcoming",
    "acknowledging",
    "considering",
    "affirming",
    "expressing",
    "taking",
    "believing",
    "desiring",
    "acting",
    "underlining",
    "appreciating",
    "encouraging",
    "reiterating",
    "fully",
    "profoundly",
    "strongly",
    "further",
    "also",
    "keenly",
    "greatly",
];

/// Matches a line-start regex against the first bytes of a line only, so the cost does not grow
/// with the line; returns the captures and the rest of the line after the match.
fn match_start<'t>(re: &Regex, t: &'t str) -> Option<(regex::Captures<'t>, &'t str)> {
    let mut end = t.len().min(48);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let c = re.captures(&t[..end])?;
    let rest = &t[c.get(0).map_or(0, |m| m.end())..];
    Some((c, rest))
}

/// Cheap tests that a line may match a line-start regex, so that most lines never run one.
/// Each is a necessary condition only: wherever `\d` or `\s` could match a non-ASCII character,
/// a non-ASCII byte lets the line through to the regex.
mod may_match {
    fn leading_digits(b: &[u8]) -> usize {
        b.iter().take_while(|c| c.is_ascii_digit()).count()
    }

    fn non_ascii(c: Option<&u8>) -> bool {
        c.is_some_and(|&c| c >= 0x80)
    }

    /// What `\s` can match: ASCII white space (with the vertical tab) or a non-ASCII character.
    fn space_like(c: Option<&u8>) -> bool {
        c.is_some_and(|&c| c >= 0x80 || c.is_ascii_whitespace() || c == 0x0b)
    }

    /// [`super::PLAIN_NOTE`]: up to three digits, maybe '/', then white space.
    pub(super) fn plain_note(t: &str) -> bool {
        let b = t.as_bytes();
        let d = leading_digits(b);
        match d {
            0 => non_ascii(b.first()),
            1..=3 if b.get(d) == Some(&b'/') => space_like(b.get(d + 1)),
            1..=3 => space_like(b.get(d)),
            _ => false,
        }
    }

    /// [`super::CLOSING`]: digits, then "st", "nd", "rd" or "th".
    pub(super) fn closing(t: &str) -> bool {
        let b = t.as_bytes();
        let d = leading_digits(b);
        if d == 0 {
            return non_ascii(b.first());
        }
        non_ascii(b.get(d)) || matches!(b.get(d..d + 2), Some(b"st" | b"nd" | b"rd" | b"th"))
    }

    /// [`super::NUMBERED`]: up to three digits, maybe one white space, then '.' or ','.
    pub(super) fn numbered(t: &str) -> bool {
        let b = t.as_bytes();
        let d = leading_digits(b);
        if d == 0 {
            return non_ascii(b.first());
        }
        if d > 3 {
            return false;
        }
        let stop = |c: Option<&u8>| matches!(c, Some(b'.' | b',')) || non_ascii(c);
        stop(b.get(d)) || (space_like(b.get(d)) && stop(b.get(d + 1)))
    }
}

/// The text of a footnote line after its mark ("89 See ..." -> "See ...").
fn plain_note(t: &str) -> Option<(String, bool, &str)> {
    if !may_match::plain_note(t) {
        return None;
    }
    let (c, _) = match_start(&PLAIN_NOTE, t)?;
    let whole = c.get(0)?;
    // The regex ends on the text's first character; give it back.
    let rest = &t[whole.end() - t[..whole.end()].chars().next_back()?.len_utf8()..];
    Some((c[1].to_string(), c.get(2).is_some(), rest))
}

/// One line of the body after furniture and footnotes are gone.
#[derive(Debug)]
struct BodyLine<'a> {
    text: Cow<'a, str>,
    /// A blank line, page break or footnote block stood before it.
    gap_before: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum BlockKind {
    Plain,
    /// The number, and the printed token when it was read from misrecognised letters ("S").
    Numbered(u32, Option<String>),
    Labelled(String),
    Part(String),
    Closing(String),
    Annex,
}

/// A block's lines borrow from the body lines: most blocks are joined once and never changed.
#[derive(Debug)]
struct Block<'a> {
    kind: BlockKind,
    lines: Vec<&'a str>,
}

impl Block<'_> {
    fn text(&self) -> String {
        clean::join_lines(self.lines.iter().copied())
    }
}

/// Reads a resolution from its text.
///
/// Accepts the text as found: Markdown-like, extracted from a PDF (page headers, footers and
/// footnote blocks are removed) or scanned. Fails only when the text is empty, is not text, or
/// has no operative part; anything odd but readable becomes a warning on the result.
pub fn parse_resolution(text: &str) -> Result<Resolution, ParseError> {
    check_is_text(text)?;
    let mut lines = clean::prepare_lines(text);

    let (chapeau_at, chapeau_body) = find_chapeau(&lines);
    let header_end = chapeau_at.unwrap_or_else(|| first_paragraph_line(&lines));
    let header_lines = header_view(&lines[..header_end]);
    let head = header::read_header(&header_lines, chapeau_body);
    let body_start = if chapeau_at.is_some() {
        header_end + 1
    } else {
        header_end
    };

    let mut res = Resolution {
        symbol: head.symbol.clone(),
        body: head.body,
        session: head.session,
        adopted_on: head.adopted_on,
        title: head.title.clone(),
        agenda_items: head.agenda_items.clone(),
        committee_report: head.committee_report.clone(),
        ..Resolution::default()
    };
    if chapeau_at.is_none() {
        res.warnings
            .push("no opening line such as \"The General Assembly,\" found".to_string());
    }

    let body = &mut lines[body_start..];
    if let Some(title) = &head.title {
        mark_running_title(body, title);
    }
    let (body_lines, mut footnotes) = split_footnotes(body);
    let mut blocks = cut_blocks(&body_lines, &mut footnotes);
    // "A" printed above the title and "The General Assembly" of the first of several
    // resolutions in one document: the first part starts before the body.
    if let Some(at) = chapeau_at
        && blocks.iter().any(|b| matches!(b.kind, BlockKind::Part(_)))
        && let Some(letter) = lines[at.saturating_sub(12)..at]
            .iter()
            .map(|l| l.text.trim())
            .filter(|t| !t.is_empty())
            .rev()
            .take(3)
            .find(|t| t.len() <= 6 && PART.is_match(t))
    {
        blocks.insert(
            0,
            Block {
                kind: BlockKind::Part(letter.trim_end_matches('.').to_string()),
                lines: Vec::new(),
            },
        );
    }
    assemble(&mut res, blocks, &footnotes, head.meeting.as_deref());
    res.footnotes = footnotes;
    mend_split_words(&mut res);
    if res.operative.is_empty() {
        return Err(ParseError::NoOperativeParagraphs);
    }
    if res.adopted_on.is_none() {
        res.warnings.push("no adoption date found".to_string());
    }
    Ok(res)
}

/// Joins words broken by a space in the operative paragraphs, the text clauses are read from,
/// with those paragraphs as dictionary. The preamble and the separate sub-paragraph texts are
/// left as printed: reading them too cost a third of the parser's time for no clause.
fn mend_split_words(res: &mut Resolution) {
    let mut texts: Vec<&mut String> = res.operative.iter_mut().map(|p| &mut p.text).collect();
    clean::mend_split_words(&mut texts);
}

fn check_is_text(text: &str) -> Result<(), ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let sample = &text[..floor_char_boundary(text, 65_536)];
    let sampled = sample.len();
    // Bytes, not chars: control characters are ASCII, and U+FFFD (left where bytes were not
    // UTF-8) is counted by its encoding. Counting in branch-free chunks (at most 255 per u8
    // counter) lets the compiler count many bytes at once; this looks at the whole text.
    let control: usize = sample
        .as_bytes()
        .chunks(255)
        .map(|chunk| {
            chunk.iter().fold(0u8, |n, &b| {
                let ctl = (b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t') & (b != 0x0c);
                n + u8::from(ctl | (b == 0x7f))
            }) as usize
        })
        .sum::<usize>()
        + memchr::memmem::find_iter(sample.as_bytes(), "\u{fffd}".as_bytes()).count();
    if sample.contains('\0') || control * 100 > sampled {
        return Err(ParseError::NotText { control, sampled });
    }
    Ok(())
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn find_chapeau(lines: &[Line<'_>]) -> (Option<usize>, Option<Body>) {
    for (i, l) in lines.iter().enumerate().take(400) {
        if l.kind != LineKind::Text || !l.text.starts_with("The ") {
            continue;
        }
        if let Some(c) = CHAPEAU.captures(&l.text) {
            let body = match c.get(1) {
                Some(name) => header::body_from_name(name.as_str()),
                None => Some(Body::Other),
            };
            return (Some(i), body);
        }
    }
    (None, None)
}

/// Without a chapeau, the header ends where the first preambular or numbered paragraph starts.
fn first_paragraph_line(lines: &[Line<'_>]) -> usize {
    lines
        .iter()
        .position(|l| {
            l.kind == LineKind::Text
                && ((may_match::numbered(&l.text) && match_start(&NUMBERED, &l.text).is_some())
                    || first_word_is_preambular(&l.text))
        })
        .unwrap_or(0)
}

fn header_view<'a>(lines: &'a [Line<'_>]) -> Vec<(bool, &'a str)> {
    let mut out = Vec::new();
    let mut blank = false;
    for l in lines {
        match l.kind {
            LineKind::Blank => blank = true,
            _ if l.text.is_empty() => {}
            LineKind::Furniture if !l.text.contains('/') => {}
            _ => {
                out.push((blank, &*l.text));
                blank = false;
            }
        }
    }
    out
}

/// The words of `s` in lower case, one space apart: how a running title is compared with the
/// title. Writes into `out` so the many lines compared can share one buffer.
fn comparable_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        // The same as below, byte by byte: the usual case, and far cheaper than by words.
        let mut gap = false;
        for &b in s.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                gap = true;
            }
        }
        return;
    }
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        if w.is_ascii() {
            out.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.extend(w.chars().flat_map(char::to_lowercase));
        }
    }
}

fn comparable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    comparable_into(s, &mut out);
    out
}

/// Marks the running title repeated at page tops: lines that are pieces of the title, either
/// next to other page furniture or standing alone between blank lines.
fn mark_running_title(body: &mut [Line<'_>], title: &str) {
    let title_key = comparable(title);
    if title_key.len() < 8 {
        return;
    }
    let mut key = String::new();
    let mut is_piece = |l: &Line<'_>| {
        if l.kind != LineKind::Text || l.text.ends_with(';') || l.text.ends_with('.') {
            return false;
        }
        if l.text.len() > title.len() + 8 {
            return false;
        }
        comparable_into(&l.text, &mut key);
        // A plain scan: the title is short, and setting up a substring searcher for every line
        // costs more than the search.
        key.len() >= 8
            && title_key
                .as_bytes()
                .windows(key.len())
                .any(|w| w == key.as_bytes())
    };
    let mut i = 0;
    while i < body.len() {
        if body[i].kind == LineKind::Blank {
            i += 1;
            continue;
        }
        let start = i;
        while i < body.len() && body[i].kind != LineKind::Blank {
            i += 1;
        }
        let block = start..i;
        let has_furniture = body[block.clone()]
            .iter()
            .any(|l| l.kind == LineKind::Furniture);
        let all_pieces = body[block.clone()]
            .iter()
            .all(|l| l.kind == LineKind::Furniture || is_piece(l));
        if has_furniture || all_pieces {
            for l in &mut body[block] {
                if is_piece(l) {
                    l.kind = LineKind::Furniture;
                }
            }
        }
    }
}

/// Takes footnote blocks out of the body (after a rule, `¹ ...`, `[^1]: ...`, `1/ ...`), so a
/// paragraph interrupted by a page's footnotes reads on unbroken.
fn split_footnotes<'a>(body: &mut [Line<'a>]) -> (Vec<BodyLine<'a>>, Vec<Footnote>) {
    let mut out = Vec::with_capacity(body.len());
    let mut notes: Vec<Footnote> = Vec::new();
    let mut in_notes = false;
    let mut last_note_adjacent = false;
    let mut gap = false;
    for l in body.iter_mut() {
        match &l.kind {
            LineKind::Blank => {
                gap = true;
                last_note_adjacent = false;
            }
            LineKind::Furniture => {
                in_notes = false;
                last_note_adjacent = false;
                gap = true;
            }
            LineKind::FootnoteRule => {
                in_notes = true;
                last_note_adjacent = false;
                gap = true;
            }
            LineKind::FootnoteDef(mark) => {
                notes.push(Footnote {
                    mark: mark.clone(),
                    text: std::mem::take(&mut l.text).into_owned(),
                });
                last_note_adjacent = true;
                gap = true;
            }
            LineKind::Text => {
                let plain = if l.text.as_bytes()[0].is_ascii_digit() {
                    plain_note(&l.text)
                } else {
                    None
                };
                let slash_note = plain.as_ref().is_some_and(|p| p.1);
                if (in_notes && plain.is_some()) || slash_note {
                    let (mark, _, text) = plain.expect("checked");
                    notes.push(Footnote {
                        mark,
                        text: text.to_string(),
                    });
                    last_note_adjacent = true;
                    gap = true;
                    continue;
                }
                if last_note_adjacent
                    || (in_notes && l.text.starts_with(|c: char| c.is_lowercase()))
                {
                    if let Some(n) = notes.last_mut() {
                        n.text = clean::join_lines([n.text.as_str(), &*l.text]);
                    }
                    continue;
                }
                in_notes = false;
                out.push(BodyLine {
                    text: std::mem::take(&mut l.text),
                    gap_before: gap,
                });
                gap = false;
            }
        }
    }
    (out, notes)
}

/// Cuts body lines into blocks: paragraphs, sub-paragraphs, part headings, the closing line.
/// Lines after the closing line are only read for footnotes; lines after an annex heading are
/// not part of the resolution's own text.
fn cut_blocks<'a>(lines: &'a [BodyLine<'_>], notes: &mut Vec<Footnote>) -> Vec<Block<'a>> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut closed = false;
    let mut note_open = false;
    let mut skip_next = false;
    for (i, line) in lines.iter().enumerate() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let t: &'a str = &line.text;
        if closed {
            if ANNEX.is_match(t) {
                break;
            }
            // A document of several resolutions (A/RES/76/247 A-C): after one closes with its
            // meeting line, the next part opens with its letter and its own "The General
            // Assembly,".
            if t.len() <= 6
                && PART.is_match(t)
                && lines[i + 1..]
                    .iter()
                    .take(8)
                    .any(|l| l.text.starts_with("The ") && CHAPEAU.is_match(&l.text))
            {
                closed = false;
                note_open = false;
                blocks.push(Block {
                    kind: BlockKind::Part(t.trim_end_matches('.').to_string()),
                    lines: Vec::new(),
                });
                continue;
            }
            // The closing line's date ("37th plenary meeting\n7 December 2020").
            if let Some(b) = blocks.last_mut()
                && matches!(b.kind, BlockKind::Closing(_))
                && b.lines.len() == 1
                && parse_date(t).is_some()
            {
                b.lines.push(t);
                continue;
            }
            if let Some((mark, _, text)) = plain_note(t)
                && parse_date(t).is_none()
            {
                notes.push(Footnote {
                    mark,
                    text: text.to_string(),
                });
                note_open = true;
            } else if note_open && !line.gap_before {
                if let Some(n) = notes.last_mut() {
                    n.text = clean::join_lines([n.text.as_str(), t]);
                }
            } else {
                note_open = false;
            }
            continue;
        }
        let prev_ended = blocks
            .last()
            .and_then(|b| b.lines.last())
            .is_none_or(|l| clean::ends_paragraph(l));
        let boundary = line.gap_before || prev_ended;

        if boundary
            && t.as_bytes()[0].is_ascii_digit()
            && may_match::closing(t)
            && let Some((c, rest)) = match_start(&CLOSING, t)
        {
            let mut lines = vec![c.get(1).map_or("", |m| m.as_str())];
            if !rest.is_empty() {
                lines.push(rest);
            }
            blocks.push(Block {
                kind: BlockKind::Closing(c[1].to_string()),
                lines,
            });
            closed = true;
            continue;
        }
        if line.gap_before && t.starts_with("Adopted ") {
            // Old Council texts wrap the line ("Adopted unanimously at the\n2921st meeting.");
            // it must close the text here, or the footnotes after it are read as body text.
            let meeting = match ADOPTED_AT.captures(t) {
                Some(c) => Some((meeting_name(&c[1]), None)),
                None => lines.get(i + 1).filter(|n| !n.gap_before).and_then(|n| {
                    let joined = format!("{t} {}", n.text);
                    let c = ADOPTED_AT.captures(&joined)?;
                    Some((meeting_name(&c[1]), Some(&*n.text)))
                }),
            };
            if let Some((meeting, wrapped)) = meeting {
                let mut lines = vec![t];
                if let Some(w) = wrapped {
                    lines.push(w);
                    skip_next = true;
                }
                blocks.push(Block {
                    kind: BlockKind::Closing(meeting),
                    lines,
                });
                closed = true;
                continue;
            }
        }
        // Resolutions adopted without a meeting (by silence procedure in 2020) end with the
        // date alone: after the full stop of the last operative paragraph, it closes the text.
        if line.gap_before
            && t.split_whitespace().count() == 3
            && parse_date(t).is_some()
            && blocks
                .last()
                .and_then(|b| b.lines.last())
                .is_some_and(|l| l.trim_end().ends_with('.'))
            && blocks
                .iter()
                .any(|b| matches!(b.kind, BlockKind::Numbered(..)))
        {
            blocks.push(Block {
                kind: BlockKind::Closing(String::new()),
                lines: vec!["", t],
            });
            closed = true;
            continue;
        }
        if line.gap_before && ANNEX.is_match(t) {
            blocks.push(Block {
                kind: BlockKind::Annex,
                lines: Vec::new(),
            });
            break;
        }
        if boundary && t.len() <= 6 && PART.is_match(t) {
            blocks.push(Block {
                kind: BlockKind::Part(t.trim_end_matches('.').to_string()),
                lines: Vec::new(),
            });
            continue;
        }
        if t.starts_with("The ") && CHAPEAU.is_match(t) {
            continue;
        }
        if boundary
            && t.as_bytes()[0].is_ascii_digit()
            && may_match::numbered(t)
            && let Some((c, rest)) = match_start(&NUMBERED, t)
            && (rest.is_empty() || rest.starts_with(|ch: char| !ch.is_lowercase()))
            && let Ok(n) = c[1].parse::<u32>()
        {
            blocks.push(Block {
                kind: BlockKind::Numbered(n, None),
                lines: if rest.is_empty() {
                    Vec::new()
                } else {
                    vec![rest]
                },
            });
            continue;
        }
        if boundary
            && t.len() > 3
            && matches!(t.as_bytes()[0], b'S' | b'l' | b'I' | b'O' | b'o')
            && t.as_bytes()[1..4].contains(&b'.')
            && let Some((c, _)) = match_start(&NUMBERED_OCR, t)
            && let Some(n) = ocr_number(&c[1])
        {
            // The regex ends on the text's first (capital) letter.
            let text_at = c.get(0).map_or(0, |m| m.end() - 1);
            blocks.push(Block {
                kind: BlockKind::Numbered(n, Some(c[1].to_string())),
                lines: vec![&t[text_at..]],
            });
            continue;
        }
        if boundary
            && t.starts_with('(')
            && let Some((c, rest)) = match_start(&LABELLED, t)
        {
            blocks.push(Block {
                kind: BlockKind::Labelled(c[1].to_string()),
                lines: if rest.is_empty() {
                    Vec::new()
                } else {
                    vec![rest]
                },
            });
            continue;
        }
        let starts_upper = t.starts_with(|c: char| c.is_uppercase() || c == '“' || c == '"');
        let fresh = line.gap_before && prev_ended && starts_upper;
        match blocks.last_mut() {
            Some(b) if !fresh && !matches!(b.kind, BlockKind::Part(_)) => {
                b.lines.push(t);
            }
            // A number or label alone on its line (PDF layout) takes the next line as its text.
            Some(b)
                if b.lines.is_empty()
                    && matches!(b.kind, BlockKind::Numbered(..) | BlockKind::Labelled(_)) =>
            {
                b.lines.push(t);
            }
            _ => {
                blocks.push(Block {
                    kind: BlockKind::Plain,
                    lines: vec![t],
                });
            }
        }
    }
    // "Adopted unanimously at the\n2921st meeting." spans two lines.
    for b in &mut blocks {
        if b.kind == BlockKind::Plain
            && b.lines.first().is_some_and(|l| l.starts_with("Adopted "))
            && let Some(c) = ADOPTED_AT.captures(&b.text())
        {
            b.kind = BlockKind::Closing(meeting_name(&c[1]));
        }
    }
    blocks
}

/// "2921st meeting"; scans print "298Ist" for "2981st".
fn meeting_name(ordinal: &str) -> String {
    let fixed: String = ordinal
        .char_indices()
        .map(|(i, c)| match c {
            'I' | 'l' if ordinal[i + 1..].starts_with(|n: char| n.is_ascii_digit() || n == 's') => {
                '1'
            }
            c => c,
        })
        .collect();
    format!("{fixed} meeting")
}

fn ocr_number(s: &str) -> Option<u32> {
    let digits: String = s
        .chars()
        .map(|c| match c {
            'S' => '5',
            'l' | 'I' => '1',
            'O' | 'o' => '0',
            c => c,
        })
        .collect();
    digits.parse().ok()
}

fn words_lower(text: &str, n: usize) -> Vec<String> {
    text.split_whitespace()
        .take(n)
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase())
        .collect()
}

/// "Decides", "Also requests", "Strongly urges": a third-person verb, maybe after adverbs.
fn looks_operative(text: &str) -> bool {
    let words = words_lower(text, 5);
    let Some(verb) = words.iter().find(|w| !VERB_ADVERBS.contains(&w.as_str())) else {
        return false;
    };
    verb.len() >= 4 && verb.ends_with('s') && !verb.ends_with("ous") && !verb.ends_with("ss")
}

/// Whether `word.to_lowercase()` is one of `words` (all ASCII, lower case), without building
/// the lower-cased word when it is ASCII, as nearly all are.
fn lower_in(word: &str, words: &[&str]) -> bool {
    if word.is_ascii() {
        words.iter().any(|w| w.eq_ignore_ascii_case(word))
    } else {
        words.contains(&word.to_lowercase().as_str())
    }
}

fn first_word_is_preambular(text: &str) -> bool {
    if !text.starts_with(|c: char| c.is_uppercase()) {
        return false;
    }
    let Some(first) = words_lower(text, 1).pop() else {
        return false;
    };
    first.ends_with("ing")
        || PREAMBLE_WORDS.contains(&first.as_str())
        || (first.ends_with("ed") && first.len() > 4)
}

/// The lead phrase of a preambular paragraph: "Recalling", "Taking note also of",
/// "Deeply concerned", "Bearing in mind".
pub(crate) fn lead_phrase(text: &str) -> String {
    const EXTEND: &[&str] = &[
        "also",
        "further",
        "furthermore",
        "moreover",
        "again",
        "once",
        "in",
        "mind",
        "note",
        "into",
        "account",
        "consideration",
        "with",
        "deep",
        "grave",
        "great",
        "serious",
        "particular",
        "concern",
        "satisfaction",
        "appreciation",
        "regret",
        "alarm",
        "interest",
        "deeply",
        "profound",
        "utmost",
        "appreciation",
        "gratitude",
        "full",
        "expressing",
    ];
    let words: Vec<&str> = text.split_whitespace().take(8).collect();
    let mut lead: Vec<&str> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let bare = w.trim_end_matches([',', ';', ':']);
        let first_is_modifier = lead.len() == 1
            && (lead[0].ends_with("ly") || lead[0] == "Having" || lead[0] == "Further");
        if i == 0 || first_is_modifier {
            lead.push(bare);
        } else if lower_in(bare, EXTEND) {
            if lower_in(bare, &["with"]) && !words.get(i + 1).is_some_and(|n| lower_in(n, EXTEND)) {
                break;
            }
            lead.push(bare);
        } else if lower_in(bare, &["of"]) && lead.iter().any(|l| l.eq_ignore_ascii_case("note")) {
            lead.push(bare);
            break;
        } else {
            break;
        }
        if bare.len() != w.len() {
            break;
        }
    }
    while lead
        .last()
        .is_some_and(|l| lower_in(l, &["in", "into", "with", "once"]))
        && lead.len() > 1
    {
        lead.pop();
    }
    lead.join(" ")
}

/// An operative paragraph being built, before numbers are settled.
struct Draft {
    number: Option<u32>,
    part: Option<String>,
    /// The paragraph's own text, in pieces joined with spaces.
    pieces: Vec<String>,
    /// Sub-paragraphs (label, text) after the pieces; the label is empty where none was printed.
    subs: Vec<(String, String)>,
}

impl Draft {
    /// The text read last: the last sub-paragraph's, else the paragraph's own.
    fn last_text(&self) -> &str {
        self.subs
            .last()
            .map(|(_, t)| t.as_str())
            .or_else(|| self.pieces.last().map(String::as_str))
            .unwrap_or("")
    }

    /// Adds text that continues this paragraph, keeping reading order: once the paragraph has
    /// sub-paragraphs, or when it introduces a list (ends with ":"), the text becomes an
    /// unlabelled sub-paragraph, since pieces are printed before all sub-paragraphs. Returns
    /// where the text went, for its footnote marks.
    fn continue_with(&mut self, text: String) -> usize {
        if !self.subs.is_empty() || self.last_text().trim_end().ends_with(':') {
            self.subs.push((String::new(), text));
            usize::MAX - self.subs.len() + 1
        } else {
            self.pieces.push(text);
            self.pieces.len() - 1
        }
    }
}

/// Turns blocks into preambular and operative paragraphs, settles numbering (parts, missing
/// numbers, nested lists) and strips footnote marks in reading order.
fn assemble(
    res: &mut Resolution,
    blocks: Vec<Block<'_>>,
    notes: &[Footnote],
    head_meeting: Option<&str>,
) {
    let defined: Vec<String> = notes.iter().map(|n| n.mark.clone()).collect();
    let mut stripper = MarkStripper::new(&defined);
    let mut drafts: Vec<Draft> = Vec::new();
    let mut part: Option<String> = None;
    let mut part_changed = false;
    let mut closed = false;
    let mut annex = false;
    let mut gaps = Vec::new();
    // Preambular paragraphs and their marks, kept in order with operative drafts so marks are
    // stripped in reading order; (preamble index or draft index, marks).
    enum Piece {
        Preamble(usize, Vec<MarkAt>),
    }
    let mut preamble_marks: Vec<Piece> = Vec::new();
    let mut draft_marks: Vec<Vec<(usize, Vec<MarkAt>)>> = Vec::new();

    // After a closed part, until its first numbered paragraph: the next part's title and
    // lead-in ("Resolves that, for 2022:") belong to no paragraph of the part before.
    let mut reopened = false;
    let mut blocks = blocks.into_iter().peekable();
    while let Some(block) = blocks.next() {
        let text = block.text();
        match block.kind {
            BlockKind::Closing(meeting) => {
                // Empty when the text closes with its date alone.
                res.meeting = Some(meeting).filter(|m| !m.is_empty());
                if res.adopted_on.is_none() {
                    let rest = block.lines.get(1).copied().unwrap_or("");
                    res.adopted_on = parse_date(rest);
                }
                // The next resolution of the same document (part B after part A) reads on.
                if blocks
                    .peek()
                    .is_some_and(|b| matches!(b.kind, BlockKind::Part(_)))
                {
                    reopened = true;
                    continue;
                }
                closed = true;
                break;
            }
            BlockKind::Annex => {
                annex = true;
                break;
            }
            BlockKind::Part(p) => {
                part = Some(p);
                part_changed = true;
            }
            BlockKind::Numbered(n, ocr) => {
                reopened = false;
                let last = drafts.iter().rev().find_map(|d| d.number);
                let accept = match last {
                    _ if ocr.is_some() => last.is_some_and(|l| n == l + 1),
                    None => true,
                    Some(l) => n == l + 1 || (part_changed && n == 1) || (n > l && n <= l + 3),
                };
                if accept {
                    if last.is_none() && n != 1 {
                        gaps.push(format!("operative part starts at paragraph {n}"));
                    }
                    if let Some(l) = last
                        && n > l + 1
                        && !(part_changed && n == 1)
                    {
                        gaps.push(format!(
                            "operative paragraphs {} to {} not found",
                            l + 1,
                            n - 1
                        ));
                    }
                    let (t, m) = stripper.strip(&text);
                    drafts.push(Draft {
                        number: Some(n),
                        part: part.clone(),
                        pieces: vec![t],
                        subs: Vec::new(),
                    });
                    draft_marks.push(vec![(0, m)]);
                    part_changed = false;
                } else if let Some(d) = drafts.last_mut() {
                    // A numbered list inside a paragraph ("Approves the following agenda: 1. ...").
                    let printed = format!("{}. ", ocr.unwrap_or_else(|| n.to_string()));
                    let (t, m) = stripper.strip(&format!("{printed}{text}"));
                    let at = d.continue_with(t);
                    if let Some(dm) = draft_marks.last_mut() {
                        dm.push((at, m));
                    }
                } else {
                    // A misread number before any paragraph: kept, on the preamble side.
                    let printed = ocr.unwrap_or_else(|| n.to_string());
                    let (t, m) = stripper.strip(&format!("{printed}. {text}"));
                    res.preamble.push(PreambularParagraph {
                        lead: lead_phrase(&t),
                        text: t,
                    });
                    preamble_marks.push(Piece::Preamble(res.preamble.len() - 1, m));
                }
            }
            BlockKind::Labelled(label) => {
                let (t, m) = stripper.strip(&text);
                if let Some(d) = drafts.last_mut() {
                    d.subs.push((label, t));
                    if let Some(dm) = draft_marks.last_mut() {
                        dm.push((usize::MAX - d.subs.len() + 1, m));
                    }
                } else if let Some(p) = res.preamble.last_mut() {
                    p.text = format!("{} ({}) {}", p.text, label, t);
                } else {
                    let t = format!("({label}) {t}");
                    res.preamble.push(PreambularParagraph {
                        lead: lead_phrase(&t),
                        text: t,
                    });
                }
            }
            BlockKind::Plain => {
                let operative_started = !drafts.is_empty();
                let preambular = first_word_is_preambular(&text);
                // Inside the operative part, a block that reads like a preambular paragraph is
                // an item of the paragraph before whose "(a)" label was lost ("Requesting the
                // Commission ..." after "... its fulfilment by:") or a heading ("Financing of
                // the appropriation"); only a new part ("B") opens a preamble of its own.
                let continues = operative_started && !part_changed;
                if reopened
                    || (preambular && !continues)
                    || (!operative_started && !looks_operative(&text))
                {
                    let (t, m) = stripper.strip(&text);
                    let lead = lead_phrase(&t);
                    res.preamble.push(PreambularParagraph { lead, text: t });
                    preamble_marks.push(Piece::Preamble(res.preamble.len() - 1, m));
                } else if !preambular && looks_operative(&text) {
                    let (t, m) = stripper.strip(&text);
                    drafts.push(Draft {
                        number: None,
                        part: part.clone(),
                        pieces: vec![t],
                        subs: Vec::new(),
                    });
                    draft_marks.push(vec![(0, m)]);
                } else if let Some(d) = drafts.last_mut() {
                    let (t, m) = stripper.strip(&text);
                    let at = d.continue_with(t);
                    if let Some(dm) = draft_marks.last_mut() {
                        dm.push((at, m));
                    }
                } else {
                    // Nothing to continue: keep the text rather than drop it.
                    let (t, m) = stripper.strip(&text);
                    let lead = lead_phrase(&t);
                    res.preamble.push(PreambularParagraph { lead, text: t });
                    preamble_marks.push(Piece::Preamble(res.preamble.len() - 1, m));
                }
            }
        }
    }
    res.warnings.extend(gaps);

    let (numbers, moved) = settle_numbers(&mut drafts, &mut draft_marks, &mut res.warnings);
    for d in moved {
        // Footnote marks of these were already stripped; references are not looked for again.
        let mut t = d.pieces.join(" ");
        for (label, sub) in d.subs {
            t = if label.is_empty() {
                format!("{t} {sub}")
            } else {
                format!("{t} ({label}) {sub}")
            };
        }
        res.warnings.push(format!(
            "unnumbered text before the first numbered paragraph kept in the preamble: \"{}\"",
            t.chars().take(60).collect::<String>()
        ));
        res.preamble.push(PreambularParagraph {
            lead: lead_phrase(&t),
            text: t,
        });
    }
    let unlabelled: Vec<String> = drafts
        .iter()
        .zip(&numbers)
        .filter(|(d, _)| d.subs.iter().any(|(l, _)| l.is_empty()))
        // A recommended draft's own paragraphs are quoted text, not lost sub-paragraphs.
        .filter(|(d, _)| {
            !d.pieces
                .iter()
                .any(|p| crate::resolution::clause::recommended_draft_at(p).is_some())
        })
        .map(|(_, n)| n.to_string())
        .collect();
    if !unlabelled.is_empty() {
        res.warnings.push(format!(
            "sub-paragraphs without a printed label in operative paragraph(s) {}",
            unlabelled.join(", ")
        ));
    }
    let restarts = numbering_restarts(&drafts, &numbers);

    for (i, (d, n)) in drafts.into_iter().zip(numbers).enumerate() {
        let number = match (&d.part, restarts) {
            (Some(p), true) => format!("{p}.{n}"),
            _ => n.to_string(),
        };
        let main = d.pieces.join(" ");
        let mut text = main.clone();
        let mut marks: Vec<MarkAt> = Vec::new();
        if let Some(dm) = draft_marks.get(i) {
            // Marks of the first piece keep their offsets; later ones are approximate, which is
            // enough for finding a mark right after a citation.
            for (piece, ms) in dm {
                if *piece == 0 {
                    marks.extend(ms.iter().cloned());
                }
            }
        }
        let mut subparagraphs = Vec::new();
        for (label, t) in d.subs {
            if label.is_empty() {
                text.push(' ');
                text.push_str(&t);
            } else {
                text.push_str(&format!(" ({label}) {t}"));
            }
            subparagraphs.push(SubParagraph { label, text: t });
        }
        let location = Location::Operative(number.clone());
        let relation = relation_from_lead(&operative_verb_phrase(&main));
        res.references.extend(find_references(
            &text, &location, relation, res.body, &marks, notes,
        ));
        res.operative.push(OperativeParagraph {
            number,
            text,
            subparagraphs,
            clauses: Vec::new(),
        });
    }

    let mut preamble_refs: Vec<Reference> = Vec::new();
    for Piece::Preamble(i, marks) in preamble_marks {
        let p = &res.preamble[i];
        let relation = relation_from_lead(&p.lead);
        preamble_refs.extend(find_references(
            &p.text,
            &Location::Preamble(i),
            relation,
            res.body,
            &marks,
            notes,
        ));
    }
    preamble_refs.append(&mut res.references);
    res.references = preamble_refs;
    for n in notes {
        res.references.extend(find_references(
            &n.text,
            &Location::Footnote(n.mark.clone()),
            super::model::Relation::Cites,
            res.body,
            &[],
            &[],
        ));
    }

    if closed {
        // nothing to warn about
    } else if let Some(m) = head_meeting {
        res.meeting = Some(m.to_string());
    } else if !annex {
        res.warnings
            .push("text ends before the closing meeting line (truncated?)".to_string());
    }
    if let Some(last) = res.operative.last()
        && !closed
        && !last.text.trim_end().ends_with(['.', '”', '"', ')'])
    {
        res.warnings.push(format!(
            "operative paragraph {} ends mid-sentence (truncated?)",
            last.number
        ));
    }
}

/// The verb phrase opening an operative paragraph without its adverbs ("Also takes note" ->
/// "takes note"), used to tell how the paragraph relates to what it cites.
fn operative_verb_phrase(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(6).collect();
    let skip = words
        .iter()
        .take_while(|w| lower_in(w, VERB_ADVERBS))
        .count();
    words[skip.min(words.len())..].join(" ")
}

/// Gives unnumbered operative paragraphs a number: all of them in order when nothing is
/// numbered (one paragraph is "1"); the missing number when one was lost between two numbered
/// paragraphs; otherwise the paragraph is a continuation of the one before. Also returns the
/// unnumbered drafts found before the first numbered paragraph, which belong to the preamble.
fn settle_numbers(
    drafts: &mut Vec<Draft>,
    marks: &mut Vec<Vec<(usize, Vec<MarkAt>)>>,
    warnings: &mut Vec<String>,
) -> (Vec<u32>, Vec<Draft>) {
    let mut moved = Vec::new();
    if drafts.iter().all(|d| d.number.is_none()) {
        if drafts.len() > 1 {
            warnings.push(format!(
                "{} unnumbered operative paragraphs numbered in order",
                drafts.len()
            ));
        }
        return ((1..=drafts.len() as u32).collect(), moved);
    }
    let mut i = 0;
    while i < drafts.len() {
        if drafts[i].number.is_some() {
            i += 1;
            continue;
        }
        let prev = drafts[..i].iter().rev().find_map(|d| d.number);
        let next = drafts[i + 1..].iter().find_map(|d| d.number);
        match (prev, next) {
            (Some(p), Some(n)) if n == p + 2 => {
                drafts[i].number = Some(p + 1);
                warnings.push(format!(
                    "operative paragraph {} printed without its number",
                    p + 1
                ));
            }
            (Some(p), None) => {
                drafts[i].number = Some(p + 1);
                warnings.push(format!(
                    "operative paragraph {} printed without its number",
                    p + 1
                ));
            }
            (None, Some(1)) | (None, None) => {
                // Unnumbered text before "1." belongs to the preamble side; it leaves the
                // operative part rather than get an invented number 0.
                let d = drafts.remove(i);
                marks.remove(i);
                moved.push(d);
                continue;
            }
            _ => {
                let d = drafts.remove(i);
                marks.remove(i);
                if i == 0 {
                    moved.push(d);
                    continue;
                }
                let before = &mut drafts[i - 1];
                for piece in d.pieces {
                    before.continue_with(piece);
                }
                before.subs.extend(d.subs);
                continue;
            }
        }
        i += 1;
    }
    let numbers = drafts.iter().map(|d| d.number.unwrap_or(0)).collect();
    (numbers, moved)
}

/// Numbering restarts when a later part begins again at 1 ("A.1", "B.1").
fn numbering_restarts(drafts: &[Draft], numbers: &[u32]) -> bool {
    drafts
        .iter()
        .zip(numbers)
        .skip(1)
        .any(|(d, &n)| n == 1 && d.part.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const GA_MARKDOWN: &str = "General Assembly\n\nSeventy-fifth session\n\nAgenda item 103 (v)\n\nResolution adopted by the General Assembly on 7 December 2020\n\n[*on the report of the First Committee (A/75/399, para. 96)*]\n\n75/58. Measures to prevent terrorists from acquiring weapons of mass destruction\n\nThe General Assembly,\n\nRecalling its resolution 74/43 of 12 December 2019,\n\nWelcoming the entry into force on 7 July 2007 of the International Convention for the Suppression of Acts of Nuclear Terrorism,¹\n\n¹ United Nations, *Treaty Series*, vol. 2445, No. 44004.\n\n⁷ [A/75/171](#).\n\nTaking note of the report of the Secretary-General submitted pursuant to paragraph 5 of resolution [74/43](#),⁷\n\n1. *Calls upon* all Member States to support international efforts to prevent terrorists from acquiring weapons of mass destruction and their means of delivery;\n2. *Appeals* to all Member States to consider early accession;\n\n37th plenary meeting\n7 December 2020";

    #[test]
    fn reads_a_markdown_resolution_end_to_end() {
        let r = parse_resolution(GA_MARKDOWN).unwrap();
        assert_eq!(r.symbol.as_deref(), Some("A/RES/75/58"));
        assert_eq!(r.body, Some(Body::GeneralAssembly));
        assert_eq!(r.meeting.as_deref(), Some("37th plenary meeting"));
        assert_eq!(r.preamble.len(), 3);
        assert_eq!(r.preamble[2].lead, "Taking note of");
        let numbers: Vec<_> = r.operative.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["1", "2"]);
        assert!(
            r.operative[0]
                .text
                .starts_with("Calls upon all Member States")
        );
        assert!(r.preamble[1].text.ends_with("Nuclear Terrorism,"));
        assert_eq!(r.footnotes.len(), 2);
        let pursuant = r
            .references
            .iter()
            .find(|x| x.relation == super::super::model::Relation::ReportPursuantTo)
            .expect("pursuant reference");
        assert_eq!(pursuant.symbol, "A/RES/74/43");
        assert_eq!(pursuant.paragraph.as_deref(), Some("5"));
        assert_eq!(pursuant.report.as_deref(), Some("A/75/171"));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn removes_page_furniture_and_footnotes_inside_a_paragraph() {
        let text = "78/43. Measures to prevent terrorists from acquiring weapons of \nmass destruction \n \nThe General Assembly, \n \nRecalling its resolution 77/75 of 7 December 2022, \n \n5. \nRequests the Secretary-General to compile a report on measures already \ntaken by international organizations and to report to the General Assembly at its seventy-\n__________________ \n \n4  See A/59/361. \n\nA/RES/78/43 \nMeasures to prevent terrorists from acquiring \nweapons of mass destruction\n \n23-24512\n2/3 \n \nninth session; \n \n42nd plenary meeting \n4 December 2023 \n";
        let r = parse_resolution(text).unwrap();
        assert_eq!(r.operative.len(), 1);
        assert_eq!(r.operative[0].number, "5");
        assert!(
            r.operative[0]
                .text
                .ends_with("to report to the General Assembly at its seventy-ninth session;"),
            "{}",
            r.operative[0].text
        );
        assert_eq!(r.footnotes[0].text, "See A/59/361.");
        assert_eq!(r.meeting.as_deref(), Some("42nd plenary meeting"));
    }

    #[test]
    fn numbers_restart_in_parts_get_the_part_prefix() {
        let text = "The General Assembly,\n\nRecalling its resolutions,\n\nA\n\n1. Decides to act;\n\n2. Requests a report;\n\nB\n\n1. Decides again;\n\n10th plenary meeting\n1 January 2020";
        let r = parse_resolution(text).unwrap();
        let numbers: Vec<_> = r.operative.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["A.1", "A.2", "B.1"]);
    }

    #[test]
    fn several_resolutions_in_one_document_each_get_their_part() {
        // A/RES/76/247 A-C: each part closes with its meeting line, the next opens with its
        // letter, title, "The General Assembly" and "Resolves that, for 2022:".
        let text = "A/RES/76/247 A–C\n\nResolution adopted by the General Assembly on 24 December 2021\n\n76/247. Programme budget for 2022\n\nA\nBudget appropriations for 2022\n\nThe General Assembly\n\nResolves that, for 2022:\n\n1.\nAppropriations totalling 3 dollars are hereby approved;\n\n2.\nThe Secretary-General shall be authorized to transfer credits;\n\n54th (resumed) plenary meeting\n24 December 2021\n\n\nB\nIncome estimates for 2022\n\n\nThe General Assembly\n\nResolves that, for 2022:\n\n1.\nEstimates of income totalling 295 dollars are approved;\n\n54th (resumed) plenary meeting\n24 December 2021\n";
        let r = parse_resolution(text).unwrap();
        assert_eq!(r.symbol.as_deref(), Some("A/RES/76/247"));
        let numbers: Vec<_> = r.operative.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["A.1", "A.2", "B.1"]);
        assert_eq!(
            r.operative[1].text,
            "The Secretary-General shall be authorized to transfer credits;"
        );
        assert_eq!(r.meeting.as_deref(), Some("54th (resumed) plenary meeting"));
    }

    #[test]
    fn numbering_running_on_across_parts_stays_plain() {
        let text = "The Security Council,\n\nRecalling its resolutions,\n\n1. Affirms all thirteen resolutions noted above;\n\nA\n\n2. Demands that Iraq and Kuwait respect the boundary;\n\nB\n\n3. Requests the Secretary-General to submit a plan;\n\n4. Notes that the conditions will be established.";
        let r = parse_resolution(text).unwrap();
        let numbers: Vec<_> = r.operative.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["1", "2", "3", "4"]);
    }

    #[test]
    fn a_date_alone_closes_a_resolution_adopted_without_a_meeting() {
        // A/RES/74/285 (silence procedure, 2020): no meeting line, only the date.
        let text = "The General Assembly,\n\nRecalling its resolution 73/318,\n\n43. Requests the Secretary-General to take all necessary action;\n\n44. Decides to include in the provisional agenda of its seventy-fifth session \nthe item entitled \u{201c}Financing of the United Nations Peacekeeping Force in Cyprus\u{201d}.  \n \n30 June 2020 \n";
        let r = parse_resolution(text).unwrap();
        let last = r.operative.last().unwrap();
        assert_eq!(last.number, "44");
        assert!(last.text.ends_with("in Cyprus\u{201d}."), "{}", last.text);
        assert_eq!(r.meeting, None);
        assert!(
            !r.warnings.iter().any(|w| w.contains("truncated")),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn one_unnumbered_operative_paragraph_is_numbered_one() {
        let text = "The General Assembly,\n\nRecalling that the United Nations Convention on the Law of the Sea was opened for signature on 10 December 1982,\n\nDecides to adopt the organizational arrangements for the plenary meetings on \n8 and 9 December 2022 as outlined in the annex to the present resolution. \n\n27th plenary meeting \n2 November 2022 \n\nAnnex \n\n1. \nFour plenary meetings of the General Assembly shall be held;";
        let r = parse_resolution(text).unwrap();
        assert_eq!(r.operative.len(), 1);
        assert_eq!(r.operative[0].number, "1");
    }

    #[test]
    fn a_numbered_list_inside_a_paragraph_is_not_a_new_paragraph() {
        let text = "The General Assembly,\n\nRecalling its resolution 56/119,\n\n10. Requests the Secretary-General to encourage participation;\n\n11. \nApproves the following provisional agenda for the Fifteenth Congress: \n\n1. \nOpening of the Congress. \n\n2. \nOrganizational matters. \n\n12. Decides that the Congress shall be held;";
        let r = parse_resolution(text).unwrap();
        let numbers: Vec<_> = r.operative.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["10", "11", "12"]);
        assert!(r.operative[1].text.contains("1. Opening of the Congress."));
    }

    #[test]
    fn lettered_sub_paragraphs_belong_to_their_paragraph() {
        let text = "The Security Council,\n\nRecalling its resolutions,\n\n8. Decides that Iraq shall unconditionally accept the destruction, under international supervision, of:\n\n(a) All chemical and biological weapons;\n\n(b) All ballistic missiles with a range greater than 150 kilometres;\n\n9. Decides further.";
        let r = parse_resolution(text).unwrap();
        assert_eq!(r.operative[0].subparagraphs.len(), 2);
        assert_eq!(r.operative[0].subparagraphs[1].label, "b");
        assert!(r.operative[0].text.contains("(a) All chemical"));
    }

    /// A/RES/80/11, paragraph 1: the "(a)", "(b)" labels were lost in extraction, two kept.
    const PBC_LIST: &str = "The General Assembly,\n\nRecalling its resolutions 60/180 and 70/262,\n\n1. Reaffirms all relevant resolutions relating to the mandate of the Peacebuilding Commission, and, mindful of the important role of the Commission, also reaffirms the need to strengthen its fulfilment by:\n\nRequesting the Peacebuilding Commission to establish a detailed, predictable and flexible annual programme of work, as appropriate;\n\nRequesting the Peacebuilding Commission, in line with its mandate, to serve as a platform to support Member States, upon their request, to strengthen their national peacebuilding and sustaining peace efforts by:\n\nAssisting Member States in building their national capacities;\n\n(ii) Inviting international financial institutions and regional development banks to engage in relevant country-specific discussions;\n\nTaking note of the decision of the Security Council to consider referring countries transitioning off its agenda to the Peacebuilding Commission;\n\n(e) Requesting the Peacebuilding Commission to continue serving as a platform to convene all relevant actors;\n\nRequesting the Department of Global Communications of the Secretariat to continue raising awareness;\n\n2. Recognizes the importance of further enhancing the advisory role of the Peacebuilding Commission, and in this regard:\n\nDecides, where appropriate and through its relevant agenda items, to consider seeking strategic and context-specific advice from the Peacebuilding Commission;\n\nMay consider, when seeking the advice of the Peacebuilding Commission, diverse formats of engagement;\n\n3. Encourages improved cooperation between the Peacebuilding Commission and the Economic and Social Council;\n\n14th plenary meeting\n17 November 2025";

    #[test]
    fn unlabelled_items_after_a_colon_stay_in_their_paragraph_in_order() {
        let r = parse_resolution(PBC_LIST).unwrap();
        let numbers: Vec<_> = r.operative.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["1", "2", "3"]);
        assert_eq!(r.preamble.len(), 1, "{:?}", r.preamble);
        let first = &r.operative[0];
        let labels: Vec<_> = first
            .subparagraphs
            .iter()
            .map(|s| s.label.as_str())
            .collect();
        assert_eq!(labels, ["", "", "", "ii", "", "e", ""]);
        let order = [
            "fulfilment by: Requesting the Peacebuilding Commission to establish",
            "Assisting Member States",
            "(ii) Inviting international",
            "Taking note of the decision",
            "(e) Requesting the Peacebuilding",
            "Requesting the Department of Global Communications",
        ];
        let at: Vec<_> = order
            .iter()
            .map(|o| {
                first
                    .text
                    .find(o)
                    .unwrap_or_else(|| panic!("{o} in {}", first.text))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
        assert!(
            r.warnings
                .iter()
                .any(|w| w.contains("without a printed label") && w.contains("1, 2"))
        );
    }

    #[test]
    fn operative_items_after_in_this_regard_join_the_paragraph_as_sub_paragraphs() {
        let r = parse_resolution(PBC_LIST).unwrap();
        let second = &r.operative[1];
        assert_eq!(second.subparagraphs.len(), 2);
        assert!(second.subparagraphs[0].label.is_empty());
        assert!(
            second
                .text
                .contains("in this regard: Decides, where appropriate")
        );
        assert!(second.text.ends_with("diverse formats of engagement;"));
    }

    #[test]
    fn a_heading_ending_in_ing_is_kept_in_the_operative_part() {
        // A/RES/73/318: a section heading between paragraphs 15 and 16.
        let text = "The General Assembly,\n\nRecalling its resolution 72/300,\n\n15. Decides to appropriate to the Special Account the amount of 42,205,800 dollars, comprising 39,720,200 dollars for the maintenance of the Mission and 375,900 dollars for the United Nations Logistics Base at Brindisi, Italy;\n\n\n\nFinancing of the appropriation\n\n\n16. Decides to apportion among Member States the amount of 39,732,300 dollars;\n\n95th plenary meeting\n3 July 2019";
        let r = parse_resolution(text).unwrap();
        assert_eq!(r.preamble.len(), 1);
        assert!(
            r.operative[0]
                .text
                .ends_with("Brindisi, Italy; Financing of the appropriation")
        );
        assert_eq!(r.operative[1].number, "16");
    }

    #[test]
    fn a_later_part_keeps_its_own_preamble() {
        // S/RES/864 (1993): part B opens with preambular paragraphs of its own.
        let text = "The Security Council,\n\nReaffirming its resolutions 696 (1991),\n\nA\n\n16. | Demands that the National Union proceed immediately to\nthe release of all foreign citizens held against their will,\n\nB\n\nDetermined to ensure respect for its resolutions and the full\nimplementation of the Peace Accords for Angola,\n\nActing under Chapter VII of the Charter of the United Nations,\n\n17. Decides that the provisions set forth in paragraphs 19 to 25\nbelow shall come into force ten days after the date of adoption;";
        let r = parse_resolution(text).unwrap();
        let leads: Vec<_> = r.preamble.iter().map(|p| p.lead.as_str()).collect();
        assert_eq!(leads, ["Reaffirming", "Determined", "Acting"]);
        assert!(
            !r.operative[0].text.contains("Determined"),
            "{}",
            r.operative[0].text
        );
    }

    #[test]
    fn unnumbered_operative_text_before_paragraph_one_is_kept_in_the_preamble() {
        let text = "The Security Council,\n\nRecalling its resolution 654 (1990),\n\nExpresses its deep concern at the situation;\n\n2. Decides to extend the mandate;\n\n3. Requests the Secretary-General to report.\n\nAdopted unanimously at the 2921st meeting.";
        let r = parse_resolution(text).unwrap();
        assert_eq!(r.operative[0].number, "2");
        assert!(
            r.preamble
                .iter()
                .any(|p| p.text == "Expresses its deep concern at the situation;"),
            "{:?}",
            r.preamble
        );
    }

    #[test]
    fn a_wrapped_adopted_line_closes_the_text_and_its_footnotes_are_collected() {
        // S/RES/654 (1990): the closing line wraps and the notes follow it.
        let text = "Resolution 654 (1990)\nof 4 May 1990\n\nThe Security Council,\n\nRecalling its resolutions 637 (1989) of 27 July 1989, as well as the statement\nmade by the President of the Council on its behalf on 7\nNovember 1989, 89\n\n1. Approves the report of the Secretary-General of 27\nApril and 2 May 1990; 90\n\n2. Decides to extend the mandate, on the understanding, as expressed by the\nSecretary-General in his report, 91 that the tasks of the\nObserver Group will lapse;\n\nAdopted unanimously at the\n2921st meeting.\n\n\n\n89 See Resolutions and Decisions of the Security Council, 1989,\np. 21.\n90 Official Records of the Security Council, Forty-fifth Year, Supplement for April, May and June 1990, documents S/21274 and Add.1.\n91 Ibid., document S/21274, para. 34.";
        let r = parse_resolution(text).unwrap();
        assert_eq!(r.meeting.as_deref(), Some("2921st meeting"));
        let marks: Vec<_> = r.footnotes.iter().map(|n| n.mark.as_str()).collect();
        assert_eq!(marks, ["89", "90", "91"]);
        assert_eq!(
            r.footnotes[0].text,
            "See Resolutions and Decisions of the Security Council, 1989, p. 21."
        );
        assert_eq!(
            r.operative[0].text,
            "Approves the report of the Secretary-General of 27 April and 2 May 1990;"
        );
        assert!(
            r.operative[1]
                .text
                .contains("in his report, that the tasks"),
            "{}",
            r.operative[1].text
        );
    }

    #[test]
    fn truncated_text_is_read_with_a_warning() {
        let text = "The General Assembly,\n\nRecalling its resolution 74/43,\n\n1. Calls upon all Member States to support international efforts to prevent";
        let r = parse_resolution(text).unwrap();
        assert_eq!(r.operative.len(), 1);
        assert!(r.warnings.iter().any(|w| w.contains("truncated")));
    }

    #[test]
    fn rejects_empty_binary_and_non_resolution_text() {
        assert_eq!(parse_resolution("  \n "), Err(ParseError::Empty));
        assert!(matches!(
            parse_resolution("%PDF-1.7\0\0\u{1}\u{2}binary"),
            Err(ParseError::NotText { .. })
        ));
        assert_eq!(
            parse_resolution("Dear colleagues,\n\nthe meeting is moved to Tuesday.\n"),
            Err(ParseError::NoOperativeParagraphs)
        );
    }

    #[test]
    fn line_start_pre_checks_never_reject_a_regex_match() {
        let lines = [
            "1. Decides",
            "12 , Requests",
            "123.Calls",
            "1234. Decides",
            "7 ,",
            "16. | Demands",
            "89 See Resolutions",
            "1/ S/1994/62.",
            "1/S/1994",
            "2921st meeting.",
            "37th plenary meeting",
            "42nd (resumed) plenary meeting",
            "2020",
            "5\u{a0}. Decides",
            "\u{663}. Decides",
            "1\u{2003}See",
            "Recalling",
            "",
        ];
        for t in lines {
            for (pre, re) in [
                (may_match::numbered as fn(&str) -> bool, &*NUMBERED),
                (may_match::closing, &*CLOSING),
                (may_match::plain_note, &*PLAIN_NOTE),
            ] {
                if match_start(re, t).is_some() {
                    assert!(pre(t), "{t:?} matches {re} but its pre-check says no");
                }
            }
        }
        assert!(!may_match::numbered("Recalling"));
        assert!(!may_match::closing("1. Decides"));
        assert!(!may_match::plain_note("1. Decides"));
    }

    #[test]
    fn lead_phrases_keep_their_qualifiers() {
        assert_eq!(
            lead_phrase("Taking note also of the report"),
            "Taking note also of"
        );
        assert_eq!(
            lead_phrase("Deeply concerned by the growing risk"),
            "Deeply concerned"
        );
        assert_eq!(lead_phrase("Recalling its resolution 74/43"), "Recalling");
        assert_eq!(
            lead_phrase("Bearing in mind the ultimate objective"),
            "Bearing in mind"
        );
        assert_eq!(
            lead_phrase("Noting with concern the incidents of violence"),
            "Noting with concern"
        );
        assert_eq!(
            lead_phrase("Recalling also the Headquarters Agreement,"),
            "Recalling also"
        );
    }
}
