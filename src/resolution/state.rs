//! Where an obligation stands on a given day, in the words of its kind: a deliverable is due,
//! overdue or fulfilled; an agenda inclusion is scheduled, then on the agenda; an event is
//! scheduled, then held; a mandate runs, expires soon, then is renewed or expires.

use chrono::NaiveDate;

use super::kind::ObligationKind;

/// An obligation's state on a day, for its badge, its colour, the CSV and the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObligationState {
    Overdue,
    DueSoon,
    Later,
    NoDate,
    Fulfilled,
    NotApplicable,
    /// An agenda inclusion, event or review whose day has not come.
    Scheduled,
    /// An agenda inclusion whose session has opened (or that evidence shows on the agenda).
    OnAgenda,
    /// An event whose time has passed, or that evidence shows held.
    Held,
    /// A mandate period still running beyond the horizon.
    Runs,
    /// A mandate period that ends within the horizon.
    ExpiresSoon,
    /// A mandate period a later resolution renewed or extended.
    Renewed,
    /// A mandate period past its end with no renewal on file.
    Expired,
    /// A review whose time has passed.
    ReviewDue,
}

impl ObligationState {
    /// The state of an obligation of `kind` with the follow-up `status` (as stored) and the
    /// last day of its window `latest`, on `today`, looking ahead to `soon_until`.
    pub fn of(
        kind: ObligationKind,
        status: &str,
        latest: Option<NaiveDate>,
        today: NaiveDate,
        soon_until: NaiveDate,
    ) -> Self {
        use ObligationState::*;
        let passed = latest.is_some_and(|d| d < today);
        let soon = latest.is_some_and(|d| d >= today && d <= soon_until);
        if status == "not_applicable" {
            return NotApplicable;
        }
        let done = status == "fulfilled";
        match kind {
            ObligationKind::AgendaInclusion if done || passed => OnAgenda,
            ObligationKind::AgendaInclusion => Scheduled,
            ObligationKind::Event if done || passed => Held,
            ObligationKind::Event => Scheduled,
            ObligationKind::MandatePeriod if done => Renewed,
            ObligationKind::MandatePeriod if passed => Expired,
            ObligationKind::MandatePeriod if soon => ExpiresSoon,
            ObligationKind::MandatePeriod if latest.is_none() => NoDate,
            ObligationKind::MandatePeriod => Runs,
            ObligationKind::Review if done => Fulfilled,
            ObligationKind::Review if passed => ReviewDue,
            ObligationKind::Review => Scheduled,
            ObligationKind::Deliverable | ObligationKind::Other => match latest {
                _ if done => Fulfilled,
                None => NoDate,
                Some(_) if passed => Overdue,
                Some(_) if soon => DueSoon,
                Some(_) => Later,
            },
        }
    }

