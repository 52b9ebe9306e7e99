//! When a series comes back: its cycle (annual, biennial, triennial, irregular) from its own
//! words ("decides to include in the provisional agenda of its seventy-ninth session",
//! "biennially", "triennial comprehensive policy review") and from the sessions it came back
//! at, and the sessions and reports predicted beyond what its texts decided. Predictions are
//! never obligations: nothing is asked until a resolution asks it.

use serde::Serialize;

use crate::resolution::model::{Action, DeadlineKind, Resolution};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cycle {
    Annual,
    Biennial,
    Triennial,
    Irregular,
}

impl Cycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Cycle::Annual => "annual",
            Cycle::Biennial => "biennial",
            Cycle::Triennial => "triennial",
            Cycle::Irregular => "irregular",
        }
    }

    fn from_step(step: i32) -> Cycle {
        match step {
            1 => Cycle::Annual,
            2 => Cycle::Biennial,
            3 => Cycle::Triennial,
            _ => Cycle::Irregular,
        }
    }

    /// Sessions between two returns; none when irregular.
    pub fn step(self) -> Option<i32> {
        match self {
            Cycle::Annual => Some(1),
            Cycle::Biennial => Some(2),
            Cycle::Triennial => Some(3),
            Cycle::Irregular => None,
        }
    }
}

/// A series' cycle and what it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Periodicity {
    pub cycle: Cycle,
    /// "the latest text puts the item on the agenda of the eighty-first session, one session on",
    /// "sessions 76, 78, 80".
    pub basis: String,
    /// The session the latest text puts the item on the agenda of, when it does.
    pub decided_session: Option<i32>,
}

/// A predicted return of a series at a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PredictedReturn {
    pub session: i32,
    pub cycle: Cycle,
    /// Why this session: the cycle's basis and the last decided session.
    pub basis: String,
    /// Reports the latest text asked for its return, expected again: "report of the
    /// Secretary-General".
    pub reports: Vec<String>,
}

/// The session the text puts its own item on the agenda of.
fn decided_session(latest: &Resolution) -> Option<i32> {
    latest
        .operative
        .iter()
        .flat_map(|p| &p.clauses)
        .filter(|c| c.action == Action::Decision && c.text.contains("provisional agenda"))
        .flat_map(|c| &c.deadlines)
        .find_map(|d| match d.kind {
            DeadlineKind::Session { body, session } if Some(body) == latest.body => Some(session),
            _ => None,
        })
}

