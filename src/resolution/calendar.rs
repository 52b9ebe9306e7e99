//! The session calendar: which calendar day a session of the General Assembly, the Human
//! Rights Council, the Economic and Social Council or another body that meets in sessions (a
//! functional commission, the high-level political forum, ...) opens on, from verified rows
//! (built in or supplied by a store) with a documented estimate where no row is known.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use super::model::Body;

/// True when a date rests on a rule rather than on a verified row.
pub type Estimated = bool;

const GA_CSV: &str = include_str!("calendar/ga_sessions.csv");
const HRC_CSV: &str = include_str!("calendar/hrc_sessions.csv");
/// ECOSOC, its segments, the HLPF, the functional commissions and others, one row per session
/// with its sources (a copy of `shared/data/body_sessions.csv`).
const BODIES_CSV: &str = include_str!("calendar/body_sessions.csv");

/// The first General Assembly session that opens under the amended rule 1 (Tuesday between
/// 5 and 11 September); earlier sessions opened on the Tuesday of the third week of September.
const GA_NEW_RULE_FROM: i32 = 78;

/// One known session: the row a store keeps and a user may correct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDates {
    pub body: Body,
    /// Session number (GA, HRC) or year (ECOSOC).
    pub session: i32,
    /// Opening day; `None` for a row that is listed but not verified.
    pub opening: Option<NaiveDate>,
    pub closing: Option<NaiveDate>,
    /// The opening day is announced or scheduled but not confirmed by a source.
    pub estimated: bool,
    /// Where the dates come from, as free text.
    pub source: String,
}

/// Errors reading calendar rows from CSV text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalendarError {
    #[error("calendar line {line}: {message}")]
    BadRow { line: usize, message: String },
}

/// Opening days of sessions, by body and session number.
#[derive(Debug, Clone, Default)]
pub struct SessionCalendar {
    rows: BTreeMap<(BodyKey, i32), SessionDates>,
}

/// `Body` has no `Ord`; the calendar keys on its code instead of changing the shared model.
type BodyKey = &'static str;

impl SessionCalendar {
    /// The calendar compiled from the project's tables (GA from session 58, HRC 1-61, the
    /// other bodies of `body_sessions.csv`).
    pub fn builtin() -> Self {
        let mut rows =
            parse_csv(Body::GeneralAssembly, GA_CSV).expect("built-in GA calendar parses");
        rows.extend(
            parse_csv(Body::HumanRightsCouncil, HRC_CSV).expect("built-in HRC calendar parses"),
        );
        rows.extend(parse_bodies_csv(BODIES_CSV).expect("built-in body calendar parses"));
        Self::from_rows(rows)
    }

    /// A calendar from user-supplied rows (a later row for the same session wins).
    pub fn from_rows(rows: impl IntoIterator<Item = SessionDates>) -> Self {
        let mut cal = SessionCalendar::default();
        for row in rows {
            cal.rows.insert((row.body.code(), row.session), row);
        }
        cal
    }

    /// The rows this calendar holds, in body and session order.
    pub fn rows(&self) -> impl Iterator<Item = &SessionDates> {
        self.rows.values()
    }

    /// The day `session` of `body` opens, and whether that day is an estimate.
    ///
    /// Without a verified row: GA sessions follow rule 1 of the Assembly's rules of procedure
    /// (from the 78th session the Tuesday between 5 and 11 September of 1945 + N, before it
    /// the Tuesday of the third week of September); HRC sessions continue the three-a-year
    /// cycle after the last known row; a body that meets once a year (ECOSOC, numbered by the
    /// year its cycle ends in; the commissions; the HLPF) opens on the same weekday of the same
    /// week as its nearest known session, shifted by the years between them. The Environment
    /// Assembly meets irregularly and the Security Council has no sessions: no estimate.
    pub fn opening_day(&self, body: Body, session: i32) -> Option<(NaiveDate, Estimated)> {
        if let Some(row) = self.rows.get(&(body.code(), session))
            && let Some(day) = row.opening
        {
            return Some((day, row.estimated));
        }
        match body {
            Body::GeneralAssembly => ga_rule(session).map(|d| (d, true)),
            Body::HumanRightsCouncil => self.hrc_estimate(session).map(|d| (d, true)),
            Body::SecurityCouncil | Body::Other | Body::EnvironmentAssembly => None,
            _ => self.yearly_estimate(body, session).map(|d| (d, true)),
        }
    }

