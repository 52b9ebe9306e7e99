//! Classifying one operative paragraph: splitting it into clauses at each operative verb
//! that governs its own object, and giving each clause its verb, action class, actors,
//! deliverables and deadlines.

use super::actor::{self, ObjectForm};
use super::calendar::SessionCalendar;
use super::deadline::{self, Found};
use super::model::{Action, Actor, Body, Clause};
use super::verb::{self, CONNECTORS, VerbMatch};

pub use super::deadline::Context;

/// A word of the paragraph with its byte range.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

/// Byte classes for [`tokenize`]: most text is ASCII, which a table decides in one load.
const ASCII_WORD: u8 = 1;
const HYPHEN: u8 = 2;
const NON_ASCII: u8 = 4;
/// Bytes that continue a word without a closer look.
const IN_WORD: u8 = ASCII_WORD | HYPHEN;
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 {
            NON_ASCII
        } else if c.is_ascii_alphanumeric() {
            ASCII_WORD
        } else if c == b'-' {
            HYPHEN
        } else {
            0
        };
        b += 1;
    }
    t
};

fn tokenize(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(s.len() / 4);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let class = BYTE_CLASS[bytes[i] as usize];
        if class == ASCII_WORD || class == NON_ASCII && s.is_char_boundary(i) && is_word_char(s, i)
        {
            let start = i;
            loop {
                while i < bytes.len() && BYTE_CLASS[bytes[i] as usize] & IN_WORD != 0 {
                    i += 1;
                }
                if i < bytes.len()
                    && BYTE_CLASS[bytes[i] as usize] == NON_ASCII
                    && s.is_char_boundary(i)
                    && is_word_char(s, i)
                {
                    i += s[i..].chars().next().map_or(1, char::len_utf8);
                    continue;
                }
                break;
            }
            out.push(Token {
                start,
                end: i,
                text: &s[start..i],
            });
        } else {
            i += 1;
        }
    }
    out
}

fn is_word_char(s: &str, i: usize) -> bool {
    s[i..].chars().next().is_some_and(char::is_alphanumeric)
}

