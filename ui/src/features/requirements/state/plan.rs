//! The project manager's delivery plan form.

use crate::state::{parse_date, require, FieldErrors};
use govbench_protocol::{DeliveryPlan, Milestone, UserId};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MilestoneRow {
    pub title: String,
    pub due: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlanForm {
    /// The owner's user id as text (the select's value); empty when none is chosen.
    pub owner: String,
    pub target: String,
    pub milestones: Vec<MilestoneRow>,
    pub errors: FieldErrors,
}

impl Default for PlanForm {
    fn default() -> Self {
        PlanForm {
            owner: String::new(),
            target: String::new(),
            milestones: vec![MilestoneRow::default()],
            errors: FieldErrors::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PlanAction {
    Owner(String),
    Target(String),
    MilestoneTitle(usize, String),
    MilestoneDue(usize, String),
    AddMilestone,
    RemoveMilestone(usize),
    SetErrors(FieldErrors),
    Reset,
}

impl PlanForm {
    pub fn apply(&mut self, action: PlanAction) {
        match action {
            PlanAction::Owner(v) => {
                self.errors.remove("owner");
                self.owner = v;
            }
            PlanAction::Target(v) => {
                self.errors.remove("target_delivery");
                self.target = v;
            }
            PlanAction::MilestoneTitle(i, v) => {
                if let Some(row) = self.milestones.get_mut(i) {
                    row.title = v;
                    self.errors.remove(&format!("milestones.{i}.title"));
                }
            }
            PlanAction::MilestoneDue(i, v) => {
                if let Some(row) = self.milestones.get_mut(i) {
                    row.due = v;
                    self.errors.remove(&format!("milestones.{i}.due"));
                }
            }
            PlanAction::AddMilestone => self.milestones.push(MilestoneRow::default()),
            PlanAction::RemoveMilestone(i) => {
                if i < self.milestones.len() {
                    self.milestones.remove(i);
                    self.errors.retain(|k, _| !k.starts_with("milestones."));
                }
            }
            PlanAction::SetErrors(e) => self.errors = e,
            PlanAction::Reset => *self = PlanForm::default(),
        }
    }

    /// Milestone rows left entirely blank are ignored; each other row needs a title and a due
    /// date on or before the target delivery.
    pub fn validate(&self) -> Result<DeliveryPlan, FieldErrors> {
        let mut errors = FieldErrors::new();
        let owner = self.owner.trim().parse::<UserId>().ok();
        if owner.is_none() {
            errors.insert("owner".into(), "rule.required".into());
        }
        let target = parse_date(&self.target);
        if target.is_none() {
            errors.insert("target_delivery".into(), "rule.required".into());
        }
        let mut milestones = Vec::new();
        for (i, row) in self.milestones.iter().enumerate() {
            if row.title.trim().is_empty() && row.due.trim().is_empty() {
                continue;
            }
            require(&mut errors, &format!("milestones.{i}.title"), &row.title);
            match parse_date(&row.due) {
                None => {
                    errors.insert(format!("milestones.{i}.due"), "rule.required".into());
                }
                Some(due) => {
                    if target.is_some_and(|t| due > t) {
                        errors.insert(
                            format!("milestones.{i}.due"),
                            "rule.milestone_after_delivery".into(),
                        );
                    }
                    milestones.push(Milestone {
                        title: row.title.trim().to_owned(),
                        due,
                    });
                }
            }
        }
        match (owner, target) {
            (Some(owner), Some(target_delivery)) if errors.is_empty() => Ok(DeliveryPlan {
                owner,
                milestones,
                target_delivery,
            }),
            _ => Err(errors),
        }
    }
}

impl crate::state::SubmitForm for PlanForm {
    type Payload = DeliveryPlan;
    type Action = PlanAction;
    fn check(&self) -> Result<DeliveryPlan, FieldErrors> {
        self.validate()
    }
    fn errors_action(errors: FieldErrors) -> PlanAction {
        PlanAction::SetErrors(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "0190a0b0-0000-7000-8000-000000000001";

    #[test]
    fn needs_owner_and_target() {
        let errors = PlanForm::default().validate().unwrap_err();
        assert!(errors.contains_key("owner"));
        assert!(errors.contains_key("target_delivery"));
    }

    #[test]
    fn milestones_must_not_fall_after_delivery() {
        let mut f = PlanForm::default();
        f.apply(PlanAction::Owner(OWNER.into()));
        f.apply(PlanAction::Target("2030-06-30".into()));
        f.apply(PlanAction::MilestoneTitle(0, "Data ready".into()));
        f.apply(PlanAction::MilestoneDue(0, "2030-07-01".into()));
        f.apply(PlanAction::AddMilestone);
        f.apply(PlanAction::MilestoneTitle(1, "Pilot".into()));
        let errors = f.validate().unwrap_err();
        assert_eq!(
            errors.get("milestones.0.due").map(String::as_str),
            Some("rule.milestone_after_delivery")
        );
        assert_eq!(
            errors.get("milestones.1.due").map(String::as_str),
            Some("rule.required")
        );

        f.apply(PlanAction::MilestoneDue(0, "2030-05-01".into()));
        f.apply(PlanAction::RemoveMilestone(1));
        f.apply(PlanAction::AddMilestone);
        let plan = f.validate().unwrap();
        assert_eq!(plan.milestones.len(), 1);
        assert_eq!(plan.owner.to_string(), OWNER);
        assert_eq!(plan.target_delivery.to_string(), "2030-06-30");
    }
}
