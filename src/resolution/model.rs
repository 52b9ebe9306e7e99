//! The plain types of a read resolution: its document facts, paragraphs, clauses, actors and
//! deadlines. Everything else in `mandates` (store, web, digest) reads these.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The organ that adopted a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Body {
    #[serde(rename = "GA")]
    GeneralAssembly,
    #[serde(rename = "SC")]
    SecurityCouncil,
    #[serde(rename = "HRC")]
    HumanRightsCouncil,
    #[serde(rename = "ECOSOC")]
    EconomicAndSocialCouncil,
    #[serde(rename = "OTHER")]
    Other,
    // Bodies whose sessions a resolution may set as deadlines but that adopt no resolution
    // `mandates` reads; their codes are those of `calendar/body_sessions.csv`.
    #[serde(rename = "CSW")]
    CommissionOnTheStatusOfWomen,
    #[serde(rename = "CSocD")]
    CommissionForSocialDevelopment,
    #[serde(rename = "CPD")]
    CommissionOnPopulationAndDevelopment,
    #[serde(rename = "CND")]
    CommissionOnNarcoticDrugs,
    #[serde(rename = "CCPCJ")]
    CrimeCommission,
    #[serde(rename = "StatCom")]
    StatisticalCommission,
    #[serde(rename = "CSTD")]
    CommissionOnScienceAndTechnology,
    #[serde(rename = "UNFF")]
    ForumOnForests,
    #[serde(rename = "UNPFII")]
    PermanentForumOnIndigenousIssues,
    #[serde(rename = "HLPF")]
    HighLevelPoliticalForum,
    #[serde(rename = "HLPF-GA")]
    HighLevelPoliticalForumUnderTheAssembly,
    #[serde(rename = "ECOSOC-SUB")]
    EcosocSubstantiveSession,
    #[serde(rename = "ECOSOC-HLS")]
    EcosocHighLevelSegment,
    #[serde(rename = "WHA")]
    WorldHealthAssembly,
    #[serde(rename = "UNEA")]
    EnvironmentAssembly,
    #[serde(rename = "UNDC")]
    DisarmamentCommission,
}

