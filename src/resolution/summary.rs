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

#[cfg(test)]
mod tests {
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
