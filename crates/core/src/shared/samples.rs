//! What every feature's samples (`features/<f>/samples.rs`) are made of: a way to log in as a
//! role, and a read with the permission it needs. The role × command and role × read tests run
//! them; the application does not.

use crate::access::Session;
use crate::error::ApiResult;
use govbench_protocol::{Permission, Role};

/// Logs in the workspace's user holding a role.
pub type Login<'a> = dyn Fn(Role) -> ApiResult<Session> + 'a;

type Read = Box<dyn Fn(&Session) -> ApiResult<()>>;

/// A read, and the permission it needs.
pub struct SampleRead {
    pub permission: Permission,
    read: Read,
}

impl SampleRead {
    pub fn new<T>(
        permission: Permission,
        read: impl Fn(&Session) -> ApiResult<T> + 'static,
    ) -> SampleRead {
        SampleRead {
            permission,
            read: Box::new(move |s| read(s).map(drop)),
        }
    }

    pub fn run(&self, session: &Session) -> ApiResult<()> {
        (self.read)(session)
    }
}
