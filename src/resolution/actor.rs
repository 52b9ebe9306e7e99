//! Actors: reading who a clause's verb addresses from the words it governs, cleaning the
//! printed name (articles, quantifiers, misprints) and mapping it to a canonical actor so
//! that a dashboard can group "all States" with "Member States".

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::model::{Actor, Body};

/// One automaton for "the first of these words": a single pass over the text instead of one
/// substring search per word (the phrases here are searched many times per clause).
fn first_of_matcher(words: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::DFA))
        // The words start with a space or a comma, which every phrase is full of: a
        // prefilter would stop at each one and cost more than the automaton alone.
        .prefilter(false)
        .build(words)
        .expect("static patterns")
}

/// Byte offset of the earliest occurrence of any of the matcher's words in `s`, which is the
/// minimum over the words of `s.find(word)`.
fn first_of(matcher: &AhoCorasick, s: &str) -> Option<usize> {
    matcher.find(s).map(|m| m.start())
}

/// Canonical actors and the lower-case names (after cleaning) that stand for them.
const CANONICAL: &[(&str, &[&str])] = &[
    (
        "Member States",
        &[
            "member states",
            "states members of the united nations",
            "states members",
            "states",
            "member states of the united nations",
            "other member states",
            "other states",
            "all states",
        ],
    ),
    (
        "Secretary-General",
        &[
            "secretary-general",
            "secretary-general of the united nations",
            "united nations secretary-general",
        ],
    ),
    (
        "Office of the United Nations High Commissioner for Human Rights",
        &[
            "office of the united nations high commissioner for human rights",
            "office of the high commissioner for human rights",
            "ohchr",
        ],
    ),
    (
        "United Nations High Commissioner for Human Rights",
        &[
            "united nations high commissioner for human rights",
            "high commissioner for human rights",
        ],
    ),
    (
        "Office of the United Nations High Commissioner for Refugees",
        &[
            "office of the united nations high commissioner for refugees",
            "unhcr",
        ],
    ),
    (
        "Secretariat",
        &[
            "secretariat",
            "united nations secretariat",
            "secretariat of the united nations",
        ],
    ),
    (
        "States parties",
        &["states parties", "states parties to the convention"],
    ),
    ("Governments", &["governments", "national governments"]),
    (
        "United Nations system",
        &[
            "united nations system",
            "organizations of the united nations system",
            "entities of the united nations system",
            "united nations system entities",
            "united nations entities",
            "organizations and bodies of the united nations system",
            "agencies, funds and programmes of the united nations system",
        ],
    ),
    ("international community", &["international community"]),
    (
        "civil society",
        &["civil society", "civil society organizations"],
    ),
    (
        "regional and international organizations",
        &[
            "regional and international organizations",
            "international and regional organizations",
        ],
    ),
    ("General Assembly", &["general assembly"]),
    ("Security Council", &["security council"]),
    ("Human Rights Council", &["human rights council"]),
    (
        "Economic and Social Council",
        &["economic and social council"],
    ),
    ("Peacebuilding Commission", &["peacebuilding commission"]),
    (
        "International Law Commission",
        &["international law commission"],
    ),
    // Organs, commissions and entities that resolutions address often (gold files of
    // `../shared/corpus`, `body_names.md`), so that they are known actors, not doubts.
    (
        "President of the General Assembly",
        &["president of the general assembly"],
    ),
    (
        "Commission on the Status of Women",
        &["commission on the status of women"],
    ),
    (
        "Commission for Social Development",
        &["commission for social development"],
    ),
    (
        "Commission on Population and Development",
        &["commission on population and development"],
    ),
    (
        "Commission on Narcotic Drugs",
        &["commission on narcotic drugs"],
    ),
    (
        "Commission on Crime Prevention and Criminal Justice",
        &["commission on crime prevention and criminal justice"],
    ),
    (
        "Commission on Science and Technology for Development",
        &["commission on science and technology for development"],
    ),
    (
        "Statistical Commission",
        &[
            "statistical commission",
            "united nations statistical commission",
        ],
    ),
    (
        "United Nations Forum on Forests",
        &["united nations forum on forests"],
    ),
    (
        "Permanent Forum on Indigenous Issues",
        &["permanent forum on indigenous issues"],
    ),
    ("Disarmament Commission", &["disarmament commission"]),
    ("Conference on Disarmament", &["conference on disarmament"]),
    (
        "Committee for Development Policy",
        &["committee for development policy"],
    ),
    (
        "high-level political forum on sustainable development",
        &[
            "high-level political forum on sustainable development",
            "high-level political forum",
        ],
    ),
    ("regional commissions", &["regional commissions"]),
    (
        "Department of Economic and Social Affairs",
        &[
            "department of economic and social affairs",
            "department of economic and social affairs of the secretariat",
        ],
    ),
    (
        "United Nations Office on Drugs and Crime",
        &["united nations office on drugs and crime", "unodc"],
    ),
    (
        "United Nations Development Programme",
        &["united nations development programme", "undp"],
    ),
    (
        "United Nations Environment Programme",
        &["united nations environment programme", "unep"],
    ),
    (
        "United Nations Children's Fund",
        &["united nations children's fund", "unicef"],
    ),
    (
        "UN-Women",
        &[
            "un-women",
            "united nations entity for gender equality and the empowerment of women",
        ],
    ),
    (
        "United Nations Conference on Trade and Development",
        &[
            "united nations conference on trade and development",
            "unctad",
        ],
    ),
    ("World Health Organization", &["world health organization"]),
    (
        "Food and Agriculture Organization of the United Nations",
        &[
            "food and agriculture organization of the united nations",
            "fao",
        ],
    ),
    (
        "International Atomic Energy Agency",
        &["international atomic energy agency", "iaea"],
    ),
    (
        "International Court of Justice",
        &["international court of justice"],
    ),
    (
        "International Criminal Court",
        &["international criminal court"],
    ),
    (
        "specialized agencies",
        &[
            "specialized agencies",
            "specialized agencies of the united nations",
            "specialized agencies and other organizations of the united nations system",
        ],
    ),
    (
        "United Nations country teams",
        &["united nations country teams", "country teams"],
    ),
    (
        "administering Powers",
        &["administering powers", "administering power"],
    ),
    ("stakeholders", &["stakeholders", "other stakeholders"]),
    (
        "international organizations",
        &[
            "international organizations",
            "other international organizations",
        ],
    ),
    ("regional organizations", &["regional organizations"]),
    (
        "intergovernmental organizations",
        &["intergovernmental organizations"],
    ),
    (
        "non-governmental organizations",
        &["non-governmental organizations", "ngos"],
    ),
    (
        "international financial institutions",
        &["international financial institutions"],
    ),
    ("private sector", &["private sector"]),
    ("academia", &["academia"]),
    (
        "donors",
        &[
            "donors",
            "other donors",
            "donor countries",
            "donor community",
            "international donor community",
        ],
    ),
];

/// Misprints and variants written in the standard form.
const STANDARD_FORMS: &[(&str, &str)] = &[
    // "Secretary General", "Secretary- General", "Secretary-—General": [`join_secretary_general`].
    ("secretary-general", "Secretary-General"),
    (
        "High Commissioner for Human Right ",
        "High Commissioner for Human Rights ",
    ),
];

/// Articles and quantifiers dropped from the front of a name ("all other Member States").
const DROPPED_LEADS: &[&str] = &[
    "the",
    "all",
    "both",
    "each",
    "every",
    "any",
    "its",
    "their",
    "those",
    "these",
    // "that Division": the clause reader looks for the name it points back to.
    "that",
    "this",
    "also",
    "all other",
    "relevant",
];

