//! What changed between two consecutive texts of a series, paragraph by paragraph, as a
//! negotiator reads it: preambular and operative paragraphs of the earlier text aligned with
//! those of the later one (a paragraph may move, split or merge), each marked unchanged,
//! updated (only dates, session numbers and resolution numbers changed), changed (words added
//! and removed), new or dropped; and the requests that changed, because they change the
//! tracker's work.

use std::collections::HashMap;

use serde::Serialize;

use crate::resolution::model::{Clause, DeadlineKind, Resolution};

/// Which list of paragraphs a paragraph belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Preamble,
    Operative,
}

/// How a paragraph of the later text stands against the earlier text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// The same words.
    Unchanged,
    /// Only dates, session numbers (ordinal session words included) and resolution or document
    /// numbers changed: the yearly roll-forward of a text.
    Updated,
    /// Words were added or removed.
    Changed,
    /// No paragraph of the earlier text corresponds.
    New,
    /// A paragraph of the earlier text with no counterpart in the later one.
    Dropped,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Unchanged => "unchanged",
            Mark::Updated => "updated",
            Mark::Changed => "changed",
            Mark::New => "new",
            Mark::Dropped => "dropped",
        }
    }
}

/// Whether a run of words is in both texts, only the earlier, or only the later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    Same,
    Added,
    Removed,
}

/// A run of words of a paragraph's comparison, spaced as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub kind: SegmentKind,
    /// A space goes before it (outside any highlighting).
    pub space_before: bool,
    pub text: String,
}

/// One paragraph of the comparison: a paragraph of the later text with where it came from, or
/// a dropped paragraph of the earlier text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParagraphDiff {
    pub part: Part,
    pub mark: Mark,
    /// Labels of the earlier text's paragraphs this one comes from ("PP3", "OP5"); several when
    /// they were merged into it; empty for a new paragraph.
    pub before: Vec<String>,
    /// Label in the later text; none for a dropped paragraph.
    pub after: Option<String>,
    /// Its place relative to the other paragraphs changed.
    pub moved: bool,
    /// One of several paragraphs the earlier paragraph was split into.
    pub split: bool,
    /// Several earlier paragraphs were merged into this one.
    pub merged: bool,
    /// The words, marked added or removed against the earlier paragraph(s).
    pub segments: Vec<Segment>,
}

/// Why a request is listed at the head of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestChangeKind {
    New,
    Dropped,
    /// Someone else is asked (the verb stayed).
    ActorChanged,
    /// The deadline moved other than by the text's own step forward (a report asked "at its
    /// seventy-sixth session" of the seventy-fifth session is the same deadline as one asked
    /// "at its seventy-fifth session" of the seventy-fourth).
    DeadlineChanged,
}

impl RequestChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestChangeKind::New => "new",
            RequestChangeKind::Dropped => "dropped",
            RequestChangeKind::ActorChanged => "actor changed",
            RequestChangeKind::DeadlineChanged => "deadline changed",
        }
    }
}

/// A tracked clause (a request, an invitation, anything with a deadline) that is new,
/// dropped, or whose actor or deadline changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestChange {
    pub kind: RequestChangeKind,
    pub verb: String,
    /// Operative paragraph labels ("OP5").
    pub paragraph_before: Option<String>,
    pub paragraph_after: Option<String>,
    pub actors_before: Vec<String>,
    pub actors_after: Vec<String>,
    /// The deadlines' words as printed.
    pub deadlines_before: Vec<String>,
    pub deadlines_after: Vec<String>,
    /// The clause's words in the later text (the earlier one for a dropped request).
    pub text: String,
}

/// The comparison of a resolution with its predecessor in a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolutionDiff {
    pub preamble: Vec<ParagraphDiff>,
    pub operative: Vec<ParagraphDiff>,
    /// Requests new, dropped, or with another actor or deadline; listed first.
    pub requests: Vec<RequestChange>,
    /// Paragraph groups changed in words or in structure (a split or a merge counts once).
    pub changed: usize,
    pub new: usize,
    pub dropped: usize,
}

impl ResolutionDiff {
    /// Every paragraph unchanged or updated, none new, dropped, split or merged.
    pub fn is_technical_update(&self) -> bool {
        self.changed == 0 && self.new == 0 && self.dropped == 0
    }

    /// "technical update", or "2 paragraphs changed, 1 new, 0 dropped".
    pub fn verdict(&self) -> String {
        if self.is_technical_update() {
            return "technical update".to_string();
        }
        let noun = if self.changed == 1 {
            "paragraph"
        } else {
            "paragraphs"
        };
        format!(
            "{} {noun} changed, {} new, {} dropped",
            self.changed, self.new, self.dropped
        )
    }

    /// Preamble then operative paragraphs.
    pub fn paragraphs(&self) -> impl Iterator<Item = &ParagraphDiff> {
        self.preamble.iter().chain(&self.operative)
    }
}

