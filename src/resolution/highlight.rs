//! Marking a clause's verb, actors and deadlines in the paragraph text they come from, so a
//! reader sees them in place.

/// What a marked piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Verb,
    Actor,
    Deadline,
}

impl Mark {
    pub fn class(self) -> &'static str {
        match self {
            Mark::Verb => "verb",
            Mark::Actor => "actor",
            Mark::Deadline => "deadline",
        }
    }
}

/// A run of text, marked or plain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    pub text: &'a str,
    pub mark: Option<Mark>,
}

/// Splits `text` into segments, marking the first free occurrence of each needle (compared
/// without regard to ASCII case). Needles that overlap an earlier mark are skipped.
pub fn highlight<'a>(text: &'a str, needles: &[(&str, Mark)]) -> Vec<Segment<'a>> {
    let lower = text.to_ascii_lowercase();
    let mut spans: Vec<(usize, usize, Mark)> = Vec::new();
    for (needle, mark) in needles {
        let needle = needle.trim().to_ascii_lowercase();
        if needle.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(pos) = lower[from..].find(&needle) {
            let (start, end) = (from + pos, from + pos + needle.len());
            if !spans.iter().any(|&(s, e, _)| start < e && s < end)
                && text.is_char_boundary(start)
                && text.is_char_boundary(end)
            {
                spans.push((start, end, *mark));
                break;
            }
            from = end;
        }
    }
    spans.sort_by_key(|&(s, _, _)| s);
    let mut segments = Vec::with_capacity(spans.len() * 2 + 1);
    let mut at = 0;
    for (start, end, mark) in spans {
        if start > at {
            segments.push(Segment {
                text: &text[at..start],
                mark: None,
            });
        }
        segments.push(Segment {
            text: &text[start..end],
            mark: Some(mark),
        });
        at = end;
    }
    if at < text.len() {
        segments.push(Segment {
            text: &text[at..],
            mark: None,
        });
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verb_actor_and_deadline_are_marked_in_place() {
        let text = "Requests the Secretary-General to report to the General Assembly at its seventy-sixth session;";
        let segments = highlight(
            text,
            &[
                ("requests", Mark::Verb),
                ("Secretary-General", Mark::Actor),
                ("at its seventy-sixth session", Mark::Deadline),
            ],
        );
        let marked: Vec<(&str, Option<Mark>)> = segments.iter().map(|s| (s.text, s.mark)).collect();
        assert_eq!(
            marked,
            [
                ("Requests", Some(Mark::Verb)),
                (" the ", None),
                ("Secretary-General", Some(Mark::Actor)),
                (" to report to the General Assembly ", None),
                ("at its seventy-sixth session", Some(Mark::Deadline)),
                (";", None),
            ]
        );
        let joined: String = segments.iter().map(|s| s.text).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn a_needle_not_in_the_text_changes_nothing() {
        let segments = highlight(
            "Decides to remain seized of the matter.",
            &[("urges", Mark::Verb)],
        );
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].mark, None);
    }
}
