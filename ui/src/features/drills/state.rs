//! Pure state of the drill pages: the runner's keyboard and selection, clocks and measured
//! times, the totals of a report, and the forms (finish, template editor, plan). No DOM, no
//! backend: tested natively.

use chrono::NaiveDate;
use govbench_protocol::{
    ActionDraft, DrillEvaluation, DrillParticipant, DrillPlanDraft, DrillResult, DrillRun,
    DrillStep, DrillTemplate, LocalText, Role, StepOutcome, StepRecord, StepTime, UserId,
};

use crate::state::actions::{check_rows, edit_row, remove_row, ActionRow, RowEdit};
use crate::state::{parse_date, FieldErrors};

// ---------------------------------------------------------------------------------------------
// Clocks and times.

/// A drill's elapsed time as the runner's big clock shows it: `hh:mm:ss`.
pub fn elapsed_face(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

/// A measured time from the drill's start: `m:ss`, or `h:mm:ss` from an hour on.
pub fn took_face(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

/// A step's target (minutes from the start) as a clock face: `+15:00`.
pub fn target_face(minutes: u32) -> String {
    format!("+{}", took_face(i64::from(minutes) * 60))
}

/// What a finished or running drill adds up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub total: usize,
    /// Steps checked off within their target time, of those checked.
    pub on_time: usize,
    pub timed: usize,
    /// From the start to the finish (or to the last step checked while running).
    pub elapsed_seconds: Option<i64>,
}

impl Totals {
    /// Share of checked steps done in time, as a whole percentage.
    pub fn on_time_percent(&self) -> Option<u32> {
        (self.timed > 0).then(|| {
            let share = self.on_time as f64 / self.timed as f64;
            (share * 100.0).round() as u32
        })
    }
}

pub fn totals(run: &DrillRun, times: &[StepTime]) -> Totals {
    let passed = run
        .steps
        .iter()
        .filter(|s| s.outcome == Some(StepOutcome::Pass))
        .count();
    let failed = run
        .steps
        .iter()
        .filter(|s| s.outcome == Some(StepOutcome::Fail))
        .count();
    let timed = times.iter().filter(|t| t.on_time.is_some()).count();
    let on_time = times.iter().filter(|t| t.on_time == Some(true)).count();
    let last = run.steps.iter().filter_map(|s| s.at).max();
    let end = run.finished_at.or(last);
    Totals {
        passed,
        failed,
        total: run.template.steps.len(),
        on_time,
        timed,
        elapsed_seconds: end.map(|e| (e - run.started_at).num_seconds().max(0)),
    }
}

/// The evaluation the step outcomes suggest: every step passed in time → passed; some passed
/// → partly passed; none → failed.
pub fn suggested_result(run: &DrillRun, times: &[StepTime]) -> DrillResult {
    let t = totals(run, times);
    if t.total > 0 && t.passed == t.total && t.on_time == t.timed {
        DrillResult::Passed
    } else if t.passed > 0 {
        DrillResult::PartlyPassed
    } else {
        DrillResult::Failed
    }
}

// ---------------------------------------------------------------------------------------------
// The runner.

/// What a key does in the runner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunnerKey {
    Up,
    Down,
    Pass,
    Fail,
    /// Focus the note field.
    Note,
    /// Back from the note field to the steps.
    ToSteps,
    /// Leave the runner.
    Leave,
}

/// The runner's keys: ↑/↓ or k/j move, Enter or P pass, F fail, N note, Esc leaves. In the
/// note field every key types, except Enter and Esc, which go back to the steps (keeping the
/// note for the next check).
pub fn runner_key(key: &str, in_field: bool, modified: bool) -> Option<RunnerKey> {
    if modified {
        return None;
    }
    if in_field {
        return match key {
            "Escape" | "Enter" => Some(RunnerKey::ToSteps),
            _ => None,
        };
    }
    Some(match key {
        "ArrowUp" | "k" | "K" => RunnerKey::Up,
        "ArrowDown" | "j" | "J" => RunnerKey::Down,
        "Enter" | "p" | "P" => RunnerKey::Pass,
        "f" | "F" => RunnerKey::Fail,
        "n" | "N" => RunnerKey::Note,
        "Escape" => RunnerKey::Leave,
        _ => return None,
    })
}