/// Compares `after` with `before`, its predecessor in a series. Requests are compared from the
/// clauses, so both resolutions should have been classified.
pub fn diff_resolutions(before: &Resolution, after: &Resolution) -> ResolutionDiff {
    let mut words = Interner::default();
    let marks_before: Vec<&str> = before.footnotes.iter().map(|f| f.mark.as_str()).collect();
    let marks_after: Vec<&str> = after.footnotes.iter().map(|f| f.mark.as_str()).collect();
    let pre_before = read_paras(
        before.preamble.iter().map(|p| p.text.as_str()),
        &marks_before,
        &mut words,
    );
    let pre_after = read_paras(
        after.preamble.iter().map(|p| p.text.as_str()),
        &marks_after,
        &mut words,
    );
    let op_before = read_paras(
        before.operative.iter().map(|p| p.text.as_str()),
        &marks_before,
        &mut words,
    );
    let op_after = read_paras(
        after.operative.iter().map(|p| p.text.as_str()),
        &marks_after,
        &mut words,
    );

    let pre_groups = align(&pre_before, &pre_after);
    let op_groups = align(&op_before, &op_after);

    let pre_label = |i: usize| format!("PP{}", i + 1);
    let op_label_before = |i: usize| format!("OP{}", before.operative[i].number);
    let op_label_after = |i: usize| format!("OP{}", after.operative[i].number);

    let mut counts = Counts::default();
    let preamble = render(
        Part::Preamble,
        &pre_groups,
        &pre_before,
        &pre_after,
        &pre_label,
        &pre_label,
        &mut counts,
    );
    let operative = render(
        Part::Operative,
        &op_groups,
        &op_before,
        &op_after,
        &op_label_before,
        &op_label_after,
        &mut counts,
    );
    let requests = compare_requests(before, after, &op_groups);
    ResolutionDiff {
        preamble,
        operative,
        requests,
        changed: counts.changed,
        new: counts.new,
        dropped: counts.dropped,
    }
}

// ---------------------------------------------------------------------------------------------
// Words

/// What a word is for the "updated" comparison: itself, or one of the things a yearly
/// roll-forward changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Punct,
    /// A day, month or year of a date.
    Date,
    /// A resolution or document number: "74/43", "A/75/171", "1540 (2004)".
    Number,
    /// An ordinal naming a session: "seventy-fifth" in "at its seventy-fifth session".
    Session,
}

#[derive(Debug, Clone)]
struct Token<'a> {
    text: &'a str,
    space_before: bool,
    class: Class,
}

/// Gives every distinct word a number, so comparing and counting words is comparing integers.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
}

/// Stands for any date, number or session ordinal in the normalised sequence.
const VARIABLE: u32 = u32::MAX;

impl Interner {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(word.to_string(), id);
        id
    }
}

/// A paragraph read for comparison.
struct Para<'a> {
    tokens: Vec<Token<'a>>,
    /// Exact word ids, punctuation included.
    exact: Vec<u32>,
    /// Word ids with each run of dates, numbers and session ordinals made one [`VARIABLE`].
    normal: Vec<u32>,
    /// Sorted distinct word ids, punctuation, dates and numbers left out: for similarity.
    bag: Vec<u32>,
}

impl<'a> Para<'a> {
    fn new(text: &'a str, marks: &[&str], words: &mut Interner) -> Self {
        let tokens = classify(drop_footnote_marks(tokenize(text), marks));
        let exact: Vec<u32> = tokens.iter().map(|t| words.id(t.text)).collect();
        let mut normal = Vec::with_capacity(exact.len());
        let mut bag = Vec::with_capacity(exact.len());
        for (t, &id) in tokens.iter().zip(&exact) {
            match t.class {
                Class::Date | Class::Number | Class::Session => {
                    if normal.last() != Some(&VARIABLE) {
                        normal.push(VARIABLE);
                    }
                }
                Class::Punct => normal.push(id),
                Class::Word => {
                    normal.push(id);
                    bag.push(id);
                }
            }
        }
        bag.sort_unstable();
        // Distinct words: a list of resolutions "of ... of ... of" must not look like the
        // part of every paragraph that says "of".
        bag.dedup();
        Para {
            tokens,
            exact,
            normal,
            bag,
        }
    }
}

fn read_paras<'a>(
    texts: impl Iterator<Item = &'a str>,
    marks: &[&str],
    words: &mut Interner,
) -> Vec<Para<'a>> {
    texts.map(|t| Para::new(t, marks, words)).collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits text into words and punctuation marks. A word keeps inner hyphens, slashes,
/// apostrophes and full stops ("seventy-fifth", "74/43", "A/75/171", "Secretary-General's").
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut space = false;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let mut end = start + c.len_utf8();
        if is_word_char(c) {
            while let Some(&(i, d)) = chars.peek() {
                if is_word_char(d) {
                    end = i + d.len_utf8();
                    chars.next();
                } else if matches!(d, '-' | '/' | '\'' | '’' | '.') {
                    // Joins only when a word character follows.
                    let rest = &text[i + d.len_utf8()..];
                    if rest.chars().next().is_some_and(is_word_char) {
                        chars.next();
                        end = i + d.len_utf8();
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
        }
        out.push(Token {
            text: &text[start..end],
            space_before: space,
            class: if is_word_char(c) {
                Class::Word
            } else {
                Class::Punct
            },
        });
        space = false;
    }
    out
}

/// Words before a number that make it part of the text, not a footnote mark.
const NUMBERED: [&str; 24] = [
    "paragraph",
    "paragraphs",
    "para",
    "paras",
    "goal",
    "goals",
    "article",
    "articles",
    "rule",
    "rules",
    "principle",
    "principles",
    "annex",
    "chapter",
    "section",
    "item",
    "items",
    "target",
    "targets",
    "no",
    "vol",
    "part",
    "and",
    "to",
];

/// Takes out footnote marks the reader left in the text ("... on 16 September 2005 4 and the
/// adoption", from a PDF whose superscript became a plain digit): a bare number that is one of
/// the resolution's footnote marks and follows no word that numbers things ("paragraph 5")
/// nor continues a list ("1, 2").
fn drop_footnote_marks<'a>(tokens: Vec<Token<'a>>, marks: &[&str]) -> Vec<Token<'a>> {
    if marks.is_empty() {
        return tokens;
    }
    let mut keep = vec![true; tokens.len()];
    for i in 1..tokens.len() {
        let t = tokens[i].text;
        if t.len() > 3 || !is_digits(t) || !marks.contains(&t) {
            continue;
        }
        let prev = tokens[i - 1].text.to_ascii_lowercase();
        let before_prev = if i >= 2 { tokens[i - 2].text } else { "" };
        let next = tokens.get(i + 1).map_or("", |t| t.text);
        let listed = prev == "," && is_digits(before_prev);
        let numbered = NUMBERED.contains(&prev.as_str()) || prev == "(" || prev == "-";
        if !listed && !numbered && !is_month(next) && next != ")" && next != "(" {
            keep[i] = false;
        }
    }
    let mut keep = keep.into_iter();
    tokens
        .into_iter()
        .filter(|_| keep.next().unwrap_or(true))
        .collect()
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn is_month(word: &str) -> bool {
    MONTHS.contains(&word)
}

