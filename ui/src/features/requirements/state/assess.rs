//! R&D's feasibility assessment form.

use crate::state::{require, FieldErrors};
use govbench_protocol::{Assessment, Feasibility};

#[derive(Clone, Debug, PartialEq)]
pub struct AssessForm {
    pub feasibility: Feasibility,
    pub resources: String,
    /// Person-days as typed.
    pub effort: String,
    pub plan: String,
    pub risks: String,
    pub errors: FieldErrors,
}

impl Default for AssessForm {
    fn default() -> Self {
        AssessForm {
            feasibility: Feasibility::Feasible,
            resources: String::new(),
            effort: String::new(),
            plan: String::new(),
            risks: String::new(),
            errors: FieldErrors::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum AssessAction {
    Feasibility(Feasibility),
    Resources(String),
    Effort(String),
    Plan(String),
    Risks(String),
    SetErrors(FieldErrors),
    Reset,
}

impl AssessForm {
    pub fn apply(&mut self, action: AssessAction) {
        match action {
            AssessAction::Feasibility(f) => self.feasibility = f,
            AssessAction::Resources(v) => {
                self.errors.remove("resources");
                self.resources = v;
            }
            AssessAction::Effort(v) => {
                self.errors.remove("effort_person_days");
                self.effort = v;
            }
            AssessAction::Plan(v) => {
                self.errors.remove("plan");
                self.plan = v;
            }
            AssessAction::Risks(v) => {
                self.errors.remove("risks");
                self.risks = v;
            }
            AssessAction::SetErrors(e) => self.errors = e,
            AssessAction::Reset => *self = AssessForm::default(),
        }
    }

    pub fn validate(&self) -> Result<Assessment, FieldErrors> {
        let mut errors = FieldErrors::new();
        require(&mut errors, "resources", &self.resources);
        require(&mut errors, "plan", &self.plan);
        let effort = self.effort.trim();
        let parsed = effort.parse::<u32>();
        match parsed {
            _ if effort.is_empty() => {
                errors.insert("effort_person_days".into(), "rule.required".into());
            }
            Ok(0) => {
                errors.insert("effort_person_days".into(), "rule.not_positive".into());
            }
            Err(_) => {
                let rule = if effort.starts_with('-') {
                    "rule.not_positive"
                } else {
                    "rule.not_a_number"
                };
                errors.insert("effort_person_days".into(), rule.into());
            }
            Ok(_) => {}
        }
        match parsed {
            Ok(days) if errors.is_empty() => Ok(Assessment {
                feasibility: self.feasibility,
                resources: self.resources.trim().to_owned(),
                effort_person_days: days,
                plan: self.plan.trim().to_owned(),
                risks: self.risks.trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

impl crate::state::SubmitForm for AssessForm {
    type Payload = Assessment;
    type Action = AssessAction;
    fn check(&self) -> Result<Assessment, FieldErrors> {
        self.validate()
    }
    fn errors_action(errors: FieldErrors) -> AssessAction {
        AssessAction::SetErrors(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_resources_plan_and_positive_effort() {
        let errors = AssessForm::default().validate().unwrap_err();
        assert_eq!(errors.len(), 3);
        let mut f = AssessForm::default();
        f.apply(AssessAction::Resources("2 engineers, 1 GPU node".into()));
        f.apply(AssessAction::Plan("Fine-tune on tickets".into()));
        for (text, rule) in [
            ("0", "rule.not_positive"),
            ("-3", "rule.not_positive"),
            ("abc", "rule.not_a_number"),
        ] {
            f.apply(AssessAction::Effort(text.into()));
            let errors = f.validate().unwrap_err();
            assert_eq!(
                errors.get("effort_person_days").map(String::as_str),
                Some(rule),
                "{text}"
            );
        }
        f.apply(AssessAction::Effort(" 40 ".into()));
        f.apply(AssessAction::Feasibility(
            Feasibility::FeasibleWithConditions,
        ));
        let a = f.validate().unwrap();
        assert_eq!(a.effort_person_days, 40);
        assert_eq!(a.feasibility, Feasibility::FeasibleWithConditions);
        assert_eq!(a.risks, "");
    }
}
