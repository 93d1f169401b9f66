//! One instance of every assessment command and read, on real records made through the write
//! path, for the role × command matrix tests — and building blocks other tests use.

use crate::access::Session;
use crate::error::ApiResult;
use crate::shared::quarters::quarter_of;
use crate::shared::samples::{Login, SampleRead};
use govbench_protocol::{
    quarter_key, ActionDraft, AssessmentCommand as C, AssessmentId, AssessmentPermission, Command,
    ExportKind, MeetingDraft, Role,
};

/// The quarter the session's clock is in (an assessment may be opened once it has begun).
pub fn current_quarter(session: &Session) -> String {
    let (year, q) = quarter_of(session.clock_now(), chrono::Offset::fix(&chrono::Utc));
    quarter_key(year, q)
}

pub fn meeting(owner: govbench_protocol::UserId, due: chrono::NaiveDate) -> MeetingDraft {
    MeetingDraft {
        held_on: Some(due),
        attendees: vec!["王芳".into(), "Li Wei".into()],
        conclusions: "制度执行总体良好。 Policy carried out well overall.".into(),
        adjustments: vec![ActionDraft {
            text: "每月评估覆盖全部上线模型 Cover every live model monthly".into(),
            preventive: true,
            owner,
            due,
        }],
    }
}

/// An assessment of the current quarter opened by the project manager, its meeting saved.
pub fn assessment(login: &Login<'_>) -> ApiResult<AssessmentId> {
    let mut pm = login(Role::ProjectManager)?;
    let quarter = current_quarter(&pm);
    if let Some(existing) = pm.assessment(&quarter)?.assessment {
        return Ok(existing.id);
    }
    let id = AssessmentId(pm.execute(C::Open { quarter })?.entity.id);
    let due = pm.clock_now().date_naive();
    let owner = pm.user().id;
    pm.execute(C::SaveMeeting {
        id,
        meeting: meeting(owner, due),
    })?;
    Ok(id)
}

/// An assessment signed by the project manager.
pub fn signed(login: &Login<'_>) -> ApiResult<AssessmentId> {
    let id = assessment(login)?;
    login(Role::ProjectManager)?.execute(C::Sign { id })?;
    Ok(id)
}

pub fn commands(login: &Login<'_>) -> ApiResult<Vec<Command>> {
    let pm = login(Role::ProjectManager)?;
    let quarter = current_quarter(&pm);
    let id = signed(login)?;
    let adjustment = pm
        .assessment(&quarter)?
        .assessment
        .and_then(|a| a.meeting.adjustments.first().map(|x| x.id))
        .unwrap_or_default();
    let due = pm.clock_now().date_naive();
    let out = std::env::temp_dir().join(format!("govbench-sample-{}.pdf", uuid::Uuid::now_v7()));
    let commands: Vec<Command> = vec![
        C::Open {
            quarter: quarter.clone(),
        }
        .into(),
        C::SaveMeeting {
            id,
            meeting: meeting(pm.user().id, due),
        }
        .into(),
        C::Sign { id }.into(),
        C::Approve { id }.into(),
        C::Return {
            id,
            reason: "补充结论 Add conclusions".into(),
        }
        .into(),
        C::CompleteAction {
            id,
            action: adjustment,
            note: String::new(),
        }
        .into(),
        C::Export {
            quarter,
            kind: ExportKind::Report,
            lang: "en".into(),
            path: out.display().to_string(),
        }
        .into(),
    ];
    Ok(commands)
}

pub fn reads(login: &Login<'_>) -> ApiResult<Vec<SampleRead>> {
    let quarter = current_quarter(&login(Role::ProjectManager)?);
    Ok(vec![
        SampleRead::new(AssessmentPermission::Read.into(), |s: &Session| {
            s.assessments()
        }),
        SampleRead::new(AssessmentPermission::Read.into(), move |s: &Session| {
            s.assessment(&quarter)
        }),
    ])
}
