//! A record's lifecycle as data: which action moves it from which statuses to which. Every
//! feature with statuses declares one [`Lifecycle`]; the write path asks it for the next
//! status, the detail views ask it which actions the user may take now.

use crate::authz;
use crate::error::{CoreError, CoreResult};
use govbench_protocol::{Action, EntityKind, Role};

/// A lifecycle status with a stable key (the one stored and translated).
pub trait Status: Copy + Eq + 'static {
    fn key(self) -> &'static str;
}

/// One step: `action` moves a record from any of `from` to `to`.
pub struct Step<S: 'static, A: 'static> {
    pub action: A,
    pub from: &'static [S],
    /// `None`: the step changes data but not the status.
    pub to: Option<S>,
}

/// What a lifecycle says of one recorded change of status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepVerdict {
    Legal,
    /// The action is a step of this lifecycle, but not from that status to that one.
    Illegal,
    /// The action is not a step of this lifecycle: it must leave the status as it was.
    NotAStep,
}

pub struct Lifecycle<S: 'static, A: 'static> {
    pub entity: EntityKind,
    pub steps: &'static [Step<S, A>],
}

impl<S: Status, A: Copy + Eq + Into<Action>> Lifecycle<S, A> {
    /// The status after `action` from `from`, or an illegal-transition error naming the
    /// record's kind and current status.
    pub fn next(&self, action: A, from: S) -> CoreResult<S> {
        self.steps
            .iter()
            .find(|s| s.action == action && s.from.contains(&from))
            .map(|s| s.to.unwrap_or(from))
            .ok_or(CoreError::IllegalTransition {
                entity: self.entity,
                action: action.into(),
                from: from.key(),
            })
    }

    /// Judges a recorded change of status (by keys, as images carry them): verification asks
    /// this of every event about a record of [`Lifecycle::entity`], so a step the write path
    /// would refuse is also refused when the log is checked or replayed elsewhere.
    pub fn judge(&self, action: Action, from: &str, to: &str) -> StepVerdict {
        let mut is_step = false;
        for step in self.steps.iter().filter(|s| s.action.into() == action) {
            is_step = true;
            if let Some(from) = step.from.iter().find(|s| s.key() == from) {
                if step.to.unwrap_or(*from).key() == to {
                    return StepVerdict::Legal;
                }
            }
        }
        if is_step {
            StepVerdict::Illegal
        } else {
            StepVerdict::NotAStep
        }
    }

    /// The actions `role` may take on a record in status `from`, in lifecycle order.
    pub fn allowed(&self, role: Role, from: S) -> Vec<A> {
        let mut actions: Vec<A> = Vec::new();
        for step in self.steps {
            if step.from.contains(&from)
                && authz::allows_action(role, step.action.into())
                && !actions.contains(&step.action)
            {
                actions.push(step.action);
            }
        }
        actions
    }
}
