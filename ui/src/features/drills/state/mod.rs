//! Pure state of the drill pages: the runner's keyboard and selection, clocks and measured
//! times, the totals of a report, and the forms (finish, template editor, plan). No DOM, no
//! backend: tested natively.

mod clocks;
mod finish;
mod plan;
mod runner;
mod template;

pub use clocks::{elapsed_face, suggested_result, target_face, took_face, totals, Totals};
pub use finish::{FinishAction, FinishForm};
pub use plan::{PlanAction, PlanForm, MAX_EVERY_MONTHS};
pub use runner::{all_checked, moved, next_after, runner_key, with_check, RunnerKey};
pub use template::{Bilingual, Lang, List, ParticipantRow, StepRow, TemplateAction, TemplateForm};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, NaiveDate, Utc};
    use govbench_protocol::{
        DrillParticipant, DrillResult, DrillRun, DrillRunStatus, DrillStep, DrillTemplate,
        LocalText, Role, StepOutcome, StepRecord,
    };

    use crate::state::actions::RowEdit;

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
    fn the_template_editor_knows_the_fields_of_every_row() {
        let mut f = TemplateForm::from_template(&template());
        let known = f.known_fields();
        for field in [
            "title.en",
            "steps",
            "objectives.0.zh_cn",
            "participants.0.duty.en",
            "steps.2.target_minutes",
            "success_criteria.0.en",
        ] {
            assert!(known.contains(&field.to_owned()), "{field}");
        }
        assert!(!known.contains(&"steps.3.title.en".to_owned()));
        f.apply(TemplateAction::Add(List::Steps));
        assert!(f.known_fields().contains(&"steps.3.title.en".to_owned()));
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
