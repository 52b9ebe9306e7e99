//! The operative verb lexicon: which words open a clause, the verb phrase a clause reports,
//! and the action class GUIDE.md gives it, including the decided cases where what follows
//! the verb changes the class ("reiterates its request", "stresses the need for").

use std::collections::HashMap;
use std::sync::LazyLock;

use super::model::Action;

use Action::{Call, Decision, Encouragement, Invitation, Position, Request};

/// Verb phrases in their third-person form, lower case, longest first within a head word.
const LEXICON: &[(&str, Action)] = &[
    // decision
    ("decides", Decision),
    ("resolves", Decision),
    ("declares", Decision),
    ("adopts", Decision),
    ("approves", Decision),
    ("authorizes", Decision),
    ("authorises", Decision),
    ("establishes", Decision),
    ("endorses", Decision),
    ("extends", Decision),
    ("determines", Decision),
    ("undertakes", Decision),
    ("confirms", Decision),
    ("strengthens", Decision),
    ("designates", Decision),
    ("proclaims", Decision),
    ("elects", Decision),
    ("appoints", Decision),
    ("renews", Decision),
    ("may consider", Decision),
    ("may decide", Decision),
    ("amends", Decision),
    ("accepts", Decision),
    // request
    ("requests", Request),
    ("entrusts", Request),
    ("mandates", Request),
    ("instructs", Request),
    ("directs", Request),
    ("asks", Request),
    ("requesting", Request),
    ("expects", Request),
    // invitation
    ("invites", Invitation),
    ("inviting", Invitation),
    // call
    ("calls upon", Call),
    ("calls on", Call),
    ("calls for", Call),
    ("urges", Call),
    ("appeals", Call),
    ("demands", Call),
    ("exhorts", Call),
    ("insists", Call),
    ("reminds", Call),
    ("urging", Call),
    ("calling upon", Call),
    ("calling on", Call),
    // encouragement
    ("encourages", Encouragement),
    ("recommends", Encouragement),
    ("suggests", Encouragement),
    ("supports", Encouragement),
    ("draws the attention", Encouragement),
    ("draws attention", Encouragement),
    ("encouraging", Encouragement),
    // position
    ("welcomes", Position),
    ("reaffirms", Position),
    ("recalls", Position),
    ("takes note", Position),
    ("notes", Position),
    ("expresses", Position),
    ("emphasizes", Position),
    ("emphasises", Position),
    ("re-emphasizes", Position),
    ("reemphasizes", Position),
    ("stresses", Position),
    ("recognizes", Position),
    ("recognises", Position),
    ("condemns", Position),
    ("deplores", Position),
    ("commends", Position),
    ("acknowledges", Position),
    ("affirms", Position),
    ("underlines", Position),
    ("underscores", Position),
    ("regrets", Position),
    ("reiterates", Position),
    ("considers", Position),
    ("highlights", Position),
    ("appreciates", Position),
    ("bears in mind", Position),
    ("respects", Position),
    ("looks forward", Position),
    ("agrees", Position),
    ("congratulates", Position),
    ("pays tribute", Position),
    ("salutes", Position),
    ("observes", Position),
    ("believes", Position),
    ("hopes", Position),
    ("trusts", Position),
    ("shares", Position),
    ("remains", Position),
    ("is", Position),
    ("denounces", Position),
    ("rejects", Position),
    ("reasserts", Position),
    ("takes into account", Position),
    ("views", Position),
    ("thanks", Position),
    ("mourns", Position),
    ("deems", Position),
    ("pledges", Position),
    ("commits", Position),
    ("taking note", Position),
    ("reaffirming", Position),
    ("welcoming", Position),
    ("recognizing", Position),
    ("noting", Position),
    ("recalling", Position),
    ("stressing", Position),
    ("emphasizing", Position),
];

/// A lexicon phrase split into words, with its class.
type Phrase = (Vec<&'static str>, Action);

/// Head word -> the phrases it can start, longest first.
static BY_HEAD: LazyLock<HashMap<&'static str, Vec<Phrase>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<Phrase>> = HashMap::new();
    for &(phrase, action) in LEXICON {
        let words: Vec<&'static str> = phrase.split(' ').collect();
        map.entry(words[0]).or_default().push((words, action));
    }
    for v in map.values_mut() {
        v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    }
    map
});

/// Every word a verb phrase can start with (head words, manner adverbs, "continues"),
/// sorted: the cheap first test on each candidate token, before any hashing or allocation.
static OPENERS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = BY_HEAD.keys().copied().collect();
    words.extend(MANNER);
    words.push("continues");
    words.sort_unstable();
    words.dedup();
    words
});

