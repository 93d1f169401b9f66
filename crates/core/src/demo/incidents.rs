//! The demo's incidents and drills: an emergency team covering R&D, operations and business;
//! response rules an Admin has revised once; a critical incident on the medical model,
//! reviewed, with corrective actions (one overdue); a general one resolved and awaiting its
//! review; one whose acknowledgement is already late; a minor one still running; a quarterly
//! drill plan, an edited template, and a finished rollback drill with its findings, an
//! incident opened as part of it and evidence attached.

use crate::access::Session;
use crate::clock::ManualClock;
use crate::error::{ApiResult, CoreError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use govbench_protocol::{
    ActionDraft, AttachmentCommand, Detection, DrillCommand as D, DrillEvaluation, DrillPlanDraft,
    DrillPlanId, DrillResult, DrillRunId, IncidentCommand as C, IncidentDraft, IncidentId, ModelId,
    ModelVersionId, NotifyTarget, ResponseRules, ReviewDraft, Severity, StepOutcome, TeamFunction,
    TeamMemberDraft, TeamRole, TimelineKind, UserId,
};
use std::path::Path;

pub struct People<'a> {
    pub admin: &'a mut Session,
    pub pm: &'a mut Session,
    pub rnd: &'a mut Session,
    pub ops: &'a mut Session,
}

fn user_id(session: &Session, name: &str) -> ApiResult<UserId> {
    session
        .users()?
        .into_iter()
        .find(|u| u.name == name)
        .map(|u| u.id)
        .ok_or_else(|| CoreError::NotFound(session.user().id.into()).into())
}

/// Writes an evidence file beside the workspace, attaches it, and removes the file.
fn attach(
    session: &mut Session,
    workspace: &Path,
    on: govbench_protocol::EntityRef,
    name: &str,
    text: &str,
) -> ApiResult<()> {
    let dir = workspace
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join(format!(".govbench-demo-{}", uuid::Uuid::now_v7()));
    let file = dir.join(name);
    let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, text));
    if written.is_err() {
        // Evidence is a nicety of the demo; a read-only folder does not stop it.
        return Ok(());
    }
    let result = session.execute(AttachmentCommand::Add {
        on,
        path: file.to_string_lossy().into_owned(),
    });
    let _ = std::fs::remove_dir_all(&dir);
    result.map(drop)
}

/// The members the scene is played by.
struct Cast {
    li_wei: UserId,
    zhao: UserId,
    sun: UserId,
    liu: UserId,
    chen: UserId,
}

/// What every part of the scene shares: the clock it moves, "now", where evidence files are
/// written, who plays it, and the live model the incidents are about.
struct Scene<'a, 'p> {
    clock: &'a ManualClock,
    now: DateTime<Utc>,
    today: NaiveDate,
    workspace: &'a Path,
    p: &'a mut People<'p>,
    cast: Cast,
    model: Option<ModelId>,
    live: Option<ModelVersionId>,
}

impl Scene<'_, '_> {
    /// Sets the clock to `days` before now, plus `minutes`.
    fn at(&self, days: i64, minutes: i64) {
        self.clock
            .set(self.now - Duration::days(days) + Duration::minutes(minutes));
    }

    fn draft(
        &self,
        title: &str,
        severity: Severity,
        detection: Detection,
        days: i64,
        description: &str,
    ) -> IncidentDraft {
        IncidentDraft {
            title: title.into(),
            model: self.model,
            model_version: self.live,
            severity,
            detection,
            detected_at: self.now - Duration::days(days),
            description: description.into(),
            qualifies_external: false,
        }
    }
}

fn outcome_id(outcome: govbench_protocol::CommandOutcome) -> uuid::Uuid {
    outcome.entity.id
}

