//! Incidents, the emergency team and drills, end to end on a real SQLCipher workspace with
//! an injected clock: response flows and their versions, clocks, reviews and corrective
//! actions, statistics that never count drills, attachments, and the insider's attempts.

mod common;

use chrono::{Duration, FixedOffset};
use common::{start, Fixture};
use govbench_core::Session;
use govbench_protocol::{
    ActionDraft, AttachmentCommand, ClockKind, ClockStatus, DashboardSection, Detection,
    DrillCommand as D, DrillEvaluation, DrillPlanDraft, DrillResult, DrillRunId, EntityRef,
    ErrorCode, IncidentAction, IncidentCommand as C, IncidentDraft, IncidentId, IncidentQuery,
    IncidentStatus as S, NotifyTarget, ResponseRules, ReviewDraft, Role, Severity, StepOutcome,
    TeamFunction, TeamMemberDraft, TeamRole, MAX_ATTACHMENT_BYTES,
};

fn draft(title: &str, severity: Severity) -> IncidentDraft {
    IncidentDraft {
        title: title.into(),
        model: None,
        model_version: None,
        severity,
        detection: Detection::Monitoring,
        detected_at: start(),
        description: "线上回答错误 wrong answers in production".into(),
        qualifies_external: false,
    }
}

fn open(session: &mut Session, title: &str, severity: Severity) -> IncidentId {
    IncidentId(
        session
            .execute(C::Open {
                draft: draft(title, severity),
                drill: None,
            })
            .unwrap()
            .entity
            .id,
    )
}

fn clock_of(s: &Session, id: IncidentId, kind: ClockKind) -> ClockStatus {
    s.incident(id)
        .unwrap()
        .clocks
        .iter()
        .find(|c| c.kind == kind)
        .unwrap()
        .status
}

fn review(owner: govbench_protocol::UserId) -> ReviewDraft {
    ReviewDraft {
        root_cause: "配置错误 bad config".into(),
        impact: "部分用户 some users".into(),
        went_well: String::new(),
        went_badly: String::new(),
        actions: vec![ActionDraft {
            text: "加监控 add monitoring".into(),
            preventive: true,
            owner,
            due: start().date_naive() + Duration::days(7),
        }],
    }
}