/// Adverbs that may sit between an addressee and its infinitive ("the Secretary-General
/// immediately to deploy").
const TRAILING_ADVERBS: &[&str] = &[
    "immediately",
    "urgently",
    "promptly",
    "expeditiously",
    "swiftly",
    "forthwith",
    "accordingly",
    "therefore",
    "jointly",
    // "those Member States willing to prepare": the group, not its wish.
    "willing",
    "wishing",
    "further",
    "again",
    "also",
];

/// The canonical actor a cleaned name stands for, if it is a known alias.
pub fn canonical_actor(name: &str) -> Option<&'static str> {
    if name.is_ascii() {
        // The aliases are lower-case ASCII: compare in place instead of lower-casing a copy.
        let name = name.trim();
        return CANONICAL
            .iter()
            .find(|(_, aliases)| aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
            .map(|(c, _)| *c);
    }
    let lower = name.to_lowercase();
    let lower = lower.trim();
    CANONICAL
        .iter()
        .find(|(_, aliases)| aliases.contains(&lower))
        .map(|(c, _)| *c)
}

/// The full name of the organ that a bare "Commission", "Committee", "Forum", "Board" or
/// "Conference" stands for when `title` names one: "Report of the Committee for Development
/// Policy on its twentieth session" gives "Committee for Development Policy".
pub fn organ_named_in(title: &str, organ: &str) -> Option<String> {
    if !matches!(
        organ,
        "Commission" | "Committee" | "Forum" | "Board" | "Conference" | "Council"
    ) {
        return None;
    }
    let words: Vec<&str> = title.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| w.trim_end_matches([',', ':', ';']) == organ)?;
    let capital = |w: &str| w.starts_with(|c: char| c.is_uppercase());
    let mut from = at;
    while from > 0 && capital(words[from - 1]) && from - 1 > 0 {
        from -= 1;
    }
    // "Report" or "Future" opening the title is not part of the name.
    let mut to = at + 1;
    while to < words.len()
        && !words[to - 1].ends_with([',', ':', ';'])
        && (capital(words[to]) || matches!(words[to], "on" | "for" | "of" | "the" | "and"))
    {
        to += 1;
    }
    while to > at + 1 && matches!(words[to - 1], "on" | "for" | "of" | "the" | "and") {
        to -= 1;
    }
    let name = words[from..to].join(" ");
    let name = name.trim_end_matches([',', ':', ';']);
    // A bare organ in the title ("Report of the Council") says nothing more.
    (name != organ).then(|| name.to_string())
}

/// Builds an actor from a printed name: articles and quantifiers dropped, misprints fixed.
pub fn actor(printed: &str) -> Option<Actor> {
    let mut name = clean_name(printed)?;
    if name == "concerned" {
        // "Calls on all concerned": the quantifier is the name.
        name = "all concerned".to_string();
    }
    let canonical = match canonical_actor(&name) {
        Some(c) => Some(c.to_string()),
        None => {
            let core = core_name(&name);
            (core != name).then(|| canonical_actor(core).unwrap_or(core).to_string())
        }
    };
    Some(Actor { name, canonical })
}

/// The rule for a name no list entry matches: the group it heads, without the words that
/// narrow it down ("States that have not yet done so", "States in a position to do so",
/// "Member States in each region that are able"), so that one group is one actor.
fn core_name(name: &str) -> &str {
    static NARROWING: LazyLock<AhoCorasick> = LazyLock::new(|| {
        first_of_matcher(&[
            " that ",
            " which ",
            " who ",
            " whose ",
            " in a position",
            " referred",
            " in each ",
            " not yet",
            " able ",
            " wishing ",
            " willing ",
        ])
    });
    first_of(&NARROWING, name).map_or(name, |at| name[..at].trim_end())
}

/// The adopting body as the actor of its own decisions.
pub fn body_actor(body: Body) -> Actor {
    let name = body.name().to_string();
    Actor {
        canonical: Some(name.clone()),
        name,
    }
}

fn clean_name(printed: &str) -> Option<String> {
    let trimmed = printed
        .trim()
        .trim_matches(|c: char| c == ',' || c == ';' || c == ':' || c == ' ');
    // Every misprint holds "ecretary" or "Right ": most names are used as printed.
    let mut fixed = Cow::Borrowed(trimmed);
    static ECRETARY: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("ecretary"));
    static RIGHT: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("Right "));
    if ECRETARY.find(trimmed.as_bytes()).is_some() || RIGHT.find(trimmed.as_bytes()).is_some() {
        fixed = join_secretary_general(trimmed);
        for (from, to) in STANDARD_FORMS {
            if fixed.contains(from) {
                fixed = Cow::Owned(fixed.replace(from, to));
            }
        }
    }
    let mut s: &str = &fixed;
    loop {
        // The leads are lower-case ASCII: `s.to_ascii_lowercase().starts_with(lead)`.
        let bytes = s.as_bytes();
        let Some(lead) = DROPPED_LEADS
            .iter()
            .filter(|l| {
                bytes.len() > l.len()
                    && bytes[..l.len()].eq_ignore_ascii_case(l.as_bytes())
                    && bytes[l.len()] == b' '
            })
            .max_by_key(|l| l.len())
        else {
            break;
        };
        s = s[lead.len() + 1..].trim_start();
    }
    let mut s = s.trim().trim_end_matches([',', '.']).trim();
    // "those States responsible", but "those who participated" is the whole name.
    if let Some(rest) = s.strip_prefix("those ")
        && rest.starts_with(|c: char| c.is_uppercase())
    {
        s = rest;
    }
    // Scanned texts misread "all": "ail humanitarian organizations", "ali States".
    for ocr in ["ail ", "ali "] {
        if let Some(rest) = s.strip_prefix(ocr)
            && rest.starts_with(|c: char| c.is_alphabetic())
        {
            s = rest;
        }
    }
    // "the Secretary-General as part of his continuing mission in Somalia to facilitate":
    // a manner phrase between the addressee and the infinitive is not part of the name.
    for manner in [
        " as part of ",
        " as a matter of ",
        " in its resolution ",
        " in resolution ",
    ] {
        if let Some(at) = s.find(manner) {
            s = s[..at].trim_end();
        }
    }
    // "Requests the Secretary-General immediately to deploy".
    while let Some((head, last)) = s.rsplit_once(' ') {
        if !TRAILING_ADVERBS.contains(&last) {
            break;
        }
        s = head.trim_end();
    }
    // "Governments of the Democratic Republic of the Congo and": a list cut short.
    for tail in [" and", " or", " as well as"] {
        s = s.strip_suffix(tail).unwrap_or(s).trim_end();
    }
    if s.is_empty() || !s.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    // "those that have not yet done so": a relative clause left without its group.
    if matches!(
        s.split(' ').next(),
        Some("have" | "has" | "had" | "are" | "is" | "were" | "was" | "that" | "which" | "who")
    ) {
        return None;
    }
    // A lone lower-case word that heads no group ("concerned") is a fragment, not an actor.
    if !s.contains(' ')
        && s.starts_with(|c: char| c.is_lowercase())
        && (!ACTOR_NOUNS.contains(&s) || matches!(s, "so" | "position" | "all"))
    {
        return None;
    }
    Some(s.to_string())
}

