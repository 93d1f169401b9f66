//! What the write path hands a feature (`Context`) and what the feature hands back (`Change`),
//! which the audit log records.
//! A leaf module: features depend on it, it depends on no feature.

use crate::error::{CoreError, CoreResult};
use chrono::{DateTime, Utc};
use govbench_protocol::{EntityRef, UserSummary};
use serde::Serialize;

/// Who acts, and when, for one command.
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub actor: &'a UserSummary,
    /// The actor's UTC offset (a quarter is the one they live in).
    pub zone: chrono::FixedOffset,
}

/// A record as stored: its complete image is what the audit event carries, so that another
/// copy of the workspace can replay the change from the event alone.
pub trait Image: Serialize {
    fn entity(&self) -> EntityRef;
    /// Row version, 1 when created and bumped by every change.
    fn version(&self) -> u64;
}

/// Implements [`Image`] for records with an `id` (an id type that names its kind) and a
/// `version` field: every record kind stored as its audit image.
macro_rules! record_image {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl $crate::change::Image for $ty {
                fn entity(&self) -> govbench_protocol::EntityRef {
                    self.id.into()
                }

                fn version(&self) -> u64 {
                    self.version
                }
            }
        )+
    };
}
pub(crate) use record_image;

/// What the preparation of a command may use besides the reader: the actor's signing key (an
/// audit pack's manifest is signed) and a sink for progress of long work.
pub(crate) struct Preparing<'a> {
    pub signer: Option<&'a crate::keyslots::UserSecret>,
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
}

/// One change about to be recorded: the record's complete image before and after.
#[derive(Clone, Debug)]
pub struct Change {
    pub entity: EntityRef,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// Row version after the change.
    pub version: u64,
}

impl Change {
    /// A new record.
    pub fn created(after: &impl Image) -> CoreResult<Change> {
        if after.version() != 1 {
            return Err(CoreError::Malformed(format!(
                "{} created at version {}",
                after.entity(),
                after.version()
            )));
        }
        Ok(Change {
            entity: after.entity(),
            before: None,
            after: Some(serde_json::to_value(after)?),
            version: 1,
        })
    }

    /// A changed record. The before-image carries the version the change was based on, so a
    /// concurrent change on another copy is detectable when the event is replayed there.
    pub fn updated<T: Image>(before: &T, after: &T) -> CoreResult<Change> {
        if after.entity() != before.entity() || after.version() != before.version() + 1 {
            return Err(CoreError::Malformed(format!(
                "{} v{} does not follow {} v{}",
                after.entity(),
                after.version(),
                before.entity(),
                before.version()
            )));
        }
        Ok(Change {
            entity: after.entity(),
            before: Some(serde_json::to_value(before)?),
            after: Some(serde_json::to_value(after)?),
            version: after.version(),
        })
    }

    /// Stores the change as its event recorded it, with the feature's own `insert` or
    /// `update` (which keep its derived indexes): how a copy applies a change another copy
    /// made. An update is written only over the version it was based on.
    pub(crate) fn put<T: serde::de::DeserializeOwned>(
        &self,
        insert: impl FnOnce(&T) -> CoreResult<()>,
        update: impl FnOnce(&T, &T) -> CoreResult<()>,
    ) -> CoreResult<()> {
        let decode = |image: &serde_json::Value| {
            T::deserialize(image)
                .map_err(|e| CoreError::Malformed(format!("{} image: {e}", self.entity)))
        };
        let after = self
            .after
            .as_ref()
            .ok_or_else(|| CoreError::Malformed(format!("{}: no after-image", self.entity)))?;
        match &self.before {
            None => insert(&decode(after)?),
            Some(before) => update(&decode(before)?, &decode(after)?),
        }
    }
}