/// The selection moved by `delta`, kept within `len` steps.
pub fn moved(selected: usize, delta: i32, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let next = selected as i64 + i64::from(delta);
    next.clamp(0, len as i64 - 1) as usize
}

/// Where the selection goes after step `from` was checked: the next step not yet checked
/// after it, else the first one left anywhere, else `from` itself.
pub fn next_after(steps: &[StepRecord], from: usize) -> usize {
    steps
        .iter()
        .enumerate()
        .skip(from + 1)
        .chain(steps.iter().enumerate().take(from + 1))
        .find(|(i, s)| *i != from && s.outcome.is_none())
        .map(|(i, _)| i)
        .unwrap_or(from)
}

/// The steps with the outcome of step `at` recorded as a person just checked it (shown at
/// once, before the backend's answer arrives).
pub fn with_check(steps: &[StepRecord], at: usize, outcome: StepOutcome) -> Vec<StepRecord> {
    let mut next = steps.to_vec();
    if let Some(s) = next.get_mut(at) {
        s.outcome = Some(outcome);
    }
    next
}

/// Every step has an outcome.
pub fn all_checked(steps: &[StepRecord]) -> bool {
    !steps.is_empty() && steps.iter().all(|s| s.outcome.is_some())
}

// ---------------------------------------------------------------------------------------------
// Finishing a drill.

#[derive(Clone, Debug, PartialEq)]
pub struct FinishForm {
    pub result: DrillResult,
    pub summary: String,
    pub findings: Vec<ActionRow>,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FinishAction {
    Result(String),
    Summary(String),
    AddFinding,
    RemoveFinding(usize),
    EditFinding(usize, RowEdit),
    Errors(FieldErrors),
}

impl FinishForm {
    pub fn new(suggested: DrillResult) -> FinishForm {
        FinishForm {
            result: suggested,
            summary: String::new(),
            findings: vec![ActionRow::default()],
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: FinishAction) {
        match action {
            FinishAction::Result(v) => {
                if let Some(r) = DrillResult::from_key(&v) {
                    self.result = r;
                }
                self.errors.remove("result");
            }
            FinishAction::Summary(v) => {
                self.summary = v;
                self.errors.remove("summary");
            }
            FinishAction::AddFinding => self.findings.push(ActionRow::default()),
            FinishAction::RemoveFinding(i) => {
                remove_row(&mut self.findings, &mut self.errors, "findings", i)
            }
            FinishAction::EditFinding(i, edit) => {
                edit_row(&mut self.findings, &mut self.errors, "findings", i, edit)
            }
            FinishAction::Errors(e) => self.errors = e,
        }
    }

    /// The evaluation and the findings as actions, or the fields to fix.
    pub fn check(
        &self,
        today: NaiveDate,
    ) -> Result<(DrillEvaluation, Vec<ActionDraft>), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.summary.trim().is_empty() {
            errors.insert("summary".into(), "rule.required".into());
        }
        let findings = check_rows(&self.findings, "findings", today, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok((
            DrillEvaluation {
                result: self.result,
                summary: self.summary.trim().to_owned(),
            },
            findings,
        ))
    }

    pub fn known_fields(&self) -> Vec<String> {
        let mut known = vec![
            "result".to_owned(),
            "summary".to_owned(),
            "findings".to_owned(),
        ];
        for i in 0..self.findings.len() {
            for f in ["text", "owner", "due", "preventive"] {
                known.push(format!("findings.{i}.{f}"));
            }
        }
        known
    }
}

// ---------------------------------------------------------------------------------------------
// The template editor.

/// A text in both languages, as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    fn of(t: &LocalText) -> Bilingual {
        Bilingual {
            zh: t.zh_cn.clone(),
            en: t.en.clone(),
        }
    }

    fn is_blank(&self) -> bool {
        self.zh.trim().is_empty() && self.en.trim().is_empty()
    }

    fn text(&self) -> LocalText {
        LocalText {
            zh_cn: self.zh.trim().to_owned(),
            en: self.en.trim().to_owned(),
        }
    }