    /// The last session of `body` that opens before `day`, with its opening day: where a
    /// mandate that expires on `day` must be renewed. None for a body without sessions (the
    /// Security Council) or without any date known.
    pub fn last_session_before(
        &self,
        body: Body,
        day: NaiveDate,
    ) -> Option<(i32, NaiveDate, Estimated)> {
        let known = self
            .rows
            .range((body.code(), i32::MIN)..=(body.code(), i32::MAX))
            .filter_map(|(&(_, n), r)| r.opening.map(|d| (n, d, r.estimated)))
            .rfind(|&(_, d, _)| d < day);
        // Beyond the known rows, count on with the estimates (a few sessions a year at most).
        let mut best = known;
        let first = best.map_or(1, |(n, _, _)| n + 1);
        for n in first..first.saturating_add(400) {
            match self.opening_day(body, n) {
                Some((d, estimated)) if d < day => best = Some((n, d, estimated)),
                Some(_) => break,
                None if best.is_some() => break,
                None => {}
            }
        }
        best
    }

    /// A yearly body's session: the nearest known session before it (else after it), moved by
    /// the years between the two numbers to the same weekday on or after the same day.
    fn yearly_estimate(&self, body: Body, session: i32) -> Option<NaiveDate> {
        let known = self
            .rows
            .range((body.code(), i32::MIN)..=(body.code(), i32::MAX))
            .filter_map(|(&(_, n), r)| r.opening.map(|d| (n, d)));
        let (n, day) = known
            .clone()
            .rfind(|&(n, _)| n < session)
            .or_else(|| known.clone().find(|&(n, _)| n > session))?;
        let year = day.year().checked_add(session.checked_sub(n)?)?;
        let moved = NaiveDate::from_ymd_opt(year, day.month(), day.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, day.month(), 28))?;
        weekday_on_or_after(moved.year(), moved.month(), moved.day(), day.weekday())
    }

    /// HRC holds three regular sessions a year (late February, mid June, early September):
    /// count on from the last known row in that cycle.
    fn hrc_estimate(&self, session: i32) -> Option<NaiveDate> {
        if session < 1 {
            return None;
        }
        let (last_n, last_day) = self
            .rows
            .range(
                (Body::HumanRightsCouncil.code(), i32::MIN)
                    ..=(Body::HumanRightsCouncil.code(), i32::MAX),
            )
            .filter_map(|(&(_, n), r)| r.opening.map(|d| (n, d)))
            .rfind(|&(n, _)| n < session)?;
        let slot_of = |d: NaiveDate| match d.month() {
            1..=4 => 0,
            5..=7 => 1,
            _ => 2,
        };
        let steps = session - last_n;
        let index = last_day.year() * 3 + slot_of(last_day) + steps;
        let (year, slot) = (index.div_euclid(3), index.rem_euclid(3));
        let (month, first_day) = match slot {
            0 => (2, 22),
            1 => (6, 13),
            _ => (9, 8),
        };
        weekday_on_or_after(year, month, first_day, Weekday::Mon)
    }
}

/// GA rule 1: the opening Tuesday of session `n`.
fn ga_rule(n: i32) -> Option<NaiveDate> {
    if n < 1 {
        return None;
    }
    let year = 1945 + n;
    if n >= GA_NEW_RULE_FROM {
        return weekday_on_or_after(year, 9, 5, Weekday::Tue);
    }
    // The third week counts from the first week holding a September working day.
    let first = NaiveDate::from_ymd_opt(year, 9, 1)?;
    let week_start = first - chrono::Days::new(u64::from(first.weekday().num_days_from_monday()));
    let first_week = if first.weekday().num_days_from_monday() >= 5 {
        week_start + chrono::Days::new(7)
    } else {
        week_start
    };
    Some(first_week + chrono::Days::new(14 + 1))
}

fn weekday_on_or_after(year: i32, month: u32, day: u32, weekday: Weekday) -> Option<NaiveDate> {
    let d = NaiveDate::from_ymd_opt(year, month, day)?;
    let ahead = (7 + weekday.num_days_from_monday() - d.weekday().num_days_from_monday()) % 7;
    Some(d + chrono::Days::new(u64::from(ahead)))
}