#[test]
fn a_critical_incident_runs_its_clocks_through_review_and_corrective_actions() {
    let fx = Fixture::new();
    let mut ops = fx.login(Role::Operations);
    let mut pm = fx.login(Role::ProjectManager);
    let rnd = fx.login(Role::RnD);
    let id = open(&mut ops, "剂量建议错误 wrong dosage", Severity::Critical);
    let detail = ops.incident(id).unwrap();
    assert!(detail.incident.number.starts_with("INC-2026-"));
    assert_eq!(detail.incident.rules_revision, 0);
    // Critical: acknowledge in 15 min, mitigate 1 h, resolve 4 h, management 1 h.
    let targets: Vec<(ClockKind, u32)> = detail
        .clocks
        .iter()
        .map(|c| (c.kind, c.target_minutes))
        .collect();
    assert_eq!(
        targets,
        [
            (ClockKind::Acknowledge, 15),
            (ClockKind::Mitigate, 60),
            (ClockKind::Resolve, 240),
            (ClockKind::Management, 60)
        ]
    );
    fx.clock.set(start() + Duration::minutes(13));
    assert_eq!(
        clock_of(&ops, id, ClockKind::Acknowledge),
        ClockStatus::DueSoon
    );
    fx.clock.set(start() + Duration::minutes(16));
    assert_eq!(
        clock_of(&ops, id, ClockKind::Acknowledge),
        ClockStatus::Breached
    );
    ops.execute(C::Acknowledge {
        id,
        note: "在处理 on it".into(),
    })
    .unwrap();
    assert_eq!(
        clock_of(&ops, id, ClockKind::Acknowledge),
        ClockStatus::MetLate
    );
    // Skipping a step: resolving reaches mitigation with it.
    fx.clock.set(start() + Duration::minutes(50));
    ops.execute(C::Resolve {
        id,
        note: String::new(),
    })
    .unwrap();
    let detail = ops.incident(id).unwrap();
    assert_eq!(detail.incident.status, S::Resolved);
    assert_eq!(
        detail.incident.reached.mitigated,
        detail.incident.reached.resolved
    );
    let statuses: Vec<_> = detail
        .incident
        .timeline
        .iter()
        .filter_map(|e| e.status)
        .collect();
    assert_eq!(statuses, [S::Open, S::Acknowledged, S::Resolved]);
    // Management was never informed: that clock is breached an hour after opening.
    fx.clock.set(start() + Duration::minutes(61));
    assert_eq!(
        clock_of(&ops, id, ClockKind::Management),
        ClockStatus::Breached
    );

    // Critical requires a review before closing; only PM and Admin review.
    let err = pm.execute(C::Close { id }).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(err.details["review"], "rule.review_required");
    assert_eq!(
        ops.execute(C::Review {
            id,
            review: review(rnd.user().id)
        })
        .unwrap_err()
        .code,
        ErrorCode::Forbidden
    );
    pm.execute(C::Review {
        id,
        review: review(rnd.user().id),
    })
    .unwrap();
    pm.execute(C::Close { id }).unwrap();

    // The corrective action waits on its owner's dashboard until the owner completes it.
    let mine = |s: &Session| -> usize {
        s.dashboard()
            .unwrap()
            .sections
            .into_iter()
            .find_map(|c| match c {
                DashboardSection::Incidents(d) => Some(d.my_actions.len()),
                _ => None,
            })
            .unwrap()
    };
    let mut rnd = rnd;
    assert_eq!(mine(&rnd), 1);
    assert_eq!(mine(&ops), 0);
    let action = ops.incident(id).unwrap().incident.review.unwrap().actions[0].id;
    // Acting in another's name: Operations may complete actions, but not R&D's.
    let err = ops
        .execute(C::CompleteAction {
            id,
            action,
            note: String::new(),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    rnd.execute(C::CompleteAction {
        id,
        action,
        note: "已上线 done".into(),
    })
    .unwrap();
    assert_eq!(mine(&rnd), 0);
    let err = rnd
        .execute(C::CompleteAction {
            id,
            action,
            note: String::new(),
        })
        .unwrap_err();
    assert_eq!(err.details["action"], "rule.already_done");
    // A closed incident takes no more notes.
    assert_eq!(
        ops.execute(C::AddNote {
            id,
            kind: govbench_protocol::TimelineKind::Note,
            text: "x".into()
        })
        .unwrap_err()
        .code,
        ErrorCode::IllegalTransition
    );
}

#[test]
fn an_incident_keeps_the_rules_it_was_opened_under() {
    let fx = Fixture::new();
    let mut ops = fx.login(Role::Operations);
    let mut admin = fx.login(Role::Admin);
    let before = open(&mut ops, "旧规则 old rules", Severity::General);
    let mut flows = ResponseRules::defaults().flows;
    flows[1].acknowledge_minutes = 30;
    flows[1].notify.push(NotifyTarget::Member(ops.user().id));
    // Only an Admin changes the rules, and only to rules that make sense.
    assert_eq!(
        ops.execute(C::SetRules {
            flows: flows.clone()
        })
        .unwrap_err()
        .code,
        ErrorCode::Forbidden
    );
    let mut backwards = flows.clone();
    backwards[0].resolve_minutes = 5;
    let err = admin.execute(C::SetRules { flows: backwards }).unwrap_err();
    assert_eq!(
        err.details["flows.0.resolve_minutes"],
        "rule.before_mitigate"
    );
    let err = admin
        .execute(C::SetRules {
            flows: flows[..2].to_vec(),
        })
        .unwrap_err();
    assert_eq!(err.details["flows"], "rule.one_flow_per_level");
    admin
        .execute(C::SetRules {
            flows: flows.clone(),
        })
        .unwrap();
    admin.execute(C::SetRules { flows }).unwrap();
    assert_eq!(ops.response_rules().unwrap().revision, 2);
    let after = open(&mut ops, "新规则 new rules", Severity::General);
    let old = ops.incident(before).unwrap();
    let new = ops.incident(after).unwrap();
    assert_eq!(old.incident.rules_revision, 0);
    assert_eq!(old.clocks[0].target_minutes, 60);
    assert_eq!(new.incident.rules_revision, 2);
    assert_eq!(new.clocks[0].target_minutes, 30);

    // Alerts go to whom the level's rules name: Operations by role and by name; not Business.
    fx.clock.set(start() + Duration::minutes(26));
    let alerts = ops.incident_alerts().unwrap();
    assert!(alerts
        .iter()
        .any(|a| a.incident == after && a.status == ClockStatus::DueSoon));
    assert!(fx
        .login(Role::Business)
        .incident_alerts()
        .unwrap()
        .is_empty());
}

#[test]
fn quarterly_statistics_count_real_incidents_only_in_the_teams_time_zone() {
    let fx = Fixture::new();
    let mut ops = fx.login(Role::Operations);
    // Q1 2026 (the fixture starts on 2 March): two critical, one minor.
    let a = open(&mut ops, "一 one", Severity::Critical);
    fx.clock.set(start() + Duration::minutes(10));
    ops.execute(C::Acknowledge {
        id: a,
        note: String::new(),
    })
    .unwrap();
    ops.execute(C::Mitigate {
        id: a,
        note: String::new(),
    })
    .unwrap();
    ops.execute(C::InformManagement {
        id: a,
        note: "已通报 told".into(),
    })
    .unwrap();
    fx.clock.set(start() + Duration::minutes(120));
    ops.execute(C::Resolve {
        id: a,
        note: String::new(),
    })
    .unwrap();
    fx.clock.set(start() + Duration::hours(3));
    let b = open(&mut ops, "二 two", Severity::Critical);
    fx.clock
        .set(start() + Duration::hours(3) + Duration::minutes(30));
    ops.execute(C::Acknowledge {
        id: b,
        note: String::new(),
    })
    .unwrap();
    open(&mut ops, "三 three", Severity::Minor);
    // A drill's incident is never counted.
    let run = DrillRunId(
        ops.execute(D::Start {
            template: "latency-outage".into(),
            plan: None,
        })
        .unwrap()
        .entity
        .id,
    );
    ops.execute(C::Open {
        draft: draft("演练 drill", Severity::Critical),
        drill: Some(run),
    })
    .unwrap();

    let stats = ops.incident_stats("2026Q1").unwrap();
    assert_eq!(stats.quarter, "2026Q1");
    let critical = &stats.rows[0];
    assert_eq!(critical.severity, Severity::Critical);
    assert_eq!(critical.count, 2);
    // (The test clock moves a second per reading, so means are within a minute.)
    let near = |v: Option<f64>, want: f64| v.is_some_and(|v| (v - want).abs() < 1.0);
    assert!(
        near(critical.mean_acknowledge_minutes, 20.0),
        "{critical:?}"
    );
    assert!(near(critical.mean_resolve_minutes, 120.0), "{critical:?}");
    // `a` kept every target; `b` acknowledged late.
    assert_eq!(critical.within_targets, Some(0.5));
    assert_eq!(stats.rows[2].count, 1);
    assert_eq!(ops.incident_stats("2026Q2").unwrap().rows[0].count, 0);
    // The list hides drills unless asked, and labels them.
    let all = |include_drills| {
        ops.incidents(&IncidentQuery {
            include_drills,
            limit: 50,
            ..Default::default()
        })
        .unwrap()
    };
    assert_eq!(all(false).total, 3);
    let with = all(true);
    assert_eq!(with.total, 4);
    assert_eq!(with.items.iter().filter(|i| i.drill).count(), 1);
    assert!(with.items.iter().any(|i| i.number.starts_with("DRL-INC-")));
    assert_eq!(with.next, None);
    // Read one at a time, each page on from the last one's cursor: the same list.
    let mut one_by_one = Vec::new();
    let mut query = IncidentQuery {
        include_drills: true,
        limit: 1,
        ..Default::default()
    };
    loop {
        let page = ops.incidents(&query).unwrap();
        one_by_one.extend(page.items.iter().map(|i| i.id));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(
        one_by_one,
        with.items.iter().map(|i| i.id).collect::<Vec<_>>()
    );
    // 31 March 20:00 UTC is already Q2 in Beijing.
    fx.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 31, 20, 0, 0).unwrap());
    open(&mut ops, "跨季 across quarters", Severity::Minor);
    ops.set_utc_offset(FixedOffset::east_opt(8 * 3600).unwrap());
    assert_eq!(ops.incident_stats("2026Q2").unwrap().rows[2].count, 1);
    ops.set_utc_offset(FixedOffset::east_opt(0).unwrap());
    assert_eq!(ops.incident_stats("2026Q2").unwrap().rows[2].count, 0);
    assert_eq!(
        ops.incident_stats("2026Q9").unwrap_err().code,
        ErrorCode::Validation
    );
}

#[test]
fn the_team_warns_when_a_function_is_missing_and_refuses_nonsense() {
    let fx = Fixture::new();
    let mut pm = fx.login(Role::ProjectManager);
    let ops = fx.login(Role::Operations).user().id;
    let rnd = fx.login(Role::RnD).user().id;
    let member = |user, function| TeamMemberDraft {
        user,
        function,
        team_role: TeamRole::Lead,
        contact: "138-0000-0000".into(),
        backup: None,
    };
    assert_eq!(pm.team().unwrap().missing.len(), 3);
    pm.execute(C::AddMember {
        draft: member(ops, TeamFunction::Operations),
    })
    .unwrap();
    let rnd_entry = pm
        .execute(C::AddMember {
            draft: member(rnd, TeamFunction::RnD),
        })
        .unwrap();
    assert_eq!(pm.team().unwrap().missing, [TeamFunction::Business]);
    let err = pm
        .execute(C::AddMember {
            draft: member(ops, TeamFunction::Business),
        })
        .unwrap_err();
    assert_eq!(err.details["user"], "rule.already_on_team");
    let err = pm
        .execute(C::AddMember {
            draft: TeamMemberDraft {
                backup: Some(ops),
                ..member(ops, TeamFunction::Business)
            },
        })
        .unwrap_err();
    assert_eq!(err.details["backup"], "rule.backup_is_self");
    let id = govbench_protocol::TeamMemberId(rnd_entry.entity.id);
    pm.execute(C::RemoveMember { id }).unwrap();
    assert_eq!(pm.team().unwrap().members.len(), 1);
    assert_eq!(
        pm.execute(C::RemoveMember { id }).unwrap_err().details["member"],
        "rule.member_removed"
    );
    assert_eq!(
        fx.login(Role::RnD)
            .execute(C::AddMember {
                draft: member(rnd, TeamFunction::RnD)
            })
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

#[test]
fn a_drill_runs_from_a_template_revision_and_its_findings_become_actions() {
    let fx = Fixture::new();
    let mut pm = fx.login(Role::ProjectManager);
    let mut ops = fx.login(Role::Operations);
    // Editing a template makes revision 2; an editor still on revision 1 is refused.
    let mut template = pm
        .drill_templates()
        .unwrap()
        .into_iter()
        .find(|t| t.id == "emergency-rollback")
        .unwrap();
    assert_eq!(template.version, 1);
    let stale = template.clone();
    template.steps[0].target_minutes = 7;
    pm.execute(D::SaveTemplate {
        template: template.clone(),
    })
    .unwrap();
    let err = pm.execute(D::SaveTemplate { template: stale }).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let current = pm
        .drill_templates()
        .unwrap()
        .into_iter()
        .find(|t| t.id == "emergency-rollback")
        .unwrap();
    assert_eq!((current.version, current.steps[0].target_minutes), (2, 7));
    let mut broken = current.clone();
    broken.steps[0].target_minutes = 0;
    assert_eq!(
        pm.execute(D::SaveTemplate { template: broken })
            .unwrap_err()
            .details["steps.0.target_minutes"],
        "rule.out_of_range"
    );

    let plan = pm
        .execute(D::AddPlan {
            draft: DrillPlanDraft {
                title: "季度演练 quarterly".into(),
                template: "emergency-rollback".into(),
                every_months: 3,
                first_due: start().date_naive() - Duration::days(1),
                owner: ops.user().id,
            },
        })
        .unwrap();
    let plan = govbench_protocol::DrillPlanId(plan.entity.id);
    let overview = pm.drills().unwrap();
    assert!(overview.plans[0].overdue);
    let run = DrillRunId(
        ops.execute(D::Start {
            template: "emergency-rollback".into(),
            plan: Some(plan),
        })
        .unwrap()
        .entity
        .id,
    );
    // A later edit does not change a drill already running.
    let mut again = current.clone();
    again.steps[0].target_minutes = 9;
    pm.execute(D::SaveTemplate { template: again }).unwrap();
    let steps = ops.drill_run(run).unwrap().run.template.steps.len();
    assert_eq!(
        ops.drill_run(run).unwrap().run.template.steps[0].target_minutes,
        7
    );

    let finish = |s: &mut Session| {
        s.execute(D::Finish {
            run,
            evaluation: DrillEvaluation {
                result: DrillResult::PartlyPassed,
                summary: "偏慢 slow".into(),
            },
            findings: vec![ActionDraft {
                text: "缩短通知 faster paging".into(),
                preventive: false,
                owner: s.user().id,
                due: start().date_naive(),
            }],
        })
    };
    for i in 0..steps {
        fx.clock
            .set(start() + Duration::minutes(5 * (i as i64 + 1)));
        let outcome = if i == 1 {
            StepOutcome::Fail
        } else {
            StepOutcome::Pass
        };
        ops.execute(D::CheckStep {
            run,
            step: i as u32,
            outcome,
            note: String::new(),
        })
        .unwrap();
        if i == 0 {
            assert_eq!(
                finish(&mut ops).unwrap_err().details["steps"],
                "rule.steps_unchecked"
            );
        }
    }
    let detail = ops.drill_run(run).unwrap();
    assert!(detail.times[0]
        .took_seconds
        .is_some_and(|s| (240..=300).contains(&s)));
    assert_eq!(detail.times[0].on_time, Some(true));
    assert_eq!(detail.run.steps[1].by, Some(ops.user().id));
    finish(&mut ops).unwrap();
    assert!(ops
        .execute(D::CheckStep {
            run,
            step: 0,
            outcome: StepOutcome::Fail,
            note: String::new()
        })
        .is_err());
    // The finding waits on its owner's dashboard; the plan's next drill is a quarter later.
    let drills = |s: &Session| {
        s.dashboard()
            .unwrap()
            .sections
            .into_iter()
            .find_map(|c| match c {
                DashboardSection::Drills(d) => Some(d),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(drills(&ops).my_actions.len(), 1);
    let row = &pm.drills().unwrap().plans[0];
    assert_eq!(row.done, 1);
    assert_eq!(
        row.next_due,
        start().date_naive() - Duration::days(1) + chrono::Months::new(3)
    );
    let action = detail.run.findings.first().map(|f| f.id);
    let action = action.unwrap_or_else(|| ops.drill_run(run).unwrap().run.findings[0].id);
    ops.execute(D::CompleteAction {
        run,
        action,
        note: String::new(),
    })
    .unwrap();
    assert!(drills(&ops).my_actions.is_empty());
    // The business side runs no drills.
    assert_eq!(
        fx.login(Role::Business)
            .execute(D::Start {
                template: "emergency-rollback".into(),
                plan: None
            })
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

#[test]
fn evidence_is_stored_encrypted_with_its_hash_and_tampering_is_caught() {
    let fx = Fixture::new();
    let mut ops = fx.login(Role::Operations);
    let id = open(&mut ops, "证据 evidence", Severity::Minor);
    let on: EntityRef = id.into();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("告警\u{202e}gol.txt");
    std::fs::write(&log, "ERROR latency 5800ms\n").unwrap();
    let attach = |s: &mut Session, path: &std::path::Path| {
        s.execute(AttachmentCommand::Add {
            on,
            path: path.display().to_string(),
        })
    };
    attach(&mut ops, &log).unwrap();
    let list = ops.attachments(on).unwrap();
    assert_eq!(list.len(), 1);
    let a = &list[0].attachment;
    // The bidi override in the name is gone; size and SHA-256 are the file's.
    assert_eq!(a.name, "告警gol.txt");
    assert_eq!(a.size, 21);
    assert_eq!(
        a.sha256,
        format!(
            "{:x}",
            sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(
                b"ERROR latency 5800ms\n"
            ))
        )
    );
    let (_, bytes) = ops.attachment(a.id).unwrap();
    assert_eq!(bytes, b"ERROR latency 5800ms\n");
    // The bytes are inside the encrypted file, not beside it in the clear.
    let raw = std::fs::read(&fx.path).unwrap();
    assert!(!raw.windows(13).any(|w| w == b"latency 5800m"));

    // Too large: refused before anything is read or written.
    let big = dir.path().join("big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_ATTACHMENT_BYTES + 1)
        .unwrap();
    let events = ops.verify_audit().unwrap().events_verified;
    let err = attach(&mut ops, &big).unwrap_err();
    assert_eq!(err.details["file"], "rule.file_too_large");
    assert_eq!(ops.verify_audit().unwrap().events_verified, events);
    // A missing file, a folder, a record that takes no attachments, an auditor.
    assert_eq!(
        attach(&mut ops, &dir.path().join("nope"))
            .unwrap_err()
            .details["file"],
        "rule.unreadable"
    );
    assert_eq!(
        attach(&mut ops, dir.path()).unwrap_err().details["file"],
        "rule.not_a_file"
    );
    // A named pipe would block a read forever: refused at once, without opening it for good.
    #[cfg(unix)]
    {
        let fifo = dir.path().join("evidence.log");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()));
        assert_eq!(
            attach(&mut ops, &fifo).unwrap_err().details["file"],
            "rule.not_a_file"
        );
    }
    let user: EntityRef = ops.user().id.into();
    assert_eq!(
        ops.execute(AttachmentCommand::Add {
            on: user,
            path: log.display().to_string()
        })
        .unwrap_err()
        .details["on"],
        "rule.not_attachable"
    );
    let mut auditor = fx.login(Role::Auditor);
    assert_eq!(
        attach(&mut auditor, &log).unwrap_err().code,
        ErrorCode::Forbidden
    );

    // An insider with the data key swaps the evidence: reading it refuses, verification names it.
    let key = govbench_core::KeySlots::load(&fx.path)
        .unwrap()
        .unlock("ops", common::PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let conn = govbench_core::store::open_raw(&fx.path, &key).unwrap();
    conn.execute(
        "UPDATE attachment_blobs SET bytes = ?1",
        [b"INFO all good\n".to_vec()],
    )
    .unwrap();
    drop(conn);
    assert!(ops.attachment(a.id).is_err());
    let report = fx.login(Role::Auditor).verify_audit().unwrap();
    let records = report.records.unwrap();
    assert!(
        records
            .problems
            .iter()
            .any(|p| p.entity == "attachment" && p.problem == "file_damaged"),
        "{records:?}"
    );
}

#[test]
fn an_insider_cannot_rewrite_an_incidents_clocks_unnoticed() {
    let fx = Fixture::new();
    let mut ops = fx.login(Role::Operations);
    let id = open(&mut ops, "改时间 backdating", Severity::Critical);
    fx.clock.set(start() + Duration::hours(2));
    ops.execute(C::Acknowledge {
        id,
        note: String::new(),
    })
    .unwrap();
    assert_eq!(
        clock_of(&ops, id, ClockKind::Acknowledge),
        ClockStatus::MetLate
    );
    // With the data key, make the acknowledgement look on time.
    let key = govbench_core::KeySlots::load(&fx.path)
        .unwrap()
        .unlock("ops", common::PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let conn = govbench_core::store::open_raw(&fx.path, &key).unwrap();
    let body: String = conn
        .query_row("SELECT body FROM incidents", [], |r| r.get(0))
        .unwrap();
    let mut image: serde_json::Value = serde_json::from_str(&body).unwrap();
    image["reached"]["acknowledged"] = serde_json::json!(start() + Duration::minutes(5));
    conn.execute("UPDATE incidents SET body = ?1", [image.to_string()])
        .unwrap();
    drop(conn);
    let report = fx.login(Role::Auditor).verify_audit().unwrap();
    let records = report.records.unwrap();
    assert!(
        records
            .problems
            .iter()
            .any(|p| p.entity == "incident" && p.problem == "differs"),
        "{records:?}"
    );
    // Numbers are never reused, even for incidents opened in the same second.
    let numbers: std::collections::HashSet<String> = (0..50)
        .map(|i| {
            let id = open(&mut ops, &format!("批量 bulk {i}"), Severity::Minor);
            ops.incident(id).unwrap().incident.number
        })
        .collect();
    assert_eq!(numbers.len(), 50);
    let detail = ops.incident(id).unwrap();
    assert!(!detail
        .allowed_actions
        .contains(&IncidentAction::Acknowledge));
}

#[test]
fn an_incident_on_a_live_model_rolls_it_back_through_the_go_live_rules() {
    let demo = common::Demo::new();
    let login = |name: &str| demo.login(name);
    let mut ops = login("zhao.qiang");
    let page = ops
        .incidents(&IncidentQuery {
            severity: Some(Severity::Critical),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    let id = page.items[0].id;
    let detail = ops.incident(id).unwrap();
    // The incident is about v1.1 (live); the previous live version is v1.0.
    assert_eq!(detail.version_label.as_deref(), Some("v1.1"));
    let target = detail.rollback_to.clone().unwrap();
    assert_eq!(target.label, "v1.0");
    assert!(detail.can_roll_back);
    // Business may not release: the incident page says so, and the models feature refuses.
    let business = login("liu.yang");
    assert!(!business.incident(id).unwrap().can_roll_back);
    ops.execute(govbench_protocol::ModelCommand::Rollback {
        version: target.version,
        reason: format!("{}: 剂量建议错误", detail.incident.number),
    })
    .unwrap();
    let after = ops.incident(id).unwrap();
    assert_eq!(after.model_changes.len(), 1);
    assert_eq!(after.model_changes[0].version, target.version);
    // Never offered a way back to the faulty version.
    assert!(after.rollback_to.is_none_or(|t| t.label != "v1.1"));
}