pub fn create(
    clock: &ManualClock,
    now: DateTime<Utc>,
    workspace: &Path,
    mut p: People<'_>,
) -> ApiResult<()> {
    let cast = Cast {
        li_wei: user_id(p.pm, "li.wei")?,
        zhao: user_id(p.pm, "zhao.qiang")?,
        sun: user_id(p.pm, "sun.li")?,
        liu: user_id(p.pm, "liu.yang")?,
        chen: p.pm.user().id,
    };
    let model =
        p.pm.models()?
            .into_iter()
            .find(|m| m.name.starts_with("病历质控"));
    let (model, live) = match model {
        Some(m) => (Some(m.id), m.live.map(|(v, _)| v)),
        None => (None, None),
    };
    let mut s = Scene {
        clock,
        now,
        today: now.date_naive(),
        workspace,
        p: &mut p,
        cast,
        model,
        live,
    };
    team_and_rules(&mut s)?;
    critical_incident_reviewed(&mut s)?;
    incidents_under_way(&mut s)?;
    let plan = drill_plans(&mut s)?;
    rollback_drill(&mut s, plan)
}

/// The team and the rules.
fn team_and_rules(s: &mut Scene<'_, '_>) -> ApiResult<()> {
    s.at(30, 0);
    for (user, function, team_role, contact, backup) in [
        (
            s.cast.zhao,
            TeamFunction::Operations,
            TeamRole::Lead,
            "138-1000-0001（24 小时值班）",
            Some(s.cast.sun),
        ),
        (
            s.cast.sun,
            TeamFunction::Operations,
            TeamRole::Deputy,
            "138-1000-0002",
            Some(s.cast.zhao),
        ),
        (
            s.cast.li_wei,
            TeamFunction::RnD,
            TeamRole::Technical,
            "li.wei@example.cn / 139-2000-0003",
            None,
        ),
        (
            s.cast.liu,
            TeamFunction::Business,
            TeamRole::Communications,
            "s.cast.liu.yang@example.cn",
            None,
        ),
    ] {
        s.p.pm.execute(C::AddMember {
            draft: TeamMemberDraft {
                user,
                function,
                team_role,
                contact: contact.into(),
                backup,
            },
        })?;
    }
    let mut flows = ResponseRules::defaults().flows;
    if let Some(critical) = flows.iter_mut().find(|f| f.severity == Severity::Critical) {
        critical.notify.push(NotifyTarget::Member(s.cast.liu));
    }
    s.p.admin.execute(C::SetRules { flows })?;

    Ok(())
}

/// Critical, on the live medical model: handled in time, reviewed.
fn critical_incident_reviewed(s: &mut Scene<'_, '_>) -> ApiResult<()> {
    // 1. Critical, on the live medical model: handled in time, reviewed.
    s.at(5, 0);
    let mut critical = s.draft(
        "病历质控模型对抗凝药给出错误剂量建议 Wrong anticoagulant dosage advice",
        Severity::Critical,
        Detection::UserReport,
        5,
        "心内科反馈：模型在 3 份病历中建议华法林剂量翻倍，与医嘱不符。\nCardiology reports the model suggested doubling the warfarin dose in three records.",
    );
    critical.qualifies_external = true;
    let first = IncidentId(outcome_id(s.p.ops.execute(C::Open {
        draft: critical,
        drill: None,
    })?));
    s.at(5, 8);
    s.p.ops.execute(C::Acknowledge {
        id: first,
        note: "值班已确认，拉起应急小组。On call, team paged.".into(),
    })?;
    s.at(5, 35);
    s.p.pm.execute(C::InformManagement {
        id: first,
        note: "已电话通报医疗事业部负责人。Head of medical division called.".into(),
    })?;
    s.at(5, 50);
    s.p.ops.execute(C::Mitigate {
        id: first,
        note: "临时关闭用药建议功能。Medication advice switched off.".into(),
    })?;
    s.p.rnd.execute(C::AddNote {
        id: first,
        kind: TimelineKind::Action,
        text: "定位到用药知识库 2026-10 版本单位换算错误。Found a unit conversion error in the 2026-10 drug knowledge base.".into(),
    })?;
    attach(
        s.p.ops,
        s.workspace,
        first.into(),
        "alert-log.txt",
        "2026-11-25 09:12:03 WARN dosage_rule mismatch record=OP-33812 drug=warfarin suggested=6mg ordered=3mg\n2026-11-25 09:14:47 WARN dosage_rule mismatch record=OP-33907 drug=warfarin suggested=5mg ordered=2.5mg\n",
    )?;
    s.at(5, 180);
    s.p.ops.execute(C::ReportExternally {
        id: first,
        note: "已按规定向院方医务处书面报告。Written report sent to the hospital's medical affairs office.".into(),
    })?;
    s.p.ops.execute(C::Resolve {
        id: first,
        note: "知识库修正并回归测试通过。Knowledge base fixed, regression passed.".into(),
    })?;
    s.at(3, 0);
    s.p.pm.execute(C::Review {
        id: first,
        review: ReviewDraft {
            root_cause: "用药知识库更新时 mg 与 μg 换算错误，发布前未做剂量回归。\nA mg/μg conversion error in the drug knowledge base update; no dosage regression before release.".into(),
            impact: "3 份门诊病历收到错误建议，医生均已拦截，无患者受影响。\nThree outpatient records got wrong advice; all caught by doctors, no patient harmed.".into(),
            went_well: "8 分钟内确认，50 分钟内止损。Acknowledged in 8 min, mitigated in 50.".into(),
            went_badly: "业务方通过用户反馈才发现，监控未覆盖剂量规则。Found through users, not monitoring.".into(),
            actions: vec![
                ActionDraft {
                    text: "知识库发布前增加剂量回归测试 Add dosage regression tests before knowledge-base releases".into(),
                    preventive: true,
                    owner: s.cast.li_wei,
                    due: s.today + Duration::days(10),
                },
                ActionDraft {
                    text: "为用药规则偏差增加监控告警 Alert on dosage-rule mismatches".into(),
                    preventive: true,
                    owner: s.cast.zhao,
                    due: s.today - Duration::days(1),
                },
            ],
        },
    })?;

    Ok(())
}

