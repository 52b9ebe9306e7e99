//! "Asked of us": what a request to Member States asks them to do, in the words a mission
//! uses for its own to-do list (send views, send information, report, ratify, contribute).

/// What Member States are asked or invited to do by one clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AskedOfUs {
    Views,
    Information,
    Report,
    Ratify,
    Contribute,
    Other,
}

impl AskedOfUs {
    /// In the order the page shows them: what has to be written and sent first.
    pub const ALL: [AskedOfUs; 6] = [
        AskedOfUs::Views,
        AskedOfUs::Information,
        AskedOfUs::Report,
        AskedOfUs::Ratify,
        AskedOfUs::Contribute,
        AskedOfUs::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AskedOfUs::Views => "Submit views",
            AskedOfUs::Information => "Send information",
            AskedOfUs::Report => "National reports",
            AskedOfUs::Ratify => "Ratify or accede",
            AskedOfUs::Contribute => "Contribute",
            AskedOfUs::Other => "Other things asked",
        }
    }

    /// A short name for anchors and CSS classes.
    pub fn code(self) -> &'static str {
        match self {
            AskedOfUs::Views => "views",
            AskedOfUs::Information => "information",
            AskedOfUs::Report => "reports",
            AskedOfUs::Ratify => "ratify",
            AskedOfUs::Contribute => "contribute",
            AskedOfUs::Other => "other",
        }
    }

    /// Reads what a clause's text asks. Views and information are checked before reports,
    /// because "to submit their views … for the report of the Secretary-General" asks for
    /// views, the report being someone else's.
    pub fn of(clause_text: &str) -> Self {
        let text = clause_text.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        // With its space: "reviews" asks for no views.
        if has(&[" views", "comments", "observations"]) {
            AskedOfUs::Views
        } else if has(&[
            "ratif",
            "accession",
            "accede",
            "become part",
            "become a part",
        ]) {
            AskedOfUs::Ratify
        } else if has(&["national report", "national action plan", "to report"]) {
            AskedOfUs::Report
        } else if has(&["information", "to inform", " data"]) {
            AskedOfUs::Information
        } else if has(&[
            "contribut",
            "voluntary fund",
            "trust fund",
            "financial support",
        ]) {
            AskedOfUs::Contribute
        } else {
            AskedOfUs::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_requests_to_member_states_read_as_what_they_ask() {
        // A/RES/80/66 §4.
        assert_eq!(
            AskedOfUs::of(
                "Invites Member States to submit their views and proposals on the matter early \
                 enough to enable practical consultations among them"
            ),
            AskedOfUs::Views
        );
        // A/RES/75/58 §3.
        assert_eq!(
            AskedOfUs::of(
                "Appeals to all Member States to consider early accession to and ratification \
                 of the International Convention for the Suppression of Acts of Nuclear Terrorism"
            ),
            AskedOfUs::Ratify
        );
        assert_eq!(
            AskedOfUs::of(
                "Requests Member States to inform the Secretary-General of the measures they \
                 have taken"
            ),
            AskedOfUs::Information
        );
        assert_eq!(
            AskedOfUs::of(
                "Invites States to submit national reports on the implementation of the \
                 Programme of Action"
            ),
            AskedOfUs::Report
        );
        assert_eq!(
            AskedOfUs::of(
                "Encourages Member States to make voluntary contributions to the trust fund"
            ),
            AskedOfUs::Contribute
        );
        assert_eq!(
            AskedOfUs::of("Calls upon all Member States to support international efforts"),
            AskedOfUs::Other
        );
    }
}
