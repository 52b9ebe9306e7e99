//! What a decision puts on a coming session's agenda: "Decides to include in the provisional
//! agenda of its seventy-sixth session, under the item entitled “General and complete
//! disarmament”, the sub-item entitled “Measures to prevent terrorists ...”".

use std::sync::LazyLock;

use regex::Regex;

/// An item (and sub-item) a clause includes in a provisional agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaInclusion {
    /// The parent item: "General and complete disarmament".
    pub item: String,
    /// The sub-item under it, when the clause names one.
    pub sub_item: Option<String>,
}

static ENTITLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(sub-item|item)s? entitled\s*[“"‘']([^”"’]+)[”"’]"#).unwrap()
});

/// The agenda item a clause's text includes in a provisional agenda, if it does.
pub fn agenda_inclusion(text: &str) -> Option<AgendaInclusion> {
    let start = text.find("provisional agenda")?;
    let rest = &text[start..];
    let mut item = None;
    let mut sub_item = None;
    for caps in ENTITLED.captures_iter(rest) {
        let title = caps[2].split_whitespace().collect::<Vec<_>>().join(" ");
        if caps[1].eq_ignore_ascii_case("sub-item") {
            sub_item.get_or_insert(title);
        } else {
            item.get_or_insert(title);
        }
    }
    match (item, sub_item) {
        (Some(item), sub_item) => Some(AgendaInclusion { item, sub_item }),
        (None, Some(sub)) => Some(AgendaInclusion {
            item: sub,
            sub_item: None,
        }),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sub_item_is_grouped_under_its_parent_item() {
        let text = "Decides to include in the provisional agenda of its seventy-sixth session, under the item entitled “General and complete disarmament”, the sub-item entitled “Measures to prevent terrorists from acquiring weapons of mass destruction”.";
        assert_eq!(
            agenda_inclusion(text),
            Some(AgendaInclusion {
                item: "General and complete disarmament".into(),
                sub_item: Some(
                    "Measures to prevent terrorists from acquiring weapons of mass destruction"
                        .into()
                ),
            })
        );
    }

    #[test]
    fn an_item_of_its_own_has_no_sub_item() {
        let text = "Decides to include in the provisional agenda of its seventy-fourth session the item entitled “Criminal accountability of United Nations officials and experts on mission”.";
        let inclusion = agenda_inclusion(text).unwrap();
        assert_eq!(
            inclusion.item,
            "Criminal accountability of United Nations officials and experts on mission"
        );
        assert_eq!(inclusion.sub_item, None);
    }

    #[test]
    fn text_without_a_provisional_agenda_includes_nothing() {
        assert_eq!(
            agenda_inclusion("Requests the Secretary-General to submit a report entitled “X”."),
            None
        );
    }
}
