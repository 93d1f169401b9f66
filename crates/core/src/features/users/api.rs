use super::store;
use crate::access::Session;
use crate::error::ApiResult;
use govbench_protocol::{UserPermission, UserSummary};

impl Session {
    /// The workspace's active users.
    pub fn users(&self) -> ApiResult<Vec<UserSummary>> {
        self.read(UserPermission::Read, |r| store::list(r.conn))
    }
}
