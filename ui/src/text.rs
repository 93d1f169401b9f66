//! Turning protocol values into the user's language, for every feature. Pure, so tested
//! natively. Error messages are translated by `Locale::describe` (shared with the CLI).

use chrono::{DateTime, Local, NaiveDate, Utc};
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, AuditReport, EntityKind, HistoryEntry, Role};

/// An error the UI makes up itself when the bridge to the backend fails.
pub fn bridge_error(reason: impl Into<String>) -> ApiError {
    ApiError::new(govbench_protocol::ErrorCode::Internal).with("reason", reason)
}

pub fn role(locale: Locale, role: Role) -> String {
    locale.t(&role.text_key())
}

/// The name of a record's status (`requirement` + `draft` → "草稿").
pub fn status(locale: Locale, entity: EntityKind, key: &str) -> String {
    locale.t(&entity.status_text_key(key))
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

/// A calendar date as shown everywhere: ISO 8601, which reads the same in both languages and
/// never depends on the machine's locale.
pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A file's size as people read it (`512 B`, `1.5 KB`, `20 MB`), the same in both languages.
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let shown = if value < 10.0 {
        format!("{:.1}", value)
    } else {
        format!("{:.0}", value)
    };
    let shown = shown.strip_suffix(".0").unwrap_or(&shown).to_owned();
    format!("{shown} {}", UNITS[unit])
}

/// A SHA-256 shortened for display (`3f2a9c…e81b`); the full hash goes in a tooltip.
pub fn short_sha(sha: &str) -> String {
    let chars: Vec<char> = sha.chars().collect();
    if chars.len() <= 16 {
        return sha.to_owned();
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// A person's display name from a record's `names`, or a short form of the id when the record
/// did not name them (never an empty cell).
pub fn name_of(
    names: &[(govbench_protocol::UserId, String)],
    id: govbench_protocol::UserId,
) -> String {
    names
        .iter()
        .find(|(user, _)| *user == id)
        .map(|(_, name)| name.clone())
        .unwrap_or_else(|| id.to_string().chars().take(8).collect())
}

/// The translated action of a history line of a record of `entity`'s kind, and its status
/// change (`Assessed → Approved`).
pub fn history_line(
    locale: Locale,
    entity: EntityKind,
    entry: &HistoryEntry,
) -> (String, Option<String>) {
    let action = locale.t(&format!("action.{}", entry.action));
    let name = |key: &str| status(locale, entity, key);
    let change = match (&entry.from_status, &entry.to_status) {
        (Some(from), Some(to)) if from != to => Some(format!("{} → {}", name(from), name(to))),
        (None, Some(to)) => Some(format!("→ {}", name(to))),
        _ => None,
    };
    (action, change)
}

/// The audit indicator's short text: the event count when intact, else what is wrong.
pub fn audit_summary(locale: Locale, report: &AuditReport) -> String {
    if report.is_intact() {
        let count = report.events_verified.to_string();
        locale.format("audit.intact", [("count", count.as_str())])
    } else {
        locale.audit_summary(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::{BadEvent, ErrorCode, RequirementStatus};

    #[test]
    fn backend_errors_are_described_in_the_users_language() {
        let err = ApiError::new(ErrorCode::IllegalTransition)
            .with("entity", "entity.requirement")
            .with("action", "command.requirement.approve")
            .with("from", RequirementStatus::Assessed.text_key());
        let en = Locale::En.describe(&err);
        assert!(
            en.contains("Assessed") && en.contains("approve a requirement"),
            "{en}"
        );
        let zh = Locale::ZhCn.describe(&err);
        assert!(
            zh.contains(&Locale::ZhCn.t("requirement.status.assessed")),
            "{zh}"
        );
        assert!(!zh.contains('{'));
        let err = bridge_error("no bridge");
        assert!(Locale::En.describe(&err).contains("no bridge"));
    }

    #[test]
    fn history_lines_show_translated_status_changes() {
        let entry = HistoryEntry {
            at: Utc::now(),
            actor: "pm".into(),
            action: "requirement.approve".into(),
            from_status: Some("assessed".into()),
            to_status: Some("approved".into()),
            not_yet_shared: false,
        };
        let (action, change) = history_line(Locale::En, EntityKind::Requirement, &entry);
        assert_eq!(action, "Approved");
        assert_eq!(change.as_deref(), Some("Assessed → Approved"));
        let comment = HistoryEntry {
            action: "comment.add".into(),
            from_status: None,
            to_status: None,
            ..entry
        };
        assert_eq!(
            history_line(Locale::En, EntityKind::Requirement, &comment).1,
            None
        );
    }

    #[test]
    fn audit_summary_names_the_bad_event() {
        let ok = AuditReport {
            events_verified: 12,
            ..Default::default()
        };
        assert!(audit_summary(Locale::En, &ok).contains("12"));
        let bad = AuditReport {
            events_verified: 3,
            first_bad: Some(BadEvent {
                copy_id: "c1".into(),
                seq: 4,
                problem: "hash_mismatch".into(),
            }),
            ..Default::default()
        };
        let text = audit_summary(Locale::ZhCn, &bad);
        assert!(text.contains('4') && !text.contains('{'), "{text}");
    }

    #[test]
    fn names_come_from_the_record_or_a_short_id() {
        let id: govbench_protocol::UserId = "01900000-0000-7000-8000-000000000001".parse().unwrap();
        let other: govbench_protocol::UserId =
            "01900000-0000-7000-8000-000000000002".parse().unwrap();
        let names = vec![(id, "王芳".to_owned())];
        assert_eq!(name_of(&names, id), "王芳");
        assert_eq!(name_of(&names, other), "01900000");
    }

    #[test]
    fn file_sizes_and_hashes_read_short() {
        assert_eq!(file_size(0), "0 B");
        assert_eq!(file_size(1023), "1023 B");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(20 * 1024 * 1024), "20 MB");
        assert_eq!(file_size(1024 * 1024 * 3 / 2), "1.5 MB");
        let sha = "3f2a9c0d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e81b";
        assert_eq!(short_sha(sha), "3f2a9c0d…e81b");
        assert_eq!(short_sha("abc"), "abc");
    }

    #[test]
    fn local_time_is_minutes_precision() {
        let at = DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(local_time(at).len(), "2025-01-02 03:04".len());
    }
}

/// The extension a file's name ends in, upper case and at most four characters (`FILE`
/// when it has none): the label of a file's icon.
pub fn file_kind(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => {
            ext.chars().take(4).collect::<String>().to_uppercase()
        }
        _ => "FILE".to_owned(),
    }
}

#[cfg(test)]
mod file_kind_tests {
    use super::file_kind;

    #[test]
    fn a_files_kind_is_its_extension() {
        assert_eq!(file_kind("告警日志 alert.log"), "LOG");
        assert_eq!(file_kind("screen.jpeg"), "JPEG");
        assert_eq!(file_kind("archive.tar.gz"), "GZ");
        assert_eq!(file_kind("README"), "FILE");
        assert_eq!(file_kind(".env"), "FILE");
        assert_eq!(file_kind("notes.markdown"), "MARK");
    }
}
