use super::store;
use crate::access::Session;
use crate::error::{ApiResult, CoreError};
use chrono::{DateTime, Utc};
use govbench_protocol::{MemberDevice, UserId, UserPermission, UserSummary};

impl Session {
    /// The workspace's active users.
    pub fn users(&self) -> ApiResult<Vec<UserSummary>> {
        self.read(UserPermission::Read, |r| store::list(r.conn))
    }

    /// Every member's devices — the copies their events were written on — newest use first.
    pub fn member_devices(&self) -> ApiResult<Vec<MemberDevice>> {
        self.read(UserPermission::Read, |r| {
            let time = |text: &str| {
                DateTime::parse_from_rfc3339(text)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| CoreError::Malformed(format!("time {text:.40}")))
            };
            crate::audit::devices(r.conn)?
                .into_iter()
                // Events no member signed (the system's, from before members had ids) are
                // nobody's device.
                .filter_map(|d| Some((UserId(d.actor_id.parse().ok()?), d)))
                .map(|(user, d)| {
                    Ok(MemberDevice {
                        user,
                        this_copy: d.copy_id == r.copy_id,
                        copy_id: d.copy_id,
                        events: d.events,
                        first_at: time(&d.first_at)?,
                        last_at: time(&d.last_at)?,
                    })
                })
                .collect()
        })
    }
}