/// For each first letter a..z, a bit per length (up to 16) that some opener has: a test of
/// two table bits that turns away most words before they are lower-cased and looked up.
static OPENER_SHAPES: LazyLock<[u32; 26]> = LazyLock::new(|| {
    let mut shapes = [0u32; 26];
    for w in OPENERS.iter() {
        let lead = w.as_bytes()[0];
        if lead.is_ascii_lowercase() && w.len() < 32 {
            shapes[usize::from(lead - b'a')] |= 1 << w.len();
        }
    }
    shapes
});

/// Adverbs and connectors left out of the reported verb ("Also requests" -> "requests").
pub const CONNECTORS: &[&[&str]] = &[
    &["once", "again"],
    &["in", "this", "regard"],
    &["in", "this", "respect"],
    &["in", "this", "context"],
    &["in", "that", "regard"],
    &["in", "that", "context"],
    &["in", "addition"],
    &["to", "this", "end"],
    &["to", "that", "end"],
    &["for", "this", "purpose"],
    &["for", "that", "purpose"],
    &["to", "this", "effect"],
    &["in", "this", "connection"],
    &["in", "that", "connection"],
    &["in", "this", "vein"],
    &["in", "particular"],
    &["at", "the", "same", "time"],
    &["also"],
    &["further"],
    &["furthermore"],
    &["again"],
    &["moreover"],
    &["equally"],
    &["likewise"],
    &["therefore"],
    &["finally"],
    &["thus"],
    &["hence"],
    &["accordingly"],
    &["similarly"],
    &["additionally"],
];

/// Adverbs kept as part of the verb phrase ("strongly urges").
pub const MANNER: &[&str] = &[
    "strongly",
    "firmly",
    "deeply",
    "urgently",
    "solemnly",
    "warmly",
    "fully",
    "sincerely",
    "resolutely",
    "unequivocally",
    "emphatically",
    "vigorously",
    "categorically",
    "earnestly",
    "once",
];

/// Words that are nouns, not verbs, when they follow a verb-looking word ("requests for
/// assistance", "notes verbales").
fn noun_follower(head: &str, next: Option<&str>) -> bool {
    let Some(next) = next else { return true };
    let next = next.to_ascii_lowercase();
    match head {
        "requests" | "demands" | "appeals" | "calls" | "supports" | "notes" | "mandates"
        | "views" | "concerns" | "thanks" | "shares" | "trusts" | "hopes" | "is" | "remains"
        | "pledges" | "commits" | "directs" | "asks" | "extends" | "considers" | "observes"
        | "adopts" => {
            matches!(
                next.as_str(),
                "of" | "for"
                    | "from"
                    | "made"
                    | "received"
                    | "submitted"
                    | "by"
                    | "contained"
                    | "addressed"
                    | "verbales"
                    | "and"
                    | "in"
                    | "under"
                    | "issued"
                    | "regarding"
                    | "concerning"
                    | "relating"
                    | "related"
                    | "within"
                    | "at"
                    | "as"
                    | "are"
                    | "were"
                    | "have"
                    | "has"
                    | "had"
                    | "which"
                    | "with"
                    | "or"
            ) && !(head == "calls" && next == "for")
                && !(head == "supports" && next == "the")
                && !(head == "notes" && next == "with")
                && !(head == "remains"
                    && matches!(
                        next.as_str(),
                        "seized" | "actively" | "deeply" | "concerned" | "convinced"
                    ))
                && !(head == "considers" && next == "that")
        }
        _ => false,
    }
}

/// A verb phrase found at a token position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerbMatch {
    /// How many tokens the phrase spans (manner adverb included).
    pub len: usize,
    /// The reported verb: lower case, manner adverb kept, connectors dropped.
    pub verb: String,
    pub action: Action,
    /// The bare head word ("urges" for "strongly urges").
    pub head: &'static str,
}

/// Whether a clause's reported verb ("strongly urges", "takes note") is one of the known
/// operative verbs.
pub fn is_known(verb: &str) -> bool {
    verb.split(' ')
        .any(|w| LEXICON.iter().any(|(v, _)| v.split(' ').next() == Some(w)))
}

