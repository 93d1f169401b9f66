//! The project manager's approve / reject / return decision.

use crate::state::FieldErrors;
use govbench_protocol::{Decision, RequirementAction};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionKind {
    Approve,
    Reject,
    Return,
}

impl DecisionKind {
    pub fn action(self) -> RequirementAction {
        match self {
            DecisionKind::Approve => RequirementAction::Approve,
            DecisionKind::Reject => RequirementAction::Reject,
            DecisionKind::Return => RequirementAction::Return,
        }
    }
}

/// Builds the decision; reject and return need a reason (error on field `reason`).
pub fn build_decision(kind: DecisionKind, reason: &str) -> Result<Decision, FieldErrors> {
    let reason = reason.trim().to_owned();
    match kind {
        DecisionKind::Approve => Ok(Decision::Approve),
        _ if reason.is_empty() => {
            let mut errors = FieldErrors::new();
            errors.insert("reason".into(), "rule.required".into());
            Err(errors)
        }
        DecisionKind::Reject => Ok(Decision::Reject { reason }),
        DecisionKind::Return => Ok(Decision::Return { reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_is_required_except_for_approval() {
        assert_eq!(
            build_decision(DecisionKind::Approve, ""),
            Ok(Decision::Approve)
        );
        assert!(build_decision(DecisionKind::Reject, "  ")
            .unwrap_err()
            .contains_key("reason"));
        assert!(build_decision(DecisionKind::Return, "").is_err());
        assert_eq!(
            build_decision(DecisionKind::Return, " 缺少数据说明 "),
            Ok(Decision::Return {
                reason: "缺少数据说明".into()
            })
        );
        assert_eq!(DecisionKind::Reject.action(), RequirementAction::Reject);
    }
}