fn is_digits(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

fn is_year(word: &str) -> bool {
    word.len() == 4 && is_digits(word) && (1900..=2100).contains(&word.parse::<u32>().unwrap_or(0))
}

/// "fifth", "seventy-sixth", "eightieth", any case.
fn is_ordinal(word: &str) -> bool {
    const UNITS: [&str; 19] = [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    const TENTHS: [&str; 9] = [
        "twentieth",
        "thirtieth",
        "fortieth",
        "fiftieth",
        "sixtieth",
        "seventieth",
        "eightieth",
        "ninetieth",
        "hundredth",
    ];
    let w = word.to_ascii_lowercase();
    if UNITS.contains(&w.as_str()) || TENTHS.contains(&w.as_str()) {
        return true;
    }
    if let Some((tens, unit)) = w.split_once('-') {
        return TENS.contains(&tens) && UNITS[..9].contains(&unit);
    }
    // "46th", "1st"
    w.is_ascii()
        && w.len() > 2
        && is_digits(&w[..w.len() - 2])
        && ["st", "nd", "rd", "th"].contains(&&w[w.len() - 2..])
}

/// Marks the words a yearly roll-forward changes: dates, resolution and document numbers,
/// ordinals naming a session. Plain numbers stay words, so "within 30 days" becoming "within
/// 60 days" is a change, not an update.
fn classify(mut tokens: Vec<Token<'_>>) -> Vec<Token<'_>> {
    let n = tokens.len();
    fn text<'a>(i: usize, tokens: &[Token<'a>]) -> &'a str {
        tokens.get(i).map_or("", |t| t.text)
    }
    for i in 0..n {
        if tokens[i].class != Class::Word {
            continue;
        }
        let w = tokens[i].text;
        let class = if is_month(w) || is_year(w) {
            Class::Date
        } else if w.contains('/') && w.bytes().any(|b| b.is_ascii_digit()) {
            Class::Number
        } else if is_digits(w) {
            let prev = if i > 0 { text(i - 1, &tokens) } else { "" };
            if is_month(text(i + 1, &tokens)) || is_month(prev) {
                Class::Date
            } else if text(i + 1, &tokens) == "(" && is_year(text(i + 2, &tokens)) {
                // Security Council style: "1540 (2004)".
                Class::Number
            } else {
                Class::Word
            }
        } else if is_ordinal(w)
            && (1..=3).any(|k| {
                text(i + k, &tokens)
                    .to_ascii_lowercase()
                    .starts_with("session")
            })
        {
            Class::Session
        } else {
            Class::Word
        };
        tokens[i].class = class;
    }
    // "on 12 and 13 April 2010", "from 13 to 18 September": a day before another day.
    for i in (0..n).rev() {
        if tokens[i].class == Class::Word
            && is_digits(tokens[i].text)
            && matches!(text(i + 1, &tokens), "and" | "to" | "-" | "–" | ",")
            && tokens.get(i + 2).is_some_and(|t| t.class == Class::Date)
        {
            tokens[i].class = Class::Date;
        }
    }
    tokens
}

// ---------------------------------------------------------------------------------------------
// Alignment

/// Earlier paragraphs and the later paragraphs they correspond to: one to one, one split into
/// several, several merged into one, or one side empty (new, dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    before: Vec<usize>,
    after: Vec<usize>,
    moved: bool,
}

/// Two paragraphs with at least this share of words in common (Dice) are the same paragraph.
const SAME_PARAGRAPH: f64 = 0.5;
/// A part of a split (or merge) has at least this share of its words in the whole.
const PART_OF: f64 = 0.8;

/// Fewest words of a part of a split or merge: shorter paragraphs ("Recalling its resolution
/// 77/181,") are found inside too many others to say where they came from.
const MIN_PART: usize = 8;

/// Words in common between two sorted bags.
fn common(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn dice(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * common(a, b) as f64 / (a.len() + b.len()) as f64
}

/// Share of `part`'s words found in `whole`.
fn containment(part: &[u32], whole: &[u32]) -> f64 {
    if part.is_empty() {
        return 0.0;
    }
    common(part, whole) as f64 / part.len() as f64
}

fn union_bag<'b>(paras: impl Iterator<Item = &'b [u32]>) -> Vec<u32> {
    let mut all: Vec<u32> = paras.flatten().copied().collect();
    all.sort_unstable();
    all
}

