//! Turning protocol values into the user's language. Pure, so tested natively.

use chrono::{DateTime, Local, NaiveDate, Utc};
use govbench_i18n::Locale;
use govbench_protocol::{
    ApiError, AuditReport, Comparator, HistoryEntry, Kpi, RequirementStatus, Role,
};

use crate::state::draft::format_number;

/// Details whose values are themselves keys of a translated vocabulary.
const DETAIL_VOCABULARY: [(&str, &str); 6] = [
    ("role", "role"),
    ("from", "status"),
    ("to", "status"),
    ("status", "status"),
    ("action", "command"),
    ("entity", "entity"),
];

/// The translated message of a backend error, with its `{placeholders}` filled in. Detail
/// values that name a role, status or action are translated too.
pub fn error_message(locale: Locale, err: &ApiError) -> String {
    let translated: Vec<(String, String)> = err
        .details
        .iter()
        .map(|(name, value)| {
            // A value may itself be a key (`role.auditor`) or a bare vocabulary word (`auditor`).
            if locale.catalogue().contains_key(value) {
                return (name.clone(), locale.t(value));
            }
            let value = DETAIL_VOCABULARY
                .iter()
                .find(|(detail, _)| detail == name)
                .map(|(_, prefix)| format!("{prefix}.{value}"))
                .filter(|key| locale.catalogue().contains_key(key))
                .map(|key| locale.t(&key))
                .unwrap_or_else(|| value.clone());
            (name.clone(), value)
        })
        .collect();
    locale.format(
        &err.message_key,
        translated.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

/// An error the UI makes up itself when the bridge to the backend fails.
pub fn bridge_error(reason: impl Into<String>) -> ApiError {
    ApiError::new(govbench_protocol::ErrorCode::Internal).with("reason", reason)
}

pub fn status(locale: Locale, status: RequirementStatus) -> String {
    locale.t(&format!("status.{}", status.key()))
}

pub fn role(locale: Locale, role: Role) -> String {
    locale.t(&format!("role.{}", role.key()))
}

/// A UTC instant in the user's local time zone.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A UTC instant as a machine-readable `datetime` attribute.
pub fn iso_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339()
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn comparator_symbol(c: Comparator) -> &'static str {
    c.symbol()
}

pub fn comparator_key(c: Comparator) -> &'static str {
    match c {
        Comparator::AtLeast => "at_least",
        Comparator::Above => "above",
        Comparator::AtMost => "at_most",
        Comparator::Below => "below",
    }
}

pub fn comparator_from_key(key: &str) -> Option<Comparator> {
    Comparator::ALL
        .into_iter()
        .find(|c| comparator_key(*c) == key)
}

/// `accuracy ≥ 95 %`
pub fn kpi(k: &Kpi) -> String {
    let unit = k.unit.trim();
    let target = format_number(k.target);
    if unit.is_empty() {
        format!("{} {} {}", k.metric, k.comparator.symbol(), target)
    } else {
        format!("{} {} {} {}", k.metric, k.comparator.symbol(), target, unit)
    }
}

/// The translated action of a history line, and its status change (`Assessed → Approved`).
pub fn history_line(locale: Locale, entry: &HistoryEntry) -> (String, Option<String>) {
    let action = locale.t(&format!("action.{}", entry.action));
    let change = match (entry.from_status, entry.to_status) {
        (Some(from), Some(to)) if from != to => {
            Some(format!("{} → {}", status(locale, from), status(locale, to)))
        }
        (None, Some(to)) => Some(format!("→ {}", status(locale, to))),
        _ => None,
    };
    (action, change)
}

/// The audit indicator's text.
pub fn audit_summary(locale: Locale, report: &AuditReport) -> String {
    let count = report.events_verified.to_string();
    match &report.first_bad {
        None => locale.format("audit.intact", [("count", count.as_str())]),
        Some(bad) => {
            let problem_key = format!("audit.problem.{}", bad.problem);
            let problem = if locale.catalogue().contains_key(&problem_key) {
                locale.t(&problem_key)
            } else {
                bad.problem.clone()
            };
            let seq = bad.seq.to_string();
            locale.format(
                "audit.broken",
                [
                    ("seq", seq.as_str()),
                    ("copy", bad.copy_id.as_str()),
                    ("problem", problem.as_str()),
                ],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::{BadEvent, ErrorCode};

    #[test]
    fn error_details_are_translated_and_filled_in() {
        let err = ApiError::new(ErrorCode::IllegalTransition).with("from", "assessed");
        let en = error_message(Locale::En, &err);
        assert!(en.contains("Assessed"), "{en}");
        let zh = error_message(Locale::ZhCn, &err);
        assert!(zh.contains(&Locale::ZhCn.t("status.assessed")), "{zh}");
        assert!(!zh.contains('{'));

        let err = ApiError::new(ErrorCode::Forbidden)
            .with("role", "business")
            .with("action", "approve_requirement");
        let en = error_message(Locale::En, &err);
        assert!(
            en.contains("Business") && en.contains("approve a requirement"),
            "{en}"
        );

        let err = ApiError::new(ErrorCode::Forbidden)
            .with("role", "role.auditor")
            .with("action", "action.add_comment");
        assert!(error_message(Locale::En, &err).contains("Auditor"));

        let err = bridge_error("no bridge");
        assert!(error_message(Locale::En, &err).contains("no bridge"));
    }

    #[test]
    fn history_lines_show_translated_status_changes() {
        let entry = HistoryEntry {
            at: Utc::now(),
            actor: "pm".into(),
            action: "approve_requirement".into(),
            from_status: Some(RequirementStatus::Assessed),
            to_status: Some(RequirementStatus::Approved),
        };
        let (action, change) = history_line(Locale::En, &entry);
        assert_eq!(action, "Approved");
        assert_eq!(change.as_deref(), Some("Assessed → Approved"));
        let comment = HistoryEntry {
            action: "add_comment".into(),
            from_status: None,
            to_status: None,
            ..entry
        };
        assert_eq!(history_line(Locale::En, &comment).1, None);
    }

    #[test]
    fn kpis_and_comparators_read_naturally() {
        let k = Kpi {
            metric: "accuracy".into(),
            comparator: Comparator::AtLeast,
            target: 95.0,
            unit: "%".into(),
        };
        assert_eq!(kpi(&k), "accuracy ≥ 95 %");
        for c in Comparator::ALL {
            assert_eq!(comparator_from_key(comparator_key(c)), Some(c));
        }
    }

    #[test]
    fn audit_summary_names_the_bad_event() {
        let ok = AuditReport {
            events_verified: 12,
            first_bad: None,
        };
        assert!(audit_summary(Locale::En, &ok).contains("12"));
        let bad = AuditReport {
            events_verified: 3,
            first_bad: Some(BadEvent {
                copy_id: "c1".into(),
                seq: 4,
                problem: "hash_mismatch".into(),
            }),
        };
        let text = audit_summary(Locale::ZhCn, &bad);
        assert!(text.contains('4') && !text.contains('{'), "{text}");
    }

    #[test]
    fn local_time_is_minutes_precision() {
        let at = DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(local_time(at).len(), "2025-01-02 03:04".len());
    }
}
