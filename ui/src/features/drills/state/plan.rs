//! The drill plan form: which template, how often, from when, and who owns it.

use govbench_protocol::{DrillPlanDraft, UserId};

use crate::state::{parse_date, FieldErrors};

#[derive(Clone, Debug, PartialEq)]
pub struct PlanForm {
    pub title: String,
    pub template: String,
    pub every_months: String,
    pub first_due: String,
    pub owner: String,
    pub active: bool,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PlanAction {
    Title(String),
    Template(String),
    EveryMonths(String),
    FirstDue(String),
    Owner(String),
    Active(bool),
    Errors(FieldErrors),
}

/// The longest interval a plan may set.
pub const MAX_EVERY_MONTHS: u32 = 36;

impl PlanForm {
    pub fn new(template: &str) -> PlanForm {
        PlanForm {
            title: String::new(),
            template: template.to_owned(),
            every_months: "3".into(),
            first_due: String::new(),
            owner: String::new(),
            active: true,
            errors: FieldErrors::new(),
        }
    }

    pub fn from_draft(d: &DrillPlanDraft, active: bool) -> PlanForm {
        PlanForm {
            title: d.title.clone(),
            template: d.template.clone(),
            every_months: d.every_months.to_string(),
            first_due: d.first_due.format("%Y-%m-%d").to_string(),
            owner: d.owner.to_string(),
            active,
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: PlanAction) {
        let field = match action {
            PlanAction::Title(v) => {
                self.title = v;
                "title"
            }
            PlanAction::Template(v) => {
                self.template = v;
                "template"
            }
            PlanAction::EveryMonths(v) => {
                self.every_months = v;
                "every_months"
            }
            PlanAction::FirstDue(v) => {
                self.first_due = v;
                "first_due"
            }
            PlanAction::Owner(v) => {
                self.owner = v;
                "owner"
            }
            PlanAction::Active(v) => {
                self.active = v;
                "active"
            }
            PlanAction::Errors(e) => {
                self.errors = e;
                return;
            }
        };
        self.errors.remove(field);
    }

    pub fn draft(&self) -> Result<DrillPlanDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.title.trim().is_empty() {
            errors.insert("title".into(), "rule.required".into());
        }
        if self.template.trim().is_empty() {
            errors.insert("template".into(), "rule.required".into());
        }
        let every = match self.every_months.trim().parse::<u32>() {
            Ok(0) => {
                errors.insert("every_months".into(), "rule.not_positive".into());
                None
            }
            Ok(n) if n > MAX_EVERY_MONTHS => {
                errors.insert("every_months".into(), "drill.rule.every_months".into());
                None
            }
            Ok(n) => Some(n),
            Err(_) => {
                errors.insert("every_months".into(), "rule.not_a_number".into());
                None
            }
        };
        let first_due = parse_date(&self.first_due);
        if first_due.is_none() {
            errors.insert("first_due".into(), "rule.required".into());
        }
        let owner = self.owner.trim().parse::<UserId>().ok();
        if owner.is_none() {
            errors.insert("owner".into(), "rule.required".into());
        }
        match (every, first_due, owner) {
            (Some(every_months), Some(first_due), Some(owner)) if errors.is_empty() => {
                Ok(DrillPlanDraft {
                    title: self.title.trim().to_owned(),
                    template: self.template.trim().to_owned(),
                    every_months,
                    first_due,
                    owner,
                })
            }
            _ => Err(errors),
        }
    }
}