/// Matches a verb phrase starting at `words[0]` (lower-cased comparison). `words` are the
/// paragraph's following tokens. Gerunds match only when `allow_gerund`.
pub fn match_verb(words: &[&str], allow_gerund: bool) -> Option<VerbMatch> {
    let raw = *words.first()?;
    // Most tokens are no verb: reject them before allocating.
    if raw.len() < 2 || raw.len() > 16 || !raw.as_bytes()[raw.len() - 1].is_ascii_alphabetic() {
        return None;
    }
    let tail = raw.as_bytes()[raw.len() - 1].to_ascii_lowercase();
    if !matches!(tail, b's' | b'g' | b'y' | b'e') {
        return None;
    }
    // An opener of this first letter and length must exist ("the" and "its" fail here).
    let lead = raw.as_bytes()[0].to_ascii_lowercase();
    if !lead.is_ascii_lowercase() || OPENER_SHAPES[usize::from(lead - b'a')] & (1 << raw.len()) == 0
    {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..raw.len()].copy_from_slice(raw.as_bytes());
    buf[..raw.len()].make_ascii_lowercase();
    let Ok(first_lower) = std::str::from_utf8(&buf[..raw.len()]) else {
        return None;
    };
    if OPENERS.binary_search(&first_lower).is_err() {
        return None;
    }
    let first = first_lower.to_string();
    let (manner, rest) = if MANNER.contains(&first.as_str()) && first != "once" {
        (Some(first.clone()), &words[1..])
    } else {
        (None, words)
    };
    let head_lower = rest.first()?.to_ascii_lowercase();
    // "continues to welcome": the continued verb gives the class.
    if head_lower == "continues" && rest.get(1).is_some_and(|w| w.eq_ignore_ascii_case("to")) {
        let base = rest.get(2)?.to_ascii_lowercase();
        let third = third_person(&base);
        let phrases = BY_HEAD.get(third.as_str())?;
        let (_, action) = phrases.iter().find(|(w, _)| w.len() == 1)?;
        return Some(VerbMatch {
            len: 3 + usize::from(manner.is_some()),
            verb: format!("continues to {base}"),
            action: *action,
            head: "continues",
        });
    }
    // "Calls, in particular, for": an inserted connector splits the phrase.
    if head_lower == "calls" {
        let mut j = 1;
        while j < rest.len().min(5)
            && matches!(
                rest[j].to_ascii_lowercase().as_str(),
                "in" | "particular"
                    | "this"
                    | "that"
                    | "context"
                    | "regard"
                    | "also"
                    | "further"
                    | "again"
                    | "once"
                    | "therefore"
            )
        {
            j += 1;
        }
        if j > 1
            && let Some(p) = rest.get(j).map(|w| w.to_ascii_lowercase())
            && matches!(p.as_str(), "upon" | "on" | "for")
        {
            let verb = format!(
                "{}calls {p}",
                manner.as_ref().map_or(String::new(), |m| format!("{m} "))
            );
            return Some(VerbMatch {
                len: j + 1 + usize::from(manner.is_some()),
                verb,
                action: Call,
                head: "calls",
            });
        }
    }
    let (key, phrases) = BY_HEAD.get_key_value(head_lower.as_str())?;
    if head_lower.ends_with("ing") && !allow_gerund {
        return None;
    }
    for (phrase, action) in phrases {
        if phrase.len() > rest.len() {
            continue;
        }
        if phrase
            .iter()
            .zip(rest)
            .all(|(p, w)| w.eq_ignore_ascii_case(p))
        {
            if phrase.len() == 1 && noun_follower(key, rest.get(1).copied()) {
                return None;
            }
            // "Is" alone only opens a clause as "is convinced / concerned / aware ...".
            if *key == "is"
                && !rest.get(1).is_some_and(|w| {
                    matches!(
                        w.to_ascii_lowercase().as_str(),
                        "convinced"
                            | "concerned"
                            | "aware"
                            | "deeply"
                            | "gravely"
                            | "seriously"
                            | "mindful"
                            | "determined"
                    )
                })
            {
                return None;
            }
            let mut verb = phrase.join(" ");
            if let Some(m) = &manner {
                verb = format!("{m} {verb}");
            }
            return Some(VerbMatch {
                len: phrase.len() + usize::from(manner.is_some()),
                verb,
                action: *action,
                head: key,
            });
        }
    }
    None
}

fn third_person(base: &str) -> String {
    if base.ends_with('s') || base.ends_with("sh") || base.ends_with("ch") || base.ends_with('x') {
        format!("{base}es")
    } else {
        format!("{base}s")
    }
}

