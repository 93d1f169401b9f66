//! One instance of every incident, rules and team command and read, on real records made
//! through the write path, for the role × command matrix tests — and building blocks other
//! tests use.

use crate::access::Session;
use crate::error::ApiResult;
use crate::shared::samples::{Login, SampleRead};
use chrono::{DateTime, Duration, Utc};
use govbench_protocol::{
    ActionDraft, ApiError, Command, DashboardSection, Detection, ErrorCode, IncidentCommand as C,
    IncidentDraft, IncidentId, IncidentPermission, IncidentQuery, ResponseRules, ReviewDraft, Role,
    Severity, TeamFunction, TeamMemberDraft, TeamMemberId, TeamRole, TimelineKind,
};

pub fn draft(title: &str, severity: Severity, detected_at: DateTime<Utc>) -> IncidentDraft {
    IncidentDraft {
        title: title.into(),
        model: None,
        model_version: None,
        severity,
        detection: Detection::Monitoring,
        detected_at,
        description: "模型对用药剂量给出错误建议 wrong dosage advice".into(),
        qualifies_external: false,
    }
}

pub fn review(owner: govbench_protocol::UserId, due: chrono::NaiveDate) -> ReviewDraft {
    ReviewDraft {
        root_cause: "知识库过期 stale knowledge base".into(),
        impact: "3 位用户收到错误建议 three users affected".into(),
        went_well: "十分钟内回滚 rolled back in ten minutes".into(),
        went_badly: "告警未通知业务方 business not alerted".into(),
        actions: vec![ActionDraft {
            text: "每周刷新知识库 refresh the knowledge base weekly".into(),
            preventive: true,
            owner,
            due,
        }],
    }
}

/// A critical incident opened by Operations.
pub fn incident(login: &Login<'_>) -> ApiResult<IncidentId> {
    let mut ops = login(Role::Operations)?;
    let now = ops.clock_now();
    let outcome = ops.execute(C::Open {
        draft: draft("矩阵 matrix incident", Severity::Critical, now),
        drill: None,
    })?;
    Ok(IncidentId(outcome.entity.id))
}

/// A team member (added by the project manager) for R&D.
pub fn member(login: &Login<'_>) -> ApiResult<TeamMemberId> {
    let rnd = login(Role::RnD)?.user().id;
    let outcome = login(Role::ProjectManager)?.execute(C::AddMember {
        draft: TeamMemberDraft {
            user: rnd,
            function: TeamFunction::RnD,
            team_role: TeamRole::Technical,
            contact: "138-0000-0000".into(),
            backup: None,
        },
    });
    match outcome {
        Ok(o) => Ok(TeamMemberId(o.entity.id)),
        // Already on the roster from an earlier sample: use that entry.
        Err(_) => {
            let team = login(Role::ProjectManager)?.team()?;
            team.members
                .iter()
                .find(|m| m.member.draft.user == rnd)
                .map(|m| m.member.id)
                .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
        }
    }
}

pub fn commands(login: &Login<'_>) -> ApiResult<Vec<Command>> {
    let id = incident(login)?;
    let member = member(login)?;
    let pm = login(Role::ProjectManager)?;
    let now = pm.clock_now();
    let owner = pm.user().id;
    let ops = login(Role::Operations)?.user().id;
    let commands: Vec<Command> = vec![
        C::Open {
            draft: draft("矩阵 matrix", Severity::Minor, now - Duration::minutes(3)),
            drill: None,
        }
        .into(),
        C::Edit {
            id,
            draft: draft("矩阵 matrix edited", Severity::Critical, now),
        }
        .into(),
        C::Acknowledge {
            id,
            note: String::new(),
        }
        .into(),
        C::Mitigate {
            id,
            note: String::new(),
        }
        .into(),
        C::Resolve {
            id,
            note: "已修复 fixed".into(),
        }
        .into(),
        C::AddNote {
            id,
            kind: TimelineKind::Note,
            text: "记录 note".into(),
        }
        .into(),
        C::InformManagement {
            id,
            note: "已电话通知 called".into(),
        }
        .into(),
        C::ReportExternally {
            id,
            note: "已报监管 reported".into(),
        }
        .into(),
        C::Review {
            id,
            review: review(owner, now.date_naive()),
        }
        .into(),
        C::Close { id }.into(),
        C::CompleteAction {
            id,
            action: uuid::Uuid::now_v7(),
            note: String::new(),
        }
        .into(),
        C::SetRules {
            flows: ResponseRules::defaults().flows,
        }
        .into(),
        C::AddMember {
            draft: TeamMemberDraft {
                user: ops,
                function: TeamFunction::Operations,
                team_role: TeamRole::Lead,
                contact: "ops-oncall@example.com".into(),
                backup: Some(owner),
            },
        }
        .into(),
        C::EditMember {
            id: member,
            draft: TeamMemberDraft {
                user: login(Role::RnD)?.user().id,
                function: TeamFunction::RnD,
                team_role: TeamRole::Deputy,
                contact: "139-0000-0000".into(),
                backup: None,
            },
        }
        .into(),
        C::RemoveMember { id: member }.into(),
    ];
    Ok(commands)
}

pub fn reads(login: &Login<'_>) -> ApiResult<Vec<SampleRead>> {
    let id = incident(login)?;
    let read = IncidentPermission::Read.into();
    Ok(vec![
        SampleRead::new(read, |s: &Session| {
            s.incidents(&IncidentQuery {
                limit: 50,
                ..IncidentQuery::default()
            })
        }),
        SampleRead::new(read, move |s: &Session| s.incident(id)),
        SampleRead::new(read, |s: &Session| s.incident_stats("2026Q3")),
        SampleRead::new(read, |s: &Session| s.incident_alerts()),
        SampleRead::new(read, |s: &Session| s.response_rules()),
        SampleRead::new(read, |s: &Session| s.team()),
        SampleRead::new(read, |s: &Session| {
            let card = s
                .dashboard()?
                .sections
                .into_iter()
                .find(|section| matches!(section, DashboardSection::Incidents(_)));
            card.ok_or_else(|| ApiError::new(ErrorCode::Forbidden))
        }),
    ])
}