/// "Secretary" and "General" joined by one hyphen wherever the text puts spaces or any run of
/// dashes between them ("Secretary General", "Secretary- General", "Secretary-—General").
fn join_secretary_general(s: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut done = 0;
    let mut from = 0;
    while let Some(at) = s[from..].find("Secretary").map(|i| from + i) {
        let gap_from = at + "Secretary".len();
        from = gap_from;
        let rest = &s[gap_from..];
        let Some(general) = rest.find("General") else {
            break;
        };
        let gap = &rest[..general];
        if !gap.is_empty()
            && gap != "-"
            && gap
                .chars()
                .all(|c| matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | ' '))
        {
            out.push_str(&s[done..gap_from]);
            out.push('-');
            done = gap_from + general;
            from = done;
        }
    }
    if done == 0 {
        return Cow::Borrowed(s);
    }
    out.push_str(&s[done..]);
    Cow::Owned(out)
}

/// How the governed words name their addressee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectForm {
    /// "requests the Secretary-General to ...", "urges States ...".
    Direct,
    /// "requests that the Secretary-General continue ...".
    That,
    /// "calls for X to ...", "the need for X to ...": an addressee only before an infinitive.
    For,
}

/// Lower-case words that head a group of actors even without a capital.
const LOWER_ACTOR_HEADS: &[&str] = &[
    "international community",
    "civil society",
    "stakeholders",
    "parties",
    "donors",
    "partners",
    "organizations",
    "entities",
    "agencies",
    "relevant",
    "regional",
    "international",
    "national",
    "non-governmental",
    "intergovernmental",
    "member",
    "specialized",
    "special",
    "delegations",
    "mine-",
    "nuclear-weapon",
    "non-nuclear-weapon",
    "developed",
    "developing",
    "affected",
    "states",
    "governments",
    "other",
    "interested",
    "concerned",
    "men",
    "women",
    "private",
    "those",
    "individuals",
    "institutions",
    "groups",
    "actors",
    "funds",
    "leaders",
    "host",
    "troop",
    "armed",
    "regular",
    "countries",
    "donor",
];

const PRONOUNS: &[&str] = &["them", "it", "they", "themselves", "him", "her", "itself"];

/// Adjectives that share a noun across "and" ("regional and international organizations").
const SHARED_ADJECTIVES: &[&str] = &[
    "regional",
    "subregional",
    "international",
    "national",
    "local",
    "governmental",
    "non-governmental",
    "intergovernmental",
    "public",
    "private",
    "bilateral",
    "multilateral",
    "financial",
    "humanitarian",
    "technical",
];

/// Words after which "to" is a preposition, not the infinitive marker.
fn is_preposition_target(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "a"
            | "an"
            | "all"
            | "its"
            | "their"
            | "this"
            | "that"
            | "these"
            | "those"
            | "such"
            | "any"
            | "each"
            | "every"
            | "his"
            | "her"
            | "resolution"
            | "resolutions"
            | "paragraph"
            | "paragraphs"
            | "article"
            | "articles"
            | "international"
            | "relevant"
            | "other"
            | "and"
            | "or"
            | "date"
            | "both"
            | "national"
            | "regional"
            | "which"
            | "whom"
            | "be"
            | "what"
            | "it"
            | "them"
            | "countries"
            | "developing"
            | "states"
            | "women"
            | "victims"
            | "peace"
            | "ensure"
    ) && word != "ensure"
}

static TO: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(" to "));

/// The byte offset of the infinitive "to" ending the addressee phrase, if within reach.
fn infinitive_at(s: &str) -> Option<usize> {
    let mut words = 0;
    let mut search = 0;
    while let Some(rel) = TO.find(&s.as_bytes()[search..]) {
        let at = search + rel;
        words += s[search..at].split_whitespace().count();
        if words > 30 || s[search..at].contains(';') {
            return None;
        }
        let next = s[at + 4..]
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .next()
            .unwrap_or("");
        let first = next.chars().next();
        if first.is_some_and(char::is_lowercase) && !is_preposition_target(next) {
            return Some(at);
        }
        search = at + 4;
    }
    None
}

/// Reads the addressees from the words a verb governs.
///
/// Returns `Err(())` when the words are a pronoun ("encourages them to") so that the caller
/// can resolve it to the group named before.
#[allow(clippy::result_unit_err)]
pub fn actors_from_object(after: &str, form: ObjectForm) -> Result<Vec<Actor>, ()> {
    let s = strip_leading_noise(after);
    let first_word = s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    if PRONOUNS.contains(&first_word) && s[first_word.len()..].trim_start().starts_with("to ") {
        return Err(());
    }
    if form == ObjectForm::Direct
        && let Some(group) = cooperating_parties(s)
    {
        return Ok(split_list(group)
            .into_iter()
            .filter(|item| names_an_actor(item))
            .filter_map(actor)
            .collect());
    }
    let phrase = match form {
        // "demands that it immediately cease": the pronoun stands for someone named before.
        ObjectForm::That if that_subject(s).is_some_and(|p| PRONOUNS.contains(&p.trim())) => {
            return Err(());
        }
        ObjectForm::That => that_subject(s),
        _ => match infinitive_at(s) {
            // "its request in resolution 72/112 for Governments to provide": the addressee
            // follows the last "for".
            Some(at) if s.starts_with("in ") => s[..at].rfind(" for ").map(|p| &s[p + 5..at]),
            Some(at) => Some(&s[..at]),
            None if form == ObjectForm::For => None,
            None => plain_object(s).or_else(|| contributed_from(s)),
        },
    };
    let found = phrase.map_or_else(Vec::new, named_actors);
    if !found.is_empty() || form == ObjectForm::That {
        return Ok(found);
    }
    // "Calls for increased support by donors", "Encourages further efforts by the Office":
    // the actor is the agent of the thing asked for.
    Ok(agent_of_action(s).map_or_else(Vec::new, |(agent, by)| {
        if by {
            agents_by(agent)
        } else {
            named_actors(agent)
        }
    }))
}

/// The agents a "by" names: "by arbitrators, candidates and disputing parties". What follows
/// "by" does the action, so a lower-case plural is a group of actors even when no list of
/// ours knows its head ("arbitrators").
fn agents_by(agent: &str) -> Vec<Actor> {
    let plural = |item: &str| {
        let last = item.rsplit(' ').next().unwrap_or("");
        last.len() > 3
            && last.ends_with('s')
            && !last.ends_with("ss")
            && last.bytes().all(|b| b.is_ascii_lowercase())
    };
    split_list(agent)
        .into_iter()
        .filter_map(|item| {
            if names_an_actor(item) {
                actor(item)
            } else if plural(item) {
                // `actor` drops a lone lower-case word it does not know; here the "by" says
                // it acts.
                actor(item).or_else(|| {
                    Some(Actor {
                        name: item.trim().to_string(),
                        canonical: None,
                    })
                })
            } else {
                None
            }
        })
        .collect()
}

/// The group a plural pronoun stands for when no clause before named an actor: the group
/// named last ("Commends the articles to the attention of Governments, and invites them").
pub fn group_named_last(text: &str) -> Option<Actor> {
    static GROUPS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new([
            "Member States",
            "States Members",
            "States parties",
            "States Parties",
            "States",
            "Governments",
            "Parties",
            "parties",
            "organizations",
            "stakeholders",
        ])
        .expect("static patterns")
    });
    // Leftmost-first matches run left to right: the last one is the group named last.
    let m = GROUPS.find_iter(text).last()?;
    actor(&text[m.start()..m.end()])
}