/// Aligns the paragraphs of one part of two texts; groups come in the later text's order,
/// dropped paragraphs after the group holding their predecessor.
fn align(before: &[Para], after: &[Para]) -> Vec<Group> {
    let mut of_before: Vec<Option<usize>> = vec![None; before.len()];
    let mut of_after: Vec<Option<usize>> = vec![None; after.len()];

    // Same words up to dates and numbers first: most of a series' text.
    for (j, b) in after.iter().enumerate() {
        if let Some(i) =
            (0..before.len()).find(|&i| of_before[i].is_none() && before[i].normal == b.normal)
        {
            of_before[i] = Some(j);
            of_after[j] = Some(i);
        }
    }
    // Then the most similar remaining pairs, nearer positions first on ties.
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, a) in before.iter().enumerate() {
        if of_before[i].is_some() {
            continue;
        }
        for (j, b) in after.iter().enumerate() {
            if of_after[j].is_some() {
                continue;
            }
            let s = dice(&a.bag, &b.bag);
            if s >= SAME_PARAGRAPH {
                pairs.push((s, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| x.1.abs_diff(x.2).cmp(&y.1.abs_diff(y.2)))
    });
    for (_, i, j) in pairs {
        if of_before[i].is_none() && of_after[j].is_none() {
            of_before[i] = Some(j);
            of_after[j] = Some(i);
        }
    }

    let mut groups: Vec<Group> = Vec::new();
    let mut in_group_before = vec![false; before.len()];
    let mut in_group_after = vec![false; after.len()];
    // Splits: one earlier paragraph whose words are spread over neighbouring later ones.
    for (i, whole) in before.iter().enumerate() {
        if let Some(parts) = find_parts(&whole.bag, of_before[i], after, &of_after, &in_group_after)
        {
            for &j in &parts {
                in_group_after[j] = true;
                if let Some(other) = of_after[j].filter(|&o| o != i) {
                    // The part had been paired alone with another paragraph: that one is
                    // now unpaired.
                    of_before[other] = None;
                }
            }
            in_group_before[i] = true;
            groups.push(Group {
                before: vec![i],
                after: parts,
                moved: false,
            });
        }
    }
    // Merges: the same the other way.
    for (j, whole) in after.iter().enumerate() {
        if in_group_after[j] {
            continue;
        }
        if let Some(parts) = find_parts(
            &whole.bag,
            of_after[j],
            before,
            &of_before,
            &in_group_before,
        ) {
            for &i in &parts {
                in_group_before[i] = true;
                if let Some(other) = of_before[i].filter(|&o| o != j) {
                    of_after[other] = None;
                }
            }
            in_group_after[j] = true;
            groups.push(Group {
                before: parts,
                after: vec![j],
                moved: false,
            });
        }
    }
    for j in 0..after.len() {
        if in_group_after[j] {
            continue;
        }
        match of_after[j].filter(|&i| !in_group_before[i]) {
            Some(i) => {
                in_group_before[i] = true;
                groups.push(Group {
                    before: vec![i],
                    after: vec![j],
                    moved: false,
                });
            }
            None => groups.push(Group {
                before: vec![],
                after: vec![j],
                moved: false,
            }),
        }
        in_group_after[j] = true;
    }
    mark_moves(&mut groups);
    groups.sort_by_key(|g| g.after.first().copied().unwrap_or(usize::MAX));
    // Dropped paragraphs go after the group that holds the paragraph before them.
    for (i, _) in in_group_before
        .iter()
        .enumerate()
        .filter(|(_, taken)| !**taken)
    {
        let at = groups
            .iter()
            .position(|g| g.before.iter().any(|&b| b > i))
            .unwrap_or(groups.len());
        groups.insert(
            at,
            Group {
                before: vec![i],
                after: vec![],
                moved: false,
            },
        );
    }
    groups
}

/// Neighbouring paragraphs of `side` (at least two, each mostly made of `whole`'s words)
/// that together cover `whole` clearly better than its one-to-one partner alone.
fn find_parts(
    whole: &[u32],
    partner: Option<usize>,
    side: &[Para],
    paired: &[Option<usize>],
    taken: &[bool],
) -> Option<Vec<usize>> {
    let is_part = |k: usize| {
        !taken[k]
            && side[k].bag.len() >= MIN_PART
            && (paired[k].is_none() || Some(k) == partner)
            && containment(&side[k].bag, whole) >= PART_OF
    };
    if whole.len() < 2 * MIN_PART {
        return None;
    }
    let seed = match partner {
        Some(p) if is_part(p) => p,
        Some(_) => return None,
        None => (0..side.len()).filter(|&k| is_part(k)).max_by(|&x, &y| {
            containment(whole, &side[x].bag).total_cmp(&containment(whole, &side[y].bag))
        })?,
    };
    let (mut lo, mut hi) = (seed, seed);
    while lo > 0 && is_part(lo - 1) {
        lo -= 1;
    }
    while hi + 1 < side.len() && is_part(hi + 1) {
        hi += 1;
    }
    if lo == hi {
        return None;
    }
    let alone = containment(whole, &side[seed].bag);
    let together = containment(whole, &union_bag((lo..=hi).map(|k| side[k].bag.as_slice())));
    let fits = dice(whole, &union_bag((lo..=hi).map(|k| side[k].bag.as_slice())));
    (together - alone >= 0.15 && fits >= SAME_PARAGRAPH).then(|| (lo..=hi).collect())
}

/// Marks the groups outside the longest run kept in order as moved.
fn mark_moves(groups: &mut [Group]) {
    let mut paired: Vec<usize> = (0..groups.len())
        .filter(|&g| !groups[g].before.is_empty() && !groups[g].after.is_empty())
        .collect();
    paired.sort_by_key(|&g| groups[g].after[0]);
    let keys: Vec<usize> = paired.iter().map(|&g| groups[g].before[0]).collect();
    let keep = longest_increasing(&keys);
    for (k, &g) in paired.iter().enumerate() {
        if !keep[k] {
            groups[g].moved = true;
        }
    }
}

/// Which elements form a longest strictly increasing subsequence.
fn longest_increasing(keys: &[usize]) -> Vec<bool> {
    let n = keys.len();
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        let pos = tails.partition_point(|&t| keys[t] < keys[i]);
        prev[i] = pos.checked_sub(1).map(|p| tails[p]);
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut keep = vec![false; n];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        keep[i] = true;
        at = prev[i];
    }
    keep
}

