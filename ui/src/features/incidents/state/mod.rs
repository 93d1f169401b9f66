//! Pure state of the incident pages: the list's filters and paging, live countdowns and how
//! durations read, quarterly statistics, and the forms (new incident, response note,
//! post-incident review, team member, response rules). No DOM, no backend: tested natively.

mod alerts;
mod clocks;
mod filters;
mod incident_form;
mod response;
mod review;
mod rules;
mod team;

pub use alerts::{alert_key, AlertKey};
pub use clocks::{
    clock_face, clock_tone, countdown, countdown_text, lifecycle, live_clock, mean_text, percent,
    span_text, target_text, worse, Countdown,
};
pub use filters::{
    next_quarter, previous_quarter, quarter_error, quarter_of, FilterAction, IncidentFilters,
};
pub use incident_form::{local_to_utc, parse_time, IncidentForm, IncidentFormAction};
pub use response::{response_command, NOTE_KINDS, RESPONSE_STEPS};
pub use review::{ReviewAction, ReviewForm};
pub use rules::{FlowEdit, FlowRow, RulesAction, RulesForm, MAX_TARGET_MINUTES};
pub use team::{active_in, roster_order, MemberAction, MemberForm};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};
    use govbench_i18n::Locale;
    use govbench_protocol::{
        ClockStatus, Detection, IncidentAction, IncidentCommand, IncidentId, IncidentStatus,
        IncidentSummary, NotifyTarget, ResponseRules, Role, Severity, TeamFunction, TeamRole,
        TimelineKind,
    };

    use crate::state::actions::RowEdit;
    use crate::state::paging::PAGE_SIZE;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const USER: &str = "01900000-0000-7000-8000-000000000001";
    const OTHER: &str = "01900000-0000-7000-8000-000000000002";

    #[test]
    fn filters_map_to_the_query_and_reset_the_page() {
        let mut f = IncidentFilters::default();
        f.apply(FilterAction::Page(2));
        assert_eq!(f.to_query().offset, 100);
        assert_eq!(f.to_query().limit, PAGE_SIZE);
        f.apply(FilterAction::Status("acknowledged".into()));
        assert_eq!(f.page, 0);
        f.apply(FilterAction::Severity("critical".into()));
        f.apply(FilterAction::Quarter("2026q3".into()));
        f.apply(FilterAction::ActiveOnly(true));
        f.apply(FilterAction::IncludeDrills(true));
        let q = f.to_query();
        assert_eq!(q.status, Some(IncidentStatus::Acknowledged));
        assert_eq!(q.severity, Some(Severity::Critical));
        assert_eq!(q.quarter.as_deref(), Some("2026Q3"));
        assert!(q.active_only && q.include_drills);
        assert!(f.is_filtered());
        f.apply(FilterAction::Status("all".into()));
        assert_eq!(f.status, None);
        f.apply(FilterAction::Clear);
        assert_eq!(f, IncidentFilters::default());
    }

    #[test]
    fn a_half_typed_quarter_is_not_sent_and_is_named() {
        let mut f = IncidentFilters::default();
        f.apply(FilterAction::Quarter("2026Q".into()));
        assert_eq!(f.to_query().quarter, None);
        assert_eq!(f.quarter_error(), Some("incident.rule.quarter"));
        f.apply(FilterAction::Quarter(String::new()));
        assert_eq!(f.quarter_error(), None);
    }

    #[test]
    fn quarters_step_across_years() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert_eq!(quarter_of(day), "2026Q3");
        assert_eq!(
            quarter_of(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            "2026Q1"
        );
        assert_eq!(previous_quarter("2026Q1").as_deref(), Some("2025Q4"));
        assert_eq!(next_quarter("2026Q4").as_deref(), Some("2027Q1"));
        assert_eq!(next_quarter("2026Q2").as_deref(), Some("2026Q3"));
        assert_eq!(next_quarter("nonsense"), None);
        assert_eq!(previous_quarter("1970Q1"), None);
    }

    #[test]
    fn countdowns_read_as_people_say_them() {
        let opened = at("2026-03-01T23:50:00Z");
        let due = opened + Duration::minutes(15);
        let now = opened + Duration::seconds(2 * 60 + 57);
        let c = countdown(opened, due, None, now);
        assert_eq!(c, Countdown::Left(12 * 60 + 3));
        assert_eq!(countdown_text(Locale::ZhCn, c), "还剩 12:03");
        assert_eq!(countdown_text(Locale::En, c), "12:03 left");
        let late = countdown(opened, due, None, due + Duration::minutes(5));
        assert_eq!(late, Countdown::Over(300));
        assert_eq!(countdown_text(Locale::ZhCn, late), "超时 5 分钟");
        assert_eq!(countdown_text(Locale::En, late), "5 min overdue");
        // The first second past the deadline already counts as a minute over.
        let just = countdown(opened, due, None, due + Duration::seconds(1));
        assert_eq!(countdown_text(Locale::En, just), "1 min overdue");
        let met = countdown(opened, due, Some(opened + Duration::minutes(14)), now);
        assert_eq!(met, Countdown::Met(14 * 60));
        assert!(countdown_text(Locale::En, met).contains("14 min"));
        let met_late = countdown(opened, due, Some(due + Duration::hours(2)), now);
        assert!(countdown_text(Locale::ZhCn, met_late).contains("2 小时"));
    }

    #[test]
    fn clock_faces_and_spans() {
        let l = Locale::En;
        assert_eq!(clock_face(l, 0), "00:00");
        assert_eq!(clock_face(l, 3723), "1:02:03");
        assert_eq!(clock_face(l, 86_400 * 2 + 3723), "2 d 01:02:03");
        assert_eq!(clock_face(l, -5), "00:00");
        assert_eq!(span_text(l, 45), "45 min");
        assert_eq!(span_text(l, 60), "1 h");
        assert_eq!(span_text(l, 125), "2 h 5 min");
        assert_eq!(span_text(l, 4320), "3 d");
        assert_eq!(span_text(l, 1500), "1 d 1 h");
        assert_eq!(target_text(Locale::ZhCn, 240), "4 小时");
    }

    #[test]
    fn statistics_read_in_minutes_hours_and_percent() {
        assert_eq!(mean_text(Locale::En, Some(12.0)), "12 min");
        assert_eq!(mean_text(Locale::En, Some(12.25)), "12.2 min");
        assert_eq!(mean_text(Locale::En, Some(150.0)), "2.5 h");
        assert_eq!(mean_text(Locale::En, None), "—");
        assert_eq!(mean_text(Locale::En, Some(f64::NAN)), "—");
        assert_eq!(percent(Some(0.756)), "76%");
        assert_eq!(percent(Some(1.2)), "100%");
        assert_eq!(percent(None), "—");
    }

    fn row(clock: Option<ClockStatus>, next_due: Option<DateTime<Utc>>) -> IncidentSummary {
        IncidentSummary {
            id: USER.parse().unwrap(),
            number: "INC-2026-0001".into(),
            title: "t".into(),
            severity: Severity::Critical,
            status: IncidentStatus::Open,
            drill: false,
            model_name: None,
            opened_at: at("2026-03-01T00:00:00Z"),
            clock,
            next_due,
        }
    }

    #[test]
    fn a_list_rows_clock_moves_with_time() {
        let due = at("2026-03-01T00:15:00Z");
        let r = row(Some(ClockStatus::Running), Some(due));
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:05:00Z")),
            Some(ClockStatus::Running)
        );
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:13:00Z")),
            Some(ClockStatus::DueSoon)
        );
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:16:00Z")),
            Some(ClockStatus::Breached)
        );
        // A clock already met late stays the worst while the next one runs.
        let r = row(Some(ClockStatus::MetLate), Some(due));
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:05:00Z")),
            Some(ClockStatus::MetLate)
        );
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:16:00Z")),
            Some(ClockStatus::Breached)
        );
        // Nothing left to reach: as the backend said.
        let r = row(Some(ClockStatus::Met), None);
        assert_eq!(
            live_clock(&r, at("2026-03-09T00:00:00Z")),
            Some(ClockStatus::Met)
        );
        assert_eq!(live_clock(&row(None, None), Utc::now()), None);
        assert_eq!(clock_tone(ClockStatus::Breached), "bad");
        assert_eq!(clock_tone(ClockStatus::DueSoon), "warn");
    }

    #[test]
    fn the_lifecycle_marks_done_current_and_next() {
        let steps = lifecycle(IncidentStatus::Mitigated);
        assert_eq!(steps.len(), 6);
        assert_eq!(steps[0].1, std::cmp::Ordering::Less);
        assert_eq!(
            steps[2],
            (IncidentStatus::Mitigated, std::cmp::Ordering::Equal)
        );
        assert_eq!(steps[5].1, std::cmp::Ordering::Greater);
    }

    fn form() -> IncidentForm {
        let local = NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(8, 30, 0)
            .unwrap();
        IncidentForm::new(local)
    }

    #[test]
    fn the_incident_form_sends_the_local_detection_time_as_utc() {
        let mut f = form();
        assert_eq!((f.date.as_str(), f.time.as_str()), ("2026-03-01", "08:30"));
        let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
        let now = at("2026-03-01T01:00:00Z");
        let errors = f.draft(&shanghai, now).unwrap_err();
        assert_eq!(errors["title"], "rule.required");
        assert_eq!(errors["description"], "rule.required");
        f.apply(IncidentFormAction::Title(" Wrong dosage advice ".into()));
        f.apply(IncidentFormAction::Description(
            "Seen by a pharmacist".into(),
        ));
        f.apply(IncidentFormAction::Severity("critical".into()));
        f.apply(IncidentFormAction::Detection("user_report".into()));
        f.apply(IncidentFormAction::QualifiesExternal(true));
        let d = f.draft(&shanghai, now).unwrap();
        assert_eq!(d.detected_at, at("2026-03-01T00:30:00Z"));
        assert_eq!(d.title, "Wrong dosage advice");
        assert_eq!(d.severity, Severity::Critical);
        assert_eq!(d.detection, Detection::UserReport);
        assert!(d.qualifies_external);
        assert_eq!(d.model, None);
        // Across midnight: 00:10 on 2 March in Shanghai is still 1 March in UTC.
        f.apply(IncidentFormAction::Date("2026/3/2".into()));
        f.apply(IncidentFormAction::Time("00:10".into()));
        let d = f.draft(&shanghai, at("2026-03-02T00:00:00Z")).unwrap();
        assert_eq!(d.detected_at, at("2026-03-01T16:10:00Z"));
    }

    #[test]
    fn times_parse_as_people_type_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("14:05"), t(14, 5));
        assert_eq!(parse_time(" 9:05 "), t(9, 5));
        assert_eq!(parse_time("1405"), t(14, 5));
        assert_eq!(parse_time("14：05"), t(14, 5));
        assert_eq!(parse_time("14:05:30"), NaiveTime::from_hms_opt(14, 5, 30));
        for bad in ["", "25:00", "14", "2pm", "14:60"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_incident_form_refuses_bad_and_future_times() {
        let mut f = form();
        f.apply(IncidentFormAction::Title("t".into()));
        f.apply(IncidentFormAction::Description("d".into()));
        f.apply(IncidentFormAction::Time("25:00".into()));
        let errors = f.draft(&Utc, at("2026-03-02T00:00:00Z")).unwrap_err();
        assert_eq!(errors["detected_at"], "incident.rule.time");
        f.apply(IncidentFormAction::Time("09:00".into()));
        assert!(!f.errors.contains_key("detected_at"));
        let errors = f.draft(&Utc, at("2026-03-01T08:00:00Z")).unwrap_err();
        assert_eq!(errors["detected_at"], "incident.rule.detected_future");
        f.apply(IncidentFormAction::Date("tomorrow".into()));
        let errors = f.draft(&Utc, at("2026-03-02T00:00:00Z")).unwrap_err();
        assert_eq!(errors["detected_at"], "rule.required");
    }

    #[test]
    fn changing_the_model_forgets_the_version() {
        let mut f = form();
        f.apply(IncidentFormAction::Title("t".into()));
        f.apply(IncidentFormAction::Description("d".into()));
        f.apply(IncidentFormAction::Model(USER.into()));
        f.apply(IncidentFormAction::Version(OTHER.into()));
        let d = f.draft(&Utc, at("2026-03-02T00:00:00Z")).unwrap();
        assert_eq!(d.model.map(|m| m.to_string()).as_deref(), Some(USER));
        assert_eq!(
            d.model_version.map(|v| v.to_string()).as_deref(),
            Some(OTHER)
        );
        f.apply(IncidentFormAction::Model(OTHER.into()));
        assert_eq!(f.version, "");
        f.apply(IncidentFormAction::Model(String::new()));
        let d = f.draft(&Utc, at("2026-03-02T00:00:00Z")).unwrap();
        assert_eq!((d.model, d.model_version), (None, None));
    }

    #[test]
    fn response_steps_take_an_optional_note_and_notes_need_text() {
        let id: IncidentId = USER.parse().unwrap();
        let c = response_command(
            IncidentAction::Acknowledge,
            id,
            "  on it ",
            TimelineKind::Note,
        );
        assert_eq!(
            c.unwrap(),
            IncidentCommand::Acknowledge {
                id,
                note: "on it".into()
            }
        );
        assert!(response_command(IncidentAction::Resolve, id, "", TimelineKind::Note).is_ok());
        let errors =
            response_command(IncidentAction::AddNote, id, "  ", TimelineKind::Note).unwrap_err();
        assert_eq!(errors["text"], "rule.required");
        let c = response_command(
            IncidentAction::AddNote,
            id,
            "Restarted",
            TimelineKind::Action,
        );
        assert!(matches!(
            c,
            Ok(IncidentCommand::AddNote {
                kind: TimelineKind::Action,
                ..
            })
        ));
    }

    #[test]
    fn the_review_needs_a_root_cause_impact_and_complete_actions() {
        let mut f = ReviewForm::new();
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let errors = f.review(today).unwrap_err();
        assert_eq!(errors["root_cause"], "rule.required");
        assert_eq!(errors["impact"], "rule.required");
        assert!(
            !errors.contains_key("actions.0.text"),
            "a blank row is fine"
        );
        f.apply(ReviewAction::RootCause("Prompt template regression".into()));
        f.apply(ReviewAction::Impact("Wrong advice to 12 users".into()));
        f.apply(ReviewAction::EditAction(
            0,
            RowEdit::Text("Add a canary".into()),
        ));
        let errors = f.review(today).unwrap_err();
        assert_eq!(errors["actions.0.owner"], "rule.required");
        f.apply(ReviewAction::Errors(errors));
        f.apply(ReviewAction::EditAction(0, RowEdit::Owner(USER.into())));
        assert!(!f.errors.contains_key("actions.0.owner"));
        f.apply(ReviewAction::EditAction(
            0,
            RowEdit::Due("2026-03-15".into()),
        ));
        f.apply(ReviewAction::AddAction);
        let review = f.review(today).unwrap();
        assert_eq!(review.actions.len(), 1);
        assert_eq!(review.root_cause, "Prompt template regression");
        assert!(f.known_fields().contains(&"actions.1.due".to_owned()));
        f.apply(ReviewAction::RemoveAction(0));
        assert_eq!(f.actions.len(), 1);
    }

    #[test]
    fn a_team_member_needs_a_user_a_contact_and_another_backup() {
        let mut f = MemberForm::default();
        let errors = f.draft().unwrap_err();
        assert_eq!(errors["user"], "rule.required");
        assert_eq!(errors["contact"], "rule.required");
        f.apply(MemberAction::User(USER.into()));
        f.apply(MemberAction::Contact(" +86 138 0000 0000 ".into()));
        f.apply(MemberAction::Function("business".into()));
        f.apply(MemberAction::TeamRole("lead".into()));
        f.apply(MemberAction::Backup(USER.into()));
        assert_eq!(f.draft().unwrap_err()["backup"], "team.rule.backup_self");
        f.apply(MemberAction::Backup(OTHER.into()));
        let d = f.draft().unwrap();
        assert_eq!(d.contact, "+86 138 0000 0000");
        assert_eq!(d.function, TeamFunction::Business);
        assert_eq!(d.team_role, TeamRole::Lead);
        assert_eq!(MemberForm::from_draft(&d).draft().unwrap(), d);
    }

    fn team_row(
        function: TeamFunction,
        team_role: TeamRole,
        name: &str,
        inactive: bool,
    ) -> govbench_protocol::TeamMemberRow {
        let at = Utc::now();
        govbench_protocol::TeamMemberRow {
            member: govbench_protocol::TeamMember {
                id: OTHER.parse().unwrap(),
                draft: govbench_protocol::TeamMemberDraft {
                    user: USER.parse().unwrap(),
                    function,
                    team_role,
                    contact: "+86 138 0000 0000".into(),
                    backup: None,
                },
                removed: false,
                created_by: USER.parse().unwrap(),
                created_at: at,
                updated_at: at,
                version: 1,
            },
            name: name.into(),
            backup_name: None,
            inactive,
        }
    }

    #[test]
    fn the_team_shows_by_function_then_role_and_counts_only_active_members() {
        let members = vec![
            team_row(TeamFunction::Business, TeamRole::Lead, "Bo", false),
            team_row(TeamFunction::RnD, TeamRole::Technical, "Ru", false),
            team_row(TeamFunction::RnD, TeamRole::Lead, "Li", true),
            team_row(TeamFunction::Operations, TeamRole::Deputy, "Ou", false),
        ];
        let names: Vec<&str> = roster_order(&members)
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["Li", "Ru", "Ou", "Bo"]);
        assert_eq!(active_in(&members, TeamFunction::RnD), 1);
        assert_eq!(active_in(&members, TeamFunction::Operations), 1);
        let none = &members[..1];
        assert_eq!(active_in(none, TeamFunction::RnD), 0);
    }

    #[test]
    fn the_rules_editor_round_trips_and_checks_its_numbers() {
        let defaults = ResponseRules::defaults();
        let mut f = RulesForm::from_flows(&defaults.flows);
        assert_eq!(f.flows().unwrap(), defaults.flows);
        f.apply(RulesAction::Edit(0, FlowEdit::Acknowledge("0".into())));
        f.apply(RulesAction::Edit(1, FlowEdit::Resolve("abc".into())));
        f.apply(RulesAction::Edit(2, FlowEdit::Mitigate("5000".into())));
        let errors = f.flows().unwrap_err();
        assert_eq!(errors["flows.0.acknowledge_minutes"], "rule.not_positive");
        assert_eq!(errors["flows.1.resolve_minutes"], "rule.not_a_number");
        assert_eq!(errors["flows.2.resolve_minutes"], "rules.rule.order");
        f.apply(RulesAction::Errors(errors));
        f.apply(RulesAction::Edit(0, FlowEdit::Acknowledge("10".into())));
        assert!(!f.errors.contains_key("flows.0.acknowledge_minutes"));
    }

    #[test]
    fn the_rules_editor_switches_reports_and_notify_targets() {
        let defaults = ResponseRules::defaults();
        let mut f = RulesForm::from_flows(&defaults.flows);
        // Minor: no external report; switch it on without minutes, then with.
        f.apply(RulesAction::Edit(2, FlowEdit::External(true)));
        assert_eq!(
            f.flows().unwrap_err()["flows.2.external_minutes"],
            "rule.required"
        );
        f.apply(RulesAction::Edit(
            2,
            FlowEdit::ExternalMinutes("480".into()),
        ));
        f.apply(RulesAction::Edit(0, FlowEdit::Management(false)));
        f.apply(RulesAction::Edit(
            2,
            FlowEdit::NotifyRole(Role::Business, true),
        ));
        f.apply(RulesAction::Edit(
            2,
            FlowEdit::NotifyRole(Role::Operations, false),
        ));
        f.apply(RulesAction::Edit(2, FlowEdit::AddMember(USER.into())));
        f.apply(RulesAction::Edit(2, FlowEdit::AddMember(USER.into())));
        f.apply(RulesAction::Edit(2, FlowEdit::AddMember("nobody".into())));
        let flows = f.flows().unwrap();
        assert_eq!(flows[2].external_minutes, Some(480));
        assert_eq!(flows[0].management_minutes, None);
        assert_eq!(
            flows[2].notify,
            vec![
                NotifyTarget::Role(Role::Business),
                NotifyTarget::Member(USER.parse().unwrap())
            ]
        );
        f.apply(RulesAction::Edit(2, FlowEdit::RemoveTarget(0)));
        assert_eq!(f.flows().unwrap()[2].notify.len(), 1);
    }
}