/// The cycle the text names in words, if it does.
fn cycle_in_words(latest: &Resolution) -> Option<(Cycle, &'static str)> {
    let words: [(&str, Cycle); 6] = [
        ("biennially", Cycle::Biennial),
        ("biennial basis", Cycle::Biennial),
        ("every two years", Cycle::Biennial),
        ("triennial", Cycle::Triennial),
        ("every three years", Cycle::Triennial),
        ("annually", Cycle::Annual),
    ];
    let text: String = latest
        .operative
        .iter()
        .filter(|p| p.text.contains("agenda") || p.text.contains("report"))
        .map(|p| p.text.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    words
        .iter()
        .find(|(w, _)| text.contains(w))
        .map(|&(w, c)| (c, w))
}

/// The cycle of a series from its sessions (oldest first) and its latest text. The text's own
/// words win: a text that puts its item on the next session's agenda is annual even when the
/// tracker lacks the texts in between.
pub fn infer_cycle(sessions: &[i32], latest: &Resolution) -> Periodicity {
    let decided = decided_session(latest);
    if let (Some(next), Some(own)) = (decided, latest.session)
        && next > own
    {
        let cycle = Cycle::from_step(next - own);
        return Periodicity {
            cycle,
            basis: format!(
                "{} puts the item on the agenda of session {next}",
                latest.symbol.as_deref().unwrap_or("the latest text")
            ),
            decided_session: Some(next),
        };
    }
    if let Some((cycle, word)) = cycle_in_words(latest) {
        return Periodicity {
            cycle,
            basis: format!(
                "{} says \"{word}\"",
                latest.symbol.as_deref().unwrap_or("the latest text")
            ),
            decided_session: decided,
        };
    }
    let mut gaps: Vec<i32> = sessions.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.retain(|&g| g > 0);
    let listed = sessions
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    // The latest two gaps decide, so a series that went biennial is biennial.
    let recent = &gaps[gaps.len().saturating_sub(2)..];
    let cycle = match recent {
        [g] | [_, g] if recent.iter().all(|x| x == g) => Cycle::from_step(*g),
        _ => Cycle::Irregular,
    };
    Periodicity {
        cycle,
        basis: format!("sessions {listed}"),
        decided_session: decided,
    }
}

/// Reports the text asks for at a session, by whom: "report of the Secretary-General".
fn reports_asked(latest: &Resolution) -> Vec<String> {
    let mut out = Vec::new();
    for c in latest.operative.iter().flat_map(|p| &p.clauses) {
        let asks_report = c.deliverables.iter().any(|d| d.contains("report"));
        let at_session = c
            .deadlines
            .iter()
            .any(|d| matches!(d.kind, DeadlineKind::Session { .. }));
        if c.action == Action::Request && asks_report && at_session {
            let by = c
                .actors
                .first()
                .map(|a| a.canonical.clone().unwrap_or_else(|| a.name.clone()))
                .unwrap_or_else(|| "the requested".to_string());
            let report = format!("report of the {by}");
            if !out.contains(&report) {
                out.push(report);
            }
        }
    }
    out
}

/// The sessions after those its texts decided at which the series is expected back, up to
/// `through`, each with the reports expected then.
pub fn predict_returns(
    sessions: &[i32],
    latest: &Resolution,
    through: i32,
) -> (Periodicity, Vec<PredictedReturn>) {
    let periodicity = infer_cycle(sessions, latest);
    let Some(step) = periodicity.cycle.step() else {
        return (periodicity, Vec::new());
    };
    // From the last session a text decided (or came back at), forward by the cycle.
    let Some(from) = periodicity
        .decided_session
        .or(latest.session)
        .or(sessions.last().copied())
    else {
        return (periodicity, Vec::new());
    };
    let reports = reports_asked(latest);
    let mut out = Vec::new();
    let mut session = from + step;
    while session <= through {
        out.push(PredictedReturn {
            session,
            cycle: periodicity.cycle,
            basis: format!(
                "{} cycle ({}); last decided for session {from}",
                periodicity.cycle.as_str(),
                periodicity.basis
            ),
            reports: reports.clone(),
        });
        session += step;
    }
    (periodicity, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolution::{SessionCalendar, read_resolution};
    use std::path::Path;

    fn demo(name: &str) -> Resolution {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/demo")
            .join(name);
        read_resolution(
            &std::fs::read_to_string(path).unwrap(),
            &SessionCalendar::builtin(),
        )
        .unwrap()
    }

    #[test]
    fn the_demo_series_is_annual_by_its_own_words_though_sessions_skip() {
        // The demo holds 74, 75, 76, 78 and 80; 80/41 puts the item on the eighty-first
        // session's agenda, so the series comes back every session.
        let latest = demo("A-RES-80-41.txt");
        let p = infer_cycle(&[74, 75, 76, 78, 80], &latest);
        assert_eq!(p.cycle, Cycle::Annual);
        assert_eq!(p.decided_session, Some(81));
        assert!(p.basis.contains("A/RES/80/41"), "{}", p.basis);
        let (_, predicted) = predict_returns(&[74, 75, 76, 78, 80], &latest, 83);
        let sessions: Vec<i32> = predicted.iter().map(|r| r.session).collect();
        assert_eq!(sessions, [82, 83], "81 is decided, not predicted");
        assert_eq!(predicted[0].reports, ["report of the Secretary-General"]);
    }

    #[test]
    fn sessions_alone_give_the_cycle_when_the_text_names_none() {
        let mut latest = demo("A-RES-78-43.txt");
        latest
            .operative
            .retain(|p| !p.text.contains("provisional agenda"));
        assert_eq!(infer_cycle(&[76, 78], &latest).cycle, Cycle::Biennial);
        assert_eq!(
            infer_cycle(&[74, 75, 76, 78, 80], &latest).cycle,
            Cycle::Biennial
        );
        assert_eq!(infer_cycle(&[70, 73, 76], &latest).cycle, Cycle::Triennial);
        assert_eq!(infer_cycle(&[70, 71, 74], &latest).cycle, Cycle::Irregular);
        assert_eq!(infer_cycle(&[78], &latest).cycle, Cycle::Irregular);
        let (_, predicted) = predict_returns(&[76, 78], &latest, 82);
        let sessions: Vec<i32> = predicted.iter().map(|r| r.session).collect();
        assert_eq!(sessions, [80, 82]);
    }

    #[test]
    fn a_text_that_puts_its_item_two_sessions_on_is_biennial() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/A-RES-78-43.txt"),
        )
        .unwrap()
        .replace(
            "provisional agenda of its seventy-ninth session",
            "provisional agenda of its eightieth session",
        );
        let latest = read_resolution(&text, &SessionCalendar::builtin()).unwrap();
        let p = infer_cycle(&[76, 78], &latest);
        assert_eq!((p.cycle, p.decided_session), (Cycle::Biennial, Some(80)));
    }

    #[test]
    fn words_name_the_cycle_when_no_session_is_decided() {
        let mut latest = demo("A-RES-78-43.txt");
        latest
            .operative
            .retain(|p| !p.text.contains("provisional agenda"));
        latest.operative[0].text =
            "Requests the Secretary-General to report biennially to the General Assembly;".into();
        assert_eq!(infer_cycle(&[78], &latest).cycle, Cycle::Biennial);
        latest.operative[0].text =
            "Decides to hold the triennial comprehensive policy review and requests a report;"
                .into();
        assert_eq!(infer_cycle(&[78], &latest).cycle, Cycle::Triennial);
    }
}