// ---------------------------------------------------------------------------------------------
// Words added and removed

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Index into the later tokens.
    Same(usize),
    /// Index into the earlier tokens.
    Removed(usize),
    Added(usize),
}

/// Largest middle part (earlier words × later words) compared word by word; beyond it the
/// middle is shown removed then added, which keeps a pathological pair from taking seconds.
const MAX_TABLE: usize = 4_000_000;

/// The shortest edit from `a` to `b` as a longest common subsequence.
fn word_ops(a: &[u32], b: &[u32]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<Op> = (0..prefix).map(Op::Same).collect();
    let (n, m) = (ma.len(), mb.len());
    if n * m > MAX_TABLE {
        ops.extend((0..n).map(|i| Op::Removed(prefix + i)));
        ops.extend((0..m).map(|j| Op::Added(prefix + j)));
    } else {
        // lcs[i][j]: longest common subsequence of ma[i..] and mb[j..].
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                ops.push(Op::Same(prefix + j));
                i += 1;
                j += 1;
            } else if j < m && (i == n || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j]) {
                ops.push(Op::Added(prefix + j));
                j += 1;
            } else {
                ops.push(Op::Removed(prefix + i));
                i += 1;
            }
        }
    }
    ops.extend((0..suffix).map(|k| Op::Same(b.len() - suffix + k)));
    ops
}

#[derive(Default)]
struct Counts {
    changed: usize,
    new: usize,
    dropped: usize,
}

/// Turns groups into paragraph comparisons with their words marked.
#[allow(clippy::too_many_arguments)]
fn render(
    part: Part,
    groups: &[Group],
    before: &[Para],
    after: &[Para],
    label_before: &dyn Fn(usize) -> String,
    label_after: &dyn Fn(usize) -> String,
    counts: &mut Counts,
) -> Vec<ParagraphDiff> {
    let mut out = Vec::new();
    for g in groups {
        let labels: Vec<String> = g.before.iter().map(|&i| label_before(i)).collect();
        if g.after.is_empty() {
            counts.dropped += 1;
            let i = g.before[0];
            out.push(ParagraphDiff {
                part,
                mark: Mark::Dropped,
                before: labels,
                after: None,
                moved: false,
                split: false,
                merged: false,
                segments: segments(before[i].tokens.iter().map(|t| (SegmentKind::Removed, t))),
            });
            continue;
        }
        if g.before.is_empty() {
            counts.new += 1;
            let j = g.after[0];
            out.push(ParagraphDiff {
                part,
                mark: Mark::New,
                before: labels,
                after: Some(label_after(j)),
                moved: false,
                split: false,
                merged: false,
                segments: segments(after[j].tokens.iter().map(|t| (SegmentKind::Added, t))),
            });
            continue;
        }
        // Both sides as one run of words each, so a split or merge compares as a whole.
        let (mut a_tokens, mut a_exact, mut a_normal): (Vec<&Token>, Vec<u32>, Vec<u32>) =
            (Vec::new(), Vec::new(), Vec::new());
        for &i in &g.before {
            a_tokens.extend(before[i].tokens.iter());
            a_exact.extend(&before[i].exact);
            a_normal.extend(&before[i].normal);
        }
        let (mut b_tokens, mut b_exact, mut b_normal, mut b_owner): (
            Vec<&Token>,
            Vec<u32>,
            Vec<u32>,
            Vec<usize>,
        ) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (k, &j) in g.after.iter().enumerate() {
            b_tokens.extend(after[j].tokens.iter());
            b_exact.extend(&after[j].exact);
            b_normal.extend(&after[j].normal);
            b_owner.extend(std::iter::repeat_n(k, after[j].tokens.len()));
        }
        let mark = if a_exact == b_exact {
            Mark::Unchanged
        } else if a_normal == b_normal {
            Mark::Updated
        } else {
            Mark::Changed
        };
        let split = g.after.len() > 1;
        let merged = g.before.len() > 1;
        if mark == Mark::Changed || split || merged {
            counts.changed += 1;
        }
        let ops = word_ops(&a_exact, &b_exact);
        // Each later paragraph gets the operations up to its last word; removed words between
        // two parts go with the part before them.
        let mut per_part: Vec<Vec<(SegmentKind, &Token)>> = vec![Vec::new(); g.after.len()];
        let mut current = 0;
        for op in ops {
            match op {
                Op::Same(j) => {
                    current = b_owner[j];
                    per_part[current].push((SegmentKind::Same, b_tokens[j]));
                }
                Op::Added(j) => {
                    current = b_owner[j];
                    per_part[current].push((SegmentKind::Added, b_tokens[j]));
                }
                Op::Removed(i) => per_part[current].push((SegmentKind::Removed, a_tokens[i])),
            }
        }
        for (k, &j) in g.after.iter().enumerate() {
            out.push(ParagraphDiff {
                part,
                mark,
                before: labels.clone(),
                after: Some(label_after(j)),
                moved: g.moved,
                split,
                merged,
                segments: segments(per_part[k].iter().copied()),
            });
        }
    }
    out
}

