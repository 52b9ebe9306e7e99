//! Checking what a new subscriber says, the same way for the dashboard's form and the CLI.

use super::schedule::{parse_time_zone, parse_weekday};
use crate::web::obligations::ListQuery;

/// A subscription whose every field was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub email: String,
    pub name: String,
    /// The dashboard list's query string, normalised (no sort, page or day).
    pub filter_query: String,
    pub weeks_ahead: i32,
    pub send_weekday: i16,
    pub send_hour: i16,
    pub time_zone: String,
}

impl Subscription {
    /// The row to store.
    pub fn as_new(&self) -> crate::store::NewSubscriber<'_> {
        crate::store::NewSubscriber {
            email: &self.email,
            name: &self.name,
            filter_query: &self.filter_query,
            weeks_ahead: self.weeks_ahead,
            send_weekday: self.send_weekday,
            send_hour: self.send_hour,
            time_zone: &self.time_zone,
        }
    }
}

/// What a person typed, before checking.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionRequest<'a> {
    pub email: &'a str,
    pub name: &'a str,
    /// A query string (`body=GA&actor=3`) or a whole dashboard URL with one.
    pub filter: &'a str,
    pub weeks_ahead: &'a str,
    pub weekday: &'a str,
    pub hour: &'a str,
    pub time_zone: &'a str,
}

/// The filter part of a dashboard URL or query string, checked and normalised.
pub fn normalize_filter(filter: &str) -> Result<String, String> {
    let filter = filter.trim();
    let query = match filter.split_once('?') {
        Some((_, q)) => q,
        None if filter.starts_with("http") || filter.starts_with('/') => "",
        None => filter,
    };
    let mut parsed: ListQuery = serde_urlencoded::from_str(query)
        .map_err(|e| format!("the filter is not a query string like body=GA&actor=3: {e}"))?;
    parsed.filter().map_err(|e| format!("filter: {e}"))?;
    parsed.sort = None;
    parsed.page = None;
    parsed.as_of = None;
    serde_urlencoded::to_string(&parsed).map_err(|e| format!("filter: {e}"))
}

impl SubscriptionRequest<'_> {
    /// The checked subscription, or a one-line message saying which field is wrong and how.
    pub fn validate(&self) -> Result<Subscription, String> {
        let email = self.email.trim();
        let address: lettre::Address = email.parse().map_err(|_| {
            format!("{email:?} is not an email address: write it like name@example.org")
        })?;
        let name = self.name.trim();
        if name.chars().count() > 200 {
            return Err("the name is longer than 200 characters".into());
        }
        let number = |v: &str, field: &str, default: i64, range: std::ops::RangeInclusive<i64>| {
            let v = v.trim();
            let n = if v.is_empty() {
                default
            } else {
                v.parse::<i64>()
                    .map_err(|_| format!("{field} must be a number, not {v:?}"))?
            };
            if range.contains(&n) {
                Ok(n)
            } else {
                Err(format!(
                    "{field} must be from {} to {}, not {n}",
                    range.start(),
                    range.end()
                ))
            }
        };
        let weeks_ahead = number(self.weeks_ahead, "weeks ahead", 8, 1..=52)?;
        let hour = number(self.hour, "the hour", 8, 0..=23)?;
        let weekday = if self.weekday.trim().is_empty() {
            1
        } else {
            parse_weekday(self.weekday)?
        };
        let zone = if self.time_zone.trim().is_empty() {
            "UTC"
        } else {
            self.time_zone.trim()
        };
        let tz = parse_time_zone(zone)?;
        Ok(Subscription {
            email: address.to_string(),
            name: name.to_string(),
            filter_query: normalize_filter(self.filter)?,
            weeks_ahead: weeks_ahead as i32,
            send_weekday: weekday,
            send_hour: hour as i16,
            time_zone: tz.name().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_with_defaults_becomes_a_monday_8am_utc_subscription() {
        let s = SubscriptionRequest {
            email: " ana@example.org ",
            name: "Ana",
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(s.email, "ana@example.org");
        assert_eq!(
            (
                s.weeks_ahead,
                s.send_weekday,
                s.send_hour,
                s.time_zone.as_str()
            ),
            (8, 1, 8, "UTC")
        );
        assert_eq!(s.filter_query, "");
    }

    #[test]
    fn a_dashboard_url_is_reduced_to_its_filter() {
        assert_eq!(
            normalize_filter(
                "http://127.0.0.1:8080/obligations?body=GA&q=report&sort=status&page=2"
            )
            .unwrap(),
            "body=GA&q=report"
        );
        assert_eq!(normalize_filter("actor=3&action=").unwrap(), "actor=3");
        assert!(
            normalize_filter("session=abc")
                .unwrap_err()
                .contains("session")
        );
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let base = SubscriptionRequest {
            email: "ana@example.org",
            ..Default::default()
        };
        let err = |r: SubscriptionRequest| r.validate().unwrap_err();
        assert!(
            err(SubscriptionRequest {
                email: "ana",
                ..base.clone()
            })
            .contains("not an email address")
        );
        assert!(
            err(SubscriptionRequest {
                weeks_ahead: "0",
                ..base.clone()
            })
            .contains("weeks ahead must be from 1 to 52")
        );
        assert!(
            err(SubscriptionRequest {
                hour: "24",
                ..base.clone()
            })
            .contains("hour")
        );
        assert!(
            err(SubscriptionRequest {
                weekday: "someday",
                ..base.clone()
            })
            .contains("weekday")
        );
        assert!(
            err(SubscriptionRequest {
                time_zone: "Europe/Atlantis",
                ..base
            })
            .contains("time zone")
        );
    }
}
