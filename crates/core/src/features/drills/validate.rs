use crate::error::CoreResult;
use crate::members;
use crate::shared::follow_ups;
use crate::shared::validate::Check;
use govbench_protocol::{ActionDraft, DrillEvaluation, DrillPlanDraft, DrillTemplate, LocalText};
use rusqlite::Connection;

/// Minutes from a drill's start; a day is the longest a drill runs.
pub const MAX_TARGET_MINUTES: u32 = 24 * 60;
pub const MAX_STEPS: usize = 100;
pub const MAX_ITEMS: usize = 30;
pub const MAX_NOTE: usize = 2_000;

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 60
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A text in at least one of the two languages, each within `max`.
fn local(check: &mut Check, field: String, text: &LocalText, max: usize, multiline: bool) {
    if text.zh_cn.trim().is_empty() && text.en.trim().is_empty() {
        check.fail(field, "required");
        return;
    }
    for (lang, value) in [("zh-CN", &text.zh_cn), ("en", &text.en)] {
        let at = format!("{field}.{lang}");
        if multiline {
            check.optional_multiline(at, value, max);
        } else {
            check.optional_text(at, value, max);
        }
    }
}

pub fn template(template: &DrillTemplate) -> CoreResult<()> {
    let mut check = Check::new();
    if !is_key(&template.id) {
        check.fail("id", "not_a_key");
    }
    local(&mut check, "title".into(), &template.title, 200, false);
    local(
        &mut check,
        "scenario".into(),
        &template.scenario,
        5_000,
        true,
    );
    let lists = [
        ("objectives", &template.objectives),
        ("success_criteria", &template.success_criteria),
    ];
    for (field, list) in lists {
        check.count(field, list.len(), MAX_ITEMS);
        if list.is_empty() {
            check.fail(field, "required");
        }
        for (i, t) in list.iter().enumerate().take(MAX_ITEMS) {
            local(&mut check, format!("{field}.{i}"), t, 500, false);
        }
    }
    check.count("participants", template.participants.len(), MAX_ITEMS);
    if template.participants.is_empty() {
        check.fail("participants", "required");
    }
    for (i, p) in template.participants.iter().enumerate().take(MAX_ITEMS) {
        local(
            &mut check,
            format!("participants.{i}.duty"),
            &p.duty,
            500,
            false,
        );
    }
    check.count("steps", template.steps.len(), MAX_STEPS);
    if template.steps.is_empty() {
        check.fail("steps", "required");
    }
    for (i, s) in template.steps.iter().enumerate().take(MAX_STEPS) {
        local(&mut check, format!("steps.{i}.title"), &s.title, 500, false);
        if s.target_minutes == 0 || s.target_minutes > MAX_TARGET_MINUTES {
            check.fail(format!("steps.{i}.target_minutes"), "out_of_range");
        }
        // Every step is someone's: its role takes part.
        if !template.participants.iter().any(|p| p.role == s.role) {
            check.fail(format!("steps.{i}.role"), "role_not_participating");
        }
    }
    check.finish()
}

pub fn plan(conn: &Connection, draft: &DrillPlanDraft, template_exists: bool) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .text("title", &draft.title, 200)
        .date("first_due", draft.first_due);
    if !template_exists {
        check.fail("template", "unknown_template");
    }
    if !(1..=12).contains(&draft.every_months) {
        check.fail("every_months", "out_of_range");
    }
    if members::find(conn, draft.owner)?.is_none() {
        check.fail("owner", "unknown_user");
    }
    check.finish()
}

pub fn note(note: &str) -> CoreResult<()> {
    let mut check = Check::new();
    check.optional_multiline("note", note, MAX_NOTE);
    check.finish()
}

pub fn finish(
    conn: &Connection,
    evaluation: &DrillEvaluation,
    findings: &[ActionDraft],
    unchecked: bool,
) -> CoreResult<()> {
    let mut check = Check::new();
    check.multiline("summary", &evaluation.summary, 10_000);
    if unchecked {
        check.fail("steps", "steps_unchecked");
    }
    follow_ups::check(conn, &mut check, "findings", findings)?;
    check.finish()
}
