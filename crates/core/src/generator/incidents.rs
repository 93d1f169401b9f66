//! Ten years of incident response for the incident benchmarks: incidents and drill runs
//! written straight into their tables, each with its audit event.

use super::TOPICS;
use crate::audit::{self, Actor};
use crate::change::Change;
use crate::error::CoreResult;
use crate::keyslots::UserSecret;
use chrono::{DateTime, Duration, Utc};
use govbench_protocol::{Action, UserId};
use rusqlite::Connection;
use uuid::Uuid;

/// Ten years of incident response: `incidents` incidents spread evenly over the 3,650 days
/// before `end` (every level, each acknowledged, mitigated and resolved — some late — and
/// the older ones reviewed and closed with a corrective action), and `drill_runs` finished
/// drills, each with its audit event, in transactions of 10,000.
pub fn seed_incidents(
    conn: &mut Connection,
    copy_id: &str,
    (actor, signer): (UserId, &UserSecret),
    end: DateTime<Utc>,
    incidents: u64,
    drill_runs: u64,
) -> CoreResult<()> {
    use crate::features::{drills, incidents as inc};
    use govbench_protocol::{DrillAction, IncidentAction, ResponseRules};
    let who = Actor {
        id: Some(actor.to_string()),
        name: "generator".into(),
    };
    let rules = ResponseRules::defaults();
    let template = drills::library::templates()?
        .into_iter()
        .next()
        .ok_or_else(|| crate::error::CoreError::Malformed("no drill template".into()))?;
    let span = Duration::days(SEED_DAYS);
    let total = incidents + drill_runs;
    let mut written = 0u64;
    while written < total {
        let tx = conn.transaction()?;
        for _ in 0..10_000 {
            if written >= total {
                break;
            }
            let (action, change) = if written < incidents {
                let i = written;
                let incident = generated_incident(i, incidents, end, &rules, actor);
                inc::insert_incident(&tx, &incident)?;
                (
                    Action::Incident(IncidentAction::Open).key(),
                    Change::created(&incident)?,
                )
            } else {
                let r = written - incidents;
                let run = generated_run(r, drill_runs, end, &template, actor);
                drills::insert_run(&tx, &run)?;
                (
                    Action::Drill(DrillAction::Start).key(),
                    Change::created(&run)?,
                )
            };
            let at = end - span + span * (written as i32) / (total.max(1) as i32);
            audit::append(&tx, copy_id, at, &who, action, &change, signer)?;
            written += 1;
        }
        tx.commit()?;
    }
    Ok(())
}

/// Days of history [`seed_incidents`] spreads its records over.
const SEED_DAYS: i64 = 3650;

/// The `i`th of `incidents` generated incidents: every level, each acknowledged, mitigated
/// and resolved (one in five late), the older ones reviewed and closed.
fn generated_incident(
    i: u64,
    incidents: u64,
    end: DateTime<Utc>,
    rules: &govbench_protocol::ResponseRules,
    actor: UserId,
) -> govbench_protocol::Incident {
    use govbench_protocol::{
        ActionDraft, Detection, Incident, IncidentDraft, IncidentId, IncidentStatus,
        PostIncidentReview, Reached, Severity,
    };
    let span = Duration::days(SEED_DAYS);
    let opened = end - span + span * (i as i32) / (incidents.max(1) as i32);
    let severity = Severity::ALL[(i % 3) as usize];
    let flow = rules
        .flow(severity)
        .cloned()
        .unwrap_or_else(|| rules.flows[0].clone());
    // One in five acknowledged late.
    let ack = i64::from(flow.acknowledge_minutes) * if i.is_multiple_of(5) { 2 } else { 1 } / 2 + 1;
    let minutes = |m: i64| Some(opened + Duration::minutes(m));
    let closed = opened < end - Duration::days(30);
    let id = Uuid::now_v7();
    Incident {
        id: IncidentId(id),
        number: crate::shared::numbers::number("INC", id),
        draft: IncidentDraft {
            title: format!(
                "{} 故障 incident {i}",
                TOPICS[(i % TOPICS.len() as u64) as usize]
            ),
            model: None,
            model_version: None,
            severity,
            detection: Detection::ALL[(i % 5) as usize],
            detected_at: opened,
            description: format!("生成的事件 generated incident {i}"),
            qualifies_external: i.is_multiple_of(7),
        },
        status: if closed {
            IncidentStatus::Closed
        } else {
            IncidentStatus::Resolved
        },
        flow: flow.clone(),
        rules_revision: 0,
        drill: None,
        reached: Reached {
            acknowledged: minutes(ack),
            mitigated: minutes(i64::from(flow.mitigate_minutes) / 2),
            resolved: minutes(i64::from(flow.resolve_minutes) / 2),
            management: flow
                .management_minutes
                .and_then(|m| minutes(i64::from(m) / 2)),
            external: flow
                .external_minutes
                .and_then(|m| minutes(i64::from(m) / 2)),
        },
        timeline: Vec::new(),
        review: closed.then(|| PostIncidentReview {
            root_cause: "生成 generated".into(),
            impact: "无 none".into(),
            went_well: String::new(),
            went_badly: String::new(),
            actions: crate::shared::follow_ups::from_drafts(&[ActionDraft {
                text: "整改 fix".into(),
                preventive: false,
                owner: actor,
                due: (opened + Duration::days(14)).date_naive(),
            }]),
            by: actor,
            at: opened + Duration::days(1),
        }),
        opened_by: actor,
        opened_at: opened,
        updated_at: opened + Duration::days(1),
        version: 1,
    }
}

/// The `r`th of `drill_runs` generated drill runs of `template`, finished, one in four with
/// failed steps.
fn generated_run(
    r: u64,
    drill_runs: u64,
    end: DateTime<Utc>,
    template: &govbench_protocol::DrillTemplate,
    actor: UserId,
) -> govbench_protocol::DrillRun {
    use govbench_protocol::{
        DrillEvaluation, DrillResult, DrillRun, DrillRunId, DrillRunStatus, StepOutcome, StepRecord,
    };
    let span = Duration::days(SEED_DAYS);
    let started = end - span + span * (r as i32) / (drill_runs.max(1) as i32);
    let id = Uuid::now_v7();
    DrillRun {
        id: DrillRunId(id),
        number: crate::shared::numbers::number("DRL", id),
        plan: None,
        steps: template
            .steps
            .iter()
            .map(|s| StepRecord {
                outcome: Some(if r.is_multiple_of(4) {
                    StepOutcome::Fail
                } else {
                    StepOutcome::Pass
                }),
                at: Some(started + Duration::minutes(i64::from(s.target_minutes))),
                by: Some(actor),
                note: String::new(),
            })
            .collect(),
        template: template.clone(),
        status: DrillRunStatus::Finished,
        started_by: actor,
        started_at: started,
        finished_at: Some(started + Duration::hours(2)),
        evaluation: Some(DrillEvaluation {
            result: DrillResult::Passed,
            summary: "生成 generated".into(),
        }),
        findings: Vec::new(),
        updated_at: started + Duration::hours(2),
        version: 1,
    }
}