/// Joins marked words into runs, spaced as printed.
fn segments<'t, 'a: 't>(words: impl Iterator<Item = (SegmentKind, &'t Token<'a>)>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for (kind, t) in words {
        let space = t.space_before;
        match out.last_mut() {
            Some(last) if last.kind == kind => {
                if space {
                    last.text.push(' ');
                }
                last.text.push_str(t.text);
            }
            _ => out.push(Segment {
                kind,
                space_before: space && !out.is_empty(),
                text: t.text.to_string(),
            }),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Requests

/// A deadline relative to the resolution that sets it, so that the yearly step forward
/// compares equal: "+1 GA session", "+0 year, 31 May".
fn deadline_key(d: &DeadlineKind, own: &Resolution) -> String {
    let year = own.adopted_on.map(|d| chrono::Datelike::year(&d));
    match *d {
        DeadlineKind::Session { body, session } => match own.session {
            Some(s) if own.body == Some(body) => {
                format!("{} session {:+}", body.code(), session - s)
            }
            _ => format!("{} session {session}", body.code()),
        },
        DeadlineKind::Date { date } => {
            use chrono::Datelike;
            match year {
                Some(y) => format!("{}-{} {:+}", date.month(), date.day(), date.year() - y),
                None => date.to_string(),
            }
        }
        DeadlineKind::Month { year: dy, month } => match year {
            Some(y) => format!("month {month} {:+}", dy - y),
            None => format!("month {month} {dy}"),
        },
        DeadlineKind::Year { year: dy } => match year {
            Some(y) => format!("year {:+}", dy - y),
            None => format!("year {dy}"),
        },
        DeadlineKind::Within { amount, unit } => format!("within {amount} {}", unit.as_str()),
        DeadlineKind::Periodic { amount, unit } => format!("every {amount} {}", unit.as_str()),
    }
}

fn actor_names(c: &Clause) -> Vec<String> {
    let mut names: Vec<String> = c
        .actors
        .iter()
        .map(|a| a.canonical.clone().unwrap_or_else(|| a.name.clone()))
        .collect();
    names.sort();
    names.dedup();
    names
}

struct Tracked<'r> {
    clause: &'r Clause,
    label: String,
    actors: Vec<String>,
    deadlines: Vec<String>,
}

fn tracked<'r>(res: &'r Resolution, paragraphs: &[usize]) -> Vec<Tracked<'r>> {
    let mut out = Vec::new();
    for &i in paragraphs {
        let p = &res.operative[i];
        for c in p.clauses.iter().filter(|c| c.is_tracked()) {
            let mut deadlines: Vec<String> = c
                .deadlines
                .iter()
                .map(|d| deadline_key(&d.kind, res))
                .collect();
            deadlines.sort();
            out.push(Tracked {
                clause: c,
                label: format!("OP{}", p.number),
                actors: actor_names(c),
                deadlines,
            });
        }
    }
    out
}

fn change(kind: RequestChangeKind, old: Option<&Tracked>, new: Option<&Tracked>) -> RequestChange {
    let printed = |t: Option<&Tracked>| {
        t.map(|t| t.clause.deadlines.iter().map(|d| d.text.clone()).collect())
            .unwrap_or_default()
    };
    RequestChange {
        kind,
        verb: new
            .or(old)
            .map(|t| t.clause.verb.clone())
            .unwrap_or_default(),
        paragraph_before: old.map(|t| t.label.clone()),
        paragraph_after: new.map(|t| t.label.clone()),
        actors_before: old.map(|t| t.actors.clone()).unwrap_or_default(),
        actors_after: new.map(|t| t.actors.clone()).unwrap_or_default(),
        deadlines_before: printed(old),
        deadlines_after: printed(new),
        text: new
            .or(old)
            .map(|t| t.clause.text.clone())
            .unwrap_or_default(),
    }
}

