//! The demo workspace: realistic bilingual data for a medical-domain and a finance-domain
//! model, so a new user sees what Govbench does. Everything is written through the normal
//! write path by the users who would really do it, with a clock that walks forward through
//! the past weeks, so history, audit chain and overdue dates look like a lived-in workspace.

use crate::clock::ManualClock;
use crate::error::ApiResult;
use crate::keyslots::KdfParams;
use crate::session::{self, CreateOptions};
use chrono::{DateTime, Duration, Utc};
use govbench_protocol::{DemoUser, NewUser, Role, UserCommand};
use std::path::Path;

mod assessments;
mod incidents;
mod models;
mod requirements;
use std::sync::Arc;

/// Every demo user has this passphrase (it is printed on the demo's login screen and README).
pub const PASSPHRASE: &str = "govbench-demo";

/// (name, display name, role)
const USERS: &[(&str, &str, Role)] = &[
    ("admin", "系统管理员 Admin", Role::Admin),
    ("chen.jing", "陈静", Role::ProjectManager),
    ("zhou.min", "周敏", Role::ProjectManager),
    ("li.wei", "李伟", Role::RnD),
    ("wang.lei", "王磊", Role::RnD),
    ("zhao.qiang", "赵强", Role::Operations),
    ("sun.li", "孙丽", Role::Operations),
    ("liu.yang", "刘洋", Role::Business),
    ("he.na", "何娜", Role::Business),
    ("emily.carter", "Emily Carter", Role::Business),
    ("qian.hui", "钱慧", Role::Auditor),
];

pub fn users() -> Vec<DemoUser> {
    USERS
        .iter()
        .map(|(name, _, role)| DemoUser {
            name: (*name).to_owned(),
            role: *role,
            passphrase: PASSPHRASE.to_owned(),
        })
        .collect()
}
/// Creates the demo workspace at `path`. `now` is "today" for the sample dates; the data's
/// history is spread over the weeks before it.
pub fn create(path: &Path, kdf: KdfParams, now: DateTime<Utc>) -> ApiResult<()> {
    let clock = Arc::new(ManualClock::new(now - Duration::days(60)));
    let (admin_name, admin_display, _) = USERS[0];
    let mut admin = session::create_workspace(
        path,
        &NewUser {
            name: admin_name.into(),
            display_name: admin_display.into(),
            role: Role::Admin,
            passphrase: PASSPHRASE.into(),
        },
        CreateOptions { kdf, is_demo: true },
        clock.clone(),
    )?;
    for (name, display, role) in &USERS[1..] {
        admin.execute(UserCommand::Create {
            user: NewUser {
                name: (*name).into(),
                display_name: (*display).into(),
                role: *role,
                passphrase: PASSPHRASE.into(),
            },
        })?;
    }
    let open = |name: &str| session::login(path, name, PASSPHRASE, clock.clone());
    let pm = open("chen.jing")?;
    let owner = pm
        .users()?
        .into_iter()
        .find(|u| u.name == "li.wei")
        .map(|u| u.id)
        .unwrap_or(pm.user().id);
    let mut pm = pm;
    let mut rnd = open("li.wei")?;
    let filed = requirements::create(&clock, now, &open, owner, &mut rnd, &mut pm)?;
    clock.set(now - Duration::days(8));
    let mut ops = open("zhao.qiang")?;
    models::create(
        &clock, now, &filed, owner, &mut pm, &mut rnd, &mut ops, &mut admin,
    )?;
    incidents::create(
        &clock,
        now,
        path,
        incidents::People {
            admin: &mut admin,
            pm: &mut pm,
            rnd: &mut rnd,
            ops: &mut ops,
        },
    )?;
    assessments::create(&clock, now, &mut pm, owner)?;
    clock.set(now - Duration::minutes(5));
    Ok(())
}