/// The actors a phrase lists: "the Agency's efforts" stands for the Agency.
fn named_actors(phrase: &str) -> Vec<Actor> {
    split_list(phrase)
        .into_iter()
        .map(|item| {
            // Only a name owns: "women’s entrepreneurship" is a thing.
            item.find("'s ")
                .or_else(|| item.find("’s "))
                .filter(|&at| {
                    let owner = item[..at].trim_start();
                    let owner = owner.strip_prefix("the ").unwrap_or(owner);
                    owner.starts_with(|c: char| c.is_uppercase())
                })
                .map_or(item, |at| &item[..at])
        })
        .filter(|item| names_an_actor(item))
        .filter_map(actor)
        .collect()
}

/// Nouns of action whose agent follows "by" or "of": "support by donors", "the work of the
/// Statistics Division", "participation of States".
const ACTION_NOUNS: &[&str] = &[
    "collaboration",
    "coordination",
    "support",
    "efforts",
    "effort",
    "work",
    "investment",
    "investments",
    "participation",
    "engagement",
    "involvement",
    "contributions",
    "contribution",
    "use",
    "action",
    "actions",
    "activities",
    "initiatives",
    "role",
    "cooperation",
    "commitment",
    "commitments",
    "assistance",
    "ratification",
    "accession",
    "adherence",
    "compliance",
    "implementation",
    "funding",
    "financing",
];

/// Nouns whose "of" names who acts ("the work of the Division"), unlike "implementation of
/// the Goals".
const AGENT_OF_NOUNS: &[&str] = &[
    "collaboration",
    "cooperation",
    "coordination",
    "efforts",
    "effort",
    "work",
    "participation",
    "engagement",
    "involvement",
    "contributions",
    "contribution",
    "role",
    "activities",
    "initiatives",
    "commitment",
    "commitments",
];

/// A capitalised title of a document or plan, not of someone who acts.
fn names_a_thing(phrase: &str, more: &[&str]) -> bool {
    phrase
        .split(' ')
        .any(|w| THING_WORDS.contains(&w) || more.contains(&w))
}

/// Capitalised words of the titles of documents, plans and occasions.
const THING_WORDS: &[&str] = &[
    "Convention",
    "Declaration",
    "Agenda",
    "Programme",
    "Framework",
    "Strategy",
    "Plan",
    "Charter",
    "Protocol",
    "Treaty",
    "Statute",
    "Agreement",
    "Compact",
    "Year",
    "Day",
    "Decade",
    "Report",
    "Summit",
];

/// The agent named after the head noun of the object's first phrase.
/// The words that end the name of an action's agent ("support by donors in the region").
const AGENT_ENDS: &[&str] = &[
    ";",
    ":",
    " to ",
    " in ",
    " for ",
    " with ",
    " on ",
    " that ",
    " at ",
    " as ",
    " through ",
    " who ",
    " which ",
    " towards ",
    " including ",
];

/// The agent of the action a verb's object names, and whether it followed "by".
fn agent_of_action(s: &str) -> Option<(&str, bool)> {
    let mut at = 0;
    for (i, w) in s.split(' ').enumerate() {
        if i > 8 || w.ends_with([',', ';', ':']) {
            return None;
        }
        let word_end = at + w.len();
        if ACTION_NOUNS.contains(&w) {
            let rest = &s[word_end..];
            // "the use ... by arbitrators": a few words may stand between.
            let of = rest
                .strip_prefix(" of ")
                .filter(|_| AGENT_OF_NOUNS.contains(&w));
            let after_by = of.is_none();
            let by = of.or_else(|| {
                let p = rest.find(" by ")?;
                (rest[..p].split(' ').count() <= 8 && !rest[..p].contains([',', ';']))
                    .then(|| &rest[p + 4..])
            })?;
            static END: LazyLock<AhoCorasick> =
                LazyLock::new(|| first_of_matcher(&[&[","], AGENT_ENDS].concat()));
            // After "by", a list of agents runs on past its commas, to a time.
            static LIST_END: LazyLock<AhoCorasick> = LazyLock::new(|| {
                first_of_matcher(
                    &[AGENT_ENDS, &[" within ", " by ", " before ", " no later"]].concat(),
                )
            });
            let end = if after_by {
                first_of(&LIST_END, by).unwrap_or(by.len())
            } else {
                first_of(&END, by).unwrap_or(by.len())
            };
            let agent = by[..end].trim_end_matches([',', ' ']);
            return (!agent.is_empty()
                && !agent.starts_with(|c: char| c.is_ascii_digit())
                && !names_a_thing(agent, &["Strategic", "Goals"]))
            .then_some((agent, after_by));
        }
        at = word_end + 1;
    }
    None
}

/// Head nouns of lower-case groups that can be addressed ("resident coordinators").
const ACTOR_NOUNS: &[&str] = &[
    "states",
    "organizations",
    "organisations",
    "parties",
    "stakeholders",
    "coordinators",
    "rapporteurs",
    "institutions",
    "agencies",
    "entities",
    "bodies",
    "donors",
    "partners",
    "community",
    "society",
    "countries",
    "governments",
    // "Calls on the transitional government to conclude" (S/RES/866 (1993) para 9).
    "government",
    // "the current President and successive Presidents of the Conference on Disarmament".
    "president",
    "presidents",
    "chair",
    "chairs",
    "co-chairs",
    "chairperson",
    "co-facilitators",
    "members",
    "actors",
    "sectors",
    "groups",
    "experts",
    "officers",
    "individuals",
    "leaders",
    "forces",
    "banks",
    "mechanisms",
    "offices",
    "teams",
    "missions",
    "funds",
    "programmes",
    "authorities",
    "companies",
    "enterprises",
    "businesses",
    "media",
    "women",
    "men",
    "boys",
    "girls",
    "youth",
    "persons",
    "organs",
    "secretariats",
    "delegations",
    "participants",
    "powers",
    "holders",
    "representatives",
    "officials",
    "commissions",
    "committees",
    "centres",
    "centers",
    "networks",
    "providers",
    "universities",
    "academia",
    "others",
    "all",
    "sector",
    "foundations",
    "observers",
    "chairs",
    "presidents",
    "envoys",
    "heads",
    "managers",
    "staff",
    "personnel",
    "contingents",
    "operators",
    "users",
    "families",
    "communities",
    "people",
    "peoples",
    "groups",
    "associations",
    "unions",
    "platforms",
    "concerned",
    "so",
    "position",
    "system",
    "entity",
    "country",
    "state",
    "party",
    "donor",
    "partner",
    "agency",
    "body",
    "organization",
    "office",
    "group",
    "coordinator",
    "rapporteur",
    "institution",
    // Singular heads of lower-case names: "the administering Power", "the high-level
    // political forum", "the secretariat of the Scientific Committee".
    "power",
    "forum",
    // "the focal point on the family", "signatories to ... agreements".
    "point",
    "points",
    "signatories",
    "signatory",
    "centre",
    "center",
    "team",
    "unit",
    "units",
    "network",
    "bureau",
    "court",
    "courts",
    "tribunals",
    "parliaments",
    "parliamentarians",
    "municipalities",
    "practitioners",
    "professionals",
    "researchers",
    "investors",
    "creditors",
    "employers",
    "secretariat",
    "division",
    "commission",
    "committee",
    "council",
    "department",
    "board",
    "panel",
    "mission",
    "operation",
    "force",
    "mechanism",
    "programme",
    "authority",
    "administration",
];