/// Reads `session,opening,closing,source` rows (the project's CSV layout, header first).
///
/// A row whose source says its opening is not verified ("SCHEDULED ONLY", "opening NOT
/// verified") is kept but marked estimated; a row without an opening date falls back to the rule.
pub fn parse_csv(body: Body, text: &str) -> Result<Vec<SessionDates>, CalendarError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_csv_line(line);
        let bad = |message: &str| CalendarError::BadRow {
            line: i + 1,
            message: message.to_string(),
        };
        if fields.len() < 3 {
            return Err(bad("expected session,opening,closing,source"));
        }
        let session: i32 = fields[0]
            .trim()
            .parse()
            .map_err(|_| bad("session is not a number"))?;
        let date = |s: &str| csv_date(s).map_err(|()| bad("date is not YYYY-MM-DD"));
        let source = fields.get(3).cloned().unwrap_or_default();
        let lower = source.to_ascii_lowercase();
        let estimated = lower.starts_with("not verified")
            || lower.contains("scheduled only")
            || lower.contains("opening not verified");
        out.push(SessionDates {
            body,
            session,
            opening: date(&fields[1])?,
            closing: date(&fields[2])?,
            estimated,
            source,
        });
    }
    Ok(out)
}

/// A CSV date field: blank is no date, anything else must be `YYYY-MM-DD`.
fn csv_date(field: &str) -> Result<Option<NaiveDate>, ()> {
    let field = field.trim();
    if field.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(field, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

/// Reads `body_sessions.csv` rows (`body,body_name,session,start_date,end_date,estimated,
/// basis,source`, header first): the body is the row's code, and `basis` joins `source` so that
/// the reason for an estimate travels with the dates.
pub fn parse_bodies_csv(text: &str) -> Result<Vec<SessionDates>, CalendarError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_csv_line(line);
        let bad = |message: &str| CalendarError::BadRow {
            line: i + 1,
            message: message.to_string(),
        };
        if fields.len() < 8 {
            return Err(bad(
                "expected body,body_name,session,start_date,end_date,estimated,basis,source",
            ));
        }
        let body = Body::from_code(fields[0].trim()).ok_or_else(|| bad("unknown body code"))?;
        let session: i32 = fields[2]
            .trim()
            .parse()
            .map_err(|_| bad("session is not a number"))?;
        let date = |s: &str| csv_date(s).map_err(|()| bad("date is not YYYY-MM-DD"));
        out.push(SessionDates {
            body,
            session,
            opening: date(&fields[3])?,
            closing: date(&fields[4])?,
            estimated: fields[5].trim().eq_ignore_ascii_case("true"),
            source: format!("{} ({})", fields[7].trim(), fields[6].trim()),
        });
    }
    Ok(out)
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn seventy_sixth_session_opens_on_its_verified_day() {
        let cal = SessionCalendar::builtin();
        assert_eq!(
            cal.opening_day(Body::GeneralAssembly, 76),
            Some((d(2021, 9, 14), false))
        );
        assert_eq!(
            cal.opening_day(Body::GeneralAssembly, 78),
            Some((d(2023, 9, 5), false))
        );
    }

    #[test]
    fn scheduled_only_row_is_marked_estimated() {
        let cal = SessionCalendar::builtin();
        assert_eq!(
            cal.opening_day(Body::GeneralAssembly, 81),
            Some((d(2026, 9, 8), true))
        );
    }

    #[test]
    fn sessions_beyond_the_table_open_on_the_tuesday_between_5_and_11_september() {
        let cal = SessionCalendar::builtin();
        assert_eq!(
            cal.opening_day(Body::GeneralAssembly, 82),
            Some((d(2027, 9, 7), true))
        );
        assert_eq!(
            cal.opening_day(Body::GeneralAssembly, 100),
            Some((d(2045, 9, 5), true))
        );
    }

    #[test]
    fn old_rule_reproduces_verified_openings_before_the_78th_session() {
        for n in 60..78 {
            let cal = SessionCalendar::builtin();
            let (day, _) = cal.opening_day(Body::GeneralAssembly, n).unwrap();
            assert_eq!(ga_rule(n), Some(day), "session {n}");
        }
        // The unverified 59th falls back to the rule, as its source note says.
        let cal = SessionCalendar::builtin();
        assert_eq!(
            cal.opening_day(Body::GeneralAssembly, 59),
            Some((d(2004, 9, 14), true))
        );
    }

    #[test]
    fn hrc_sessions_come_from_their_table_then_the_three_a_year_cycle() {
        let cal = SessionCalendar::builtin();
        assert_eq!(
            cal.opening_day(Body::HumanRightsCouncil, 48),
            Some((d(2021, 9, 13), false))
        );
        assert_eq!(
            cal.opening_day(Body::HumanRightsCouncil, 62),
            Some((d(2026, 6, 15), true))
        );
        assert_eq!(
            cal.opening_day(Body::HumanRightsCouncil, 64),
            Some((d(2027, 2, 22), true))
        );
    }

    #[test]
    fn ecosoc_session_named_by_its_year_opens_when_its_cycle_opens_the_july_before() {
        let cal = SessionCalendar::builtin();
        // A/74/3: "2019 session (New York, 26 July 2018-24 July 2019)".
        assert_eq!(
            cal.opening_day(Body::EconomicAndSocialCouncil, 2019),
            Some((d(2018, 7, 26), false))
        );
        // The 2027 row is itself an estimate; 2028 continues it a year on, on a Thursday.
        assert_eq!(
            cal.opening_day(Body::EconomicAndSocialCouncil, 2027),
            Some((d(2026, 7, 23), true))
        );
        assert_eq!(
            cal.opening_day(Body::EconomicAndSocialCouncil, 2028),
            Some((d(2027, 7, 29), true))
        );
        assert_eq!(cal.opening_day(Body::SecurityCouncil, 3), None);
    }

    #[test]
    fn commission_sessions_come_from_their_rows_then_a_year_per_session() {
        let cal = SessionCalendar::builtin();
        // "to the Commission on the Status of Women at its sixty-third session"
        assert_eq!(
            cal.opening_day(Body::CommissionOnTheStatusOfWomen, 63),
            Some((d(2019, 3, 11), false))
        );
        // CSW 71 is an estimate in the table; 72 continues it: a Monday in March 2028.
        let (day, estimated) = cal
            .opening_day(Body::CommissionOnTheStatusOfWomen, 72)
            .unwrap();
        assert!(estimated);
        assert_eq!(
            (day.year(), day.month(), day.weekday()),
            (2028, 3, Weekday::Mon)
        );
        assert_eq!(
            cal.opening_day(Body::HighLevelPoliticalForum, 2019),
            Some((d(2019, 7, 9), false))
        );
        assert_eq!(cal.opening_day(Body::EnvironmentAssembly, 8), None);
    }

    #[test]
    fn every_body_row_of_the_shared_table_is_read() {
        let rows = parse_bodies_csv(BODIES_CSV).unwrap();
        assert_eq!(
            rows.len(),
            BODIES_CSV
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .count()
        );
        assert!(rows.iter().any(|r| r.body == Body::DisarmamentCommission));
    }

    #[test]
    fn user_rows_override_the_rule() {
        let cal = SessionCalendar::from_rows([SessionDates {
            body: Body::GeneralAssembly,
            session: 90,
            opening: Some(d(2035, 9, 4)),
            closing: None,
            estimated: false,
            source: "test".into(),
        }]);
        assert_eq!(
            cal.opening_day(Body::GeneralAssembly, 90),
            Some((d(2035, 9, 4), false))
        );
        assert_eq!(
            cal.opening_day(Body::GeneralAssembly, 91),
            Some((d(2036, 9, 9), true))
        );
    }

    #[test]
    fn the_last_session_before_a_mandate_expires_is_where_it_is_renewed() {
        let cal = SessionCalendar::builtin();
        // A/HRC/RES/46/9 (23 March 2021) renews a mandate for three years: it expires on 23
        // March 2024, during the 55th session, which opened on 26 February 2024.
        let day = NaiveDate::from_ymd_opt(2024, 3, 23).unwrap();
        let (n, opens, _) = cal
            .last_session_before(Body::HumanRightsCouncil, day)
            .unwrap();
        assert_eq!(n, 55);
        assert!(opens < day && opens.year() == 2024, "{opens}");
        // The Security Council has no sessions.
        assert!(
            cal.last_session_before(Body::SecurityCouncil, day)
                .is_none()
        );
    }
}
