//! One instance of every user command and read, for the role × command matrix tests.

use crate::access::Session;
use crate::error::ApiResult;
use crate::shared::samples::{Login, SampleRead};
use govbench_protocol::{
    ApiError, Command, ErrorCode, NewUser, Passphrase, Role, UserCommand, UserPermission,
};

pub fn commands(login: &Login<'_>) -> ApiResult<Vec<Command>> {
    // Removal is tried on a user of its own, so every role can still log in afterwards.
    let mut admin = login(Role::Admin)?;
    let victim = admin.execute(UserCommand::Create {
        user: NewUser {
            name: "to.remove".into(),
            display_name: "待删除".into(),
            role: Role::Operations,
            passphrase: "long enough".into(),
        },
    })?;
    let victim = admin
        .users()?
        .into_iter()
        .find(|u| u.id.0 == victim.entity.id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok(vec![
        UserCommand::Create {
            user: NewUser {
                name: "new.user".into(),
                display_name: "新用户".into(),
                role: Role::Business,
                passphrase: "long enough".into(),
            },
        }
        .into(),
        UserCommand::Remove { id: victim.id }.into(),
        // The matrix only: whoever may renew keys gets past authorization (and is then asked
        // for their real passphrase); `tests/signatures.rs` renews keys for real.
        UserCommand::Enroll {
            passphrase: Passphrase("not the member's passphrase".into()),
        }
        .into(),
        UserCommand::RotateKey.into(),
        UserCommand::ContinueCopy.into(),
    ])
}

pub fn reads(_login: &Login<'_>) -> ApiResult<Vec<SampleRead>> {
    Ok(vec![
        SampleRead::new(UserPermission::Read.into(), |s: &Session| s.users()),
        SampleRead::new(UserPermission::Read.into(), |s: &Session| {
            s.member_devices()
        }),
    ])
}
