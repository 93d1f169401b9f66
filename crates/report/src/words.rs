//! The report's own phrasing of quarters, times, people and the assessment's status.

use chrono::{DateTime, FixedOffset, Utc};
use govbench_i18n::Locale;
use govbench_protocol::{QuarterlyAssessment, UserId};

/// `2026Q3` as the language says it (`2026Q3`, `2026年第3季度`); anything else as given.
pub fn quarter(locale: Locale, quarter: &str) -> String {
    let parsed = quarter.split_once(['Q', 'q']).and_then(|(year, q)| {
        let valid = year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && matches!(q, "1" | "2" | "3" | "4");
        valid.then_some((year, q))
    });
    match parsed {
        Some((year, q)) => locale.format("report.quarter", [("year", year), ("q", q)]),
        None => quarter.to_owned(),
    }
}

/// A moment in the exporter's zone with the offset shown, so a reader elsewhere can tell
/// exactly when it was: `2026-10-05 14:30 UTC+08:00`.
pub fn time(at: DateTime<Utc>, offset: FixedOffset) -> String {
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M UTC%:z")
        .to_string()
}

/// A user's display name, or a visible stand-in naming the id when the list lacks them.
pub fn name(locale: Locale, names: &[(UserId, String)], id: UserId) -> String {
    match names.iter().find(|(user, _)| *user == id) {
        Some((_, name)) => name.clone(),
        None => {
            let id = id.to_string();
            locale.format("report.unknown_user", [("id", &id[..8.min(id.len())])])
        }
    }
}

/// `Draft`, `Signed`, `Approved` or `Not assessed`.
pub fn status(locale: Locale, assessment: Option<&QuarterlyAssessment>) -> String {
    match assessment {
        Some(a) => locale.t(&format!("assessment.status.{}", a.status.key())),
        None => locale.t("report.status.not_assessed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_times_read_naturally() {
        assert_eq!(quarter(Locale::En, "2026Q3"), "2026Q3");
        assert_eq!(quarter(Locale::ZhCn, "2026Q3"), "2026年第3季度");
        assert_eq!(quarter(Locale::ZhCn, "odd"), "odd");
        assert_eq!(quarter(Locale::ZhCn, "2026Q7"), "2026Q7");
        let at = DateTime::parse_from_rfc3339("2026-10-05T06:30:00Z")
            .unwrap()
            .to_utc();
        let offset = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(time(at, offset), "2026-10-05 14:30 UTC+08:00");
    }
}