impl Body {
    /// The short code used in JSON, the database and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Body::GeneralAssembly => "GA",
            Body::SecurityCouncil => "SC",
            Body::HumanRightsCouncil => "HRC",
            Body::EconomicAndSocialCouncil => "ECOSOC",
            Body::Other => "OTHER",
            Body::CommissionOnTheStatusOfWomen => "CSW",
            Body::CommissionForSocialDevelopment => "CSocD",
            Body::CommissionOnPopulationAndDevelopment => "CPD",
            Body::CommissionOnNarcoticDrugs => "CND",
            Body::CrimeCommission => "CCPCJ",
            Body::StatisticalCommission => "StatCom",
            Body::CommissionOnScienceAndTechnology => "CSTD",
            Body::ForumOnForests => "UNFF",
            Body::PermanentForumOnIndigenousIssues => "UNPFII",
            Body::HighLevelPoliticalForum => "HLPF",
            Body::HighLevelPoliticalForumUnderTheAssembly => "HLPF-GA",
            Body::EcosocSubstantiveSession => "ECOSOC-SUB",
            Body::EcosocHighLevelSegment => "ECOSOC-HLS",
            Body::WorldHealthAssembly => "WHA",
            Body::EnvironmentAssembly => "UNEA",
            Body::DisarmamentCommission => "UNDC",
        }
    }

    /// Every body with a session calendar other than the GA's and the HRC's, in the order of
    /// `calendar/body_sessions.csv`'s codes.
    pub const WITH_OTHER_CALENDARS: [Body; 17] = [
        Body::EconomicAndSocialCouncil,
        Body::CommissionOnTheStatusOfWomen,
        Body::CommissionForSocialDevelopment,
        Body::CommissionOnPopulationAndDevelopment,
        Body::CommissionOnNarcoticDrugs,
        Body::CrimeCommission,
        Body::StatisticalCommission,
        Body::CommissionOnScienceAndTechnology,
        Body::ForumOnForests,
        Body::PermanentForumOnIndigenousIssues,
        Body::HighLevelPoliticalForum,
        Body::HighLevelPoliticalForumUnderTheAssembly,
        Body::EcosocSubstantiveSession,
        Body::EcosocHighLevelSegment,
        Body::WorldHealthAssembly,
        Body::EnvironmentAssembly,
        Body::DisarmamentCommission,
    ];

    /// The body for a code as [`Body::code`] gives it.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "GA" => Body::GeneralAssembly,
            "SC" => Body::SecurityCouncil,
            "HRC" => Body::HumanRightsCouncil,
            "ECOSOC" => Body::EconomicAndSocialCouncil,
            "OTHER" => Body::Other,
            "CSW" => Body::CommissionOnTheStatusOfWomen,
            "CSocD" => Body::CommissionForSocialDevelopment,
            "CPD" => Body::CommissionOnPopulationAndDevelopment,
            "CND" => Body::CommissionOnNarcoticDrugs,
            "CCPCJ" => Body::CrimeCommission,
            "StatCom" => Body::StatisticalCommission,
            "CSTD" => Body::CommissionOnScienceAndTechnology,
            "UNFF" => Body::ForumOnForests,
            "UNPFII" => Body::PermanentForumOnIndigenousIssues,
            "HLPF" => Body::HighLevelPoliticalForum,
            "HLPF-GA" => Body::HighLevelPoliticalForumUnderTheAssembly,
            "ECOSOC-SUB" => Body::EcosocSubstantiveSession,
            "ECOSOC-HLS" => Body::EcosocHighLevelSegment,
            "WHA" => Body::WorldHealthAssembly,
            "UNEA" => Body::EnvironmentAssembly,
            "UNDC" => Body::DisarmamentCommission,
            _ => return None,
        })
    }

    /// The body's name as resolutions print it ("General Assembly").
    pub fn name(self) -> &'static str {
        match self {
            Body::GeneralAssembly => "General Assembly",
            Body::SecurityCouncil => "Security Council",
            Body::HumanRightsCouncil => "Human Rights Council",
            Body::EconomicAndSocialCouncil => "Economic and Social Council",
            Body::Other => "Other",
            Body::CommissionOnTheStatusOfWomen => "Commission on the Status of Women",
            Body::CommissionForSocialDevelopment => "Commission for Social Development",
            Body::CommissionOnPopulationAndDevelopment => {
                "Commission on Population and Development"
            }
            Body::CommissionOnNarcoticDrugs => "Commission on Narcotic Drugs",
            Body::CrimeCommission => "Commission on Crime Prevention and Criminal Justice",
            Body::StatisticalCommission => "Statistical Commission",
            Body::CommissionOnScienceAndTechnology => {
                "Commission on Science and Technology for Development"
            }
            Body::ForumOnForests => "United Nations Forum on Forests",
            Body::PermanentForumOnIndigenousIssues => "Permanent Forum on Indigenous Issues",
            Body::HighLevelPoliticalForum => {
                "high-level political forum on sustainable development"
            }
            Body::HighLevelPoliticalForumUnderTheAssembly => {
                "high-level political forum on sustainable development convened under the auspices of the General Assembly"
            }
            Body::EcosocSubstantiveSession => {
                "substantive session of the Economic and Social Council"
            }
            Body::EcosocHighLevelSegment => "high-level segment of the Economic and Social Council",
            Body::WorldHealthAssembly => "World Health Assembly",
            Body::EnvironmentAssembly => "United Nations Environment Assembly",
            Body::DisarmamentCommission => "Disarmament Commission",
        }
    }
}

/// A whole resolution as read from its text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Resolution {
    /// `A/RES/75/58`, `S/RES/836 (1993)`, `A/HRC/RES/46/9`, `E/RES/2021/1`.
    pub symbol: Option<String>,
    pub body: Option<Body>,
    /// GA / HRC session number; the year for ECOSOC; none for the Security Council.
    pub session: Option<i32>,
    pub adopted_on: Option<NaiveDate>,
    /// The title without its number ("Measures to prevent terrorists ...").
    pub title: Option<String>,
    /// Agenda items as printed after "Agenda item(s)": `["103 (v)"]`, `["17", "18 (a)"]`.
    pub agenda_items: Vec<String>,
    /// "on the report of the First Committee (A/75/399, para. 96)", without brackets.
    pub committee_report: Option<String>,
    /// The closing meeting line: "46th plenary meeting", "3228th meeting".
    pub meeting: Option<String>,
    pub preamble: Vec<PreambularParagraph>,
    pub operative: Vec<OperativeParagraph>,
    pub footnotes: Vec<Footnote>,
    /// Every citation of another document, in reading order.
    pub references: Vec<Reference>,
    /// Things a reader should know: "text ends before the closing meeting line (truncated?)".
    pub warnings: Vec<String>,
}

