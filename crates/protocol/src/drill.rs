//! Drills (policy §2.3.2): the template library every drill starts from, plans that say
//! when each is due, and runs with their measured times, evaluation and findings.

use crate::{
    ActionDraft, AttachmentInfo, CorrectiveAction, DrillPlanId, DrillRunId, DrillTemplateId,
    OpenAction, Role, UserId,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A text in both of Govbench's languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalText {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

impl LocalText {
    /// The text for a language tag (`zh-CN`, `en`); Chinese for anything else but English.
    /// A text written in one language only is shown in that one.
    pub fn get(&self, lang: &str) -> &str {
        let (wanted, other) = if lang.starts_with("en") {
            (&self.en, &self.zh_cn)
        } else {
            (&self.zh_cn, &self.en)
        };
        if wanted.trim().is_empty() {
            other
        } else {
            wanted
        }
    }
}

/// Who takes part, and what they do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillParticipant {
    pub role: Role,
    pub duty: LocalText,
}

/// One step of a drill: who does it, and by when (minutes from the drill's start).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillStep {
    pub title: LocalText,
    pub role: Role,
    pub target_minutes: u32,
}

/// A drill scenario with its objectives, participants, steps and success criteria.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillTemplate {
    /// Stable key (`emergency-rollback`).
    pub id: String,
    pub version: u32,
    pub title: LocalText,
    pub scenario: LocalText,
    pub objectives: Vec<LocalText>,
    pub participants: Vec<DrillParticipant>,
    pub steps: Vec<DrillStep>,
    pub success_criteria: Vec<LocalText>,
}

keyed_enum! {
    pub enum StepOutcome {
        Pass = "pass",
        Fail = "fail",
    }
}

keyed_enum! {
    pub enum DrillRunStatus {
        Running = "running",
        Finished = "finished",
    }
}

keyed_enum! {
    /// The team's evaluation of a finished drill.
    pub enum DrillResult {
        Passed = "passed",
        PartlyPassed = "partly_passed",
        Failed = "failed",
    }
}