    /// The code used in CSV, JSON and URLs.
    pub fn as_str(self) -> &'static str {
        use ObligationState::*;
        match self {
            Overdue => "overdue",
            DueSoon => "due_soon",
            Later => "later",
            NoDate => "no_date",
            Fulfilled => "fulfilled",
            NotApplicable => "not_applicable",
            Scheduled => "scheduled",
            OnAgenda => "on_agenda",
            Held => "held",
            Runs => "runs",
            ExpiresSoon => "expires_soon",
            Renewed => "renewed",
            Expired => "expired",
            ReviewDue => "review_due",
        }
    }

    /// As people say it.
    pub fn label(self) -> &'static str {
        use ObligationState::*;
        match self {
            Overdue => "overdue",
            DueSoon => "due soon",
            Later => "later",
            NoDate => "no date",
            Fulfilled => "fulfilled",
            NotApplicable => "not applicable",
            Scheduled => "scheduled",
            OnAgenda => "on the agenda",
            Held => "held",
            Runs => "runs",
            ExpiresSoon => "expires soon",
            Renewed => "renewed",
            Expired => "expired",
            ReviewDue => "review due",
        }
    }

    /// True while something is still to be done or to come: not fulfilled, not set aside,
    /// not settled by its day having passed (on the agenda, held, expired). What a
    /// resolution's "open" count counts.
    pub fn is_open(self) -> bool {
        use ObligationState::*;
        match self {
            Overdue | DueSoon | Later | NoDate | Scheduled | Runs | ExpiresSoon | ReviewDue => true,
            Fulfilled | NotApplicable | OnAgenda | Held | Renewed | Expired => false,
        }
    }

    /// The stylesheet's class for the badge and the row: the colours of the due list.
    pub fn class(self) -> &'static str {
        use ObligationState::*;
        match self {
            Overdue => "overdue",
            DueSoon | ExpiresSoon | ReviewDue => "soon",
            Later | Scheduled | Runs => "later",
            NoDate => "nodate",
            Fulfilled | OnAgenda | Held | Renewed => "fulfilled",
            NotApplicable | Expired => "na",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ObligationKind::*;
    use ObligationState as S;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn on(kind: ObligationKind, status: &str, latest: &str) -> ObligationState {
        let today = day("2026-12-05");
        ObligationState::of(
            kind,
            status,
            Some(day(latest)),
            today,
            today + chrono::Duration::weeks(8),
        )
    }

    #[test]
    fn deliverables_are_overdue_due_soon_later_or_fulfilled() {
        assert_eq!(on(Deliverable, "open", "2026-12-04"), S::Overdue);
        assert_eq!(on(Deliverable, "in_progress", "2026-12-05"), S::DueSoon);
        assert_eq!(on(Deliverable, "open", "2027-06-01"), S::Later);
        assert_eq!(on(Deliverable, "fulfilled", "2020-01-01"), S::Fulfilled);
        assert_eq!(on(Other, "open", "2020-01-01"), S::Overdue);
    }

    #[test]
    fn agenda_inclusions_are_never_overdue() {
        assert_eq!(on(AgendaInclusion, "open", "2020-09-15"), S::OnAgenda);
        assert_eq!(on(AgendaInclusion, "open", "2027-09-08"), S::Scheduled);
        assert_eq!(on(AgendaInclusion, "fulfilled", "2027-09-08"), S::OnAgenda);
    }

    #[test]
    fn events_are_scheduled_then_held() {
        assert_eq!(on(Event, "open", "2026-04-30"), S::Held);
        assert_eq!(on(Event, "open", "2026-12-20"), S::Scheduled);
    }

    #[test]
    fn mandates_run_expire_soon_and_are_renewed_or_expire() {
        assert_eq!(on(MandatePeriod, "open", "2028-03-23"), S::Runs);
        assert_eq!(on(MandatePeriod, "open", "2027-01-10"), S::ExpiresSoon);
        assert_eq!(on(MandatePeriod, "open", "2024-03-23"), S::Expired);
        assert_eq!(on(MandatePeriod, "fulfilled", "2024-03-23"), S::Renewed);
    }

    #[test]
    fn open_means_still_to_do_or_to_come_and_overdue_is_open() {
        assert!(on(Deliverable, "open", "2020-01-01").is_open());
        assert!(on(MandatePeriod, "open", "2028-03-23").is_open());
        assert!(!on(AgendaInclusion, "open", "2020-09-15").is_open());
        assert!(!on(Deliverable, "fulfilled", "2020-01-01").is_open());
        assert!(!on(MandatePeriod, "open", "2024-03-23").is_open());
    }

    #[test]
    fn not_applicable_wins_for_every_kind() {
        for kind in ObligationKind::ALL {
            assert_eq!(on(kind, "not_applicable", "2020-01-01"), S::NotApplicable);
        }
    }

    #[test]
    fn only_deliverables_and_other_can_be_overdue() {
        for kind in ObligationKind::ALL {
            let late = on(kind, "open", "2020-01-01") == S::Overdue;
            assert_eq!(late, kind.can_be_overdue(), "{kind:?}");
        }
    }
}