/// A general incident resolved (its review still to write), one whose acknowledgement is
/// late, and a minor one running.
fn incidents_under_way(s: &mut Scene<'_, '_>) -> ApiResult<()> {
    // 2. General: a latency spike, resolved, its review still to write.
    s.at(2, 0);
    let second = IncidentId(outcome_id(s.p.ops.execute(C::Open {
        draft: s.draft(
            "高峰期响应时间 p95 超过 5 秒 p95 latency above 5 s at peak",
            Severity::General,
            Detection::Monitoring,
            2,
            "09:00–09:40 门诊高峰，p95 响应时间 5.8 秒。p95 reached 5.8 s during the morning peak.",
        ),
        drill: None,
    })?));
    s.at(2, 75);
    s.p.ops.execute(C::Acknowledge {
        id: second,
        note: "扩容推理节点。Scaling out inference nodes.".into(),
    })?;
    s.at(2, 200);
    s.p.ops.execute(C::Resolve {
        id: second,
        note: "扩容后恢复到 0.9 秒。Back to 0.9 s after scaling.".into(),
    })?;

    // 3. General, opened three hours ago and not yet acknowledged: its clock is breached.
    s.clock.set(s.now - Duration::hours(3));
    s.p.ops.execute(C::Open {
        draft: IncidentDraft {
            detected_at: s.now - Duration::hours(3) - Duration::minutes(10),
            ..s.draft(
                "提示注入导致模型泄露系统提示词 Prompt injection reveals the system prompt",
                Severity::General,
                Detection::Inspection,
                0,
                "安全巡检发现，特定输入可让模型输出系统提示词。A crafted input makes the model print its system prompt.",
            )
        },
        drill: None,
    })?;

    // 4. Minor, opened an hour ago: running.
    s.clock.set(s.now - Duration::minutes(70));
    s.p.ops.execute(C::Open {
        draft: IncidentDraft {
            model: None,
            model_version: None,
            detected_at: s.now - Duration::minutes(75),
            ..s.draft(
                "评测报表导出偶发超时 Occasional timeout exporting evaluation reports",
                Severity::Minor,
                Detection::UserReport,
                0,
                "项目经理反馈导出偶尔超过 30 秒。Exports sometimes take over 30 s.",
            )
        },
        drill: None,
    })?;

    Ok(())
}

