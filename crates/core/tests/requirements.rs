//! Requirement intake end to end through the API: the lifecycle, illegal steps, validation,
//! history, comments, the list's filters and the dashboard.

mod common;

use chrono::Duration;
use common::{draft, file, today, Fixture};
use govbench_protocol::{
    Assessment, CommentCommand, CommentPermission, Decision, DeliveryPlan, ErrorCode, Feasibility,
    Milestone, Priority, RequirementAction as A, RequirementCommand, RequirementId,
    RequirementQuery, RequirementSort, RequirementStatus as S, Role,
};

fn assessment() -> Assessment {
    Assessment {
        feasibility: Feasibility::FeasibleWithConditions,
        resources: "2 名算法工程师".into(),
        effort_person_days: 20,
        plan: "指令微调 + 评测集".into(),
        risks: "数据需脱敏".into(),
    }
}

#[test]
fn a_requirement_goes_from_filing_to_closed() {
    let fx = Fixture::new();
    let (mut biz, mut rnd, mut pm) = (
        fx.login(Role::Business),
        fx.login(Role::RnD),
        fx.login(Role::ProjectManager),
    );
    let outcome = biz
        .execute(RequirementCommand::File {
            draft: draft("影像报告生成"),
            submit: false,
        })
        .unwrap();
    let id = RequirementId(outcome.entity.id);
    let status = |s: &govbench_core::Session| s.requirement(id).unwrap().requirement.status;
    assert_eq!(status(&biz), S::Draft);
    biz.execute(RequirementCommand::Submit { id }).unwrap();
    rnd.execute(RequirementCommand::StartAssessment { id })
        .unwrap();
    assert_eq!(status(&rnd), S::UnderAssessment);
    rnd.execute(RequirementCommand::Assess {
        id,
        assessment: assessment(),
    })
    .unwrap();
    pm.execute(RequirementCommand::Decide {
        id,
        decision: Decision::Approve,
    })
    .unwrap();
    let owner = rnd.user().id;
    pm.execute(RequirementCommand::Plan {
        id,
        plan: DeliveryPlan {
            owner,
            milestones: vec![Milestone {
                title: "评测集确认".into(),
                due: today() + Duration::days(10),
            }],
            target_delivery: today() + Duration::days(40),
        },
    })
    .unwrap();
    pm.execute(RequirementCommand::StartDevelopment { id })
        .unwrap();
    rnd.execute(RequirementCommand::MarkDelivered { id })
        .unwrap();
    pm.execute(RequirementCommand::Close { id }).unwrap();

    let detail = pm.requirement(id).unwrap();
    assert_eq!(detail.requirement.status, S::Closed);
    assert_eq!(
        detail
            .requirement
            .plan_owner
            .as_ref()
            .map(|u| u.name.as_str()),
        Some("rnd")
    );
    assert_eq!(detail.requirement.version, 9);
    let trail: Vec<_> = detail
        .history
        .items
        .iter()
        .map(|h| {
            let to = h.to_status.as_deref().map(|k| S::from_key(k).unwrap());
            (h.actor.as_str(), h.action.as_str(), to)
        })
        .collect();
    assert_eq!(
        trail,
        vec![
            ("biz", "requirement.file", Some(S::Draft)),
            ("biz", "requirement.submit", Some(S::Submitted)),
            (
                "rnd",
                "requirement.start_assessment",
                Some(S::UnderAssessment)
            ),
            ("rnd", "requirement.assess", Some(S::Assessed)),
            ("pm", "requirement.approve", Some(S::Approved)),
            ("pm", "requirement.plan", None),
            (
                "pm",
                "requirement.start_development",
                Some(S::InDevelopment)
            ),
            ("rnd", "requirement.mark_delivered", Some(S::Delivered)),
            ("pm", "requirement.close", Some(S::Closed)),
        ]
    );
    assert_eq!(
        detail.history.items[1].from_status.as_deref(),
        Some("draft")
    );
    assert!(detail.history.items.windows(2).all(|w| w[0].at < w[1].at));
}