/// Requests of aligned operative paragraphs paired by verb and actors; what is left is new or
/// dropped.
fn compare_requests(
    before: &Resolution,
    after: &Resolution,
    groups: &[Group],
) -> Vec<RequestChange> {
    let mut out = Vec::new();
    for g in groups {
        let old = tracked(before, &g.before);
        let new = tracked(after, &g.after);
        let mut used = vec![false; old.len()];
        let mut unpaired = Vec::new();
        for (k, n) in new.iter().enumerate() {
            match (0..old.len()).find(|&o| {
                !used[o] && old[o].clause.verb == n.clause.verb && old[o].actors == n.actors
            }) {
                Some(o) => {
                    used[o] = true;
                    if old[o].deadlines != n.deadlines {
                        out.push(change(
                            RequestChangeKind::DeadlineChanged,
                            Some(&old[o]),
                            Some(n),
                        ));
                    }
                }
                None => unpaired.push(k),
            }
        }
        for k in unpaired {
            let n = &new[k];
            match (0..old.len()).find(|&o| !used[o] && old[o].clause.verb == n.clause.verb) {
                Some(o) => {
                    used[o] = true;
                    out.push(change(
                        RequestChangeKind::ActorChanged,
                        Some(&old[o]),
                        Some(n),
                    ));
                }
                None => out.push(change(RequestChangeKind::New, None, Some(n))),
            }
        }
        for (o, t) in old.iter().enumerate() {
            if !used[o] {
                out.push(change(RequestChangeKind::Dropped, Some(t), None));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolution::{SessionCalendar, read_resolution};
    use std::path::Path;

    fn read_text(text: &str) -> Resolution {
        read_resolution(text, &SessionCalendar::builtin()).expect("a resolution")
    }

    /// A text of the project: the demo (`src/demo/`) or real pairs copied from the shared corpus
    /// (`tests/fixtures/corpus/`), so that the tests need nothing outside the checkout.
    fn read(path: &str) -> Resolution {
        let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let text =
            std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
        read_text(&text)
    }

    fn find<'d>(d: &'d ResolutionDiff, after: &str) -> &'d ParagraphDiff {
        d.paragraphs()
            .find(|p| p.after.as_deref() == Some(after))
            .unwrap_or_else(|| panic!("no paragraph {after}"))
    }

    fn words(p: &ParagraphDiff, kind: SegmentKind) -> Vec<String> {
        p.segments
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.text.trim().to_string())
            .collect()
    }

    #[test]
    fn marks_every_paragraph_of_75_58_against_74_43() {
        let d = diff_resolutions(
            &read("src/demo/A-RES-74-43.txt"),
            &read("src/demo/A-RES-75-58.txt"),
        );
        // Checked by hand against the two texts.
        use Mark::*;
        let expected = [
            ("PP1", Updated), // Recalling its resolution 73/55 of 5 December 2018 -> 74/43 of 12 December 2019
            ("PP2", Unchanged), // Recognizing the determination
            ("PP3", Unchanged), // Deeply concerned
            ("PP4", Unchanged), // Cognizant ... 1540 (2004)
            ("PP5", Unchanged), // Taking note of ... 2325 (2016)
            ("PP6", Unchanged), // Welcoming the entry into force
            ("PP7", Unchanged), // Welcoming also the adoption ... amendments
            ("PP8", Changed), // Seventeenth Conference, Margarita Island -> Eighteenth Summit, Baku
            ("PP9", Unchanged), // Noting also that the Group of Eight
            ("PP10", Unchanged), // Noting further ... Nuclear Security Summit
            ("PP11", Unchanged), // Noting the holding of the high-level meeting
            ("PP12", Unchanged), // Acknowledging ... Advisory Board
            ("PP13", Unchanged), // Taking note of the holding by the IAEA
            ("PP14", Unchanged), // Taking note also of the Code of Conduct
            ("PP15", Unchanged), // Taking note further of the 2005 World Summit Outcome
            ("PP16", Updated), // report ... pursuant to paragraph 5 of resolution 73/55 -> 74/43
            ("PP17", Unchanged), // Mindful
            ("PP18", Unchanged), // Emphasizing
            ("OP1", Unchanged), // Calls upon
            ("OP2", Unchanged), // Appeals
            ("OP3", Unchanged), // Urges
            ("OP4", Unchanged), // Encourages cooperation
            ("OP5", Updated), // report ... at its seventy-fifth -> seventy-sixth session
            ("OP6", Updated), // provisional agenda of its seventy-fifth -> seventy-sixth session
        ];
        let got: Vec<(String, Mark)> = d
            .paragraphs()
            .map(|p| (p.after.clone().unwrap_or_default(), p.mark))
            .collect();
        let want: Vec<(String, Mark)> = expected.iter().map(|(l, m)| (l.to_string(), *m)).collect();
        assert_eq!(got, want);
        for p in d.paragraphs() {
            assert_eq!(
                p.before,
                [p.after.clone().unwrap()],
                "each from its namesake"
            );
            assert!(!p.moved && !p.split && !p.merged);
        }
        assert_eq!(d.verdict(), "1 paragraph changed, 0 new, 0 dropped");
        // The report and the agenda item step forward one session, as every year: no request
        // changed for the tracker.
        assert_eq!(d.requests, []);
        let pp8 = find(&d, "PP8");
        assert_eq!(
            words(pp8, SegmentKind::Removed),
            [
                "Seventeenth Conference",
                "Margarita Island, Bolivarian Republic of Venezuela, from 13 to 18 September 2016"
            ]
        );
        assert_eq!(
            words(pp8, SegmentKind::Added),
            ["Eighteenth Summit", "in Baku", "25 and 26 October 2019"]
        );
        let op5 = find(&d, "OP5");
        assert_eq!(words(op5, SegmentKind::Removed), ["seventy-fifth"]);
        assert_eq!(words(op5, SegmentKind::Added), ["seventy-sixth"]);
    }

    #[test]
    fn a_paragraph_moved_up_in_79_150_is_matched_to_its_place_in_78_176() {
        // 78/176 OP7 ("Encourages Member States, as part of the preparations for the thirtieth
        // anniversary ...") comes before OP6 ("Invites relevant stakeholders ...") in 79/150.
        let d = diff_resolutions(
            &read("tests/fixtures/corpus/A-RES-78-176.txt"),
            &read("tests/fixtures/corpus/A-RES-79-150.txt"),
        );
        let moved = find(&d, "OP7");
        assert_eq!(moved.before, ["OP7"]);
        assert!(moved.moved);
        assert_eq!(moved.mark, Mark::Changed);
        assert_eq!(words(moved, SegmentKind::Removed), ["to"]);
        assert_eq!(words(moved, SegmentKind::Added), ["into"]);
        let stayed = find(&d, "OP8");
        assert_eq!(stayed.before, ["OP6"]);
        assert!(!stayed.moved);
        assert_eq!(stayed.mark, Mark::Unchanged);
        // The new OP3 pushes the rest down by one without moving them.
        let pushed = find(&d, "OP5");
        assert_eq!(
            (pushed.before.as_slice(), pushed.moved),
            (&["OP4".to_string()][..], false)
        );
        assert_eq!(find(&d, "OP3").mark, Mark::New);
    }

    #[test]
    fn two_appeals_of_882_made_one_paragraph_in_898_are_shown_merged() {
        let d = diff_resolutions(
            &read("tests/fixtures/corpus/S-RES-882-1993.txt"),
            &read("tests/fixtures/corpus/S-RES-898-1994.txt"),
        );
        let merged = find(&d, "OP13");
        assert_eq!(merged.before, ["OP14", "OP15"]);
        assert!(merged.merged && !merged.split);
        assert_eq!(merged.mark, Mark::Changed);
        assert!(words(merged, SegmentKind::Added).contains(&"and also".to_string()));
        assert!(
            words(merged, SegmentKind::Removed)
                .contains(&"upon the approval of the electoral law".to_string())
        );
        assert!(
            !d.paragraphs()
                .any(|p| p.mark == Mark::Dropped && (p.before == ["OP14"] || p.before == ["OP15"]))
        );
    }

    #[test]
    fn one_paragraph_made_two_is_shown_split() {
        // No consecutive pair of the shared corpus splits a paragraph, so the real merge of
        // 882/898 is read the other way: 898 OP13 became 882 OP14 and OP15.
        let d = diff_resolutions(
            &read("tests/fixtures/corpus/S-RES-898-1994.txt"),
            &read("tests/fixtures/corpus/S-RES-882-1993.txt"),
        );
        for label in ["OP14", "OP15"] {
            let part = find(&d, label);
            assert_eq!(part.before, ["OP13"], "{label}");
            assert!(part.split && !part.merged, "{label}");
        }
        // The words of each part stay with that part.
        let first = find(&d, "OP14");
        assert!(
            first
                .segments
                .iter()
                .any(|s| s.kind == SegmentKind::Same && s.text.contains("necessary financial"))
        );
        let second = find(&d, "OP15");
        assert!(
            second
                .segments
                .iter()
                .any(|s| s.kind == SegmentKind::Same && s.text.contains("Trust Fund"))
        );
        assert_eq!(d.paragraphs().filter(|p| p.split).count(), 2);
    }

    #[test]
    fn a_paragraph_where_only_the_session_changed_is_updated() {
        let d = diff_resolutions(
            &read("tests/fixtures/corpus/A-RES-79-27.txt"),
            &read("tests/fixtures/corpus/A-RES-80-42.txt"),
        );
        for label in ["OP8", "OP9"] {
            let p = find(&d, label);
            assert_eq!(p.mark, Mark::Updated, "{label}");
            assert_eq!(words(p, SegmentKind::Removed), ["eightieth"]);
            assert_eq!(words(p, SegmentKind::Added), ["eighty-first"]);
        }
        // "States party" became "States Party": a change of words, however small.
        assert_eq!(find(&d, "OP5").mark, Mark::Changed);
        assert_eq!(d.verdict(), "2 paragraphs changed, 0 new, 0 dropped");
    }

    #[test]
    fn a_text_that_only_rolls_forward_is_a_technical_update() {
        let d = diff_resolutions(
            &read("tests/fixtures/corpus/A-RES-79-76.txt"),
            &read("tests/fixtures/corpus/A-RES-80-69.txt"),
        );
        assert!(d.is_technical_update());
        assert_eq!(d.verdict(), "technical update");
        assert_eq!(find(&d, "PP1").mark, Mark::Updated);
    }

    #[test]
    fn requests_with_another_actor_or_deadline_or_new_are_listed() {
        let before = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/A-RES-75-58.txt"),
        )
        .unwrap();
        let after = before
            .replace(
                "*Requests* the Secretary-General to compile",
                "*Requests* the Office for Disarmament Affairs to compile",
            )
            .replace(
                "to report to the General Assembly at its seventy-sixth session",
                "to report to the General Assembly at its seventy-eighth session",
            )
            .replace(
                "*Encourages* cooperation",
                "*Invites* Member States to report on cooperation",
            );
        let d = diff_resolutions(&read_text(&before), &read_text(&after));
        let kinds: Vec<(RequestChangeKind, Option<&str>)> = d
            .requests
            .iter()
            .map(|r| (r.kind, r.paragraph_after.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                (RequestChangeKind::New, Some("OP4")),
                (RequestChangeKind::ActorChanged, Some("OP5")),
            ]
        );
        let op5 = &d.requests[1];
        assert_eq!(op5.actors_before, ["Secretary-General"]);
        assert_eq!(op5.deadlines_after, ["seventy-eighth session"]);
        // The deadline alone moving by more than the yearly step is listed too.
        let later = before.replace(
            "to report to the General Assembly at its seventy-sixth session",
            "to report to the General Assembly at its seventy-eighth session",
        );
        let d = diff_resolutions(&read_text(&before), &read_text(&later));
        assert_eq!(d.requests.len(), 1);
        assert_eq!(d.requests[0].kind, RequestChangeKind::DeadlineChanged);
        assert_eq!(d.requests[0].deadlines_before, ["seventy-sixth session"]);
    }

    #[test]
    fn plain_numbers_are_words_but_dates_and_resolution_numbers_are_not() {
        let mut w = Interner::default();
        let a = Para::new(
            "to report within 30 days of 5 May 2020 under resolution 74/43",
            &[],
            &mut w,
        );
        let b = Para::new(
            "to report within 60 days of 7 June 2021 under resolution 75/58",
            &[],
            &mut w,
        );
        let c = Para::new(
            "to report within 30 days of 7 June 2021 under resolution 75/58",
            &[],
            &mut w,
        );
        assert_ne!(a.normal, b.normal);
        assert_eq!(a.normal, c.normal);
    }

    #[test]
    fn footnote_marks_left_in_the_text_are_not_words_but_paragraph_numbers_are() {
        let mut w = Interner::default();
        let marked = Para::new(
            "on 16 September 2005 4 and the adoption, pursuant to paragraph 5 of resolution 73/55,",
            &["4", "5"],
            &mut w,
        );
        let texts: Vec<&str> = marked.tokens.iter().map(|t| t.text).collect();
        assert!(!texts.contains(&"4"));
        assert!(texts.contains(&"5"));
    }

    #[test]
    fn odd_text_compares_without_panicking() {
        let mut w = Interner::default();
        for t in [
            "people’s 1st",
            "’’’",
            "a-",
            "—/—",
            "46th plenary",
            "x’s9",
            "",
        ] {
            let p = Para::new(t, &["1"], &mut w);
            let q = Para::new("people’s", &[], &mut w);
            let _ = word_ops(&p.exact, &q.exact);
        }
    }
}
