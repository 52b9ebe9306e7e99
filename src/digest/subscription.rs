//! Checking what a new subscriber says, the same way for the dashboard's form and the CLI.

use super::schedule::{parse_time_zone, parse_weekday};
use crate::store::ListQuery;

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
    // A name the list does not read would silently mean "everything" (issue 18).
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|e| format!("the filter is not a query string like body=GA&actor=3: {e}"))?;
    if let Some((unknown, _)) = pairs
        .iter()
        .find(|(k, _)| !ListQuery::KEYS.contains(&k.as_str()))
    {
        return Err(format!(
            "the filter has {unknown:?}, which the obligations list does not read; use {}",
            ListQuery::KEYS.join(", ")
        ));
    }
    let mut parsed: ListQuery = serde_urlencoded::from_str(query)
        .map_err(|e| format!("the filter is not a query string like body=GA&actor=3: {e}"))?;
    parsed.filter().map_err(|e| format!("filter: {e}"))?;
    parsed.sort = None;
    parsed.page = None;
    parsed.as_of = None;
    serde_urlencoded::to_string(&parsed).map_err(|e| format!("filter: {e}"))
}

/// A subscriber's address, checked so that it can be sent to: `local@domain.tld`, with a
/// dot-atom local part (letters, digits, `.` and ``!#$%&'*+-/=?^_`{|}~``) and a domain name of
/// at least two labels whose last one is not a number.
///
/// Refused although RFC 5321 has them: address literals (`a@[127.0.0.1]`) and bare IP
/// addresses (`a@127.0.0.1`), which mail servers refuse or deliver nowhere; quoted local parts
/// (`"a b"@example.org`); single-label domains (`a@localhost`); and non-ASCII addresses,
/// which need SMTPUTF8 that many servers lack (an internationalised domain is written in its
/// ASCII form, `xn--...`). Each of these was accepted once and then failed at every send.
pub fn parse_address(value: &str) -> Result<lettre::Address, String> {
    let email = value.trim();
    let not_an_address = |why: &str| {
        format!(
            "{email:?} is not an email address we can send to: {why}; write it like name@example.org"
        )
    };
    if email.is_empty() {
        return Err("the email address is empty: write it like name@example.org".into());
    }
    if email.chars().any(is_control) {
        return Err(format!(
            "the email address {email:?} contains a line break or another control character; write it on one line, like name@example.org"
        ));
    }
    if email.chars().any(char::is_whitespace) {
        return Err(not_an_address("it contains a space"));
    }
    if !email.is_ascii() {
        return Err(not_an_address(
            "it contains non-ASCII characters (write an internationalised domain in its xn-- form)",
        ));
    }
    if email.len() > 254 {
        return Err(not_an_address("it is longer than 254 characters"));
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(not_an_address("it has no @"));
    };
    if domain.starts_with('[') {
        return Err(not_an_address(
            "address literals such as [127.0.0.1] are not accepted, only a domain name",
        ));
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    if local.is_empty()
        || local.len() > 64
        || local
            .split('.')
            .any(|atom| atom.is_empty() || !atom.chars().all(atext))
    {
        return Err(not_an_address(
            "the part before @ may hold letters, digits, single dots inside and !#$%&'*+-/=?^_`{|}~ (no quotes, at most 64)",
        ));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(not_an_address(
            "the part after @ must be a domain name with a dot, such as example.org",
        ));
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(not_an_address(
            "an IP address is not accepted after @, only a domain name",
        ));
    }
    // lettre has the last word: whatever it refuses could never be sent.
    email
        .parse::<lettre::Address>()
        .map_err(|e| not_an_address(&e.to_string()))
}

/// A subscriber's name, checked: one line of at most 200 characters. A line break in a name
/// would end up in the `To:` header, which cannot hold one.
pub fn parse_name(value: &str) -> Result<String, String> {
    let name = value.trim();
    if name.chars().any(is_control) {
        return Err(
            "the name contains a line break or another control character; write it on one line"
                .into(),
        );
    }
    if name.chars().count() > 200 {
        return Err("the name is longer than 200 characters".into());
    }
    Ok(name.to_string())
}

/// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: none of
/// them belongs in a name or an address, and a line break in a header would end the header.
pub fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

impl SubscriptionRequest<'_> {
    /// The checked subscription, or a one-line message saying which field is wrong and how.
    pub fn validate(&self) -> Result<Subscription, String> {
        let address = parse_address(self.email)?;
        let name = parse_name(self.name)?;
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
            name,
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
    fn addresses_are_refused_unless_a_mail_server_can_take_them() {
        for good in [
            "ana@example.org",
            "ana.ruiz+un@mail.example.co.uk",
            "o'neil@xn--bcher-kva.example",
            "a_b-c@ex-ample.org",
        ] {
            assert_eq!(parse_address(good).unwrap().to_string(), good);
        }
        for (bad, why) in [
            ("a@[127.0.0.1]", "address literals"),
            ("a@[IPv6:::1]", "address literals"),
            ("a@127.0.0.1", "IP address"),
            ("a@localhost", "with a dot"),
            ("a@example..org", "with a dot"),
            ("a@-example.org", "with a dot"),
            ("\"a b\"@example.org", "a space"),
            ("\"ab\"@example.org", "no quotes"),
            (".a@example.org", "single dots"),
            ("a..b@example.org", "single dots"),
            ("a@b@example.org", "single dots"),
            ("ana@exämple.org", "non-ASCII"),
            (
                "ana@example.org\r\nBcc: eve@example.org",
                "control character",
            ),
            ("ana\u{0}@example.org", "control character"),
            ("", "empty"),
            ("ana", "no @"),
        ] {
            let err = parse_address(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }

    #[test]
    fn a_name_is_one_line_without_control_characters() {
        assert_eq!(parse_name("  Ana Ruiz ").unwrap(), "Ana Ruiz");
        for bad in [
            "Ana\nRuiz",
            "Ana\rRuiz",
            "Ana\tRuiz",
            "Ana\u{7f}",
            "Ana\u{2028}Ruiz",
        ] {
            assert!(
                parse_name(bad).unwrap_err().contains("control character"),
                "{bad:?}"
            );
        }
        assert!(parse_name(&"a".repeat(201)).is_err());
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
        // An unknown name is refused, not read as "everything".
        assert!(
            normalize_filter("foo=bar")
                .unwrap_err()
                .contains("\"foo\", which the obligations list does not read")
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
