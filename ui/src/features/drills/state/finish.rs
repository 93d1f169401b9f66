//! The form that finishes a drill run: its result, evaluation and follow-up actions.

use chrono::NaiveDate;
use govbench_protocol::{ActionDraft, DrillEvaluation, DrillResult};

use crate::state::actions::{check_rows, edit_row, remove_row, ActionRow, RowEdit};
use crate::state::FieldErrors;

#[derive(Clone, Debug, PartialEq)]
pub struct FinishForm {
    pub result: DrillResult,
    pub summary: String,
    pub findings: Vec<ActionRow>,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FinishAction {
    Result(String),
    Summary(String),
    AddFinding,
    RemoveFinding(usize),
    EditFinding(usize, RowEdit),
    Errors(FieldErrors),
}

impl FinishForm {
    pub fn new(suggested: DrillResult) -> FinishForm {
        FinishForm {
            result: suggested,
            summary: String::new(),
            findings: vec![ActionRow::default()],
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: FinishAction) {
        match action {
            FinishAction::Result(v) => {
                if let Some(r) = DrillResult::from_key(&v) {
                    self.result = r;
                }
                self.errors.remove("result");
            }
            FinishAction::Summary(v) => {
                self.summary = v;
                self.errors.remove("summary");
            }
            FinishAction::AddFinding => self.findings.push(ActionRow::default()),
            FinishAction::RemoveFinding(i) => {
                remove_row(&mut self.findings, &mut self.errors, "findings", i)
            }
            FinishAction::EditFinding(i, edit) => {
                edit_row(&mut self.findings, &mut self.errors, "findings", i, edit)
            }
            FinishAction::Errors(e) => self.errors = e,
        }
    }

    /// The evaluation and the findings as actions, or the fields to fix.
    pub fn check(
        &self,
        today: NaiveDate,
    ) -> Result<(DrillEvaluation, Vec<ActionDraft>), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.summary.trim().is_empty() {
            errors.insert("summary".into(), "rule.required".into());
        }
        let findings = check_rows(&self.findings, "findings", today, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok((
            DrillEvaluation {
                result: self.result,
                summary: self.summary.trim().to_owned(),
            },
            findings,
        ))
    }

    pub fn known_fields(&self) -> Vec<String> {
        let mut known = vec![
            "result".to_owned(),
            "summary".to_owned(),
            "findings".to_owned(),
        ];
        for i in 0..self.findings.len() {
            for f in ["text", "owner", "due", "preventive"] {
                known.push(format!("findings.{i}.{f}"));
            }
        }
        known
    }
}
