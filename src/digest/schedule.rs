//! When a subscriber's digest is due: their ISO week and delivery slot, in their own time zone.
//!
//! Pure: the caller says what "now" is. Comparisons are made in the subscriber's local wall
//! clock, so a slot that falls in a daylight-saving gap (02:30 on the spring-forward night) is
//! simply reached when the clock jumps past it, and one in the repeated autumn hour is reached
//! the first time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A validated IANA time zone name.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "unknown time zone {name:?}: use an IANA name such as Europe/Zurich, America/New_York or UTC"
        )
    })
}

/// A weekday from its English name or its ISO number (1 = Monday .. 7 = Sunday), as 1..=7.
pub fn parse_weekday(value: &str) -> Result<i16, String> {
    const NAMES: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let v = value.trim().to_ascii_lowercase();
    if let Ok(n) = v.parse::<i16>()
        && (1..=7).contains(&n)
    {
        return Ok(n);
    }
    NAMES
        .iter()
        .position(|name| v.len() >= 3 && name.starts_with(&v))
        .map(|i| i as i16 + 1)
        .ok_or_else(|| format!("unknown weekday {value:?}: use monday .. sunday (or 1 .. 7)"))
}

/// The English name of an ISO weekday 1..=7.
pub fn weekday_name(day: i16) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    .get((day - 1).clamp(0, 6) as usize)
    .copied()
    .unwrap_or("Monday")
}

/// What "now" is for scheduling.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// This instant, seen in each subscriber's time zone.
    At(DateTime<Utc>),
    /// The last second of this day in every subscriber's own time zone (`--as-of DATE`):
    /// every slot of that day and the days before it in its week has been reached.
    EndOfDay(NaiveDate),
}

impl Clock {
    /// The subscriber's local wall-clock time.
    pub fn local(self, tz: Tz) -> NaiveDateTime {
        match self {
            Clock::At(instant) => instant.with_timezone(&tz).naive_local(),
            Clock::EndOfDay(day) => day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap()),
        }
    }
}

/// The Monday that starts the ISO week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// A digest that is due now: the week it belongs to and the local day it is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueDigest {
    pub week_start: NaiveDate,
    pub as_of: NaiveDate,
}

/// The delivery slot of the week starting `week_start` (local wall-clock time).
pub fn slot_of_week(week_start: NaiveDate, weekday: i16, hour: i16) -> NaiveDateTime {
    (week_start + Duration::days(i64::from(weekday.clamp(1, 7) - 1)))
        .and_time(NaiveTime::from_hms_opt(hour.clamp(0, 23) as u32, 0, 0).unwrap())
}

/// The digest due for a subscriber with this slot at `now`, if this week's slot has been reached.
/// Whether one was already sent for that week is the database's business (one job per week).
pub fn due_digest(now: NaiveDateTime, weekday: i16, hour: i16) -> Option<DueDigest> {
    let week = week_start(now.date());
    (now >= slot_of_week(week, weekday, hour)).then_some(DueDigest {
        week_start: week,
        as_of: now.date(),
    })
}

/// The instant of a local wall-clock time; a time skipped by a daylight-saving jump maps to
/// the first instant after the jump.
pub fn instant_of(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..48 {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc);
        }
        probe += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&local)
}

