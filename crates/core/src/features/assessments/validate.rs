//! Checks of what people type into an assessment.

use crate::error::CoreResult;
use crate::shared::follow_ups;
use crate::shared::validate::Check;
use govbench_protocol::MeetingDraft;
use rusqlite::Connection;

pub const MAX_ATTENDEES: usize = 200;
pub const MAX_NAME: usize = 100;
pub const MAX_CONCLUSIONS: usize = 20_000;
pub const MAX_REASON: usize = 2_000;

pub fn meeting(conn: &Connection, draft: &MeetingDraft) -> CoreResult<()> {
    let mut check = Check::new();
    if let Some(day) = draft.held_on {
        check.date("held_on", day);
    }
    check.count("attendees", draft.attendees.len(), MAX_ATTENDEES);
    for (i, name) in draft.attendees.iter().enumerate().take(MAX_ATTENDEES) {
        check.text(format!("attendees.{i}"), name, MAX_NAME);
    }
    check.optional_multiline("conclusions", &draft.conclusions, MAX_CONCLUSIONS);
    follow_ups::check(conn, &mut check, "adjustments", &draft.adjustments)?;
    check.finish()
}

pub fn reason(reason: &str) -> CoreResult<()> {
    let mut check = Check::new();
    check.multiline("reason", reason, MAX_REASON);
    check.finish()
}
