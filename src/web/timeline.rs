//! The timeline chart: obligations by month from six months back to twelve ahead, stacked by
//! state, drawn as SVG on the server (no JavaScript); each bar links to that month's list.

use chrono::NaiveDate;

use super::today::add_months;
use crate::store::MonthCount;

pub const MONTHS_BACK: i32 = 6;
pub const MONTHS_AHEAD: i32 = 12;
const BAR_WIDTH: u32 = 28;
const GAP: u32 = 8;
const HEIGHT: u32 = 160;

/// One stacked rectangle.
#[derive(Debug, Clone)]
pub struct Rect {
    pub y: u32,
    pub height: u32,
    pub class: &'static str,
    pub count: i64,
}

/// One month's bar, ready for the template.
#[derive(Debug, Clone)]
pub struct Bar {
    pub x: u32,
    pub label: String,
    /// The year under the first bar and under each January, so no month name is ambiguous.
    pub year: Option<String>,
    /// The bar's count, printed above it (none for an empty month).
    pub count: Option<i64>,
    /// Where the count sits: just above the bar.
    pub count_y: u32,
    pub title: String,
    pub href: String,
    pub rects: Vec<Rect>,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct Timeline {
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
    pub total: i64,
}

/// The range of months the chart covers: [from, until).
pub fn month_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        add_months(today, -MONTHS_BACK),
        add_months(today, MONTHS_AHEAD + 1),
    )
}

/// Lays out the bars; `list_base` is the obligations URL the bars link to (with `?` or `&`).
pub fn build_timeline(today: NaiveDate, counts: &[MonthCount], list_base: &str) -> Timeline {
    let max = counts
        .iter()
        .map(|c| c.overdue + c.open + c.fulfilled)
        .max()
        .unwrap_or(0)
        .max(1);
    let this_month = add_months(today, 0);
    let mut bars = Vec::new();
    let mut total = 0;
    for i in 0..(MONTHS_BACK + MONTHS_AHEAD + 1) {
        let month = add_months(today, i - MONTHS_BACK);
        let next = add_months(today, i - MONTHS_BACK + 1);
        let count = counts.iter().find(|c| c.month == month);
        let (overdue, open, fulfilled) =
            count.map_or((0, 0, 0), |c| (c.overdue, c.open, c.fulfilled));
        total += overdue + open + fulfilled;
        let mut y = HEIGHT;
        let mut rects = Vec::new();
        for (n, class) in [
            (fulfilled, "fulfilled"),
            (open, "open"),
            (overdue, "overdue"),
        ] {
            if n == 0 {
                continue;
            }
            let h = ((n as f64 / max as f64) * (HEIGHT - 20) as f64)
                .round()
                .max(2.0) as u32;
            y = y.saturating_sub(h);
            rects.push(Rect {
                y,
                height: h,
                class,
                count: n,
            });
        }
        let last_day = next.pred_opt().expect("a day before the first of a month");
        let sum = overdue + open + fulfilled;
        bars.push(Bar {
            x: i as u32 * (BAR_WIDTH + GAP),
            label: month.format("%b").to_string(),
            year: (i == 0 || month.format("%m").to_string() == "01")
                .then(|| month.format("%Y").to_string()),
            count: (sum > 0).then_some(sum),
            count_y: y.saturating_sub(3).max(9),
            title: format!(
                "{}: {overdue} overdue, {open} open, {fulfilled} fulfilled",
                month.format("%B %Y")
            ),
            href: format!("{list_base}due_from={month}&due_to={last_day}"),
            rects,
            current: month == this_month,
        });
    }
    Timeline {
        width: (MONTHS_BACK + MONTHS_AHEAD + 1) as u32 * (BAR_WIDTH + GAP),
        height: HEIGHT,
        bars,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_cover_six_months_back_to_twelve_ahead_and_link_to_their_month() {
        let today = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
        let counts = [MonthCount {
            month: NaiveDate::from_ymd_opt(2021, 9, 1).unwrap(),
            overdue: 0,
            open: 3,
            fulfilled: 1,
        }];
        let t = build_timeline(today, &counts, "/obligations?");
        assert_eq!(t.bars.len(), 19);
        assert_eq!(t.total, 4);
        assert_eq!(t.bars[0].label, "Dec");
        let september = &t.bars[9];
        assert_eq!(september.rects.len(), 2);
        assert_eq!(
            september.href,
            "/obligations?due_from=2021-09-01&due_to=2021-09-30"
        );
        assert!(t.bars[6].current);
        // Years under the first bar and each January; counts above the bars that have any.
        assert_eq!(t.bars[0].year.as_deref(), Some("2020"));
        assert_eq!(t.bars[1].year.as_deref(), Some("2021"));
        assert_eq!(t.bars[2].year, None);
        assert_eq!(t.bars[13].year.as_deref(), Some("2022"));
        assert_eq!(september.count, Some(4));
        assert_eq!(t.bars[8].count, None);
    }
}