/// Whitespace collapsed, italics markers and footnote-free text kept as is.
fn normalize(text: &str) -> String {
    if is_normal(text) {
        return join_broken_hyphens(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut rest = text;
    while !rest.is_empty() {
        // A run of plain ASCII (no space, no "*") is copied in one piece.
        let plain = rest
            .bytes()
            .position(|b| b >= 0x80 || b == b'*' || b.is_ascii_whitespace() || b == 0x0b)
            .unwrap_or(rest.len());
        if plain > 0 {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(&rest[..plain]);
            rest = &rest[plain..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        match c {
            '*' => {}
            c if c.is_whitespace() => space = true,
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    join_broken_hyphens(out)
}

/// True when [`normalize`] would give `text` back as it is: no "*", and no whitespace but
/// single spaces between words. Most paragraphs are already so and need no rebuilding.
fn is_normal(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // Whole-text scans (memchr) rather than a byte loop: the answer is almost always yes.
    if memchr::memchr3(b'*', b'\t', b'\n', bytes).is_some()
        || memchr::memchr3(0x0b, 0x0c, b'\r', bytes).is_some()
        || DOUBLE_SPACE.find(bytes).is_some()
    {
        return false;
    }
    // Whitespace beyond ASCII (no-break space, em space, ...) starts with one of these bytes.
    let wide_space = |at: usize| text[at..].chars().next().is_some_and(char::is_whitespace);
    !memchr::memchr3_iter(0xc2, 0xe1, 0xe2, bytes).any(wide_space)
        && !memchr::memchr_iter(0xe3, bytes).any(wide_space)
}

/// "nuclear- weapon" (a PDF line break) becomes "nuclear-weapon"; "mine- and" stays.
fn join_broken_hyphens(s: String) -> String {
    if !s.contains("- ") {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find("- ") {
        let before_ok = rest[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
        let next = rest[i + 2..].split(' ').next().unwrap_or("");
        let join = before_ok
            && !matches!(next, "and" | "or" | "to" | "")
            && next.starts_with(|c: char| c.is_lowercase());
        out.push_str(&rest[..i + 1]);
        if !join {
            out.push(' ');
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// Titles of single persons a "him" or "her" stands for.
const PERSON_TITLES: &[&str] = &[
    "Secretary-General",
    "High Commissioner",
    "Special Rapporteur",
    "Special Envoy",
    "Special Representative",
    "Independent Expert",
    "President",
    "Director-General",
    "Executive Director",
    "Prosecutor",
    "Chair",
    "Ombudsperson",
];

/// The person a pronoun stands for: the title named last before the clause. Each stretch of
/// the paragraph is searched once, however many clauses of it ask.
#[derive(Default)]
struct LastTitle {
    /// How far the paragraph has been searched.
    searched: usize,
    /// Where the last title found starts, and which it is.
    last: Option<(usize, &'static str)>,
}

impl LastTitle {
    fn actors_before(&mut self, text: &str, at: usize) -> Vec<Actor> {
        if at > self.searched {
            // A title may straddle the end of the previous search: start again a title back.
            let longest = PERSON_TITLES.iter().map(|t| t.len()).max().unwrap_or(0);
            let mut from = self.searched.saturating_sub(longest);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let stretch = &text[from..at];
            let found = PERSON_TITLES
                .iter()
                .filter_map(|t| stretch.rfind(t).map(|p| (from + p, *t)))
                .max_by_key(|(p, _)| *p);
            if let Some(found) = found
                && self.last.is_none_or(|(p, _)| found.0 >= p)
            {
                self.last = Some(found);
            }
            self.searched = at;
        }
        self.last
            .and_then(|(_, t)| actor::actor(t))
            .into_iter()
            .collect()
    }
}

/// Where a clause starts: its connector words, then its verb phrase.
#[derive(Debug, Clone)]
struct Start {
    /// Token index of the first connector (or of the verb when there is none).
    lead: usize,
    /// Token index of the verb phrase.
    verb_at: usize,
    verb: VerbMatch,
}

/// For each first letter a..z, a bit per length that the first word of some connector has.
static CONNECTOR_SHAPES: std::sync::LazyLock<[u16; 26]> = std::sync::LazyLock::new(|| {
    let mut shapes = [0u16; 26];
    for c in CONNECTORS {
        let lead = c[0].as_bytes()[0];
        if lead.is_ascii_lowercase() && c[0].len() < 16 {
            shapes[usize::from(lead - b'a')] |= 1 << c[0].len();
        }
    }
    shapes
});

/// Number of tokens of a connector ("in this regard", "also") at `i`, if any.
fn connector_len(tokens: &[Token<'_>], i: usize) -> Option<usize> {
    let first = tokens.get(i)?.text;
    // No connector starts with a word of this first letter and length: most words stop here.
    let lead = first.as_bytes().first()?.to_ascii_lowercase();
    if first.len() > 13
        || !lead.is_ascii_lowercase()
        || CONNECTOR_SHAPES[usize::from(lead - b'a')] & (1 << first.len()) == 0
    {
        return None;
    }
    // Only connectors whose first word is this one need their other words compared.
    CONNECTORS.iter().find_map(|c| {
        (c[0].eq_ignore_ascii_case(first)
            && i + c.len() <= tokens.len()
            && c[1..]
                .iter()
                .zip(&tokens[i + 1..])
                .all(|(w, t)| t.text.eq_ignore_ascii_case(w)))
        .then_some(c.len())
    })
}

/// Sub-paragraph label just before token `i`: "(a) ", "(ii) ".
fn after_label(text: &str, tokens: &[Token<'_>], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let prev = tokens[i - 1];
    // Cheapest tests first: this runs at every word of the paragraph.
    prev.text.len() <= 4
        && text.as_bytes()[prev.end..tokens[i].start].contains(&b')')
        && prev.text.bytes().all(|b| b.is_ascii_lowercase())
        && text[prev.end..tokens[i].start].trim() == ")"
        && text[..prev.start].ends_with('(')
}

fn find_starts(text: &str, tokens: &[Token<'_>]) -> Vec<Start> {
    let mut starts = Vec::new();
    let words: Vec<&str> = tokens.iter().map(|t| t.text).collect();
    // The paragraph's own verb, after any connectors or a stray label.
    let mut i = 0;
    while let Some(n) = connector_len(tokens, i) {
        i += n;
    }
    if let Some(v) = verb::match_verb(&words[i..], true) {
        starts.push(Start {
            lead: 0,
            verb_at: i,
            verb: v,
        });
    } else if let Some(first) = tokens.get(i) {
        // An opener outside the lexicon still opens a clause; GUIDE.md classes unknown
        // verbs with the positions.
        starts.push(Start {
            lead: 0,
            verb_at: i,
            verb: VerbMatch {
                len: 1,
                verb: first.text.to_lowercase(),
                action: Action::Position,
                head: "",
            },
        });
    } else {
        return starts;
    }
    let mut k = starts[0].verb_at + starts[0].verb.len;
    while k < tokens.len() {
        // A clause boundary: ",", ";", ":" or "and" (or a label) before optional connectors.
        let lead = k;
        let label = after_label(text, tokens, k);
        // The punctuation looked for is ASCII, so the separator's bytes tell.
        let sep = &text.as_bytes()[tokens[k - 1].end..tokens[k].start];
        let after_and = tokens[k - 1].text == "and" && k >= 2;
        let boundary = label || sep.iter().any(|b| matches!(b, b',' | b';' | b':')) || after_and;
        if !boundary {
            k += 1;
            continue;
        }
        let mut v_at = k;
        while let Some(n) = connector_len(tokens, v_at) {
            v_at += n;
        }
        // A connector may itself sit between "and" and the verb: ", and in this regard requests".
        if v_at < tokens.len() && tokens[v_at].text == "and" && v_at > k {
            v_at += 1;
        }
        // A sub-paragraph whose label was lost still follows ";" or ":" with a capital.
        let strong = label || sep.iter().any(|b| matches!(b, b';' | b':'));
        let capital = tokens
            .get(v_at)
            .is_some_and(|t| t.text.starts_with(|c: char| c.is_uppercase()));
        let capital_ok = strong || !capital;
        // Gerunds open clauses as sub-paragraph heads, or in parallel with a gerund clause.
        let in_gerund = starts
            .last()
            .is_some_and(|s: &Start| s.verb.head.ends_with("ing"));
        let allow_gerund = (strong && capital) || in_gerund;
        if capital_ok
            && v_at < tokens.len()
            && let Some(v) = verb::match_verb(&words[v_at..], allow_gerund)
        {
            let len = v.len;
            // "within existing resources and mandates, the special challenges": a noun.
            if v.head == "mandates"
                && text[tokens[v_at + len - 1].end..].starts_with([',', ';', '.'])
            {
                k += 1;
                continue;
            }
            // "Invites and encourages all interested States to attend": two verbs, one object,
            // one clause (the first verb's action).
            if let Some(prev) = starts.last_mut()
                && after_and
                && prev.verb.action != Action::Position
                && v.action != Action::Position
                && v_at == k
                && prev.verb_at + prev.verb.len == k - 1
            {
                prev.verb.verb = format!("{} and {}", prev.verb.verb, v.verb);
                prev.verb.len += 1 + len;
                k = v_at + len;
                continue;
            }
            starts.push(Start {
                lead,
                verb_at: v_at,
                verb: v,
            });
            k = v_at + len;
            continue;
        }
        k += 1;
    }
    starts
}

/// Deliverable nouns a clause asks for, as reported ("report", "oral update", ...).
const DELIVERABLES: &[(&str, &str)] = &[
    ("oral update", "oral update"),
    ("written update", "written update"),
    ("comprehensive report", "report"),
    ("annual report", "annual report"),
    ("report", "report"),
    ("views", "views"),
    ("comments", "comments"),
    ("observations", "observations"),
    ("recommendations", "recommendations"),
    ("proposals", "proposals"),
    ("information", "information"),
    ("briefing", "briefing"),
    ("briefings", "briefings"),
    ("provisional agenda", "agenda item"),
    ("high-level meeting", "meeting"),
    ("meeting", "meeting"),
    ("conference", "conference"),
    ("study", "study"),
    ("options", "options"),
    ("voluntary contributions", "voluntary contributions"),
    ("contributions", "contributions"),
    ("assistance", "assistance"),
    ("statements", "statements"),
    ("summary", "summary"),
    ("compilation", "compilation"),
    ("guidelines", "guidelines"),
    ("plan of action", "plan of action"),
    ("programme of work", "programme of work"),
    ("updates", "updates"),
    ("update", "update"),
    // A bare "session" is almost always a deadline's ("at its seventy-sixth session").
    ("special session", "special session"),
    ("debate", "debate"),
    ("dialogue", "dialogue"),
    ("resources", "resources"),
];

static DELIVERABLE_MATCHER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(DELIVERABLES.iter().map(|d| d.0))
            .expect("static patterns")
    });

fn deliverables(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found: Vec<&str> = Vec::new();
    for m in DELIVERABLE_MATCHER.find_iter(text) {
        let word_start = m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric();
        let word_end = m.end() == bytes.len() || !bytes[m.end()].is_ascii_alphanumeric();
        let name = DELIVERABLES[m.pattern().as_usize()].1;
        if word_start && word_end && !found.contains(&name) {
            found.push(name);
        }
    }
    found.into_iter().map(str::to_string).collect()
}

static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("  "));
static NEED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(" need "));

/// Classifies one operative paragraph's running text into its clauses.
///
/// `text` is the paragraph without its number; sub-paragraphs "(a) ... (b) ..." may be
/// inline; leftover italics markers are ignored.
/// Where a draft that the paragraph recommends to another body begins: "Recommends to the
/// General Assembly the adoption of the following draft resolution: \"The General Assembly,
/// ... 1. Decides ...\"" (ECOSOC and HRC texts). The draft is that body's to adopt; none of its
/// verbs, actors or dates is this resolution's.
pub fn recommended_draft_at(text: &str) -> Option<usize> {
    let at = FOLLOWING_DRAFT.find(text.as_bytes())?;
    let after = at + "following draft ".len();
    let rest = &text[after..];
    let noun = ["resolutions", "resolution", "decisions", "decision"]
        .into_iter()
        .find(|n| rest.starts_with(n))?;
    let phrase_end = after + noun.len();
    // "... draft resolution for adoption by the General Assembly:": the draft follows the colon.
    let colon = text[phrase_end..]
        .char_indices()
        .take_while(|&(i, _)| i < 160)
        .find(|&(_, c)| c == ':')
        .map(|(i, _)| phrase_end + i + 1);
    Some(colon.unwrap_or(phrase_end))
}

static FOLLOWING_DRAFT: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("following draft "));

pub fn classify_paragraph(text: &str, ctx: &Context, calendar: &SessionCalendar) -> Vec<Clause> {
    let mut norm = normalize(text);
    if let Some(at) = recommended_draft_at(&norm) {
        norm.truncate(at);
    }
    let tokens = tokenize(&norm);
    let mut starts = find_starts(&norm, &tokens);
    if starts.is_empty() {
        return Vec::new();
    }
    let found = deadline::find_deadlines(&norm, ctx, calendar);
    let mut clauses: Vec<Clause> = Vec::with_capacity(starts.len());
    // The clause whose actors a later pronoun stands for ("... and encourages them to").
    let mut last_actors_at: Option<usize> = None;
    let mut last_title = LastTitle::default();
    // What the clause before governs: "Condemns the National Union ..., and demands that it
    // cease" points back to it.
    let mut last_object: Option<std::ops::Range<usize>> = None;
    for n in 0..starts.len() {
        let start = &starts[n];
        let begin = tokens[start.verb_at].start;
        let end = starts
            .get(n + 1)
            .map_or(norm.len(), |s| tokens[s.lead].start);
        let own_text = norm[begin..end]
            .trim_end()
            .trim_end_matches("and")
            .trim_end()
            .trim_end_matches([',', ';'])
            .trim_end();
        let after_verb_idx = start.verb_at + start.verb.len;
        // Up to eight words after the verb, on the stack.
        let mut after_buf = [""; 8];
        let mut n_after = 0;
        for (slot, t) in after_buf.iter_mut().zip(&tokens[after_verb_idx..]) {
            *slot = t.text;
            n_after += 1;
        }
        let words_after = &after_buf[..n_after];
        let (mut action, consumed) =
            verb::refine_action(start.verb.head, start.verb.action, words_after);
        let mut object_from = tokens
            .get(after_verb_idx + consumed)
            .map_or(end, |t| t.start)
            .min(end);
        // "Emphasizes the importance of ..., as well as the need for the Secretary-General to ...".
        if action == Action::Position
            && consumed == 0
            && NEED.find(&norm.as_bytes()[object_from..end]).is_some()
            && verb::refine_action(start.verb.head, action, &["the", "need", "for"]).0
                == Action::Encouragement
            && let Some(p) = norm[object_from..end]
                .find(" the need for ")
                .or_else(|| norm[object_from..end].find(" the need to "))
        {
            action = Action::Encouragement;
            object_from += p + " the need".len();
        }
        let object = &norm[object_from..end];
        let previous_object = last_object.replace(object_from..end);
        let actors = match action {
            Action::Decision if ctx.body != Body::Other => vec![actor::body_actor(ctx.body)],
            Action::Decision | Action::Position => Vec::new(),
            _ => {
                let form = object_form(&start.verb, consumed, words_after, object);
                let object =
                    if start.verb.verb.ends_with("calls for") || form == Some(ObjectForm::For) {
                        object.trim_start().strip_prefix("for ").unwrap_or(object)
                    } else {
                        object
                    };
                match form {
                    None => Vec::new(),
                    Some(form) => match actor::actors_from_object(object, form) {
                        Ok(a) => a,
                        Err(()) => match last_actors_at {
                            None => {
                                let title = last_title.actors_before(&norm, begin);
                                if !title.is_empty() {
                                    title
                                } else if let Some(group) = actor::group_named_last(&norm[..begin])
                                {
                                    vec![group]
                                } else {
                                    previous_object
                                        .clone()
                                        .and_then(|r| {
                                            // Its head: "the National Union for its failure".
                                            let o = &norm[r];
                                            let head = [" for ", ",", " in ", " on "]
                                                .iter()
                                                .filter_map(|p| o.find(p))
                                                .min()
                                                .unwrap_or(o.len());
                                            actor::actors_from_object(
                                                &o[..head],
                                                ObjectForm::Direct,
                                            )
                                            .ok()
                                        })
                                        .unwrap_or_default()
                                }
                            }
                            Some(at) => clauses[at].actors.clone(),
                        },
                    },
                }
            }
        };
        // "encourages that Division to provide": the Division named in full before.
        let actors = match actors.as_slice() {
            [one] if !one.name.contains(' ') => {
                let o = actor::strip_leading_noise(object);
                if o.starts_with("that ") || o.starts_with("this ") {
                    named_in_full_before(&norm[..begin], &one.name).map_or(actors, |a| vec![a])
                } else {
                    actors
                }
            }
            _ => actors,
        };
        if !actors.is_empty() && !matches!(action, Action::Decision) {
            last_actors_at = Some(clauses.len());
        }
        let deadlines = if action == Action::Position {
            Vec::new()
        } else {
            // `found` is in reading order: the clause's deadlines are one run of it.
            let first = found.partition_point(|f: &Found| f.span.start < begin);
            // A point in time named twice in one clause ("at its eighty-first session ... at
            // that session") is one deadline.
            // A clause has a few deadlines at most: a list beats hashing them.
            let mut seen: Vec<super::model::DeadlineKind> = Vec::new();
            found[first..]
                .iter()
                .take_while(|f| f.span.start < end)
                .filter(|f| {
                    let new = !seen.contains(&f.deadline.kind);
                    if new {
                        seen.push(f.deadline.kind);
                    }
                    new
                })
                .map(|f| f.deadline.clone())
                .collect()
        };
        let deliverables = if action == Action::Position {
            Vec::new()
        } else {
            deliverables(object)
        };
        clauses.push(Clause {
            // The start is not read again: its verb moves into the clause.
            verb: std::mem::take(&mut starts[n].verb.verb),
            action,
            actors,
            deliverables,
            deadlines,
            text: own_text.to_string(),
        });
    }
    clauses
}

/// The full name that "that Division" points back to: the last "the Division of ..." named
/// in `before`.
fn named_in_full_before(before: &str, head: &str) -> Option<Actor> {
    let at = before.rmatch_indices(head).find(|&(i, _)| {
        before[..i].ends_with("the ") && before[i + head.len()..].starts_with(" of ")
    })?;
    let found = actor::actors_from_object(&before[at.0 - "the ".len()..], ObjectForm::Direct)
        .ok()?
        .into_iter()
        .next()?;
    (found.name.starts_with(head) && found.name.len() > head.len()).then_some(found)
}

/// How the clause names its addressee, or `None` when it names nobody ("stresses the need
/// to", "calls for the immediate cessation").
fn object_form(
    verb: &VerbMatch,
    consumed: usize,
    words_after: &[&str],
    object: &str,
) -> Option<ObjectForm> {
    let o = object.trim_start();
    if o.starts_with("for ") && verb.head != "calls" {
        return Some(ObjectForm::For);
    }
    // "Invites to submit" names nobody; "Invites to this end the Secretary-General" does.
    if o.starts_with("to ")
        && consumed == 0
        && verb.head != "appeals"
        && actor::strip_leading_noise(o).len() + 3 >= o.len()
    {
        return None;
    }
    let o = o.strip_prefix("with appreciation ").unwrap_or(o);
    if verb.verb.ends_with("calls for") {
        return Some(ObjectForm::For);
    }
    if consumed > 0
        && words_after
            .get(consumed.saturating_sub(1))
            .is_some_and(|w| w.eq_ignore_ascii_case("need"))
    {
        // "the need for X to ..." names X; "the need to ..." nobody.
        return o.starts_with("for ").then_some(ObjectForm::For);
    }
    // "to that", "demands once again that it ...": the leads the actor reader skips too.
    let stripped = actor::strip_leading_noise(o);
    if let Some(rest) = stripped.strip_prefix("that ") {
        // "encourages that Division to provide": "that" points back; it opens no clause.
        let mut words = rest.split(' ');
        let demonstrative = words
            .next()
            .is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()))
            && words.next() == Some("to");
        if !demonstrative {
            return Some(ObjectForm::That);
        }
    }
    if verb.verb.ends_with("draws the attention") || verb.verb.ends_with("draws attention") {
        return Some(ObjectForm::Direct);
    }
    Some(ObjectForm::Direct)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::resolution::model::DeadlineKind;

    fn ctx(body: Body, session: Option<i32>, y: i32, m: u32, d: u32) -> Context {
        Context {
            body,
            session,
            adopted_on: NaiveDate::from_ymd_opt(y, m, d),
            subject_body: None,
        }
    }

    fn ga75() -> Context {
        ctx(Body::GeneralAssembly, Some(75), 2020, 12, 7)
    }

    fn classify(text: &str, c: &Context) -> Vec<Clause> {
        classify_paragraph(text, c, &SessionCalendar::builtin())
    }

    fn summary(clauses: &[Clause]) -> Vec<(String, Action, Vec<String>, usize)> {
        clauses
            .iter()
            .map(|c| {
                (
                    c.verb.clone(),
                    c.action,
                    c.actors.iter().map(|a| a.name.clone()).collect(),
                    c.deadlines.len(),
                )
            })
            .collect()
    }

    #[test]
    fn it_in_a_that_clause_is_the_one_the_clause_before_condemns() {
        // S/RES/864 (1993) paras 7 and 8.
        let sc = ctx(Body::SecurityCouncil, None, 1993, 9, 15);
        for text in [
            "Condemns the National Union for continuing military actions, which are resulting in increased suffering, and again demands that it immediately cease such actions,",
            "Also condemns the National Union for its failure to withdraw its troops, and demands once again that it immediately do so,",
        ] {
            let clauses = classify(text, &sc);
            let demands = clauses.iter().find(|c| c.verb == "demands").unwrap();
            assert_eq!(
                demands
                    .actors
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>(),
                ["National Union"],
                "{text}"
            );
        }
    }

    #[test]
    fn a_draft_recommended_to_the_assembly_is_not_read_as_this_resolution() {
        // ECOSOC passing on a commission's draft (the layout of E/RES/2019/19).
        let text = "Recommends to the General Assembly the adoption of the following draft resolution: \"The General Assembly, \"Recalling its resolution 72/192, \"1. Decides that the Congress shall be held in 2020; \"2. Requests the Secretary-General to report to the Commission on Crime Prevention and Criminal Justice at its twenty-ninth session; \"3. Decides to include in the provisional agenda of its seventy-fifth session the item.\"";
        let eco = ctx(Body::EconomicAndSocialCouncil, Some(2019), 2019, 7, 23);
        let clauses = classify(text, &eco);
        assert_eq!(
            summary(&clauses),
            vec![("recommends".to_string(), Action::Encouragement, vec![], 0)]
        );
        assert!(!clauses[0].text.contains("Decides"));
        // "for adoption by": the draft still starts at the colon.
        let text = "Recommends the following draft decision for adoption by the General Assembly: \"The General Assembly decides to hold the meeting by 31 March 2021.\"";
        assert_eq!(classify(text, &eco)[0].deadlines.len(), 0);
    }

    #[test]
    fn requests_with_three_infinitives_is_one_request_clause() {
        let text = "Requests the Secretary-General to compile a report on measures already taken by international organizations on issues relating to the linkages between the fight against terrorism and the proliferation of weapons of mass destruction, to seek the views of Member States on additional relevant measures, including national measures, for tackling the global threat posed by the acquisition by terrorists of weapons of mass destruction and to report to the General Assembly at its seventy-sixth session;";
        let clauses = classify(text, &ga75());
        assert_eq!(clauses.len(), 1);
        let c = &clauses[0];
        assert_eq!((c.verb.as_str(), c.action), ("requests", Action::Request));
        assert_eq!(c.actors[0].name, "Secretary-General");
        assert_eq!(
            c.deadlines[0].kind,
            DeadlineKind::Session {
                body: Body::GeneralAssembly,
                session: 76
            }
        );
        assert!(c.deliverables.contains(&"report".to_string()));
        assert!(c.is_tracked());
    }

    #[test]
    fn appeals_and_encourages_are_two_clauses() {
        let text = "*Appeals* to all Member States to consider early accession to the Convention, and *encourages* States parties to the Convention to review its implementation;";
        let s = summary(&classify(text, &ga75()));
        assert_eq!(
            s,
            vec![
                (
                    "appeals".into(),
                    Action::Call,
                    vec!["Member States".into()],
                    0
                ),
                (
                    "encourages".into(),
                    Action::Encouragement,
                    vec!["States parties to the Convention".into()],
                    0
                ),
            ]
        );
    }

    #[test]
    fn decides_to_include_in_the_provisional_agenda_is_a_tracked_decision() {
        let text = "Decides to include in the provisional agenda of its seventy-sixth session the item entitled \u{201c}Measures to prevent terrorists from acquiring weapons of mass destruction\u{201d}.";
        let c = &classify(text, &ga75())[0];
        assert_eq!(c.action, Action::Decision);
        assert_eq!(c.actors[0].name, "General Assembly");
        assert_eq!(c.deadlines.len(), 1);
        assert!(c.is_tracked());
        assert!(c.deliverables.contains(&"agenda item".to_string()));
    }

    #[test]
    fn invites_is_an_invitation() {
        let text = "Invites Member States to submit their views on the subject to the Secretary-General before 30 April 2021;";
        let c = &classify(text, &ctx(Body::GeneralAssembly, Some(75), 2020, 12, 31))[0];
        assert_eq!(
            (c.action, c.actors[0].name.as_str(), c.deadlines.len()),
            (Action::Invitation, "Member States", 1)
        );
    }

    #[test]
    fn calls_upon_and_urges_are_calls() {
        let s = summary(&classify(
            "Calls upon all Member States to support international efforts to prevent terrorists from acquiring weapons of mass destruction and their means of delivery;",
            &ga75(),
        ));
        assert_eq!(s[0].1, Action::Call);
        let s = summary(&classify(
            "Strongly urges all States that have not yet done so to ratify the Convention;",
            &ga75(),
        ));
        assert_eq!((s[0].0.as_str(), s[0].1), ("strongly urges", Action::Call));
    }

    #[test]
    fn calls_for_a_thing_names_no_actor() {
        let s = summary(&classify(
            "Calls for a further comprehensive review of United Nations peacebuilding in 2030.",
            &ctx(Body::GeneralAssembly, Some(80), 2025, 11, 26),
        ));
        assert_eq!(s, vec![("calls for".into(), Action::Call, vec![], 1)]);
    }

    #[test]
    fn encourages_and_recommends_are_encouragements() {
        let s = summary(&classify(
            "Recommends that the International Law Commission continue its work on the topics in its current programme;",
            &ga75(),
        ));
        assert_eq!(
            s[0],
            (
                "recommends".into(),
                Action::Encouragement,
                vec!["International Law Commission".into()],
                0
            )
        );
    }

    #[test]
    fn position_clauses_carry_no_deadlines() {
        let s = summary(&classify(
            "Welcomes the convening of the conference in 2021, and takes note with appreciation of the report of the Secretary-General;",
            &ga75(),
        ));
        assert_eq!(
            s,
            vec![
                ("welcomes".into(), Action::Position, vec![], 0),
                ("takes note".into(), Action::Position, vec![], 0)
            ]
        );
    }

    #[test]
    fn reiterates_its_request_is_a_request_with_its_deadline() {
        let text = "Takes note of paragraph 285 of the report of the International Law Commission, underlines the importance of the publications, and reiterates its request that the Secretary-General continue to publish The Work of the International Law Commission in all six official languages every five years;";
        let s = summary(&classify(
            text,
            &ctx(Body::GeneralAssembly, Some(72), 2017, 12, 7),
        ));
        assert_eq!(s.len(), 3);
        assert_eq!(
            s[2],
            (
                "reiterates".into(),
                Action::Request,
                vec!["Secretary-General".into()],
                1
            )
        );
    }

    #[test]
    fn stresses_the_need_for_states_to_is_an_encouragement_of_states() {
        let s = summary(&classify(
            "Stresses the need for States to cooperate fully with the Court;",
            &ga75(),
        ));
        assert_eq!(
            s[0],
            (
                "stresses".into(),
                Action::Encouragement,
                vec!["States".into()],
                0
            )
        );
        let s = summary(&classify(
            "Stresses the importance of multilateralism;",
            &ga75(),
        ));
        assert_eq!(s[0].1, Action::Position);
    }

    #[test]
    fn security_council_decision_extends_mandate_until_a_date() {
        let text = "Decides to extend the mandate of the United Nations Observer Mission until 7 November 1990;";
        let s = summary(&classify(
            text,
            &ctx(Body::SecurityCouncil, None, 1990, 5, 4),
        ));
        assert_eq!(
            s[0],
            (
                "decides".into(),
                Action::Decision,
                vec!["Security Council".into()],
                1
            )
        );
    }

    #[test]
    fn addressees_are_read_past_connectors_adverbs_and_misread_quantifiers() {
        let sc = || ctx(Body::SecurityCouncil, None, 1992, 2, 21);
        let actors = |text: &str| -> Vec<Vec<String>> {
            summary(&classify(text, &sc()))
                .into_iter()
                .map(|c| c.2)
                .collect()
        };
        // S/RES/743 (1992) paras 6 and 4, S/RES/713 (1991) para 3, S/RES/751 (1992) para 7,
        // S/RES/688 (1991) para 6.
        let sg = vec![vec!["Secretary-General".to_string()]];
        assert_eq!(
            actors(
                "Invites accordingly the Secretary-General to report to the Security Council as appropriate and not less than every six months;"
            ),
            sg
        );
        assert_eq!(
            actors(
                "Requests the Secretary-General immediately to deploy those elements of the Force;"
            ),
            sg
        );
        assert_eq!(
            actors(
                "Invites to this end the Secretary-General to offer his assistance without delay;"
            ),
            sg
        );
        assert_eq!(
            actors(
                "Also requests the Secretary-General as part of his continuing mission in Somalia to facilitate an immediate and effective cessation of hostilities;"
            ),
            sg
        );
        assert_eq!(
            actors("Calls upon ali States to refrain from any action;"),
            vec![vec!["States".to_string()]]
        );
        assert_eq!(
            actors(
                "Calls on the transitional government to conclude expeditiously, and no later than 60 days after its installation, a Status of Mission Agreement;"
            ),
            vec![vec!["transitional government".to_string()]]
        );
    }

    #[test]
    fn officers_named_by_their_term_are_addressees() {
        // A/RES/80/65 paras 5 and 6.
        let names = |text: &str| -> Vec<String> {
            classify(text, &ga75())[0]
                .actors
                .iter()
                .map(|a| a.name.clone())
                .collect()
        };
        assert_eq!(
            names(
                "Encourages the current President and the incoming President of the Conference on Disarmament, bearing in mind the role of the Conference on Disarmament as the single multilateral disarmament negotiating forum, as well as building on the decisions on the work of the Conference on Disarmament for 2024 and 2025 and with a view to the early resumption of substantive work during its 2026 session, in accordance with its rules of procedure, to conduct consultations;"
            ),
            [
                "current President",
                "incoming President of the Conference on Disarmament"
            ]
        );
        assert_eq!(
            names(
                "Requests the current President and successive Presidents of the Conference on Disarmament to cooperate with the States members of the Conference;"
            ),
            [
                "current President",
                "successive Presidents of the Conference on Disarmament"
            ]
        );
    }

    #[test]
    fn a_request_made_in_an_earlier_resolution_names_its_addressee() {
        // A/RES/79/242 para 27, A/RES/79/234 para 11.
        let clauses = classify(
            "Reiterates its request, made to the Secretary-General in its resolution 77/234, to intensify efforts to mobilize all relevant entities;",
            &ga75(),
        );
        assert_eq!(clauses[0].action, Action::Request);
        assert_eq!(clauses[0].actors[0].name, "Secretary-General");
        let clauses = classify(
            "Encourages States to adopt plans, and invites those Member States willing to prepare integrated national financing frameworks to include plans;",
            &ga75(),
        );
        assert_eq!(clauses[1].actors[0].name, "Member States");
    }

    #[test]
    fn commas_inside_a_treaty_title_do_not_split_the_addressee() {
        // A/RES/80/35 para 1.
        let clauses = classify(
            "Invites all States that are not party to the Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of Anti-Personnel Mines and on Their Destruction to accede to it without delay;",
            &ga75(),
        );
        let names: Vec<&str> = clauses[0].actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "States that are not party to the Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of Anti-Personnel Mines and on Their Destruction"
            ]
        );
    }

    #[test]
    fn the_agents_after_by_are_the_actors() {
        // The pattern of issue 15: "Recommends the use ... by arbitrators, candidates and
        // disputing parties".
        let clauses = classify(
            "Recommends the use of the Code of Conduct by arbitrators, candidates and disputing parties within 48 months;",
            &ga75(),
        );
        let names: Vec<&str> = clauses[0].actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["arbitrators", "candidates", "disputing parties"]);
        assert_eq!(clauses[0].deadlines.len(), 1);
    }

    #[test]
    fn that_division_is_the_division_named_before() {
        // A/RES/72/116 para 30.
        let clauses = classify(
            "Takes note of the report, welcomes the efforts made by the Division of Conference Management of the United Nations Office at Geneva, especially its Editing Section, in reducing the backlog, encourages that Division to provide continuous necessary support to the work;",
            &ga75(),
        );
        let encourages = clauses.iter().find(|c| c.verb == "encourages").unwrap();
        assert_eq!(
            encourages.actors[0].name,
            "Division of Conference Management of the United Nations Office"
        );
    }

    #[test]
    fn mandates_after_resources_is_a_noun() {
        // A/RES/78/162 para 13.
        let clauses = classify(
            "Calls upon the United Nations development system to continue to support developing countries, requests the development system to address, within existing resources and mandates, the special challenges facing the most vulnerable countries;",
            &ga75(),
        );
        let verbs: Vec<&str> = clauses.iter().map(|c| c.verb.as_str()).collect();
        assert_eq!(verbs, ["calls upon", "requests"]);
    }

    #[test]
    fn two_verbs_sharing_one_object_are_one_clause() {
        // A/RES/80/35 para 8.
        let text = "Invites and encourages all interested States, the United Nations and regional organizations to attend the Twenty-second Meeting of the States Parties, to be held in Geneva from 1 to 5 December 2025;";
        let clauses = classify(text, &ga75());
        assert_eq!(clauses.len(), 1, "{clauses:?}");
        assert_eq!(clauses[0].verb, "invites and encourages");
        assert_eq!(clauses[0].action, Action::Invitation);
        assert_eq!(clauses[0].deadlines.len(), 1);
        assert!(
            clauses[0]
                .actors
                .iter()
                .any(|a| a.name == "interested States"),
            "{clauses:?}"
        );
        // A welcome and an encouragement stay two clauses.
        let clauses = classify(
            "Welcomes and encourages the efforts of Member States;",
            &ga75(),
        );
        assert_eq!(clauses.len(), 2);
    }

    #[test]
    fn pronoun_actor_resolves_to_the_group_named_before() {
        let text =
            "Welcomes the efforts of Member States, and encourages them to continue to cooperate;";
        let s = summary(&classify(text, &ga75()));
        // A position names no actor of its own, but "them" still stands for Member States.
        assert_eq!(s[1].2, vec!["Member States".to_string()]);
        let text =
            "Urges Member States to ratify the Convention, and encourages them to implement it;";
        let s = summary(&classify(text, &ga75()));
        assert_eq!(s[1].2, vec!["Member States".to_string()]);
    }

    #[test]
    fn him_or_her_stands_for_the_title_named_last_before_it() {
        let text = "Takes note of the report of the Secretary-General, and requests him to submit a report;";
        let s = summary(&classify(text, &ga75()));
        assert_eq!(s[1].2, vec!["Secretary-General".to_string()]);
        // Searched piece by piece: a title cut by the end of one search is found by the next.
        let text = "Welcomes the visit of the Special Rapporteur to the region";
        let cut = text.find("Rapporteur").unwrap();
        let mut last = LastTitle::default();
        assert!(last.actors_before(text, cut).is_empty());
        let names: Vec<String> = last
            .actors_before(text, text.len())
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, vec!["Special Rapporteur".to_string()]);
    }

    #[test]
    fn connectors_are_left_out_of_the_verb() {
        let s = summary(&classify(
            "Also requests the Secretary-General to report on the matter;",
            &ga75(),
        ));
        assert_eq!(s[0].0, "requests");
        let s = summary(&classify(
            "Welcomes the report, and in this regard further requests the Secretary-General to act;",
            &ga75(),
        ));
        assert_eq!(s[1].0, "requests");
    }

    #[test]
    fn gerund_subparagraphs_are_their_own_clauses() {
        let text = "Reaffirms the need to strengthen the Commission by: (a) Requesting the Peacebuilding Commission to establish a programme of work; (b) Taking note of the report;";
        let s = summary(&classify(
            text,
            &ctx(Body::GeneralAssembly, Some(80), 2025, 11, 26),
        ));
        assert_eq!(
            s.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
            vec!["reaffirms", "requesting", "taking note"]
        );
        assert_eq!(s[1].2, vec!["Peacebuilding Commission".to_string()]);
    }
}
