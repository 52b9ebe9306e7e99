//! "Today" for a page: the clock, or `?as_of=YYYY-MM-DD` for planning and for tests.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::AppError;

#[derive(Debug, Default, Deserialize)]
pub struct AsOf {
    pub as_of: Option<String>,
}

impl AsOf {
    /// The past (or future) day asked for, if any: pages then show what was known that day.
    pub fn day(&self) -> Result<Option<NaiveDate>, AppError> {
        parse_optional_date(self.as_of.as_deref(), "as_of")
    }

    /// The day the page is computed for.
    pub fn today(&self) -> Result<NaiveDate, AppError> {
        parse_optional_date(self.as_of.as_deref(), "as_of")
            .map(|d| d.unwrap_or_else(|| chrono::Local::now().date_naive()))
    }
}

/// An optional ISO date from a query or form field; empty means absent.
pub fn parse_optional_date(
    value: Option<&str>,
    field: &str,
) -> Result<Option<NaiveDate>, AppError> {
    crate::store::filter::parse_day(value, field).map_err(AppError::BadRequest)
}

/// The month `months` after (or before, when negative) the month of `day`, on its first day.
pub fn add_months(day: NaiveDate, months: i32) -> NaiveDate {
    let index = day.year() * 12 + day.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("first of a month exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_added_across_years() {
        let d = NaiveDate::from_ymd_opt(2021, 6, 15).unwrap();
        assert_eq!(
            add_months(d, -6),
            NaiveDate::from_ymd_opt(2020, 12, 1).unwrap()
        );
        assert_eq!(
            add_months(d, 12),
            NaiveDate::from_ymd_opt(2022, 6, 1).unwrap()
        );
    }
}