/// A listed name addresses someone: a proper name, or a group headed by an actor noun.
fn names_an_actor(item: &str) -> bool {
    let item = item.trim();
    let lower = item.to_ascii_lowercase();
    let core = [
        "the ",
        "all ",
        "both ",
        "each ",
        "every ",
        "any ",
        "other ",
        "relevant ",
        "all other ",
        "those ",
    ]
    .iter()
    .fold(lower.as_str(), |s, p| s.strip_prefix(p).unwrap_or(s));
    let offset = item.len() - core.len();
    if item[offset..].starts_with(|c: char| c.is_uppercase()) {
        return true;
    }
    // The head noun stands before a complement ("groups of experts of ...").
    static COMPLEMENT: LazyLock<AhoCorasick> = LazyLock::new(|| {
        first_of_matcher(&[
            " of ", " in ", " to ", " that ", " which ", " who ", " with ", " from ", " for ",
            " on ", " at ",
        ])
    });
    let head_part = first_of(&COMPLEMENT, core).map_or(core, |i| &core[..i]);
    let head = head_part.rsplit(' ').next().unwrap_or("");
    // "countries receiving support": a participle phrase after the head noun.
    let participle_after_head = || {
        let words: Vec<&str> = head_part.split(' ').collect();
        words.windows(2).any(|w| {
            ACTOR_NOUNS.contains(&w[0])
                && w[1].len() > 4
                && (w[1].ends_with("ing") || w[1].ends_with("ed"))
        })
    };
    let last = core.rsplit(' ').next().unwrap_or("");
    ACTOR_NOUNS.contains(&head)
        || participle_after_head()
        || PRONOUNS.contains(&head)
        || last.ends_with("states")
        || item.ends_with("States")
}

pub(crate) fn strip_leading_noise(s: &str) -> &str {
    let mut s = s.trim_start_matches([' ', ',']);
    loop {
        let before = s;
        // The connectors that may come before a verb may also come after it: "Invites to
        // this end the Secretary-General", "Invites accordingly the Secretary-General".
        if let Some(rest) = strip_connector(s) {
            s = rest;
        }
        for lead in [
            "with appreciation",
            "with deep appreciation",
            "with concern",
            "with satisfaction",
            "in this regard",
            "in this context",
            "in particular",
            "also",
            "further",
            "once again",
            "again",
            "strongly",
            // "Invites and encourages all interested States", "Reiterates its invitation and
            // encouragement to all States Parties": one object for both words.
            "and encourages",
            "and urges",
            "and invites",
            "and requests",
            "and calls upon",
            "and encouragement",
            "upon",
            "on",
            "to",
            "of",
            // "Reiterates its request, made to the Secretary-General in its resolution 77/234,
            // to intensify efforts".
            "made",
            // "Invites accordingly the Secretary-General", "Requests hereby ...".
            "hereby",
            "urgently",
        ] {
            if let Some(rest) = s.strip_prefix(lead)
                && (rest.starts_with(' ') || rest.starts_with(','))
            {
                s = rest.trim_start_matches([' ', ',']);
            }
        }
        if s.len() == before.len() {
            return s;
        }
    }
}

/// `s` after a leading connector ("to this end", "accordingly") and the space or comma after
/// it, when it starts with one.
fn strip_connector(s: &str) -> Option<&str> {
    super::verb::CONNECTORS.iter().find_map(|words| {
        let mut rest = s;
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                rest = rest.strip_prefix(' ')?;
            }
            let head = rest.get(..w.len())?;
            if !head.eq_ignore_ascii_case(w) {
                return None;
            }
            rest = &rest[w.len()..];
        }
        (rest.starts_with(' ') || rest.starts_with(','))
            .then(|| rest.trim_start_matches([' ', ',']))
    })
}

/// "cooperation between the United Nations and the Association ..." names both partners.
fn cooperating_parties(s: &str) -> Option<&str> {
    const NOUNS: [&str; 7] = [
        "cooperation ",
        "collaboration ",
        "coordination ",
        "partnership ",
        "partnerships ",
        "dialogue ",
        "engagement ",
    ];
    static ANY_NOUN: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(NOUNS)
            .expect("static patterns")
    });
    // The noun must start within the first three words and before any comma (the test
    // below), so it lies within `reach` bytes plus its own length: look there first and skip
    // the lower-cased copy for the many objects that name no cooperation.
    let bytes = s.as_bytes();
    let mut words = 0;
    let mut reach = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b',' {
            reach = i;
            break;
        }
        if b != b' ' && (i == 0 || bytes[i - 1] == b' ') {
            words += 1;
            if words == 4 {
                reach = i;
                break;
            }
        }
    }
    let longest = NOUNS.iter().map(|n| n.len()).max().unwrap_or(0);
    if !ANY_NOUN.is_match(&bytes[..bytes.len().min(reach + longest)]) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let noun_end = NOUNS.iter().find_map(|n| {
        let at = lower.find(n)?;
        let pre = &lower[..at];
        (pre.split(' ').filter(|w| !w.is_empty()).count() <= 3 && !pre.contains(','))
            .then_some(at + n.len())
    })?;
    let rest = &s[noun_end..];
    let rest = [
        "among and between ",
        "between and among ",
        "among ",
        "between ",
        "with ",
    ]
    .iter()
    .find_map(|p| rest.strip_prefix(p))?;
    static END: LazyLock<AhoCorasick> = LazyLock::new(|| {
        first_of_matcher(&[
            ",",
            ";",
            " in ",
            " for ",
            " to ",
            " on ",
            " through ",
            " at ",
            " with a view",
            " within ",
            " so as ",
        ])
    });
    let end = first_of(&END, rest).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// "invites further comments from Member States": the source of what is asked for.
