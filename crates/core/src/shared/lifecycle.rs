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
