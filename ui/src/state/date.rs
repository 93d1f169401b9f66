//! The date field: parsing what people type, and the month grid of its calendar. Dates are
//! shown and typed as ISO 8601 (`2031-06-30`) in both languages: unlike WebKit's native date
//! input, which follows the machine's locale (`06/30/2031` on an English system even when the
//! UI is Chinese), this never depends on the system.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// Parses a date as people type it: `2031-06-30`, `2031/6/30`, `2031.6.30`, `2031年6月30日`,
/// `20310630` (year first, as in Chinese and ISO usage; `06/30/2031` is ambiguous and refused).
pub fn parse(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(text, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = text
        .split(['-', '/', '.', '年', '月', '日'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 || month.len() > 2 || day.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// A month as the calendar shows it: whole weeks from Monday, the days of the neighbouring
/// months included (shown dimmed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthView {
    pub year: i32,
    pub month: u32,
    pub weeks: Vec<[NaiveDate; 7]>,
}

impl MonthView {
    pub fn of(day: NaiveDate) -> MonthView {
        let first = day.with_day(1).unwrap_or(day);
        let offset = u64::from(first.weekday().num_days_from_monday());
        let mut start = first.checked_sub_days(Days::new(offset)).unwrap_or(first);
        let mut weeks = Vec::new();
        while weeks.is_empty() || (start.month() == first.month() && start.year() == first.year()) {
            let mut week = [start; 7];
            for (i, d) in week.iter_mut().enumerate() {
                *d = start.checked_add_days(Days::new(i as u64)).unwrap_or(start);
            }
            weeks.push(week);
            start = start.checked_add_days(Days::new(7)).unwrap_or(start);
            if weeks.len() == 6 {
                break;
            }
        }
        MonthView {
            year: first.year(),
            month: first.month(),
            weeks,
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        day.year() == self.year && day.month() == self.month
    }
}

/// A keyboard move in the calendar grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    PreviousDay,
    NextDay,
    PreviousWeek,
    NextWeek,
    PreviousMonth,
    NextMonth,
    WeekStart,
    WeekEnd,
}

impl Move {
    /// The move a key stands for (`ArrowLeft`, `PageDown`, …).
    pub fn from_key(key: &str) -> Option<Move> {
        Some(match key {
            "ArrowLeft" => Move::PreviousDay,
            "ArrowRight" => Move::NextDay,
            "ArrowUp" => Move::PreviousWeek,
            "ArrowDown" => Move::NextWeek,
            "PageUp" => Move::PreviousMonth,
            "PageDown" => Move::NextMonth,
            "Home" => Move::WeekStart,
            "End" => Move::WeekEnd,
            _ => return None,
        })
    }

    /// Where the focus lands; a month move keeps the day where it can (31 Jan → 28 Feb).
    pub fn from(self, day: NaiveDate) -> NaiveDate {
        let moved = match self {
            Move::PreviousDay => day.checked_sub_days(Days::new(1)),
            Move::NextDay => day.checked_add_days(Days::new(1)),
            Move::PreviousWeek => day.checked_sub_days(Days::new(7)),
            Move::NextWeek => day.checked_add_days(Days::new(7)),
            Move::PreviousMonth => day.checked_sub_months(Months::new(1)),
            Move::NextMonth => day.checked_add_months(Months::new(1)),
            Move::WeekStart => {
                day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
            }
            Move::WeekEnd => day.checked_add_days(Days::new(u64::from(
                6 - day.weekday().num_days_from_monday(),
            ))),
        };
        moved.unwrap_or(day)
    }
}

/// Weekdays in the calendar's column order, with their translation keys.
pub const WEEK: [(Weekday, &str); 7] = [
    (Weekday::Mon, "date.weekday.mon"),
    (Weekday::Tue, "date.weekday.tue"),
    (Weekday::Wed, "date.weekday.wed"),
    (Weekday::Thu, "date.weekday.thu"),
    (Weekday::Fri, "date.weekday.fri"),
    (Weekday::Sat, "date.weekday.sat"),
    (Weekday::Sun, "date.weekday.sun"),
];

/// Translation key of a month's name.
pub fn month_key(month: u32) -> String {
    format!("date.month.{month}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_parse_as_people_type_them() {
        for text in [
            "2031-06-30",
            " 2031/6/30 ",
            "2031.06.30",
            "2031年6月30日",
            "20310630",
        ] {
            assert_eq!(parse(text), Some(d(2031, 6, 30)), "{text}");
        }
        for text in [
            "",
            "06/30/2031",
            "2031-02-30",
            "31-6-30",
            "2031-6",
            "tomorrow",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_month_is_whole_weeks_from_monday() {
        // June 2031 starts on a Sunday: the first row begins on Monday 26 May.
        let view = MonthView::of(d(2031, 6, 17));
        assert_eq!((view.year, view.month), (2031, 6));
        assert_eq!(view.weeks[0][0], d(2031, 5, 26));
        assert_eq!(view.weeks[0][6], d(2031, 6, 1));
        assert!(view.weeks.len() >= 5 && view.weeks.len() <= 6);
        assert!(view
            .weeks
            .iter()
            .flatten()
            .any(|day| *day == d(2031, 6, 30)));
        assert!(view.contains(d(2031, 6, 1)) && !view.contains(d(2031, 5, 31)));
    }

    #[test]
    fn keys_move_the_focused_day() {
        let day = d(2031, 1, 31);
        assert_eq!(
            Move::from_key("ArrowRight").unwrap().from(day),
            d(2031, 2, 1)
        );
        assert_eq!(Move::from_key("ArrowUp").unwrap().from(day), d(2031, 1, 24));
        assert_eq!(
            Move::from_key("PageDown").unwrap().from(day),
            d(2031, 2, 28)
        );
        assert_eq!(Move::WeekStart.from(d(2031, 6, 1)), d(2031, 5, 26));
        assert_eq!(Move::WeekEnd.from(d(2031, 5, 26)), d(2031, 6, 1));
        assert_eq!(Move::from_key("Enter"), None);
    }
}