/// A template as the workspace holds it: a built-in one, or the workspace's own revision of
/// it (edited templates are stored; the built-in stays as shipped).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillTemplateRecord {
    pub id: DrillTemplateId,
    pub template: DrillTemplate,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_by: UserId,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub template: DrillTemplate,
    /// Edited in this workspace (else as shipped).
    pub edited: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillPlanDraft {
    pub title: String,
    /// The template's key.
    pub template: String,
    /// A drill every this many months (3: once a quarter).
    pub every_months: u32,
    pub first_due: NaiveDate,
    pub owner: UserId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillPlan {
    pub id: DrillPlanId,
    pub draft: DrillPlanDraft,
    pub active: bool,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRow {
    pub plan: DrillPlan,
    pub template_title: Option<LocalText>,
    pub owner_name: String,
    /// Finished drills run under this plan.
    pub done: u32,
    /// The `done`-th period's due date: the next drill is due then.
    pub next_due: NaiveDate,
    pub overdue: bool,
}

/// A step as it went in a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    pub outcome: Option<StepOutcome>,
    pub at: Option<DateTime<Utc>>,
    pub by: Option<UserId>,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillEvaluation {
    pub result: DrillResult,
    pub summary: String,
}

/// One drill, run from a template (kept as it was when the drill started).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillRun {
    pub id: DrillRunId,
    /// `DRL-2026-…`, derived from the id like an incident's number.
    pub number: String,
    pub plan: Option<DrillPlanId>,
    pub template: DrillTemplate,
    pub status: DrillRunStatus,
    pub steps: Vec<StepRecord>,
    pub started_by: UserId,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub evaluation: Option<DrillEvaluation>,
    pub findings: Vec<CorrectiveAction>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// A step's measured time against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTime {
    pub target_minutes: u32,
    /// Seconds from the drill's start to the step being checked off.
    pub took_seconds: Option<i64>,
    pub on_time: Option<bool>,
}

impl DrillRun {
    /// Each step's time from the start against its target.
    pub fn step_times(&self) -> Vec<StepTime> {
        self.template
            .steps
            .iter()
            .zip(&self.steps)
            .map(|(step, record)| {
                let took = record.at.map(|at| (at - self.started_at).num_seconds());
                StepTime {
                    target_minutes: step.target_minutes,
                    took_seconds: took,
                    on_time: took.map(|s| s <= i64::from(step.target_minutes) * 60),
                }
            })
            .collect()
    }

    /// The first step not yet checked off.
    pub fn current_step(&self) -> Option<usize> {
        self.steps.iter().position(|s| s.outcome.is_none())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillRunSummary {
    pub id: DrillRunId,
    pub number: String,
    pub title: LocalText,
    pub status: DrillRunStatus,
    pub result: Option<DrillResult>,
    pub plan_title: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub steps_passed: u32,
    pub steps_failed: u32,
    pub steps_total: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillsOverview {
    pub templates: Vec<TemplateRow>,
    pub plans: Vec<PlanRow>,
    pub runs: Vec<DrillRunSummary>,
    pub can_edit_templates: bool,
    pub can_plan: bool,
    pub can_run: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillRunDetail {
    pub run: DrillRun,
    pub times: Vec<StepTime>,
    pub plan_title: Option<String>,
    pub names: Vec<(UserId, String)>,
    pub attachments: Vec<AttachmentInfo>,
    /// Incidents opened as part of this drill.
    pub incidents: Vec<crate::IncidentSummary>,
    pub allowed_actions: Vec<DrillAction>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillsDashboard {
    /// Active plans overdue or due within the next 30 days.
    pub due: Vec<PlanRow>,
    pub running: Vec<DrillRunSummary>,
    pub my_actions: Vec<OpenAction>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum DrillCommand {
    /// Stores a new revision of a template; `template.version` is the revision the editor
    /// started from (a stale one is refused as a conflict).
    SaveTemplate {
        template: DrillTemplate,
    },
    AddPlan {
        draft: DrillPlanDraft,
    },
    EditPlan {
        id: DrillPlanId,
        draft: DrillPlanDraft,
        active: bool,
    },
    Start {
        template: String,
        plan: Option<DrillPlanId>,
    },
    CheckStep {
        run: DrillRunId,
        step: u32,
        outcome: StepOutcome,
        note: String,
    },
    Finish {
        run: DrillRunId,
        evaluation: DrillEvaluation,
        findings: Vec<ActionDraft>,
    },
    CompleteAction {
        run: DrillRunId,
        action: Uuid,
        note: String,
    },
}

impl DrillCommand {
    pub fn action(&self) -> DrillAction {
        use DrillAction as A;
        use DrillCommand as C;
        match self {
            C::SaveTemplate { .. } => A::SaveTemplate,
            C::AddPlan { .. } => A::AddPlan,
            C::EditPlan { .. } => A::EditPlan,
            C::Start { .. } => A::Start,
            C::CheckStep { .. } => A::CheckStep,
            C::Finish { .. } => A::Finish,
            C::CompleteAction { .. } => A::CompleteAction,
        }
    }
}

keyed_enum! {
    pub enum DrillAction {
        SaveTemplate = "drill.save_template",
        AddPlan = "drill.add_plan",
        EditPlan = "drill.edit_plan",
        Start = "drill.start",
        CheckStep = "drill.check_step",
        Finish = "drill.finish",
        CompleteAction = "drill.complete_action",
    }
}

impl DrillAction {
    pub const fn permission(self) -> DrillPermission {
        use DrillAction as A;
        use DrillPermission as P;
        match self {
            A::SaveTemplate => P::EditTemplates,
            A::AddPlan | A::EditPlan => P::Plan,
            A::Start | A::CheckStep | A::Finish => P::Run,
            A::CompleteAction => P::CompleteAction,
        }
    }
}

keyed_enum! {
    pub enum DrillPermission {
        Read = "drill.read",
        EditTemplates = "drill.edit_templates",
        Plan = "drill.plan",
        Run = "drill.run",
        CompleteAction = "drill.complete_action",
    }
}
