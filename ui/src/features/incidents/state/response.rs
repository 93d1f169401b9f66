//! Responding to an incident: each response step with its note, as a command.

use govbench_protocol::{IncidentAction, IncidentCommand, IncidentId, TimelineKind};

use crate::state::FieldErrors;

/// The response steps that take a note, in the order they are offered.
pub const RESPONSE_STEPS: [IncidentAction; 5] = [
    IncidentAction::Acknowledge,
    IncidentAction::Mitigate,
    IncidentAction::Resolve,
    IncidentAction::InformManagement,
    IncidentAction::ReportExternally,
];

/// The command for a response step with the note typed, or the note's error. Adding a note
/// needs a text; the other steps take an optional one.
pub fn response_command(
    action: IncidentAction,
    id: IncidentId,
    note: &str,
    kind: TimelineKind,
) -> Result<IncidentCommand, FieldErrors> {
    let note = note.trim().to_owned();
    let command = match action {
        IncidentAction::Acknowledge => IncidentCommand::Acknowledge { id, note },
        IncidentAction::Mitigate => IncidentCommand::Mitigate { id, note },
        IncidentAction::Resolve => IncidentCommand::Resolve { id, note },
        IncidentAction::InformManagement => IncidentCommand::InformManagement { id, note },
        IncidentAction::ReportExternally => IncidentCommand::ReportExternally { id, note },
        IncidentAction::AddNote => {
            if note.is_empty() {
                let mut errors = FieldErrors::new();
                errors.insert("text".into(), "rule.required".into());
                return Err(errors);
            }
            IncidentCommand::AddNote {
                id,
                kind,
                text: note,
            }
        }
        IncidentAction::Close => IncidentCommand::Close { id },
        IncidentAction::Open
        | IncidentAction::Edit
        | IncidentAction::Review
        | IncidentAction::CompleteAction
        | IncidentAction::SetRules
        | IncidentAction::AddMember
        | IncidentAction::EditMember
        | IncidentAction::RemoveMember => return Err(FieldErrors::new()),
    };
    Ok(command)
}

/// The kinds of timeline entry a person may add by hand.
pub const NOTE_KINDS: [TimelineKind; 2] = [TimelineKind::Note, TimelineKind::Action];