#[test]
fn illegal_steps_are_refused_with_the_current_status() {
    let fx = Fixture::new();
    let (mut biz, mut rnd, mut pm) = (
        fx.login(Role::Business),
        fx.login(Role::RnD),
        fx.login(Role::ProjectManager),
    );
    let id = file(&mut biz, "跳步测试");
    let err = pm
        .execute(RequirementCommand::Decide {
            id,
            decision: Decision::Approve,
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::IllegalTransition);
    assert_eq!(
        err.details.get("from").map(String::as_str),
        Some("requirement.status.submitted")
    );
    let err = rnd
        .execute(RequirementCommand::Assess {
            id,
            assessment: assessment(),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::IllegalTransition);
    let err = biz
        .execute(RequirementCommand::Edit {
            id,
            draft: draft("改"),
        })
        .unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::IllegalTransition,
        "submitted requirements are not editable"
    );
    assert_eq!(
        pm.requirement(id).unwrap().requirement.version,
        1,
        "nothing changed"
    );
}

#[test]
fn development_needs_a_plan() {
    let fx = Fixture::new();
    let (mut biz, mut rnd, mut pm) = (
        fx.login(Role::Business),
        fx.login(Role::RnD),
        fx.login(Role::ProjectManager),
    );
    let id = file(&mut biz, "无计划");
    rnd.execute(RequirementCommand::StartAssessment { id })
        .unwrap();
    rnd.execute(RequirementCommand::Assess {
        id,
        assessment: assessment(),
    })
    .unwrap();
    pm.execute(RequirementCommand::Decide {
        id,
        decision: Decision::Approve,
    })
    .unwrap();
    let err = pm
        .execute(RequirementCommand::StartDevelopment { id })
        .unwrap_err();
    assert_eq!(
        err.details.get("plan").map(String::as_str),
        Some("rule.plan_missing")
    );
}

#[test]
fn returned_requirement_is_edited_and_resubmitted() {
    let fx = Fixture::new();
    let (mut biz, mut rnd, mut pm) = (
        fx.login(Role::Business),
        fx.login(Role::RnD),
        fx.login(Role::ProjectManager),
    );
    let id = file(&mut biz, "需补充");
    rnd.execute(RequirementCommand::StartAssessment { id })
        .unwrap();
    rnd.execute(RequirementCommand::Assess {
        id,
        assessment: assessment(),
    })
    .unwrap();
    let err = pm
        .execute(RequirementCommand::Decide {
            id,
            decision: Decision::Return {
                reason: "  ".into(),
            },
        })
        .unwrap_err();
    assert_eq!(
        err.details.get("reason").map(String::as_str),
        Some("rule.required")
    );
    pm.execute(RequirementCommand::Decide {
        id,
        decision: Decision::Return {
            reason: "请补充数据分布".into(),
        },
    })
    .unwrap();
    let detail = biz.requirement(id).unwrap();
    assert_eq!(detail.requirement.status, S::Returned);
    assert!(detail.allowed_actions.contains(&A::Edit));
    assert!(detail.allowed_actions.contains(&A::Submit));
    biz.execute(RequirementCommand::Edit {
        id,
        draft: draft("需补充（已补充）"),
    })
    .unwrap();
    biz.execute(RequirementCommand::Submit { id }).unwrap();
    let r = biz.requirement(id).unwrap().requirement;
    assert_eq!(
        (r.status, r.draft.title.as_str(), r.decision),
        (S::Submitted, "需补充（已补充）", None)
    );
}

#[test]
fn filing_validates_every_field_in_one_answer() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let mut bad = draft(" ");
    bad.goals = String::new();
    bad.kpis[0].metric = String::new();
    bad.kpis[0].target = f64::NAN;
    let err = biz
        .execute(RequirementCommand::File {
            draft: bad,
            submit: true,
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    for (field, rule) in [
        ("title", "rule.required"),
        ("goals", "rule.required"),
        ("kpis.0.metric", "rule.required"),
        ("kpis.0.target", "rule.not_a_number"),
    ] {
        assert_eq!(
            err.details.get(field).map(String::as_str),
            Some(rule),
            "{field}: {:?}",
            err.details
        );
    }
    let mut none = draft("no kpis");
    none.kpis.clear();
    let err = biz
        .execute(RequirementCommand::File {
            draft: none,
            submit: true,
        })
        .unwrap_err();
    assert_eq!(
        err.details.get("kpis").map(String::as_str),
        Some("rule.no_kpis")
    );
}

#[test]
fn comments_form_a_thread_and_allowed_actions_follow_role_and_status() {
    let fx = Fixture::new();
    let (mut biz, mut rnd) = (fx.login(Role::Business), fx.login(Role::RnD));
    let id = file(&mut biz, "评论");
    rnd.execute(CommentCommand::Add {
        on: id.into(),
        body: "需要样本数据 need samples".into(),
    })
    .unwrap();
    biz.execute(CommentCommand::Add {
        on: id.into(),
        body: "已上传".into(),
    })
    .unwrap();
    let detail = rnd.requirement(id).unwrap();
    let thread: Vec<_> = detail
        .comments
        .items
        .iter()
        .map(|c| (c.author.name.as_str(), c.body.as_str()))
        .collect();
    assert_eq!(
        thread,
        vec![("rnd", "需要样本数据 need samples"), ("biz", "已上传")]
    );
    assert_eq!(detail.allowed_actions, vec![A::StartAssessment]);
    assert!(rnd.info(false).may(CommentPermission::Add));
    assert!(fx
        .login(Role::Auditor)
        .requirement(id)
        .unwrap()
        .allowed_actions
        .is_empty());
    let pm = fx.login(Role::ProjectManager);
    assert!(pm.requirement(id).unwrap().allowed_actions.is_empty());
    assert!(pm.info(false).may(CommentPermission::Add));
    assert!(!fx
        .login(Role::Auditor)
        .info(false)
        .may(CommentPermission::Add));
}

#[test]
fn the_list_filters_searches_in_both_languages_sorts_and_flags_overdue() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let mut a = draft("医学影像报告 radiology");
    a.priority = Priority::Critical;
    a.wanted_by = today() + Duration::days(5);
    let mut b = draft("Credit memo summary 信贷");
    b.department = "金融事业部".into();
    b.priority = Priority::Low;
    b.wanted_by = today() + Duration::days(1);
    let mut c = draft("AML narrative");
    c.department = "金融事业部".into();
    c.wanted_by = today() + Duration::days(2);
    biz.execute(RequirementCommand::File {
        draft: a,
        submit: true,
    })
    .unwrap();
    biz.execute(RequirementCommand::File {
        draft: b,
        submit: false,
    })
    .unwrap();
    biz.execute(RequirementCommand::File {
        draft: c,
        submit: true,
    })
    .unwrap();
    let titles = |q: RequirementQuery| -> Vec<String> {
        biz.requirements(&q)
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.title)
            .collect()
    };

    assert_eq!(
        titles(RequirementQuery {
            text: Some("影像".into()),
            ..Default::default()
        }),
        vec!["医学影像报告 radiology"]
    );
    assert_eq!(
        titles(RequirementQuery {
            text: Some("MEMO".into()),
            ..Default::default()
        }),
        vec!["Credit memo summary 信贷"]
    );
    assert_eq!(
        titles(RequirementQuery {
            text: Some("100%_".into()),
            ..Default::default()
        }),
        Vec::<String>::new()
    );
    assert_eq!(
        titles(RequirementQuery {
            status: Some(S::Draft),
            ..Default::default()
        }),
        vec!["Credit memo summary 信贷"]
    );
    assert_eq!(
        titles(RequirementQuery {
            department: Some("金融事业部".into()),
            sort: RequirementSort::TitleAsc,
            ..Default::default()
        }),
        vec!["AML narrative", "Credit memo summary 信贷"]
    );
    assert_eq!(
        titles(RequirementQuery {
            priority: Some(Priority::Critical),
            ..Default::default()
        }),
        vec!["医学影像报告 radiology"]
    );
    assert_eq!(
        titles(RequirementQuery {
            sort: RequirementSort::PriorityDesc,
            ..Default::default()
        })[0],
        "医学影像报告 radiology"
    );
    assert_eq!(
        titles(RequirementQuery {
            sort: RequirementSort::WantedByAsc,
            ..Default::default()
        })[0],
        "Credit memo summary 信贷"
    );
    let page = biz
        .requirements(&RequirementQuery {
            limit: 2,
            offset: 2,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((page.items.len(), page.total), (1, 3));
    assert_eq!(
        page.departments,
        vec!["医疗事业部".to_owned(), "金融事业部".to_owned()]
    );

    // Three days later the credit memo and the AML narrative are overdue.
    fx.clock.set(common::start() + Duration::days(3));
    let auditor = fx.login(Role::Auditor);
    let overdue = auditor
        .requirements(&RequirementQuery {
            overdue_only: true,
            sort: RequirementSort::WantedByAsc,
            ..Default::default()
        })
        .unwrap();
    let flagged: Vec<_> = overdue
        .items
        .iter()
        .map(|i| (i.title.as_str(), i.overdue))
        .collect();
    assert_eq!(
        flagged,
        vec![("Credit memo summary 信贷", true), ("AML narrative", true)]
    );
    let dashboard = common::requirements_card(&auditor);
    assert_eq!(dashboard.overdue.len(), 2);
    assert_eq!(dashboard.total, 3);
    assert!(dashboard.by_status.contains(&(S::Submitted, 2)));
    assert!(dashboard.by_status.contains(&(S::Draft, 1)));
}

#[test]
fn waiting_for_me_follows_the_next_step() {
    let fx = Fixture::new();
    let (mut biz, rnd, pm) = (
        fx.login(Role::Business),
        fx.login(Role::RnD),
        fx.login(Role::ProjectManager),
    );
    file(&mut biz, "等待研发");
    biz.execute(RequirementCommand::File {
        draft: draft("我的草稿"),
        submit: false,
    })
    .unwrap();
    let names = |s: &govbench_core::Session| -> Vec<String> {
        common::requirements_card(s)
            .waiting_for_me
            .into_iter()
            .map(|i| i.title)
            .collect()
    };
    assert_eq!(names(&rnd), vec!["等待研发"]);
    assert_eq!(names(&biz), vec!["我的草稿"]);
    assert!(names(&pm).is_empty());
    assert!(names(&fx.login(Role::Auditor)).is_empty());
}

#[test]
fn demo_workspace_has_every_status_and_a_verifiable_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.govbench");
    govbench_core::demo::create(&path, govbench_core::KdfParams::TESTING, common::start()).unwrap();
    let auditor = govbench_core::login(
        &path,
        "qian.hui",
        govbench_core::demo::PASSPHRASE,
        std::sync::Arc::new(govbench_core::SystemClock),
    )
    .unwrap();
    let dashboard = common::requirements_card(&auditor);
    assert_eq!(dashboard.total, 10);
    assert!(
        dashboard.by_status.iter().all(|(_, n)| *n == 1),
        "{:?}",
        dashboard.by_status
    );
    assert!(auditor.verify_audit().unwrap().is_intact());
    assert_eq!(
        auditor.users().unwrap().len(),
        govbench_core::demo::users().len()
    );
    for role in Role::ALL {
        assert!(
            govbench_core::demo::users().iter().any(|u| u.role == role),
            "{role:?}"
        );
    }
}

/// "Today" is the user's own date: in Beijing (UTC+8) a requirement wanted by 3 March is
/// overdue from 00:00 local time on 4 March, which is 16:00 UTC on 3 March.
#[test]
fn overdue_follows_the_users_own_date_across_midnight_at_utc_plus_8() {
    use chrono::{FixedOffset, TimeZone, Utc};
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let mut d = draft("跨午夜 midnight");
    d.wanted_by = chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
    biz.execute(RequirementCommand::File {
        draft: d,
        submit: true,
    })
    .unwrap();
    let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
    let overdue_at = |utc: chrono::DateTime<Utc>, zone: FixedOffset| {
        fx.clock.set(utc);
        let mut s = fx.login(Role::ProjectManager);
        s.set_utc_offset(zone);
        let flagged = s.requirements(&Default::default()).unwrap().items[0].overdue;
        let filtered = s
            .requirements(&RequirementQuery {
                overdue_only: true,
                ..Default::default()
            })
            .unwrap()
            .total;
        let card = common::requirements_card(&s).overdue.len();
        assert_eq!(
            (filtered == 1, card == 1),
            (flagged, flagged),
            "flag, filter and dashboard agree"
        );
        flagged
    };
    let utc = FixedOffset::east_opt(0).unwrap();
    let before_midnight = Utc.with_ymd_and_hms(2026, 3, 3, 15, 59, 0).unwrap();
    let after_midnight = Utc.with_ymd_and_hms(2026, 3, 3, 16, 1, 0).unwrap();
    assert!(
        !overdue_at(before_midnight, beijing),
        "23:59 on 3 March in Beijing"
    );
    assert!(
        overdue_at(after_midnight, beijing),
        "00:01 on 4 March in Beijing"
    );
    assert!(!overdue_at(after_midnight, utc), "still 3 March in London");
}

#[test]
fn comments_need_a_commentable_existing_record_the_author_may_read() {
    use govbench_protocol::{EntityKind, EntityRef};
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = file(&mut biz, "评论规则");
    let mut auditor = fx.login(Role::Auditor);
    let err = auditor
        .execute(CommentCommand::Add {
            on: id.into(),
            body: "审计意见".into(),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let missing = RequirementId(uuid::Uuid::now_v7());
    let err = biz
        .execute(CommentCommand::Add {
            on: missing.into(),
            body: "在吗".into(),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(
        err.details.get("entity").map(String::as_str),
        Some("entity.requirement")
    );
    let user = EntityRef {
        kind: EntityKind::User,
        id: biz.user().id.0,
    };
    let err = biz
        .execute(CommentCommand::Add {
            on: user,
            body: "hello".into(),
        })
        .unwrap_err();
    assert_eq!(
        err.details.get("on").map(String::as_str),
        Some("rule.not_commentable")
    );
    let err = biz
        .execute(CommentCommand::Add {
            on: id.into(),
            body: " \n ".into(),
        })
        .unwrap_err();
    assert_eq!(
        err.details.get("body").map(String::as_str),
        Some("rule.required")
    );
    assert!(biz.requirement(id).unwrap().comments.items.is_empty());
}

#[test]
fn every_acknowledged_action_is_synced_to_disk_on_commit() {
    let fx = Fixture::new();
    let mut s = fx.login(Role::Business);
    let level: i64 = s
        .connection_for_tools()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(level, 2, "synchronous = FULL");
}
