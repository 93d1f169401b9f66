use crate::error::CoreResult;
use crate::features::models;
use crate::members;
use crate::shared::follow_ups;
use crate::shared::validate::Check;
use chrono::{DateTime, Duration, Utc};
use govbench_protocol::{
    IncidentDraft, NotifyTarget, ResponseFlow, ReviewDraft, Severity, TeamMember, TeamMemberDraft,
    TeamMemberId,
};
use rusqlite::Connection;

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 20_000;
pub const MAX_NOTE: usize = 5_000;
/// A response target longer than a year is not a target.
pub const MAX_TARGET_MINUTES: u32 = 365 * 24 * 60;
pub const MAX_NOTIFY: usize = 50;
/// Clocks of different machines disagree a little; a detection time this far ahead is a typo.
const FUTURE_SLACK_MINUTES: i64 = 5;

pub fn draft(conn: &Connection, draft: &IncidentDraft, now: DateTime<Utc>) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .text("title", &draft.title, MAX_TITLE)
        .multiline("description", &draft.description, MAX_TEXT)
        .date("detected_at", draft.detected_at.date_naive());
    if draft.detected_at > now + Duration::minutes(FUTURE_SLACK_MINUTES) {
        check.fail("detected_at", "in_future");
    }
    match (draft.model, draft.model_version) {
        (None, Some(_)) => {
            check.fail("model_version", "version_without_model");
        }
        (Some(model), version) => {
            if models::find_model(conn, model)?.is_none() {
                check.fail("model", "unknown_model");
            } else if let Some(version) = version {
                let belongs =
                    models::find_version(conn, version)?.is_some_and(|v| v.model == model);
                if !belongs {
                    check.fail("model_version", "unknown_version");
                }
            }
        }
        (None, None) => {}
    }
    check.finish()
}

pub fn note(field: &str, text: &str, required: bool) -> CoreResult<()> {
    let mut check = Check::new();
    if required {
        check.multiline(field, text, MAX_NOTE);
    } else {
        check.optional_multiline(field, text, MAX_NOTE);
    }
    check.finish()
}

pub fn review(conn: &Connection, review: &ReviewDraft) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .multiline("root_cause", &review.root_cause, MAX_TEXT)
        .multiline("impact", &review.impact, MAX_TEXT)
        .optional_multiline("went_well", &review.went_well, MAX_TEXT)
        .optional_multiline("went_badly", &review.went_badly, MAX_TEXT);
    follow_ups::check(conn, &mut check, "actions", &review.actions)?;
    check.finish()
}

fn minutes(check: &mut Check, field: String, value: u32) {
    if value == 0 || value > MAX_TARGET_MINUTES {
        check.fail(field, "out_of_range");
    }
}

/// One flow per level, targets within a year and in order, named members on the workspace.
pub fn flows(conn: &Connection, flows: &[ResponseFlow]) -> CoreResult<()> {
    let mut check = Check::new();
    for severity in Severity::ALL {
        if flows.iter().filter(|f| f.severity == severity).count() != 1 {
            check.fail("flows", "one_flow_per_level");
        }
    }
    check.count("flows", flows.len(), Severity::ALL.len());
    for (i, f) in flows.iter().enumerate().take(Severity::ALL.len()) {
        let at = |field: &str| format!("flows.{i}.{field}");
        minutes(&mut check, at("acknowledge_minutes"), f.acknowledge_minutes);
        minutes(&mut check, at("mitigate_minutes"), f.mitigate_minutes);
        minutes(&mut check, at("resolve_minutes"), f.resolve_minutes);
        if f.mitigate_minutes < f.acknowledge_minutes {
            check.fail(at("mitigate_minutes"), "before_acknowledge");
        }
        if f.resolve_minutes < f.mitigate_minutes {
            check.fail(at("resolve_minutes"), "before_mitigate");
        }
        if let Some(m) = f.management_minutes {
            minutes(&mut check, at("management_minutes"), m);
        }
        if let Some(m) = f.external_minutes {
            minutes(&mut check, at("external_minutes"), m);
        }
        check.count(at("notify"), f.notify.len(), MAX_NOTIFY);
        for (j, target) in f.notify.iter().enumerate().take(MAX_NOTIFY) {
            if let NotifyTarget::Member(user) = target {
                if members::find(conn, *user)?.is_none() {
                    check.fail(format!("flows.{i}.notify.{j}"), "unknown_user");
                }
            }
        }
    }
    check.finish()
}

pub fn member(
    conn: &Connection,
    draft: &TeamMemberDraft,
    roster: &[TeamMember],
    editing: Option<TeamMemberId>,
) -> CoreResult<()> {
    let mut check = Check::new();
    check.text("contact", &draft.contact, 200);
    if members::find(conn, draft.user)?.is_none() {
        check.fail("user", "unknown_user");
    } else if roster
        .iter()
        .any(|m| !m.removed && m.draft.user == draft.user && Some(m.id) != editing)
    {
        check.fail("user", "already_on_team");
    }
    if let Some(backup) = draft.backup {
        if backup == draft.user {
            check.fail("backup", "backup_is_self");
        } else if members::find(conn, backup)?.is_none() {
            check.fail("backup", "unknown_user");
        }
    }
    check.finish()
}