/// The next delivery instant at or after `now` (for showing it on the dashboard).
pub fn next_slot(now: DateTime<Utc>, tz: Tz, weekday: i16, hour: i16) -> DateTime<Utc> {
    let local = now.with_timezone(&tz).naive_local();
    let week = week_start(local.date());
    let this_week = slot_of_week(week, weekday, hour);
    let slot = if local <= this_week {
        this_week
    } else {
        slot_of_week(week + Duration::days(7), weekday, hour)
    };
    instant_of(tz, slot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn weekdays_and_zones_are_validated_with_clear_messages() {
        assert_eq!(parse_weekday("Monday"), Ok(1));
        assert_eq!(parse_weekday("fri"), Ok(5));
        assert_eq!(parse_weekday("7"), Ok(7));
        assert!(parse_weekday("funday").unwrap_err().contains("monday"));
        assert!(parse_weekday("8").is_err());
        assert!(parse_time_zone("Europe/Zurich").is_ok());
        assert!(
            parse_time_zone("Mars/Olympus")
                .unwrap_err()
                .contains("IANA")
        );
    }

    #[test]
    fn a_monday_8am_digest_is_due_from_that_hour_until_the_week_ends() {
        // 2021-08-02 is a Monday.
        let at = |s: &str| s.parse::<NaiveDateTime>().unwrap();
        assert_eq!(due_digest(at("2021-08-02T07:59:59"), 1, 8), None);
        assert_eq!(
            due_digest(at("2021-08-02T08:00:00"), 1, 8),
            Some(DueDigest {
                week_start: day("2021-08-02"),
                as_of: day("2021-08-02")
            })
        );
        // A server that was down catches up later in the same week, computed for that day.
        assert_eq!(
            due_digest(at("2021-08-08T23:00:00"), 1, 8).unwrap().as_of,
            day("2021-08-08")
        );
        // A Friday slot is not due on Thursday.
        assert_eq!(due_digest(at("2021-08-05T23:00:00"), 5, 8), None);
    }

    #[test]
    fn the_week_is_the_subscribers_own_not_utcs() {
        // Sunday 20:00 UTC is already Monday 08:00 in Auckland (NZST, UTC+12).
        let now = Clock::At(utc("2021-08-01T20:00:00Z"));
        let tz = parse_time_zone("Pacific/Auckland").unwrap();
        let due = due_digest(now.local(tz), 1, 8).unwrap();
        assert_eq!(due.week_start, day("2021-08-02"));
        // ...while in New York it is Sunday afternoon: still the week of Monday 26 July, and
        // a Sunday 18:00 slot is not reached yet.
        let ny = parse_time_zone("America/New_York").unwrap();
        assert_eq!(
            due_digest(now.local(ny), 1, 8).unwrap().week_start,
            day("2021-07-26")
        );
        assert_eq!(due_digest(now.local(ny), 7, 18), None);
    }

    #[test]
    fn a_slot_in_the_daylight_saving_gap_is_reached_when_the_clock_jumps() {
        // Europe/Berlin springs forward on Sunday 2021-03-28 from 02:00 to 03:00.
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let before = Clock::At(utc("2021-03-28T00:59:00Z")).local(tz); // 01:59 CET
        let after = Clock::At(utc("2021-03-28T01:00:00Z")).local(tz); // 03:00 CEST
        assert_eq!(due_digest(before, 7, 2), None);
        assert!(due_digest(after, 7, 2).is_some());
        // The skipped 02:00 maps to the first instant after the jump.
        assert_eq!(
            instant_of(tz, "2021-03-28T02:00:00".parse().unwrap()),
            utc("2021-03-28T01:00:00Z")
        );
        // In autumn 02:00 happens twice (2021-10-31); the first one counts.
        assert_eq!(
            instant_of(tz, "2021-10-31T02:00:00".parse().unwrap()),
            utc("2021-10-31T00:00:00Z")
        );
    }

    #[test]
    fn the_next_slot_is_this_weeks_until_it_passes() {
        let tz = parse_time_zone("Europe/Zurich").unwrap();
        // Monday 2021-08-02 06:00 UTC = 08:00 CEST: exactly the slot.
        assert_eq!(
            next_slot(utc("2021-08-02T06:00:00Z"), tz, 1, 8),
            utc("2021-08-02T06:00:00Z")
        );
        assert_eq!(
            next_slot(utc("2021-08-02T06:00:01Z"), tz, 1, 8),
            utc("2021-08-09T06:00:00Z")
        );
    }

    #[test]
    fn end_of_day_clock_covers_the_whole_day_in_every_zone() {
        let clock = Clock::EndOfDay(day("2021-08-02"));
        let local = clock.local(parse_time_zone("Asia/Tokyo").unwrap());
        assert_eq!(local.date(), day("2021-08-02"));
        assert!(due_digest(local, 1, 23).is_some());
        assert_eq!(week_start(day("2021-08-08")), day("2021-08-02"));
    }
}
