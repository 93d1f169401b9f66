//! Pure UI state shared by every feature (form helpers, dates) and the login screen's. Each
//! feature keeps its own in `features/<feature>/state`. Nothing here touches the DOM or the
//! backend, so it builds and is unit-tested natively.

pub mod actions;
pub mod date;
pub mod login;
pub mod paging;

use govbench_protocol::{ApiError, ErrorCode};
use std::collections::BTreeMap;

/// Field name → translation key of the rule it broke (`rule.required`, …).
pub type FieldErrors = BTreeMap<String, String>;

/// A form reducer that submits one payload: it validates into the payload, and takes the
/// field errors (its own or the backend's) through an action.
pub trait SubmitForm {
    type Payload;
    type Action;
    fn check(&self) -> Result<Self::Payload, FieldErrors>;
    fn errors_action(errors: FieldErrors) -> Self::Action;
}

/// Normalises a field path so that `kpis[0].metric`, `kpis.0.metric` and `kpis/0/metric`
/// from the backend all match the UI's `kpis.0.metric`, with or without a `draft.` prefix.
pub fn normalize_field(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        match c {
            '[' | '/' => out.push('.'),
            ']' => {}
            c => out.push(c),
        }
    }
    let out = out.trim_matches('.');
    // Commands nest their payload (`draft.title`, `plan.milestones.0.due`); forms name the
    // payload's own fields.
    for prefix in [
        "draft.",
        "assessment.",
        "plan.",
        "decision.",
        "user.",
        "review.",
        "template.",
        "evaluation.",
        "meeting.",
    ] {
        if let Some(rest) = out.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    out.to_owned()
}

/// The inline field errors carried by a backend `validation` error (empty for other codes).
pub fn backend_field_errors(err: &ApiError) -> FieldErrors {
    if err.code != ErrorCode::Validation {
        return FieldErrors::new();
    }
    err.details
        .iter()
        .map(|(field, rule)| (normalize_field(field), rule.clone()))
        .collect()
}

/// The backend errors that no field of the form shows, so they can be listed in the summary.
pub fn unclaimed_errors<'a>(
    errors: &'a FieldErrors,
    known: &[String],
) -> impl Iterator<Item = (&'a String, &'a String)> {
    let known: Vec<String> = known.to_vec();
    errors
        .iter()
        .filter(move |(field, _)| !known.contains(field))
}

/// Required-text check used by every form.
pub fn require(errors: &mut FieldErrors, field: &str, value: &str) {
    if value.trim().is_empty() {
        errors.insert(field.to_owned(), "rule.required".to_owned());
    }
}

/// Parses a date field's text (ISO `2031-06-30`, or as people type it: see [`date::parse`]).
pub fn parse_date(value: &str) -> Option<chrono::NaiveDate> {
    date::parse(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_are_normalised() {
        assert_eq!(normalize_field("kpis[0].metric"), "kpis.0.metric");
        assert_eq!(normalize_field("kpis/1/target"), "kpis.1.target");
        assert_eq!(normalize_field("title"), "title");
        assert_eq!(normalize_field("draft.title"), "title");
        assert_eq!(
            normalize_field("plan.milestones[1].due"),
            "milestones.1.due"
        );
        assert_eq!(
            normalize_field("review.actions[0].owner"),
            "actions.0.owner"
        );
        assert_eq!(normalize_field("template.steps.2.title"), "steps.2.title");
        assert_eq!(normalize_field("evaluation.summary"), "summary");
    }

    #[test]
    fn only_validation_errors_carry_fields() {
        let err = ApiError::new(ErrorCode::Validation).with("kpis[0].metric", "rule.required");
        let fields = backend_field_errors(&err);
        assert_eq!(
            fields.get("kpis.0.metric").map(String::as_str),
            Some("rule.required")
        );
        let err = ApiError::new(ErrorCode::Forbidden).with("role", "business");
        assert!(backend_field_errors(&err).is_empty());
    }

    #[test]
    fn unclaimed_errors_are_those_no_field_shows() {
        let mut errors = FieldErrors::new();
        errors.insert("title".into(), "rule.required".into());
        errors.insert("mystery".into(), "rule.too_long".into());
        let left: Vec<_> = unclaimed_errors(&errors, &["title".to_owned()]).collect();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].0, "mystery");
    }

    #[test]
    fn dates_parse_from_date_inputs() {
        assert_eq!(
            parse_date("2025-03-01"),
            chrono::NaiveDate::from_ymd_opt(2025, 3, 1)
        );
        assert_eq!(parse_date(""), None);
        assert_eq!(
            parse_date("01/03/2025"),
            None,
            "month/day order is ambiguous"
        );
    }
}