/// A preambular paragraph ("Recalling its resolution 74/43 of 12 December 2019,").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreambularParagraph {
    /// The lead phrase as printed: "Recalling", "Taking note also of", "Deeply concerned".
    pub lead: String,
    /// The whole paragraph, lead phrase included, footnote marks removed.
    pub text: String,
}

/// A numbered operative paragraph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperativeParagraph {
    /// The number as printed, prefixed with its part where numbering restarts: "5", "A.1".
    pub number: String,
    /// The whole paragraph, sub-paragraphs included, footnote marks removed.
    pub text: String,
    pub subparagraphs: Vec<SubParagraph>,
    /// Filled by the classifier; empty straight out of the parser.
    pub clauses: Vec<Clause>,
}

/// A sub-paragraph "(a) ..." of an operative paragraph, or an unlabelled item of its list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubParagraph {
    /// "a", "b", "i" as printed without parentheses; empty when the source printed none (an
    /// item of a list whose "(a)" was lost in extraction, or text continuing a list), so that
    /// nothing of the paragraph is dropped or given an invented label.
    pub label: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footnote {
    /// The footnote mark as printed: "1", "7".
    pub mark: String,
    pub text: String,
}

/// Where in the resolution a reference or clause stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "part", content = "at", rename_all = "lowercase")]
pub enum Location {
    /// Index (0-based) into `preamble`.
    Preamble(usize),
    /// The operative paragraph's number.
    Operative(String),
    /// The footnote's mark.
    Footnote(String),
}

/// How the citing paragraph relates to the cited document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// "Recalling its resolution 74/43", "Reaffirming ...".
    Recalls,
    /// "Taking note of the report ... (A/75/171)".
    TakesNote,
    /// "the report of the Secretary-General submitted pursuant to paragraph 5 of resolution 74/43":
    /// the cited resolution's paragraph is answered by the report.
    ReportPursuantTo,
    /// Any other citation.
    Cites,
}

impl Relation {
    /// The code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Recalls => "recalls",
            Relation::TakesNote => "takes_note",
            Relation::ReportPursuantTo => "report_pursuant_to",
            Relation::Cites => "cites",
        }
    }
}

/// A citation of another document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    /// The normalised symbol: `A/RES/74/43`, `S/RES/1540 (2004)`, `A/75/171`.
    pub symbol: String,
    /// The words as printed ("resolution 74/43").
    pub printed: String,
    pub relation: Relation,
    pub location: Location,
    /// For `ReportPursuantTo`: the paragraph of the cited resolution ("5").
    pub paragraph: Option<String>,
    /// For `ReportPursuantTo`: the report's symbol that answers it ("A/75/171"), when printed.
    pub report: Option<String>,
}

/// The class of what a clause does, from its verb (GUIDE.md's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Decision,
    Request,
    Invitation,
    Call,
    Encouragement,
    Position,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Decision => "decision",
            Action::Request => "request",
            Action::Invitation => "invitation",
            Action::Call => "call",
            Action::Encouragement => "encouragement",
            Action::Position => "position",
        }
    }
}

/// One operative verb with what it governs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause {
    /// Lower case, without connecting adverbs or manner phrases: "requests", "calls upon".
    pub verb: String,
    pub action: Action,
    pub actors: Vec<Actor>,
    /// "report", "views", "oral update", "agenda item", ...
    pub deliverables: Vec<String>,
    pub deadlines: Vec<Deadline>,
    /// The clause's own words, from its verb to the next clause's verb.
    pub text: String,
}

impl Clause {
    /// GUIDE.md: tracked when it asks something of someone, or when it has a deadline.
    pub fn is_tracked(&self) -> bool {
        matches!(self.action, Action::Request | Action::Invitation) || !self.deadlines.is_empty()
    }
}

/// Who a clause addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// As named in the text without articles or quantifiers: "States parties to the Convention".
    pub name: String,
    /// The canonical actor this name is an alias of, if known ("Member States" for "all States").
    pub canonical: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        }
    }
}

/// What a deadline says, before it is resolved to a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum DeadlineKind {
    Session { body: Body, session: i32 },
    Date { date: NaiveDate },
    Month { year: i32, month: u32 },
    Year { year: i32 },
    Within { amount: u32, unit: Unit },
    Periodic { amount: u32, unit: Unit },
}

/// A point in time a clause ties its action to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deadline {
    #[serde(flatten)]
    pub kind: DeadlineKind,
    /// The words it was read from.
    pub text: String,
    /// The calendar date it resolves to, where computable.
    pub due_on: Option<NaiveDate>,
    /// True when `due_on` rests on an estimate (a session beyond the verified calendar).
    pub estimated: bool,
}
