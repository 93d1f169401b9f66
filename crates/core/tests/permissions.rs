//! Every command as every role, checked against the permission matrix: allowed commands are
//! never refused as forbidden, and everything else is refused before it changes anything.

mod common;

use common::{draft, file, Fixture};
use govbench_core::authz::{self, Permission};
use govbench_protocol::{
    Assessment, Command, Decision, DeliveryPlan, ErrorCode, Feasibility, NewUser, RequirementId,
    Role, UserId,
};

/// One instance of every command. Targets are real requirements, so "allowed" commands can
/// succeed or fail only for workflow reasons, never for permission.
fn every_command(id: RequirementId, user: UserId) -> Vec<Command> {
    vec![
        Command::FileRequirement {
            draft: draft("matrix"),
            submit: false,
        },
        Command::EditRequirement {
            id,
            draft: draft("matrix edited"),
        },
        Command::SubmitRequirement { id },
        Command::StartAssessment { id },
        Command::AssessRequirement {
            id,
            assessment: Assessment {
                feasibility: Feasibility::Feasible,
                resources: "r".into(),
                effort_person_days: 3,
                plan: "p".into(),
                risks: String::new(),
            },
        },
        Command::DecideRequirement {
            id,
            decision: Decision::Approve,
        },
        Command::DecideRequirement {
            id,
            decision: Decision::Reject { reason: "r".into() },
        },
        Command::DecideRequirement {
            id,
            decision: Decision::Return { reason: "r".into() },
        },
        Command::PlanRequirement {
            id,
            plan: DeliveryPlan {
                owner: user,
                milestones: vec![],
                target_delivery: common::today(),
            },
        },
        Command::StartDevelopment { id },
        Command::MarkDelivered { id },
        Command::CloseRequirement { id },
        Command::AddComment {
            requirement_id: id,
            body: "评论".into(),
        },
        Command::CreateUser {
            user: NewUser {
                name: "new.user".into(),
                display_name: "新用户".into(),
                role: Role::Business,
                passphrase: "long enough".into(),
            },
        },
        Command::RemoveUser { id: user },
    ]
}

#[test]
fn every_role_times_every_command_follows_the_matrix() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = file(&mut biz, "矩阵测试");
    // Removing a user is tried on a user of its own, so every role can still log in.
    let mut admin = fx.login(Role::Admin);
    admin
        .execute(Command::CreateUser {
            user: NewUser {
                name: "to.remove".into(),
                display_name: "待删除".into(),
                role: Role::Operations,
                passphrase: "long enough".into(),
            },
        })
        .unwrap();
    let victim = admin
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.name == "to.remove")
        .unwrap()
        .id;
    let mut checked = 0;
    for role in Role::ALL {
        let mut session = fx.login(role);
        for command in every_command(id, victim) {
            let action = command.action();
            assert!(
                authz::ACTIONS.contains(&action),
                "{action} missing from authz::ACTIONS"
            );
            let allowed = authz::allows_action(role, action);
            let events_before = session.verify_audit().unwrap().events_verified;
            let result = session.execute(command);
            match (&result, allowed) {
                (Err(e), false) => {
                    assert_eq!(e.code, ErrorCode::Forbidden, "{role:?} {action}: {e:?}");
                    assert_eq!(
                        session.verify_audit().unwrap().events_verified,
                        events_before,
                        "refusal wrote an event"
                    );
                }
                (Err(e), true) => assert_ne!(
                    e.code,
                    ErrorCode::Forbidden,
                    "{role:?} may {action} but was refused"
                ),
                (Ok(_), true) => {}
                (Ok(_), false) => panic!("{role:?} may not {action} but it went through"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 15);
}

#[test]
fn reads_are_open_to_every_role_including_the_auditor() {
    let fx = Fixture::new();
    for role in Role::ALL {
        assert!(authz::allows(role, Permission::Read));
        let s = fx.login(role);
        s.requirements(&Default::default()).unwrap();
        s.dashboard().unwrap();
        s.users().unwrap();
        s.verify_audit().unwrap();
    }
}