/// The class a verb takes from what it governs (GUIDE.md decided cases): "reiterates its
/// request" is a request, "stresses the need to" an encouragement, "reiterates its support"
/// a position. `after` are the tokens after the verb phrase, lower-cased.
pub fn refine_action(head: &str, action: Action, after: &[&str]) -> (Action, usize) {
    // Only the heads matched below are refined: the others need no lower-cased words.
    if !matches!(
        head,
        "reiterates"
            | "recalls"
            | "reaffirms"
            | "renews"
            | "repeats"
            | "reiterating"
            | "recalling"
            | "stresses"
            | "underlines"
            | "emphasizes"
            | "emphasises"
            | "recognizes"
            | "recognises"
            | "underscores"
            | "re-emphasizes"
            | "reemphasizes"
            | "highlights"
            | "affirms"
            | "notes"
            | "stressing"
            | "emphasizing"
            | "recognizing"
            | "reaffirming"
    ) {
        return (action, 0);
    }
    let lower: Vec<String> = after
        .iter()
        .take(6)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let at = |i: usize| lower.get(i).map(String::as_str).unwrap_or("");
    match head {
        "reiterates" | "recalls" | "reaffirms" | "renews" | "repeats" | "reiterating"
        | "recalling" => {
            // its (previous|earlier|urgent|...)* NOUN
            if at(0) == "its" || at(0) == "the" {
                let mut i = 1;
                while matches!(
                    at(i),
                    "previous"
                        | "earlier"
                        | "urgent"
                        | "strong"
                        | "standing"
                        | "repeated"
                        | "continued"
                        | "firm"
                        | "full"
                        | "previously"
                        | "expressed"
                        | "deep"
                        | "unwavering"
                        | "steadfast"
                ) {
                    i += 1;
                }
                let class = match at(i).trim_end_matches('s') {
                    "request" => Some(Request),
                    "call" | "demand" | "appeal" | "urging" => Some(Call),
                    "encouragement" | "recommendation" => Some(Encouragement),
                    "invitation" => Some(Invitation),
                    "decision" if head != "recalls" && head != "recalling" => Some(Decision),
                    "support" | "commitment" | "concern" | "condemnation" | "appreciation" => {
                        Some(Position)
                    }
                    "mandate" if head == "renews" => Some(Decision),
                    _ => None,
                };
                if let Some(c) = class {
                    return (c, i + 1);
                }
            }
            if head == "renews" {
                return (Decision, 0);
            }
        }
        _ => {}
    }
    if matches!(
        head,
        "stresses"
            | "underlines"
            | "emphasizes"
            | "emphasises"
            | "recognizes"
            | "recognises"
            | "underscores"
            | "reaffirms"
            | "re-emphasizes"
            | "reemphasizes"
            | "highlights"
            | "reiterates"
            | "affirms"
            | "notes"
            | "stressing"
            | "emphasizing"
            | "recognizing"
            | "reaffirming"
    ) {
        let mut i = 0;
        if at(i) == "the" {
            i += 1;
        }
        while matches!(
            at(i),
            "urgent" | "pressing" | "continued" | "continuing" | "critical" | "clear" | "important"
        ) {
            i += 1;
        }
        if at(i) == "need" && matches!(at(i + 1), "for" | "to") {
            return (Encouragement, i + 1);
        }
    }
    (action, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Option<VerbMatch> {
        let w: Vec<&str> = s.split(' ').collect();
        match_verb(&w, false)
    }

    #[test]
    fn calls_upon_is_one_phrase() {
        let v = m("calls upon all States to").unwrap();
        assert_eq!((v.verb.as_str(), v.action, v.len), ("calls upon", Call, 2));
    }

    #[test]
    fn strongly_urges_keeps_its_manner_adverb() {
        let v = m("strongly urges States").unwrap();
        assert_eq!((v.verb.as_str(), v.action), ("strongly urges", Call));
    }

    #[test]
    fn requests_for_assistance_is_a_noun() {
        assert!(m("requests for assistance").is_none());
        assert!(m("requests the Secretary-General").is_some());
    }

    #[test]
    fn continues_to_welcome_takes_the_class_of_welcome() {
        let v = m("continues to welcome the efforts").unwrap();
        assert_eq!(
            (v.verb.as_str(), v.action),
            ("continues to welcome", Position)
        );
    }

    #[test]
    fn reiterates_its_request_is_a_request() {
        assert_eq!(
            refine_action("reiterates", Position, &["its", "request", "to"]).0,
            Request
        );
        assert_eq!(
            refine_action("reiterates", Position, &["its", "support", "for"]).0,
            Position
        );
        assert_eq!(
            refine_action("recalls", Position, &["its", "request", "that"]).0,
            Request
        );
    }

    #[test]
    fn stresses_the_need_for_is_an_encouragement() {
        assert_eq!(
            refine_action("stresses", Position, &["the", "need", "for", "States"]).0,
            Encouragement
        );
        assert_eq!(
            refine_action("stresses", Position, &["the", "importance", "of"]).0,
            Position
        );
    }

    #[test]
    fn gerunds_open_clauses_only_where_allowed() {
        let w = ["Requesting", "the", "Commission"];
        assert!(match_verb(&w, false).is_none());
        assert_eq!(match_verb(&w, true).unwrap().action, Request);
    }
}