fn contributed_from(s: &str) -> Option<&str> {
    let at = s.find(" from ")?;
    let head = s[..at].to_ascii_lowercase();
    let asked = [
        "comments",
        "views",
        "contributions",
        "information",
        "inputs",
        "proposals",
        "submissions",
        "observations",
    ];
    if head.split(' ').count() > 4 || !asked.iter().any(|a| head.ends_with(a)) {
        return None;
    }
    let rest = &s[at + 6..];
    static END: LazyLock<AhoCorasick> = LazyLock::new(|| {
        first_of_matcher(&[
            ",",
            ";",
            " on ",
            " to ",
            " in ",
            " for ",
            " regarding ",
            " concerning ",
            " about ",
        ])
    });
    let end = first_of(&END, rest).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The subject of a "that" clause: words before its (subjunctive) verb.
fn that_subject(s: &str) -> Option<&str> {
    let s = s.strip_prefix("that ").unwrap_or(s);
    let mut end = 0;
    let mut pos = 0;
    for (i, w) in s.split(' ').enumerate() {
        let start = pos;
        pos += w.len() + 1;
        if i > 14 {
            return None;
        }
        let bare = w.trim_end_matches([',', ';', ':']);
        let is_stop = matches!(
            bare,
            "be" | "shall"
                | "should"
                | "will"
                | "would"
                | "may"
                | "must"
                | "can"
                | "continue"
                | "take"
                | "make"
                | "ensure"
                | "provide"
                | "submit"
                | "consider"
                | "include"
                | "report"
                | "give"
                | "keep"
                | "pay"
                | "remain"
                | "undertake"
                | "prepare"
                | "develop"
                | "strengthen"
                | "work"
                | "use"
                | "have"
                | "do"
                | "seek"
                | "promote"
                | "support"
                | "establish"
                | "explore"
                | "convene"
                | "hold"
                | "engage"
                | "increase"
                | "enhance"
                | "bring"
                | "update"
                | "present"
                | "circulate"
                | "transmit"
                | "publish"
                | "not"
                | "urgently"
                | "immediately"
                | "also"
                | "further"
                | "fully"
                | "refrain"
                | "cease"
                | "allow"
                | "respect"
                | "comply"
                | "implement"
                | "cooperate"
                | "act"
                | "redouble"
                | "intensify"
                | "adopt"
                | "avoid"
                | "address"
                | "identify"
                | "assist"
                | "inform"
                | "brief"
                | "examine"
                | "review"
                | "resume"
                | "put"
                | "focus"
                | "contribute"
                | "step"
                | "apply"
                | "is"
                | "are"
                | "has"
        );
        if is_stop || bare.is_empty() {
            // "that resident coordinators be provided with ...": nobody is asked to act.
            return (end > 0 && bare != "be").then(|| &s[..end]);
        }
        // "that States conclude agreements": a lower-case word that is neither a link nor a
        // noun of the name, right after a name, is the verb.
        let prev = s[..end].rsplit(' ').next().unwrap_or("");
        if end > 0
            && bare.starts_with(|c: char| c.is_ascii_lowercase())
            && (prev.starts_with(|c: char| c.is_uppercase()) || ACTOR_NOUNS.contains(&prev))
            && !ACTOR_NOUNS.contains(&bare)
            && !matches!(
                bare,
                "of" | "and"
                    | "or"
                    | "the"
                    | "for"
                    | "on"
                    | "in"
                    | "to"
                    | "with"
                    | "from"
                    | "at"
                    | "as"
                    | "well"
                    | "including"
                    | "within"
                    | "under"
                    | "whose"
            )
            // "States concerned" is a name; "the National Union proceed" is not.
            && !(bare.len() > 4 && bare.ends_with("ed") && !bare.ends_with("eed"))
        {
            return Some(&s[..end]);
        }
        if bare.len() != w.len() {
            // "that the Secretary-General, in consultation with ..., continue": the subject
            // ends at the comma.
            return Some(&s[..start + bare.len()]);
        }
        end = start + w.len();
    }
    None
}

/// Without an infinitive: an addressee only when the object reads as one ("Encourages
/// Member States in their efforts", "Draws the attention of Governments to ...").
fn plain_object(s: &str) -> Option<&str> {
    static END: LazyLock<AhoCorasick> = LazyLock::new(|| {
        first_of_matcher(&[
            ",",
            ";",
            ":",
            " to ",
            " in ",
            " for ",
            " with ",
            " on ",
            " that ",
            " at ",
            " as ",
            " by ",
            " through ",
            " who ",
            " which ",
        ])
    });
    // A preposition between capitalised words is inside a name: "the Conference on
    // Disarmament", not the end of the object.
    let inside_name = |m: &aho_corasick::Match| {
        let word = &s[m.start()..m.end()];
        if !matches!(word, " on " | " for " | " in ") {
            return false;
        }
        let before = s[..m.start()].rsplit(' ').next().unwrap_or("");
        let after = s[m.end()..].trim_start_matches("the ");
        before.starts_with(|c: char| c.is_uppercase())
            && after.starts_with(|c: char| c.is_uppercase())
    };
    let end = END
        .find_iter(s)
        .find(|m| !inside_name(m))
        .map_or(s.len(), |m| m.start());
    let phrase = &s[..end];
    let content = phrase.split(' ').find(|w| {
        !matches!(
            w.to_ascii_lowercase().as_str(),
            "the"
                | "all"
                | "both"
                | "each"
                | "every"
                | "any"
                | "other"
                // "the current President and the incoming President of the Conference".
                | "current"
                | "incoming"
                | "outgoing"
                | "successive"
                | "future"
        )
    })?;
    let lower_phrase = phrase.to_ascii_lowercase();
    let known = LOWER_ACTOR_HEADS.iter().any(|h| {
        let rest = lower_phrase
            .trim_start_matches("the ")
            .trim_start_matches("all ");
        rest.starts_with(h)
    });
    let capital = content.chars().next().is_some_and(char::is_uppercase);
    // A capitalised object that is a thing ("the Convention", "the Declaration") is not an actor.
    let thing = names_a_thing(phrase, &["Fund"]);
    ((capital && !thing) || (known && phrase.split(' ').count() <= 8)).then_some(phrase)
}

/// " of ", " to ", " for ": the words that open a complement inside a name.
static COMPLEMENT_HEADS: LazyLock<AhoCorasick> =
    LazyLock::new(|| first_of_matcher(&[" of ", " to ", " for "]));

/// The words that join the members of a list.
static AND_OR: LazyLock<AhoCorasick> =
    LazyLock::new(|| first_of_matcher(&[" and ", " as well as ", " or "]));

/// Capitalised words that end the name of someone who acts: an "and" after them joins two
/// actors ("the United Nations and the Association", "Member States and Governments").
const NAME_HEADS: &[&str] = &[
    "States",
    "Governments",
    "Government",
    "Nations",
    "Council",
    "Commission",
    "Committee",
    "Assembly",
    "Organization",
    "Organizations",
    "Secretary-General",
    "Secretariat",
    "Union",
    "Bank",
    "Fund",
    "Programme",
    "Office",
    "Agency",
    "Agencies",
    "Parties",
    "Members",
    "Court",
    "Board",
    "Group",
    "Forum",
    "Conference",
    "Institute",
    "Centre",
    "Division",
    "Department",
    "Mission",
    "Force",
    "Forces",
    "Authority",
    "Authorities",
    "Rapporteur",
    "Representative",
    "Envoy",
    "Coordinator",
    "Chair",
    "Chairs",
    "President",
    "Prosecutor",
    "Tribunal",
    "Movement",
    "Community",
    "Society",
    "Societies",
    "Women",
    "Entity",
    "Platform",
    "Initiative",
];

/// Names of States with "and" in them.
const STATES_WITH_AND: &[&str] = &[
    "Trinidad and Tobago",
    "Bosnia and Herzegovina",
    "Antigua and Barbuda",
    "Saint Kitts and Nevis",
    "Sao Tome and Principe",
    "Saint Vincent and the Grenadines",
    "Great Britain and Northern Ireland",
];

/// Whether an "and" between `left` and `right` sits inside one proper name.
fn inside_a_name(left: &str, right: &str) -> bool {
    let last = left.rsplit(' ').next().unwrap_or("");
    let right = right.trim_start();
    let next = right.split(' ').next().unwrap_or("");
    if STATES_WITH_AND.iter().any(|n| {
        n.strip_prefix(last)
            .and_then(|r| r.strip_prefix(" and "))
            .is_some_and(|r| right.starts_with(r))
    }) {
        return true;
    }
    // "the Government of Mozambique and RENAMO": an acronym standing alone is an actor.
    if right == next && next.len() >= 2 && next.bytes().all(|b| b.is_ascii_uppercase()) {
        return false;
    }
    // "Rwanda and Uganda": two one-word names are two actors.
    let one_word_each = !left.trim().contains(' ') && !right.contains(' ');
    !one_word_each
        && last.starts_with(|c: char| c.is_uppercase())
        && next.starts_with(|c: char| c.is_uppercase())
        && !NAME_HEADS.contains(&last)
        && !NAME_HEADS.contains(&next)
}

/// Splits "Member States, regional organizations and civil society" into its members.
/// The byte ranges of `phrase` between commas and semicolons, except the commas inside a
/// treaty's title: "the Convention on the Prohibition of the Use, Stockpiling, Production and
/// Transfer of Anti-Personnel Mines".
fn list_segments(phrase: &str) -> Vec<&str> {
    const TITLE_NOUNS: &[&str] = &[
        "Development",
        "Production",
        "Stockpiling",
        "Use",
        "Transfer",
        "Acquisition",
        "Retention",
        "Testing",
    ];
    let mut segments: Vec<&str> = Vec::new();
    let mut start = 0;
    for (at, sep) in phrase
        .match_indices([',', ';'])
        .chain(std::iter::once((phrase.len(), "")))
    {
        let next = phrase[(at + sep.len()).min(phrase.len())..].trim_start();
        let next_word = next.split([' ', ',']).next().unwrap_or("");
        let current = &phrase[start..at];
        let in_title = sep == ","
            && TITLE_NOUNS.contains(&next_word)
            && ["Convention", "Treaty", "Protocol"]
                .iter()
                .any(|t| current.contains(t));
        if !in_title {
            segments.push(current);
            start = (at + sep.len()).min(phrase.len());
        }
    }
    segments
}

fn split_list(phrase: &str) -> Vec<&str> {
    let mut items = Vec::new();
    for seg in list_segments(phrase) {
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        let first = seg.split(' ').next().unwrap_or("");
        // Inserted qualifiers: "in consultation with ...", "as appropriate", "including ...".
        if matches!(
            first,
            "in" | "with"
                | "within"
                | "through"
                | "as"
                | "including"
                | "inter"
                | "where"
                | "when"
                | "upon"
                | "on"
                | "at"
                | "while"
                | "and"
                | "or"
                | "under"
                | "from"
                | "particularly"
                | "especially"
                | "notably"
                | "without"
                | "by"
                | "if"
                | "acting"
                | "taking"
                | "consistent"
                | "according"
                | "whenever"
                | "subject"
        ) && !seg.starts_with("and ")
        {
            continue;
        }
        let seg = seg.strip_prefix("and ").unwrap_or(seg);
        let seg = seg.strip_prefix("or ").unwrap_or(seg);
        let mut rest = seg;
        loop {
            // "Department of Economic and Social Affairs", "Food and Agriculture Organization":
            // an "and" between two capitalised words inside one name does not split it.
            let split = AND_OR
                .find_iter(rest)
                .find(|m| !inside_a_name(&rest[..m.start()], &rest[m.end()..]))
                .map(|m| (m.start(), m.len()));
            match split {
                Some((i, len)) => {
                    let left = &rest[..i];
                    let last_left = left.rsplit(' ').next().unwrap_or("");
                    if left.ends_with('-') {
                        // "mine- and explosive remnants of war-affected States" is one name.
                        items.push(rest);
                        break;
                    }
                    if left.split(' ').count() == 1
                        && SHARED_ADJECTIVES.contains(&last_left.to_ascii_lowercase().as_str())
                    {
                        // "regional and international organizations" is one group.
                        items.push(rest);
                        break;
                    }
                    // "appeals to the Government of Angola and to the National Union": the
                    // verb's preposition, repeated, starts the next addressee.
                    let after = rest[i + len..].trim_start();
                    // Not "... Mines and on Their Destruction", inside a title.
                    if let Some(next) = ["to the ", "upon the ", "on the "]
                        .iter()
                        .find_map(|p| after.strip_prefix(p))
                        .filter(|n| n.starts_with(char::is_uppercase))
                        .filter(|_| rest[i..].starts_with(" and "))
                    {
                        items.push(left);
                        rest = next;
                        continue;
                    }
                    // "States parties to the Convention and the Protocol": "and" inside a
                    // complement does not start a new actor.
                    if COMPLEMENT_HEADS.is_match(left) {
                        let right = rest[i + len..].trim_start();
                        if !right.starts_with(|c: char| c.is_uppercase())
                            || right.starts_with("Protocol")
                        {
                            items.push(rest);
                            break;
                        }
                    }
                    items.push(left);
                    rest = &rest[i + len..];
                }
                None => {
                    items.push(rest);
                    break;
                }
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    #[test]
    fn council_texts_name_addressees_with_a_repeated_preposition_an_acronym_or_odd_dashes() {
        // S/RES/834 (1993) para 11, S/RES/882 (1993) para 11, S/RES/897 (1994) para 14.
        let names = |object: &str| {
            super::actors_from_object(object, super::ObjectForm::Direct)
                .unwrap()
                .into_iter()
                .map(|a| a.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names("to the Government of Angola and to the National Union to cooperate fully"),
            ["Government of Angola", "National Union"]
        );
        assert_eq!(
            super::actors_from_object(
                "the Government of Mozambique and RENAMO to redouble their efforts",
                super::ObjectForm::Direct
            )
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect::<Vec<_>>(),
            ["Government of Mozambique", "RENAMO"]
        );
        assert_eq!(
            super::actor("the Secretary-\u{2014}General").unwrap().name,
            "Secretary-General"
        );
        assert_eq!(
            super::actor("Secretary\u{2013}General").unwrap().name,
            "Secretary-General"
        );
        // The misprints the standard forms listed before, each place they stand.
        for printed in [
            "Secretary General",
            "Secretary- General",
            "Secretary -General",
        ] {
            assert_eq!(super::actor(printed).unwrap().name, "Secretary-General");
        }
        assert_eq!(
            super::join_secretary_general("Secretary General and the Deputy Secretary- General"),
            "Secretary-General and the Deputy Secretary-General"
        );
        assert_eq!(
            super::join_secretary_general("Secretary of the General Assembly"),
            "Secretary of the General Assembly"
        );
        assert_eq!(
            super::actors_from_object(
                "that the National Union proceed immediately to the release of all foreign citizens",
                super::ObjectForm::That
            )
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect::<Vec<_>>(),
            ["National Union"]
        );
        // Names with "and" inside stay whole, and so do titles with "and on" or "or to".
        assert_eq!(
            names(
                "to States that are not party to the Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of Anti-Personnel Mines and on Their Destruction to accede"
            )
            .last()
            .map(String::as_str),
            Some(
                "States that are not party to the Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of Anti-Personnel Mines and on Their Destruction"
            )
        );
        assert_eq!(
            names("to the Government of Bosnia and Herzegovina to cooperate"),
            ["Government of Bosnia and Herzegovina"]
        );
    }

    #[test]
    fn lower_case_addressees_and_shared_objects_are_read() {
        let names = |object: &str| {
            super::actors_from_object(object, super::ObjectForm::Direct)
                .unwrap()
                .into_iter()
                .map(|a| a.name)
                .collect::<Vec<_>>()
        };
        // A/RES/78-176 para 30, A/RES/79/234 para 31, A/RES/80/35 para 8, A/RES/80/52 para 7.
        assert_eq!(
            names(
                "the focal point on the family of the Department of Economic and Social Affairs to enhance collaboration"
            ),
            ["focal point on the family of the Department of Economic and Social Affairs"]
        );
        assert_eq!(
            names(
                "signatories to bilateral or multilateral tax transparency agreements to consider allowing"
            ),
            // "to bilateral" reads as the infinitive: the head is what the name is about.
            ["signatories"]
        );
        assert_eq!(
            names(
                "and encourages all interested States, the United Nations and regional organizations to attend"
            ),
            [
                "interested States",
                "United Nations",
                "regional organizations"
            ]
        );
        assert_eq!(
            names("and encouragement to all States Parties and interested States to participate"),
            ["States Parties", "interested States"]
        );
    }

    #[test]
    fn a_bare_organ_is_the_one_the_title_names() {
        for (title, organ, want) in [
            (
                "Report of the Disarmament Commission",
                "Commission",
                Some("Disarmament Commission"),
            ),
            (
                "Report of the Committee for Development Policy on its twentieth session",
                "Committee",
                Some("Committee for Development Policy"),
            ),
            (
                "Future organization and methods of work of the Commission for Social Development",
                "Commission",
                Some("Commission for Social Development"),
            ),
            (
                "Report of the International Law Commission on the work of its seventy-fifth session",
                "Commission",
                Some("International Law Commission"),
            ),
            ("Report of the Human Rights Council", "Commission", None),
            ("Report of the Council", "Council", None),
            (
                "Report of the Disarmament Commission",
                "Member States",
                None,
            ),
        ] {
            assert_eq!(organ_named_in(title, organ).as_deref(), want, "{title}");
        }
    }

    use super::*;

    fn names(after: &str, form: ObjectForm) -> Vec<String> {
        actors_from_object(after, form)
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect()
    }

    #[test]
    fn requests_the_secretary_general_names_the_secretary_general() {
        let a = actors_from_object(
            "the Secretary-General to compile a report on measures",
            ObjectForm::Direct,
        )
        .unwrap();
        assert_eq!(
            a,
            vec![Actor {
                name: "Secretary-General".into(),
                canonical: Some("Secretary-General".into())
            }]
        );
    }

    #[test]
    fn quantifiers_and_articles_are_dropped() {
        assert_eq!(
            names(
                "all other Member States to make every effort",
                ObjectForm::Direct
            ),
            vec!["Member States"]
        );
        assert_eq!(
            actor("all States").unwrap().canonical.as_deref(),
            Some("Member States")
        );
    }

    #[test]
    fn states_parties_to_the_convention_keep_their_complement() {
        assert_eq!(
            names(
                "States parties to the Convention to review its implementation",
                ObjectForm::Direct
            ),
            vec!["States parties to the Convention"]
        );
    }

    #[test]
    fn regional_and_international_organizations_stay_one_group() {
        assert_eq!(
            names(
                "Member States and regional and international organizations to share information",
                ObjectForm::Direct
            ),
            vec!["Member States", "regional and international organizations"]
        );
    }

    #[test]
    fn an_inserted_qualifier_is_not_an_actor() {
        assert_eq!(
            names(
                "the Secretary-General, in consultation with Member States, to submit a report",
                ObjectForm::Direct
            ),
            vec!["Secretary-General"]
        );
    }

    #[test]
    fn that_clause_subject_is_the_actor() {
        assert_eq!(
            names(
                "that the International Law Commission continue its work",
                ObjectForm::That
            ),
            vec!["International Law Commission"]
        );
    }

    #[test]
    fn a_verb_naming_nobody_has_no_actors() {
        assert!(
            names(
                "voluntary contributions to the Trust Fund",
                ObjectForm::Direct
            )
            .is_empty()
        );
        assert!(names("the immediate cessation of hostilities", ObjectForm::For).is_empty());
    }

    #[test]
    fn misprinted_secretary_general_is_written_in_standard_form() {
        assert_eq!(
            names("the Secretary General to report", ObjectForm::Direct),
            vec!["Secretary-General"]
        );
    }

    #[test]
    fn pronoun_objects_are_left_to_the_caller() {
        assert!(actors_from_object("them to continue", ObjectForm::Direct).is_err());
    }

    // ---- patterns of issue 15, on sentences from real texts ----

    #[test]
    fn a_lower_case_singular_head_names_an_actor() {
        // A/RES/73/112 para 7.
        assert_eq!(
            names(
                "the administering Power to facilitate visits",
                ObjectForm::Direct
            ),
            ["administering Power"]
        );
        assert_eq!(
            names(
                "the secretariat of the Scientific Committee to continue its work",
                ObjectForm::Direct
            ),
            ["secretariat of the Scientific Committee"]
        );
    }

    #[test]
    fn the_agent_of_an_action_noun_is_the_actor() {
        // A/RES/80/11 para 22, A/RES/72/150 para 42, A/RES/73/271 para 10.
        assert_eq!(
            names(
                "continued investment by Member States in initiatives that promote",
                ObjectForm::Direct
            ),
            ["Member States"]
        );
        assert_eq!(
            names(
                "further efforts by the Office of the High Commissioner, in cooperation with",
                ObjectForm::Direct
            ),
            ["Office of the High Commissioner"]
        );
        assert_eq!(
            names(
                "the work of the Statistics Division of the Department of Economic and Social Affairs",
                ObjectForm::Direct
            ),
            ["Statistics Division of the Department of Economic and Social Affairs"]
        );
        assert_eq!(
            names(
                "the widest possible participation of States in the Assembly",
                ObjectForm::Direct
            ),
            ["States"]
        );
        // "implementation of the Goals" names no one.
        assert!(
            names(
                "the full and effective implementation of the Sustainable Development Goals",
                ObjectForm::Direct
            )
            .is_empty()
        );
    }

    #[test]
    fn a_name_owns_what_follows_its_possessive() {
        assert_eq!(
            names(
                "the Agency's efforts to strengthen safeguards",
                ObjectForm::Direct
            ),
            ["Agency"]
        );
        // A/RES/75/211 para 21: "women’s entrepreneurship" is a thing.
        assert!(names("women’s entrepreneurship, including by", ObjectForm::Direct).is_empty());
    }

    #[test]
    fn a_participle_phrase_after_the_head_keeps_the_actor() {
        // A/RES/80/11 para 15.
        assert_eq!(
            names(
                "countries receiving support from the Peacebuilding Fund to share with the Commission",
                ObjectForm::Direct
            ),
            ["countries receiving support from the Peacebuilding Fund"]
        );
    }

    #[test]
    fn the_subject_of_a_that_clause_ends_at_its_verb() {
        assert_eq!(
            names(
                "that States conclude agreements within 48 months",
                ObjectForm::That
            ),
            ["States"]
        );
    }

    #[test]
    fn a_plural_pronoun_stands_for_the_group_named_last() {
        // A/RES/74/188 para 1.
        let before = "Commends once again the articles on diplomatic protection to the attention of Governments, and ";
        assert_eq!(
            group_named_last(before).map(|a| a.name).as_deref(),
            Some("Governments")
        );
    }

    #[test]
    fn names_that_narrow_a_group_belong_to_the_group() {
        let a = actor("States that have not yet done so").unwrap();
        assert_eq!(a.name, "States that have not yet done so");
        assert_eq!(a.canonical.as_deref(), Some("Member States"));
        let a = actor("Member States in each region that are able").unwrap();
        assert_eq!(a.canonical.as_deref(), Some("Member States"));
        // Fragments seen on /actors for the demo.
        assert_eq!(actor("all concerned").unwrap().name, "all concerned");
        assert!(actor("so").is_none());
        assert_eq!(
            actor("Governments of the Democratic Republic of the Congo and")
                .unwrap()
                .name,
            "Governments of the Democratic Republic of the Congo"
        );
    }

    #[test]
    fn two_states_joined_by_and_are_two_actors_unless_one_name() {
        assert_eq!(
            names("Rwanda and Uganda to withdraw", ObjectForm::Direct),
            ["Rwanda", "Uganda"]
        );
        assert_eq!(
            names("Trinidad and Tobago to report", ObjectForm::Direct),
            ["Trinidad and Tobago"]
        );
        assert_eq!(
            names(
                "the Food and Agriculture Organization to assist",
                ObjectForm::Direct
            ),
            ["Food and Agriculture Organization"]
        );
    }

    #[test]
    fn more_ways_of_naming_who_acts() {
        // A/RES/78/193 para 3.
        assert_eq!(
            names(
                "those States responsible to cease immediately",
                ObjectForm::Direct
            ),
            ["States responsible"]
        );
        // A/RES/77/80 para 5.
        assert_eq!(
            names(
                "the collaboration of civil society organizations and associations in the efforts",
                ObjectForm::Direct
            ),
            ["civil society organizations", "associations"]
        );
    }
}