/// An edited template and a quarterly plan (whose run follows) beside a half-yearly one.
fn drill_plans(s: &mut Scene<'_, '_>) -> ApiResult<DrillPlanId> {
    // Drills: an edited template, a quarterly plan and a finished rollback drill.
    s.at(40, 0);
    let mut latency =
        s.p.pm
            .drill_templates()?
            .into_iter()
            .find(|t| t.id == "latency-outage")
            .ok_or_else(|| CoreError::invalid("template", "unknown_template"))?;
    if let Some(first_step) = latency.steps.first_mut() {
        first_step.target_minutes = first_step.target_minutes.clamp(1, 5);
    }
    s.p.pm.execute(D::SaveTemplate { template: latency })?;
    let plan = DrillPlanId(outcome_id(s.p.pm.execute(D::AddPlan {
        draft: DrillPlanDraft {
            title: "运维组季度回滚演练 Ops quarterly rollback drill".into(),
            template: "emergency-rollback".into(),
            every_months: 3,
            first_due: s.today - Duration::days(20),
            owner: s.cast.zhao,
        },
    })?));
    s.p.pm.execute(D::AddPlan {
        draft: DrillPlanDraft {
            title: "全组半年度提示注入演练 Half-yearly prompt-injection drill".into(),
            template: "prompt-injection".into(),
            every_months: 6,
            first_due: s.today + Duration::days(12),
            owner: s.cast.chen,
        },
    })?;
    Ok(plan)
}

/// A finished rollback drill with its findings, an incident opened as part of it and evidence.
fn rollback_drill(s: &mut Scene<'_, '_>, plan: DrillPlanId) -> ApiResult<()> {
    s.at(21, 0);
    let run = DrillRunId(outcome_id(s.p.ops.execute(D::Start {
        template: "emergency-rollback".into(),
        plan: Some(plan),
    })?));
    let steps = s.p.ops.drill_run(run)?.run.template.steps;
    let mut minute = 0;
    let mut drill_incident = None;
    for (i, step) in steps.iter().enumerate() {
        // The third step ran over its target; the rest kept time.
        let late = i == 2;
        minute = if late {
            step.target_minutes + 4
        } else {
            step.target_minutes.saturating_sub(2).max(minute + 1)
        };
        s.at(21, i64::from(minute));
        s.p.ops.execute(D::CheckStep {
            run,
            step: i as u32,
            outcome: if late {
                StepOutcome::Fail
            } else {
                StepOutcome::Pass
            },
            note: if late {
                "业务通知晚了 4 分钟。Business was told four minutes late.".into()
            } else {
                String::new()
            },
        })?;
        if i == 0 {
            let opened = s.p.ops.execute(C::Open {
                draft: IncidentDraft {
                    detected_at: s.now - Duration::days(21),
                    ..s.draft(
                        "【演练】新版本回答异常 [Drill] New version answers wrongly",
                        Severity::Critical,
                        Detection::Monitoring,
                        21,
                        "演练场景：v1.1 上线后出现异常回答。Drill scenario: v1.1 misbehaves after going live.",
                    )
                },
                drill: Some(run),
            })?;
            drill_incident = Some(IncidentId(opened.entity.id));
        }
        if i + 1 == steps.len() {
            if let Some(id) = drill_incident {
                s.p.ops.execute(C::Resolve {
                    id,
                    note: "演练中已回滚至 v1.0。Rolled back to v1.0 in the drill.".into(),
                })?;
            }
        }
    }
    attach(
        s.p.ops,
        s.workspace,
        run.into(),
        "rollback-drill-notes.md",
        "# 回滚演练记录 Rollback drill notes\n\n- 回滚命令执行耗时 3 分 12 秒\n- Rollback took 3 min 12 s\n",
    )?;
    s.at(21, i64::from(minute) + 10);
    s.p.ops.execute(D::Finish {
        run,
        evaluation: DrillEvaluation {
            result: DrillResult::PartlyPassed,
            summary: "回滚在目标时间内完成；业务通知超时。\nRollback within target; business notification late.".into(),
        },
        findings: vec![ActionDraft {
            text: "把业务联络人加入严重级别自动通知 Add the business liaison to critical notifications".into(),
            preventive: true,
            owner: s.cast.sun,
            due: s.today + Duration::days(7),
        }],
    })?;
    Ok(())
}
