//! What each member action may do to its record. The membership rules themselves (who adds,
//! who enrols whose keys, who removes) are judged by `replay`, from ARCHITECTURE.md's "Keys";
//! this says which record each action is about and what it may change.

use crate::shared::reach::Reach;
use govbench_protocol::{EntityKind, UserAction as A};

pub(crate) fn reach(action: A) -> Reach {
    match action {
        A::Create => Reach::creates(EntityKind::User),
        A::Enroll => Reach::changes(EntityKind::User, &["/keys"]),
        A::Remove => Reach::changes(EntityKind::User, &["/active"]),
        // Counted on the workspace's record.
        A::RotateKey => Reach::changes(EntityKind::Workspace, &["/key_rotations"]),
        A::ContinueCopy => Reach::changes(EntityKind::Workspace, &["/copy_continuations"]),
    }
}
