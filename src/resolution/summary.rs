//! The readable summary `mandates extract FILE` prints: the document's facts, then who must
//! do what by when, paragraph by paragraph.

use std::fmt::Write;

use super::model::{DeadlineKind, Resolution, Unit};

/// Plain text for a terminal: one block for the document, one line per clause.
pub fn readable_summary(res: &Resolution) -> String {
    let mut out = String::new();
    let or_unknown = |v: Option<&str>| v.unwrap_or("(not found)").to_string();
    let _ = writeln!(out, "{}", or_unknown(res.symbol.as_deref()));
    if let Some(title) = &res.title {
        let _ = writeln!(out, "{title}");
    }
    let body = res.body.map(|b| b.name()).unwrap_or("(body not found)");
    let session = res
        .session
        .map(|s| format!(", session {s}"))
        .unwrap_or_default();
    let adopted = res
        .adopted_on
        .map(|d| format!(", adopted {}", d.format("%-d %B %Y")))
        .unwrap_or_default();
    let _ = writeln!(out, "{body}{session}{adopted}");
    if !res.agenda_items.is_empty() {
        let _ = writeln!(out, "Agenda item(s): {}", res.agenda_items.join(", "));
    }
    if let Some(report) = &res.committee_report {
        let _ = writeln!(out, "Adopted {report}");
    }
    let _ = writeln!(
        out,
        "{} preambular and {} operative paragraphs, {} references{}",
        res.preamble.len(),
        res.operative.len(),
        res.references.len(),
        res.meeting
            .as_deref()
            .map(|m| format!("; {m}"))
            .unwrap_or_default()
    );
    for warning in &res.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    let _ = writeln!(out);
    for p in &res.operative {
        for (i, c) in p.clauses.iter().enumerate() {
            let number = if i == 0 {
                format!("{}.", p.number)
            } else {
                String::new()
            };
            let marker = if c.is_tracked() { "*" } else { " " };
            let actors: Vec<&str> = c.actors.iter().map(|a| a.name.as_str()).collect();
            let mut line = format!("{number:>6} {marker} {} [{}]", c.verb, c.action.as_str());
            if !actors.is_empty() {
                let _ = write!(line, " {}", actors.join("; "));
            }
            if !c.deliverables.is_empty() {
                let _ = write!(line, " -> {}", c.deliverables.join(", "));
            }
            for d in &c.deadlines {
                let _ = write!(line, " | {}", describe_deadline(&d.kind));
                if let Some(due) = d.due_on {
                    let estimated = if d.estimated { ", estimated" } else { "" };
                    let _ = write!(line, " (due {}{estimated})", due.format("%-d %B %Y"));
                }
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let tracked = res
        .operative
        .iter()
        .flat_map(|p| &p.clauses)
        .filter(|c| c.is_tracked())
        .count();
    let _ = writeln!(out, "\n* tracked obligations: {tracked}");
    out
}

fn unit_name(unit: Unit, amount: u32) -> String {
    let name = unit.as_str();
    if amount == 1 {
        name.to_string()
    } else {
        format!("{name}s")
    }
}

/// "session 76 of the GA", "by 31 December 2021", "within 90 days", ...
pub fn describe_deadline(kind: &DeadlineKind) -> String {
    match *kind {
        DeadlineKind::Session { body, session } => format!("{} session {session}", body.code()),
        DeadlineKind::Date { date } => date.format("%-d %B %Y").to_string(),
        DeadlineKind::Month { year, month } => chrono::NaiveDate::from_ymd_opt(year, month, 1)
            .map(|d| d.format("%B %Y").to_string())
            .unwrap_or_else(|| format!("{month}/{year}")),
        DeadlineKind::Year { year } => year.to_string(),
        DeadlineKind::Within { amount, unit } => {
            format!("within {amount} {}", unit_name(unit, amount))
        }
        DeadlineKind::Periodic { amount, unit } => {
            format!("every {amount} {}", unit_name(unit, amount))
        }
    }
}

/// The basis of a stored deadline's date, as the obligation page explains it: "opening of the
/// 76th session of the General Assembly, 14 September 2021".
pub fn describe_deadline_row(
    kind: &str,
    body: Option<&str>,
    session: Option<i32>,
    due_on: Option<chrono::NaiveDate>,
) -> String {
    let date = due_on.map(|d| d.format("%-d %B %Y").to_string());
    match (kind, body, session, date) {
        ("session", Some(body), Some(session), Some(date)) => {
            let name = super::model::Body::from_code(body).map_or(body, |b| b.name());
            format!(
                "opening of the {} session of the {name}, {date}",
                ordinal(session)
            )
        }
        ("within", _, _, Some(date)) => format!("counted from the adoption date: {date}"),
        ("periodic", _, _, Some(date)) => format!("first period after adoption ends {date}"),
        ("month" | "year", _, _, Some(date)) => format!("end of the period: {date}"),
        (_, _, _, Some(date)) => date,
        _ => "no date could be worked out".to_string(),
    }
}

/// 1st, 2nd, 3rd, 4th, 11th, 21st ...
pub fn ordinal(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn session_deadlines_explain_their_date() {
        let d = chrono::NaiveDate::from_ymd_opt(2021, 9, 14);
        assert_eq!(
            super::describe_deadline_row("session", Some("GA"), Some(76), d),
            "opening of the 76th session of the General Assembly, 14 September 2021"
        );
        assert_eq!(super::ordinal(81), "81st");
        assert_eq!(super::ordinal(112), "112th");
    }

    use super::*;
    use crate::resolution::model::Body;

    #[test]
    fn deadlines_read_as_people_say_them() {
        let session = DeadlineKind::Session {
            body: Body::GeneralAssembly,
            session: 76,
        };
        assert_eq!(describe_deadline(&session), "GA session 76");
        let within = DeadlineKind::Within {
            amount: 90,
            unit: Unit::Day,
        };
        assert_eq!(describe_deadline(&within), "within 90 days");
        let yearly = DeadlineKind::Periodic {
            amount: 1,
            unit: Unit::Year,
        };
        assert_eq!(describe_deadline(&yearly), "every 1 year");
    }
}
