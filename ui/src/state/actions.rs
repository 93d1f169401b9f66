//! The corrective and preventive actions a post-incident review or a drill's findings lead
//! to, as the forms hold them: rows of text, owner, due date and kind. One editor for both.

use chrono::NaiveDate;
use govbench_protocol::{ActionDraft, CorrectiveAction, UserId};

use crate::state::{parse_date, FieldErrors};

/// One action as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActionRow {
    pub text: String,
    /// The owner's user id as text (a select's value); empty when none is chosen.
    pub owner: String,
    pub due: String,
    pub preventive: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RowEdit {
    Text(String),
    Owner(String),
    Due(String),
    Preventive(bool),
}

/// Applies an edit to row `i` of `rows`, clearing that field's error (`<prefix>.<i>.<field>`).
pub fn edit_row(
    rows: &mut [ActionRow],
    errors: &mut FieldErrors,
    prefix: &str,
    i: usize,
    edit: RowEdit,
) {
    let Some(row) = rows.get_mut(i) else {
        return;
    };
    let field = match edit {
        RowEdit::Text(v) => {
            row.text = v;
            "text"
        }
        RowEdit::Owner(v) => {
            row.owner = v;
            "owner"
        }
        RowEdit::Due(v) => {
            row.due = v;
            "due"
        }
        RowEdit::Preventive(v) => {
            row.preventive = v;
            "preventive"
        }
    };
    errors.remove(&format!("{prefix}.{i}.{field}"));
}

/// Removes row `i`, and the errors of every row (their indexes moved).
pub fn remove_row(rows: &mut Vec<ActionRow>, errors: &mut FieldErrors, prefix: &str, i: usize) {
    if i < rows.len() {
        rows.remove(i);
        errors.retain(|k, _| !k.starts_with(&format!("{prefix}.")));
    }
}

/// The actions, or the fields to fix (`<prefix>.<i>.text|owner|due`). Rows left entirely blank
/// are ignored; every other row needs a text, an owner and a due date (not before `today`).
pub fn check_rows(
    rows: &[ActionRow],
    prefix: &str,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Vec<ActionDraft> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.text.trim().is_empty() && row.owner.trim().is_empty() && row.due.trim().is_empty() {
            continue;
        }
        let at = |field: &str| format!("{prefix}.{i}.{field}");
        if row.text.trim().is_empty() {
            errors.insert(at("text"), "rule.required".into());
        }
        let owner = row.owner.trim().parse::<UserId>().ok();
        if owner.is_none() {
            errors.insert(at("owner"), "rule.required".into());
        }
        let due = parse_date(&row.due);
        match due {
            None => {
                errors.insert(at("due"), "rule.required".into());
            }
            Some(d) if d < today => {
                errors.insert(at("due"), "rule.date_in_past".into());
            }
            Some(_) => {}
        }
        if let (Some(owner), Some(due)) = (owner, due) {
            out.push(ActionDraft {
                text: row.text.trim().to_owned(),
                preventive: row.preventive,
                owner,
                due,
            });
        }
    }
    out
}

/// How many of `actions` are done, and how many are overdue on `today`.
pub fn action_counts(actions: &[CorrectiveAction], today: NaiveDate) -> (usize, usize) {
    let done = actions.iter().filter(|a| a.done.is_some()).count();
    let overdue = actions
        .iter()
        .filter(|a| a.done.is_none() && a.due < today)
        .count();
    (done, overdue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const OWNER: &str = "01900000-0000-7000-8000-000000000001";

    #[test]
    fn blank_rows_are_ignored_and_partial_ones_named() {
        let rows = vec![
            ActionRow::default(),
            ActionRow {
                text: "Add a canary".into(),
                ..ActionRow::default()
            },
            ActionRow {
                text: " Rotate keys ".into(),
                owner: OWNER.into(),
                due: "2026-07-01".into(),
                preventive: true,
            },
        ];
        let mut errors = FieldErrors::new();
        let drafts = check_rows(&rows, "actions", day("2026-06-01"), &mut errors);
        assert_eq!(errors["actions.1.owner"], "rule.required");
        assert_eq!(errors["actions.1.due"], "rule.required");
        assert!(!errors.contains_key("actions.0.text"));
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].text, "Rotate keys");
        assert!(drafts[0].preventive);
    }

    #[test]
    fn a_due_date_in_the_past_is_refused() {
        let rows = vec![ActionRow {
            text: "x".into(),
            owner: OWNER.into(),
            due: "2026-05-31".into(),
            preventive: false,
        }];
        let mut errors = FieldErrors::new();
        check_rows(&rows, "findings", day("2026-06-01"), &mut errors);
        assert_eq!(errors["findings.0.due"], "rule.date_in_past");
    }

    #[test]
    fn edits_clear_their_error_and_removal_clears_the_rows_errors() {
        let mut rows = vec![ActionRow::default(), ActionRow::default()];
        let mut errors = FieldErrors::new();
        errors.insert("actions.1.text".into(), "rule.required".into());
        errors.insert("actions.0.owner".into(), "rule.required".into());
        errors.insert("root_cause".into(), "rule.required".into());
        edit_row(
            &mut rows,
            &mut errors,
            "actions",
            1,
            RowEdit::Text("t".into()),
        );
        assert_eq!(rows[1].text, "t");
        assert!(!errors.contains_key("actions.1.text"));
        edit_row(
            &mut rows,
            &mut errors,
            "actions",
            9,
            RowEdit::Text("t".into()),
        );
        remove_row(&mut rows, &mut errors, "actions", 0);
        assert_eq!(rows.len(), 1);
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn counts_done_and_overdue_actions() {
        let action = |due: &str, done: bool| CorrectiveAction {
            id: OWNER.parse::<UserId>().unwrap().0,
            text: "x".into(),
            preventive: false,
            owner: OWNER.parse().unwrap(),
            due: day(due),
            done: done.then(|| govbench_protocol::ActionDone {
                at: chrono::Utc::now(),
                by: OWNER.parse().unwrap(),
                note: String::new(),
            }),
        };
        let all = [
            action("2026-01-01", true),
            action("2026-01-01", false),
            action("2026-12-01", false),
        ];
        assert_eq!(action_counts(&all, day("2026-06-01")), (1, 1));
    }
}
