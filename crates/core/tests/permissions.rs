//! Every command and every read of every feature, as every role, checked against the
//! permission matrix: allowed ones are never refused as forbidden, everything else is refused
//! before it changes anything. The samples come from the features themselves
//! (`features::samples`), so a new feature is covered without editing this file.

mod common;

use common::Fixture;
use govbench_core::authz;
use govbench_core::features::samples;
use govbench_protocol::{Action, ErrorCode, Permission, Role};
use std::collections::BTreeSet;

#[test]
fn every_role_times_every_command_follows_the_matrix() {
    let fx = Fixture::new();
    let login = |role: Role| Ok(fx.login(role));
    let commands = samples::commands(&login).unwrap();

    let sampled: BTreeSet<Action> = commands.iter().map(|c| c.action()).collect();
    let missing: Vec<Action> = Action::all().filter(|a| !sampled.contains(a)).collect();
    assert!(missing.is_empty(), "no sample command for {missing:?}");

    // Counting events directly (a full verification before each of hundreds of commands
    // would make this test quadratic in the log's length); the chain is verified at the end.
    // Opened afresh each time: the samples rotate the data key.
    let events = || -> i64 {
        fx.raw()
            .query_row("SELECT COUNT(*) FROM audit_events", [], |r| r.get(0))
            .unwrap()
    };
    let mut checked = 0;
    for role in Role::ALL {
        let mut session = fx.login(role);
        for command in &commands {
            let action = command.action();
            let allowed = authz::allows_action(role, action);
            let events_before = events();
            let result = session.execute(command.clone());
            match (&result, allowed) {
                (Err(e), false) => {
                    assert_eq!(e.code, ErrorCode::Forbidden, "{role:?} {action:?}: {e:?}");
                    assert_eq!(events(), events_before, "refusal wrote an event");
                }
                (Err(e), true) => assert_ne!(
                    e.code,
                    ErrorCode::Forbidden,
                    "{role:?} may {action:?} but was refused"
                ),
                (Ok(_), true) => {}
                (Ok(_), false) => panic!("{role:?} may not {action:?} but it went through"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, Role::ALL.len() * commands.len());
    let report = fx.login(Role::Auditor).verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
}

#[test]
fn every_role_times_every_read_follows_the_matrix() {
    let fx = Fixture::new();
    let login = |role: Role| Ok(fx.login(role));
    let reads = samples::reads(&login).unwrap();

    let sampled: BTreeSet<Permission> = reads.iter().map(|r| r.permission).collect();
    let read_permissions = [
        Permission::from(govbench_protocol::RequirementPermission::Read),
        govbench_protocol::UserPermission::Read.into(),
        govbench_protocol::AuditPermission::Verify.into(),
    ];
    for p in read_permissions {
        assert!(sampled.contains(&p), "no sample read for {p:?}");
    }

    for role in Role::ALL {
        let session = fx.login(role);
        for read in &reads {
            let allowed = authz::allows(role, read.permission);
            match (read.run(&session), allowed) {
                (Ok(()), true) => {}
                (Err(e), false) => assert_eq!(e.code, ErrorCode::Forbidden),
                (result, allowed) => {
                    panic!(
                        "{role:?} reading {:?}: {result:?}, allowed={allowed}",
                        read.permission
                    )
                }
            }
        }
    }
}

#[test]
fn reads_are_open_to_every_role_including_the_auditor() {
    let fx = Fixture::new();
    for role in Role::ALL {
        let s = fx.login(role);
        s.requirements(&Default::default()).unwrap();
        s.dashboard().unwrap();
        s.users().unwrap();
        s.verify_audit().unwrap();
        assert!(s
            .info(false)
            .permissions
            .iter()
            .all(|p| authz::allows(role, *p)));
    }
}