    /// Requires both languages, naming `<field>.zh_cn` / `<field>.en`.
    fn require(&self, field: &str, errors: &mut FieldErrors) {
        if self.zh.trim().is_empty() {
            errors.insert(format!("{field}.zh_cn"), "rule.required".into());
        }
        if self.en.trim().is_empty() {
            errors.insert(format!("{field}.en"), "rule.required".into());
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepRow {
    pub title: Bilingual,
    pub role: Role,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantRow {
    pub role: Role,
    pub duty: Bilingual,
}

/// The lists of the template a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    Objectives,
    Participants,
    Steps,
    Criteria,
}

impl List {
    /// The field path of the list (`success_criteria`).
    pub fn field(self) -> &'static str {
        match self {
            List::Objectives => "objectives",
            List::Participants => "participants",
            List::Steps => "steps",
            List::Criteria => "success_criteria",
        }
    }
}

/// Which language of a bilingual text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn key(self) -> &'static str {
        match self {
            Lang::Zh => "zh_cn",
            Lang::En => "en",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TemplateForm {
    pub id: String,
    /// The revision the editor started from (sent back; a stale one is a conflict).
    pub version: u32,
    pub title: Bilingual,
    pub scenario: Bilingual,
    pub objectives: Vec<Bilingual>,
    pub participants: Vec<ParticipantRow>,
    pub steps: Vec<StepRow>,
    pub criteria: Vec<Bilingual>,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplateAction {
    Title(Lang, String),
    Scenario(Lang, String),
    /// A text of row `i` of a list (the objective, the duty, the step's title, the criterion).
    RowText(List, usize, Lang, String),
    RowRole(List, usize, Role),
    StepTarget(usize, String),
    Add(List),
    Remove(List, usize),
    /// Moves row `i` of a list up (-1) or down (+1).
    Move(List, usize, i32),
    /// Starts over from another revision (the latest, after someone else saved one).
    Load(Box<DrillTemplate>),
    Errors(FieldErrors),
}

fn set(b: &mut Bilingual, lang: Lang, v: String) {
    match lang {
        Lang::Zh => b.zh = v,
        Lang::En => b.en = v,
    }
}

fn move_row<T>(rows: &mut [T], i: usize, delta: i32) -> bool {
    let j = i as i64 + i64::from(delta);
    if i < rows.len() && j >= 0 && (j as usize) < rows.len() {
        rows.swap(i, j as usize);
        true
    } else {
        false
    }
}

impl TemplateForm {
    pub fn from_template(t: &DrillTemplate) -> TemplateForm {
        TemplateForm {
            id: t.id.clone(),
            version: t.version,
            title: Bilingual::of(&t.title),
            scenario: Bilingual::of(&t.scenario),
            objectives: t.objectives.iter().map(Bilingual::of).collect(),
            participants: t
                .participants
                .iter()
                .map(|p| ParticipantRow {
                    role: p.role,
                    duty: Bilingual::of(&p.duty),
                })
                .collect(),
            steps: t
                .steps
                .iter()
                .map(|s| StepRow {
                    title: Bilingual::of(&s.title),
                    role: s.role,
                    target: s.target_minutes.to_string(),
                })
                .collect(),
            criteria: t.success_criteria.iter().map(Bilingual::of).collect(),
            errors: FieldErrors::new(),
        }
    }

    fn clear_list_errors(&mut self, list: List) {
        let prefix = format!("{}.", list.field());
        self.errors.retain(|k, _| !k.starts_with(&prefix));
    }

    pub fn apply(&mut self, action: TemplateAction) {
        use TemplateAction as A;
        match action {
            A::Title(lang, v) => {
                set(&mut self.title, lang, v);
                self.errors.remove(&format!("title.{}", lang.key()));
            }
            A::Scenario(lang, v) => {
                set(&mut self.scenario, lang, v);
                self.errors.remove(&format!("scenario.{}", lang.key()));
            }
            A::RowText(list, i, lang, v) => {
                let target = match list {
                    List::Objectives => self.objectives.get_mut(i),
                    List::Criteria => self.criteria.get_mut(i),
                    List::Participants => self.participants.get_mut(i).map(|p| &mut p.duty),
                    List::Steps => self.steps.get_mut(i).map(|s| &mut s.title),
                };
                if let Some(b) = target {
                    set(b, lang, v);
                }
                let inner = match list {
                    List::Participants => "duty.",
                    List::Steps => "title.",
                    _ => "",
                };
                self.errors
                    .remove(&format!("{}.{i}.{inner}{}", list.field(), lang.key()));
            }
            A::RowRole(list, i, role) => match list {
                List::Participants => {
                    if let Some(p) = self.participants.get_mut(i) {
                        p.role = role;
                    }
                }
                List::Steps => {
                    if let Some(s) = self.steps.get_mut(i) {
                        s.role = role;
                    }
                }
                _ => {}
            },
            A::StepTarget(i, v) => {
                if let Some(s) = self.steps.get_mut(i) {
                    s.target = v;
                }
                self.errors.remove(&format!("steps.{i}.target_minutes"));
            }
            A::Add(list) => {
                match list {
                    List::Objectives => self.objectives.push(Bilingual::default()),
                    List::Criteria => self.criteria.push(Bilingual::default()),
                    List::Participants => self.participants.push(ParticipantRow {
                        role: Role::Operations,
                        duty: Bilingual::default(),
                    }),
                    List::Steps => {
                        let last = self
                            .steps
                            .last()
                            .and_then(|s| s.target.trim().parse::<u32>().ok())
                            .unwrap_or(0);
                        self.steps.push(StepRow {
                            title: Bilingual::default(),
                            role: Role::Operations,
                            target: (last + 5).to_string(),
                        });
                    }
                }
                self.errors.remove(list.field());
            }
            A::Remove(list, i) => {
                let removed = match list {
                    List::Objectives if i < self.objectives.len() => {
                        self.objectives.remove(i);
                        true
                    }
                    List::Criteria if i < self.criteria.len() => {
                        self.criteria.remove(i);
                        true
                    }
                    List::Participants if i < self.participants.len() => {
                        self.participants.remove(i);
                        true
                    }
                    List::Steps if i < self.steps.len() => {
                        self.steps.remove(i);
                        true
                    }
                    _ => false,
                };
                if removed {
                    self.clear_list_errors(list);
                }
            }
            A::Move(list, i, delta) => {
                let moved = match list {
                    List::Objectives => move_row(&mut self.objectives, i, delta),
                    List::Criteria => move_row(&mut self.criteria, i, delta),
                    List::Participants => move_row(&mut self.participants, i, delta),
                    List::Steps => move_row(&mut self.steps, i, delta),
                };
                if moved {
                    self.clear_list_errors(list);
                }
            }
            A::Load(t) => *self = TemplateForm::from_template(&t),
            A::Errors(e) => self.errors = e,
        }
    }

    /// The template to save, or the fields to fix. Title and scenario need both languages;
    /// a drill needs at least one step, each with its title in both languages and a target
    /// of at least a minute; rows of the other lists left blank are dropped.
    pub fn template(&self) -> Result<DrillTemplate, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.title.require("title", &mut errors);
        self.scenario.require("scenario", &mut errors);
        let texts = |rows: &[Bilingual], field: &str, errors: &mut FieldErrors| -> Vec<LocalText> {
            rows.iter()
                .enumerate()
                .filter(|(_, b)| !b.is_blank())
                .map(|(i, b)| {
                    b.require(&format!("{field}.{i}"), errors);
                    b.text()
                })
                .collect()
        };
        let objectives = texts(&self.objectives, "objectives", &mut errors);
        let success_criteria = texts(&self.criteria, "success_criteria", &mut errors);
        let participants = self
            .participants
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.duty.is_blank())
            .map(|(i, p)| {
                p.duty
                    .require(&format!("participants.{i}.duty"), &mut errors);
                DrillParticipant {
                    role: p.role,
                    duty: p.duty.text(),
                }
            })
            .collect();
        if self.steps.is_empty() {
            errors.insert("steps".into(), "drill.rule.no_steps".into());
        }
        let steps = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                s.title.require(&format!("steps.{i}.title"), &mut errors);
                let target = match s.target.trim().parse::<u32>() {
                    Ok(0) => {
                        errors.insert(
                            format!("steps.{i}.target_minutes"),
                            "rule.not_positive".into(),
                        );
                        0
                    }
                    Ok(m) => m,
                    Err(_) => {
                        errors.insert(
                            format!("steps.{i}.target_minutes"),
                            if s.target.trim().is_empty() {
                                "rule.required"
                            } else {
                                "rule.not_a_number"
                            }
                            .into(),
                        );
                        0
                    }
                };
                DrillStep {
                    title: s.title.text(),
                    role: s.role,
                    target_minutes: target,
                }
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DrillTemplate {
            id: self.id.clone(),
            version: self.version,
            title: self.title.text(),
            scenario: self.scenario.text(),
            objectives,
            participants,
            steps,
            success_criteria,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Drill plans.

#[derive(Clone, Debug, PartialEq)]
pub struct PlanForm {
    pub title: String,
    pub template: String,
    pub every_months: String,
    pub first_due: String,
    pub owner: String,
    pub active: bool,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PlanAction {
    Title(String),
    Template(String),
    EveryMonths(String),
    FirstDue(String),
    Owner(String),
    Active(bool),
    Errors(FieldErrors),
}

/// The longest interval a plan may set.
pub const MAX_EVERY_MONTHS: u32 = 36;

impl PlanForm {
    pub fn new(template: &str) -> PlanForm {
        PlanForm {
            title: String::new(),
            template: template.to_owned(),
            every_months: "3".into(),
            first_due: String::new(),
            owner: String::new(),
            active: true,
            errors: FieldErrors::new(),
        }
    }

    pub fn from_draft(d: &DrillPlanDraft, active: bool) -> PlanForm {
        PlanForm {
            title: d.title.clone(),
            template: d.template.clone(),
            every_months: d.every_months.to_string(),
            first_due: d.first_due.format("%Y-%m-%d").to_string(),
            owner: d.owner.to_string(),
            active,
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: PlanAction) {
        let field = match action {
            PlanAction::Title(v) => {
                self.title = v;
                "title"
            }
            PlanAction::Template(v) => {
                self.template = v;
                "template"
            }
            PlanAction::EveryMonths(v) => {
                self.every_months = v;
                "every_months"
            }
            PlanAction::FirstDue(v) => {
                self.first_due = v;
                "first_due"
            }
            PlanAction::Owner(v) => {
                self.owner = v;
                "owner"
            }
            PlanAction::Active(v) => {
                self.active = v;
                "active"
            }
            PlanAction::Errors(e) => {
                self.errors = e;
                return;
            }
        };
        self.errors.remove(field);
    }

    pub fn draft(&self) -> Result<DrillPlanDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.title.trim().is_empty() {
            errors.insert("title".into(), "rule.required".into());
        }
        if self.template.trim().is_empty() {
            errors.insert("template".into(), "rule.required".into());
        }
        let every = match self.every_months.trim().parse::<u32>() {
            Ok(0) => {
                errors.insert("every_months".into(), "rule.not_positive".into());
                None
            }
            Ok(n) if n > MAX_EVERY_MONTHS => {
                errors.insert("every_months".into(), "drill.rule.every_months".into());
                None
            }
            Ok(n) => Some(n),
            Err(_) => {
                errors.insert("every_months".into(), "rule.not_a_number".into());
                None
            }
        };
        let first_due = parse_date(&self.first_due);
        if first_due.is_none() {
            errors.insert("first_due".into(), "rule.required".into());
        }
        let owner = self.owner.trim().parse::<UserId>().ok();
        if owner.is_none() {
            errors.insert("owner".into(), "rule.required".into());
        }
        match (every, first_due, owner) {
            (Some(every_months), Some(first_due), Some(owner)) if errors.is_empty() => {
                Ok(DrillPlanDraft {
                    title: self.title.trim().to_owned(),
                    template: self.template.trim().to_owned(),
                    every_months,
                    first_due,
                    owner,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};
    use govbench_protocol::{DrillRunStatus, StepOutcome};

    const USER: &str = "01900000-0000-7000-8000-000000000001";

    fn text(zh: &str, en: &str) -> LocalText {
        LocalText {
            zh_cn: zh.into(),
            en: en.into(),
        }
    }

    fn template() -> DrillTemplate {
        DrillTemplate {
            id: "emergency-rollback".into(),
            version: 2,
            title: text("紧急回滚", "Emergency rollback"),
            scenario: text("新版本出错", "A new version misbehaves"),
            objectives: vec![text("按规则回滚", "Roll back by the rules")],
            participants: vec![DrillParticipant {
                role: Role::Operations,
                duty: text("执行回滚", "Run the rollback"),
            }],
            steps: vec![
                DrillStep {
                    title: text("确认上一版本", "Identify the previous version"),
                    role: Role::RnD,
                    target_minutes: 10,
                },
                DrillStep {
                    title: text("执行回滚", "Roll back"),
                    role: Role::Operations,
                    target_minutes: 20,
                },
                DrillStep {
                    title: text("验证", "Verify"),
                    role: Role::Operations,
                    target_minutes: 30,
                },
            ],
            success_criteria: vec![text("30 分钟内完成", "Done within 30 minutes")],
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn run(outcomes: &[Option<(StepOutcome, i64)>]) -> DrillRun {
        let started = at("2026-03-01T23:55:00Z");
        DrillRun {
            id: USER.parse().unwrap(),
            number: "DRL-2026-0001".into(),
            plan: None,
            template: template(),
            status: DrillRunStatus::Running,
            steps: outcomes
                .iter()
                .map(|o| match o {
                    Some((outcome, minutes)) => StepRecord {
                        outcome: Some(*outcome),
                        at: Some(started + Duration::minutes(*minutes)),
                        by: Some(USER.parse().unwrap()),
                        note: String::new(),
                    },
                    None => StepRecord::default(),
                })
                .collect(),
            started_by: USER.parse().unwrap(),
            started_at: started,
            finished_at: None,
            evaluation: None,
            findings: vec![],
            updated_at: started,
            version: 1,
        }
    }

    #[test]
    fn clock_faces() {
        assert_eq!(elapsed_face(0), "00:00:00");
        assert_eq!(elapsed_face(3723), "01:02:03");
        assert_eq!(elapsed_face(-4), "00:00:00");
        assert_eq!(took_face(723), "12:03");
        assert_eq!(took_face(3723), "1:02:03");
        assert_eq!(target_face(15), "+15:00");
        assert_eq!(target_face(90), "+1:30:00");
    }

    #[test]
    fn totals_count_outcomes_and_time_across_midnight() {
        let r = run(&[
            Some((StepOutcome::Pass, 8)),
            Some((StepOutcome::Fail, 25)),
            None,
        ]);
        let times = r.step_times();
        let t = totals(&r, &times);
        assert_eq!((t.passed, t.failed, t.total), (1, 1, 3));
        assert_eq!((t.on_time, t.timed), (1, 2));
        assert_eq!(t.on_time_percent(), Some(50));
        assert_eq!(t.elapsed_seconds, Some(25 * 60));
        assert_eq!(suggested_result(&r, &times), DrillResult::PartlyPassed);
        let all = run(&[
            Some((StepOutcome::Pass, 8)),
            Some((StepOutcome::Pass, 18)),
            Some((StepOutcome::Pass, 29)),
        ]);
        assert_eq!(
            suggested_result(&all, &all.step_times()),
            DrillResult::Passed
        );
        let late = run(&[
            Some((StepOutcome::Pass, 8)),
            Some((StepOutcome::Pass, 18)),
            Some((StepOutcome::Pass, 31)),
        ]);
        assert_eq!(
            suggested_result(&late, &late.step_times()),
            DrillResult::PartlyPassed
        );
        let none = run(&[Some((StepOutcome::Fail, 8)), None, None]);
        assert_eq!(
            suggested_result(&none, &none.step_times()),
            DrillResult::Failed
        );
        assert_eq!(
            totals(&run(&[None, None, None]), &[]).on_time_percent(),
            None
        );
    }

    #[test]
    fn runner_keys() {
        assert_eq!(runner_key("ArrowDown", false, false), Some(RunnerKey::Down));
        assert_eq!(runner_key("j", false, false), Some(RunnerKey::Down));
        assert_eq!(runner_key("k", false, false), Some(RunnerKey::Up));
        assert_eq!(runner_key("Enter", false, false), Some(RunnerKey::Pass));
        assert_eq!(runner_key("P", false, false), Some(RunnerKey::Pass));
        assert_eq!(runner_key("f", false, false), Some(RunnerKey::Fail));
        assert_eq!(runner_key("n", false, false), Some(RunnerKey::Note));
        assert_eq!(runner_key("Escape", false, false), Some(RunnerKey::Leave));
        assert_eq!(runner_key("x", false, false), None);
        // Typing a note types; Enter and Esc go back to the steps.
        assert_eq!(runner_key("f", true, false), None);
        assert_eq!(runner_key("Enter", true, false), Some(RunnerKey::ToSteps));
        assert_eq!(runner_key("Escape", true, false), Some(RunnerKey::ToSteps));
        // Shortcuts of the system (Ctrl+F…) stay the system's.
        assert_eq!(runner_key("f", false, true), None);
    }

    #[test]
    fn the_selection_stays_within_the_steps_and_moves_on_after_a_check() {
        assert_eq!(moved(0, -1, 3), 0);
        assert_eq!(moved(1, 1, 3), 2);
        assert_eq!(moved(2, 1, 3), 2);
        assert_eq!(moved(0, 1, 0), 0);
        let r = run(&[None, Some((StepOutcome::Pass, 3)), None]);
        assert_eq!(next_after(&r.steps, 0), 2);
        assert_eq!(next_after(&r.steps, 2), 0);
        let checked = with_check(&r.steps, 0, StepOutcome::Fail);
        assert_eq!(checked[0].outcome, Some(StepOutcome::Fail));
        assert_eq!(next_after(&checked, 0), 2);
        let done = with_check(&checked, 2, StepOutcome::Pass);
        assert!(all_checked(&done));
        assert_eq!(next_after(&done, 2), 2);
        assert!(!all_checked(&[]));
    }

    #[test]
    fn the_finish_form_needs_a_summary_and_complete_findings() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut f = FinishForm::new(DrillResult::PartlyPassed);
        assert_eq!(f.check(today).unwrap_err()["summary"], "rule.required");
        f.apply(FinishAction::Summary("Rollback took too long".into()));
        f.apply(FinishAction::Result("failed".into()));
        f.apply(FinishAction::EditFinding(
            0,
            RowEdit::Text("Script the rollback".into()),
        ));
        let errors = f.check(today).unwrap_err();
        assert_eq!(errors["findings.0.owner"], "rule.required");
        f.apply(FinishAction::EditFinding(0, RowEdit::Owner(USER.into())));
        f.apply(FinishAction::EditFinding(
            0,
            RowEdit::Due("2026-04-01".into()),
        ));
        f.apply(FinishAction::AddFinding);
        let (evaluation, findings) = f.check(today).unwrap();
        assert_eq!(evaluation.result, DrillResult::Failed);
        assert_eq!(findings.len(), 1);
        assert!(f.known_fields().contains(&"findings.1.owner".to_owned()));
        f.apply(FinishAction::RemoveFinding(1));
        assert_eq!(f.findings.len(), 1);
    }

    #[test]
    fn the_template_editor_round_trips() {
        let t = template();
        let f = TemplateForm::from_template(&t);
        assert_eq!(f.template().unwrap(), t);
    }

    #[test]
    fn the_template_editor_adds_moves_and_removes_rows() {
        let mut f = TemplateForm::from_template(&template());
        f.apply(TemplateAction::Add(List::Steps));
        assert_eq!(f.steps.len(), 4);
        assert_eq!(f.steps[3].target, "35");
        // A new step needs its titles.
        let errors = f.template().unwrap_err();
        assert_eq!(errors["steps.3.title.zh_cn"], "rule.required");
        assert_eq!(errors["steps.3.title.en"], "rule.required");
        f.apply(TemplateAction::RowText(
            List::Steps,
            3,
            Lang::Zh,
            "复盘".into(),
        ));
        f.apply(TemplateAction::RowText(
            List::Steps,
            3,
            Lang::En,
            "Debrief".into(),
        ));
        f.apply(TemplateAction::RowRole(
            List::Steps,
            3,
            Role::ProjectManager,
        ));
        f.apply(TemplateAction::Move(List::Steps, 3, -1));
        assert_eq!(f.steps[2].title.en, "Debrief");
        f.apply(TemplateAction::Move(List::Steps, 0, -1));
        assert_eq!(f.steps[0].title.en, "Identify the previous version");
        let t = f.template().unwrap();
        assert_eq!(t.steps[2].role, Role::ProjectManager);
        assert_eq!(t.version, 2, "the revision the editor started from");
        f.apply(TemplateAction::Remove(List::Steps, 2));
        assert_eq!(f.steps.len(), 3);
        // Blank rows of other lists are dropped; half-filled ones are named.
        f.apply(TemplateAction::Add(List::Objectives));
        f.apply(TemplateAction::Add(List::Criteria));
        f.apply(TemplateAction::RowText(
            List::Criteria,
            1,
            Lang::En,
            "No data lost".into(),
        ));
        let errors = f.template().unwrap_err();
        assert_eq!(errors["success_criteria.1.zh_cn"], "rule.required");
        assert!(!errors.keys().any(|k| k.starts_with("objectives")));
        f.apply(TemplateAction::RowText(
            List::Criteria,
            1,
            Lang::Zh,
            "数据无丢失".into(),
        ));
        assert!(!f.errors.contains_key("success_criteria.1.zh_cn"));
        let t = f.template().unwrap();
        assert_eq!(t.objectives.len(), 1);
        assert_eq!(t.success_criteria.len(), 2);
    }

    #[test]
    fn the_template_editor_checks_titles_steps_and_targets() {
        let mut f = TemplateForm::from_template(&template());
        f.apply(TemplateAction::Title(Lang::En, " ".into()));
        f.apply(TemplateAction::StepTarget(0, "0".into()));
        f.apply(TemplateAction::StepTarget(1, "soon".into()));
        let errors = f.template().unwrap_err();
        assert_eq!(errors["title.en"], "rule.required");
        assert_eq!(errors["steps.0.target_minutes"], "rule.not_positive");
        assert_eq!(errors["steps.1.target_minutes"], "rule.not_a_number");
        f.apply(TemplateAction::Errors(errors));
        f.apply(TemplateAction::StepTarget(0, "5".into()));
        assert!(!f.errors.contains_key("steps.0.target_minutes"));
        for _ in 0..3 {
            f.apply(TemplateAction::Remove(List::Steps, 0));
        }
        assert_eq!(f.template().unwrap_err()["steps"], "drill.rule.no_steps");
        f.apply(TemplateAction::Add(List::Participants));
        assert_eq!(f.participants.len(), 2);
        let mut newer = template();
        newer.version = 3;
        f.apply(TemplateAction::Load(Box::new(newer.clone())));
        assert_eq!(f.template().unwrap(), newer);
    }

    #[test]
    fn a_plan_needs_a_title_an_interval_a_first_date_and_an_owner() {
        let mut f = PlanForm::new("latency-outage");
        let errors = f.draft().unwrap_err();
        assert_eq!(errors["title"], "rule.required");
        assert_eq!(errors["first_due"], "rule.required");
        assert_eq!(errors["owner"], "rule.required");
        f.apply(PlanAction::Title("Ops quarterly drill".into()));
        f.apply(PlanAction::FirstDue("2026-06-30".into()));
        f.apply(PlanAction::Owner(USER.into()));
        f.apply(PlanAction::EveryMonths("0".into()));
        assert_eq!(f.draft().unwrap_err()["every_months"], "rule.not_positive");
        f.apply(PlanAction::EveryMonths("99".into()));
        assert_eq!(
            f.draft().unwrap_err()["every_months"],
            "drill.rule.every_months"
        );
        f.apply(PlanAction::EveryMonths("3".into()));
        let d = f.draft().unwrap();
        assert_eq!(d.every_months, 3);
        assert_eq!(d.template, "latency-outage");
        assert_eq!(PlanForm::from_draft(&d, false).draft().unwrap(), d);
    }
}
