//! The post-incident review form.

use chrono::NaiveDate;
use govbench_protocol::ReviewDraft;

use crate::state::actions::{check_rows, edit_row, remove_row, ActionRow, RowEdit};
use crate::state::FieldErrors;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewForm {
    pub root_cause: String,
    pub impact: String,
    pub went_well: String,
    pub went_badly: String,
    pub actions: Vec<ActionRow>,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ReviewAction {
    RootCause(String),
    Impact(String),
    WentWell(String),
    WentBadly(String),
    AddAction,
    RemoveAction(usize),
    EditAction(usize, RowEdit),
    Errors(FieldErrors),
}

impl ReviewForm {
    pub fn new() -> ReviewForm {
        ReviewForm {
            actions: vec![ActionRow::default()],
            ..ReviewForm::default()
        }
    }

    pub fn apply(&mut self, action: ReviewAction) {
        let field = match action {
            ReviewAction::RootCause(v) => {
                self.root_cause = v;
                "root_cause"
            }
            ReviewAction::Impact(v) => {
                self.impact = v;
                "impact"
            }
            ReviewAction::WentWell(v) => {
                self.went_well = v;
                "went_well"
            }
            ReviewAction::WentBadly(v) => {
                self.went_badly = v;
                "went_badly"
            }
            ReviewAction::AddAction => {
                self.actions.push(ActionRow::default());
                return;
            }
            ReviewAction::RemoveAction(i) => {
                remove_row(&mut self.actions, &mut self.errors, "actions", i);
                return;
            }
            ReviewAction::EditAction(i, edit) => {
                edit_row(&mut self.actions, &mut self.errors, "actions", i, edit);
                return;
            }
            ReviewAction::Errors(e) => {
                self.errors = e;
                return;
            }
        };
        self.errors.remove(field);
    }

    /// The review, or the fields to fix. Root cause and impact are required; every action row
    /// that is not blank needs its text, owner and due date.
    pub fn review(&self, today: NaiveDate) -> Result<ReviewDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        for (field, value) in [("root_cause", &self.root_cause), ("impact", &self.impact)] {
            if value.trim().is_empty() {
                errors.insert(field.into(), "rule.required".into());
            }
        }
        let actions = check_rows(&self.actions, "actions", today, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ReviewDraft {
            root_cause: self.root_cause.trim().to_owned(),
            impact: self.impact.trim().to_owned(),
            went_well: self.went_well.trim().to_owned(),
            went_badly: self.went_badly.trim().to_owned(),
            actions,
        })
    }

    /// Field names this form shows (the rest go to the summary).
    pub fn known_fields(&self) -> Vec<String> {
        let mut known: Vec<String> = ["root_cause", "impact", "went_well", "went_badly", "actions"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        for i in 0..self.actions.len() {
            for f in ["text", "owner", "due", "preventive"] {
                known.push(format!("actions.{i}.{f}"));
            }
        }
        known
    }
}
